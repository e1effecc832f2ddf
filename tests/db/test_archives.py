"""The archive write path and queries, on the configured database (SQLite or PostgreSQL)."""
import copy
import re

import pytest
from sqlalchemy import select

from db.archive_queries import CustomerFilter, find_duplicates, get_customer, list_customers, review_queue
from db.archives import (
    DuplicatesFound,
    archive_input_from,
    create_customer,
    record_card_export,
    review_customer,
    set_customer_active,
    update_customer,
)
from db.audit import list_history
from db.engine import session_scope
from db.models import ClassScheme, Customer
from domain import review
from domain.errors import ConflictError, PermissionDenied, UserFacingError
from domain.validation import ValidationError
from tests.factories import archive_input, make_customer, make_user


@pytest.fixture
def team(db):
    with session_scope() as s:
        manager = make_user(s, "manager", name="李经理")
        rep = make_user(s, "rep", name="张伟", supervisor=manager)
        other = make_user(s, "rep", name="王芳", supervisor=manager)
    return manager, rep, other


def test_create_files_the_whole_card_with_history(team):
    manager, rep, _ = team
    data = archive_input(name="广州好运来酒楼", customer_type="餐饮终端", hall_tables=30,
                         contacts=[{"name": "陈老板", "role": "负责人", "mobile": "13800138000"},
                                   {"name": "刘会计", "role": "财务负责人", "birthday": "1980-05-06"}],
                         products=[{"product": "剑南春", "purchase_price": 300, "shelf_price": 420}],
                         sales=[{"product": "剑南春", 1: 12, 2: 8}])
    with session_scope() as s:
        customer = create_customer(s, rep, data)
        customer_id = customer.id
    with session_scope() as s:
        customer = get_customer(s, rep, customer_id)
        assert re.fullmatch(r"KD-GD-\d{4}-00001", customer.archive_no)
        assert customer.review_state == review.PENDING and customer.owner_id == rep.id
        assert [c.name for c in customer.contacts] == ["陈老板", "刘会计"]
        assert customer.products[0].shelf_price == 420
        assert sum(x.quantity for x in customer.sales) == 20
        assert customer.hall_tables == 30
        assert 0 < customer.completeness < 100
        events = list_history(s, entity="customer", entity_id=customer_id)
    assert [e.action for e in events] == ["create"]
    labels = {c["label"] for c in events[0].changes}
    assert {"客户名称", "大厅桌数", "联系人", "进店产品"} <= labels


def test_archive_numbers_are_sequential_per_region_and_never_reused(team):
    manager, _, _ = team
    with session_scope() as s:
        first = make_customer(s, manager, province="广东").archive_no
        second = make_customer(s, manager, province="广东").archive_no
        other = make_customer(s, manager, province="北京").archive_no
        set_customer_active(s, manager, _id(s, second), False, "停业")
    with session_scope() as s:
        third = make_customer(s, manager, province="广东").archive_no
    assert [first[-5:], second[-5:], third[-5:]] == ["00001", "00002", "00003"]
    assert other.startswith("KD-BJ-") and other.endswith("00001")


def _id(session, archive_no):
    return session.scalar(select(Customer.id).where(Customer.archive_no == archive_no))


def test_validation_errors_save_nothing(team):
    _, rep, _ = team
    with pytest.raises(ValidationError) as info:
        with session_scope() as s:
            create_customer(s, rep, archive_input(name="", phone="abc"))
    assert info.value.errors["name"] == "必填" and "电话号码格式不对" in info.value.errors["phone"]
    with session_scope() as s:
        assert list_customers(s, rep, CustomerFilter(status="all")).total == 0


@pytest.mark.parametrize("variant", [
    {"name": "深圳 好运来商贸有限责任公司"},     # same name once normalised
    {"name": "别的名字", "phone": "0755 8888 1234"},  # same phone, other spacing
    {"name": "别的名字", "phone": None, "contacts": [{"name": "甲", "mobile": "075588881234"}]},
])
def test_duplicates_are_found_and_need_confirmation(team, variant):
    manager, _, _ = team
    with session_scope() as s:
        make_customer(s, manager, name="深圳好运来商贸有限公司", phone="0755-88881234")
    with pytest.raises(DuplicatesFound) as info:
        with session_scope() as s:
            create_customer(s, manager, archive_input(**variant))
    assert info.value.duplicates[0]["name"] == "深圳好运来商贸有限公司"
    with session_scope() as s:
        create_customer(s, manager, archive_input(**variant), confirm_duplicates=True)
        assert list_customers(s, manager, CustomerFilter()).total == 2


def test_the_same_tax_number_cannot_be_confirmed_past(team):
    """Unlike a similar name or phone, the same 税号 is the same taxpayer: one live archive per 税号."""
    manager, _, _ = team
    with session_scope() as s:
        make_customer(s, manager, name="深圳好运来商贸有限公司", tax_no="91440300ma5f00001a")
    with pytest.raises(ValidationError, match="该税号已登记在档案 KD-GD-2026-00001") as info:
        with session_scope() as s:
            create_customer(s, manager, archive_input(name="别的名字", phone=None, tax_no="91440300 MA5F00001A"),
                            confirm_duplicates=True)
    assert set(info.value.errors) == {"tax_no"}
    with session_scope() as s:
        assert list_customers(s, manager, CustomerFilter()).total == 1


def test_edit_needs_a_reason_and_lands_in_history(team):
    manager, rep, _ = team
    with session_scope() as s:
        customer = make_customer(s, rep, address="人民路1号")
        cid, version = customer.id, customer.version
    with session_scope() as s:
        data = archive_input_from(get_customer(s, rep, cid))
    data.values["address"] = "解放路2号"
    with pytest.raises(ValidationError, match="请填写修改原因"):
        with session_scope() as s:
            update_customer(s, rep, cid, data, reason=" ", expected_version=version)
    data.values["registered_capital"] = "12.3.4"
    with pytest.raises(ValidationError) as both:  # the field's problem and the reason's, in one refusal
        with session_scope() as s:
            update_customer(s, rep, cid, data, reason="", expected_version=version)
    assert set(both.value.errors) == {"registered_capital", "reason"}
    data.values["registered_capital"] = None
    with session_scope() as s:
        update_customer(s, rep, cid, data, reason="客户搬迁", expected_version=version)
    with session_scope() as s:
        latest = list_history(s, entity="customer", entity_id=cid)[0]
        assert get_customer(s, rep, cid).address == "解放路2号"
    assert latest.action == "update" and latest.reason == "客户搬迁" and latest.actor_id == rep.id
    assert latest.changes == [{"field": "address", "label": "地址", "old": "人民路1号", "new": "解放路2号"}]


def test_second_save_on_an_old_version_is_refused(team):
    manager, rep, _ = team
    with session_scope() as s:
        customer = make_customer(s, rep)
        cid, version = customer.id, customer.version
        start = archive_input_from(customer)
    mine, theirs = copy.deepcopy(start), copy.deepcopy(start)
    theirs.values["address"] = "经理改的地址"
    mine.values["address"] = "业务员改的地址"
    with session_scope() as s:
        update_customer(s, manager, cid, theirs, reason="核对", expected_version=version)
    with pytest.raises(ConflictError, match="李经理 修改了 地址"):
        with session_scope() as s:
            update_customer(s, rep, cid, mine, reason="更新", expected_version=version)
    with session_scope() as s:
        assert get_customer(s, rep, cid).address == "经理改的地址"


def test_rename_to_an_existing_name_warns(team):
    manager, _, _ = team
    with session_scope() as s:
        make_customer(s, manager, name="成都聚贤庄食府")
        other = make_customer(s, manager, name="成都另一家食府")
        cid, version, data = other.id, other.version, archive_input_from(other)
    data.values["name"] = "成都聚贤庄食府有限公司"
    with pytest.raises(DuplicatesFound):
        with session_scope() as s:
            update_customer(s, manager, cid, data, reason="更名", expected_version=version)


def test_review_flow_and_queue(team):
    manager, rep, other = team
    with session_scope() as s:
        cid = make_customer(s, rep).id
        assert [c.id for c in review_queue(s, manager)] == [cid]
        assert review_queue(s, rep) == []
    with pytest.raises(PermissionDenied):
        with session_scope() as s:
            review_customer(s, rep, cid, review.APPROVE)
    with pytest.raises(UserFacingError, match="退回时请填写审核意见"):
        with session_scope() as s:
            review_customer(s, manager, cid, review.RETURN, "")
    with session_scope() as s:
        review_customer(s, manager, cid, review.RETURN, "请补充电话")
        assert get_customer(s, rep, cid).review_comment == "请补充电话"
    with session_scope() as s:
        review_customer(s, rep, cid, review.RESUBMIT)
        review_customer(s, manager, cid, review.APPROVE)
    with session_scope() as s:
        assert get_customer(s, rep, cid).review_state == review.FILED
        actions = [e.action for e in list_history(s, entity="customer", entity_id=cid)]
    assert actions == ["approve", "resubmit", "return", "create"]


def test_deactivate_hides_keeps_and_reactivates(team):
    manager, rep, _ = team
    with session_scope() as s:
        cid = make_customer(s, rep, name="停用测试客户").id
    with pytest.raises(PermissionDenied):
        with session_scope() as s:
            set_customer_active(s, rep, cid, False, "不做了")
    with session_scope() as s:
        set_customer_active(s, manager, cid, False, "客户停业")
    with session_scope() as s:
        assert list_customers(s, manager, CustomerFilter()).total == 0
        assert list_customers(s, manager, CustomerFilter(status="inactive")).rows[0].name == "停用测试客户"
        set_customer_active(s, manager, cid, True, "重新开业")
    with session_scope() as s:
        assert list_customers(s, manager, CustomerFilter()).total == 1
        assert [e.action for e in list_history(s, entity="customer", entity_id=cid)][:2] == ["reactivate", "deactivate"]


def test_reps_see_only_their_own(team):
    manager, rep, other = team
    with session_scope() as s:
        mine = make_customer(s, rep).id
        theirs = make_customer(s, other).id
        assert {c.id for c in list_customers(s, rep, CustomerFilter()).rows} == {mine}
        assert list_customers(s, manager, CustomerFilter()).total == 2
    with pytest.raises(PermissionDenied):
        with session_scope() as s:
            get_customer(s, rep, theirs)


def test_search_filters_sort_and_pages(team):
    manager, rep, _ = team
    with session_scope() as s:
        a = make_customer(s, manager, name="杭州万家超市", province="浙江", customer_type="商超终端",
                          phone="0571-87654321", contacts=[{"name": "赵采购", "mobile": "13912345678"}])
        for _ in range(7):
            make_customer(s, manager)
        archive_no = a.archive_no
    with session_scope() as s:
        def names(**kw):
            return [c.name for c in list_customers(s, manager, CustomerFilter(**kw)).rows]
        assert names(search="万家") == ["杭州万家超市"]
        assert names(search=archive_no.lower()) == ["杭州万家超市"]
        assert names(search="87654321") == ["杭州万家超市"]
        assert names(search="赵采购") == ["杭州万家超市"]
        assert names(search="139 1234 5678") == ["杭州万家超市"]
        assert names(province="浙江") == ["杭州万家超市"]
        assert len(names(customer_type="经销商/批发")) == 7
        page = list_customers(s, manager, CustomerFilter(sort="archive_no"), page=2, page_size=3)
        assert (page.total, page.pages, len(page.rows)) == (8, 3, 3)
        assert [c.archive_no for c in page.rows] == sorted(c.archive_no for c in page.rows)


def test_find_duplicates_ignores_self(team):
    manager, _, _ = team
    with session_scope() as s:
        customer = make_customer(s, manager, name="唯一客户", phone="020-12345678")
        assert find_duplicates(s, name="唯一客户", phones=["020-12345678"], exclude_id=customer.id) == []


def test_edit_keeps_children_and_classes_of_schemes_not_on_the_form(team):
    manager, rep, _ = team
    with session_scope() as s:
        schemes = {x.code: x for x in s.scalars(select(ClassScheme))}
        value_id = schemes["value"].values[0].id
        retired_scheme_value = schemes["intent"].values[1].id  # a scheme not shown on the form
        customer = make_customer(s, rep, sales=[{"product": "剑南春", 1: 5, 2: 6}],
                                 products=[{"product": "剑南春", "shelf_price": 400}],
                                 classes={schemes["value"].id: value_id, schemes["intent"].id: retired_scheme_value})
        cid, version = customer.id, customer.version
    with session_scope() as s:
        data = archive_input_from(get_customer(s, rep, cid))
    data.classes.pop(schemes["intent"].id)  # the form only carries the active schemes
    data.sales[0][2] = 7
    with session_scope() as s:
        update_customer(s, rep, cid, data, reason="二月销量更正", expected_version=version)
    with session_scope() as s:
        customer = get_customer(s, rep, cid)
        assert {c.value_id for c in customer.classes} == {value_id, retired_scheme_value}
        assert sorted((x.month, x.quantity) for x in customer.sales) == [(1, 5), (2, 7)]
        change = list_history(s, entity="customer", entity_id=cid)[0].changes
    assert [c["label"] for c in change] == [f"{data.sales_year}年月度销量"]


def test_card_export_is_recorded_and_refused_to_others(team):
    manager, rep, other = team
    with session_scope() as s:
        cid = make_customer(s, rep).id
        service = make_user(s, "service")
    with session_scope() as s:
        record_card_export(s, rep, cid)
        assert list_history(s, entity="customer", entity_id=cid)[0].action == "export_card"
    with pytest.raises(PermissionDenied):
        with session_scope() as s:
            record_card_export(s, service, cid)


def test_review_queue_is_the_owners_supervisors(team):
    manager, rep, _ = team
    with session_scope() as s:
        other_manager = make_user(s, "manager")
        orphan_rep = make_user(s, "rep")  # no supervisor
        mine = make_customer(s, rep).id
        orphan = make_customer(s, orphan_rep).id
    with session_scope() as s:
        assert [c.id for c in review_queue(s, manager)] == [mine, orphan]
        assert [c.id for c in review_queue(s, other_manager)] == [orphan]
