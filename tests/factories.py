"""make_user / make_customer: valid records with overridable fields."""
from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.archives import ArchiveInput, create_customer
from db.models import ClassScheme, ClassValue, Customer, User
from db.users import create_user

PASSWORD = "Test-password-2026"
_counter = itertools.count(1)


def make_user(session: Session, role: str = "rep", *, username: str | None = None, name: str | None = None,
              supervisor: User | None = None, password: str = PASSWORD) -> User:
    n = next(_counter)
    user = create_user(session, actor_id=None, username=username or f"user{n}", name=name or f"用户{n}",
                       role=role, password=password, supervisor_id=supervisor.id if supervisor else None)
    session.flush()
    return user


def archive_input(**overrides: Any) -> ArchiveInput:
    n = next(_counter)
    values = {"name": f"测试客户{n}号商贸有限公司", "customer_type": "经销商/批发", "province": "广东",
              "city": "深圳", "phone": f"0755-{8800000 + n}"}
    extra = {k: overrides.pop(k) for k in ("contacts", "products", "competitors", "sales", "classes", "owner_id")
             if k in overrides}
    values.update(overrides)
    return ArchiveInput(values=values, **extra)


def make_customer(session: Session, actor: User, *, confirm_duplicates: bool = True, **overrides: Any) -> Customer:
    return create_customer(session, actor, archive_input(**overrides), confirm_duplicates=confirm_duplicates)


def make_team(session: Session) -> tuple[User, User, User]:
    """A manager 李经理 with two reps, 张伟 and 王芳."""
    manager = make_user(session, "manager", name="李经理")
    rep = make_user(session, "rep", name="张伟", supervisor=manager)
    other = make_user(session, "rep", name="王芳", supervisor=manager)
    return manager, rep, other


def class_value(session: Session, scheme_code: str, value_code: str) -> ClassValue:
    """A seeded class, e.g. class_value(s, "importance", "key") → 重点客户 (its scheme_id included)."""
    return session.scalars(select(ClassValue).join(ClassScheme).where(ClassScheme.code == scheme_code,
                                                                       ClassValue.code == value_code)).one()
