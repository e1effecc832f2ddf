"""Writing archives: the one path every change to a customer goes through.

Each function validates with domain/, checks permission with
domain/permissions.py, changes the rows and records the history (db/audit.py)
in the caller's transaction, so the change and its history commit together.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.access import is_masked
from db.archive_queries import find_duplicates, get_customer
from db.audit import list_history, record
from db.cadence import refresh_due
from db.classification import apply_classes, sync_classes
from db.derived import customer_columns
from db.duplicates import check_tax_free
from db.duplicates import describe as describe_duplicates
from db.models import (
    ArchiveSequence,
    ClassScheme,
    ClassValue,
    CompetitorProduct,
    Contact,
    Customer,
    CustomerProduct,
    MonthlySales,
    utcnow,
)
from db.signoff import hold
from domain import audit, permissions, review, signoff
from domain import fields as F
from domain.errors import ConflictError, PermissionDenied, UserFacingError
from domain.formatting import local_today
from domain.normalize import tax_key
from domain.numbering import format_archive_no, region_code
from domain.validation import ValidationError, validate_archive, validate_contacts, validate_priced_rows, validate_sales


@dataclass
class ArchiveInput:
    """Everything the archive form (or an import) hands over for one customer."""

    values: dict[str, Any]
    contacts: list[dict[str, Any]] = field(default_factory=list)
    products: list[dict[str, Any]] = field(default_factory=list)
    competitors: list[dict[str, Any]] = field(default_factory=list)
    sales: list[dict[str, Any]] = field(default_factory=list)  # [{product, 1: qty, …, 12: qty}]
    sales_year: int = field(default_factory=lambda: local_today().year)
    classes: dict[int, int | None] = field(default_factory=dict)  # scheme id -> class value id
    owner_id: int | None = None


class DuplicatesFound(UserFacingError):
    """Possible duplicates exist; the user must look and confirm before saving."""

    def __init__(self, duplicates: list[dict]):
        super().__init__(f"发现 {len(duplicates)} 份可能重复的档案，请核对后确认是否继续保存")
        self.duplicates = duplicates  # db/duplicates.describe: plain values, as much as the user may know


@dataclass
class _Clean:
    values: dict[str, Any]
    contacts: list[dict[str, Any]]
    products: list[dict[str, Any]]
    competitors: list[dict[str, Any]]
    sales: list[dict[str, Any]]


def _validate(data: ArchiveInput) -> _Clean:
    values, errors = validate_archive(data.values)
    contacts, contact_errors = validate_contacts(data.contacts)
    products, product_errors = validate_priced_rows(data.products, "进店产品", ("purchase_price", "shelf_price"))
    competitors, competitor_errors = validate_priced_rows(data.competitors, "竞品", ("price",))
    sales, sales_errors = validate_sales(data.sales)
    for key, messages in (("contacts", contact_errors), ("products", product_errors),
                          ("competitors", competitor_errors), ("sales", sales_errors)):
        if messages:
            errors[key] = "；".join(messages)
    if errors:
        raise ValidationError(errors)
    return _Clean(values, contacts, products, competitors, sales)


def _check_duplicates(session: Session, actor: permissions.Actor, clean: _Clean, exclude_id: int | None) -> None:
    phones = [clean.values.get("phone")] + [c.get(k) for c in clean.contacts for k in ("mobile", "phone")]
    duplicates = find_duplicates(session, name=clean.values.get("name"), phones=phones,
                                 tax_no=clean.values.get("tax_no"), exclude_id=exclude_id)
    if duplicates:
        raise DuplicatesFound(describe_duplicates(session, actor, duplicates))


def next_archive_no(session: Session, province: str | None, year: int) -> str:
    """Take the next number of (region, year); numbers only go up, so none is ever reused."""
    return reserve_archive_nos(session, province, year, 1)[0]


def reserve_archive_nos(session: Session, province: str | None, year: int, count: int) -> list[str]:
    """Take ``count`` consecutive numbers of (region, year) under the sequence row's lock."""
    region = region_code(province)
    query = (select(ArchiveSequence).where(ArchiveSequence.region == region, ArchiveSequence.year == year)
             .with_for_update())
    sequence = session.scalars(query).one_or_none()
    if sequence is None:
        try:
            with session.begin_nested():
                session.execute(insert(ArchiveSequence).values(region=region, year=year, last_value=0))
        except IntegrityError:
            pass  # another writer created the row first; its lock below serialises us
        sequence = session.scalars(query).one()
    first = sequence.last_value + 1
    sequence.last_value += count
    return [format_archive_no(region, year, n) for n in range(first, first + count)]


# Child rows: how each reads in the history, and how it is written.

def _contact_text(c: dict) -> str:
    parts = [c.get("name") or "", f"（{c['role']}）" if c.get("role") else ""]
    parts += [f" {F.CONTACT_FIELDS[k]}:{audit.display(c.get(k))}" for k in F.CONTACT_FIELDS
              if k not in ("name", "role") and audit.display(c.get(k))]
    return "".join(parts)


def _product_text(p: dict) -> str:
    return " ".join(f"{label}:{audit.display(p.get(k))}" for k, label in F.PRODUCT_FIELDS.items()
                    if audit.display(p.get(k)))


def _competitor_text(p: dict) -> str:
    return " ".join(f"{label}:{audit.display(p.get(k))}" for k, label in F.COMPETITOR_FIELDS.items()
                    if audit.display(p.get(k)))


def _sales_text(s: dict) -> str:
    months = s["months"]
    detail = " ".join(f"{m}月:{months[m]}" for m in sorted(months))
    return f"{detail} 合计:{sum(months.values())}"


def _row_dict(row: Any, keys) -> dict:
    return {k: getattr(row, k) for k in keys}


def _sales_rows(customer: Customer, year: int) -> list[dict]:
    by_product: dict[str, dict[int, int]] = {}
    for s in customer.sales:
        if s.year == year:
            by_product.setdefault(s.product, {})[s.month] = s.quantity
    return [{"product": p, "months": m} for p, m in by_product.items()]


def _snapshot(customer: Customer, year: int) -> dict[str, list[dict]]:
    return {
        "contacts": [_row_dict(c, F.CONTACT_FIELDS) for c in customer.contacts],
        "products": [_row_dict(p, F.PRODUCT_FIELDS) for p in customer.products],
        "competitors": [_row_dict(p, F.COMPETITOR_FIELDS) for p in customer.competitors],
        "sales": _sales_rows(customer, year),
        "classes": {c.scheme_id: c.value.name for c in customer.classes},
    }


def _child_changes(before: dict, after: dict, class_names: dict[int, str], year: int) -> list[audit.Change]:
    changes = audit.diff_rows("联系人", before["contacts"], after["contacts"],
                              key=lambda c: c.get("name") or "", describe=_contact_text)
    changes += audit.diff_rows("进店产品", before["products"], after["products"],
                               key=lambda p: p.get("product") or "", describe=_product_text)
    changes += audit.diff_rows("竞品", before["competitors"], after["competitors"],
                               key=lambda p: p.get("product") or "", describe=_competitor_text)
    changes += audit.diff_rows(f"{year}年月度销量", before["sales"], after["sales"],
                               key=lambda s: s["product"], describe=lambda s: f"{s['product']} {_sales_text(s)}")
    for scheme_id in sorted(set(before["classes"]) | set(after["classes"])):
        old, new = before["classes"].get(scheme_id), after["classes"].get(scheme_id)
        if old != new:
            label = f"分类·{class_names.get(scheme_id, scheme_id)}"
            changes.append({"field": label, "label": label, "old": old, "new": new})
    return changes


def _write_children(session: Session, customer: Customer, clean: _Clean, classes: dict[int, int | None],
                    year: int, *, actor_id: int, reason: str | None) -> dict[str, Any]:
    """Contacts, products, sales and classes; class changes of an existing archive (``reason`` given) are logged."""
    customer.contacts = [Contact(**{k: c.get(k) for k in F.CONTACT_FIELDS}) for c in clean.contacts]
    customer.products = [CustomerProduct(**{k: p.get(k) for k in F.PRODUCT_FIELDS}) for p in clean.products]
    customer.competitors = [CompetitorProduct(**{k: p.get(k) for k in F.COMPETITOR_FIELDS})
                            for p in clean.competitors]
    _sync_sales(customer, year, clean.sales)
    valid = {v.id: v.scheme_id for v in session.scalars(
        select(ClassValue).where(ClassValue.id.in_([v for v in classes.values() if v is not None])))}
    chosen = {sid: vid for sid, vid in classes.items() if vid is None or valid.get(vid) == sid}
    if reason is None:  # a new archive: its first classes are not moves
        sync_classes(customer, chosen)
    else:
        apply_classes(session, customer, chosen, actor_id=actor_id, reason=reason)
    names = dict(session.execute(select(ClassValue.id, ClassValue.name).where(
        ClassValue.id.in_([c.value_id for c in customer.classes]))).all())
    return {
        "contacts": clean.contacts, "products": clean.products, "competitors": clean.competitors,
        "sales": clean.sales, "classes": {c.scheme_id: names.get(c.value_id) for c in customer.classes},
    }


def _sync_sales(customer: Customer, year: int, rows: list[dict]) -> None:
    """Update ``year``'s quantities in place (a row per product and month is unique)."""
    wanted = {(r["product"], m): q for r in rows for m, q in r["months"].items()}
    for row in list(customer.sales):
        if row.year != year:
            continue
        key = (row.product, row.month)
        if key in wanted:
            row.quantity = wanted.pop(key)
        else:
            customer.sales.remove(row)
    customer.sales.extend(MonthlySales(year=year, product=p, month=m, quantity=q) for (p, m), q in wanted.items())


def _apply_values(customer: Customer, clean: _Clean) -> None:
    """The card's fields; its derived columns follow on flush (db/derived.py)."""
    for name, value in clean.values.items():
        setattr(customer, name, value)


def _scheme_names(session: Session) -> dict[int, str]:
    return {s.id: s.name for s in session.scalars(select(ClassScheme))}


def create_customer(session: Session, actor: permissions.Actor, data: ArchiveInput, *,
                    confirm_duplicates: bool = False) -> Customer:
    """File a new archive. Raises ValidationError, DuplicatesFound (unless confirmed) or PermissionDenied."""
    if not permissions.can_create(actor):
        raise PermissionDenied("您无权新建档案")
    clean = _validate(data)
    check_tax_free(session, actor, tax_key(clean.values.get("tax_no")), exclude_id=None)
    if not confirm_duplicates:
        _check_duplicates(session, actor, clean, exclude_id=None)
    owner_id = data.owner_id if (data.owner_id and permissions.can_assign_owner(actor)) else actor.id
    customer = Customer(archive_no=next_archive_no(session, clean.values.get("province"), utcnow().year),
                        owner_id=owner_id, created_by_id=actor.id, is_active=True,
                        review_state=review.initial_state(permissions.files_directly(actor)))
    _apply_values(customer, clean)
    session.add(customer)
    empty = {"contacts": [], "products": [], "competitors": [], "sales": [], "classes": {}}
    after = _write_children(session, customer, clean, data.classes, data.sales_year, actor_id=actor.id, reason=None)
    session.flush()
    changes = audit.diff_fields({}, clean.values)
    changes += _child_changes(empty, after, _scheme_names(session), data.sales_year)
    record(session, actor_id=actor.id, entity="customer", entity_id=customer.id, action="create",
           reason="直接归档" if customer.review_state == review.FILED else "提交审核", changes=changes)
    refresh_due(session, [customer.id])
    return customer


def update_customer(session: Session, actor: permissions.Actor, customer_id: int, data: ArchiveInput, *, reason: str,
                    expected_version: int, confirm_duplicates: bool = False) -> Customer:
    """Save an edit with its reason; refuses if someone saved the archive since ``expected_version``."""
    customer = get_customer(session, actor, customer_id)
    if not permissions.can_edit(actor, customer) or is_masked(session, actor):
        raise PermissionDenied("您无权修改这份档案")
    if customer.version != expected_version:
        raise ConflictError(conflict_message(session, customer, expected_version))
    try:  # every problem at once: the fields' and the missing reason's, each beside its box
        clean, errors = _validate(data), {}
    except ValidationError as exc:
        errors = dict(exc.errors)
    if not reason.strip():
        errors["reason"] = "请填写修改原因"
    if errors:
        raise ValidationError(errors)
    old_values = customer.field_values()
    held: list[audit.Change] = []
    if signoff.needs_signoff(actor):  # 信用额度, 账期, bank data wait for the supervisor
        wanted = clean.values
        clean.values, held = signoff.split_sensitive(old_values, wanted)
    keys = customer_columns(clean.values, contacts=0, products=0, current_tax_key=customer.tax_key)
    if keys["tax_key"] != customer.tax_key:
        check_tax_free(session, actor, keys["tax_key"], exclude_id=customer.id)
    identity_changed = any(keys[k] != getattr(customer, k) for k in ("name_key", "phone_key", "tax_key"))
    if identity_changed and not confirm_duplicates:
        _check_duplicates(session, actor, clean, exclude_id=customer.id)
    before = _snapshot(customer, data.sales_year)
    _apply_values(customer, clean)
    if data.owner_id and data.owner_id != customer.owner_id and permissions.can_assign_owner(actor):
        customer.owner_id = data.owner_id
        customer.owner_since = local_today()  # the 公海 clock starts again for the new owner
    after = _write_children(session, customer, clean, data.classes, data.sales_year, actor_id=actor.id,
                            reason=reason)
    changes = audit.diff_fields(old_values, clean.values)
    changes += _child_changes(before, after, _scheme_names(session), data.sales_year)
    if not changes and not held:
        raise UserFacingError("没有任何改动，无需保存")
    if changes:
        customer.updated_at = utcnow()
    try:
        session.flush()
    except StaleDataError:  # another session saved between our read and this write
        raise ConflictError("保存失败：这份档案刚刚被他人修改。您填写的内容仍保留在表单中，"
                            "请载入最新版本后重新应用您的修改。") from None
    if changes:
        record(session, actor_id=actor.id, entity="customer", entity_id=customer.id, action="update",
               reason=reason, changes=changes, version=customer.version)
    if held:
        hold(session, actor, customer, held, wanted, reason)
    refresh_due(session, [customer.id])
    return customer


def conflict_message(session: Session, customer: Customer, expected_version: int) -> str:
    """Chinese explanation of what others saved since the user opened the archive."""
    events = [e for e in list_history(session, entity="customer", entity_id=customer.id)
              if e.action == "update" and (e.version or 0) > expected_version]
    details = []
    for event in events:
        labels = "、".join(dict.fromkeys(c["label"] for c in event.changes)) or "（无字段）"
        who = event.actor.name if event.actor else "系统"
        details.append(f"{who} 修改了 {labels}")
    return ("保存失败：您打开这份档案后，" + "；".join(details or ["其他人已保存过修改"])
            + "。您填写的内容仍保留在表单中，请刷新档案后重新应用您的修改。")


def review_customer(session: Session, actor: permissions.Actor, customer_id: int, action: str,
                    comment: str = "") -> Customer:
    """Approve or return a pending archive, or resubmit a returned one."""
    customer = get_customer(session, actor, customer_id)
    if action == review.RESUBMIT:
        if not permissions.can_edit(actor, customer):
            raise PermissionDenied("只有档案负责人可以重新提交")
    elif not permissions.can_review(actor, customer, customer.owner.supervisor_id if customer.owner else None):
        raise PermissionDenied("只有负责人的上级可以审核这份档案")
    customer.review_state = review.next_state(customer.review_state, action, comment)
    customer.review_comment = comment.strip() or None if action != review.RESUBMIT else customer.review_comment
    customer.updated_at = utcnow()
    record(session, actor_id=actor.id, entity="customer", entity_id=customer.id, action=action,
           reason=comment.strip() or None)
    return customer


def set_customer_active(session: Session, actor: permissions.Actor, customer_id: int, active: bool,
                        reason: str) -> Customer:
    """停用 hides an archive from default lists, keeping everything; 启用 brings it back."""
    customer = get_customer(session, actor, customer_id)
    if not permissions.can_deactivate(actor):
        raise PermissionDenied("只有经理、档案管理员或管理员可以停用或启用档案")
    if not reason.strip():
        raise ValidationError({"reason": "请填写停用或启用的原因"})
    if customer.is_active == active:
        raise UserFacingError("档案已经是" + ("启用" if active else "停用") + "状态")
    customer.is_active = active
    customer.updated_at = utcnow()
    record(session, actor_id=actor.id, entity="customer", entity_id=customer.id,
           action="reactivate" if active else "deactivate", reason=reason,
           changes=[{"field": "is_active", "label": "状态", "old": "在用" if not active else "停用",
                     "new": "在用" if active else "停用"}])
    refresh_due(session, [customer.id])  # a deactivated archive is never due; reactivated, it is again
    return customer


def record_card_export(session: Session, actor: permissions.Actor, customer_id: int) -> None:
    """Export is a privilege: check it and keep who took the card out, and when."""
    customer = get_customer(session, actor, customer_id)
    if not permissions.can_export(actor, customer):
        raise PermissionDenied("您无权导出这份档案")
    record(session, actor_id=actor.id, entity="customer", entity_id=customer.id, action="export_card")


def archive_input_from(customer: Customer, year: int | None = None) -> ArchiveInput:
    """The form's starting values for editing ``customer``."""
    year = year or local_today().year
    snap = _snapshot(customer, year)
    sales = [{"product": s["product"], **{m: s["months"].get(m) for m in F.MONTHS}} for s in snap["sales"]]
    return ArchiveInput(values=customer.field_values(), contacts=snap["contacts"], products=snap["products"],
                        competitors=snap["competitors"], sales=sales, sales_year=year,
                        classes={c.scheme_id: c.value_id for c in customer.classes}, owner_id=customer.owner_id)
