import pytest

from domain.normalize import normalize_name, normalize_phone, normalize_tax_no, to_half_width


@pytest.mark.parametrize("raw, key", [
    ("深圳市好运来餐饮有限公司", "深圳市好运来餐饮"),
    ("  深圳市 好运来餐饮有限责任公司 ", "深圳市好运来餐饮"),
    ("深圳市好运来餐饮公司", "深圳市好运来餐饮"),
    ("深圳市好运来（餐饮）店", "深圳市好运来餐饮"),
    ("深圳市\u3000好运来餐饮", "深圳市好运来餐饮"),
    ("ＡＢＣ商贸有限公司", "abc商贸"),
    ("abc 商贸", "abc商贸"),
    ("公司", "公司"),  # a name that is only a suffix is kept
    ("", ""),
    (None, ""),
])
def test_normalize_name(raw, key):
    assert normalize_name(raw) == key


@pytest.mark.parametrize("raw, key", [
    ("0755-12345678", "075512345678"),
    ("０７５５－１２３４５６７８", "075512345678"),
    ("+86 138 0013 8000", "13800138000"),
    ("8613800138000", "13800138000"),
    ("0755-12345678转801", "075512345678"),
    ("123", ""),
    (None, ""),
])
def test_normalize_phone(raw, key):
    assert normalize_phone(raw) == key


def test_tax_number_and_width():
    assert normalize_tax_no(" 91440300ma5f ") == "91440300MA5F"
    assert to_half_width("Ｂ级１２３") == "B级123"


def test_chinese_punctuation_is_kept_in_names():
    from domain import fields as F
    from domain.validation import clean_value
    assert clean_value(F.FIELDS_BY_NAME["name"], "上海新世纪（个人）ＡＢＣ店") == "上海新世纪（个人）ABC店"
    assert clean_value(F.FIELDS_BY_NAME["phone"], "０２１－１２３４５６７８") == "021-12345678"
