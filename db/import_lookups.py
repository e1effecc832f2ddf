"""What an import compares rows with: existing archives' duplicate keys, class values and users."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.models import ClassScheme, ClassValue, Contact, Customer, User
from domain.import_rows import Lookups, ParsedRow


@dataclass
class ExistingIndex:
    """The duplicate-check keys of every archive, loaded once per import."""

    by_key: dict[tuple[str, str], set[int]]
    archive_no: dict[int, str]

    @classmethod
    def load(cls, session: Session) -> "ExistingIndex":
        by_key: dict[tuple[str, str], set[int]] = {}
        archive_no: dict[int, str] = {}
        query = (select(Customer.id, Customer.archive_no, Customer.name_key, Customer.phone_key, Customer.tax_key)
                 .where(Customer.deleted_at.is_(None)))  # a deleted archive is no match: the row files anew
        for cid, number, name_key, phone_key, tax_key in session.execute(query):
            archive_no[cid] = number
            for kind, key in (("name", name_key), ("phone", phone_key), ("tax", tax_key)):
                if key:
                    by_key.setdefault((kind, key), set()).add(cid)
        contacts = (select(Contact.customer_id, Contact.mobile_key, Contact.phone_key)
                    .join(Customer, Customer.id == Contact.customer_id).where(Customer.deleted_at.is_(None)))
        for cid, mobile_key, phone_key in session.execute(contacts):
            for key in (mobile_key, phone_key):
                if key:
                    by_key.setdefault(("phone", key), set()).add(cid)
        return cls(by_key, archive_no)

    def matches(self, row: ParsedRow) -> set[int]:
        keys = row.keys
        found: set[int] = set()
        for kind in ("name", "tax"):
            if kind in keys:
                found |= self.by_key.get((kind, keys[kind]), set())
        for phone in row.phone_keys:
            found |= self.by_key.get(("phone", phone), set())
        return found

    def matched_by(self, row: ParsedRow, customer_id: int) -> tuple[str, ...]:
        """What of ``row`` matched the archive: 名称 / 电话 / 税号 (the words of the duplicate warning)."""
        keys = row.keys
        hits = {"名称": customer_id in self.by_key.get(("name", keys.get("name", "")), ()),
                "电话": any(customer_id in self.by_key.get(("phone", p), ()) for p in row.phone_keys),
                "税号": customer_id in self.by_key.get(("tax", keys.get("tax", "")), ())}
        return tuple(label for label, hit in hits.items() if hit)


def load_customers(session: Session, ids: set[int]) -> dict[int, Customer]:
    found: dict[int, Customer] = {}
    id_list = sorted(ids)
    for start in range(0, len(id_list), 500):
        query = (select(Customer).where(Customer.id.in_(id_list[start:start + 500]))
                 .options(selectinload(Customer.contacts), selectinload(Customer.classes),
                          selectinload(Customer.products), selectinload(Customer.owner)))
        found.update({c.id: c for c in session.scalars(query)})
    return found


def load_lookups(session: Session) -> Lookups:
    """Class values per scheme code (retired ones cannot be chosen) and active users by name and username."""
    lookups = Lookups()
    for scheme in session.scalars(select(ClassScheme)):
        lookups.schemes[scheme.code] = (scheme.id, scheme.name)
    query = (select(ClassScheme.code, ClassValue.id, ClassValue.code, ClassValue.name, ClassValue.is_retired)
             .join(ClassValue, ClassValue.scheme_id == ClassScheme.id).order_by(ClassValue.sort_order))
    for scheme_code, value_id, code, name, retired in session.execute(query):
        lookups.value_names[value_id] = name
        if not retired:
            lookups.class_values.setdefault(scheme_code, []).append((value_id, code, name))
    users: dict[str, int] = {}
    for uid, username, name in session.execute(select(User.id, User.username, User.name).where(User.is_active)):
        users.setdefault(name, uid)
        users[username] = uid
    lookups.users = users
    return lookups
