"""客档 KeDang: login gate and the navigation built from the user's role."""
import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

from components.auth import logout, require_user, return_to_deep_link
from components.errors import show_error
from components.navigation import pages_for
from domain.formatting import plain

user = require_user(entry=True)
pages = pages_for(user)
# Off in config.toml, so a fresh server's list of pages/ file names never shows; on for our navigation.
st.set_option("client.showSidebarNavigation", True)
navigation = st.navigation(pages, expanded=True)  # every page listed (no English "View more" button)
return_to_deep_link([page for section in pages.values() for page in section])
with st.sidebar:
    st.markdown(f"**{plain(user.name)}** · {user.role_label}")
    if st.button("退出登录", key="kd_logout_button"):
        logout(user)
try:
    navigation.run()
except (RerunException, StopException):
    raise  # Streamlit's own control flow (st.rerun, st.stop, st.switch_page)
except Exception as exc:  # noqa: BLE001 - a bug: a Chinese message and an error id, never a traceback
    show_error(exc, user)
