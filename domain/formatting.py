"""Showing timestamps in the team's time zone (KEDANG_TZ, default Asia/Shanghai), and user text
exactly as typed."""
from __future__ import annotations

import datetime as dt
import os
import re
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


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&])")
_AUTOLINKED = re.compile(r"(?i)(https?|ftp|www)(?=[:.])")  # Markdown turns these into links even escaped


def plain(text: object) -> str:
    """``text`` as Markdown that Streamlit shows exactly as typed.

    Streamlit reads titles, captions, messages and widget labels as Markdown: a customer named
    ``![](http://…)`` would make every viewer's browser fetch that address, ``[点我](…)`` would be a
    link and ``:red[…]`` a colour. Every piece of user text shown through one of them passes
    through here. Line breaks are kept."""
    if text is None:
        return ""
    text = str(text).replace(":material/", ":\u2060material/")  # a word joiner: not an icon
    text = _AUTOLINKED.sub("\\1\u2060", text).replace("@", "\u2060@")  # nor a link (bare URL, www., e-mail)
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text).replace("\n", "  \n")
