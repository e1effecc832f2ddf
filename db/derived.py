"""Derived columns: the one place they are computed, and kept current on every flush.

A customer's ``name_key``, ``phone_key``, ``tax_key`` (the duplicate check, domain/normalize.py) and
``completeness`` (domain/completeness.py), and a contact's ``mobile_key`` and ``phone_key``, are never
set by hand. A ``before_flush`` hook recomputes them for every new or changed ``Customer`` and
``Contact`` in any session, so a writer cannot forget them. Writers that bypass the ORM (the import's
bulk insert) take their values from ``customer_columns`` / ``contact_columns``, and a migration
that adds a field calls ``recompute_all`` so old archives get the new percentage.
"""
from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import Connection, MetaData, Table, bindparam, event, func, insert, inspect, select, update
from sqlalchemy.orm import Session

from db.models import Contact, Customer, CustomerProduct, utcnow
from domain import fields as F
from domain.completeness import completeness
from domain.normalize import normalize_name, normalize_phone, tax_key

CUSTOMER_COLUMNS = ("name_key", "phone_key", "tax_key", "completeness")
CONTACT_COLUMNS = ("mobile_key", "phone_key")
_CHUNK = 500


def customer_columns(values: dict[str, Any], *, contacts: int, products: int, current_tax_key: str = "") -> dict:
    """The derived columns of an archive with these field values and numbers of contacts and products.

    ``current_tax_key`` is the stored key: an archive with a suffixed key keeps it while its 税号 stays
    the same (domain/normalize.tax_key)."""
    return {"name_key": normalize_name(values.get("name")), "phone_key": normalize_phone(values.get("phone")),
            "tax_key": tax_key(values.get("tax_no"), current_tax_key or ""),
            "completeness": completeness(values, contacts=contacts, products=products)}


def contact_columns(mobile: str | None, phone: str | None) -> dict:
    """A contact's phone keys, for the duplicate check and the search."""
    return {"mobile_key": normalize_phone(mobile), "phone_key": normalize_phone(phone)}


# --- the flush hook ------------------------------------------------------------------------------

@event.listens_for(Session, "before_flush")
def _keep_derived_current(session: Session, _context: Any, _instances: Any) -> None:
    changed = [o for o in (*session.new, *session.dirty) if o not in session.deleted]
    for contact in (o for o in changed if isinstance(o, Contact)):
        _set(contact, contact_columns(contact.mobile, contact.phone))
    customers = {id(o): o for o in changed
                 if isinstance(o, Customer) and (o in session.new or session.is_modified(o))}
    for child in (o for o in (*changed, *session.deleted) if isinstance(o, (Contact, CustomerProduct))):
        parent = _parent(session, child)  # e.g. a child added, erased or deleted outside the parent's collection
        if parent is not None and parent not in session.deleted:
            customers[id(parent)] = parent
    if customers:
        refresh_derived(session, list(customers.values()))


def refresh_derived(session: Session, customers: list[Customer]) -> None:
    """Recompute the derived columns of ``customers`` from their current (unflushed) values."""
    with session.no_autoflush:
        contacts = _counts(session, customers, "contacts", Contact)
        products = _counts(session, customers, "products", CustomerProduct)
        for customer in customers:
            _set(customer, customer_columns(customer.field_values(), contacts=contacts[id(customer)],
                                            products=products[id(customer)], current_tax_key=customer.tax_key))


def _set(obj: Any, values: dict) -> None:
    for name, value in values.items():
        if getattr(obj, name) != value:  # an unchanged value adds nothing to the UPDATE
            setattr(obj, name, value)


def _parent(session: Session, child: Contact | CustomerProduct) -> Customer | None:
    loaded = inspect(child).dict.get("customer")
    if loaded is not None or child.customer_id is None:
        return loaded
    with session.no_autoflush:
        return session.get(Customer, child.customer_id)


def _counts(session: Session, customers: list[Customer], relation: str, child: type) -> dict[int, int]:
    """Rows per customer: the loaded collection if there is one, else one grouped count for all the rest."""
    counts, unloaded = {}, {}
    for customer in customers:
        state = inspect(customer)
        if relation in state.dict or state.pending or state.transient:
            counts[id(customer)] = sum(1 for row in getattr(customer, relation) if row not in session.deleted)
        else:
            unloaded[customer.id] = id(customer)
    ids = sorted(unloaded)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        found = dict(session.execute(select(child.customer_id, func.count()).where(child.customer_id.in_(chunk))
                                     .group_by(child.customer_id)).all())
        counts.update({unloaded[cid]: found.get(cid, 0) for cid in chunk})
    return counts


# --- every archive at once (migrations) ----------------------------------------------------------

def recompute_all(bind: Connection) -> int:
    """Recompute every archive's and contact's derived columns; returns how many archives changed.

    For a migration (``recompute_all(op.get_bind())``), e.g. one that adds a field: the tables are
    read as they are at that revision, so it works in any migration after this one. Not an edit: the
    version and 最后更新 stay. A 税号 key that would collide with another live archive's is suffixed
    ``<key>#<id>`` (as migration 482e2cbb0d6d did) rather than failing the upgrade."""
    meta = MetaData()
    customers = Table("customers", meta, autoload_with=bind)
    contacts = Table("contacts", meta, autoload_with=bind)
    products = Table("customer_products", meta, autoload_with=bind)
    _recompute_contacts(bind, contacts)
    names = [f.name for f in F.ARCHIVE_FIELDS if f.name in customers.c]
    contact_count = (select(contacts.c.customer_id, func.count().label("n")).group_by(contacts.c.customer_id)
                     .subquery())
    product_count = (select(products.c.customer_id, func.count().label("n")).group_by(products.c.customer_id)
                     .subquery())
    query = (select(customers.c.id, customers.c.deleted_at, *(customers.c[c] for c in CUSTOMER_COLUMNS),
                    *(customers.c[n] for n in names), func.coalesce(contact_count.c.n, 0).label("_contacts"),
                    func.coalesce(product_count.c.n, 0).label("_products"))
             .outerjoin(contact_count, contact_count.c.customer_id == customers.c.id)
             .outerjoin(product_count, product_count.c.customer_id == customers.c.id).order_by(customers.c.id))
    rows = bind.execute(query).mappings().all()
    live_keys = {r["tax_key"]: r["id"] for r in rows if r["deleted_at"] is None and r["tax_key"]}
    changes = []
    for row in rows:
        fresh = customer_columns({n: row[n] for n in names}, contacts=row["_contacts"], products=row["_products"],
                                 current_tax_key=row["tax_key"])
        if row["deleted_at"] is None and fresh["tax_key"] != row["tax_key"] and fresh["tax_key"]:
            if live_keys.get(fresh["tax_key"], row["id"]) != row["id"]:
                fresh["tax_key"] = f"{fresh['tax_key']}#{row['id']}"
            if live_keys.get(row["tax_key"]) == row["id"]:
                del live_keys[row["tax_key"]]
            live_keys[fresh["tax_key"]] = row["id"]
        if any(fresh[c] != row[c] for c in CUSTOMER_COLUMNS):
            changes.append({"_id": row["id"], **fresh})
    _update(bind, customers, changes, CUSTOMER_COLUMNS)
    return len(changes)


def _recompute_contacts(bind: Connection, contacts: Table) -> None:
    rows = bind.execute(select(contacts.c.id, contacts.c.mobile, contacts.c.phone, contacts.c.mobile_key,
                               contacts.c.phone_key)).mappings()
    changes = [{"_id": r["id"], **fresh} for r in rows
               if any((fresh := contact_columns(r["mobile"], r["phone"]))[c] != r[c] for c in CONTACT_COLUMNS)]
    _update(bind, contacts, changes, CONTACT_COLUMNS)


def _update(bind: Connection, table: Table, changes: list[dict], columns: Iterable[str]) -> None:
    if changes:
        statement = table.update().where(table.c.id == bindparam("_id")).values(
            {c: bindparam(c) for c in columns})
        for start in range(0, len(changes), 5000):
            bind.execute(statement, changes[start:start + 5000])


def move_choice(bind: Connection, field: str, moves: dict[str, str], reason: str) -> int:
    """In a migration that changes a choice field's words (``domain/fields.py``): rewrite the stored
    values ``moves`` names (old → new) and write each changed archive's 历史 with ``reason``, so the
    change is traceable like any edit (actor: 系统). Returns how many archives changed. Call
    ``recompute_all`` afterwards (a choice can decide which fields count for 完整度)."""
    meta = MetaData()
    customers = Table("customers", meta, autoload_with=bind)
    events = Table("audit_events", meta, autoload_with=bind)
    label = F.FIELDS_BY_NAME[field].label
    changed = 0
    for old, new in moves.items():
        ids = list(bind.scalars(select(customers.c.id).where(customers.c[field] == old)))
        if not ids:
            continue
        bind.execute(update(customers).where(customers.c.id.in_(ids)).values({field: new}))
        bind.execute(insert(events), [{"at": utcnow(), "actor_id": None,
                                       "entity": "customer", "entity_id": i, "action": "choice_renamed",
                                       "reason": reason, "changes": [{"field": field, "label": label,
                                                                      "old": old, "new": new}]} for i in ids])
        changed += len(ids)
    return changed
