"""Widgets of the 导入 page: the column-mapping table, the dry-run preview, past imports."""
from __future__ import annotations

from typing import Any, Sequence

import pandas as pd
import streamlit as st

from db.imports import ERROR, STATUS_LABELS, ImportPlan
from db.models import ImportBatch
from domain import fields as F
from domain.formatting import local_time, plain
from domain.import_mapping import column_name, header_text, target_label
from domain.import_normalize import number_as_text
from domain.import_values import ValueMap, suggest, unknown_values
from domain.workbooks import error_workbook

NOT_IMPORTED = "（不导入）"
PREVIEW_ROWS = 500


def mapping_editor(headers: Sequence[Any], sample: Sequence[Any], mapping: dict[int, str],
                   targets: list[str], scheme_names: dict[str, str], key: str) -> dict[int, str]:
    """One row per column of the file: its header, an example value and what it is imported as."""
    if not any(h not in (None, "") for h in headers):
        st.warning("所选的表头行是空行，请改选表头所在的行。")
        return {}
    labels = {t: target_label(t, scheme_names) for t in targets}
    by_label = {v: k for k, v in labels.items()}
    frame = pd.DataFrame([{
        "列": column_name(i), "表头": header_text(headers, i),
        "示例": _shown(sample[i] if i < len(sample) else None),
        "导入为": labels.get(mapping.get(i, ""), NOT_IMPORTED),
    } for i in range(len(headers))])
    edited = st.data_editor(
        frame, key=key, hide_index=True, width="stretch", disabled=["列", "表头", "示例"],
        column_config={"导入为": st.column_config.SelectboxColumn(
            "导入为", options=[NOT_IMPORTED, *labels.values()], required=True)})
    chosen: dict[int, str] = {}
    for index, label in enumerate(edited["导入为"]):
        target = by_label.get(label)
        if target and target not in chosen.values():
            chosen[index] = target
    return chosen


def _shown(value: Any) -> str:
    """A cell as the user typed it: 13800138000, not 13800138000.0."""
    if value is None:
        return ""
    if isinstance(value, float):
        return number_as_text(value)
    return str(value)[:40]


def show_preview(plan: ImportPlan, key: str = "") -> None:
    """Counts, each row's status with its changes or reasons, duplicates and unmapped columns."""
    cols = st.columns(7)
    for col, (label, value) in zip(cols, (
            ("读取行数", plan.rows_read), ("新建", plan.count("new")), ("更新", plan.count("update")),
            ("不变", plan.count("unchanged")), ("跳过", plan.count("skip")), ("空行", plan.skipped_blank),
            ("错误", plan.count(ERROR)))):
        col.metric(label, value)
    if plan.unmapped:
        st.info(plain("未导入的列：" + "、".join(plan.unmapped)))
    name_column = next((i for i, t in plan.mapping.items() if t == "name"), None)
    rows = [{"行号": r.row, "状态": STATUS_LABELS[r.status], "客户名称": _row_name(r, name_column),
             "已有档案": r.archive_no or "", "说明": _explain(r)} for r in plan.rows[:PREVIEW_ROWS]]
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key=f"import_preview_table{key}",
                     column_config={"说明": st.column_config.TextColumn("说明", width="large")})
    if len(plan.rows) > PREVIEW_ROWS:
        st.caption(f"只显示前 {PREVIEW_ROWS} 行；全部错误见下方错误表。")
    in_file = [d for d in plan.duplicates if "rows" in d]
    if in_file:
        st.info(plain("文件内重复：" + "；".join(f"第 {'、'.join(map(str, d['rows']))} 行（{d['by']}：{d['value']}）"
                                               for d in in_file[:20])))


def _row_name(row, name_column: int | None) -> str:
    if row.parsed.values.get("name"):
        return row.parsed.values["name"]
    cells = row.parsed.cells
    return "" if name_column is None or name_column >= len(cells) or cells[name_column] is None \
        else str(cells[name_column])


def _explain(row) -> str:
    if row.status == ERROR:
        return "；".join(f"「{e.column}」{e.value}：{e.reason}" if e.value else f"「{e.column}」{e.reason}"
                        for e in row.errors)
    if row.changes and row.status == "update":
        return "；".join(f"{c['label']}：{c['old'] or '（空）'} → {c['new'] or '（空）'}" for c in row.changes)
    return row.note


def show_errors(plan: ImportPlan, file_name: str, key: str = "") -> None:
    """The rejected rows with their reasons, and the error workbook to fix and import again."""
    errors = plan.rejected
    if not errors:
        return
    st.subheader(f"错误 {plan.count(ERROR)} 行")
    st.dataframe(pd.DataFrame([{"行号": e.row, "列": e.column, "内容": e.value, "原因": e.reason} for e in errors]),
                 hide_index=True, width="stretch", key=f"import_error_table{key}")
    rejected = [(r.row, r.parsed.cells, "；".join(f"{e.column}：{e.reason}" for e in r.errors))
                for r in plan.rows if r.status == ERROR]
    st.download_button("下载错误表（原始行 + 错误原因）", error_workbook(plan.headers, rejected),
                       file_name=f"导入错误_{file_name.rsplit('.', 1)[0]}.xlsx", icon=":material/download:",
                       key=f"import_error_download{key}")


def imports_frame(batches: list[ImportBatch]) -> pd.DataFrame:
    return pd.DataFrame([{
        "导入编号": b.id, "时间": local_time(b.at), "文件": b.file_name,
        "导入人": b.actor.name if b.actor else "系统",
        "新建": b.summary.get("created", 0), "更新": b.summary.get("updated", 0),
        "错误": b.summary.get("rejected_rows", 0),
        "状态": f"已撤销（{local_time(b.undone_at)}）" if b.undone_at else "有效",
    } for b in batches])


NO_CHOICE = "（不对应，该行报错）"


def value_map_editor(rows: Sequence[Sequence[Any]], header_index: int, mapping: dict[int, str],
                     saved: ValueMap, key: str) -> ValueMap:
    """选项对应: for each choice column, the words the field does not know, with their counts; each is
    matched to a choice (suggested, or as saved in the template) or left unmatched (its rows refused)."""
    unknown = unknown_values(rows, header_index, mapping)
    if not unknown:
        return {}
    st.subheader("选项对应")
    st.caption("表中这些写法不是系统的选项：请为每个写法选一个选项（已按意思建议）；选「不对应」的行将报错、不导入。")
    value_map: ValueMap = {}
    for name, words in unknown.items():
        field = F.FIELDS_BY_NAME[name]
        options = [NO_CHOICE, *field.choices]
        st.markdown(f"**{plain(field.label)}**")
        for number, (word, count) in enumerate(words.most_common()):
            default = saved.get(name, {}).get(word) or suggest(field, word)
            picked = st.selectbox(plain(f"「{word}」（{count} 行）"), options,
                                  index=options.index(default) if default in options else 0,
                                  key=f"{key}:{name}:{number}:{word}")
            if picked != NO_CHOICE:
                value_map.setdefault(name, {})[word] = picked
    return value_map
