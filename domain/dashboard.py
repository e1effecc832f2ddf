"""The 驾驶舱 (dashboard)'s filter and its buckets: plain values that round-trip through the URL.

A manager bookmarks or sends a view: every filter that differs from the default view is a query
parameter (``?from=2026-09-01&to=…&province=广东&owner=3&type=餐饮终端&scheme=2``); a value the URL
gets wrong is dropped, never an error.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from domain.fields import CUSTOMER_TYPES, PROVINCES

DEFAULT_DAYS = 90
COMPLETENESS_BUCKETS = [(0, 59, "60% 以下"), (60, 79, "60–79%"), (80, 100, "80% 以上")]


@dataclass(frozen=True)
class DashboardFilter:
    start: dt.date
    end: dt.date                    # inclusive, as the user picks it
    province: str | None = None
    owner_id: int | None = None
    customer_type: str | None = None
    scheme_id: int | None = None    # the scheme of the by-class charts

    def to_params(self) -> dict[str, str]:
        params = {"from": self.start.isoformat(), "to": self.end.isoformat(), "province": self.province,
                  "owner": self.owner_id, "type": self.customer_type, "scheme": self.scheme_id}
        return {k: str(v) for k, v in params.items() if v is not None}

    def describe(self) -> str:
        parts = [f"{self.start} 至 {self.end}", self.province or "", self.customer_type or ""]
        return "，".join(p for p in parts if p)


def default_filter(today: dt.date) -> DashboardFilter:
    return DashboardFilter(start=today - dt.timedelta(days=DEFAULT_DAYS - 1), end=today)


def from_params(params: dict[str, str], today: dt.date) -> DashboardFilter:
    """The filter a URL describes; anything missing or malformed takes its default."""
    flt = default_filter(today)
    start, end = _date(params.get("from")) or flt.start, _date(params.get("to")) or flt.end
    if start <= end:
        flt = replace(flt, start=start, end=end)
    province = params.get("province")
    customer_type = params.get("type")
    return replace(flt, province=province if province in PROVINCES else None,
                   customer_type=customer_type if customer_type in CUSTOMER_TYPES else None,
                   owner_id=_int(params.get("owner")), scheme_id=_int(params.get("scheme")))


def url_params(flt: DashboardFilter, default: DashboardFilter) -> dict[str, str]:
    """What a link to ``flt`` says: the filters that differ from ``default``, the view a URL without
    parameters opens. A bookmark of the default view so stays "the last 90 days"."""
    usual = default.to_params()
    return {k: v for k, v in flt.to_params().items() if usual.get(k) != v}


def picked_range(picked: object, fallback: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    """The (start, end) a date-range picker holds. Streamlit gives a pair once both ends are picked,
    a one-element tuple while the second is being picked, and a single date when the picker was
    drawn without its state (a page opened again); anything else keeps ``fallback``.

    >>> picked_range(dt.date(2026, 3, 1), (dt.date(2026, 1, 1), dt.date(2026, 2, 1)))
    (datetime.date(2026, 3, 1), datetime.date(2026, 3, 1))
    """
    if isinstance(picked, dt.date):
        return picked, picked
    dates = [d for d in picked if isinstance(d, dt.date)] if isinstance(picked, (tuple, list)) else []
    if len(dates) == 1:
        return dates[0], dates[0]
    if len(dates) == 2:
        return (dates[0], dates[1]) if dates[0] <= dates[1] else (dates[1], dates[0])
    return fallback


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def quarter_start(today: dt.date) -> dt.date:
    """The first day of ``today``'s quarter: archives not updated since are stale."""
    return dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)


def completeness_bucket(percent: int) -> str:
    return next(label for low, high, label in COMPLETENESS_BUCKETS if low <= percent <= high)


def rate(done: int, planned: int) -> float | None:
    return done / planned if planned else None
