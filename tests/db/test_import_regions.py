"""An office's 区域 column and addresses without a province (issue 18 item 3): province, city and
district are read from them with the table of China's regions, so no row needs 省份 when the place
names it — and a row whose place is not named is still refused for its province."""
from sqlalchemy import select

from db.engine import session_scope
from db.imports import ImportOptions, run_import
from db.models import Customer
from domain import roles as R
from tests.factories import make_user

HEADER = ["客户名称", "客户类型", "区域", "地址", "联系电话"]
ROWS = [
    ["玄武副食品商店", "商超终端", "南京市玄武区", "中山路88号", "025-84561234"],   # 中山路 is a street, not 中山市
    ["姑苏茶楼", "餐饮终端", None, "苏州市观前街43号", "0512-65231234"],
    ["渝中火锅城", "餐饮终端", "重庆渝中区", None, "023-63821234"],
    ["建国路便利店", "商超终端", "朝阳区", "建国路1号", "010-65001234"],         # which 朝阳区? not a guess
]


def test_region_and_address_fill_province_city_and_district(db):
    with session_scope() as s:
        admin = make_user(s, R.ADMIN)
    with session_scope() as s:
        plan = run_import(s, admin, [HEADER, *ROWS], file_name="区域.xlsx", options=ImportOptions())
        assert "区域" not in plan.unmapped
        assert plan.report()["created"] == 3
        assert [(e.row, e.column) for e in plan.rejected] == [(5, "省份")]
    with session_scope() as s:
        stored = {name: (province, city, district) for name, province, city, district in s.execute(
            select(Customer.name, Customer.province, Customer.city, Customer.district))}
    assert stored == {"玄武副食品商店": ("江苏", "南京", "玄武区"), "姑苏茶楼": ("江苏", "苏州", None),
                      "渝中火锅城": ("重庆", "重庆", "渝中区")}


def test_the_command_lines_import_reads_columns_by_content(db):
    """Without a mapping: 终端类型 holding customer types and 负责人 holding our reps' names import as
    客户类型 and the owner, and the plan says which columns were read by content."""
    with session_scope() as s:
        admin = make_user(s, R.ADMIN)
        rep = make_user(s, R.REP, name="张业务")
    rows = [["客户名称", "终端类型", "省份", "负责人"], ["鼓楼烟酒店", "商超终端", "江苏", "张业务"],
            ["秦淮酒家", "餐饮终端", "江苏", "张业务"]]
    with session_scope() as s:
        plan = run_import(s, admin, rows, file_name="客户.xlsx", options=ImportOptions())
        assert plan.content_notes == {"终端类型": "根据内容识别为 客户类型", "负责人": "根据内容识别为 负责业务员"}
        assert plan.report()["created"] == 2
    with session_scope() as s:
        assert set(s.execute(select(Customer.customer_type, Customer.owner_id))) == {("商超终端", rep.id),
                                                                                    ("餐饮终端", rep.id)}
