"""The 导入 page with several files (issue 18 item 5): the files read once per upload, one column mapping
per header dialect (confirmed once for all its files), and the combined preview."""
from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from components.feedback import flash
from components.import_view import mapping_editor, show_errors, show_preview, value_map_editor
from db.engine import session_scope
from db.import_files import FileImport, Preview
from db.imports import ERROR, ImportOptions, ImportPlan, find_header, run_import
from domain import fields as F
from domain.errors import UserFacingError
from domain.formatting import plain
from domain.import_content import by_content
from domain.import_files import MAX_FILES, Source, first_sheet_with_header, unique_names, unpack
from domain.import_mapping import auto_mapping, header_text, mapping_from_headers, unmapped_columns
from domain.import_values import ValueMap
from domain.spreadsheet import read_workbook

Template = tuple[int | None, dict[str, str], dict[str, Any], ValueMap]  # header row, columns, defaults, values
NO_DEFAULT = {"province": "（不设置，按区域、地址或城市识别）", "customer_type": "（不设置）"}


def load_sources(uploads: list[UploadedFile]) -> tuple[list[Source], list[str]]:
    """The workbooks of the uploads (a .zip opened), each read once per upload and kept in the session,
    and the Chinese reason for each file that could not be read."""
    cache: dict[str, Any] = st.session_state.setdefault("import_sources", {})
    read: list[tuple[str, Any]] = []
    for upload in uploads:
        data = upload.getvalue()
        digest = hashlib.sha1(data).hexdigest()
        if digest not in cache:
            cache[digest] = _read(upload.name, data)
        read.extend(cache[digest])
    for stale in set(cache) - {hashlib.sha1(u.getvalue()).hexdigest() for u in uploads}:
        del cache[stale]
    sources, problems = [], []
    for name, (_, item) in zip(unique_names([name for name, _ in read]), read):
        if isinstance(item, str):
            problems.append(item)
        else:
            sources.append(Source(name, *item))
    if len(sources) > MAX_FILES:
        problems.append(f"一次最多导入 {MAX_FILES} 个文件，只读取了前 {MAX_FILES} 个")
    return sources[:MAX_FILES], problems


def _read(name: str, data: bytes) -> list[tuple[str, Any]]:
    try:
        files = unpack(name, data)
    except UserFacingError as exc:
        return [(name, f"无法读取「{name}」：{exc}")]
    found: list[tuple[str, Any]] = []
    for member, content in files:
        try:
            workbook = read_workbook(content, member)
            found.append((member, (workbook, *first_sheet_with_header(workbook))))
        except UserFacingError as exc:
            found.append((member, f"无法读取「{member}」：{exc}"))
    return found


@dataclass
class GroupSetup:
    """What the user chose for the files of one dialect."""

    sources: list[Source]
    header_rows: list[int]           # per file, as Excel numbers rows
    mapping: dict[int, str]
    value_map: ValueMap
    defaults: dict[str, Any]
    unmapped: list[str]
    confirmed: bool
    key: str = field(default="")

    def files(self, owner_id: int | None, on_duplicate: str) -> list[FileImport]:
        return [FileImport(s.name, s.rows, ImportOptions(
            sheet=s.sheet, header_row=row, mapping=self.mapping, defaults=self.defaults, owner_id=owner_id,
            on_duplicate=on_duplicate, value_map=self.value_map)) for s, row in zip(self.sources, self.header_rows)]


def group_section(sources: list[Source], number: int, of: int, *, templates: dict[str, Template],
                  targets: list[str], schemes: dict[str, str], user_names: set[str],
                  save_template: Callable[[str, dict[str, str], int, dict, ValueMap], None]) -> GroupSetup:
    """The mapping of one dialect's files: template, header row, columns, the office's words, the values
    for columns the files lack and the columns not imported (confirmed by the user)."""
    key = f"g{number}" if of > 1 else ""
    if of > 1 or len(sources) > 1:
        st.subheader(plain(f"格式 {number + 1}：" + "、".join(f"「{s.name}」" for s in sources)), divider="gray")
    template_name = st.selectbox("列对应模板", ["（自动识别）", *templates], key=f"import_template{key}")
    template = templates.get(template_name)
    first = sources[0]
    header_rows = _header_rows(sources, template, key)
    rows, header_index = first.rows, header_rows[0] - 1
    headers = rows[header_index] if rows else []
    sample = rows[header_index + 1] if header_index + 1 < len(rows) else []
    notes: dict[int, str] = {}
    if template:
        suggested = mapping_from_headers(headers, template[1])
    else:  # by header, then by content (终端类型 holding 客户类型 words; 负责人 holding our reps' names)
        suggested, notes = by_content(rows, header_index, auto_mapping(headers), user_names)
    st.subheader("列对应")
    for index, note in notes.items():
        st.info(plain(f"「{header_text(headers, index)}」列：{note}（可在下表中改回）"))
    state = f"{key}_{first.sheet}_{header_rows[0]}_{template_name}"
    mapping = mapping_editor(headers, sample, suggested, targets, schemes, key=f"import_mapping_{state}")
    every_row = [row for s, h in zip(sources, header_rows) for row in s.rows[h:]]
    value_map = value_map_editor([headers, *every_row], 0, mapping, template[3] if template else {},
                                 key=f"import_values_{state}")
    defaults = _defaults(mapping, dict(template[2]) if template else {}, key)
    unmapped = unmapped_columns([headers, *every_row], 0, mapping)
    confirmed = True
    if unmapped:
        st.markdown("**未导入的列**")
        st.warning(plain("以下列不会导入：" + "、".join(unmapped) + "。如需导入，请在上面的列对应表中选择对应的字段。"))
        listed = zlib.crc32("、".join(unmapped).encode())
        confirmed = st.checkbox("确认以上列不导入", key=f"import_unmapped{key}_{listed}")
    by_header = {header_text(headers, i): t for i, t in mapping.items()}
    with st.expander("保存为列对应模板（下次同样格式的文件自动套用）", key=f"template_open{key}"):
        name = st.text_input("模板名称", key=f"import_template_name{key}")
        if st.button("保存模板", key=f"import_template_save{key}"):
            save_template(name, by_header, header_rows[0], defaults, value_map)
        st.download_button("下载列对应 JSON（供 manage.py import-customers --mapping 使用）",
                           json.dumps({"header_row": header_rows[0], "columns": by_header, "defaults": defaults,
                                       "values": value_map}, ensure_ascii=False, indent=1),
                           file_name="mapping.json", key=f"import_mapping_json{key}")
    return GroupSetup(sources, header_rows, mapping, value_map, defaults, unmapped, confirmed, key)


def _header_rows(sources: list[Source], template: Template | None, key: str) -> list[int]:
    """One file: the header row the user may correct. Several files of one dialect: each file's own."""
    if len(sources) > 1:
        rows = [s.header_index + 1 for s in sources]
        st.caption(plain("表头行：" + "，".join(f"「{s.name}」第 {r} 行" for s, r in zip(sources, rows))))
        return rows
    source = sources[0]
    try:
        detected = find_header(source.rows, template[0] if template else None) + 1
    except UserFacingError as exc:
        st.warning(plain(exc))
        detected = 1
    most = max(1, len(source.rows))
    return [int(st.number_input("表头所在行（按 Excel 的行号）", min_value=1, max_value=most,
                                value=min(detected, most), key=f"import_header{key}_{source.sheet}"))]


def _defaults(mapping: dict[int, str], defaults: dict[str, Any], key: str) -> dict[str, Any]:
    """A value for the whole file when it has no 客户类型 or 省份 column."""
    for name in ("customer_type", "province"):
        if name in mapping.values():
            continue
        field_ = F.FIELDS_BY_NAME[name]
        options = [None, *field_.choices]
        saved = defaults.get(name)
        defaults[name] = st.selectbox(f"文件中没有「{field_.label}」列，统一设为", options,
                                      index=options.index(saved) if saved in field_.choices else 0,
                                      format_func=lambda v, name=name: v if v is not None else NO_DEFAULT[name],
                                      key=f"import_default{key}_{name}")
    if {"customer_type", "province"} <= set(mapping.values()):
        st.caption("客户类型和省份取自文件中的对应列。")
    return {k: v for k, v in defaults.items() if v}


def show_combined_preview(preview: Preview) -> None:
    """Several files: counts per file, the repeats across files, every rejected row with its file, and
    each file's rows under its name."""
    st.dataframe(pd.DataFrame([{
        "文件": r.name, "读取行数": r.plan.rows_read if r.plan else 0,
        "新建": r.plan.count("new") if r.plan else 0, "更新": r.plan.count("update") if r.plan else 0,
        "不变": r.plan.count("unchanged") if r.plan else 0, "跳过": r.plan.count("skip") if r.plan else 0,
        "空行": r.plan.skipped_blank if r.plan else 0, "错误": r.plan.count(ERROR) if r.plan else 0,
        "说明": r.error or ("、".join(r.plan.unmapped) and "未导入的列：" + "、".join(r.plan.unmapped)),
    } for r in preview.results]), hide_index=True, width="stretch", key="import_preview_files")
    if preview.repeats:
        st.markdown(f"**文件间重复 {len(preview.repeats)} 行**（同一客户只建一份档案，后面的文件按设置更新或跳过）")
        st.dataframe(pd.DataFrame([{
            "文件": r["file"], "行号": r["row"], "与之相同": f"「{r['earlier_file']}」第 {r['earlier_row']} 行",
            "处理": {"update": "更新", "unchanged": "不变", "skip": "跳过"}.get(r["status"], r["status"]),
        } for r in preview.repeats]), hide_index=True, width="stretch", key="import_preview_repeats")
    errors = [(r.name, e) for r in preview.results if r.plan for e in r.plan.rejected]
    if errors:
        st.subheader(f"错误 {sum(r.plan.count(ERROR) for r in preview.results if r.plan)} 行")
        st.dataframe(pd.DataFrame([{"文件": name, "行号": e.row, "列": e.column, "内容": e.value, "原因": e.reason}
                                   for name, e in errors]), hide_index=True, width="stretch",
                     key="import_error_table_all")
    for number, result in enumerate(preview.results):
        if result.plan is None:
            continue
        with st.expander(plain(f"「{result.name}」逐行预览"), key=f"import_file_rows_{number}"):
            show_preview(result.plan, key=f"_{number}")
            show_errors(result.plan, result.name, key=f"_{number}")


def choose_sheet(source: Source) -> Source:
    """One workbook of several sheets: the user picks the sheet (the first with a header by default)."""
    names = source.workbook.sheet_names
    sheet = st.selectbox("工作表", names, index=names.index(source.sheet), key="import_sheet")
    if sheet == source.sheet:
        return source
    rows = source.workbook.rows(sheet)
    try:
        header = find_header(rows, None)
    except UserFacingError:
        header = None
    return Source(source.name, source.workbook, sheet, rows, header)


def import_summary(plans: list[ImportPlan]) -> str:
    """The message after an import: one file as before, several file by file."""
    def counts(p: ImportPlan) -> str:
        return (f"新建 {p.count('new')} 份，更新 {p.count('update')} 份，不变 {p.count('unchanged')}，"
                f"跳过 {p.count('skip')}，空行 {p.skipped_blank}，错误 {p.count(ERROR)} 行未导入")
    if len(plans) == 1:
        return (f"导入完成（导入编号 #{plans[0].import_id}）：{counts(plans[0])}。"
                "可在「导入导出记录」中撤销这次导入。")
    return (f"导入完成 {len(plans)} 个文件：" + "；".join(f"「{p.file_name}」（导入编号 #{p.import_id}）{counts(p)}"
                                                 for p in plans) + "。每个文件可在「导入导出记录」中单独撤销。")


def import_each(user, files: list[FileImport], preview: Preview) -> None:
    """确认导入: each file in its own transaction, with one progress bar; a file that fails is named with
    its reason beside what was imported (this run stays on screen), else the summary is flashed."""
    bar = st.progress(0.0, text="正在导入…")
    done, failed = [], []
    for number, item in enumerate(files):
        if next(r for r in preview.results if r.name == item.name).plan is None:
            continue  # it could not be imported at all (the preview said why)
        share = (number, len(files))
        try:
            with session_scope() as session:
                done.append(run_import(session, user, item.rows, file_name=item.name, options=item.options,
                                       progress=lambda fraction, text, share=share: bar.progress(
                                           min(1.0, (share[0] + fraction) / share[1]), text=text)))
        except UserFacingError as exc:
            failed.append(f"「{item.name}」没有导入，数据库未因它做任何改动：{exc}")
    del st.session_state["import_plan"]
    for message in failed:
        st.error(plain(message))
    if failed:  # stay on this run, so the refusals are read beside what was imported
        if done:
            st.success(plain(import_summary(done)))
    else:
        flash(import_summary(done))
        st.rerun()
