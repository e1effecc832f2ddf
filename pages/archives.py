"""客户档案: search, filter, sort and page through the archives the user may see."""
import streamlit as st

from components.auth import require_user
from components.customer_table import TABLE_HINT, customer_table, export_list_button
from components.feedback import show_flash
from components.followup_form import plan_form
from components.shared_reads import shared
from db.archive_queries import (
    PAGE_SIZE,
    SORTS,
    CustomerFilter,
    active_schemes,
    count_customers,
    list_customers,
    matching_ids,
    owners,
)
from db.engine import session_scope
from domain import fields as F
from domain import permissions
from domain.review import STATE_LABELS

BULK_PLAN_LIMIT = 500

user = require_user(__file__)
st.title("客户档案")
show_flash()

with session_scope() as session:
    schemes = active_schemes(session)
    people_list = owners(session)
people = {u.id: u.name for u in people_list}
assignees = people_list if permissions.sees_team(user) else None
class_options = {v.id: f"{s.name}：{v.name}" for s in schemes for v in s.values}

search_col, overdue_col = st.columns([5, 1], vertical_alignment="bottom")
search = search_col.text_input("搜索", placeholder="客户名称、档案号、电话或联系人", key="list_search")
overdue = overdue_col.checkbox("只看逾期未跟进", key="list_overdue")
c1, c2, c3, c4 = st.columns(4)
province = c1.selectbox("区域", [None, *F.PROVINCES], format_func=lambda v: "全部区域" if v is None else v)
ctype = c2.selectbox("客户类型", [None, *F.CUSTOMER_TYPES], format_func=lambda v: "全部类型" if v is None else v)
class_id = c3.selectbox("分类", [None, *class_options],
                        format_func=lambda v: "全部分类" if v is None else class_options[v])
owner_id = c4.selectbox("负责人", [None, *people], format_func=lambda v: "全部负责人" if v is None else people[v])
c5, c6, c7, c8 = st.columns(4)
status = c5.selectbox("状态", ["active", "inactive", "all"],
                      format_func={"active": "在用", "inactive": "已停用", "all": "全部"}.get)
review_state = c6.selectbox("审核", [None, *STATE_LABELS],
                            format_func=lambda v: "全部" if v is None else STATE_LABELS[v])
sort = c7.selectbox("排序", list(SORTS), format_func=lambda v: SORTS[v][1])
by_field = {}  # every field declared filterable in domain/fields.py, four to a row
for start in range(0, len(F.FILTERS), 4):
    for column, field in zip(st.columns(4), F.FILTERS[start:start + 4]):
        chosen = column.selectbox(field.label, [None, *field.choices], key=f"list_field:{field.name}",
                                  format_func=lambda v: "全部" if v is None else v)
        if chosen is not None:
            by_field[field.name] = chosen
flt = CustomerFilter(search=search, province=province, customer_type=ctype, class_value_id=class_id,
                     owner_id=owner_id, status=status, review_state=review_state, sort=sort, overdue=overdue,
                     fields=tuple(by_field.items()))

if st.session_state.get("list_filter") != repr(flt):  # new filter: back to page 1
    st.session_state["list_filter"] = repr(flt)
    st.session_state["list_page"] = 1
page_number = int(st.session_state.get("list_page", 1))
total = shared(count_customers, user, flt)
with session_scope() as session:
    page = list_customers(session, user, flt, page=page_number, page_size=PAGE_SIZE, total=total)
c8.metric("共", f"{page.total} 份")
st.caption(TABLE_HINT)
clicked = customer_table(page, key=f"list_table_{page.page}", masked=user.masked)
left, middle, right = st.columns([1, 2, 1])
if left.button("‹ 上一页", disabled=page.page <= 1):
    st.session_state["list_page"] = page.page - 1
    st.rerun()
middle.markdown(f"<div style='text-align:center'>第 {page.page} / {page.pages} 页，每页 {page.page_size} 条</div>",
                unsafe_allow_html=True)
if right.button("下一页 ›", disabled=page.page >= page.pages):
    st.session_state["list_page"] = page.page + 1
    st.rerun()
if clicked is not None:
    st.switch_page("pages/archive.py", query_params={"id": clicked})
if permissions.can_export_list(user):
    export_list_button(user, flt)
bulk_box = st.expander("批量安排回访（当前筛选结果）", key="bulk_plan_open", on_change="rerun")  # runs when open
if bulk_box.open:
    with bulk_box:
        if page.total > BULK_PLAN_LIMIT:
            st.warning(f"筛选结果有 {page.total} 位客户，一次最多为 {BULK_PLAN_LIMIT} 位安排；请缩小筛选范围。")
        elif status != "active":
            st.info("只能为在用的档案安排回访：请把「状态」选为「在用」。")
        elif page.total:
            with session_scope() as session:
                ids = matching_ids(session, user, flt, BULK_PLAN_LIMIT)
            if plan_form(user, ids, key=f"bulk_plan:{len(ids)}", assignees=assignees,
                         title=f"为筛选出的 {len(ids)} 位客户安排同一次回访"):
                st.rerun()
