"""User text in LIKE searches: ``%`` and ``_`` are what the user typed, never wildcards (a search for
``%`` would otherwise match every row)."""
from __future__ import annotations

from sqlalchemy import ColumnElement

ESCAPE = "/"


def like_pattern(text: str) -> str:
    """``%text%`` with the escape character, ``%`` and ``_`` of ``text`` taken literally (use with
    ``escape=ESCAPE``, or through ``contains``)."""
    escaped = text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return f"%{escaped}%"


def contains(column, text: str) -> ColumnElement[bool]:
    """``column`` contains ``text`` as typed."""
    return column.like(like_pattern(text), escape=ESCAPE)
