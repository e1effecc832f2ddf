"""导入导出: upload a workbook, map its columns, preview (dry run), import; templates; past imports."""
import json

import streamlit as st

from components.auth import require_user
from components.feedback import flash, refused, run_write, show_flash
from components.import_view import (
    imports_frame,
    load_workbook,
    mapping_editor,
    show_errors,
    show_preview,
    value_map_editor,
)
from components.uploader import file_uploader
from db.archive_queries import active_schemes, owners
from db.engine import session_scope
from db.exports import list_exports
from db.import_lookups import load_lookups
from db.import_records import list_imports, list_templates, save_template, undo_import, undo_summary
from db.imports import ON_DUPLICATE, ImportOptions, find_header, run_import
from domain import fields as F
from domain import permissions
from domain.errors import UserFacingError
from domain.formatting import local_time, plain
from domain.import_content import by_content
from domain.import_mapping import all_targets, auto_mapping, header_text, mapping_from_headers
from domain.import_values import checked
from domain.workbooks import import_template

user = require_user(__file__)
if not permissions.can_import(user):
    st.error("您的角色无权导入档案。")
    st.stop()
cached_template = st.cache_data(show_spinner=False)(import_template)
st.title("导入导出")
show_flash()

with session_scope() as session:
    schemes = {s.code: s.name for s in active_schemes(session)}
    people = {u.id: u.name for u in owners(session)}
    user_names = set(load_lookups(session).users)
    templates = {t.name: (t.header_row, t.mapping, t.defaults, checked(t.value_map)) for t in list_templates(session)}

tab_import, tab_templates, tab_records = st.tabs(["导入档案", "下载导入模板", "导入导出记录"])

with tab_templates:
    st.write("按客户类型下载导入模板：第 1 行是表头（带 * 的必填），第 2 行是示例，选项列带下拉框。")
    for number, customer_type in enumerate(F.CUSTOMER_TYPES):
        st.download_button(f"{customer_type} 导入模板", cached_template(customer_type),
                           file_name=f"客户档案导入模板_{customer_type.replace('/', '_')}.xlsx",
                           icon=":material/download:", key=f"import_template_{number}")

with tab_records:
    with session_scope() as session:
        batches = list_imports(session, user)
        exports = list_exports(session) if permissions.can_undo_import(user, None) else []
        frame = imports_frame(batches)
    if batches:
        st.dataframe(frame, hide_index=True, width="stretch", key="import_records")
        undoable = [b for b in batches if b.undone_at is None and permissions.can_undo_import(user, b.actor_id)]
        if undoable:
            with st.form("undo_import"):
                chosen = st.selectbox("撤销导入", [b.id for b in undoable],
                                      format_func=lambda i: f"#{i} {next(b.file_name for b in undoable if b.id == i)}")
                reason = st.text_input("撤销原因（必填）")
                if st.form_submit_button("撤销这次导入"):
                    try:
                        with session_scope() as session:
                            counts = undo_import(session, user, chosen, reason)
                    except UserFacingError as exc:
                        refused(exc)
                    else:
                        flash(undo_summary(chosen, counts))
                        st.rerun()
    else:
        st.info("还没有导入记录。")
    if exports:
        st.subheader("导出记录")
        st.dataframe([{"时间": local_time(e.at), "导出人": e.actor.name if e.actor else "系统",
                       "份数": next((c["new"] for c in e.changes if c["field"] == "count"), ""),
                       "条件": e.reason or ""} for e in exports], hide_index=True, width="stretch")

with tab_import:
    st.caption("支持 .xlsx、.xls（旧版 Excel/WPS）和 .csv（UTF-8 或 GBK）。先预览，确认无误后再导入；整个导入要么全部写入，要么不写入。")
    upload = file_uploader("选择文件", kinds=("xlsx", "xls", "csv"), key="import_file")
    if upload is None:
        for key in ("import_workbook", "import_plan"):  # a removed file's rows leave the session too
            st.session_state.pop(key, None)
        st.stop()
    try:
        workbook = load_workbook(upload.getvalue(), upload.name)
    except UserFacingError as exc:
        st.error(plain(f"无法读取「{upload.name}」：{exc}"))
        st.stop()
    sheet = workbook.sheet_names[0]
    if len(workbook.sheet_names) > 1:
        sheet = st.selectbox("工作表", workbook.sheet_names, key="import_sheet")
    try:
        rows = workbook.rows(sheet)
    except UserFacingError as exc:
        refused(exc)
        st.stop()

    template_name = st.selectbox("列对应模板", ["（自动识别）", *templates], key="import_template")
    template = templates.get(template_name)
    try:
        detected = find_header(rows, template[0] if template else None) + 1
    except UserFacingError as exc:
        st.warning(plain(exc))
        detected = 1
    header_row = int(st.number_input("表头所在行（按 Excel 的行号）", min_value=1, max_value=max(1, len(rows)),
                                     value=min(detected, max(1, len(rows))), key=f"import_header_{sheet}"))
    headers = rows[header_row - 1] if rows else []
    sample = rows[header_row] if header_row < len(rows) else []
    notes: dict[int, str] = {}
    if template:
        suggested = mapping_from_headers(headers, template[1])
    else:  # by header, then by content (终端类型 holding 客户类型 words; 负责人 holding our reps' names)
        suggested, notes = by_content(rows, header_row - 1, auto_mapping(headers), user_names)
    st.subheader("列对应")
    for index, note in notes.items():
        st.info(plain(f"「{header_text(headers, index)}」列：{note}（可在下表中改回）"))
    mapping = mapping_editor(headers, sample, suggested, all_targets(schemes), schemes,
                             key=f"import_mapping_{sheet}_{header_row}_{template_name}")
    value_map = value_map_editor(rows, header_row - 1, mapping, template[3] if template else {},
                                 key=f"import_values_{sheet}_{header_row}_{template_name}")

    st.subheader("导入设置")
    c1, c2 = st.columns(2)
    defaults = dict(template[2]) if template else {}
    for name in ("customer_type", "province"):
        if name not in mapping.values():
            field = F.FIELDS_BY_NAME[name]
            default = defaults.get(name)
            choice = c1.selectbox(f"文件中没有「{field.label}」列，统一设为", [None, *field.choices],
                                  index=([None, *field.choices].index(default) if default in field.choices else 0),
                                  format_func=lambda v, name=name: v if v is not None else (
                                      "（不设置，按区域、地址或城市识别）" if name == "province" else "（不设置）"),
                                  key=f"import_default_{name}")
            defaults[name] = choice
    defaults = {k: v for k, v in defaults.items() if v}
    if {"customer_type", "province"} <= set(mapping.values()):
        c1.caption("客户类型和省份取自文件中的对应列。")
    owner_id = None
    if permissions.can_assign_owner(user):
        owner_id = c2.selectbox("新档案的负责人（表中有业务员列时以表为准）", [None, *people],
                                format_func=lambda v: "我自己" if v is None else people[v], key="import_owner")
    else:
        c2.caption("导入的新档案由您负责，并提交上级审核。")
    on_duplicate = c2.radio("与已有档案相同（名称、电话或税号）时", list(ON_DUPLICATE), format_func=ON_DUPLICATE.get,
                            horizontal=True, key="import_on_duplicate")
    with st.expander("保存为列对应模板（下次同样格式的文件自动套用）", key="template_open"):
        name = st.text_input("模板名称", key="import_template_name")
        by_header = {header_text(headers, i): t for i, t in mapping.items()}
        if st.button("保存模板", key="import_template_save"):
            run_write(lambda s: save_template(s, user, name, mapping=by_header, header_row=header_row,
                                              defaults=defaults, value_map=value_map), f"已保存模板「{name.strip()}」")
        st.download_button("下载列对应 JSON（供 manage.py import-customers --mapping 使用）",
                           json.dumps({"header_row": header_row, "columns": by_header, "defaults": defaults,
                                       "values": value_map}, ensure_ascii=False, indent=1),
                           file_name="mapping.json", key="import_mapping_json")

    options = ImportOptions(sheet=sheet, header_row=header_row, mapping=mapping, defaults=defaults,
                            owner_id=owner_id, on_duplicate=on_duplicate, value_map=value_map)
    fingerprint = repr((upload.file_id, sheet, header_row, sorted(mapping.items()), sorted(defaults.items()),
                        owner_id, on_duplicate, sorted((k, sorted(v.items())) for k, v in value_map.items())))
    if st.button("预览（试导入，不写入）", type="primary", key="import_preview"):
        try:
            with session_scope() as session:
                plan = run_import(session, user, rows, file_name=upload.name, options=options, dry_run=True)
            st.session_state["import_plan"] = (fingerprint, plan)
        except UserFacingError as exc:
            refused(exc)
    preview = st.session_state.get("import_plan")
    if preview and preview[0] == fingerprint:
        plan = preview[1]
        st.subheader("预览")
        show_preview(plan)
        show_errors(plan, upload.name)
        writable = plan.count("new") + plan.count("update")
        if st.button(f"确认导入（新建 {plan.count('new')}，更新 {plan.count('update')}）", type="primary",
                     disabled=writable == 0, key="import_confirm"):
            bar = st.progress(0.0, text="正在导入…")
            try:
                with session_scope() as session:
                    done = run_import(session, user, rows, file_name=upload.name, options=options,
                                      progress=lambda fraction, text: bar.progress(min(1.0, fraction), text=text))
            except UserFacingError as exc:
                st.error(plain(f"导入没有完成，数据库未做任何改动：{exc}"))
            else:
                del st.session_state["import_plan"]
                flash(f"导入完成（导入编号 #{done.import_id}）：新建 {done.count('new')} 份，"
                      f"更新 {done.count('update')} 份，不变 {done.count('unchanged')}，跳过 {done.count('skip')}，"
                      f"空行 {done.skipped_blank}，错误 {done.count('error')} 行未导入。可在「导入导出记录」中撤销这次导入。")
                st.rerun()
    elif preview:
        st.info("设置已更改，请重新预览。")
