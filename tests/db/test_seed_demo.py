"""The demo a new user starts with: class moves over the recent months and a closed last year whose
volume has something on every sheet."""
import datetime as dt
import io
import zipfile
from collections import Counter

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from db.archive_queries import CustomerFilter
from db.engine import session_scope
from db.models import ClassScheme, User
from db.models_papers import ClosedYear
from db.movements import movement_flows
from db.seed import seed_demo
from db.volumes import export_volumes, volume_candidates
from domain.formatting import local_today
from domain.periods import MONTH, WEEK, recent_periods

TODAY = local_today()
LAST_YEAR = TODAY.year - 1


@pytest.fixture
def demo(db):
    with session_scope() as s:
        seed_demo(s, customers=40)
    with session_scope() as s:
        return {u.username: u for u in s.scalars(select(User))}


def test_last_year_is_closed_and_its_volume_has_rows_on_every_sheet(demo):
    admin = demo["admin"]
    with session_scope() as s:
        assert s.get(ClosedYear, LAST_YEAR) is not None
        customers = [cid for cid, _, _ in volume_candidates(s, admin, LAST_YEAR)]
        content = export_volumes(s, admin, LAST_YEAR, customers)
    archive = zipfile.ZipFile(io.BytesIO(content))
    rows, complete = Counter(), 0
    for name in (n for n in archive.namelist() if n.endswith(".xlsx")):
        book = load_workbook(io.BytesIO(archive.read(name)), read_only=True)
        counts = {sheet.title: sum(1 for _ in sheet.iter_rows(min_row=3)) for sheet in book.worksheets}
        rows.update(counts)
        complete += all(counts.values())
    sheets = ["目录", "1 基本资料", "1 联系人", "1 走访与跟进记录", "1 分类变动", "2 合同协议", "3 信用",
              "3 应收与回款",
              "3 回款登记", "4 投诉", "4 折价让利", "5 市场与竞品", "6 月度销量"]
    assert [s for s in sheets if rows[s] == 0] == []
    assert complete >= 1  # one long-standing customer shows a whole year
    assert len(customers) >= 6


def test_customers_moved_class_over_the_recent_months(demo):
    manager = demo["manager"]
    months, weeks = recent_periods(TODAY, MONTH, 6), recent_periods(TODAY, WEEK, 12)
    with session_scope() as s:
        schemes = s.scalars(select(ClassScheme.id).where(ClassScheme.is_active.is_(True))).all()
        by_month = [f for scheme in schemes for f in movement_flows(s, manager, scheme, CustomerFilter(status="all"),
                                                                     months[0], MONTH)]
        by_week = [f for scheme in schemes for f in movement_flows(s, manager, scheme, CustomerFilter(status="all"),
                                                                    weeks[0], WEEK)]
    assert len({f.period for f in by_month}) >= 5
    assert len({f.period for f in by_week}) >= 3
    assert sum(f.count for f in by_week if f.period >= TODAY - dt.timedelta(days=35)) >= 1
