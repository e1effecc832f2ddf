"""manage.py import-customers / export-customers: the contract scheduled jobs rely on."""
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import xlwt
from sqlalchemy import func, select

from db.engine import session_scope
from db.models import Contact, Customer, User
from domain import roles as R
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[2]
REPORT_KEYS = {"rows_read", "created", "updated", "unchanged", "skipped", "skipped_blank", "rejected_rows",
               "rejected", "duplicates", "import_id", "unmapped_columns"}


def manage(*args: str, db_url: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "DATABASE_URL": db_url}, timeout=120)


def office_workbook(path: Path) -> Path:
    """Title rows, a merged title, the header on row 3, a numeric phone, a text date, one bad row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "客户资料"
    sheet.append(["客户档案登记表"])
    sheet.merge_cells("A1:F1")
    sheet.append(["整理人：张三", None, None, "填表时间：2024年5月"])
    sheet.append(["客户名称", "客户类型", "省份", "联系电话", "成立时间", "客户等级"])
    sheet.append(["深圳好运来餐饮有限公司", "餐饮", "广东省", 13800138000, "2019年5月", "a"])
    sheet.append(["广州大发超市", "超市", "广东", "020-12345678", "2018.3.12", "Ｂ"])
    sheet.append([None] * 6)
    sheet.append(["坏客户", "外星人", "广东", "电话没有", "明年", "A"])
    book.create_sheet("说明").append(["这张表不是数据"])
    book.save(path)
    return path


def count_customers(db_url: str) -> int:
    with session_scope(db_url) as s:
        return s.scalar(select(func.count(Customer.id)))


def test_json_report_with_exact_counts_and_row_numbers(db, db_url, tmp_path):
    result = manage("import-customers", str(office_workbook(tmp_path / "客户.xlsx")), "--json", db_url=db_url)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) >= REPORT_KEYS
    assert (report["rows_read"], report["created"], report["skipped_blank"], report["rejected_rows"]) == (4, 2, 1, 1)
    assert {(e["row"], e["column"]) for e in report["rejected"]} == {(7, "客户类型"), (7, "联系电话"), (7, "成立时间")}
    assert isinstance(report["import_id"], int)
    assert count_customers(db_url) == 2


def test_dry_run_writes_nothing_and_second_run_skips_existing(db, db_url, tmp_path):
    path = office_workbook(tmp_path / "客户.xlsx")
    dry = json.loads(manage("import-customers", str(path), "--dry-run", "--json", db_url=db_url).stdout)
    assert dry["created"] == 2 and dry["import_id"] is None and count_customers(db_url) == 0
    manage("import-customers", str(path), "--json", db_url=db_url)
    again = json.loads(manage("import-customers", str(path), "--json", db_url=db_url).stdout)
    assert (again["created"], again["skipped"]) == (0, 2)
    assert [len(d["archive_nos"]) for d in again["duplicates"]] == [1, 1]
    updated = json.loads(manage("import-customers", str(path), "--on-duplicate", "update", "--json",
                                db_url=db_url).stdout)
    assert (updated["updated"], updated["unchanged"]) == (0, 2)


@pytest.mark.parametrize("content, name", [
    (os.urandom(4096), "客户.xlsx"),
    (b"", "empty.xlsx"),
    (b"PK\x03\x04not really a zip", "broken.xlsx"),
])
def test_unreadable_file_exits_2_and_writes_nothing(db, db_url, tmp_path, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    result = manage("import-customers", str(path), "--json", db_url=db_url)
    assert result.returncode == 2
    assert json.loads(result.stdout)["error"]
    assert count_customers(db_url) == 0


def test_no_header_exits_2(db, db_url, tmp_path):
    path = tmp_path / "无表头.csv"
    path.write_text("甲,乙,丙\n1,2,3\n", encoding="utf-8")
    result = manage("import-customers", str(path), "--json", db_url=db_url)
    assert result.returncode == 2 and "找不到表头" in json.loads(result.stdout)["error"]


def test_sheet_header_row_mapping_and_owner_options(db, db_url, tmp_path):
    with session_scope(db_url) as s:
        make_user(s, R.REP, username="xiaoli", name="小李")
    path = tmp_path / "多表.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["别的表"])
    sheet = book.create_sheet("第二季度")
    sheet.append(["公司", "所在地", "类别"])
    sheet.append(["好运来", "广东", "企业"])
    book.save(path)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"columns": {"公司": "name", "所在地": "province", "类别": "customer_type"}},
                                  ensure_ascii=False), encoding="utf-8")
    result = manage("import-customers", str(path), "--sheet", "第二季度", "--header-row", "1", "--mapping",
                    str(mapping), "--owner", "xiaoli", "--json", db_url=db_url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["created"] == 1
    with session_scope(db_url) as s:
        owner = s.scalars(select(User.username).join(Customer, Customer.owner_id == User.id)).one()
    assert owner == "xiaoli"


def test_gbk_csv_imports(db, db_url, tmp_path):
    path = tmp_path / "客户.csv"
    path.write_bytes("客户名称,客户类型,省份,电话\n好运来,企业,广东,13800138000\n".encode("gbk"))
    report = json.loads(manage("import-customers", str(path), "--json", db_url=db_url).stdout)
    assert report["created"] == 1
    with session_scope(db_url) as s:
        assert s.scalars(select(Customer.name)).one() == "好运来"


def test_human_readable_summary_names_rows(db, db_url, tmp_path):
    result = manage("import-customers", str(office_workbook(tmp_path / "客户.xlsx")), "--dry-run", db_url=db_url)
    assert result.returncode == 0
    assert "试导入（未写入数据库）：读取 4 行，新建 2" in result.stdout
    assert "第 7 行「客户类型」外星人" in result.stdout


def test_export_customers_writes_the_list(db, db_url, tmp_path):
    manage("import-customers", str(office_workbook(tmp_path / "客户.xlsx")), db_url=db_url)
    out = tmp_path / "导出.xlsx"
    result = manage("export-customers", str(out), "--search", "好运来", db_url=db_url)
    assert result.returncode == 0 and "已导出 1 份档案" in result.stdout
    rows = list(openpyxl.load_workbook(io.BytesIO(out.read_bytes())).active.iter_rows(values_only=True))
    assert rows[0][0] == "档案号" and rows[1][1] == "深圳好运来餐饮有限公司"


def test_old_xls_from_wps_imports(db, db_url, tmp_path):
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("客户")
    sheet.write_merge(0, 0, 0, 3, "客户登记表")
    for col, header in enumerate(["单位名称", "类型", "省份", "手机"]):
        sheet.write(1, col, header)
    for col, value in enumerate(["老表格商行", "经销商", "湖南省", 13700137000]):
        sheet.write(2, col, value)
    path = tmp_path / "老客户.xls"
    book.save(str(path))
    report = json.loads(manage("import-customers", str(path), "--json", db_url=db_url).stdout)
    assert (report["created"], report["rejected_rows"]) == (1, 0)
    with session_scope(db_url) as s:
        customer = s.scalars(select(Customer)).one()
    assert (customer.name, customer.customer_type, customer.province, customer.phone) == \
        ("老表格商行", "经销商/批发", "湖南", "13700137000")


def test_columns_not_imported_are_named_in_the_report(db, db_url, tmp_path):
    """Nothing dropped without a word: a column nobody maps (内部编码 here) is listed, for scripts too;
    a second contact's columns (采购负责人 / 采购电话) become a contact with that role."""
    book = openpyxl.Workbook()
    book.active.append(["客户名称", "客户类型", "省份", "采购负责人", "采购电话", "内部编码"])
    book.active.append(["南京玄武副食品商店", "商超终端", "江苏", "周采购", "139 1234 5678", "NJ-0042"])
    book.save(tmp_path / "客户.xlsx")
    result = manage("import-customers", str(tmp_path / "客户.xlsx"), "--json", db_url=db_url)
    report = json.loads(result.stdout)
    assert report["created"] == 1 and report["unmapped_columns"] == ["内部编码"], report
    with session_scope(db_url) as s:
        [contact] = s.scalars(select(Contact))
        assert (contact.name, contact.role, contact.mobile) == ("周采购", "采购负责人", "13912345678")
    summary = manage("import-customers", str(tmp_path / "客户.xlsx"), "--dry-run", db_url=db_url).stdout
    assert "未导入的列：内部编码" in summary


def test_the_mapping_json_maps_the_offices_words_to_choices(db, db_url, tmp_path):
    """A 终端类型 column of 其他终端 refused 39 of 40 rows; with "values" in the mapping JSON (as the page
    downloads it) every row imports, and a word nobody mapped is still refused."""
    book = openpyxl.Workbook()
    book.active.append(["客户名称", "客户类型", "省份"])
    book.active.append(["鼓楼便利店", "其他终端", "江苏"])
    book.active.append(["秦淮便利店", "其他终端", "江苏"])
    book.active.append(["玄武茶社", "茶馆", "江苏"])
    book.save(tmp_path / "客户.xlsx")
    before = json.loads(manage("import-customers", str(tmp_path / "客户.xlsx"), "--dry-run", "--json",
                               db_url=db_url).stdout)
    assert (before["created"], before["rejected_rows"]) == (0, 3)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"columns": {"客户名称": "name", "客户类型": "customer_type", "省份": "province"},
                                   "values": {"customer_type": {"其他终端": "其他"}}}, ensure_ascii=False),
                       encoding="utf-8")
    report = json.loads(manage("import-customers", str(tmp_path / "客户.xlsx"), "--mapping", str(mapping), "--json",
                               db_url=db_url).stdout)
    assert (report["created"], report["rejected_rows"]) == (2, 1)
    assert [(e["row"], e["value"]) for e in report["rejected"]] == [(4, "茶馆")]


def test_several_files_of_different_layouts_in_one_command(db, db_url, tmp_path):
    """A dozen files means one command, not a dozen: each file is imported in its own transaction and has
    its own report (in one JSON array, each with its file); a customer repeated in a later file is
    updated, never duplicated; an unreadable file is reported and exits 2 without stopping the others."""
    first = openpyxl.Workbook()
    first.active.append(["客户名称", "客户类型", "省份", "联系电话"])
    first.active.append(["鼓楼烟酒店", "商超终端", "江苏", "025-84561234"])
    first.active.append(["秦淮酒家", "餐饮终端", "江苏", "025-52201234"])
    first.save(tmp_path / "南京.xlsx")
    second = xlwt.Workbook()
    sheet = second.add_sheet("客户")
    for r, row in enumerate([["单位名称", "客户类别", "所在省份", "电话"],
                             ["姑苏茶楼", "餐饮终端", "江苏", "0512-65231234"]]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    second.save(str(tmp_path / "苏州.xls"))
    (tmp_path / "补充.csv").write_text("名称,类型,省,办公电话\n鼓楼烟酒店,商超终端,江苏,025-84569999\n",
                                       encoding="utf-8")
    (tmp_path / "坏.xlsx").write_bytes(b"not a workbook")
    files = [str(tmp_path / name) for name in ("南京.xlsx", "苏州.xls", "补充.csv", "坏.xlsx")]
    result = manage("import-customers", *files, "--on-duplicate", "update", "--json", db_url=db_url)
    assert result.returncode == 2, result.stderr
    reports = json.loads(result.stdout)
    assert [r["file"] for r in reports] == files
    assert [(r.get("created"), r.get("updated")) for r in reports] == [(2, 0), (1, 0), (0, 1), (None, None)]
    assert set(reports[0]) >= REPORT_KEYS and "error" in reports[3]
    assert len({r["import_id"] for r in reports[:3]}) == 3  # each file its own import, undone on its own
    assert count_customers(db_url) == 3


def test_a_dry_run_of_several_files_shows_a_later_repeat_as_the_update_it_will_be(db, db_url, tmp_path):
    """--dry-run over several files previews them together: the second file's 鼓楼烟酒店 is the archive the
    first file creates (updated, named by that file's row), and nothing is written."""
    first = openpyxl.Workbook()
    first.active.append(["客户名称", "客户类型", "省份", "联系电话"])
    first.active.append(["鼓楼烟酒店", "商超终端", "江苏", "025-84561234"])
    first.save(tmp_path / "南京.xlsx")
    (tmp_path / "补充.csv").write_text("名称,类型,省,办公电话\n鼓楼烟酒店,商超终端,江苏,025-84569999\n",
                                       encoding="utf-8")
    files = [str(tmp_path / "南京.xlsx"), str(tmp_path / "补充.csv")]
    result = manage("import-customers", *files, "--on-duplicate", "update", "--dry-run", "--json", db_url=db_url)
    assert result.returncode == 0, result.stderr
    reports = json.loads(result.stdout)
    assert [(r["created"], r["updated"], r["import_id"]) for r in reports] == [(1, 0, None), (0, 1, None)]
    assert set(reports[1]) >= REPORT_KEYS | {"file"}
    assert reports[1]["duplicates"] == [{"row": 2, "archive_nos": [], "earlier_file": "南京.xlsx", "earlier_row": 2}]
    assert count_customers(db_url) == 0


def test_numbers_and_dates_are_strict_on_the_command_line(db, db_url, tmp_path):
    """Item 6, shared with the form: 12.3.4 is refused (not read as 12.3); 2008 typed as a number is the
    year 2008, not the Excel serial of a day in 1905."""
    book = openpyxl.Workbook()
    book.active.append(["客户名称", "客户类型", "省份", "注册资金（万元）", "成立时间"])
    book.active.append(["鼓楼烟酒店", "商超终端", "江苏", "12.3.4", 2008])
    book.active.append(["秦淮酒家", "餐饮终端", "江苏", 50, 2008])
    book.save(tmp_path / "客户.xlsx")
    report = json.loads(manage("import-customers", str(tmp_path / "客户.xlsx"), "--json", db_url=db_url).stdout)
    assert report["created"] == 1
    assert report["rejected"] == [{"row": 2, "column": "注册资金（万元）", "value": "12.3.4",
                                   "reason": "「12.3.4」不是一个数字"}]
    with session_scope(db_url) as s:
        customer = s.scalars(select(Customer)).one()
        assert (customer.name, str(customer.founded_on), customer.registered_capital) == ("秦淮酒家", "2008-01-01", 50)


def test_a_mapping_json_applies_to_the_files_of_its_layout(db, db_url, tmp_path):
    """--mapping with several files: the files laid out as the mapping use it (and its "values" apply to
    all); a file of another layout is read by its own header and content rather than refused."""
    first = openpyxl.Workbook()
    first.active.append(["门店", "渠道", "省"])
    first.active.append(["鼓楼便利店", "其他终端", "江苏"])
    first.save(tmp_path / "南京.xlsx")
    (tmp_path / "苏州.csv").write_text("客户名称,客户类型,省份\n姑苏茶楼,其他终端,江苏\n", encoding="utf-8")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"header_row": 1,
                                   "columns": {"门店": "name", "渠道": "customer_type", "省": "province"},
                                   "values": {"customer_type": {"其他终端": "其他"}}}, ensure_ascii=False),
                       encoding="utf-8")
    result = manage("import-customers", str(tmp_path / "南京.xlsx"), str(tmp_path / "苏州.csv"), "--mapping",
                    str(mapping), "--json", db_url=db_url)
    assert result.returncode == 0, result.stderr
    assert [(r["created"], r["rejected_rows"]) for r in json.loads(result.stdout)] == [(1, 0), (1, 0)]
    with session_scope(db_url) as s:
        assert set(s.execute(select(Customer.name, Customer.customer_type))) == {("鼓楼便利店", "其他"),
                                                                                ("姑苏茶楼", "其他")}
