"""The 客户资料卡 layout: which items go on the front and back of the paper card.

Both the on-screen card and the .xlsx download are drawn from ``card_sections``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain import fields as F
from domain.audit import display


@dataclass
class CardSection:
    title: str
    items: list[tuple[str, str]]  # (label, value) pairs; value "" when empty
    table: list[list[str]] | None = None  # optional grid, first row is the header


def _items(values: dict[str, Any], group: str) -> list[tuple[str, str]]:
    return [(f.label_with_unit, display(values.get(f.name)) or "")
            for f in F.fields_in_group(group) if f.applies_to(values.get("customer_type"))]


def card_sections(header: dict[str, str], values: dict[str, Any], contacts: list[dict], products: list[dict],
                  competitors: list[dict], sales: list[dict], year: int) -> dict[str, list[CardSection]]:
    """{"正面": [...], "背面": [...]}: front has identity, people and business; back the yearly data.

    ``sales`` rows are {"product": name, 1: qty, …, 12: qty}, as the form holds them.
    """
    people = [["姓名", "角色", "手机", "电话", "生日", "嗜好"]] + [
        [c.get("name") or "", c.get("role") or "", c.get("mobile") or "", c.get("phone") or "",
         display(c.get("birthday")) or "", c.get("hobbies") or ""] for c in contacts]
    product_grid = [list(F.PRODUCT_FIELDS.values())] + [
        [display(p.get(k)) or "" for k in F.PRODUCT_FIELDS] for p in products]
    competitor_grid = [list(F.COMPETITOR_FIELDS.values())] + [
        [display(p.get(k)) or "" for k in F.COMPETITOR_FIELDS] for p in competitors]
    sales_grid = [["品种"] + [f"{m}月" for m in F.MONTHS] + ["合计"]] + [
        [s["product"]] + [str(s.get(m) or "") for m in F.MONTHS] + [str(sum(s.get(m) or 0 for m in F.MONTHS))]
        for s in sales]
    front = [
        CardSection("档案信息", list(header.items())),
        CardSection(F.BASIC, _items(values, F.BASIC)),
        CardSection("联系人", [], people),
        CardSection(F.BUSINESS, _items(values, F.BUSINESS)),
    ]
    back = [
        CardSection(f"{year} 年月度销量", [], sales_grid),
        CardSection("进店产品", [], product_grid),
        CardSection("竞品及价格", [], competitor_grid),
        CardSection(F.FINANCE, _items(values, F.FINANCE)),
        CardSection(F.AGREEMENT, _items(values, F.AGREEMENT)),
    ]
    return {"正面": front, "背面": back}
