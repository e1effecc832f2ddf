"""分类看板 in a real browser: a manager drags a card to another class, gives the reason in the
dialog, and finds the move on the board, in the database and in the archive's 历史; a move that
needs a reason is refused without one and can be cancelled, which puts the board back."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from db.engine import session_scope
from db.models import ClassMovement, ClassScheme, CustomerClass, User
from db.seed import ensure_reference_data
from tests import factories
from tests.browser.conftest import TIMEOUT_MS, start_server, team
from tests.browser.ui import (
    board_column,
    choose,
    drag_card,
    expect_grid_row,
    login,
    open_from_sidebar,
    open_tab,
    screenshot_page,
    settle,
    visible_grid,
)

CARD = "深圳好运来商贸有限公司"
OTHER = "广州大发超市"


def board_team(session, server) -> None:
    team(session, server)
    ensure_reference_data(session)
    scheme = session.scalars(select(ClassScheme).where(ClassScheme.code == "value")).one()
    grades = {v.code: v.id for v in scheme.values}
    rep = session.get(User, server.ids["rep1"])
    for name in (CARD, OTHER):
        customer = factories.make_customer(session, rep, name=name, classes={scheme.id: grades["B"]})
        server.ids[name] = customer.id
    server.ids.update(scheme=scheme.id, **{f"grade_{k}": v for k, v in grades.items()})


@pytest.fixture
def board_server(chromium_browser, tmp_path_factory):
    yield from start_server(tmp_path_factory, board_team)


def value_class(server, name: str) -> int:
    with session_scope(server.db_url) as s:
        return s.get(CustomerClass, (server.ids[name], server.ids["scheme"])).value_id


def open_value_board(page, server):
    login(page, server, "mgr", "李经理")
    open_from_sidebar(page, "分类看板")
    choose(page, "分类方案", "价值等级")
    expect(board_column(page, "B 优质").get_by_text(CARD)).to_be_visible(timeout=TIMEOUT_MS)


def test_drag_a_card_to_another_class_with_a_reason(board_server, new_page):
    page = new_page()
    open_value_board(page, board_server)
    screenshot_page(page, "board_before_drag")
    drag_card(page, CARD, "A 战略合作")
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("移到「A 战略合作」")).to_be_visible(timeout=TIMEOUT_MS)
    dialog.get_by_label("原因（降级或移入流失、淘汰等分类时必填）").fill("签订战略合作协议")
    dialog.get_by_role("button", name="确认移动").click()
    expect(page.get_by_text(f"已把「{CARD}」移到「A 战略合作」")).to_be_visible(timeout=TIMEOUT_MS)
    expect(board_column(page, "A 战略合作").get_by_text(CARD)).to_be_visible(timeout=TIMEOUT_MS)
    expect(board_column(page, "B 优质").get_by_text(CARD)).to_have_count(0)
    screenshot_page(page, "board_after_drag")
    assert value_class(board_server, CARD) == board_server.ids["grade_A"]
    assert value_class(board_server, OTHER) == board_server.ids["grade_B"]

    page.goto(board_server.page_url(f"archive?id={board_server.ids[CARD]}"))
    expect(page.get_by_role("heading", name=CARD, exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)  # a deep link reruns once more for the login cookie; wait until only one page is drawn
    history = visible_grid(open_tab(page, "历史"))
    expect_grid_row(history, ["", "李经理", "移动分类", "分类·价值等级", "B 优质", "A 战略合作", "签订战略合作协议"])


def test_a_move_needing_a_reason_is_refused_and_cancel_puts_the_board_back(board_server, new_page):
    page = new_page()
    open_value_board(page, board_server)
    drag_card(page, CARD, "E 计划淘汰")
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="确认移动").click()
    expect(dialog.get_by_text("移入「E 计划淘汰」须填写原因")).to_be_visible(timeout=TIMEOUT_MS)
    dialog.get_by_role("button", name="取消").click()
    expect(page.get_by_text("已取消移动，看板已还原")).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    expect(board_column(page, "B 优质").get_by_text(CARD)).to_be_visible(timeout=TIMEOUT_MS)
    expect(board_column(page, "E 计划淘汰").get_by_text(CARD)).to_have_count(0)
    assert value_class(board_server, CARD) == board_server.ids["grade_B"]
    with session_scope(board_server.db_url) as s:
        assert s.scalars(select(ClassMovement)).all() == []
