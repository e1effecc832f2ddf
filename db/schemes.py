"""Administering classification schemes (分类方案): rename, reorder, add and retire classes, activate schemes.

Customers are never touched here: a retired class keeps every customer who holds it (the board
shows it while anyone does), it just cannot be chosen any more. Every change is in the history
of the scheme (entity ``scheme``).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from db.audit import record
from db.cadence import refresh_due
from db.models import ClassScheme, ClassValue, Customer, CustomerClass
from domain import permissions
from domain import schemes as rules
from domain.errors import ConflictError, NotFound, PermissionDenied


@dataclass
class ClassEdit:
    """What the admin form hands over for one class."""

    name: str
    meaning: str = ""
    color: str = "#888888"
    needs_reason: bool = False  # moving a customer into this class always needs a reason (流失, 淘汰)


def list_schemes(session: Session) -> list[ClassScheme]:
    """All schemes, active or not, with their classes in order."""
    return list(session.scalars(select(ClassScheme).options(selectinload(ClassScheme.values))
                                .order_by(ClassScheme.sort_order, ClassScheme.id)))


def customers_per_class(session: Session) -> dict[int, int]:
    """Active customers holding each class (value id → count)."""
    return dict(session.execute(
        select(CustomerClass.value_id, func.count()).join(Customer, Customer.id == CustomerClass.customer_id)
        .where(Customer.is_active.is_(True)).group_by(CustomerClass.value_id)).all())


def update_scheme(session: Session, actor: permissions.Actor, scheme_id: int, *, name: str, is_active: bool,
                  is_ranked: bool) -> ClassScheme:
    scheme = _scheme(session, actor, scheme_id)
    others = set(session.scalars(select(ClassScheme.name).where(ClassScheme.id != scheme_id)))
    new = {"name": rules.clean_name(name, others, "分类方案"), "is_active": is_active, "is_ranked": is_ranked}
    labels = {"name": "方案名称", "is_active": "启用", "is_ranked": "分类有优劣顺序"}
    changes = [_change(labels[k], getattr(scheme, k), v) for k, v in new.items() if getattr(scheme, k) != v]
    activation_changed = scheme.is_active != is_active
    for key, value in new.items():
        setattr(scheme, key, value)
    _record(session, actor, scheme, changes)
    if activation_changed:  # its classes' cadence starts or stops counting
        refresh_due(session, session.scalars(select(CustomerClass.customer_id)
                                             .where(CustomerClass.scheme_id == scheme_id)).all())
    return scheme


def add_scheme(session: Session, actor: permissions.Actor, name: str, *, is_ranked: bool) -> ClassScheme:
    """A new, active scheme with no classes yet (add them next)."""
    _require(actor)
    name = rules.clean_name(name, set(session.scalars(select(ClassScheme.name))), "分类方案")
    last = session.scalar(select(func.max(ClassScheme.sort_order))) or 0
    scheme = ClassScheme(code=f"s{(session.scalar(select(func.max(ClassScheme.id))) or 0) + 1}", name=name,
                         is_active=True, sort_order=last + 1, is_ranked=is_ranked)
    session.add(scheme)
    session.flush()
    _record(session, actor, scheme, [_change("方案名称", None, name)])
    return scheme


def save_class(session: Session, actor: permissions.Actor, scheme_id: int, value_id: int | None,
               edit: ClassEdit, *, expected_version: int | None = None) -> ClassValue:
    """Add a class at the end of the scheme (``value_id`` None) or change one's name, meaning, colour, rule.
    An edit based on ``expected_version`` is refused if someone saved the class since."""
    scheme = _scheme(session, actor, scheme_id)
    value = next((v for v in scheme.values if v.id == value_id), None)
    if value_id is not None and value is None:
        raise NotFound("找不到这个分类，可能已被删除")
    if value is not None and expected_version is not None and value.version != expected_version:
        now = f"名称「{value.name}」、含义「{value.meaning or '（空）'}」、颜色 {value.color or '（无）'}"
        raise ConflictError(f"保存失败：您打开后这个分类已被他人修改，现在是{now}。"
                            "表单中仍是您填写的内容，核对后再次保存即可")
    new = {"name": rules.clean_name(edit.name, {v.name for v in scheme.values if v is not value}),
           "meaning": rules.clean_meaning(edit.meaning), "color": rules.clean_colour(edit.color),
           "is_terminal": edit.needs_reason}
    if value is None:
        codes = {v.code for v in scheme.values}
        code = next(f"c{n}" for n in range(len(codes) + 1, len(codes) + 1000) if f"c{n}" not in codes)
        value = ClassValue(scheme_id=scheme.id, code=code,
                           sort_order=max((v.sort_order for v in scheme.values), default=0) + 1)
        scheme.values.append(value)
        old = dict.fromkeys(new)
    else:
        old = {k: getattr(value, k) for k in new}
    labels = {"name": "名称", "meaning": "含义", "color": "颜色", "is_terminal": "移入须填原因"}
    changes = [_change(f"{new['name']}·{labels[k]}", old[k], v) for k, v in new.items() if old[k] != v]
    for key, item in new.items():
        setattr(value, key, item)
    _record(session, actor, scheme, changes)
    session.flush()
    return value


def move_in_order(session: Session, actor: permissions.Actor, value_id: int, step: int) -> None:
    """Move a class up (−1) or down (+1) in its scheme; in a ranked scheme the order is best → worst."""
    value = _value(session, value_id)
    scheme = _scheme(session, actor, value.scheme_id)
    order = rules.moved([v.id for v in scheme.values], value.id, step)
    for position, vid in enumerate(order, start=1):
        next(v for v in scheme.values if v.id == vid).sort_order = position
    _record(session, actor, scheme, [_change(f"{value.name}·顺序", None, f"第 {order.index(value.id) + 1} 位")])


def set_retired(session: Session, actor: permissions.Actor, value_id: int, retired: bool) -> None:
    """Retire a class (it can no longer be chosen; its customers keep it) or bring it back."""
    value = _value(session, value_id)
    scheme = _scheme(session, actor, value.scheme_id)
    if retired:
        rules.check_retire(sum(1 for v in scheme.values if not v.is_retired and v.id != value.id))
    if value.is_retired != retired:
        value.is_retired = retired
        _record(session, actor, scheme, [_change(f"{value.name}·状态", "在用" if retired else "已停用",
                                                 "已停用" if retired else "在用")])


def _require(actor: permissions.Actor) -> None:
    if not permissions.can_manage_schemes(actor):
        raise PermissionDenied("只有系统管理员可以修改分类方案")


def _scheme(session: Session, actor: permissions.Actor, scheme_id: int) -> ClassScheme:
    _require(actor)
    scheme = session.get(ClassScheme, scheme_id)
    if scheme is None:
        raise NotFound("找不到这个分类方案")
    return scheme


def _value(session: Session, value_id: int) -> ClassValue:
    value = session.get(ClassValue, value_id)
    if value is None:
        raise NotFound("找不到这个分类，可能已被删除")
    return value


def _change(label: str, old, new) -> dict:
    return {"field": label, "label": label, "old": _text(old), "new": _text(new)}


def _text(value) -> str | None:
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def _record(session: Session, actor: permissions.Actor, scheme: ClassScheme, changes: list[dict]) -> None:
    if changes:
        record(session, actor_id=actor.id, entity="scheme", entity_id=scheme.id, action="scheme_edit",
               changes=changes)
