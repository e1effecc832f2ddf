"""Showing timestamps in the team's time zone (KEDANG_TZ, default Asia/Shanghai)."""
from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo


def team_tz() -> ZoneInfo:
    return ZoneInfo(os.environ.get("KEDANG_TZ", "Asia/Shanghai"))


def local_time(utc: dt.datetime | None) -> str:
    if utc is None:
        return ""
    return utc.replace(tzinfo=dt.timezone.utc).astimezone(team_tz()).strftime("%Y-%m-%d %H:%M")


def local_date(utc: dt.datetime) -> dt.date:
    """The team's calendar day of a stored (naive UTC) moment."""
    return utc.replace(tzinfo=dt.timezone.utc).astimezone(team_tz()).date()


def local_today() -> dt.date:
    """Today's date in the team's time zone (not the server's, not UTC)."""
    return dt.datetime.now(team_tz()).date()


def utc_start_of(day: dt.date) -> dt.datetime:
    """The UTC moment (naive, as stored) at which ``day`` begins in the team's time zone."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=team_tz())
    return start.astimezone(dt.timezone.utc).replace(tzinfo=None)
