"""Who sees which rows, as SQL ``where`` clauses: lists, searches, counts and exports filter in the
database, never after loading rows.

Each clause here is the database form of a predicate in domain/permissions.py (``can_view``,
``can_review``, ``can_export``, ``can_review_follow_up``); tests/db/test_visibility_rules.py checks
each pair over every role and kind of ownership, so the two cannot drift apart.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, Select, false, func, or_, select, true

from db.models import Customer, User
from db.models_access import AccessGrant, ServiceScope
from domain import roles as R
from domain.access import APPROVED
from domain.formatting import local_today
from domain.permissions import EXPORT_ALL, Actor


def visible_customers(actor: Actor, today: dt.date | None = None) -> ColumnElement[bool]:
    """The customers ``actor`` may see: those they are entitled to by role (``entitled_customers``)
    and, for anyone, the archives lent to them (借阅) until their return date. A deleted archive
    (删除, a soft delete) is seen by no one."""
    if actor.role in R.SEE_ALL:
        return Customer.deleted_at.is_(None)
    if actor.id is None:
        return false()
    return Customer.deleted_at.is_(None) & or_(_by_role(actor), Customer.id.in_(borrowed_by(actor, today)))


def entitled_customers(actor: Actor) -> ColumnElement[bool]:
    """Everyone's for the roles that look after the whole archive; a manager's own, their team's and
    the unowned; a rep's own; customer service the teams the admin granted. Deny by default: a user
    with no team, customers or grants is entitled to none. Deleted archives: none."""
    return Customer.deleted_at.is_(None) & _by_role(actor)


def _team_and_self(actor: Actor) -> Select:
    return select(User.id).where(or_(User.supervisor_id == actor.id, User.id == actor.id))


def _by_role(actor: Actor) -> ColumnElement[bool]:
    if actor.role in R.SEE_ALL:
        return true()
    if actor.id is None:
        return false()
    if actor.role == R.MANAGER:
        # Own, the team's, and the unowned (counted as the manager's own by the coalesce). Written as
        # one test on an expression, not an OR over owner_id: a team sees most of the archive, and
        # the planner should walk the newest-first index rather than owner_id (bench/board_bench.py).
        return func.coalesce(Customer.owner_id, actor.id).in_(_team_and_self(actor))
    if actor.role == R.REP:
        return Customer.owner_id == actor.id
    if actor.role == R.SERVICE:
        return _service_scope(actor)
    return false()


def borrowed_by(actor: Actor, today: dt.date | None = None) -> Select:
    """The ids of customers lent to ``actor`` (approved, return date not passed)."""
    return select(AccessGrant.customer_id).where(AccessGrant.user_id == actor.id, AccessGrant.state == APPROVED,
                                                 AccessGrant.until >= (today or local_today()))


def _service_scope(actor: Actor) -> ColumnElement[bool]:
    """Customer service: every customer (a scope with no manager) or the granted managers' teams."""
    mine = select(ServiceScope.manager_id).where(ServiceScope.user_id == actor.id)
    everyone = select(ServiceScope.id).where(ServiceScope.user_id == actor.id, ServiceScope.manager_id.is_(None))
    teams = select(User.id).where(or_(User.supervisor_id.in_(mine), User.id.in_(mine)))
    return or_(everyone.exists(), Customer.owner_id.in_(teams))


def reviewable_customers(actor: Actor, owner_supervisor_id: ColumnElement) -> ColumnElement[bool]:
    """``permissions.can_review``, given the owner's supervisor column."""
    if actor.role in (R.ADMIN, R.GM):
        return true()
    if actor.role == R.MANAGER:
        return or_(owner_supervisor_id.is_(None), owner_supervisor_id == actor.id, Customer.owner_id == actor.id)
    return false()


def exportable_customers(actor: Actor) -> ColumnElement[bool]:
    """``permissions.can_export``, for exporting a whole list (a borrowed archive is read, never exported)."""
    if actor.role in EXPORT_ALL:
        return true()
    if actor.role in (R.MANAGER, R.REP):
        return entitled_customers(actor)
    return false()


def reviewable_follow_ups(actor: Actor, follower_id: ColumnElement,
                          follower_supervisor_id: ColumnElement) -> ColumnElement[bool]:
    """``permissions.can_review_follow_up`` over the follower's columns."""
    if actor.role in (R.ADMIN, R.GM):
        return true()
    if actor.role == R.MANAGER:
        return (follower_id != actor.id) & or_(follower_supervisor_id.is_(None), follower_supervisor_id == actor.id)
    return false()


def people_in_view(actor: Actor) -> Select | None:
    """Whose work (follow-ups, plans) ``actor`` sees, as the ids of users — None: everyone's.
    The same circle as ``visible_customers``: a manager's team and themselves, a rep themselves."""
    if actor.role in R.SEE_ALL:
        return None
    if actor.role == R.MANAGER:
        return _team_and_self(actor)
    return select(User.id).where(User.id == actor.id)
