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
