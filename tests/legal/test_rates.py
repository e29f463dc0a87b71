"""The one-year LPR and the interest cap by date, read from jiandu/legal/*.yaml.

Expected values are the published figures (NIFC one-year LPR announcements; the Supreme
People's Court's private-lending interpretations of 2015 and 2020), not the code's output."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from jiandu.legal import cap_periods, interest_cap, lpr_on
from jiandu.legal.rates import lpr_series

D = dt.date


@pytest.mark.parametrize(
    ("day", "rate"),
    [
        (D(2019, 8, 19), None),  # before the reform: no LPR of the new kind
        (D(2019, 8, 20), 0.0425),
        (D(2019, 9, 19), 0.0425),
        (D(2019, 9, 20), 0.042),
        (D(2020, 4, 20), 0.0385),
        (D(2020, 8, 20), 0.0385),
        (D(2021, 12, 19), 0.0385),
        (D(2021, 12, 20), 0.038),
        (D(2022, 8, 22), 0.0365),
        (D(2023, 8, 21), 0.0345),
        (D(2024, 10, 20), 0.0335),
        (D(2024, 10, 21), 0.031),
        (D(2025, 5, 20), 0.03),
    ],
)
def test_lpr_on(day: dt.date, rate: float | None) -> None:
    assert lpr_on(day) == rate


def test_cap_before_the_2020_amendment_is_24_percent_with_a_36_percent_void_line() -> None:
    cap = interest_cap(D(2020, 8, 19))
    assert (cap.annual_rate, cap.void_above, cap.lpr) == (0.24, 0.36, None)
    assert cap.effective_from == D(2015, 9, 1) and cap.date_known
    assert "法释〔2015〕18号" in cap.basis_zh and "第二十六条" in cap.basis_zh
    assert "24%" in cap.rule_zh and "36%" in cap.rule_zh


def test_cap_on_and_after_2020_08_20_is_four_times_the_lpr_at_filing() -> None:
    on = interest_cap(D(2020, 8, 20))
    assert (on.annual_rate, on.lpr, on.void_above) == (0.154, 0.0385, None)
    assert on.rule_zh == "起诉时一年期LPR（3.85%）的4倍，即15.4%"
    assert on.effective_from == D(2020, 8, 20)
    assert "法释〔2020〕6号" in on.basis_zh and "法释〔2020〕17号" in on.basis_zh
    later = interest_cap(D(2023, 9, 1))
    assert (later.annual_rate, later.lpr, later.effective_from) == (0.138, 0.0345, D(2023, 8, 21))
    assert later.rule_zh == "起诉时一年期LPR（3.45%）的4倍，即13.8%"
    assert interest_cap(D(2024, 10, 21)).annual_rate == 0.124


def test_unknown_date_gets_the_highest_protected_cap() -> None:
    for day in (None, D(2012, 5, 1)):  # unknown, or before the 2015 provisions (not in the data)
        cap = interest_cap(day)
        assert cap.annual_rate == 0.24 and not cap.date_known
        assert cap.annual_rate == max(p.cap.annual_rate for p in cap_periods())


def test_cap_periods_tile_the_calendar_from_2015_09_01() -> None:
    periods = cap_periods()
    assert periods[0].effective_from == D(2015, 9, 1)
    assert periods[0].effective_to == D(2020, 8, 19)
    assert periods[1].effective_from == D(2020, 8, 20) and periods[1].cap.annual_rate == 0.154
    for a, b in itertools.pairwise(periods):
        assert a.effective_to is not None and a.effective_to + dt.timedelta(days=1) == b.effective_from
        assert a.cap.annual_rate != b.cap.annual_rate
    assert periods[-1].effective_to is None
    # every LPR change since the amendment starts a period
    changes = {r.effective_from for r in lpr_series().rows if r.effective_from >= D(2020, 8, 20)}
    assert changes <= {p.effective_from for p in periods}
    for p in periods:
        assert interest_cap(p.effective_from) == p.cap
