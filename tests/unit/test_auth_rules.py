import datetime as dt
from types import SimpleNamespace

import pytest

from domain import auth_rules, permissions
from domain import roles as R

T0 = dt.datetime(2026, 11, 23, 9, 0)


@pytest.mark.parametrize("failures, minutes_later, locked", [
    (4, 0, False), (5, 0, True), (5, 14, True), (5, 15, False), (7, 1, True),
])
def test_lockout_window(failures, minutes_later, locked):
    assert auth_rules.is_locked(failures, T0, T0 + dt.timedelta(minutes=minutes_later)) is locked


@pytest.mark.parametrize("password, role, problem", [
    ("short1!", R.REP, "密码至少 8 位"),
    ("abcdefgh1", R.REP, None),
    ("abcdefgh1", R.ADMIN, "密码至少 12 位"),
    ("12345678", R.REP, "密码不能只有数字或只有字母"),
])
def test_password_strength(password, role, problem):
    result = auth_rules.check_password_strength(password, role)
    assert (result is None) if problem is None else (problem in result)


@pytest.mark.parametrize("login_at, last_seen, now, epoch, active, expected", [
    (100, 100, 200, 0, True, None),
    (100, 100, 200, 150, True, auth_rules.SESSION_ENDED),  # logged out / password reset after login
    (100, 100, 200, 0, False, auth_rules.SESSION_ENDED),   # disabled
    (100, 100, 100 + 8 * 3600 + 1, 0, True, auth_rules.SESSION_EXPIRED),
])
def test_session_problem(login_at, last_seen, now, epoch, active, expected):
    assert auth_rules.session_problem(login_at=login_at, last_seen=last_seen, now=now, session_epoch=epoch,
                                      active=active, idle_hours=8) == expected


def actor(role, id=1, supervisor_id=None):
    return SimpleNamespace(id=id, role=role, supervisor_id=supervisor_id)


def customer(owner_id, created_by_id=None, owner_supervisor_id=None):
    return SimpleNamespace(owner_id=owner_id, created_by_id=created_by_id, owner_supervisor_id=owner_supervisor_id)


# The team: manager 5 leads reps 1 and 2; manager 6 leads rep 3. Service 7, archivist 8, GM 9, admin 10.
OWN, TEAMMATE, OTHER_TEAM, POOL = customer(1), customer(2, owner_supervisor_id=5), customer(3, owner_supervisor_id=6), \
    customer(None)
MATRIX = [  # who, whose, view, edit, move class, export
    (actor(R.REP, id=1, supervisor_id=5), OWN, True, True, True, True),
    (actor(R.REP, id=1, supervisor_id=5), TEAMMATE, False, False, False, False),
    (actor(R.REP, id=1, supervisor_id=5), POOL, False, False, False, False),
    (actor(R.REP, id=4), customer(4), True, True, True, True),  # a rep with no team still has their own
    (actor(R.MANAGER, id=5), TEAMMATE, True, True, True, True),
    (actor(R.MANAGER, id=5), customer(5), True, True, True, True),
    (actor(R.MANAGER, id=5), POOL, True, True, True, True),
    (actor(R.MANAGER, id=5), OTHER_TEAM, False, False, False, False),
    # Customer service sees what the admin granted — data, checked in the database (tests/db/test_access.py);
    # by role alone it sees nothing, and it edits only archives it filed itself.
    (actor(R.SERVICE, id=7), customer(2, created_by_id=7), False, True, False, False),
    (actor(R.SERVICE, id=7), OTHER_TEAM, False, False, False, False),
    (actor(R.ARCHIVIST, id=8), OTHER_TEAM, True, True, True, True),
    (actor(R.GM, id=9), OTHER_TEAM, True, True, True, True),
    (actor(R.ADMIN, id=10), POOL, True, True, True, True),
]


@pytest.mark.parametrize("who, whose, view, edit, move, export", MATRIX)
def test_permission_matrix(who, whose, view, edit, move, export):
    assert permissions.can_view(who, whose) is view
    assert permissions.can_edit(who, whose) is edit
    assert permissions.can_move_class(who, whose) is move
    assert permissions.can_export(who, whose) is export


def test_review_is_for_the_owners_supervisor():
    archive = customer(owner_id=2)
    assert permissions.can_review(actor(R.MANAGER, id=5), archive, owner_supervisor_id=5)
    assert not permissions.can_review(actor(R.MANAGER, id=6), archive, owner_supervisor_id=5)
    assert permissions.can_review(actor(R.MANAGER, id=6), archive, owner_supervisor_id=None)
    assert permissions.can_review(actor(R.ADMIN, id=9), archive, owner_supervisor_id=5)
    assert not permissions.can_review(actor(R.REP, id=2), archive, owner_supervisor_id=None)


def test_export_is_a_privilege():
    assert permissions.can_export(actor(R.REP, id=1), customer(1))
    assert not permissions.can_export(actor(R.REP, id=1), customer(2))
    assert not permissions.can_export(actor(R.SERVICE, id=1), customer(1))
    assert permissions.can_export(actor(R.ARCHIVIST), customer(2))


# 借阅: requester 1 (rep of manager 5) asks for customers of another team (manager 6), the pool, …
@pytest.mark.parametrize("who, owner_id, owner_supervisor_id, allowed", [
    (actor(R.MANAGER, id=6), 3, 6, True),      # the owner's supervisor
    (actor(R.MANAGER, id=5), 3, 6, False),     # another team's manager
    (actor(R.MANAGER, id=6), 6, None, True),   # the manager owns it
    (actor(R.MANAGER, id=5), None, None, True),  # unowned: any manager
    (actor(R.MANAGER, id=5), 4, None, True),   # an owner without a supervisor: any manager
    (actor(R.GM, id=9), 3, 6, True),
    (actor(R.REP, id=3), 3, 6, False),         # not even the owner
    (actor(R.ARCHIVIST, id=8), 3, 6, False),
    (actor(R.MANAGER, id=1), 3, 6, False),     # never one's own request (requester 1)
])
def test_who_decides_a_loan(who, owner_id, owner_supervisor_id, allowed):
    assert permissions.can_decide_access(who, 1, owner_id, owner_supervisor_id) is allowed
