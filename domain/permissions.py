"""Who may see and do what: the one module every page and write asks, as plain predicates over
plain values (a role, an id, an owner). Lists ask the same question in SQL: db/visibility.py holds
each predicate's ``where`` clause, and tests/db/test_visibility_rules.py keeps the pairs in step.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

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
    return (getattr(owner, "supervisor_id", None) if owner is not None
            else getattr(customer, "owner_supervisor_id", None))












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
        return (owner_supervisor_id == actor.id or owner_id == actor.id or owner_id is None
                or owner_supervisor_id is None)
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
