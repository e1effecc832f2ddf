"""Who may see and do what: the one module every list, page and write asks.

Visibility is a SQLAlchemy ``where`` clause so lists, searches, counts and
exports filter in the database, never after loading rows.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import ColumnElement, false, func, or_, select, true

from domain import roles as R


class Actor(Protocol):
    id: int
    role: str
    supervisor_id: int | None


@dataclass(frozen=True)
class SystemActor:
    """The command line (manage.py) acting with an administrator's rights; its history reads 系统."""

    id: None = None
    role: str = R.ADMIN
    supervisor_id: None = None


class CustomerLike(Protocol):
    owner_id: int | None
    created_by_id: int | None


def _owner_supervisor(customer: CustomerLike) -> int | None:
    """The supervisor of the customer's owner: from the loaded ``owner``, or an ``owner_supervisor_id``."""
    owner = getattr(customer, "owner", None)
    return getattr(owner, "supervisor_id", None) if owner is not None else getattr(customer, "owner_supervisor_id", None)


def visible_customers(actor: Actor, today: dt.date | None = None) -> ColumnElement[bool]:
    """The ``where`` clause of the customers ``actor`` may see: those they are entitled to by role
    (``entitled_customers``) and, for anyone, the archives lent to them (借阅) until their return date.
    A deleted archive (删除, a soft delete) is seen by no one."""
    from db.models import Customer

    if actor.role in R.SEE_ALL:
        return Customer.deleted_at.is_(None)
    if actor.id is None:
        return false()
    return Customer.deleted_at.is_(None) & or_(_by_role(actor), Customer.id.in_(borrowed_by(actor, today)))


def entitled_customers(actor: Actor) -> ColumnElement[bool]:
    """Everyone's for the roles that look after the whole archive; a manager's own, their team's and
    the unowned; a rep's own; customer service the teams the admin granted. Deny by default: a user
    with no team, customers or grants is entitled to none. Deleted archives: none."""
    from db.models import Customer

    return Customer.deleted_at.is_(None) & _by_role(actor)


def _by_role(actor: Actor) -> ColumnElement[bool]:
    from db.models import Customer, User  # db depends on domain, not the other way round at import time

    if actor.role in R.SEE_ALL:
        return true()
    if actor.id is None:
        return false()
    if actor.role == R.MANAGER:
        # Own, the team's, and the unowned (counted as the manager's own by the coalesce). Written as
        # one test on an expression, not an OR over owner_id: a team sees most of the archive, and
        # the planner should walk the newest-first index rather than owner_id (bench/board_bench.py).
        team_and_self = select(User.id).where(or_(User.supervisor_id == actor.id, User.id == actor.id))
        return func.coalesce(Customer.owner_id, actor.id).in_(team_and_self)
    if actor.role == R.REP:
        return Customer.owner_id == actor.id
    if actor.role == R.SERVICE:
        return _service_scope(actor)
    return false()


def borrowed_by(actor: Actor, today: dt.date | None = None):
    """A ``select`` of the ids of customers lent to ``actor`` (approved, return date not passed)."""
    from db.models_access import AccessGrant
    from domain.access import APPROVED
    from domain.formatting import local_today

    return select(AccessGrant.customer_id).where(AccessGrant.user_id == actor.id, AccessGrant.state == APPROVED,
                                                 AccessGrant.until >= (today or local_today()))


def _service_scope(actor: Actor) -> ColumnElement[bool]:
    """Customer service: every customer (a scope with no manager) or the granted managers' teams."""
    from db.models import Customer, User
    from db.models_access import ServiceScope

    mine = select(ServiceScope.manager_id).where(ServiceScope.user_id == actor.id)
    everyone = select(ServiceScope.id).where(ServiceScope.user_id == actor.id, ServiceScope.manager_id.is_(None))
    teams = select(User.id).where(or_(User.supervisor_id.in_(mine), User.id.in_(mine)))
    return or_(everyone.exists(), Customer.owner_id.in_(teams))


def can_view(actor: Actor, customer: CustomerLike) -> bool:
    """``visible_customers`` by role and ownership alone, for one loaded customer (its ``owner``
    loaded, for a manager's team). Loans and service scopes are data: db/archive_queries.get_customer
    asks the database for them when this says no."""
    if actor.role in R.SEE_ALL:
        return True
    if actor.role == R.MANAGER:
        return customer.owner_id in (None, actor.id) or _owner_supervisor(customer) == actor.id
    return actor.role == R.REP and actor.id is not None and customer.owner_id == actor.id


def can_create(actor: Actor) -> bool:
    return actor.role in (R.ADMIN, R.GM, R.MANAGER, R.REP, R.SERVICE, R.ARCHIVIST)


def can_edit(actor: Actor, customer: CustomerLike) -> bool:
    if actor.role in (R.ADMIN, R.GM, R.ARCHIVIST):
        return True
    if actor.role == R.MANAGER:
        return can_view(actor, customer)
    if actor.role == R.REP:
        return customer.owner_id == actor.id
    if actor.role == R.SERVICE:
        return customer.created_by_id == actor.id
    return False


def can_move_class(actor: Actor, customer: CustomerLike) -> bool:
    """A rep moves their own customers between classes; a manager their team's; GM, archivist, admin anyone's."""
    if actor.role in (R.ADMIN, R.GM, R.ARCHIVIST):
        return True
    if actor.role == R.MANAGER:
        return can_view(actor, customer)
    return actor.role == R.REP and customer.owner_id == actor.id


def may_move_classes(actor: Actor) -> bool:
    """Whether the board offers ``actor`` the move form at all (reps only for their own customers)."""
    return actor.role in (R.ADMIN, R.GM, R.MANAGER, R.ARCHIVIST, R.REP)


def can_review(actor: Actor, customer: CustomerLike, owner_supervisor_id: int | None) -> bool:
    """The owner's supervisor reviews; admins and the general manager may too.

    A manager may review an archive whose owner has no supervisor, so nothing waits forever.
    """
    if actor.role in (R.ADMIN, R.GM):
        return True
    if actor.role == R.MANAGER:
        return owner_supervisor_id in (None, actor.id) or customer.owner_id == actor.id
    return False


def reviewable_customers(actor: Actor, owner_supervisor_id: ColumnElement) -> ColumnElement[bool]:
    """``can_review`` as a ``where`` clause, given the owner's supervisor column."""
    from db.models import Customer

    if actor.role in (R.ADMIN, R.GM):
        return true()
    if actor.role == R.MANAGER:
        return or_(owner_supervisor_id.is_(None), owner_supervisor_id == actor.id, Customer.owner_id == actor.id)
    return false()


def files_directly(actor: Actor) -> bool:
    """Supervisors' own new archives are filed without a review step."""
    return actor.role in R.SUPERVISORS or actor.role == R.ARCHIVIST


def can_deactivate(actor: Actor) -> bool:
    return actor.role in (R.ADMIN, R.GM, R.MANAGER, R.ARCHIVIST)


def can_assign_owner(actor: Actor) -> bool:
    return actor.role in (R.ADMIN, R.GM, R.MANAGER, R.ARCHIVIST)


EXPORT_ALL = (R.ADMIN, R.GM, R.ARCHIVIST)


def can_export(actor: Actor, customer: CustomerLike) -> bool:
    """Export is a privilege: admins, the GM and the archivist; a manager their team's; a rep their own."""
    if actor.role in EXPORT_ALL:
        return True
    if actor.role == R.MANAGER:
        return can_view(actor, customer)
    return actor.role == R.REP and customer.owner_id == actor.id


def can_export_list(actor: Actor) -> bool:
    return actor.role in EXPORT_ALL or actor.role in (R.MANAGER, R.REP)


def exportable_customers(actor: Actor) -> ColumnElement[bool]:
    """``can_export`` as a ``where`` clause, for exporting a whole list (a borrowed archive is read,
    never exported)."""
    if actor.role in EXPORT_ALL:
        return true()
    if actor.role in (R.MANAGER, R.REP):
        return entitled_customers(actor)
    return false()


def can_import(actor: Actor) -> bool:
    """Anyone who may file archives may import them (they go through review the same way)."""
    return can_create(actor)


def can_undo_import(actor: Actor, importer_id: int | None) -> bool:
    return actor.role in (R.ADMIN, R.GM, R.MANAGER, R.ARCHIVIST) or (actor.id is not None and actor.id == importer_id)


def can_manage_users(actor: Actor) -> bool:
    return actor.role == R.ADMIN


def can_manage_schemes(actor: Actor) -> bool:
    """Renaming, reordering, adding and retiring classes; choosing the active schemes."""
    return actor.role == R.ADMIN


def can_follow_up(actor: Actor, customer: CustomerLike) -> bool:
    """Logging a contact or planning a visit: whoever may see the customer by role (a rep: their own);
    customer service on every archive it may open (its 回访 calls). A borrowed archive is read only."""
    return actor.role == R.SERVICE or can_view(actor, customer)


def can_handle_complaint(actor: Actor, handler_id: int | None) -> bool:
    """Moving a complaint on (处理, 解决, 结案): its handler, customer service, or a supervisor — on a
    customer they may see (db/complaints opens the customer through get_customer first)."""
    return actor.id is not None and (actor.id == handler_id or actor.role in R.SUPERVISORS or actor.role == R.SERVICE)


def can_decide_discount(actor: Actor, requester_id: int | None) -> bool:
    """折价/让利 is approved by a manager, the GM or an admin — never by the one who asked for it."""
    return actor.id is not None and actor.id != requester_id and actor.role in R.SUPERVISORS


def can_close_year(actor: Actor) -> bool:
    """年度归档 (closing a year, exporting the yearly volumes): the archivist and admins."""
    return actor.role in (R.ARCHIVIST, R.ADMIN)


def can_decide_access(actor: Actor, requester_id: int, owner_id: int | None, owner_supervisor_id: int | None) -> bool:
    """借阅: the owner's supervisor approves or refuses; admins and the general manager may too. A
    manager decides for unowned archives and owners without a supervisor. Never one's own request."""
    if actor.id is None or actor.id == requester_id:
        return False
    if actor.role in (R.ADMIN, R.GM):
        return True
    if actor.role == R.MANAGER:
        return owner_supervisor_id == actor.id or owner_id == actor.id or owner_id is None or owner_supervisor_id is None
    return False


def can_grant_service_scope(actor: Actor) -> bool:
    """Which teams customer service sees is the admin's call."""
    return actor.role == R.ADMIN


def can_review_follow_up(actor: Actor, follower_id: int | None, follower_supervisor_id: int | None) -> bool:
    """The follower's supervisor writes 审阅意见; the general manager and admins may too. A manager
    also reviews records of people with no supervisor, so nothing waits forever — never their own."""
    if actor.role in (R.ADMIN, R.GM):
        return True
    if actor.role == R.MANAGER:
        return follower_id != actor.id and follower_supervisor_id in (None, actor.id)
    return False


def can_handle_personal_data(actor: Actor) -> bool:
    """个人信息保护法 requests (export, anonymise a contact) and deleting or restoring an archive: the
    archive's custodians, the archivist and the administrator."""
    return actor.role in (R.ADMIN, R.ARCHIVIST)


def can_correct_follow_up(actor: Actor, follower_id: int | None, follower_supervisor_id: int | None,
                          reviewed: bool) -> bool:
    """更正 a record: the follower until the supervisor has reviewed it (then the review would no longer
    match the record), and whoever may review it at any time."""
    if actor.id is not None and actor.id == follower_id and not reviewed:
        return True
    return can_review_follow_up(actor, follower_id, follower_supervisor_id)


def reviewable_follow_ups(actor: Actor, follower_id: ColumnElement,
                          follower_supervisor_id: ColumnElement) -> ColumnElement[bool]:
    """``can_review_follow_up`` as a ``where`` clause over the follower's columns."""
    if actor.role in (R.ADMIN, R.GM):
        return true()
    if actor.role == R.MANAGER:
        return (follower_id != actor.id) & or_(follower_supervisor_id.is_(None), follower_supervisor_id == actor.id)
    return false()


def can_hand_over(actor: Actor, leaving: Actor) -> bool:
    """离职交接: admins and the general manager hand over anyone; a manager their own team; nobody themselves."""
    if actor.id == leaving.id:
        return False
    if actor.role in (R.ADMIN, R.GM):
        return True
    return actor.role == R.MANAGER and leaving.supervisor_id == actor.id


def may_hand_over(actor: Actor) -> bool:
    """Whether the 离职交接 page is offered at all."""
    return actor.role in (R.ADMIN, R.GM, R.MANAGER)


def can_see_pool(actor: Actor) -> bool:
    """公海: everyone signed in sees the pool's list (name, region, type, class — nothing sensitive)."""
    return actor.id is not None or actor.role == R.ADMIN


def can_claim(actor: Actor) -> bool:
    """Reps and managers claim customers from the pool (within its limits, domain/pool.py)."""
    return actor.id is not None and actor.role in (R.REP, R.MANAGER)


def can_read_access_log(actor: Actor) -> bool:
    """查阅记录 (who read or exported what): supervisors and admins."""
    return actor.role in R.SUPERVISORS


def people_in_view(actor: Actor):
    """Whose work (follow-ups, plans) ``actor`` sees, as a ``select`` of user ids — None: everyone's.
    The same circle as ``visible_customers``: a manager's team and themselves, a rep themselves."""
    from db.models import User

    if actor.role in R.SEE_ALL:
        return None
    if actor.role == R.MANAGER:
        return select(User.id).where(or_(User.supervisor_id == actor.id, User.id == actor.id))
    return select(User.id).where(User.id == actor.id)


def scope_description(actor: Actor) -> str:
    """What the lists and figures a user sees cover, in the words shown above them."""
    return {R.REP: "您看到的是自己负责的客户（以及借阅中的档案）。",
            R.MANAGER: "您看到的是自己和团队负责的客户，以及公海中的客户。",
            R.SERVICE: "您看到的是管理员为您设定的查看范围内的客户（用户管理 › 查看范围）。"}.get(
        actor.role, "您看到的是全部客户。")


def sees_team(actor: Actor) -> bool:
    """Supervisors: the 审核队列, the team's figures and pickers of the team's people."""
    return actor.role in R.SUPERVISORS


def anyone(actor: Actor) -> bool:
    """Pages every signed-in user may open (what they show is filtered by visible_customers)."""
    return True
