"""公海: the daily sweep (edge days, idempotent), the owner's reminder, claim limits and the reclaim ban."""
import datetime as dt
import json
import subprocess
import sys

import pytest
from sqlalchemy import select

from db import pool
from db.audit import list_history
from db.engine import session_scope
from db.followups import log_follow_up
from db.models import Customer
from db.pool import claim, get_settings, pool_page, release, returning_soon, save_settings, set_class_days, sweep
from domain.errors import PermissionDenied
from domain.followups import FollowUpInput
from domain.formatting import utc_start_of
from domain.pool import ClaimRefused, PoolError, PoolSettings
from tests.factories import class_value, make_customer, make_team, make_user

TODAY = dt.date(2026, 6, 1)


def _age(session, customer_id: int, filed: dt.date) -> None:
    """Pretend the archive was filed on ``filed`` by a rep who has had it since."""
    customer = session.get(Customer, customer_id)
    customer.created_at = utc_start_of(filed) + dt.timedelta(hours=12)  # noon of that day in the team's zone
    customer.owner_since = None


@pytest.fixture
def team(db):
    with session_scope() as s:
        manager, rep, other = make_team(s)
        return manager, rep, other


def _customer(rep, filed: dt.date, *, key: bool = False) -> int:
    with session_scope() as s:
        classes = {}
        if key:
            value = class_value(s, "importance", "key")
            classes = {value.scheme_id: value.id}
        customer_id = make_customer(s, rep, classes=classes).id
        _age(s, customer_id, filed)
        return customer_id


def _owner(customer_id: int):
    with session_scope() as s:
        return s.get(Customer, customer_id).owner_id


def test_sweep_returns_customers_on_their_rule_day_and_not_before(team):
    _, rep, _ = team
    normal_59 = _customer(rep, TODAY - dt.timedelta(days=59))
    normal_60 = _customer(rep, TODAY - dt.timedelta(days=60))
    key_29 = _customer(rep, TODAY - dt.timedelta(days=29), key=True)
    key_30 = _customer(rep, TODAY - dt.timedelta(days=30), key=True)
    with session_scope() as s:
        result = sweep(s, TODAY)
    assert sorted(result["customer_ids"]) == sorted([normal_60, key_30])
    assert [_owner(c) for c in (normal_59, normal_60, key_29, key_30)] == [rep.id, None, rep.id, None]
    with session_scope() as s:
        entry = list_history(s, entity="customer", entity_id=normal_60)[0]
        assert (entry.action, entry.changes[0]["old"], entry.changes[0]["new"]) == ("pool_return", "张伟", "公海")
        assert "60 天未跟进" in entry.reason
    with session_scope() as s:  # idempotent: the same day again returns nobody
        assert sweep(s, TODAY)["returned"] == 0


def test_a_follow_up_restarts_the_clock(team):
    _, rep, _ = team
    customer_id = _customer(rep, TODAY - dt.timedelta(days=200))
    with session_scope() as s:
        log_follow_up(s, rep, customer_id, FollowUpInput(day=TODAY - dt.timedelta(days=10), method="电话跟进",
                                                          summary="询问补货"))
    with session_scope() as s:
        assert sweep(s, TODAY)["returned"] == 0
        assert sweep(s, TODAY + dt.timedelta(days=50))["returned"] == 1


def test_the_owner_is_reminded_in_the_last_days(team):
    _, rep, other = team
    soon = _customer(rep, TODAY - dt.timedelta(days=56))     # returns in 4 days
    _customer(rep, TODAY - dt.timedelta(days=40))            # returns in 20 days
    _customer(other, TODAY - dt.timedelta(days=58))          # someone else's
    with session_scope() as s:
        reminders = returning_soon(s, rep, TODAY)
    assert [(u.customer_id, u.returns_on) for u, _name in reminders.rows] == [(soon, TODAY + dt.timedelta(days=4))]


def test_a_long_reminder_shows_the_soonest_and_counts_the_rest(team, monkeypatch):
    _, rep, _ = team
    monkeypatch.setattr(pool, "SHOWN", 2)  # 100 in the app
    first, second, _third = (_customer(rep, TODAY - dt.timedelta(days=days)) for days in (59, 58, 57))
    with session_scope() as s:
        reminders = returning_soon(s, rep, TODAY)
    assert ([u.customer_id for u, _name in reminders.rows], reminders.total) == ([first, second], 3)


def test_claim_limits_and_the_reclaim_ban(team):
    manager, rep, other = team
    with session_scope() as s:
        save_settings(s, make_user(s, "admin"), PoolSettings(claims_per_day=2, max_owned=5, reclaim_ban_days=30))
    ids = [_customer(rep, TODAY - dt.timedelta(days=90)) for _ in range(4)]
    with session_scope() as s:
        assert sweep(s, TODAY)["returned"] == 4
    with pytest.raises(ClaimRefused, match="2026-07-01 起您才能再次认领"):  # rep lost them to the pool today
        with session_scope() as s:
            claim(s, rep, ids[0], TODAY)
    with session_scope() as s:
        claim(s, other, ids[0], TODAY)
        claim(s, other, ids[1], TODAY)
    with pytest.raises(ClaimRefused, match="每日上限 2 位"):
        with session_scope() as s:
            claim(s, other, ids[2], TODAY)
    assert _owner(ids[2]) is None  # nothing changed
    with session_scope() as s:
        claim(s, other, ids[2], TODAY + dt.timedelta(days=1))  # a new day
        customer = s.get(Customer, ids[2])
        assert (customer.owner_id, customer.owner_since) == (other.id, TODAY + dt.timedelta(days=1))
    with pytest.raises(ClaimRefused, match="刚刚已被认领"):
        with session_scope() as s:
            claim(s, manager, ids[2], TODAY)
    with session_scope() as s:
        claim(s, rep, ids[3], TODAY + dt.timedelta(days=30))  # the ban is over


def test_owned_limit_and_roles(team):
    manager, rep, other = team
    with session_scope() as s:
        save_settings(s, make_user(s, "admin"), PoolSettings(max_owned=2))
    pooled = _customer(rep, TODAY - dt.timedelta(days=90))
    with session_scope() as s:
        sweep(s, TODAY)
    for _ in range(2):
        _customer(other, TODAY)
    with pytest.raises(ClaimRefused, match="达到上限 2 位"):
        with session_scope() as s:
            claim(s, other, pooled, TODAY)
    with pytest.raises(PermissionDenied):
        with session_scope() as s:
            claim(s, make_user(s, "service"), pooled, TODAY)


def test_the_pool_list_shows_no_sensitive_data(team):
    _, rep, other = team
    pooled = _customer(rep, TODAY - dt.timedelta(days=90))
    with session_scope() as s:
        sweep(s, TODAY)
        rows, total = pool_page(s, other)
    assert total == 1 and rows[0].id == pooled
    assert not {"phone", "bank_account", "tax_no"} & set(vars(rows[0]))


def test_release_bans_the_releaser_and_keeps_history(team):
    manager, rep, other = team
    customer_id = _customer(rep, TODAY)
    with pytest.raises(PermissionDenied):
        with session_scope() as s:
            release(s, other, customer_id, "不是我的")
    with session_scope() as s:
        release(s, rep, customer_id, "客户转行", TODAY)
    with pytest.raises(ClaimRefused, match="才能再次认领"):
        with session_scope() as s:
            claim(s, rep, customer_id, TODAY + dt.timedelta(days=3))
    with session_scope() as s:
        assert list_history(s, entity="customer", entity_id=customer_id)[0].action == "pool_release"


def test_class_rules_are_editable_and_audited(team):
    _, rep, _ = team
    customer_id = _customer(rep, TODAY - dt.timedelta(days=20), key=True)
    with session_scope() as s:
        admin = make_user(s, "admin")
        set_class_days(s, admin, class_value(s, "importance", "key").id, 15)
        with pytest.raises(PoolError):
            set_class_days(s, admin, class_value(s, "importance", "key").id, 0)
    with session_scope() as s:
        assert sweep(s, TODAY)["customer_ids"] == [customer_id]
        assert get_settings(s) == PoolSettings()


def test_manage_pool_sweep_json(team, db_url):
    _, rep, _ = team
    customer_id = _customer(rep, TODAY - dt.timedelta(days=61))
    command = [sys.executable, "manage.py", "pool-sweep", "--date", TODAY.isoformat(), "--json"]
    env = {"DATABASE_URL": db_url, "PATH": "/usr/bin:/bin", "KEDANG_DEMO": "0"}
    first = json.loads(subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout)
    again = json.loads(subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout)
    assert (first["returned"], first["customer_ids"], again["returned"]) == (1, [customer_id], 0)
    with session_scope() as s:
        assert s.scalars(select(Customer.owner_id).where(Customer.id == customer_id)).one() is None


def test_two_reps_claiming_at_once_get_one_owner_and_one_clear_refusal(team):
    import threading

    manager, rep, other = team
    pooled = _customer(manager, TODAY)
    with session_scope() as s:
        release(s, manager, pooled, "测试并发认领")
    start, outcomes = threading.Barrier(2), {}

    def attempt(who):
        start.wait()
        try:
            with session_scope() as s:
                claim(s, who, pooled)
            outcomes[who.id] = "claimed"
        except ClaimRefused as exc:
            outcomes[who.id] = str(exc)

    threads = [threading.Thread(target=attempt, args=(who,)) for who in (rep, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["claimed", "这位客户刚刚已被认领，不在公海中了"]
    winner = next(uid for uid, outcome in outcomes.items() if outcome == "claimed")
    assert _owner(pooled) == winner


def test_a_manager_cannot_release_another_teams_customer(team):
    _, rep, _ = team
    customer_id = _customer(rep, TODAY)
    with session_scope() as s:
        stranger = make_user(s, "manager", name="别的经理")
    with pytest.raises(PermissionDenied):
        with session_scope() as s:
            release(s, stranger, customer_id, "不是我的团队")
    assert _owner(customer_id) == rep.id
