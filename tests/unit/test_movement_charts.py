"""分类变动 charts count whole moves: the y-axis never shows 0.2 steps (checked in the Vega-Lite spec)."""
import datetime as dt

import pandas as pd
import pytest

from components.board_insights import movement_chart
from components.dashboard_charts import _movements
from domain.periods import MONTH, WEEK, period_label, recent_periods

TODAY = dt.date(2026, 12, 4)


@pytest.mark.parametrize("period", [WEEK, MONTH])
def test_the_board_movement_chart_has_whole_number_ticks(period):
    starts = recent_periods(TODAY, period, 12)
    data = pd.DataFrame([{"时间": period_label(starts[-1], period), "起始": starts[-1].isoformat(),
                          "原分类": "普通客户",
                          "新分类": "重点客户", "变动": "普通客户 → 重点客户", "客户数": 1}])
    spec = movement_chart(data, starts, period).to_dict()
    assert spec["encoding"]["y"]["axis"] == {"format": "d", "tickMinStep": 1}
    assert spec["encoding"]["x"]["scale"]["domain"][-1] == period_label(starts[-1], period)


def test_the_dashboard_movement_chart_has_whole_number_ticks():
    frame = pd.DataFrame([{"周": dt.date(2026, 11, 30), "移出": "普通客户", "移入": "重点客户", "人次": 1}])
    spec = _movements(frame, "分类变动（按周，移入的分类）").to_dict()
    assert spec["encoding"]["y"]["axis"] == {"format": "d", "tickMinStep": 1}
