"""What tests/db/test_upgrade_keeps_data.py puts into an old database and what it expects of each
migration: realistic Chinese rows for the core tables, the values columns added since hold
(NEW_COLUMNS), the old columns migrations rewrite on purpose (REWRITTEN) and the rows migrations add
themselves (migration_rows). A migration that fills an old column or adds rows is described here.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

from db.derived import contact_columns, customer_columns
from domain.normalize import phone_or_as_is


@dataclass(frozen=True)
class Ref:
    """The id of the ``index``-th row this test put into ``table``."""
    table: str
    index: int


USERS, CUSTOMERS, SCHEMES, VALUES = "users", "customers", "class_schemes", "class_values"
REALISTIC: dict[str, list[dict[str, Any]]] = {  # the first rows of these tables; other columns get generated values
    USERS: [
        {"username": "manager", "name": "李建国", "role": "manager", "supervisor_id": None, "is_active": True},
        {"username": "zhangwei", "name": "张伟", "role": "rep", "supervisor_id": Ref(USERS, 0), "is_active": True},
        {"username": "kefu", "name": "陈静", "role": "service", "supervisor_id": Ref(USERS, 0), "is_active": True},
    ],
    SCHEMES: [{"code": "importance", "name": "重要性"}, {"code": "value", "name": "价值等级"},
              {"code": "lifecycle", "name": "生命周期"}, {"code": "distribution", "name": "分销类型"}],
    VALUES: [
        {"scheme_id": Ref(SCHEMES, 0), "code": "key", "name": "重点客户", "meaning": "贡献大、忠诚度高",
         "color": "#d62728"},
        {"scheme_id": Ref(SCHEMES, 0), "code": "normal", "name": "普通客户", "is_retired": False},
        {"scheme_id": Ref(SCHEMES, 1), "code": "A", "name": "A 战略合作", "is_retired": False},
        {"scheme_id": Ref(SCHEMES, 1), "code": "E", "name": "E 计划淘汰", "is_retired": False},
        {"scheme_id": Ref(SCHEMES, 2), "code": "lost", "name": "流失客户", "is_retired": False},
        {"scheme_id": Ref(SCHEMES, 3), "code": "exclusive", "name": "独家型", "meaning": "每区域一家"},
    ],
    CUSTOMERS: [
        {"archive_no": "KD-GD-2025-0001", "owner_id": Ref(USERS, 1), "created_by_id": Ref(USERS, 1),
         "review_state": "filed", "is_active": True, "name": "深圳好运来餐饮有限公司", "short_name": "好运来",
         "customer_type": "餐饮", "province": "广东", "city": "深圳", "district": "南山区",
         "address": "深圳市南山区科技园南路88号", "phone": "0755-26881234", "name_key": "深圳好运来餐饮",
         "phone_key": "075526881234", "legal_rep": "王建华", "tax_no": "91440300MA5F0ABC1X",
         "tax_key": "91440300MA5F0ABC1X", "registered_capital": Decimal("500000.00"),
         "founded_on": dt.date(2016, 5, 18), "staff_count": 45, "notes": "老板喜欢喝茶，周二下午方便拜访"},
        {"archive_no": "KD-ZJ-2025-0002", "owner_id": None, "created_by_id": Ref(USERS, 0),  # in the 公海
         "review_state": "pending", "is_active": True, "name": "杭州大发商贸有限公司", "short_name": "大发商贸",
         "customer_type": "经销商/批发", "province": "浙江", "city": "杭州", "phone": "0571-88776655",
         "name_key": "杭州大发商贸", "phone_key": "057188776655"},
        {"archive_no": "KD-GD-2025-0003", "owner_id": Ref(USERS, 1), "created_by_id": Ref(USERS, 1),  # a branch:
         "review_state": "filed", "is_active": True, "name": "深圳好运来餐饮有限公司福田分店",  # same 税号
         "customer_type": "餐饮", "province": "广东", "city": "深圳", "district": "福田区",
         "name_key": "深圳好运来餐饮福田分店", "phone_key": "075583216543", "tax_no": "91440300MA5F0ABC1X",
         "tax_key": "91440300MA5F0ABC1X"},
    ],
    "contacts": [
        {"customer_id": Ref(CUSTOMERS, 0), "name": "王建华", "role": "决策人", "title": "总经理",
         "mobile": "138 0013 8000", "mobile_key": "13800138000", "birthday": dt.date(1975, 5, 20),
         "hobbies": "钓鱼、喝茶", "education": "本科"},
        {"customer_id": Ref(CUSTOMERS, 1), "name": "刘芳", "role": "财务", "title": "财务主管",
         "mobile": "13912345678", "mobile_key": "13912345678"},
    ],
    "customer_classes": [
        {"customer_id": Ref(CUSTOMERS, 0), "scheme_id": Ref(SCHEMES, 0), "value_id": Ref(VALUES, 0)},
        {"customer_id": Ref(CUSTOMERS, 0), "scheme_id": Ref(SCHEMES, 1), "value_id": Ref(VALUES, 2)},
        {"customer_id": Ref(CUSTOMERS, 1), "scheme_id": Ref(SCHEMES, 2), "value_id": Ref(VALUES, 4)},
    ],
    "customer_products": [{"customer_id": Ref(CUSTOMERS, 0), "product": "客档特曲 52度 500ml",
                           "purchase_price": Decimal("168.00"), "shelf_price": Decimal("238.00"), "supplier": "华润"}],
    "competitor_products": [{"customer_id": Ref(CUSTOMERS, 0), "product": "洋河海之蓝", "tier": "中档",
                             "price": Decimal("158.00"), "notes": "堆头陈列，节前促销"}],
    "monthly_sales": [{"customer_id": Ref(CUSTOMERS, 0), "year": 2025, "product": "客档特曲 52度 500ml",
                       "month": month, "quantity": quantity} for month, quantity in ((1, 120), (2, 95))],
    "archive_sequences": [{"region": "GD", "year": 2025, "last_value": 1}, {"region": "ZJ", "year": 2025,
                                                                           "last_value": 2}],
    "settings": [{"key": "escalate_after_days", "value": "3"}, {"key": "masked_roles", "value": '["service"]'}],
    "login_attempts": [{"username": "zhangwei", "failures": 2}],
    "audit_events": [{"actor_id": Ref(USERS, 1), "entity": "customer", "entity_id": Ref(CUSTOMERS, 0),
                      "action": "create", "reason": "新客户建档",
                      "changes": [{"field": "name", "label": "客户名称", "old": None,
                                   "new": "深圳好运来餐饮有限公司"}]}],
}

UPGRADE_DAY = "<the day the upgrade ran>"


@dataclass
class Stored:
    values: dict[str, Any]   # every column given at insert time, the database's id included
    at: int                  # inserted at revisions[at]


@dataclass
class Registry:
    revisions: list[str]                                      # base → head
    current: int = -1                                         # the revision the database is at
    rows: dict[str, list[Stored]] = field(default_factory=dict)
    born: dict[str, int] = field(default_factory=dict)        # table → the revision that created it
    upgrade_days: set[dt.date] = field(default_factory=set)

    def find(self, table: str, row_id: Any) -> dict[str, Any]:
        return next(s.values for s in self.rows[table] if s.values["id"] == row_id)

    def before(self, table: str, revision: str | int) -> list[dict[str, Any]]:
        """The rows of ``table`` inserted before ``revision`` (an id, or an index of revisions) ran."""
        at = revision if isinstance(revision, int) else self.revisions.index(revision)
        return [s.values for s in self.rows.get(table, []) if s.at < at]

    def applied(self, revision: str) -> bool:
        return revision in self.revisions[:self.current + 1]


def _class_of(value: dict[str, Any], reg: Registry) -> tuple[str, str]:
    return reg.find(SCHEMES, value["scheme_id"])["code"], value["code"]


Rule = Callable[[dict[str, Any], Registry], Any]  # (a row as inserted, the registry) → the value expected
# What a column added by a migration holds in rows that existed before it. Unlisted: NULL when nullable;
# when NOT NULL, its server default if that is a literal, else anything but NULL.
NEW_COLUMNS: dict[tuple[str, str], Rule] = {
    (SCHEMES, "is_ranked"): lambda row, reg: row["code"] != "distribution",
    (VALUES, "is_terminal"): lambda row, reg: _class_of(row, reg) in {("lifecycle", "lost"), ("value", "E")},
    (VALUES, "pool_days"): lambda row, reg: 30 if _class_of(row, reg) in {("importance", "key"), ("value", "A")}
    else None,
    (CUSTOMERS, "owner_since"): lambda row, reg: UPGRADE_DAY if row["owner_id"] is not None else None,
}


def _tax_key_unique_among_live(row: dict[str, Any], reg: Registry) -> str:
    """482e2cbb0d6d: of archives sharing a 税号 key, all but the oldest get ``#<id>`` appended."""
    older = [c for c in reg.before(CUSTOMERS, "482e2cbb0d6d") if c["tax_key"] == row["tax_key"] and c["id"] < row["id"]]
    return f"{row['tax_key']}#{row['id']}" if row["tax_key"] and older else row["tax_key"]


def _derived(column: str) -> Rule:
    """80e405b7e3ab: derived columns as db/derived.py computes them from the row, its contacts and products."""
    def rule(row: dict[str, Any], reg: Registry) -> Any:
        if "customer_id" in row:  # a contact
            return contact_columns(row.get("mobile"), row.get("phone"))[column]
        n = [sum(r["customer_id"] == row["id"] for r in reg.before(t, RECOMPUTED)) for t in CHILDREN]
        return customer_columns(row, contacts=n[0], products=n[1], current_tax_key=row["tax_key"])[column]
    return rule


# Old columns migrations rewrite on purpose: (table, column) → [(that migration, the value it leaves in a row
# inserted before it ran, from the row as earlier ones left it)]. Every other old column keeps its value.
RECOMPUTED, CHILDREN, PHONES = "80e405b7e3ab", ("contacts", "customer_products"), ("phone", "fax", "mobile")
REWRITTEN: dict[tuple[str, str], list[tuple[str, Rule]]] = {
    (CUSTOMERS, "tax_key"): [("482e2cbb0d6d", _tax_key_unique_among_live), (RECOMPUTED, _derived("tax_key"))],
    **{(CUSTOMERS, c): [(RECOMPUTED, _derived(c))] for c in ("name_key", "phone_key", "completeness")},
    **{("contacts", c): [(RECOMPUTED, _derived(c))] for c in ("mobile_key", "phone_key")},
    **{(t, c): [("c41f2a7d6e85", lambda r, _, c=c: phone_or_as_is(r[c]))]
       for t in (CUSTOMERS, "contacts") for c in PHONES},
}

# dc32f39f3c21's cadence for the classes of REALISTIC (copied from the migration, as it must never change).
CADENCE = {("importance", "key"): [("any", 1, 1, "week")], ("importance", "normal"): [("any", 1, 1, "month")],
           ("value", "A"): [("phone", 2, 1, "week"), ("visit", 4, 1, "month")]}


def migration_rows(table: str, added: list[dict[str, Any]], reg: Registry) -> list[str]:
    """Rows a migration itself inserted (those this test did not); [] when they are the expected ones."""
    if table == "cadence_rules":  # dc32f39f3c21 preloads the documents' cadence for existing classes
        expected = [(v["id"], *rule) for v in reg.before(VALUES, reg.born[table])
                    for rule in CADENCE.get(_class_of(v, reg), [])]
        got = [(r["value_id"], r["channel"], r["times"], r["every"], r["unit"]) for r in added]
    elif table == "service_scopes":  # ad731fc85fba: existing customer service keeps seeing everything
        expected = [(u["id"], None) for u in reg.before(USERS, reg.born[table]) if u["role"] == "service"]
        got = [(r["user_id"], r["manager_id"]) for r in added]
    else:
        expected, got = [], [dict(r) for r in added]
    if sorted(expected, key=repr) != sorted(got, key=repr):
        return [f"{table}: rows the migrations added are {got}, expected {expected} (describe them in "
                "migration_rows if a new migration adds them on purpose)"]
    return []
