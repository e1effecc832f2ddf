"""借阅 requests, customer service's scopes, and the log of refused attempts.

Each request, decision, return and recall is written to the customer's history, so the archive
itself says who read it on whose approval, and who ended it early. Who may decide is
domain/permissions.can_decide_access; what a loan opens is domain/visibility.visible_customers.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session, aliased

from db import visibility
from db.archive_queries import is_visible
from db.audit import record
from db.models import Customer, Setting, User, utcnow
from db.models_access import AccessGrant, RefusedAttempt, ServiceScope
from domain import access as A
from domain import permissions
from domain import roles as R
from domain.errors import NotFound, PermissionDenied
from domain.formatting import local_today
from domain.matches import NOT_VISIBLE

HIDDEN_NAME = "借阅获批后可见"


def find_customer(session: Session, text: str) -> Customer:
    """The archive to borrow, by its exact 档案号 or exact name (people ask for what they were told)."""
    wanted = text.strip()
    if not wanted:
        raise A.AccessError("请输入要借阅的档案号或客户全称")
    found = session.scalars(select(Customer).where(or_(Customer.archive_no == wanted, Customer.name == wanted),
                                                   Customer.deleted_at.is_(None))
                            .limit(2)).all()
    if not found:
        raise NotFound(f"找不到档案号或全称为「{wanted}」的档案")
    if len(found) > 1:
        raise A.AccessError(f"有多份档案名为「{wanted}」，请输入档案号")
    return found[0]


def shown_archive_no(session: Session, actor: permissions.Actor, customer_id: int) -> str:
    """The 档案号 of a linked archive (the refusal's or duplicate warning's 申请借阅), only if ``actor``
    may see it; "" otherwise, the same for an id that does not exist."""
    if not is_visible(session, actor, customer_id):
        return ""
    return session.scalar(select(Customer.archive_no).where(Customer.id == customer_id)) or ""


def request_access(session: Session, actor: permissions.Actor, customer_id: int, reason: str,
                   until: dt.date | None, today: dt.date | None = None) -> AccessGrant:
    today = today or local_today()
    A.check_request(reason, until, today)
    customer = session.get(Customer, customer_id)
    if customer is None or customer.deleted_at is not None:
        raise NotFound(NOT_VISIBLE)
    if is_visible(session, actor, customer_id):
        raise A.AccessError("您已经可以查看这份档案，无需借阅")
    waiting = session.scalar(select(AccessGrant.id).where(
        AccessGrant.customer_id == customer_id, AccessGrant.user_id == actor.id, AccessGrant.state == A.PENDING))
    if waiting:
        raise A.AccessError("您对这份档案的借阅申请还在等待审批")
    grant = AccessGrant(customer_id=customer_id, user_id=actor.id, reason=reason.strip(), until=until, state=A.PENDING)
    session.add(grant)
    session.flush()
    record(session, actor_id=actor.id, entity="customer", entity_id=customer_id, action="access_request",
           reason=reason, changes=[{"field": "access", "label": "借阅", "old": None, "new": f"申请借阅至 {until}"}])
    return grant


def _owner_supervisor(session: Session, customer: Customer) -> int | None:
    return session.scalar(select(User.supervisor_id).where(User.id == customer.owner_id)) if customer.owner_id else None


def decide(session: Session, actor: permissions.Actor, grant_id: int, approve: bool, comment: str = "") -> AccessGrant:
    """Approve or refuse a pending request (a refusal needs a reason)."""
    grant = session.get(AccessGrant, grant_id)
    if grant is None:
        raise NotFound("找不到这条借阅申请")
    customer = session.get(Customer, grant.customer_id)
    if grant.user_id == actor.id:
        raise PermissionDenied("不能审批自己的借阅申请")
    if not permissions.can_decide_access(actor, grant.user_id, customer.owner_id, _owner_supervisor(session, customer)):
        raise PermissionDenied("只有档案负责人的上级可以审批这条借阅申请")
    if grant.state != A.PENDING:
        raise A.AccessError(f"这条申请已是「{A.STATE_LABELS[grant.state]}」，无需再审批")
    if not approve and not comment.strip():
        raise A.AccessError("拒绝时请写明原因")
    grant.state = A.APPROVED if approve else A.REFUSED
    grant.decided_by_id, grant.decided_at, grant.comment = actor.id, utcnow(), comment.strip() or None
    borrower = session.get(User, grant.user_id)
    record(session, actor_id=actor.id, entity="customer", entity_id=grant.customer_id,
           action="access_approve" if approve else "access_refuse", reason=comment,
           changes=[{"field": "access", "label": "借阅", "old": f"{borrower.name} 申请借阅",
                     "new": f"同意借阅至 {grant.until}" if approve else "拒绝"}])
    return grant


def give_back(session: Session, actor: permissions.Actor, grant_id: int) -> AccessGrant:
    """The borrower returns an archive before its date (or withdraws a pending request)."""
    grant = session.get(AccessGrant, grant_id)
    if grant is None or grant.user_id != actor.id:
        raise NotFound("找不到您的这条借阅")
    if grant.state not in (A.PENDING, A.APPROVED):
        raise A.AccessError("这条借阅已经结束")
    was = A.STATE_LABELS[grant.state]
    grant.state = A.RETURNED  # a returned loan opens nothing, whatever its date
    record(session, actor_id=actor.id, entity="customer", entity_id=grant.customer_id, action="access_return",
           changes=[{"field": "access", "label": "借阅", "old": was, "new": "已归还"}])
    return grant


def recall(session: Session, actor: permissions.Actor, grant_id: int, reason: str,
           today: dt.date | None = None) -> AccessGrant:
    """提前收回: whoever may approve a loan (domain/permissions.can_decide_access) ends it before its
    return date, with a reason the borrower sees; recorded in the archive's history like a decision."""
    grant = session.get(AccessGrant, grant_id)
    if grant is None:
        raise NotFound("找不到这条借阅")
    customer = session.get(Customer, grant.customer_id)
    if not permissions.can_decide_access(actor, grant.user_id, customer.owner_id, _owner_supervisor(session, customer)):
        raise PermissionDenied("只有可以审批这条借阅的人（档案负责人的上级）可以提前收回")
    if not A.is_lent(grant.state, grant.until, today or local_today()):
        raise A.AccessError(
            f"这条借阅已是「{A.state_label(grant.state, grant.until, today or local_today())}」，无需收回")
    A.check_recall(reason)
    grant.state = A.RECALLED  # opens nothing from now on, whatever its date
    grant.comment = "；".join(filter(None, [grant.comment, f"提前收回：{reason.strip()}"]))
    borrower = session.get(User, grant.user_id)
    record(session, actor_id=actor.id, entity="customer", entity_id=grant.customer_id, action="access_recall",
           reason=reason.strip(), changes=[{"field": "access", "label": "借阅",
                                            "old": f"{borrower.name} 借阅中（至 {grant.until}）", "new": "提前收回"}])
    return grant


@dataclass(frozen=True)
class GrantRow:
    id: int
    customer_id: int
    customer: str
    archive_no: str
    borrower: str
    reason: str
    until: dt.date
    state: str          # the label, 已到期 included
    decided_by: str
    comment: str
    open: bool          # still pending or lent


def _rows(session: Session, query, today: dt.date, hide_from: permissions.Actor | None = None) -> list[GrantRow]:
    """``hide_from``: the borrower, who sees an archive's name and number only while they may see it."""
    decider = aliased(User)
    rows = session.execute(query.add_columns(Customer.name, Customer.archive_no, User.name, decider.name)
                           .join(Customer, Customer.id == AccessGrant.customer_id)
                           .join(User, User.id == AccessGrant.user_id)
                           .outerjoin(decider, decider.id == AccessGrant.decided_by_id)
                           .order_by(AccessGrant.requested_at.desc(), AccessGrant.id.desc()).limit(200)).all()
    if hide_from is not None:
        seen = set(session.scalars(select(Customer.id).where(
            Customer.id.in_({g.customer_id for g, *_ in rows}), visibility.visible_customers(hide_from, today))))
        rows = [(g, name, no, *rest) if g.customer_id in seen else (g, HIDDEN_NAME, "—", *rest)
                for g, name, no, *rest in rows]
    return [GrantRow(g.id, g.customer_id, name, no, borrower, g.reason, g.until, A.state_label(g.state, g.until, today),
                     decided or "", g.comment or "", g.state == A.PENDING or A.is_lent(g.state, g.until, today))
            for g, name, no, borrower, decided in rows]


def my_requests(session: Session, actor: permissions.Actor, today: dt.date | None = None) -> list[GrantRow]:
    return _rows(session, select(AccessGrant).where(AccessGrant.user_id == actor.id), today or local_today(),
                 hide_from=actor)


def to_decide(session: Session, actor: permissions.Actor, today: dt.date | None = None) -> list[GrantRow]:
    """Pending requests ``actor`` may approve or refuse."""
    today = today or local_today()
    mine = _decidable(session, actor, AccessGrant.state == A.PENDING)
    return _rows(session, select(AccessGrant).where(AccessGrant.id.in_(mine)), today) if mine else []


def lent_out(session: Session, actor: permissions.Actor, today: dt.date | None = None) -> list[GrantRow]:
    """Loans running now that ``actor`` may take back early (the ones they may approve)."""
    today = today or local_today()
    mine = _decidable(session, actor, AccessGrant.state == A.APPROVED, AccessGrant.until >= today)
    return _rows(session, select(AccessGrant).where(AccessGrant.id.in_(mine)), today) if mine else []


def waiting_count(session: Session, actor: permissions.Actor) -> int:
    """今日待办: how many loan requests wait for ``actor``'s decision (0 for whoever decides none)."""
    if actor.role not in R.SUPERVISORS:
        return 0
    return len(_decidable(session, actor, AccessGrant.state == A.PENDING))


def _decidable(session: Session, actor: permissions.Actor, *where) -> list[int]:
    """Ids of the grants matching ``where`` that ``actor`` may decide (domain/permissions.can_decide_access)."""
    owner = aliased(User)
    grants = session.execute(select(AccessGrant.id, AccessGrant.user_id, Customer.owner_id, owner.supervisor_id)
                             .join(Customer, Customer.id == AccessGrant.customer_id)
                             .outerjoin(owner, owner.id == Customer.owner_id)
                             .where(*where)).all()
    return [g for g, requester, owner_id, supervisor in grants
            if permissions.can_decide_access(actor, requester, owner_id, supervisor)]


# --- customer service's scope -------------------------------------------------------------------

ALL = 0  # in a scope list: every customer


def service_scope(session: Session, user_id: int) -> list[int]:
    """The managers whose teams a service user sees; [ALL] for everyone."""
    return [m or ALL for m in session.scalars(select(ServiceScope.manager_id).where(ServiceScope.user_id == user_id))]


def set_service_scope(session: Session, actor: permissions.Actor, user_id: int, managers: list[int]) -> None:
    """Replace what customer service ``user_id`` sees: ALL, some managers' teams, or nothing."""
    if not permissions.can_grant_service_scope(actor):
        raise PermissionDenied("只有系统管理员可以设置客服的查看范围")
    user = session.get(User, user_id)
    if user is None or user.role != R.SERVICE:
        raise NotFound("只能为客服设置查看范围")
    chosen = [ALL] if ALL in managers else sorted(set(managers))
    names = dict(session.execute(select(User.id, User.name).where(User.id.in_(chosen))).all())
    before = service_scope(session, user_id)
    if sorted(before) == chosen:
        return

    def describe(ids: list[int]) -> str:
        return "全部客户" if ALL in ids else "、".join(f"{names.get(i, i)}的团队" for i in ids) or "无"

    session.execute(delete(ServiceScope).where(ServiceScope.user_id == user_id))
    session.add_all(ServiceScope(user_id=user_id, manager_id=m or None) for m in chosen)
    record(session, actor_id=actor.id, entity="user", entity_id=user_id, action="service_scope",
           changes=[{"field": "service_scope", "label": "可查看的客户", "old": describe(before),
                     "new": describe(chosen)}])


# --- masking phone and bank numbers (domain/masking.py) ----------------------------------------

MASK_KEY = "masked_roles"


def masked_roles(session: Session) -> list[str]:
    row = session.get(Setting, MASK_KEY)
    return [r for r in json.loads(row.value) if r in R.ROLE_LABELS] if row else []


def is_masked(session: Session, actor: permissions.Actor) -> bool:
    return actor.role in masked_roles(session)


def set_masked_roles(session: Session, actor: permissions.Actor, roles: list[str]) -> None:
    if not permissions.can_manage_users(actor):
        raise PermissionDenied("只有系统管理员可以设置哪些角色隐藏电话和银行账号")
    if R.ADMIN in roles:
        raise A.AccessError("系统管理员需要看到完整信息，不能隐藏")
    chosen = sorted(set(roles) & set(R.ROLE_LABELS))
    before = masked_roles(session)
    if sorted(before) == chosen:
        return
    row = session.get(Setting, MASK_KEY)
    if row is None:
        session.add(Setting(key=MASK_KEY, value=json.dumps(chosen)))
    else:
        row.value = json.dumps(chosen)

    def describe(roles: list[str]) -> str:
        return "、".join(R.ROLE_LABELS[r] for r in roles) or "无"

    record(session, actor_id=actor.id, entity="setting", entity_id=0, action="mask_roles",
           changes=[{"field": MASK_KEY, "label": "隐藏电话和银行账号的角色", "old": describe(before),
                     "new": describe(chosen)}])


# --- refused attempts ---------------------------------------------------------------------------

def log_refusal(session: Session, user_id: int | None, message: str, *, customer_id: int | None = None,
                page: str | None = None) -> None:
    """Keep a refused attempt for the 查阅记录 search (in its own transaction: the refused one rolled back)."""
    session.add(RefusedAttempt(user_id=user_id, customer_id=customer_id, page=page, message=message[:500]))

