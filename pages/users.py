"""用户管理 (admins only): create users, set role and supervisor, reset passwords, disable."""
import pandas as pd
import streamlit as st

from components.auth import require_user
from components.feedback import run_write, show_flash
from components.forms import create, form_key
from db import users as user_db
from db.access import ALL, masked_roles, service_scope, set_masked_roles, set_service_scope
from db.engine import session_scope
from domain.formatting import local_time, plain
from domain.roles import ADMIN, ALL_ROLES, MANAGER, ROLE_LABELS, SERVICE

admin = require_user(__file__)
st.title("用户管理")
show_flash()

with session_scope() as session:
    people = user_db.list_users(session)
names = {u.id: u.name for u in people}
st.dataframe(pd.DataFrame([{
    "用户名": u.username, "姓名": u.name, "角色": ROLE_LABELS.get(u.role, u.role),
    "上级": names.get(u.supervisor_id, ""), "状态": "启用" if u.is_active else "已停用",
    "创建时间": local_time(u.created_at)} for u in people]), hide_index=True, width="stretch")


role_name = lambda r: ROLE_LABELS[r]  # noqa: E731
new_tab, edit_tab, mask_tab = st.tabs(["新建用户", "修改 / 重置密码 / 停用", "敏感信息"])
with new_tab, st.form(form_key("new_user"), enter_to_submit=False):
    c1, c2 = st.columns(2)
    username = c1.text_input("用户名 *（登录用，字母或数字）")
    name = c2.text_input("姓名 *")
    role = c1.selectbox("角色 *", ALL_ROLES, format_func=role_name, index=ALL_ROLES.index("rep"))
    supervisor = c2.selectbox("直接上级", [None, *names], format_func=lambda v: "（无）" if v is None else names[v])
    password = c1.text_input("初始密码 *（至少 8 位，管理员至少 12 位）", type="password")
    email = c2.text_input("邮箱")
    if st.form_submit_button("创建用户", type="primary"):
        create("new_user", lambda s: user_db.create_user(s, actor_id=admin.id, username=username, name=name,
                                                         role=role, password=password, supervisor_id=supervisor,
                                                         email=email),
               f"已创建用户 {username}")

with edit_tab:
    target_id = st.selectbox("选择用户", list(names), format_func=lambda v: names[v], key="edit_user")
    target = next(u for u in people if u.id == target_id)
    with st.form(f"edit_user_{target_id}"):
        c1, c2 = st.columns(2)
        new_name = c1.text_input("姓名", value=target.name)
        new_role = c2.selectbox("角色", ALL_ROLES, index=ALL_ROLES.index(target.role), format_func=role_name)
        options = [None, *[i for i in names if i != target_id]]
        new_supervisor = c1.selectbox("直接上级", options, index=options.index(target.supervisor_id)
                                      if target.supervisor_id in options else 0,
                                      format_func=lambda v: "（无）" if v is None else names[v])
        if st.form_submit_button("保存"):
            run_write(lambda s: user_db.update_user(s, actor_id=admin.id, user_id=target_id, name=new_name,
                                              role=new_role, supervisor_id=new_supervisor), "已保存")
    if target.role == SERVICE:
        with session_scope() as session:
            scope = service_scope(session, target_id)
        managers = {u.id: f"{u.name}的团队" for u in people if u.role == MANAGER and u.is_active}
        with st.form(f"scope_{target_id}"):
            st.markdown("**客服可查看的客户**（未设置时一位客户也看不到）")
            everyone = st.checkbox("全部客户", value=ALL in scope)
            teams = st.multiselect("或只看这些团队的客户", list(managers), format_func=lambda v: managers[v],
                                   default=[m for m in scope if m in managers], placeholder="选择销售经理的团队")
            if st.form_submit_button("保存查看范围"):
                run_write(lambda s: set_service_scope(s, admin, target_id, [ALL] if everyone else teams),
                          f"已保存 {target.name} 的查看范围")
    with st.form(f"reset_{target_id}", clear_on_submit=True):
        new_password = st.text_input("新密码", type="password")
        if st.form_submit_button("重置密码（该用户的所有登录将失效）"):
            run_write(lambda s: user_db.reset_password(s, actor_id=admin.id, user_id=target_id, password=new_password),
                f"已重置 {target.name} 的密码")
    if target.is_active:
        if st.button(f"停用 {plain(target.name)}（立即退出其所有登录）", key="disable_user"):
            run_write(lambda s: user_db.set_user_active(s, actor_id=admin.id, user_id=target_id, active=False),
                f"已停用 {target.name}")
    elif st.button(f"启用 {plain(target.name)}", key="enable_user"):
        run_write(lambda s: user_db.set_user_active(s, actor_id=admin.id, user_id=target_id, active=True),
            f"已启用 {target.name}")

with mask_tab:
    with session_scope() as session:
        masked = masked_roles(session)
    with st.form("mask_roles"):
        st.caption("所选角色看到的客户电话、传真、联系人手机和银行账号只显示部分数字（如 138****8000），"
                   "并且不能修改档案。系统管理员总能看到完整信息。")
        roles = st.multiselect("隐藏电话和银行账号的角色", [r for r in ALL_ROLES if r != ADMIN], default=masked,
                               format_func=role_name, placeholder="不隐藏")
        if st.form_submit_button("保存"):
            run_write(lambda s: set_masked_roles(s, admin, roles), "已保存：这些角色下次打开页面时生效")
