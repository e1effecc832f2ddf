import pytest

from domain import fields as F
from domain import masking
from domain.masking import mask_account, mask_contacts, mask_phone, mask_values


@pytest.mark.parametrize("raw, shown", [
    ("13800138000", "138****8000"),
    ("0755-88001234", "0755-****1234"),
    ("020-8123456", "020-***3456"),
    ("12345", "*****"),
    ("", ""),
    (None, None),
])
def test_mask_phone(raw, shown):
    assert mask_phone(raw) == shown


@pytest.mark.parametrize("raw, shown", [
    ("6222021234567890123", "**** 0123"), ("1234", "****"), (None, None),
])
def test_mask_account(raw, shown):
    assert mask_account(raw) == shown


def test_the_card_values_and_contacts_keep_no_full_number():
    values = mask_values({"name": "客户", "phone": "0755-88001234", "fax": None, "account_no": "6222021234567890123",
                          "tax_no": "91440300MA5F000000"})
    assert values == {"name": "客户", "phone": "0755-****1234", "fax": None, "account_no": "**** 0123",
                      "tax_no": "91440300MA5F000000"}
    assert mask_contacts([{"name": "张三", "mobile": "13800138000", "phone": None}]) == [
        {"name": "张三", "mobile": "138****8000", "phone": None}]


def test_which_fields_are_masked_is_declared_on_the_field():
    """A phone or account number added to the registry is masked without touching this module;
    a field says otherwise only by declaring it."""
    assert set(masking.MASKED_FIELDS) == {"phone", "fax", "account_no"}
    assert F.Field("backup_phone", "备用电话", F.PHONE, F.BASIC).is_masked
    assert not F.Field("wechat", "微信号", F.TEXT, F.BASIC).is_masked
    assert F.Field("wechat", "微信号", F.TEXT, F.BASIC, masked=True).is_masked
    assert not F.Field("service_line", "客服热线", F.PHONE, F.BASIC, masked=False).is_masked
