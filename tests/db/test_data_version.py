"""The data version that keys the dashboard's cache goes up after every committed write, and only then."""
import pytest
from sqlalchemy import delete, select

from db.engine import data_version, session_scope
from db.models import Setting


def test_writes_move_the_data_version_reads_and_rollbacks_do_not(db):
    start = data_version()
    with session_scope() as s:
        s.scalars(select(Setting)).all()
    assert data_version() == start
    with session_scope() as s:
        s.add(Setting(key="a", value="1"))
    assert data_version() == start + 1
    with session_scope() as s:  # Core statements count too (imports write that way)
        s.execute(Setting.__table__.insert(), [{"key": "b", "value": "2"}])
        s.execute(delete(Setting).where(Setting.key == "a"))
    assert data_version() == start + 2
    with pytest.raises(RuntimeError), session_scope() as s:
        s.add(Setting(key="c", value="3"))
        s.flush()
        raise RuntimeError("the save fails")
    assert data_version() == start + 2


def test_opening_an_archive_does_not_count_as_a_change(db):
    from db.read_log import record_read
    from tests.factories import make_customer, make_user
    with session_scope() as s:
        rep = make_user(s, "rep")
        customer_id = make_customer(s, rep).id
    start = data_version()
    with session_scope() as s:
        assert record_read(s, rep, customer_id)
    assert data_version() == start
