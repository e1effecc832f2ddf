"""档案号: KD-<region code>-<year>-<sequence>, unique and never reused.

The sequence per (region, year) lives in the database (db/archives.py bumps it
in the same transaction as the insert); this module only knows the format.
"""
from __future__ import annotations

from domain.fields import PROVINCES

PREFIX = "KD"
UNKNOWN_REGION = "XX"


def region_code(province: str | None) -> str:
    return PROVINCES.get(province or "", UNKNOWN_REGION)


def format_archive_no(region: str, year: int, sequence: int) -> str:
    """>>> format_archive_no("GD", 2026, 7)
    'KD-GD-2026-00007'
    """
    if sequence < 1:
        raise ValueError("sequence starts at 1")
    return f"{PREFIX}-{region}-{year}-{sequence:05d}"
