"""The 驾驶舱's link: it says only what differs from the default view, and opening it gives the
same view back; a bad value in a hand-edited link falls back to the default, never an error."""
import datetime as dt
from dataclasses import replace

import pytest

from domain.dashboard import DashboardFilter, default_filter, from_params, url_params

TODAY = dt.date(2026, 12, 3)
USUAL = DashboardFilter(start=default_filter(TODAY).start, end=TODAY, scheme_id=1)


def opened(params: dict[str, str]) -> DashboardFilter:
    """What the page does with a link: the filters it names, the usual scheme when it names none."""
    flt = from_params(params, TODAY)
    return flt if flt.scheme_id else replace(flt, scheme_id=USUAL.scheme_id)


def test_the_default_view_needs_no_parameters():
    assert url_params(USUAL, USUAL) == {}
    assert opened({}) == USUAL


def test_a_changed_filter_is_in_the_link_and_comes_back_from_it():
    views = [
        DashboardFilter(start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30), province="四川", scheme_id=1),
        DashboardFilter(start=USUAL.start, end=TODAY, customer_type="餐饮终端", owner_id=7, scheme_id=2),
        DashboardFilter(start=dt.date(2026, 11, 1), end=TODAY, scheme_id=1),  # only the start moved
    ]
    for view in views:
        assert opened(url_params(view, USUAL)) == view
    assert url_params(views[0], USUAL) == {"from": "2026-01-01", "to": "2026-06-30", "province": "四川"}
    assert url_params(views[2], USUAL) == {"from": "2026-11-01"}


def test_bad_values_in_a_link_fall_back_to_the_default():
    assert opened({"from": "2026-13-01", "province": "火星", "owner": "x", "type": "?"}) == USUAL
    assert opened({"from": "2026-12-01", "to": "2026-11-01"}) == USUAL  # an end before its start


D = dt.date


@pytest.mark.parametrize("picked, expected", [
    ((D(2026, 1, 1), D(2026, 2, 1)), (D(2026, 1, 1), D(2026, 2, 1))),
    ((D(2026, 2, 1), D(2026, 1, 1)), (D(2026, 1, 1), D(2026, 2, 1))),
    ((D(2026, 3, 5),), (D(2026, 3, 5), D(2026, 3, 5))),  # the second end not picked yet
    (D(2026, 3, 5), (D(2026, 3, 5), D(2026, 3, 5))),  # a picker drawn without its state
    ((), (D(2025, 1, 1), D(2025, 12, 31))),
    (None, (D(2025, 1, 1), D(2025, 12, 31))),
])
def test_a_picked_range_in_any_shape_streamlit_gives_it(picked, expected):
    from domain.dashboard import picked_range
    assert picked_range(picked, (D(2025, 1, 1), D(2025, 12, 31))) == expected
