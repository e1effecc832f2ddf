"""年度归档: closing a year (its records frozen) and exporting customers' yearly volumes.

A volume is one workbook per customer — 目录 first, then the six categories' tables — and the
files attached that year, zipped per customer. A year's volume holds every archive with anything
dated in that year (``archives_of_year``; the rule is in domain/volumes.py) and each table that
category's records of the year. After a year is closed, records dated in it may be corrected only
by a manager (or the GM/admin), and every correction is in the history as usual
(``check_not_frozen``, called by the write paths of dated records).
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

from sqlalchemy import and_, select, union
from sqlalchemy.orm import Session, aliased

from db import visibility
from db.archive_queries import get_customer
from db.audit import record
from db.documents import stored_path
from db.models import AuditEvent, ClassMovement, ClassScheme, ClassValue, Customer, MonthlySales, User
from db.models_followups import FollowUp, Receivable
from db.models_papers import ClosedYear, Complaint, Contract, Discount, Document, MarketNote
from domain import complaints as C
from domain import permissions
from domain import roles as R
from domain.card import card_sections
from domain.errors import PermissionDenied
from domain.formatting import local_date, local_today, utc_start_of
from domain.volumes import (
    ARCHIVE_CHANGES,
    Part,
    VolumeError,
    check_export_year,
    check_year,
    contents,
    volume_file_stem,
    volume_status,
    volume_title,
)
from domain.workbooks import tables_workbook

MAX_CUSTOMERS = 500  # per export: a zip is built in memory


def closed_years(session: Session) -> list[ClosedYear]:
    return list(session.scalars(select(ClosedYear).order_by(ClosedYear.year.desc())))


def check_not_frozen(session: Session, actor: permissions.Actor, day: dt.date | None) -> None:
    """Refuse a write dated in a closed year unless ``actor`` is a manager, the GM or an admin."""
    if day is None or session.get(ClosedYear, day.year) is None:
        return
    if actor.role not in R.SUPERVISORS:
        raise PermissionDenied(f"{day.year} 年的档案已归档封存：更正须由经理操作（并记入历史）")


def close_year(session: Session, actor: permissions.Actor, year: int, note: str = "") -> ClosedYear:
    if not permissions.can_close_year(actor):
        raise PermissionDenied("只有档案管理员或系统管理员可以进行年度归档")
    check_year(year, local_today().year)
    if session.get(ClosedYear, year) is not None:
        raise VolumeError(f"{year} 年已经归档")
    closed = ClosedYear(year=year, closed_by_id=actor.id, note=note.strip() or None)
    session.add(closed)
    record(session, actor_id=actor.id, entity="setting", entity_id=year, action="close_year", reason=note,
           changes=[{"field": "year", "label": "年度归档", "old": None, "new": f"{year} 年已封存"}])
    return closed


def _in_year(column, year: int):
    """A date column within ``year``."""
    return and_(column >= dt.date(year, 1, 1), column < dt.date(year + 1, 1, 1))


def _at_in_year(column, year: int):
    """A stored (UTC) moment within ``year`` in the team's time zone."""
    return and_(column >= utc_start_of(dt.date(year, 1, 1)), column < utc_start_of(dt.date(year + 1, 1, 1)))


def archives_of_year(year: int):
    """The ids of the archives with anything dated in ``year``: the customers its volume holds."""
    changed = (AuditEvent.entity == "customer", AuditEvent.action.in_((*ARCHIVE_CHANGES, "payment")))
    return union(
        select(Customer.id).where(_at_in_year(Customer.created_at, year)),
        select(AuditEvent.entity_id).where(*changed, _at_in_year(AuditEvent.at, year)),
        select(ClassMovement.customer_id).where(_at_in_year(ClassMovement.at, year)),
        select(FollowUp.customer_id).where(_in_year(FollowUp.day, year)),
        select(Contract.customer_id).where(_in_year(Contract.signed_on, year)),
        select(Receivable.customer_id).where(_in_year(Receivable.doc_date, year)),
        select(Complaint.customer_id).where(_in_year(Complaint.day, year)),
        select(Discount.customer_id).where(_at_in_year(Discount.requested_at, year)),
        select(MarketNote.customer_id).where(_in_year(MarketNote.day, year), MarketNote.customer_id.is_not(None)),
        select(MonthlySales.customer_id).where(MonthlySales.year == year, MonthlySales.quantity > 0),
        select(Document.customer_id).where(_at_in_year(Document.uploaded_at, year)))


def volume_parts(session: Session, customer: Customer, year: int) -> list[Part]:
    """The six categories of ``customer``'s ``year`` as tables."""
    cid = customer.id
    header = {"档案号": customer.archive_no, "负责人": customer.owner.name if customer.owner else "（公海）"}
    sides = card_sections(header, customer.field_values(), [], [], [], [], year)
    basic = [(s.title, label, value) for side in sides.values() for s in side if s.items for label, value in s.items]
    contacts = [(c.name, c.role or "", c.title or "", c.mobile or "", c.phone or "") for c in customer.contacts]
    visits = [(f.day, f.method, f.topic or "", f.summary, f.feedback or "", f.open_problems or "",
               f.follower.name if f.follower else "") for f in session.scalars(
        select(FollowUp).where(FollowUp.customer_id == cid, _in_year(FollowUp.day, year)).order_by(FollowUp.day))]
    contracts = [(c.number, c.kind, c.signed_on, c.starts_on, c.ends_on or "长期", _money(c.amount), c.terms or "")
                 for c in session.scalars(select(Contract).where(Contract.customer_id == cid,
                                                                 _in_year(Contract.signed_on, year)))]
    credit = [("信用额度（元）", _money(customer.credit_limit)), ("账期（天）", customer.credit_days),
              ("付款方式", customer.payment_method), ("回款表现", customer.payment_behaviour)]
    receivables = [(r.doc_no or "", r.doc_date, _money(r.amount), r.due_date, _money(r.paid), _money(r.outstanding))
                   for r in session.scalars(select(Receivable).where(Receivable.customer_id == cid,
                                                                     _in_year(Receivable.doc_date, year)))]
    complaints = [(c.day, c.channel, c.category, c.severity, c.content, C.STATE_LABELS[c.state], c.resolution or "",
                   c.responsibility or "", c.satisfaction or "") for c in session.scalars(
        select(Complaint).where(Complaint.customer_id == cid, _in_year(Complaint.day, year)))]
    discounts = [(local_date(d.requested_at), d.kind, _money(d.amount), d.reason, C.DISCOUNT_STATES[d.state],
                  d.comment or "")
                 for d in session.scalars(select(Discount).where(Discount.customer_id == cid,
                                                                 _at_in_year(Discount.requested_at, year)))]
    market = [(n.day, n.competitor, n.product or "", _money(n.price), n.topic, n.content) for n in session.scalars(
        select(MarketNote).where(MarketNote.customer_id == cid, _in_year(MarketNote.day, year)))]
    monthly = [(p, *[q.get(m) for m in range(1, 13)], sum(q.values())) for p, q in _by_product(session, cid, year)]
    return [
        Part(1, "基本资料", ("部分", "项目", "内容"), basic),
        Part(1, "联系人", ("姓名", "角色", "职务", "手机", "电话"), contacts),
        Part(1, "走访与跟进记录", ("日期", "方式", "主题", "跟进情况", "客户反馈", "遗留问题", "跟进人"), visits),
        Part(1, "分类变动", ("日期", "分类方案", "原分类", "新分类", "操作人", "原因"), _movements(session, cid, year)),
        Part(2, "合同协议", ("合同编号", "类型", "签订日期", "开始", "结束", "金额（元）", "主要条款"), contracts),
        Part(3, "信用", ("项目", "内容"), credit),
        Part(3, "应收与回款", ("单据号", "日期", "金额（元）", "到期日", "已回款（元）", "未收（元）"), receivables),
        Part(3, "回款登记", ("日期", "单据", "原已回款（元）", "现已回款（元）", "登记人"),
             _payments(session, cid, year)),
        Part(4, "投诉", ("日期", "渠道", "类别", "严重程度", "内容", "状态", "处理结果", "责任鉴定", "满意度"),
             complaints),
        Part(4, "折价让利", ("申请日期", "类型", "金额（元）", "原因", "状态", "审批意见"), discounts),
        Part(5, "市场与竞品", ("日期", "竞品", "产品", "价格（元）", "类别", "情况"), market),
        Part(6, "月度销量", ("品种", *[f"{m}月" for m in range(1, 13)], "合计"), monthly),
    ]


def _movements(session: Session, customer_id: int, year: int) -> list[tuple]:
    source, target = aliased(ClassValue), aliased(ClassValue)
    rows = session.execute(
        select(ClassMovement, ClassScheme.name, source.name, target.name, User.name)
        .join(ClassScheme, ClassScheme.id == ClassMovement.scheme_id)
        .outerjoin(source, source.id == ClassMovement.from_value_id)
        .outerjoin(target, target.id == ClassMovement.to_value_id)
        .outerjoin(User, User.id == ClassMovement.actor_id)
        .where(ClassMovement.customer_id == customer_id, _at_in_year(ClassMovement.at, year))
        .order_by(ClassMovement.at, ClassMovement.id))
    return [(local_date(m.at), scheme, old or "未分类", new or "未分类", who or "系统", m.reason or "")
            for m, scheme, old, new, who in rows]


def _payments(session: Session, customer_id: int, year: int) -> list[tuple]:
    """回款 registered in ``year``, as the history holds them (a payment is an entry, not a row of its own)."""
    rows = session.execute(
        select(AuditEvent.at, AuditEvent.changes, User.name).outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.entity == "customer", AuditEvent.entity_id == customer_id, AuditEvent.action == "payment",
               _at_in_year(AuditEvent.at, year)).order_by(AuditEvent.at, AuditEvent.id))
    return [(local_date(at), (c.get("label") or "").removeprefix("已回款（").removesuffix("）"), c.get("old") or "",
             c.get("new") or "", who or "") for at, changes, who in rows for c in changes[:1]]


def _money(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _sales(session: Session, customer_id: int, year: int) -> dict[tuple[str, int], int]:
    return {(p, m): q for p, m, q in session.execute(
        select(MonthlySales.product, MonthlySales.month, MonthlySales.quantity)
        .where(MonthlySales.customer_id == customer_id, MonthlySales.year == year))}


def _by_product(session: Session, customer_id: int, year: int) -> list[tuple[str, dict[int, int]]]:
    found: dict[str, dict[int, int]] = {}
    for (product, month), quantity in _sales(session, customer_id, year).items():
        found.setdefault(product, {})[month] = quantity
    return sorted(found.items())


def export_volumes(session: Session, actor: permissions.Actor, year: int, customer_ids: list[int]) -> bytes:
    """A zip: per customer a folder with its volume workbook and the files attached that year.

    The current year's volume is the year so far: its title says 截至 today and that it is not closed."""
    if not permissions.can_close_year(actor):
        raise PermissionDenied("只有档案管理员或系统管理员可以导出年度档案")
    today = local_today()
    check_export_year(year, today)
    if not customer_ids:
        raise VolumeError("请至少选择一位客户")
    if len(customer_ids) > MAX_CUSTOMERS:
        raise VolumeError(f"一次最多导出 {MAX_CUSTOMERS} 位客户的年度档案，请缩小范围")
    status = volume_status(year, today, session.get(ClosedYear, year) is not None)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for customer_id in customer_ids:
            customer = get_customer(session, actor, customer_id)
            folder = f"{customer.archive_no}_{_safe(customer.name)}"
            parts = volume_parts(session, customer, year)
            tables = [contents(parts)] + [(p.sheet, p.headers, p.rows) for p in parts]
            archive.writestr(f"{folder}/{volume_file_stem(year, today)}档案.xlsx",
                             tables_workbook(volume_title(customer.name, customer.archive_no, year, status), tables))
            for document in session.scalars(select(Document).where(Document.customer_id == customer_id,
                                                                   _at_in_year(Document.uploaded_at, year))):
                path = stored_path(document.sha256)
                if path.exists():
                    archive.write(path, f"{folder}/附件/{document.category}/{document.id}_{_safe(document.file_name)}")
            record(session, actor_id=actor.id, entity="customer", entity_id=customer_id, action="export_volume",
                   reason=f"{year} 年度档案（{status}）")
    return buffer.getvalue()


def _safe(name: str) -> str:
    """A name usable inside a zip on Windows and Linux."""
    return "".join("_" if ch in '<>:"/\\|?*' or ord(ch) < 32 else ch for ch in name).strip(". ") or "未命名"


def volume_candidates(session: Session, actor: permissions.Actor, year: int) -> list[tuple[int, str, str]]:
    """The archives ``actor`` may see with anything dated in ``year``: (id, name, 档案号)."""
    return [tuple(r) for r in session.execute(
        select(Customer.id, Customer.name, Customer.archive_no)
        .where(Customer.id.in_(archives_of_year(year)), visibility.visible_customers(actor))
        .order_by(Customer.archive_no))]
