"""A bug on a page shows a Chinese message with an error id, never a traceback; the log has the rest."""
import re

from streamlit.testing.v1 import AppTest

from components.errors import log_dir
from domain import roles as R
from tests.pages.apptest import ROOT, login


def test_an_unexpected_error_shows_an_id_and_is_logged(people, monkeypatch):
    users, _ = people

    def broken(*_args, **_kwargs):
        raise RuntimeError("模拟的程序错误 secret-internal-detail")

    monkeypatch.setattr("db.followup_queries.agenda", broken)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)  # app.py runs 今日待办, the default page
    login(at, users[R.REP])
    at.run()
    assert not at.exception
    [message] = [e.value for e in at.error]
    assert message.startswith("抱歉，页面出错了") and "secret-internal-detail" not in message
    error_id = re.search(r"错误编号 ([0-9A-F]{8})", message).group(1)
    log = (log_dir() / "kedang-errors.log").read_text(encoding="utf-8")
    entry = log[log.index(f"id={error_id}"):]
    assert f"user={users[R.REP].username}#{users[R.REP].id}" in entry and "secret-internal-detail" in entry


def test_an_unreachable_database_is_said_in_chinese_with_an_id(people, monkeypatch):
    """The team's PostgreSQL restarting, or a wrong DATABASE_URL: a Chinese message, not Streamlit's English box."""
    users, _ = people
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    login(at, users[R.REP])
    at.run()
    assert not at.exception
    [message] = [e.value for e in at.error]
    assert message.startswith("暂时连接不上数据库") and "已保存的数据不受影响" in message, message
    error_id = re.search(r"错误编号 ([0-9A-F]{8})", message).group(1)
    assert "connection" in (log_dir() / "kedang-errors.log").read_text(encoding="utf-8").split(f"id={error_id}")[1]
