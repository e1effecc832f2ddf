"""Nothing dropped without a word (issue 18 item 4): every column not imported is named — by its header,
or by its letter when it has no header but holds values; empty unnamed columns are not noise."""
import pytest

from domain.import_mapping import unmapped_columns

HEADER = ["客户名称", "序号", None, "", "电话", None]


@pytest.mark.parametrize("rows, mapping, expected", [
    ([HEADER, ["甲", 1, None, None, "1"]], {0: "name", 4: "phone"}, ["序号"]),           # C, D, F empty
    ([HEADER, ["甲", 1, "备用", None, "1"]], {0: "name", 4: "phone"}, ["序号", "C 列"]),   # C holds a value
    # blank text is empty; G past the header
    ([HEADER, ["甲"], ["乙", 2, None, "  ", "2", None, "多出来的"]], {0: "name", 4: "phone"}, ["序号", "G 列"]),
    # mapped columns are not listed
    ([HEADER, ["甲", 1, "x"]], {0: "name", 1: "notes", 2: "address"}, ["电话"]),
])
def test_columns_not_imported(rows, mapping, expected):
    assert unmapped_columns(rows, 0, mapping) == expected


def test_the_header_row_may_be_below_titles():
    rows = [["客户档案登记表"], ["客户名称", None], ["甲", "备注写在无表头的列"]]
    assert unmapped_columns(rows, 1, {0: "name"}) == ["B 列"]
