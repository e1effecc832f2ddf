"""年度归档: the yearly volume opened and checked, and a closed year frozen for all but managers."""
import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from db.complaints import log_complaint
from db.contracts import add_contract
from db.documents import upload
from db.engine import session_scope
from db.followups import log_follow_up
from db.models_papers import Complaint, Document
from db.volumes import close_year, export_volumes
from domain import complaints as C
from domain.contracts import ContractInput
from domain.errors import PermissionDenied
from domain.followups import FollowUpInput
from domain.formatting import local_today
from domain.volumes import VolumeError
from tests.factories import make_customer, make_team, make_user

LAST_YEAR = local_today().year - 1
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def year_of_work(db):
    """A customer with last year's visit, contract, complaint and file."""
    with session_scope() as s:
        manager, rep, _ = make_team(s)
        archivist = make_user(s, "archivist", name="档案员")
        customer = make_customer(s, rep, name="归档客户/总店", credit_limit=50000)
        cid = customer.id
        day = dt.date(LAST_YEAR, 5, 6)
        log_follow_up(s, rep, cid, FollowUpInput(day=day, method="直接登门", summary="检查陈列"))
        add_contract(s, rep, cid,
                     ContractInput("HT-9", "供货合同", day, day, dt.date(LAST_YEAR, 12, 31), Decimal("80000")))
        complaint = log_complaint(s, rep, cid, C.ComplaintInput(day, "电话", "产品质量", "一般", "瓶盖漏酒"))
        document = upload(s, rep, cid, category="合同扫描件", name="HT-9.pdf", data=PDF)
        s.flush()
        s.get(Document, document.id).uploaded_at = dt.datetime(LAST_YEAR, 5, 6, 3)
        s.get(Complaint, complaint.id).day = day
        return manager, rep, archivist, cid


def test_the_volume_has_a_table_of_contents_six_categories_and_the_files(year_of_work):
    _, _, archivist, cid = year_of_work
    with session_scope() as s:
        content = export_volumes(s, archivist, LAST_YEAR, [cid])
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = archive.namelist()
    workbook_name = next(n for n in names if n.endswith(".xlsx"))
    assert workbook_name.split("/")[0].endswith("_归档客户_总店")  # "/" in a name never makes a folder
    assert any(n.endswith("/附件/合同扫描件/" + n.split("/")[-1]) and n.endswith("_HT-9.pdf") for n in names)
    book = load_workbook(io.BytesIO(archive.read(workbook_name)))
    assert book.sheetnames[0] == "目录"
    toc = [row for row in book["目录"].iter_rows(min_row=3, values_only=True)]
    assert [r[0] for r in toc] == ["1.1", "1.2", "1.3", "1.4", "2.1", "3.1", "3.2", "3.3", "4.1", "4.2", "5.1", "6.1"]
    counts = {r[2].split("（")[0]: r[3] for r in toc}
    assert (counts["走访与跟进记录"], counts["合同协议"], counts["投诉"], counts["折价让利"]) == (1, 1, 1, 0)
    visits = [row for row in book["1 走访与跟进记录"].iter_rows(min_row=3, values_only=True)]
    assert visits[0][3] == "检查陈列"


def test_only_the_archivist_or_admin_closes_and_exports(year_of_work):
    manager, rep, archivist, cid = year_of_work
    with pytest.raises(PermissionDenied):
        with session_scope() as s:
            export_volumes(s, rep, LAST_YEAR, [cid])
    with pytest.raises(PermissionDenied):
        with session_scope() as s:
            close_year(s, manager, LAST_YEAR)
    with pytest.raises(VolumeError, match="已经结束的年度"):
        with session_scope() as s:
            close_year(s, archivist, local_today().year)


def test_a_closed_year_is_frozen_except_for_managers(year_of_work):
    manager, rep, archivist, cid = year_of_work
    with session_scope() as s:
        close_year(s, archivist, LAST_YEAR, "已装订")
    backdated = FollowUpInput(day=dt.date(LAST_YEAR, 12, 30), method="电话跟进", summary="补录去年的电话")
    with pytest.raises(PermissionDenied, match=f"{LAST_YEAR} 年的档案已归档封存"):
        with session_scope() as s:
            log_follow_up(s, rep, cid, backdated)
    with session_scope() as s:
        log_follow_up(s, manager, cid, backdated)  # a manager's correction, in the history
        log_follow_up(s, rep, cid, FollowUpInput(day=local_today(), method="电话跟进", summary="今年照常"))
    with pytest.raises(VolumeError, match="已经归档"):
        with session_scope() as s:
            close_year(s, archivist, LAST_YEAR)
