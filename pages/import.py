"""导入导出: upload workbooks (several, or a .zip), map each layout's columns once, preview them together
(nothing written), import each file in its own transaction; templates; past imports."""
import streamlit as st

from components.auth import require_user
from components.feedback import refused, run_write, show_flash
from components.import_files import choose_sheet, group_section, import_each, load_sources, show_combined_preview
from components.import_records import records_tab
from components.import_view import show_errors, show_preview
from components.uploader import files_uploader
from db.archive_queries import active_schemes, owners
from db.engine import session_scope
from db.import_files import preview_files
from db.import_lookups import load_lookups
from db.import_records import list_templates, save_template
from db.imports import ON_DUPLICATE
from domain import fields as F
from domain import permissions
from domain.errors import UserFacingError
from domain.formatting import plain
from domain.import_files import by_dialect
from domain.import_mapping import all_targets
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
    records_tab(user)

with tab_import:
    st.caption("支持 .xlsx、.xls（旧版 Excel/WPS）和 .csv（UTF-8 或 GBK），可一次选择多个文件或一个 .zip 压缩包。"
               "先预览，确认无误后再导入；每个文件要么全部写入，要么不写入。")
    uploads = files_uploader("选择文件", kinds=("xlsx", "xls", "csv", "zip"), key="import_file")
    if not uploads:
        for key in ("import_sources", "import_plan"):  # a removed file's rows leave the session too
            st.session_state.pop(key, None)
        st.stop()
    sources, problems = load_sources(uploads)
    for problem in problems:
        st.error(plain(problem))
    if not sources:
        st.stop()
    if len(sources) == 1 and len(sources[0].workbook.sheet_names) > 1:
        sources = [choose_sheet(sources[0])]

    groups = by_dialect(sources)
    setups = [group_section(group, number, len(groups), templates=templates, targets=all_targets(schemes),
                            schemes=schemes, user_names=user_names,
                            save_template=lambda name, columns, row, values, words: run_write(
                                lambda s: save_template(s, user, name, mapping=columns, header_row=row,
                                                        defaults=values, value_map=words),
                                f"已保存模板「{name.strip()}」"))
              for number, group in enumerate(groups)]

    st.subheader("导入设置")
    owner_id = None
    if permissions.can_assign_owner(user):
        owner_id = st.selectbox("新档案的负责人（表中有业务员列时以表为准）", [None, *people],
                                format_func=lambda v: "我自己" if v is None else people[v], key="import_owner")
    else:
        st.caption("导入的新档案由您负责，并提交上级审核。")
    on_duplicate = st.radio("与已有档案相同（名称、电话或税号）时", list(ON_DUPLICATE), format_func=ON_DUPLICATE.get,
                            horizontal=True, key="import_on_duplicate")
    files = [item for setup in setups for item in setup.files(owner_id, on_duplicate)]
    fingerprint = repr(([u.file_id for u in uploads], [(f.name, f.options) for f in files]))
    unconfirmed = not all(setup.confirmed for setup in setups)
    if unconfirmed:
        st.caption("请先确认未导入的列，再预览。")
    if st.button("预览（试导入，不写入）", type="primary", key="import_preview", disabled=unconfirmed):
        try:
            with session_scope() as session:
                st.session_state["import_plan"] = (fingerprint, preview_files(session, user, files))
        except UserFacingError as exc:
            refused(exc)
    stored = st.session_state.get("import_plan")
    if stored and stored[0] == fingerprint and not unconfirmed:
        preview = stored[1]
        st.subheader("预览")
        if len(files) == 1:
            result = preview.results[0]
            if result.error:
                refused(UserFacingError(result.error))
                st.stop()
            show_preview(result.plan)
            show_errors(result.plan, result.name)
        else:
            show_combined_preview(preview)
        plans = [r.plan for r in preview.results if r.plan]
        new, updated = sum(p.count("new") for p in plans), sum(p.count("update") for p in plans)
        label = (f"确认导入（新建 {new}，更新 {updated}）" if len(files) == 1 else
                 f"确认导入 {len(plans)} 个文件（新建 {new}，更新 {updated}）")
        if st.button(label, type="primary", disabled=new + updated == 0, key="import_confirm"):
            import_each(user, files, preview)
    elif stored:
        st.info("设置已更改，请重新预览。")
