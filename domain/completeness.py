"""How complete an archive card is, as the percentage shown in every list."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from domain import fields as F
from domain.validation import is_blank

# Besides the card's own fields, a complete archive names at least one contact
# and one product carried; each counts as one item.
SECTION_ITEMS = ("contacts", "products")


@lru_cache(maxsize=None)
def _applicable(customer_type: str | None) -> tuple[str, ...]:
    return tuple(f.name for f in F.ARCHIVE_FIELDS if f.applies_to(customer_type))


def completeness(values: dict[str, Any], *, contacts: int, products: int) -> int:
    """Percentage (0–100) of the applicable card items that are filled."""
    applicable = _applicable(values.get("customer_type"))
    filled = sum(1 for name in applicable if not is_blank(values.get(name)))
    filled += (contacts > 0) + (products > 0)
    total = len(applicable) + len(SECTION_ITEMS)
    return round(100 * filled / total)


def missing_labels(values: dict[str, Any], *, contacts: int, products: int) -> list[str]:
    """The Chinese labels of what is still empty, for the 'what to fill next' hint."""
    missing = [f.label for f in F.ARCHIVE_FIELDS
               if f.applies_to(values.get("customer_type")) and is_blank(values.get(f.name))]
    if not contacts:
        missing.append("联系人")
    if not products:
        missing.append("进店产品")
    return missing
