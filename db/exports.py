"""Exporting the archive list to .xlsx: only what the user may export, and recorded who took what."""
from __future__ import annotations

from typing import Any, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db import visibility
from db.archive_queries import SORTS, CustomerFilter, class_names, filtered_query
from db.audit import record
from db.models import AuditEvent, Customer
from domain import fields as F
from domain import permissions
from domain.errors import PermissionDenied
from domain.formatting import local_time
from domain.review import STATE_LABELS
from domain.workbooks import table_workbook

EXPORT_HEADERS = ["档案号", *(f.label_with_unit for f in F.ARCHIVE_FIELDS), "主要联系人", "联系人手机", "分类",
                  "负责人", "审核状态", "状态", "完整度（%）", "建档时间", "更新时间"]
BATCH = 1000


def export_customers(session: Session, actor: permissions.Actor, flt: CustomerFilter,
                     description: str = "") -> tuple[bytes, int]:
    """The filtered list as an .xlsx (Chinese headers, formula-safe cells); returns (file, count).

    Records one history entry: who exported, the filter and the archive numbers.
    """
    if not permissions.can_export_list(actor):
        raise PermissionDenied("您无权导出档案")
    query = filtered_query(actor, flt).where(visibility.exportable_customers(actor))
    order, _ = SORTS.get(flt.sort, SORTS["updated_desc"])
    numbers: list[str] = []
    content = table_workbook("客户档案", EXPORT_HEADERS, _rows(session, query.order_by(order, Customer.id), numbers))
    record(session, actor_id=actor.id, entity="export", entity_id=0, action="export_list",
           reason=description or None,
           changes=[{"field": "count", "label": "导出份数", "old": None, "new": str(len(numbers))},
                    {"field": "archive_nos", "label": "档案号", "old": None, "new": "、".join(numbers)}])
    return content, len(numbers)


def _rows(session: Session, query, numbers: list[str]) -> Iterator[list[Any]]:
    offset = 0
    while True:
        chunk = list(session.scalars(query.options(selectinload(Customer.owner), selectinload(Customer.contacts))
                                     .offset(offset).limit(BATCH)))
        if not chunk:
            return
        classes = class_names(session, [c.id for c in chunk])
        for customer in chunk:
            numbers.append(customer.archive_no)
            contact = customer.contacts[0] if customer.contacts else None
            yield [customer.archive_no, *(getattr(customer, f.name) for f in F.ARCHIVE_FIELDS),
                   contact.name if contact else None, contact.mobile if contact else None,
                   "、".join(classes.get(customer.id, [])), customer.owner.name if customer.owner else None,
                   STATE_LABELS.get(customer.review_state, customer.review_state),
                   "在用" if customer.is_active else "停用", customer.completeness,
                   local_time(customer.created_at), local_time(customer.updated_at)]
        offset += BATCH
        session.expunge_all()


def list_exports(session: Session, limit: int = 50) -> list[AuditEvent]:
    """The latest list exports, newest first (for the 导入导出记录 tab)."""
    return list(session.scalars(select(AuditEvent).options(selectinload(AuditEvent.actor))
                                .where(AuditEvent.entity == "export")
                                .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)))
