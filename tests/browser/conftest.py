"""Real-browser tests: the real app (``streamlit run app.py``) on a free port, driven by Chromium.

The server gets its own fresh database (SQLite, or PostgreSQL with KEDANG_TEST_DB=postgres,
via ``make_database``), with the users created before it starts. Chromium is the system one
(/usr/bin/chromium, never ``playwright install``); without it the tests skip, or fail with CI=true.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from db.engine import session_scope
from tests import factories
from tests.conftest import make_database, unavailable

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
STARTUP_SECONDS = 60
TIMEOUT_MS = 15_000  # Streamlit reruns are asynchronous: wait generously for what the user should see

# Streamlit marks its root element data-test-script-state="running" / "notRunning"; this counts the
# finished script runs and notes when the state last changed, for ui.after_rerun() and ui.settle().
WATCH_SCRIPT_RUNS = """
window.__kdRuns = 0;
window.__kdLastChange = performance.now();
new MutationObserver(records => {
  for (const r of records) {
    window.__kdLastChange = performance.now();
    if (r.target.getAttribute('data-test-script-state') === 'notRunning') window.__kdRuns += 1;
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
"""


@dataclass
class AppServer:
    """A running KeDang server and what was put in its database before it started."""

    url: str
    db_url: str
    process: subprocess.Popen
    log_path: Path
    ids: dict[str, int] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def page_url(self, path: str) -> str:
        return f"{self.url}/{path.lstrip('/')}"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(server: AppServer) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"streamlit 进程已退出（{server.process.returncode}）：\n{server.log()}", pytrace=False)
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.25)
    pytest.fail(f"streamlit 未在 {STARTUP_SECONDS} 秒内就绪：\n{server.log()}", pytrace=False)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def start_server(tmp_path_factory, prepare: Callable[[object, AppServer], None]):
    """Generator behind the server fixtures: fresh database, ``prepare(session, server)`` fills it
    (users, customers) before the app starts; the process is stopped and the database dropped after."""
    db_url, cleanup = make_database(tmp_path_factory)
    port = _free_port()
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    server = AppServer(url=f"http://127.0.0.1:{port}", db_url=db_url, process=None, log_path=log_path)  # type: ignore[arg-type]
    try:
        with session_scope(db_url) as session:
            prepare(session, server)
        env = {**os.environ, "DATABASE_URL": db_url, "KEDANG_DEMO": "0", "KEDANG_BCRYPT_ROUNDS": "4",
               "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", "PYTHONUNBUFFERED": "1"}
        with open(log_path, "wb") as log:
            server.process = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                 "--server.headless", "true", "--server.address", "127.0.0.1"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_healthy(server)
            yield server
        finally:
            _stop(server.process)
    finally:
        cleanup()


def team(session, server: AppServer) -> None:
    """The usual team: admin; manager 'mgr' with rep 'rep1'; 'locky' only for the lockout test."""
    admin = factories.make_user(session, "admin", username="admin", name="管理员甲")
    mgr = factories.make_user(session, "manager", username="mgr", name="李经理")
    rep = factories.make_user(session, "rep", username="rep1", name="张业务", supervisor=mgr)
    locky = factories.make_user(session, "rep", username="locky", name="锁定测试员", supervisor=mgr)
    server.ids.update(admin=admin.id, mgr=mgr.id, rep1=rep.id, locky=locky.id)


@pytest.fixture(scope="session")
def chromium_browser():
    if not os.path.exists(CHROMIUM):
        print(f"\n[browser tests] {CHROMIUM} 不存在", file=sys.stderr)
        unavailable(f"Chromium 不存在（{CHROMIUM}），无法运行浏览器测试")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.kd_failed = report.failed


@pytest.fixture
def new_page(request, chromium_browser):
    """``new_page()`` opens a page in a fresh browser context (own cookies; the machine's time zone unless
    ``timezone_id`` names one); all closed after the test,
    with a screenshot of each page in test-artifacts/ if the test failed."""
    contexts = []

    def _open(timezone_id: str | None = None):
        context = chromium_browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN",
                                               timezone_id=timezone_id)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(script=WATCH_SCRIPT_RUNS)
        contexts.append(context)
        return context.new_page()

    yield _open
    for n, context in enumerate(contexts):
        if getattr(request.node, "kd_failed", False):
            for m, page in enumerate(context.pages):
                try:
                    page.screenshot(path=str(ARTIFACTS / f"FAILED_{request.node.name}_{n}_{m}.png"), full_page=True)
                except Exception as exc:  # noqa: BLE001 - a failed screenshot must not hide the failure
                    print(f"screenshot failed: {exc}", file=sys.stderr)
        context.close()


@pytest.fixture(scope="session")
def app_server(chromium_browser, tmp_path_factory):
    """One server with the usual team, shared by the tests that do not need a fresh one."""
    yield from start_server(tmp_path_factory, team)


def screenshot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
