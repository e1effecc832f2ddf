"""Running the real app in AppTest as a logged-in user."""
import re
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from components.auth import SESSION_KEY

ROOT = Path(__file__).resolve().parents[2]


def shown(elements) -> list[str]:
    """Messages as the reader sees them: AppTest gives the Markdown source, where user text is escaped."""
    return [re.sub(r"\\(.)", r"\1", e.value).replace("  \n", "\n") for e in elements]


def login(at, user):
    at.session_state[SESSION_KEY] = {"user_id": user.id, "login_at": time.time(), "last_seen": time.time()}


def open_page(path, user, **query):
    """Run the real app (app.py navigation for the user's role) and switch to ``path``."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    login(at, user)
    at.run()
    assert not at.exception, at.exception
    for key, value in query.items():
        at.query_params[key] = value
    if path != "pages/home.py":
        at.switch_page(path)
    return at.run()


def open_archive(user, customer_id: int, tab: str = "资料卡", *, opened: tuple[str, ...] = ()):
    """The archive page with ``tab`` open, and the expanders keyed ``opened`` open: only what is open runs."""
    at = open_page("pages/archive.py", user, id=str(customer_id))
    if tab != "资料卡" or opened:
        at.session_state[f"archive_tabs:{customer_id}"] = tab  # what a click on the tab sets
        for key in opened:
            at.session_state[key] = True
        at.run()
    return at


def open_page_directly(path, user):
    """Run a page file on its own, as a freshly started server does for a deep link."""
    at = AppTest.from_file(str(ROOT / path), default_timeout=30)
    login(at, user)
    return at.run()
