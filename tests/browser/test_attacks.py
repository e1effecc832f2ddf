"""Attacks on the session, in a real browser against the real server: forged and replayed login
cookies, two people in two browsers, an idle session, uploads without the XSRF token or too large.

The login cookie (``kedang_auth``) is streamlit-authenticator's JWT {username, exp_date} signed
with HS256; components/auth.py checks its age against the user's session epoch.
"""
from __future__ import annotations

import http.client
import re
import time
import uuid
import warnings
from urllib.parse import urlsplit

import jwt
import pytest
from playwright.sync_api import expect

from components.auth import COOKIE_NAME
from db import users as user_db
from db.engine import session_scope
from db.models import Setting, User
from domain import auth_rules
from tests import factories
from tests.browser.conftest import AppServer, start_server, team
from tests.browser.patient import SLOW_MS, goto, login_and_keep_cookie, settle_slowly, warm_up
from tests.browser.ui import grid_rows, metric_value, sidebar, visible_grid

# streamlit-authenticator's default cookie key, the keys of its README / example config, and guesses.
GUESSED_KEYS = ["some_key", "some_signature_key", "random_signature_key", "abcdef", "secret", "kedang",
                "KeDang", COOKIE_NAME, "KeDang#2026demo", "streamlit", "cookie_key"]
REP1_CUSTOMERS = ["张业务的客户甲商行", "张业务的客户乙商行"]
REP2_CUSTOMERS = ["王业务的客户商行"]
ENDINGS = {"logout": ("gone1", "退出测试员"), "password reset": ("gone2", "重置测试员"),
           "disabled": ("gone3", "停用测试员")}


def attack_team(session, server: AppServer) -> None:
    """The usual team, a second team (赵经理, rep2 王业务), three reps whose sessions the tests end,
    and customers for rep1 and rep2."""
    team(session, server)
    mgr = session.get(User, server.ids["mgr"])
    boss = factories.make_user(session, "manager", username="mgr2", name="赵经理")
    rep2 = factories.make_user(session, "rep", username="rep2", name="王业务", supervisor=boss)
    server.ids["rep2"] = rep2.id
    for username, name in ENDINGS.values():
        server.ids[username] = factories.make_user(session, "rep", username=username, name=name, supervisor=mgr).id
    rep1 = session.get(User, server.ids["rep1"])
    for name in REP1_CUSTOMERS:
        factories.make_customer(session, rep1, name=name)
    for name in REP2_CUSTOMERS:
        factories.make_customer(session, rep2, name=name)


@pytest.fixture(scope="module")
def attack_server(chromium_browser, tmp_path_factory):
    for server in start_server(tmp_path_factory, attack_team):
        warm_up(chromium_browser, server)
        yield server


def forge(payload: dict, key: str | None, algorithm: str = "HS256") -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyJWT warns about short keys: that is the attacker's problem
        return jwt.encode(payload, key, algorithm=algorithm)


def greeting_after_loading(new_page, server: AppServer, cookie: str) -> str | None:
    """Open the app in a fresh browser holding only ``cookie``: the name it greets, or None when it
    shows the login form (and no error)."""
    page = new_page()
    page.context.add_cookies([{"name": COOKIE_NAME, "value": cookie, "url": server.url}])
    page.goto(server.url + "/", wait_until="domcontentloaded", timeout=SLOW_MS)
    greeting = page.get_by_role("heading", name=re.compile("^您好，"))
    login_button = page.get_by_role("button", name="登录", exact=True)
    expect(greeting.or_(login_button).first).to_be_visible(timeout=SLOW_MS)
    settle_slowly(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    if greeting.count():
        return greeting.first.inner_text().removeprefix("您好，")
    expect(login_button).to_have_count(1)
    expect(sidebar(page).get_by_role("button", name="退出登录")).to_have_count(0)
    return None


def cookie_key(server: AppServer) -> str:
    with session_scope(server.db_url) as s:
        return s.get(Setting, "cookie_key").value


# --- (a) forged cookies ---------------------------------------------------------------------------

def test_a_cookie_forged_with_a_default_or_guessed_key_does_not_log_in(new_page, attack_server):
    """An attacker who knows streamlit-authenticator's token format signs {admin, tomorrow} with the
    library's default key and other guesses, or sends an unsigned token (alg none): each time the
    login form, never the admin's app. The same token signed with the installation's key does log in,
    so the key is all that stands in the way — it is random (64 characters) and kept in the database."""
    admin = {"username": "admin", "exp_date": time.time() + 3600}
    for key in GUESSED_KEYS:
        assert greeting_after_loading(new_page, attack_server, forge(admin, key)) is None, f"key {key!r} worked"
    assert greeting_after_loading(new_page, attack_server, forge(admin, None, "none")) is None
    expired = {"username": "admin", "exp_date": time.time() - 60}
    assert greeting_after_loading(new_page, attack_server, forge(expired, cookie_key(attack_server))) is None

    key = cookie_key(attack_server)
    assert key not in GUESSED_KEYS and len(key) >= 64
    assert greeting_after_loading(new_page, attack_server, forge(admin, key)) == "管理员甲"


# --- (b) a saved cookie replayed after the session ended ------------------------------------------

@pytest.mark.parametrize("ending", list(ENDINGS))
def test_a_saved_cookie_is_dead_once_the_session_is_ended(new_page, attack_server, ending):
    """Someone copies the login cookie of a logged-in rep. While the session lives, the copy opens
    the app in another browser; after 退出登录, a password reset or the account being disabled it
    opens the login form only — and the rep's own open page is logged out at its next click."""
    username, name = ENDINGS[ending]
    page = new_page()
    saved = login_and_keep_cookie(page, attack_server, username, name)
    assert greeting_after_loading(new_page, attack_server, saved) == name  # the copy works while the session lives

    if ending == "logout":
        settle_slowly(page)
        sidebar(page).get_by_role("button", name="退出登录").click()
        expect(page.get_by_text("您已安全退出。")).to_be_visible(timeout=SLOW_MS)
    else:
        with session_scope(attack_server.db_url) as s:
            if ending == "password reset":
                user_db.reset_password(s, actor_id=attack_server.ids["admin"], user_id=attack_server.ids[username],
                                       password="Brand-new-password-2027")
            else:
                user_db.set_user_active(s, actor_id=attack_server.ids["admin"], user_id=attack_server.ids[username],
                                        active=False)
        settle_slowly(page)
        sidebar(page).get_by_role("link", name="客户档案", exact=True).click()
        expect(page.get_by_text(auth_rules.SESSION_ENDED)).to_be_visible(timeout=SLOW_MS)
    expect(page.get_by_role("button", name="登录", exact=True).first).to_be_visible(timeout=SLOW_MS)

    assert greeting_after_loading(new_page, attack_server, saved) is None


# --- (d) two people in two browsers ---------------------------------------------------------------

def _list_names(page, expected: list[str]) -> set[str]:
    """Every cell text of the archive list once ``expected`` names are on screen."""
    grid = visible_grid(page)
    deadline = time.monotonic() + SLOW_MS / 1000
    while True:
        names = {cell for row in grid_rows(grid) for cell in row}
        if set(expected) <= names or time.monotonic() > deadline:
            return names
        page.wait_for_timeout(200)


def test_two_people_in_two_browsers_see_only_their_own(new_page, attack_server):
    """张业务 and 王业务 (two teams) work at the same time: each browser greets its own user, lists
    only that user's customers and counts only them on 驾驶舱, also after the other has loaded the
    same pages (one server process: any identity or rows kept outside the session would show)."""
    a, b = new_page(), new_page()
    login_and_keep_cookie(a, attack_server, "rep1", "张业务")
    login_and_keep_cookie(b, attack_server, "rep2", "王业务")
    people = ((a, "张业务", "王业务", REP1_CUSTOMERS, REP2_CUSTOMERS),
              (b, "王业务", "张业务", REP2_CUSTOMERS, REP1_CUSTOMERS))
    for _ in range(2):  # the second round reloads each after the other
        for page, me, other, mine, theirs in people:
            goto(page, attack_server, "archives", "客户档案")
            names = _list_names(page, mine)
            assert set(mine) <= names and not set(theirs) & names, names
            text = page.locator("body").inner_text()
            assert me in sidebar(page).inner_text() and other not in text, f"{me}'s page shows {other}"
        for page, me, other, mine, theirs in people:
            goto(page, attack_server, "dashboard", "驾驶舱")
            expect(metric_value(page, "在用客户").first).to_be_visible(timeout=SLOW_MS)
            settle_slowly(page)  # the fragment's rerun can show the previous run's metric beside the new one
            assert set(metric_value(page, "在用客户").all_inner_texts()) == {str(len(mine))}, me


# --- (i, h) uploads: XSRF token and size, straight to the server ----------------------------------

def _put(url: str, body: bytes, headers: dict[str, str]) -> int:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request("PUT", parts.path, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def _claim_size(url: str, size: int, headers: dict[str, str]) -> int:
    """Send only the headers of a PUT announcing ``size`` bytes; the server's answer (it must refuse
    before reading the body)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.putrequest("PUT", parts.path)
        for name, value in {**headers, "Content-Length": str(size)}.items():
            connection.putheader(name, value)
        connection.endheaders()
        connection.send(b"x" * 1024)
        return connection.getresponse().status
    finally:
        connection.close()


def _multipart(name: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: text/csv\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_uploads_need_the_xsrf_token_and_stay_under_the_size_limit(new_page, attack_server):
    """The admin uploads a small CSV on 导入导出; the browser's request carries the XSRF token (header
    and cookie). Replayed as a cross-site page would send it — the cookie but no header, or a made-up
    token — the server refuses it (403); with the token it is accepted (204). An upload announcing
    more than server.maxUploadSize is refused (413) before its body is read."""
    page = new_page()
    login_and_keep_cookie(page, attack_server, "admin", "管理员甲")
    goto(page, attack_server, "import", "导入导出")
    uploader = page.get_by_test_id("stFileUploader").filter(has=page.get_by_text("选择文件", exact=True))
    settle_slowly(page)
    with page.expect_request(lambda r: "/_stcore/upload_file/" in r.url and r.method == "PUT",
                             timeout=SLOW_MS) as caught:
        uploader.locator("input[type=file]").set_input_files(
            {"name": "客户.csv", "mimeType": "text/csv", "buffer": "客户名称,电话\n测试商行,0755-1234567\n".encode()})
    request = caught.value
    token = request.headers["x-xsrftoken"]
    xsrf_cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "_streamlit_xsrf")
    base = request.url.rsplit("/", 1)[0]
    body, content_type = _multipart("x.csv", b"a,b\n1,2\n")

    def attempt(**headers: str) -> int:
        return _put(f"{base}/{uuid.uuid4().hex}", body, {"Content-Type": content_type, **headers})

    assert attempt(**{"X-Xsrftoken": token, "Cookie": f"_streamlit_xsrf={xsrf_cookie}"}) == 204
    assert attempt(**{"Cookie": f"_streamlit_xsrf={xsrf_cookie}"}) == 403
    assert attempt() == 403
    assert attempt(**{"X-Xsrftoken": "2|00000000|" + "0" * 64 + "|1700000000",
                      "Cookie": f"_streamlit_xsrf={xsrf_cookie}"}) == 403
    too_big = 51 * 1024 * 1024
    assert _claim_size(f"{base}/{uuid.uuid4().hex}", too_big, {
        "Content-Type": content_type, "X-Xsrftoken": token, "Cookie": f"_streamlit_xsrf={xsrf_cookie}"}) == 413


# --- (e) an idle session in the browser -----------------------------------------------------------

IDLE_HOURS = 0.01  # 36 s: long enough for a busy machine's page loads, short enough to wait out


@pytest.fixture
def idle_server(chromium_browser, tmp_path_factory, monkeypatch):
    monkeypatch.setenv("KEDANG_IDLE_HOURS", str(IDLE_HOURS))  # read by the server started below
    for server in start_server(tmp_path_factory, team):
        warm_up(chromium_browser, server)
        yield server


def test_an_idle_browser_is_logged_out_and_its_cookie_no_longer_logs_in(new_page, idle_server):
    """With KEDANG_IDLE_HOURS at 36 s: a click soon after the last one works; a click after the
    idle time shows the login form with 长时间未操作; reloading the page (the cookie) does not log in."""
    page = new_page()
    login_and_keep_cookie(page, idle_server, "rep1", "张业务")
    settle_slowly(page)
    sidebar(page).get_by_role("link", name="客户档案", exact=True).click()
    expect(page.get_by_role("heading", name="客户档案", exact=True)).to_be_visible(timeout=SLOW_MS)
    settle_slowly(page)

    page.wait_for_timeout(IDLE_HOURS * 3600 * 1000 + 3000)
    sidebar(page).get_by_role("link", name="今日待办", exact=True).click()
    expect(page.get_by_text(auth_rules.SESSION_EXPIRED)).to_be_visible(timeout=SLOW_MS)
    expect(page.get_by_role("heading", name="您好，张业务")).to_have_count(0)
    page.reload()
    expect(page.get_by_role("button", name="登录", exact=True).first).to_be_visible(timeout=SLOW_MS)
    settle_slowly(page)
    expect(page.get_by_role("heading", name="您好，张业务")).to_have_count(0)
