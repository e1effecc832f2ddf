"""Which archives a year's volume holds (anything dated in that year), what each sheet holds, the
current year as a volume so far (截至), and the 目录 sheet without a stray title row."""
import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from db.classification import move_class
from db.contracts import add_contract
from db.engine import session_scope
from db.followups import log_follow_up
from db.models import AuditEvent, ClassMovement, ClassScheme
from db.receivables import add_receivable, record_payment
from db.volumes import close_year, export_volumes, volume_candidates
from domain.contracts import ContractInput
from domain.followups import FollowUpInput
from domain.formatting import local_today
from domain.receivables import ReceivableInput
from domain.volumes import VolumeError
from tests.factories import make_customer, make_team, make_user

TODAY = local_today()
LAST_YEAR = TODAY.year - 1


def _book(content: bytes) -> tuple[str, object]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    name = next(n for n in archive.namelist() if n.endswith(".xlsx"))
    return name, load_workbook(io.BytesIO(archive.read(name)))


def _rows(book, sheet: str) -> list[tuple]:
    return list(book[sheet].iter_rows(min_row=3, values_only=True))


@pytest.fixture
def office(db):
    with session_scope() as s:
        manager, rep, _ = make_team(s)
        archivist = make_user(s, "archivist", name="档案员")
        return manager, rep, archivist


def _contract(s, rep, cid, signed: dt.date, number: str) -> None:
    add_contract(s, rep, cid, ContractInput(number, "供货合同", signed, signed, signed + dt.timedelta(days=365),
                                            Decimal("80000")))


def test_a_contract_signed_in_the_year_puts_an_older_archive_in_that_years_volume(office):
    _, rep, archivist = office
    with session_scope() as s:
        filed_2023 = make_customer(s, rep, name="老档案酒楼")
        filed_2023.created_at = dt.datetime(2023, 4, 1, 2)
        entered_now = make_customer(s, rep, name="今年才录入的老客户")  # an old customer typed in this year
        quiet = make_customer(s, rep, name="去年没有往来的客户")
        quiet.created_at = dt.datetime(2023, 4, 1, 2)
        _contract(s, rep, filed_2023.id, dt.date(LAST_YEAR, 3, 8), "HT-OLD")
        _contract(s, rep, entered_now.id, dt.date(LAST_YEAR, 9, 1), "HT-NEW")
        _contract(s, rep, filed_2023.id, dt.date(LAST_YEAR - 1, 3, 8), "HT-EARLIER")  # not in this year's sheet
        ids = {filed_2023.id: "HT-OLD", entered_now.id: "HT-NEW"}
        quiet_id = quiet.id
    with session_scope() as s:
        candidates = {cid for cid, _, _ in volume_candidates(s, archivist, LAST_YEAR)}
        assert candidates == set(ids) and quiet_id not in candidates
        for cid, number in ids.items():
            _, book = _book(export_volumes(s, archivist, LAST_YEAR, [cid]))
            assert [r[0] for r in _rows(book, "2 合同协议")] == [number]


def test_a_class_move_or_a_payment_in_the_year_is_in_its_volume(office):
    manager, rep, archivist = office
    with session_scope() as s:
        moved = make_customer(s, rep, name="升级客户")
        paid = make_customer(s, rep, name="回款客户")
        for customer in (moved, paid):
            customer.created_at = dt.datetime(2023, 4, 1, 2)
        scheme = s.scalars(select(ClassScheme).where(ClassScheme.code == "importance")).one()
        move_class(s, manager, moved.id, scheme.id, scheme.values[0].id, reason="年销量翻番", expected_value_id=None)
        s.scalars(select(ClassMovement)).one().at = dt.datetime(LAST_YEAR, 6, 1, 3)
        receivable = add_receivable(s, rep, paid.id, ReceivableInput(
            doc_date=dt.date(LAST_YEAR - 1, 11, 20), amount=Decimal(10000), doc_no="FH-1"))
        record_payment(s, rep, receivable.id, Decimal(4000))
        s.flush()
        for event in s.scalars(select(AuditEvent).where(AuditEvent.action.in_(("class_move", "payment")))):
            event.at = dt.datetime(LAST_YEAR, 6, 1, 3)
        moved_id, paid_id = moved.id, paid.id
    with session_scope() as s:
        assert {c for c, _, _ in volume_candidates(s, archivist, LAST_YEAR)} == {moved_id, paid_id}
        _, book = _book(export_volumes(s, archivist, LAST_YEAR, [moved_id]))
        assert [r[1:4] for r in _rows(book, "1 分类变动")] == [("重要性", "未分类", "重点客户")]
        _, book = _book(export_volumes(s, archivist, LAST_YEAR, [paid_id]))
        assert [r[1:4] for r in _rows(book, "3 回款登记")] == [("FH-1", "0.00", "4,000.00")]
        assert _rows(book, "3 应收与回款") == []  # the invoice itself is the year before's


def test_the_current_year_is_a_volume_so_far_and_cannot_be_closed(office):
    _, rep, archivist = office
    with session_scope() as s:
        cid = make_customer(s, rep, name="今年客户").id
        log_follow_up(s, rep, cid, FollowUpInput(day=TODAY, method="电话跟进", summary="今年的电话"))
    with session_scope() as s:
        assert [c for c, _, _ in volume_candidates(s, archivist, TODAY.year)] == [cid]
        name, book = _book(export_volumes(s, archivist, TODAY.year, [cid]))
    assert name.endswith(f"/{TODAY.year}年度_截至{TODAY:%Y-%m-%d}档案.xlsx")
    for sheet in book.worksheets:
        assert sheet["A1"].value.endswith(f"{TODAY.year} 年度档案（截至 {TODAY:%Y-%m-%d}，未封存）")
    assert _rows(book, "1 走访与跟进记录")[0][3] == "今年的电话"
    with pytest.raises(VolumeError, match="已经结束的年度"):
        with session_scope() as s:
            close_year(s, archivist, TODAY.year)
    with pytest.raises(VolumeError, match=f"只能导出 2000 至 {TODAY.year} 年"):
        with session_scope() as s:
            export_volumes(s, archivist, TODAY.year + 1, [cid])


def test_the_table_of_contents_starts_with_its_headers_then_part_one(office):
    _, rep, archivist = office
    with session_scope() as s:
        customer = make_customer(s, rep, name="目录客户")
        customer.created_at = dt.datetime(LAST_YEAR, 2, 1, 3)
        cid, number = customer.id, customer.archive_no
        close_year(s, archivist, LAST_YEAR)
    with session_scope() as s:
        _, book = _book(export_volumes(s, archivist, LAST_YEAR, [cid]))
    toc = [[c.value for c in row] for row in book["目录"].iter_rows()]
    assert toc[0][0] == f"目录客户（{number}） {LAST_YEAR} 年度档案（已封存）"
    assert toc[1] == ["编号", "类别", "内容", "条数"]
    assert toc[2][:2] == ["1.1", "基本资料"]
    assert not any("年度档案" in str(cell) for row in toc[1:] for cell in row)  # the title once, on top


def test_the_year_is_the_teams_year_not_utcs(office, monkeypatch):
    """An archive filed at 07:00 on 1 January in Shanghai (23:00 UTC the day before) is in the new year."""
    monkeypatch.setenv("KEDANG_TZ", "Asia/Shanghai")
    _, rep, archivist = office
    with session_scope() as s:
        customer = make_customer(s, rep, name="元旦建档")
        customer.created_at = dt.datetime(LAST_YEAR - 1, 12, 31, 23)
        cid = customer.id
    with session_scope() as s:
        assert [c for c, _, _ in volume_candidates(s, archivist, LAST_YEAR)] == [cid]
        assert volume_candidates(s, archivist, LAST_YEAR - 1) == []
