"""What happens around an import: the list of past imports, undoing one, saved column templates."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.audit import record
from db.cadence import refresh_due
from db.classification import apply_classes
from db.import_lookups import load_customers, load_lookups
from db.models import AuditEvent, Customer, ImportBatch, ImportTemplate, utcnow
from domain import fields as F
from domain import permissions
from domain.audit import display
from domain.errors import NotFound, PermissionDenied, UserFacingError
from domain.import_rows import Lookups
from domain.validation import clean_value


def list_imports(session: Session, actor: permissions.Actor, limit: int = 50) -> list[ImportBatch]:
    """Latest imports, newest first: all of them for supervisors, one's own for everybody else."""
    query = select(ImportBatch).options(selectinload(ImportBatch.actor))
    if not permissions.can_undo_import(actor, importer_id=None):
        query = query.where(ImportBatch.actor_id == actor.id)
    return list(session.scalars(query.order_by(ImportBatch.at.desc(), ImportBatch.id.desc()).limit(limit)))


def undo_import(session: Session, actor: permissions.Actor, import_id: int, reason: str) -> dict[str, int]:
    """撤销导入: archives it created are deactivated, fields it changed are restored.

    A field someone changed again after the import keeps their value (it is
    counted as ``kept``); every undone archive says so in its history. Only archives
    ``actor`` may still edit are touched: one handed to someone else since is left as it is
    (counted as ``left``, see ``undo_summary``).
    """
    batch = session.get(ImportBatch, import_id, with_for_update=True)
    if batch is None:
        raise NotFound(f"找不到编号为 {import_id} 的导入")
    if not permissions.can_undo_import(actor, batch.actor_id):
        raise PermissionDenied("只有导入人或经理、档案管理员可以撤销这次导入")
    if batch.undone_at is not None:
        raise UserFacingError(f"导入 #{import_id} 已经撤销过了")
    if not reason.strip():
        raise UserFacingError("请填写撤销的原因")
    events = list(session.scalars(select(AuditEvent).where(
        AuditEvent.import_id == import_id, AuditEvent.action.in_(("import_create", "import_update")))))
    customers = load_customers(session, {e.entity_id for e in events})
    lookups = load_lookups(session)
    counts = {"deactivated": 0, "restored": 0, "kept": 0, "left": 0}
    note = f"撤销导入 #{import_id}：{reason.strip()}"
    left: set[int] = set()
    for event in events:
        customer = customers.get(event.entity_id)
        if customer is None:
            continue
        if not permissions.can_edit(actor, customer):  # handed to someone else since the import
            left.add(customer.id)
            continue
        if event.action == "import_create":
            if customer.is_active:
                customer.is_active = False
                customer.updated_at = utcnow()
                record(session, actor_id=actor.id, entity="customer", entity_id=customer.id, action="undo_import",
                       reason=note, changes=[{"field": "is_active", "label": "状态", "old": "在用", "new": "停用"}])
                counts["deactivated"] += 1
            continue
        changes = _restore(session, customer, event.changes, lookups, actor_id=actor.id, note=note)
        counts["restored"] += bool(changes)
        counts["kept"] += sum(1 for c in event.changes if c not in changes and c["field"] != "联系人")
        if changes:
            customer.updated_at = utcnow()
            record(session, actor_id=actor.id, entity="customer", entity_id=customer.id, action="undo_import",
                   reason=note, changes=[{**c, "old": c["new"], "new": c["old"]} for c in changes])
    counts["left"] = len(left)
    batch.undone_at, batch.undone_by_id = utcnow(), actor.id
    session.flush()
    refresh_due(session, [cid for cid in customers if cid not in left])
    return counts


def undo_summary(import_id: int, counts: dict[str, int]) -> str:
    """What 撤销导入 did, in the words the page shows."""
    text = (f"已撤销导入 #{import_id}：停用新建的档案 {counts['deactivated']} 份，"
            f"恢复更新的档案 {counts['restored']} 份")
    if counts["kept"]:
        text += f"；{counts['kept']} 个字段导入后又被修改过，保留了后来的修改"
    if counts.get("left"):
        text += (f"；另有 {counts['left']} 份档案导入后已交给其他同事负责，您已无权修改，未撤销"
                 "（如需撤销，请联系其负责人或上级）")
    return text


def _restore(session: Session, customer: Customer, changes: list[dict[str, Any]], lookups: Lookups, *,
             actor_id: int, note: str) -> list[dict[str, Any]]:
    """Put back each imported field or class that still holds what the import wrote; returns those restored."""
    restored = []
    for change in changes:
        field = F.FIELDS_BY_NAME.get(change["field"])
        if field is not None and display(getattr(customer, field.name)) == change["new"]:
            setattr(customer, field.name, clean_value(field, change["old"]))
            restored.append(change)
        elif change["field"].startswith("分类·") and _restore_class(session, customer, change, lookups,
                                                                    actor_id=actor_id, note=note):
            restored.append(change)
    return restored  # the derived columns (keys, completeness) follow on flush: db/derived.py


def _restore_class(session: Session, customer: Customer, change: dict[str, Any], lookups: Lookups, *,
                   actor_id: int, note: str) -> bool:
    scheme_name = change["field"].removeprefix("分类·")
    code, scheme_id = next(((c, sid) for c, (sid, n) in lookups.schemes.items() if n == scheme_name), (None, None))
    current = next((c for c in customer.classes if c.scheme_id == scheme_id), None)
    if code is None or current is None or lookups.value_names.get(current.value_id) != change["new"]:
        return False
    old_id = next((vid for vid, _, name in lookups.class_values.get(code, []) if name == change["old"]), None)
    apply_classes(session, customer, {scheme_id: old_id}, actor_id=actor_id, reason=note)
    return True


def list_templates(session: Session) -> list[ImportTemplate]:
    return list(session.scalars(select(ImportTemplate).order_by(ImportTemplate.name)))


def save_template(session: Session, actor: permissions.Actor, name: str, *, mapping: dict[str, str],
                  header_row: int | None, defaults: dict[str, Any],
                  value_map: dict[str, dict[str, str]] | None = None) -> ImportTemplate:
    """Save (or overwrite) a named column template: {header text: target}."""
    name = name.strip()
    if not name:
        raise UserFacingError("请给模板起个名字")
    template = session.scalars(select(ImportTemplate).where(ImportTemplate.name == name)).one_or_none()
    if template is None:
        template = ImportTemplate(name=name[:60], created_by_id=actor.id)
        session.add(template)
    template.mapping, template.header_row, template.defaults = mapping, header_row, defaults
    template.value_map = value_map or None
    session.flush()
    return template
