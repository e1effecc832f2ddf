"""The archive's 投诉与折价, 合同 and 文件 tabs, 市场与竞品 and 年度归档 in AppTest."""
import datetime as dt

from db.engine import session_scope
from db.models import Customer
from db.models_papers import Complaint, Contract, MarketNote
from domain import roles as R
from domain.formatting import local_today
from tests.pages.apptest import open_archive, open_page


def _button(at, prefix):
    return at.button(key=next(b.key for b in at.button if (b.key or "").startswith(prefix)))


def test_log_and_move_a_complaint_on_the_archive(people):
    users, customer_id = people
    at = open_archive(users[R.SERVICE], customer_id, "投诉与折价")
    form = f"complaint:{customer_id}#0"
    content = next(t for t in at.text_area if t.label == "投诉内容 *")
    content.input("配送晚了三天")
    at.button(key=f"FormSubmitter:{form}-保存投诉").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "投诉已登记，处理人会在今日待办中看到"
    with session_scope() as s:
        complaint = s.query(Complaint).one()
        assert (complaint.handler_id, complaint.state) == (users[R.REP].id, "open")  # the owner handles it

    at = open_page("pages/home.py", users[R.REP])
    assert any(h.value.startswith("待处理的投诉（1）") for h in at.subheader)
    at = open_archive(users[R.REP], customer_id, "投诉与折价")
    _button(at, f"complaint:{complaint.id}:start").click().run()
    at.text_area(key=f"complaint:{complaint.id}:resolution").input("补发并致歉")
    _button(at, f"complaint:{complaint.id}:resolve").click().run()
    assert "请选择责任鉴定" in at.error[0].value  # no responsibility is chosen for the user
    with session_scope() as s:
        assert s.get(Complaint, complaint.id).state == "handling"
    at.selectbox(key=f"complaint:{complaint.id}:responsibility").select("我方责任")
    _button(at, f"complaint:{complaint.id}:resolve").click().run()
    assert at.success[0].value == "已解决：现场回访计划已安排，回访后即可结案"
    assert any("等待现场回访" in i.value for i in at.info)  # no close button before the visit
    assert not [b for b in at.button if (b.key or "").endswith(":close")]


def test_register_a_contract_with_bad_dates_then_good(people):
    users, customer_id = people
    at = open_archive(users[R.REP], customer_id, "合同")
    form = f"contract:{customer_id}#0"
    next(t for t in at.text_input if t.label == "合同编号 *").input("HT-2026-08")
    ends = next(d for d in at.date_input if d.label.startswith("结束日期"))
    ends.set_value(local_today() - dt.timedelta(days=3))
    at.button(key=f"FormSubmitter:{form}-保存合同").click().run()
    assert [e.value for e in at.error] == ["未保存：结束日期不能早于开始日期"]
    assert "⚠ 结束日期不能早于开始日期" in [m.value.replace(":red[", "").rstrip("]") for m in at.markdown]
    assert next(t for t in at.text_input if t.label == "合同编号 *").value == "HT-2026-08"  # nothing typed is lost
    assert (next(d for d in at.date_input if d.label.startswith("结束日期")).value
            == local_today() - dt.timedelta(days=3))
    with session_scope() as s:
        assert s.query(Contract).count() == 0


def test_market_notes_are_searchable(people):
    users, _ = people
    at = open_page("pages/market.py", users[R.REP])
    next(t for t in at.text_input if t.label == "竞品品牌/厂家 *").input("某某酒业")
    next(t for t in at.text_area if t.label == "情况 *").input("500ml 终端价降到 39 元，买二送一")
    next(s for s in at.selectbox if s.label.startswith("省份（")).select("广东")
    at.button(key="FormSubmitter:market_note#0-保存").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "已记录"
    at.text_input(key="market_text").input("买二送一").run()
    assert at.dataframe[0].value["竞品"].tolist() == ["某某酒业"]
    with session_scope() as s:
        assert s.query(MarketNote).one().province == "广东"


def test_the_archivist_builds_a_yearly_volume(people):
    users, customer_id = people
    with session_scope() as s:
        s.get(Customer, customer_id).created_at = dt.datetime(local_today().year - 1, 3, 1)
    at = open_page("pages/volumes.py", users[R.ARCHIVIST])
    at.button(key="volume_build").click().run()
    assert not at.exception, at.exception
    assert [b.label for b in at.get("download_button")] == [f"下载 {local_today().year - 1} 年度档案"]


def test_a_manager_approves_a_discount_from_the_review_queue(people):
    from decimal import Decimal

    from db.complaints import request_discount
    from db.models_papers import Discount
    from domain.complaints import DiscountInput

    users, customer_id = people
    with session_scope() as s:
        request_discount(s, users[R.REP], customer_id, DiscountInput("折价", Decimal("500"), "配送延误补偿"))
    at = open_page("pages/review.py", users[R.MANAGER])
    assert "待审批的折价 / 让利（1）" in [h.value for h in at.subheader]
    key = next(b.key for b in at.button if (b.key or "").startswith("discount:") and b.key.endswith(":yes"))
    at.button(key=key).click().run()
    assert at.success[0].value == "折价申请已批准"
    with session_scope() as s:
        assert s.query(Discount).one().state == "approved"
