"""Several office files in one import (issue 18 item 5): three header dialects (an .xlsx with title rows, an
old .xls, a GBK .csv), files of the same dialect grouped, one preview of them all that writes nothing and
already shows a later file's repeat as a match of the earlier file's row, then each file in its own
transaction: every customer once, a repeat updating the archive, the columns not imported named."""
import io
import zipfile

import pytest
from sqlalchemy import func, select

from db.engine import session_scope
from db.import_files import FileImport, preview_files
from db.imports import ImportOptions, run_import
from db.models import Contact, Customer, ImportBatch
from domain import roles as R
from domain.import_files import Source, by_dialect, first_sheet_with_header, unique_names, unpack
from domain.spreadsheet import read_workbook
from tests.factories import make_user
from tests.import_workbooks import FILES


def sources(files: dict[str, bytes]) -> list[Source]:
    found = []
    for name, data in files.items():
        workbook = read_workbook(data, name)
        sheet, rows, header = first_sheet_with_header(workbook)
        found.append(Source(name, workbook, sheet, rows, header))
    return found


def imports(found: list[Source]) -> list[FileImport]:
    return [FileImport(s.name, s.rows, ImportOptions(
                sheet=s.sheet, header_row=s.header_index + 1, on_duplicate="update",
                value_map={"customer_type": {"其他终端": "其他"}}))
            for s in found]


def test_files_of_the_same_layout_share_one_group():
    groups = by_dialect(sources(FILES))
    assert [[s.name for s in g] for g in groups] == [["南京一部.xlsx", "南京二部.xlsx"], ["苏州.xls"], ["无锡.csv"]]
    assert [s.header_index for s in groups[0]] == [1, 0]  # the title row moves the header, not the dialect


def test_a_zip_opens_into_its_workbooks_with_chinese_names():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in FILES.items():
            archive.writestr(f"客户资料/{name}", data)
        archive.writestr("__MACOSX/客户资料/._南京一部.xlsx", b"junk")
        archive.writestr("说明.txt", "不是表格")
        archive.writestr("XXXX.csv", FILES["无锡.csv"])
    # as Chinese Windows writes a name: GBK bytes, without the zip's UTF-8 flag
    data = buffer.getvalue().replace(b"XXXX.csv", "上海.csv".encode("gbk"))
    unpacked = unpack("客户资料.zip", data)
    assert [name for name, _ in unpacked] == [*FILES, "上海.csv"]
    assert unpacked[0][1] == FILES["南京一部.xlsx"]
    assert unpack("客户.xlsx", b"PK..") == [("客户.xlsx", b"PK..")]
    with pytest.raises(Exception, match="已损坏"):
        unpack("坏.zip", b"PK\x03\x04 not a zip")
    assert unique_names(["客户.xlsx", "客户.xlsx", "a.csv"]) == ["客户.xlsx", "客户 (2).xlsx", "a.csv"]


def test_preview_of_several_files_writes_nothing_and_sees_repeats_across_files(db):
    with session_scope() as s:
        admin = make_user(s, R.ADMIN)
        rep = make_user(s, R.REP, name="张业务")
    with session_scope() as s:
        preview = preview_files(s, admin, imports(sources(FILES)))
    with session_scope() as s:
        assert s.scalar(select(func.count(Customer.id))) == 0 and s.scalar(select(func.count(ImportBatch.id))) == 0

    counts = {r.name: (r.plan.rows_read, r.plan.count("new"), r.plan.count("update"), r.plan.count("unchanged"),
                       r.plan.skipped_blank, r.plan.count("error")) for r in preview.results}
    assert counts == {"南京一部.xlsx": (2, 2, 0, 0, 0, 0), "南京二部.xlsx": (2, 1, 1, 0, 0, 0),
                      "苏州.xls": (2, 1, 1, 0, 0, 0), "无锡.csv": (3, 1, 0, 0, 1, 1)}
    assert [(r["file"], r["row"], r["earlier_file"], r["earlier_row"]) for r in preview.repeats] == [
        ("南京二部.xlsx", 2, "南京一部.xlsx", 4), ("苏州.xls", 3, "南京一部.xlsx", 3)]
    second = next(r.plan for r in preview.results if r.name == "南京二部.xlsx")
    repeat = next(item for item in second.rows if item.row == 2)
    assert repeat.archive_no == "「南京一部.xlsx」第 4 行"
    assert {"row": 2, "archive_nos": [], "earlier_file": "南京一部.xlsx", "earlier_row": 4} in second.duplicates
    by_file = {r.name: r.plan for r in preview.results}
    assert [(e.row, e.column) for e in by_file["无锡.csv"].rejected] == [(4, "类型")]
    assert {name: plan.unmapped for name, plan in by_file.items()} == {
        "南京一部.xlsx": ["微信"], "南京二部.xlsx": ["微信"], "苏州.xls": [], "无锡.csv": ["序号"]}
    assert by_file["南京一部.xlsx"].content_notes == {"终端类型": "根据内容识别为 客户类型",
                                                   "负责人": "根据内容识别为 负责业务员"}
    assert by_file["苏州.xls"].content_notes == {}  # 周店长 is nobody of ours: the customer's contact

    # --- the import: each file in its own transaction, in order ---
    for item in imports(sources(FILES)):
        with session_scope() as s:
            plan = run_import(s, admin, item.rows, file_name=item.name, options=item.options)
            assert plan.count("new") == counts[item.name][1], item.name
    with session_scope() as s:
        stored = {c.name: (c.customer_type, c.province, c.city, c.district, c.owner_id)
                  for c in s.scalars(select(Customer))}
        assert stored == {
            "玄武副食品商店": ("商超终端", "江苏", "南京", "玄武区", rep.id),
            "秦淮酒家": ("餐饮终端", "江苏", "南京", "秦淮区", rep.id),
            "鼓楼烟酒店": ("其他", "江苏", "南京", "鼓楼区", rep.id),
            "姑苏茶楼": ("餐饮终端", "江苏", "苏州", None, admin.id),
            "梁溪超市": ("商超终端", "江苏", "无锡", None, admin.id),
        }
        assert s.scalar(select(Customer.phone).where(Customer.name == "秦淮酒家")) == "025-84560000"  # the repeat
        people = {(c.customer.name, c.name, c.role) for c in s.scalars(select(Contact))}
        assert people == {("姑苏茶楼", "周店长", "负责人"), ("姑苏茶楼", "钱采购", "采购负责人"),
                          ("玄武副食品商店", "陈店长", "负责人")}
        assert sorted(s.scalars(select(ImportBatch.file_name))) == sorted(FILES)
