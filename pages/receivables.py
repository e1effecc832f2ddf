"""回款: receivables aging, overdue and soon-due payments of the customers the user may see; import."""
import streamlit as st

from components.auth import require_user
from components.dashboard_charts import aging_chart
from components.receivable_views import import_section, receivable_frame, styled
from db.archive_queries import owners
from db.engine import session_scope
from db.receivables import aging, due_soon, overdue
from domain import permissions
from domain.formatting import local_today

user = require_user(__file__)
today = local_today()
st.title("回款提醒与账龄")
with session_scope() as session:
    people = owners(session) if permissions.sees_team(user) else []
owner_id = None
if people:
    names = {p.id: p.name for p in people}
    owner_id = st.selectbox("负责人", [None, *names], format_func=lambda v: "全部" if v is None else names[v])

with session_scope() as session:
    buckets = aging(session, user, today, owner_id)
    late = overdue(session, user, today, owner_id)
    soon = due_soon(session, user, today, own_only=False)
cols = st.columns(len(buckets))
for col, bucket in zip(cols, buckets):
    col.metric(bucket.label, f"{bucket.outstanding:,.0f} 元")
    col.caption(f"{bucket.count} 笔")
aging_chart(buckets)

st.subheader(f"3 天内到期（{soon.total}）")
if soon.rows:
    st.dataframe(styled(receivable_frame([r for r, _ in soon.rows], {c.id: c for _, c in soon.rows})), hide_index=True,
                 width="stretch")
else:
    st.caption("没有 3 天内到期的应收账款。")
st.subheader(f"已逾期（{late.total}）")
if late.rows:
    st.dataframe(styled(receivable_frame([r for r, _ in late.rows], {c.id: c for _, c in late.rows})), hide_index=True,
                 width="stretch")
    if late.total > len(late.rows):
        st.caption(f"只显示最早到期的 {len(late.rows)} 笔。")
else:
    st.caption("没有逾期的应收账款。")

if permissions.can_import(user):
    with st.expander("导入应收账款", key="receivable_import_open"):
        import_section(user)
