import pytest

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
