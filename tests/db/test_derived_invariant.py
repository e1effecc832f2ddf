"""Stored derived columns (duplicate keys, completeness, contacts' phone keys) equal a fresh computation
from the stored fields after every writer — form, import, undo, sign-off, 公海, 离职交接, erasure.

The fresh computation here uses only domain/ rules, not db/derived.py, so it checks the one place
every writer goes through (issue 17 item 9, issue 19 item 4).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from db.archive_queries import get_customer
from db.archives import archive_input_from, review_customer, set_customer_active, update_customer
from db.derived import recompute_all
from db.engine import session_scope
from db.handover import hand_over
from db.import_records import undo_import
from db.imports import ImportOptions, run_import
from db.models import Contact, Customer, CustomerProduct
from db.personal_data import anonymise_contact, delete_customer, restore_customer
from db.pool import claim, release, sweep
from db.signoff import decide_change, pending_for
from domain.completeness import completeness
from domain.formatting import local_today
from domain.normalize import normalize_name, normalize_phone, tax_key
from tests.factories import make_customer, make_team, make_user

PERSON = {"name": "王小明", "role": "负责人", "mobile": "139 1234 5678", "phone": "0755-8282 0011"}


def assert_fresh(customer_id: int) -> None:
    with session_scope() as s:
        c = s.get(Customer, customer_id)
        contacts = list(s.scalars(select(Contact).where(Contact.customer_id == customer_id)))
        products = s.scalar(select(func.count()).select_from(CustomerProduct)
                            .where(CustomerProduct.customer_id == customer_id))
        stored = (c.name_key, c.phone_key, c.tax_key, c.completeness)
        fresh = (normalize_name(c.name), normalize_phone(c.phone), tax_key(c.tax_no, c.tax_key),
                 completeness(c.field_values(), contacts=len(contacts), products=products))
        assert stored == fresh
        for contact in contacts:
            assert (contact.mobile_key, contact.phone_key) == (normalize_phone(contact.mobile),
                                                               normalize_phone(contact.phone))


def make_stale(customer_id: int, *, contacts: bool = False) -> None:
    """What an archive saved before a field was added (or by a writer that forgot) looks like.
    A contact's keys are refreshed when the contact is written (or by recompute_all), not by any write."""
    with session_scope() as s:
        s.execute(update(Customer.__table__).where(Customer.id == customer_id)
                  .values(completeness=1, name_key="旧键", phone_key=""))
        if contacts:
            s.execute(update(Contact.__table__).where(Contact.customer_id == customer_id).values(mobile_key=""))


def _edit(actor, customer_id: int, reason: str = "补充资料", contacts=None, **values) -> None:
    with session_scope() as s:
        customer = get_customer(s, actor, customer_id)
        data = archive_input_from(customer)
        data.values.update(values)
        if contacts is not None:
            data.contacts = contacts
        update_customer(s, actor, customer_id, data, reason=reason, expected_version=customer.version)


def _import(actor, rows, **options):
    with session_scope() as s:
        return run_import(s, actor, rows, file_name="客户.xlsx", options=ImportOptions(**options))


@pytest.fixture
def team(db):
    with session_scope() as s:
        manager, rep, other = make_team(s)
        archivist = make_user(s, "archivist")
    return {"manager": manager, "rep": rep, "other": other, "archivist": archivist}


def test_form_import_undo_and_signoff_keep_derived_columns_fresh(team):
    manager, rep = team["manager"], team["rep"]
    with session_scope() as s:  # form: create
        customer_id = make_customer(s, rep, name="深圳市好运来餐饮有限公司", phone="0755 8272 0011",
                                    tax_no="91440300ma5f000001").id
    assert_fresh(customer_id)

    _edit(rep, customer_id, address="南山区科技园", contacts=[dict(PERSON)])  # form: edit
    assert_fresh(customer_id)

    header = ["客户名称", "联系电话", "注册资金（万元）", "成立时间", "客户类型", "省份"]
    plan = _import(manager, [header, ["深圳好运来餐饮", "0755-82720011", "30", "2001-01-01"],
                             ["全新客户", "0755-7777777", None, None, "企业", "广东"]], on_duplicate="update")
    assert (plan.count("update"), plan.count("new")) == (1, 1)
    assert_fresh(customer_id)  # import: update
    with session_scope() as s:
        created_id = s.scalar(select(Customer.id).where(Customer.name == "全新客户"))
    assert_fresh(created_id)  # import: create

    with session_scope() as s:  # 撤销导入 puts 注册资金 and 成立时间 back to empty
        undo_import(s, manager, plan.import_id, "导错了文件")
    with session_scope() as s:
        assert s.get(Customer, customer_id).registered_capital is None
    assert_fresh(customer_id)
    assert_fresh(created_id)

    _edit(rep, customer_id, reason="客户扩大进货", credit_limit=Decimal("50000"))  # held for sign-off
    with session_scope() as s:
        [pending] = pending_for(s, customer_id)
        change_id = pending.id
    with session_scope() as s:
        decide_change(s, manager, change_id, True, "同意")
    with session_scope() as s:
        assert s.get(Customer, customer_id).credit_limit == Decimal("50000")
    assert_fresh(customer_id)


def test_an_undo_keeps_a_suffixed_tax_key_like_every_other_writer(team):
    """An archive that shared an older archive's 税号 keeps ``<key>#<id>`` (domain/normalize.tax_key)."""
    manager, rep = team["manager"], team["rep"]
    with session_scope() as s:
        make_customer(s, rep, name="甲公司", phone="0755-1000001", tax_no="91440300MA5F000002")
        twin = make_customer(s, rep, name="乙公司", phone="0755-1000002")
        twin_id = twin.id
        s.execute(update(Customer.__table__).where(Customer.id == twin_id)
                  .values(tax_no="91440300MA5F000002", tax_key=f"91440300MA5F000002#{twin_id}"))
    plan = _import(manager, [["客户名称", "联系电话", "注册资金（万元）"], ["乙公司", "0755-1000002", "30"]],
                   on_duplicate="update")
    assert plan.count("update") == 1
    with session_scope() as s:
        undo_import(s, manager, plan.import_id, "导错了文件")
    with session_scope() as s:
        assert s.get(Customer, twin_id).tax_key == f"91440300MA5F000002#{twin_id}"
    assert_fresh(twin_id)


WRITERS = {
    "pool_release": lambda t, cid: release(t["s"], t["rep"], cid, "客户转行"),
    "pool_sweep": lambda t, cid: sweep(t["s"], local_today() + dt.timedelta(days=3650)),
    "handover": lambda t, cid: hand_over(t["s"], t["manager"], t["rep"].id, {cid: t["other"].id}, reason="张伟离职"),
    "erasure": lambda t, cid: anonymise_contact(t["s"], t["archivist"], t["contact_id"], "本人要求删除个人信息"),
    "review": lambda t, cid: review_customer(t["s"], t["manager"], cid, "approve"),
    "deactivate": lambda t, cid: set_customer_active(t["s"], t["manager"], cid, False, "客户停业"),
    "delete": lambda t, cid: delete_customer(t["s"], t["archivist"], cid, "重复录入的档案"),
}


@pytest.mark.parametrize("writer", [*WRITERS, "pool_claim", "restore"])
def test_any_write_brings_a_stale_archive_up_to_date(team, writer):
    with session_scope() as s:
        cid = make_customer(s, team["rep"], contacts=[dict(PERSON)], address="南山区").id
        team["contact_id"] = s.scalar(select(Contact.id).where(Contact.customer_id == cid))
    if writer == "restore":
        with session_scope() as s:
            delete_customer(s, team["archivist"], cid, "重复录入的档案")
    if writer == "pool_claim":
        with session_scope() as s:
            release(s, team["rep"], cid, "客户转行")
    make_stale(cid)
    with session_scope() as s:
        t = {**team, "s": s}
        if writer == "pool_claim":
            claim(s, team["other"], cid)
        elif writer == "restore":
            restore_customer(s, team["archivist"], cid, "误删恢复")
        else:
            WRITERS[writer](t, cid)
    assert_fresh(cid)


def test_recompute_all_brings_every_archive_up_to_date(team):
    """What a migration that adds a field calls: old archives get the new percentage."""
    with session_scope() as s:
        ids = [make_customer(s, team["rep"], contacts=[dict(PERSON)]).id for _ in range(3)]
    for cid in ids:
        make_stale(cid, contacts=True)
    with session_scope() as s:
        versions = {c.id: (c.version, c.updated_at) for c in s.scalars(select(Customer))}
    with session_scope() as s:
        assert recompute_all(s.connection()) == 3
    for cid in ids:
        assert_fresh(cid)
    with session_scope() as s:  # not an edit: no new version, no new 最后更新
        assert {c.id: (c.version, c.updated_at) for c in s.scalars(select(Customer))} == versions
        assert recompute_all(s.connection()) == 0
