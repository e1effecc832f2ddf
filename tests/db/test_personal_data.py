"""个人信息保护法 requests and deleting archives (issue 9 §9)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from db.archive_queries import CustomerFilter, get_customer, list_customers
from db.archives import ValidationError, archive_input_from, update_customer
from db.audit import list_history
from db.engine import session_scope
from db.exports import export_customers
from db.followups import log_follow_up
from db.models import AuditEvent, Contact, Customer
from db.models_followups import FollowUp
from db.personal_data import anonymise_contact, delete_customer, deleted_customers, export_contact, restore_customer
from domain.errors import NotFound, PermissionDenied
from domain.followups import FollowUpInput
from domain.formatting import local_today
from domain.personal_data import PersonalDataError
from tests.factories import make_customer, make_team, make_user

PERSON = {"name": "王小明", "role": "负责人", "title": "采购经理", "mobile": "139 8765 4321", "hobbies": "钓鱼"}


@pytest.fixture()
def archive(db):
    """A rep's archive with a contact person, a follow-up naming them, and an edit of their mobile."""
    with session_scope() as s:
        manager, rep, _ = make_team(s)
        archivist = make_user(s, "archivist")
        customer = make_customer(s, rep, contacts=[dict(PERSON)])
        log_follow_up(s, rep, customer.id, FollowUpInput(day=local_today(), method="直接登门",
                                                         summary="与王小明面谈新品，他说13912345678随时可打"))
        cid, version = customer.id, customer.version
    with session_scope() as s:
        data = archive_input_from(get_customer(s, rep, cid))
        data.contacts[0]["mobile"] = "13912345678"
        update_customer(s, rep, cid, data, reason="王小明换了号码", expected_version=version)
    with session_scope() as s:
        contact_id = s.scalar(select(Contact.id).where(Contact.customer_id == cid))
    return {"manager": manager, "rep": rep, "archivist": archivist, "customer_id": cid, "contact_id": contact_id}


def everything_written_about(session, customer_id: int) -> str:
    events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "customer",
                                                      AuditEvent.entity_id == customer_id))
    follow_ups = session.scalars(select(FollowUp).where(FollowUp.customer_id == customer_id))
    contacts = session.scalars(select(Contact).where(Contact.customer_id == customer_id))
    return json.dumps([[e.changes, e.reason] for e in events] + [f.summary for f in follow_ups]
                      + [[c.name, c.mobile, c.hobbies] for c in contacts], ensure_ascii=False)


def test_a_person_gets_everything_the_archive_holds_about_them(archive):
    with session_scope() as s:
        exported = export_contact(s, archive["archivist"], archive["contact_id"])
    assert exported["个人信息"]["姓名"] == "王小明"
    assert exported["个人信息"]["手机"] == "13912345678" and exported["个人信息"]["嗜好"] == "钓鱼"
    assert [m["内容"] for m in exported["提及此人的记录"]] == ["与王小明面谈新品，他说13912345678随时可打"]
    json.dumps(exported, ensure_ascii=False)  # a file the person can be handed
    with session_scope() as s:
        assert list_history(s, entity="customer", entity_id=archive["customer_id"])[0].action == "personal_data_export"


def test_only_the_archivist_or_an_admin_handles_requests(archive):
    for who in ("rep", "manager"):
        with pytest.raises(PermissionDenied):
            with session_scope() as s:
                export_contact(s, archive[who], archive["contact_id"])
        with pytest.raises(PermissionDenied):
            with session_scope() as s:
                anonymise_contact(s, archive[who], archive["contact_id"], "本人要求")


def test_anonymising_erases_the_person_everywhere_and_keeps_the_business_history(archive):
    cid = archive["customer_id"]
    with session_scope() as s:
        before = s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.entity == "customer", AuditEvent.entity_id == cid))
        assert "王小明" in everything_written_about(s, cid) and "13912345678" in everything_written_about(s, cid)
    with pytest.raises(PersonalDataError, match="请填写原因"):
        with session_scope() as s:
            anonymise_contact(s, archive["archivist"], archive["contact_id"], " ")
    with session_scope() as s:
        anonymise_contact(s, archive["archivist"], archive["contact_id"], "本人 12 月 1 日来电要求删除个人信息")
    with session_scope() as s:
        written = everything_written_about(s, cid)
        for secret in ("王小明", "13912345678", "13987654321", "钓鱼"):
            assert secret not in written
        contact = s.get(Contact, archive["contact_id"])
        assert (contact.name, contact.mobile, contact.role, contact.title) == ("已匿名化", None, "负责人", "采购经理")
        history = list_history(s, entity="customer", entity_id=cid)
        assert history[0].action == "anonymise" and "已匿名化" in history[0].changes[0]["new"]
        assert len(history) == before + 1  # every earlier entry is still there, now reading 已匿名化
        assert any("［已匿名化］" in json.dumps(e.changes, ensure_ascii=False) for e in history[1:])
        follow_up = s.scalars(select(FollowUp).where(FollowUp.customer_id == cid)).one()
        assert (follow_up.summary == "与［已匿名化］面谈新品，他说［已匿名化］随时可打"
                and follow_up.method == "直接登门")
        assert s.get(Customer, cid).name.startswith("测试客户")  # the company's own data is untouched


def test_a_deleted_archive_leaves_lists_search_and_export_and_frees_its_tax_number(archive):
    manager, rep, archivist = archive["manager"], archive["rep"], archive["archivist"]
    with session_scope() as s:
        first = make_customer(s, rep, name="成都蓉城商贸有限公司", tax_no="91510100MA61234567")
        first_id = first.id
    with pytest.raises(ValidationError, match="税号已登记"):
        with session_scope() as s:
            make_customer(s, rep, name="成都蓉城商贸（新）", tax_no="91510100MA61234567")
    with pytest.raises(PermissionDenied):
        with session_scope() as s:
            delete_customer(s, manager, first_id, "重复建档")
    with session_scope() as s:
        delete_customer(s, archivist, first_id, "重复建档，客户要求重新登记")
    with session_scope() as s:
        for who in (rep, manager, archivist):
            listed = list_customers(s, who, CustomerFilter(search="蓉城", status="all"))
            assert listed.total == 0
        with pytest.raises(NotFound, match="已删除"):
            get_customer(s, rep, first_id)
        _, exported = export_customers(s, manager, CustomerFilter(status="all"))
        assert exported == 1  # the archive of the fixture only
        assert [c.id for c in deleted_customers(s, archivist)] == [first_id]
    with session_scope() as s:  # the 税号 is free again
        second_id = make_customer(s, rep, name="成都蓉城商贸（新）", tax_no="91510100MA61234567").id
    with pytest.raises(ValidationError, match="不能恢复"):
        with session_scope() as s:
            restore_customer(s, archivist, first_id, "误删")
    with session_scope() as s:
        delete_customer(s, archivist, second_id, "又重复了")
    with session_scope() as s:
        restore_customer(s, archivist, first_id, "误删，恢复原档案")
    with session_scope() as s:
        assert list_customers(s, rep, CustomerFilter(search="蓉城")).total == 1
        actions = [e.action for e in list_history(s, entity="customer", entity_id=first_id)]
        assert actions[:2] == ["restore_deleted", "delete"]
