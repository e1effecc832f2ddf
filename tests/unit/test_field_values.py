"""What an office types is stored exactly as the user sees it, or refused with a Chinese reason —
through the form's path (domain.validation.clean_value on the text of the box) and the import's path
(domain.import_normalize.stored_value on the workbook's cell). Never another value, never dropped.

Table tests for each case users met, then properties over every field of the registry."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain import fields as F
from domain.import_normalize import stored_value
from domain.validation import clean_value, validate_archive

TODAY = dt.date(2026, 12, 4)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def form(name, text):
    return clean_value(F.FIELDS_BY_NAME[name], text)


def imported(name, cell):
    return stored_value(name, cell)


BOTH = pytest.mark.parametrize("path", [form, imported], ids=["form", "import"])


@BOTH
@pytest.mark.parametrize("raw, expected", [
    (2008, dt.date(2008, 1, 1)),             # a year typed as a number is that year, not 1905-06-30
    ("2008", dt.date(2008, 1, 1)),
    (39448, dt.date(2008, 1, 1)),            # Excel's serial of 2008-01-01
    ("2008年5月", dt.date(2008, 5, 1)),
    ("２００８－０５－０１", dt.date(2008, 5, 1)),
])
def test_dates_as_offices_write_them(path, raw, expected):
    assert path("founded_on", raw) == expected


@BOTH
@pytest.mark.parametrize("raw", [1, 150, 1899, 3000, 99999, "1899-12-31", "12.3.4", "2008-13-01", "明年"])
def test_what_is_no_date_is_refused(path, raw):
    with pytest.raises(ValueError, match=CHINESE):
        path("founded_on", raw)


def test_a_founding_date_after_today_is_refused_beside_the_field():
    _, errors = validate_archive({"name": "甲", "customer_type": "企业", "province": "广东", "founded_on": "2030"},
                                 today=TODAY)
    assert errors == {"founded_on": "不能晚于今天"}


@BOTH
@pytest.mark.parametrize("name, raw, message", [
    ("registered_capital", "12.3.4", "不是一个数字"),
    ("registered_capital", "1-2", "不是一个数字"),
    ("registered_capital", "-5", "不能小于 0"),
    ("registered_capital", "12.345", "最多两位小数"),
    ("lunch_occupancy", "150", "不能大于 100"),
    ("staff_count", "12.5", "请填整数"),
])
def test_malformed_or_out_of_range_numbers_are_refused(path, name, raw, message):
    with pytest.raises(ValueError, match=message):
        path(name, raw)


@BOTH
@pytest.mark.parametrize("name, raw, expected", [
    ("registered_capital", "12.3", Decimal("12.30")),
    ("registered_capital", "１２．５", Decimal("12.50")),
    ("registered_capital", "50万", Decimal("50.00")),  # the field is in 万元
    ("credit_limit", "5万", Decimal("50000.00")),
    ("credit_limit", "100,000", Decimal("100000.00")),
    ("staff_count", "30人", 30),
])
def test_numbers_are_stored_as_written(path, name, raw, expected):
    assert path(name, raw) == expected


@BOTH
@pytest.mark.parametrize("raw, expected", [
    ("0510 8272 0011", "0510-82720011"),
    ("0510-82720011", "0510-82720011"),
    ("(0755)12345678", "0755-12345678"),
    ("+86 138 0013 8000", "13800138000"),
    ("１３８００１３８０００", "13800138000"),
    ("010-12345678 转 123", "010-12345678转123"),
    ("400-123-4567", "400-123-4567"),
])
def test_phones_are_stored_in_one_form(path, raw, expected):
    assert path("phone", raw) == expected


@BOTH
@pytest.mark.parametrize("raw", ["12345678901234567890", "82720011", "138001380", "call me", "0000-1234567"])
def test_what_is_no_phone_is_refused(path, raw):
    with pytest.raises(ValueError, match="电话号码格式不对"):
        path("phone", raw)


@BOTH
def test_a_paste_over_the_limit_is_refused_with_its_length(path):
    with pytest.raises(ValueError, match=r"不能超过 2000 个字（现在 3000 个字）"):
        path("notes", "备" * 3000)


# --- properties over the registry ---------------------------------------------------------------

def shown(field: F.Field, value):
    """How the card, the export and the edit form show a stored value."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


TYPED = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789０１２３４５６７８９.,-+ 年月日万元%", max_size=14),
    st.integers(min_value=-10**12, max_value=10**12).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-10**6, max_value=10**6).map(str),
    st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2200, 1, 1)).map(dt.date.isoformat),
    st.sampled_from(["", " ", "\u3000", "\t\n", "是", "否", "2008", "12.3.4", "A", "ａ", "\x00x"]),
)
CELLS = st.one_of(TYPED, st.integers(min_value=-10**7, max_value=10**12),
                  st.floats(allow_nan=False, allow_infinity=False, width=32),
                  st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2200, 1, 1)), st.booleans(), st.none())


def _outcome(path, field, raw):
    try:
        return path(field.name, raw), None
    except ValueError as exc:
        return None, str(exc)


def _blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not re.sub(r"[\s\x00-\x1f\x7f\u3000]", "", raw))


def _stored_as_shown_or_refused(path, field, raw) -> None:
    value, error = _outcome(path, field, raw)
    if error is not None:
        assert CHINESE.search(error), error
        return
    if _blank(raw):
        assert value is None
        return
    assert value is not None, f"{field.label}: 「{raw!r}」 was dropped"
    assert form(field.name, shown(field, value)) == value  # what the user sees is what the form would store


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(F.ARCHIVE_FIELDS), raw=TYPED)
def test_typed_values_are_kept_as_shown_or_refused_in_chinese(field, raw):
    _stored_as_shown_or_refused(form, field, raw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(F.ARCHIVE_FIELDS), raw=CELLS)
def test_imported_cells_are_kept_as_shown_or_refused_in_chinese(field, raw):
    _stored_as_shown_or_refused(imported, field, raw)


@settings(max_examples=200, deadline=None)
@given(field=st.sampled_from([f for f in F.ARCHIVE_FIELDS if f.kind in F.NUMBER_KINDS]),
       number=st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=0, max_value=100))
def test_a_plain_number_in_range_is_stored_as_that_number(field, number):
    for path in (form, imported):
        value, error = _outcome(path, field, str(number))
        if field.kind == F.INT and number != number.to_integral_value():
            assert error == "请填整数"
        else:
            assert error is None and Decimal(value) == number


@BOTH
@pytest.mark.parametrize("raw, expected", [("\x08", None), ("\x00甲\x07商行", "甲商行")])
def test_invisible_control_characters_are_taken_out(path, raw, expected):
    assert path("name", raw) == expected  # a stray \x08 from a paste is not a customer's name
