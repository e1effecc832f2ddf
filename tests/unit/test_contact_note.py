"""The one wording of a customer's contact status (domain/cadence.contact_note): the overdue names
the kind of contact and when that kind last happened, so it never contradicts 上次联系."""
import datetime as dt

import pytest

from domain.cadence import ANY, DAY, MONTH, PHONE, VISIT, WEEK, ContactState, Due, Rule, contact_note, parse_reason

D = dt.date
TODAY = D(2026, 12, 4)
T1_VISIT = Due(D(2025, 12, 23), Rule(VISIT, 1, 2, MONTH, "一级")).reason()  # 一级：每 2 个月登门拜访一次
A_PHONE = Due(D(2026, 12, 1), Rule(PHONE, 2, 1, WEEK, "A 战略合作")).reason()
KEY_ANY = Due(D(2026, 11, 27), Rule(ANY, 1, 1, WEEK, "重点客户")).reason()


@pytest.mark.parametrize("status, text, line, late", [
    # the reported case: a phone call today, the bi-monthly visit long overdue
    (ContactState(D(2025, 12, 23), T1_VISIT, last_any=TODAY, last_phone=TODAY),
     "登门拜访逾期 346 天（一级：每 2 个月一次，从未登门）",
     "上次联系 2026-12-04 · 登门拜访逾期 346 天（一级：每 2 个月一次，从未登门）", 346),
    (ContactState(D(2026, 11, 1), T1_VISIT, last_any=TODAY, last_visit=D(2026, 9, 1)),
     "登门拜访逾期 33 天（一级：每 2 个月一次，上次登门 2026-09-01）",
     "上次联系 2026-12-04 · 登门拜访逾期 33 天（一级：每 2 个月一次，上次登门 2026-09-01）", 33),
    (ContactState(D(2026, 12, 1), A_PHONE, last_any=D(2026, 12, 2), last_phone=D(2026, 11, 28),
                  last_visit=D(2026, 12, 2)),
     "电话联系逾期 3 天（A 战略合作：每周至少 2 次，上次电话 2026-11-28）",
     "上次联系 2026-12-02 · 电话联系逾期 3 天（A 战略合作：每周至少 2 次，上次电话 2026-11-28）", 3),
    (ContactState(D(2026, 11, 27), KEY_ANY, last_any=D(2026, 11, 20)),
     "跟进逾期 7 天（重点客户：每周一次，上次联系 2026-11-20）",
     "跟进逾期 7 天（重点客户：每周一次，上次联系 2026-11-20）", 7),  # 上次联系 once, not twice
    (ContactState(D(2026, 11, 27), KEY_ANY),
     "跟进逾期 7 天（重点客户：每周一次，从未联系）", "跟进逾期 7 天（重点客户：每周一次，从未联系）", 7),
    (ContactState(TODAY, T1_VISIT, last_any=D(2026, 10, 4), last_visit=D(2026, 10, 4)),
     "今天应登门拜访（一级：每 2 个月一次，上次登门 2026-10-04）",
     "上次联系 2026-10-04 · 今天应登门拜访（一级：每 2 个月一次，上次登门 2026-10-04）", 0),
    (ContactState(D(2026, 12, 11), KEY_ANY, last_any=D(2026, 12, 4)),
     "应于 2026-12-11 前跟进（重点客户：每周一次，上次联系 2026-12-04）",
     "应于 2026-12-11 前跟进（重点客户：每周一次，上次联系 2026-12-04）", 0),
    (ContactState(None, None, last_any=D(2026, 11, 3)), "", "上次联系 2026-11-03 · 当前分类没有跟进频率要求", 0),
    (ContactState(), "", "尚无跟进记录 · 当前分类没有跟进频率要求", 0),
    (None, "", "尚无跟进记录 · 当前分类没有跟进频率要求", 0),
    # a reason not written by Due.reason() (an old database): still honest, kind unknown
    (ContactState(D(2026, 12, 1), "老规则", last_any=D(2026, 11, 1)),
     "跟进逾期 3 天（老规则，上次联系 2026-11-01）", "跟进逾期 3 天（老规则，上次联系 2026-11-01）", 3),
])
def test_the_overdue_names_the_kind_of_contact_and_its_last_date(status, text, line, late):
    note = contact_note(status, TODAY)
    assert (note.text, note.line, note.late) == (text, line, late)


@pytest.mark.parametrize("status, short", [
    (ContactState(D(2025, 12, 23), T1_VISIT, last_any=TODAY, last_phone=TODAY), "登门拜访逾期 346 天（从未登门）"),
    (ContactState(D(2026, 12, 1), A_PHONE, last_any=D(2026, 12, 2), last_phone=D(2026, 11, 28)),
     "电话联系逾期 3 天（上次电话 2026-11-28）"),
    (ContactState(D(2026, 12, 11), KEY_ANY, last_any=D(2026, 12, 4)), "应于 2026-12-11 前跟进（上次联系 2026-12-04）"),
    (ContactState(None, None, last_any=D(2026, 11, 3)), "上次联系 2026-11-03"),
    (None, "尚无跟进记录"),
])
def test_a_small_card_says_what_is_due_and_since_when(status, short):
    assert contact_note(status, TODAY).short == short


@pytest.mark.parametrize("rule", [
    Rule(ANY, 1, 1, WEEK, "重点客户"), Rule(ANY, 1, 1, MONTH, "例行"), Rule(PHONE, 2, 1, WEEK, "A 战略合作"),
    Rule(VISIT, 4, 1, MONTH, "A"), Rule(ANY, 1, 1, DAY, "A 一周内"), Rule(ANY, 1, 15, DAY, "C"),
    Rule(VISIT, 1, 2, MONTH, "一级"), Rule(ANY, 1, 30, DAY, "D"), Rule(PHONE, 3, 2, WEEK, "分类：带冒号"),
    Rule(VISIT, 1, 1, MONTH, ""),
])
def test_a_stored_reason_reads_back_as_its_rule(rule):
    assert parse_reason(Due(TODAY, rule).reason()) == rule


@pytest.mark.parametrize("reason", [None, "", "老规则", "每周", "VIP：每月飞鸽传书一次"])
def test_anything_else_is_no_rule(reason):
    assert parse_reason(reason) is None
