"""Province, city and district from what an office writes: a 区域 cell (南京市玄武区), an address
(苏州市观前街43号) or a city (深圳).

The table is domain/data/regions.csv: every province, prefecture-level city and county-level district
of China by its administrative code (source named in the file). Stored forms follow the archive card:
the province as its short name in domain/fields.PROVINCES (江苏), the city without 市 (南京), the
district in full (玄武区). A district name shared by several cities (朝阳区, 鼓楼区) is taken only when
the city is known.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from domain import fields as F

DATA = Path(__file__).with_name("data") / "regions.csv"
MUNICIPALITIES = ("北京", "天津", "上海", "重庆")  # the province is its own city
_CITY_SUFFIXES = ("市", "地区", "盟")
_SPACES = re.compile(r"[\s\u3000]+")


@dataclass(frozen=True)
class Region:
    province: str | None = None
    city: str | None = None
    district: str | None = None


@dataclass(frozen=True)
class _Place:
    code: str
    name: str        # as the table writes it: 江苏省, 南京市, 玄武区
    short: str       # as the card stores it (province, city) or the full name (district)


_NOWHERE = _Place("", "", "")


def _short_province(name: str) -> str | None:
    return next((p for p in F.PROVINCES if name.startswith(p)), None)


def _short_city(name: str) -> str:
    for suffix in _CITY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name.removesuffix(suffix)
    return name


@lru_cache(maxsize=1)
def _by_start() -> dict[str, list[_Place]]:
    """Every place under the first two characters of its name and of its short name: a text is compared
    only with the few places that can start it."""
    provinces, cities, districts = _table()
    index: dict[str, list[_Place]] = {}
    for place in [*provinces.values(), *cities.values(), *districts]:
        for key in {place.name[:2], place.short[:2]}:
            index.setdefault(key, []).append(place)
    return index


def _candidates(text: str, level: int) -> list[_Place]:
    """Places of one level (2: province, 4: city, 6: district) whose name may start ``text``."""
    return [p for p in _by_start().get(text[:2], ()) if _level(p.code) == level]


def _level(code: str) -> int:
    return 2 if code.endswith("0000") else 4 if code.endswith("00") else 6


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, _Place], dict[str, _Place], list[_Place]]:
    """(provinces by 2-digit code, cities by 4-digit code, districts)."""
    provinces: dict[str, _Place] = {}
    cities: dict[str, _Place] = {}
    districts: list[_Place] = []
    with DATA.open(encoding="utf-8") as file:
        for row in csv.DictReader(line for line in file if not line.startswith("#")):
            code, name = row["adcode"], row["name"]
            if code.endswith("0000"):
                short = _short_province(name)
                if short:
                    provinces[code[:2]] = _Place(code, name, short)
            elif code.endswith("00"):
                cities[code[:4]] = _Place(code, name, _short_city(name))
            else:
                districts.append(_Place(code, name, name))
    return provinces, cities, districts


def _province_of(code: str) -> str | None:
    place = _table()[0].get(code[:2])
    return place.short if place else None


def _city_of(code: str) -> str | None:
    """The city a district belongs to; a municipality's districts belong to the municipality."""
    province = _province_of(code)
    if province in MUNICIPALITIES:
        return province
    place = _table()[1].get(code[:4])
    return place.short if place else None  # 省直辖县级市 (仙桃市…) have no city above them


def _starts(text: str, place: _Place) -> tuple[int, bool]:
    """How much of ``text`` the place's name takes at its start (0: not there), and whether it was only
    the short name (南京 rather than 南京市)."""
    if text.startswith(place.name):
        return len(place.name), False
    if len(place.short) >= 2 and place.short != place.name and text.startswith(place.short):
        return len(place.short), True
    return 0, False


def _district_at(text: str, within: str) -> bool:
    return any(d.code.startswith(within) and text.startswith(d.name) for d in _candidates(text, 6))


def _city_at(text: str, province_code: str) -> bool:
    return any(c.code.startswith(province_code) and _starts(text, c)[0] for c in _candidates(text, 4))


def find_region(*texts: Any) -> Region:
    """The first of ``texts`` that names a place, read from its start: province (optional), then city,
    then district. Region() when none does."""
    for text in texts:
        region = _read(_SPACES.sub("", str(text))) if text not in (None, "") else Region()
        if region != Region():
            return region
    return Region()


def _read(text: str) -> Region:
    """A short name (江西, 中山) counts only where nothing but a place can follow it: the end of the
    text, or the next level's name — so 江西路 or 中山路88号 name no place."""
    provinces, cities, _ = _table()
    province_code = ""
    for place in _candidates(text, 2):
        code = place.code[:2]
        taken, short = _starts(text, place)
        rest = text[taken:]
        if taken and (not short or not rest or _city_at(rest, code) or _district_at(rest, code)):
            province_code, text = code, rest
            break
    city_code = ""
    for place in _candidates(text, 4):
        code = place.code[:4]
        if province_code and not code.startswith(province_code):
            continue
        taken, short = _starts(text, place)
        rest = text[taken:]
        if taken and (not short or not rest or _district_at(rest, code)):
            city_code, text = code, rest
            break
    within = city_code or (province_code if provinces.get(province_code, _NOWHERE).short in MUNICIPALITIES else "")
    matches = [d for d in _candidates(text, 6) if (not within or d.code.startswith(within)) and text.startswith(d.name)]
    district = matches[0] if len(matches) == 1 else None  # 朝阳区 without its city: not a guess
    if district is not None:
        return Region(_province_of(district.code), _city_of(district.code), district.name)
    if city_code:
        province = _province_of(city_code)
        return Region(province, province if province in MUNICIPALITIES else cities[city_code].short, None)
    if province_code:
        province = provinces[province_code].short
        return Region(province, province if province in MUNICIPALITIES else None, None)
    return Region()
