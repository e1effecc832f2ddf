"""Every create form saves once: a saved form comes back empty, and the same submission arriving twice
(a double click: the second click's rerun stops the first after its commit, before the form was
cleared) creates one record."""
from dataclasses import dataclass
from typing import Callable

import pytest
from sqlalchemy import func, select

from components import followup_form, forms
from db.engine import session_scope
from db.models import Customer, User
from db.models_followups import Receivable, VisitPlan
from db.models_papers import Complaint, Contract, Discount, MarketNote
from domain import roles as R
from tests.pages.apptest import open_archive, open_page


def _by_label(widgets, label):
    return next(w for w in widgets if w.label == label)


@dataclass
class CreateForm:
    name: str
    base: Callable[[int], str]           # the form's key (before the "#generation")
    open: Callable                       # (users, customer_id) -> AppTest
    fill: Callable                       # (at) -> None
    button: str
    model: type
    typed: Callable                      # (at) -> what the main box shows now

    def count(self) -> int:
        with session_scope() as s:
            return s.scalar(select(func.count()).select_from(self.model))


def _archive(role, tab, opened=()):
    return lambda users, cid: open_archive(users[role], cid, tab, opened=tuple(k.format(cid=cid) for k in opened))


FORMS = [
    CreateForm("complaint", lambda cid: f"complaint:{cid}", _archive(R.SERVICE, "投诉与折价"),
               lambda at: _by_label(at.text_area, "投诉内容 *").input("配送晚了三天"), "保存投诉", Complaint,
               lambda at: _by_label(at.text_area, "投诉内容 *").value),
    CreateForm("discount", lambda cid: f"discount:{cid}", _archive(R.REP, "投诉与折价"),
               lambda at: (_by_label(at.text_input, "金额（元）*").input("100"),
                           _by_label(at.text_area, "原因 *").input("配送延误")), "提交申请", Discount,
               lambda at: _by_label(at.text_area, "原因 *").value),
    CreateForm("contract", lambda cid: f"contract:{cid}", _archive(R.REP, "合同"),
               lambda at: _by_label(at.text_input, "合同编号 *").input("HT-2026-01"), "保存合同", Contract,
               lambda at: _by_label(at.text_input, "合同编号 *").value),
    CreateForm("receivable", lambda cid: f"receivable:{cid}", _archive(R.REP, "应收账款"),
               lambda at: (_by_label(at.text_input, "金额（元）*").input("1000"),
                           _by_label(at.text_input, "单据号").input("FP-001")), "保存", Receivable,
               lambda at: _by_label(at.text_input, "单据号").value),
    CreateForm("plan", lambda cid: f"plan:{cid}", _archive(R.REP, "跟进", opened=("plan_open:{cid}",)),
               lambda at: _by_label(at.text_input, "目的").input("送样"), "安排回访", VisitPlan,
               lambda at: _by_label(at.text_input, "目的").value),
    CreateForm("market note", lambda cid: "market_note", lambda users, cid: open_page("pages/market.py", users[R.REP]),
               lambda at: (_by_label(at.text_input, "竞品品牌/厂家 *").input("某某酒业"),
                           _by_label(at.text_area, "情况 *").input("买二送一"),
                           next(s for s in at.selectbox if s.label.startswith("省份（")).select("广东")),
               "保存", MarketNote, lambda at: _by_label(at.text_input, "竞品品牌/厂家 *").value),
    CreateForm("user", lambda cid: "new_user", lambda users, cid: open_page("pages/users.py", users[R.ADMIN]),
               lambda at: (_by_label(at.text_input, "用户名 *（登录用，字母或数字）").input("newrep"),
                           _by_label(at.text_input, "姓名 *").input("新业务员"),
                           _by_label(at.text_input, "初始密码 *（至少 8 位，管理员至少 12 位）")
                           .input("Secret-pass-42")),
               "创建用户", User,
               lambda at: _by_label(at.text_input, "初始密码 *（至少 8 位，管理员至少 12 位）").value),
]


def _submit(at, form: CreateForm, cid: int):
    prefix = f"FormSubmitter:{form.base(cid)}#"
    key = next(b.key for b in at.button if (b.key or "").startswith(prefix) and b.key.endswith(f"-{form.button}"))
    return at.button(key=key).click().run()


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_a_saved_form_comes_back_empty(people, form):
    users, cid = people
    at = form.open(users, cid)
    before = form.count()
    form.fill(at)
    _submit(at, form, cid)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert form.count() == before + 1
    assert form.typed(at) in ("", None)  # nothing left to save a second time (the password included)


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_the_same_submission_twice_creates_one_record(people, form, monkeypatch):
    users, cid = people
    at = form.open(users, cid)
    before = form.count()
    form.fill(at)
    monkeypatch.setattr(forms, "clear", lambda key: None)  # the first run stopped right after its commit
    monkeypatch.setattr(followup_form, "clear", lambda key: None)
    _submit(at, form, cid)
    _submit(at, form, cid)
    assert not at.exception, at.exception
    assert form.count() == before + 1


def test_a_new_archive_double_clicked_is_filed_once(people, monkeypatch):
    users, _ = people
    monkeypatch.setattr(forms, "clear", lambda key: None)
    import components.archive_form as archive_form
    monkeypatch.setattr(archive_form, "clear", lambda key: None)
    monkeypatch.setattr(archive_form, "reset_form_state", lambda prefix: None)
    monkeypatch.setattr("components.field_widgets.reset_form_state", lambda prefix: None)
    at = open_page("pages/new.py", users[R.REP])
    at.text_input(key="new:name").input("双击测试酒楼")
    at.selectbox(key="new:customer_type").select("餐饮终端")
    at.selectbox(key="new:province").select("广东")
    at.button(key="new:save").click()
    # the first click's run is cut short by the second: it saved, then never switched page
    monkeypatch.setattr("streamlit.switch_page", lambda *a, **k: None)
    at.run()
    at.button(key="new:save").click().run()
    with session_scope() as s:
        assert s.scalar(select(func.count()).where(Customer.name == "双击测试酒楼")) == 1
