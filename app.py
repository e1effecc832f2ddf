"""客档 KeDang: login gate and the navigation built from the user's role."""
import streamlit as st

from components.auth import logout, require_user
from components.navigation import pages_for

st.set_page_config(page_title="客档 KeDang", page_icon="📁", layout="wide")

user = require_user()
navigation = st.navigation(pages_for(user))
with st.sidebar:
    st.markdown(f"**{user.name}** · {user.role_label}")
    if st.button("退出登录", key="kd_logout_button"):
        logout(user)
navigation.run()
