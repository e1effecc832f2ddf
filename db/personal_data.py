"""Requests about personal data (个人信息保护法) and deleting archives.

- ``export_contact``: everything the archive holds about one contact person, as a JSON-ready dict.
- ``anonymise_contact``: the person's details become 已匿名化 in the contact row, in the archive's
  history, follow-ups and complaints, and in import reports; the business records themselves stay.
- ``delete_customer`` / ``restore_customer``: 删除 is a soft delete. The archive leaves every list,
  search, count and export (db/visibility.visible_customers) and frees its 税号; nothing is erased,
  and the archivist or an admin can bring it back.
Each is one unit of work in the caller's session and records the archive's 历史.
"""
from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.archive_queries import get_customer
from db.audit import record
from db.models import AuditEvent, Contact, Customer, ImportBatch, utcnow
from db.models_followups import FollowUp
from db.models_papers import Complaint
from domain import fields as F
from domain import permissions
from domain import personal_data as P
from domain.errors import NotFound, PermissionDenied, UserFacingError
from domain.normalize import tax_key
from domain.validation import ValidationError

FOLLOW_UP_TEXT = ("summary", "feedback", "competitors", "open_problems", "next_step", "companions", "review_comment")
COMPLAINT_TEXT = ("content", "resolution")


def _contact(session: Session, actor: permissions.Actor, contact_id: int) -> Contact:
    if not permissions.can_handle_personal_data(actor):
        raise PermissionDenied("只有档案管理员或系统管理员可以办理个人信息的查询和删除请求")
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound("找不到这位联系人")
    get_customer(session, actor, contact.customer_id)  # the archive must exist and not be deleted
    return contact


def _secrets(contact: Contact) -> list[str]:
    return P.secrets_of(contact.name, [contact.mobile, contact.phone])


def _mentions(session: Session, customer_id: int, secrets: list[str]) -> list[dict]:
    """Where the archive's records mention the person (for an access request)."""
    if not secrets:
        return []
    found = []
    for follow_up in session.scalars(select(FollowUp).where(FollowUp.customer_id == customer_id)):
        for column in FOLLOW_UP_TEXT:
            text = getattr(follow_up, column)
            if text and any(s in text for s in secrets):
                found.append({"记录": f"{follow_up.day} {follow_up.method} 跟进", "内容": text})
    for complaint in session.scalars(select(Complaint).where(Complaint.customer_id == customer_id)):
        for column in COMPLAINT_TEXT:
            text = getattr(complaint, column)
            if text and any(s in text for s in secrets):
                found.append({"记录": f"{complaint.day} 投诉", "内容": text})
    return found


def export_contact(session: Session, actor: permissions.Actor, contact_id: int) -> dict:
    """The answer to a person's access request. The export itself is in the archive's 历史."""
    contact = _contact(session, actor, contact_id)
    customer = contact.customer
    row = {key: getattr(contact, key) for key in F.CONTACT_FIELDS}
    exported = P.export_record(row, {"档案号": customer.archive_no, "客户名称": customer.name},
                               _mentions(session, customer.id, _secrets(contact)), utcnow())
    record(session, actor_id=actor.id, entity="customer", entity_id=customer.id, action="personal_data_export",
           changes=[{"field": "个人信息", "label": "联系人个人信息", "old": None,
                     "new": f"已导出（联系人编号 {contact.id}）"}])
    return exported


def anonymise_contact(session: Session, actor: permissions.Actor, contact_id: int, reason: str) -> Contact:
    """Erase the person (a request under 个人信息保护法); returns the anonymised contact."""
    contact = _contact(session, actor, contact_id)
    reason = P.check_reason(reason)
    if contact.anonymised_at is not None:
        raise UserFacingError("这位联系人已经匿名化了")
    secrets = _secrets(contact)
    customer_id = contact.customer_id
    contact.name = P.ANONYMISED
    for column in P.PERSONAL:
        setattr(contact, column, None)
    contact.anonymised_at = utcnow()
    if secrets:
        _scrub_records(session, customer_id, secrets)
    record(session, actor_id=actor.id, entity="customer", entity_id=customer_id, action="anonymise", reason=reason,
           changes=[{"field": P.CONTACT_CHANGE, "label": "联系人", "old": None,
                     "new": f"{P.ANONYMISED}（联系人编号 {contact.id}）"}])
    return contact


def _scrub_records(session: Session, customer_id: int, secrets: list[str]) -> None:
    """Replace the person's name and numbers in every record of the archive that wrote them down."""
    for event in session.scalars(select(AuditEvent).where(AuditEvent.entity == "customer",
                                                          AuditEvent.entity_id == customer_id)):
        event.changes = [P.scrub_change(change, secrets) for change in event.changes]
        event.reason = P.scrub(event.reason, secrets)
    for follow_up in session.scalars(select(FollowUp).where(FollowUp.customer_id == customer_id)):
        for column in FOLLOW_UP_TEXT:
            setattr(follow_up, column, P.scrub(getattr(follow_up, column), secrets))
    for complaint in session.scalars(select(Complaint).where(Complaint.customer_id == customer_id)):
        for column in COMPLAINT_TEXT:
            setattr(complaint, column, P.scrub(getattr(complaint, column), secrets))
    for batch in session.scalars(select(ImportBatch)):  # an import report keeps rows as they were read
        if any(s in json.dumps(batch.summary, ensure_ascii=False) for s in secrets):
            batch.summary = P.scrub(batch.summary, secrets)


def delete_customer(session: Session, actor: permissions.Actor, customer_id: int, reason: str) -> Customer:
    """删除 (soft): gone from every list, search and export; the 税号 is free; restorable."""
    if not permissions.can_handle_personal_data(actor):
        raise PermissionDenied("只有档案管理员或系统管理员可以删除档案")
    reason = P.check_reason(reason)
    customer = get_customer(session, actor, customer_id)
    customer.deleted_at, customer.deleted_reason = utcnow(), reason
    record(session, actor_id=actor.id, entity="customer", entity_id=customer_id, action="delete", reason=reason,
           changes=[{"field": "deleted", "label": "档案状态", "old": "在档", "new": "已删除"}])
    return customer


def deleted_customers(session: Session, actor: permissions.Actor) -> list[Customer]:
    if not permissions.can_handle_personal_data(actor):
        raise PermissionDenied("只有档案管理员或系统管理员可以查看已删除的档案")
    return list(session.scalars(select(Customer).where(Customer.deleted_at.is_not(None))
                                .order_by(Customer.deleted_at.desc())))


def restore_customer(session: Session, actor: permissions.Actor, customer_id: int, reason: str) -> Customer:
    """Bring a deleted archive back, unless its 税号 has meanwhile been filed again."""
    if not permissions.can_handle_personal_data(actor):
        raise PermissionDenied("只有档案管理员或系统管理员可以恢复档案")
    reason = P.check_reason(reason)
    customer = session.get(Customer, customer_id)
    if customer is None or customer.deleted_at is None:
        raise NotFound("找不到这份已删除的档案")
    key = tax_key(customer.tax_no, customer.tax_key)
    live = select(Customer.archive_no).where(Customer.tax_key == key, Customer.deleted_at.is_(None))
    if key and session.scalar(live):
        raise ValidationError({"tax_no": "这份档案的税号已登记在另一份在用档案上，不能恢复；请先在那份档案上核对"})
    customer.deleted_at, customer.deleted_reason = None, None
    record(session, actor_id=actor.id, entity="customer", entity_id=customer_id, action="restore_deleted",
           reason=reason, changes=[{"field": "deleted", "label": "档案状态", "old": "已删除", "new": "在档"}])
    return customer
