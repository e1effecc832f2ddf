"""客档 KeDang: login gate and the navigation built from the user's role."""
import streamlit as st

from components.auth import logout, require_user, return_to_deep_link
from components.navigation import pages_for

st.set_page_config(page_title="客档 KeDang", page_icon="📁", layout="wide")

user = require_user(entry=True)
pages = pages_for(user)
navigation = st.navigation(pages, expanded=True)  # every page listed (no English "View more" button)
return_to_deep_link([page for section in pages.values() for page in section])
with st.sidebar:
    st.markdown(f"**{user.name}** · {user.role_label}")
    if st.button("退出登录", key="kd_logout_button"):
        logout(user)
navigation.run()
