"""The one-year LPR and the interest cap by date, read from jiandu/legal/*.yaml.

Expected values are the published figures (NIFC one-year LPR announcements; the Supreme
People's Court's private-lending interpretations of 2015 and 2020), not the code's output."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from jiandu.engines.base import Engine
from jiandu.legal import cap_periods, interest_cap, lpr_on
from jiandu.legal.rates import lpr_series
from jiandu.models.civil.operators.interest_caps import InterestCaps
from jiandu.models.library import Library
from jiandu.models.operators import update_derived
from jiandu.models.regions import RegionError, check_region, load_region, parse_region
from tests.models.civil.support import Suit, load, run_civil

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


# -- the interest_caps table and the routine-loan model --------------------------------------


def test_interest_caps_table_on_the_engine(engine: Engine) -> None:
    update_derived(engine, run_id="test", operators=[InterestCaps()])
    rows = engine.rows("SELECT * FROM interest_caps ORDER BY effective_from")
    assert len(rows) == len(cap_periods())
    first, after = rows[0], rows[1]
    assert (first["effective_from"], first["effective_to"], first["annual_cap"]) == (
        D(2015, 9, 1),
        D(2020, 8, 19),
        0.24,
    )
    assert first["void_above"] == 0.36 and first["for_unknown_date"] is True
    assert (after["effective_from"], after["annual_cap"], after["lpr"]) == (D(2020, 8, 20), 0.154, 0.0385)
    assert after["rule_zh"] == "起诉时一年期LPR（3.85%）的4倍，即15.4%" and not after["for_unknown_date"]
    assert rows[-1]["effective_to"] is None
    assert [r for r in rows if r["for_unknown_date"]] == [first]
    # a second run with the same data does not rebuild it
    again = update_derived(engine, run_id="test2", operators=[InterestCaps()])
    assert [r.status for r in again] == ["up_to_date"]


def test_routine_loan_spec_reads_the_cap_in_force_at_filing(engine: Engine) -> None:
    """Each suit: cash delivery not proven + one stated rate; a clue needs the rate to be at least
    twice the cap in force when the case was filed."""
    load(
        engine,
        [
            # 36% the day before the 2020 amendment: cap 24%, not twice it -> no clue
            Suit("甲", 1, rate=("月利率3%", 0.36), year=2020, filing=D(2020, 8, 19), cash_unproven=True),
            # 36% on the day of the amendment: cap 15.4% -> clue
            Suit("乙", 2, rate=("月利率3%", 0.36), year=2020, filing=D(2020, 8, 20), cash_unproven=True),
            # 25% after the LPR fell to 3.10%: cap 12.4% -> clue (the old fixed 15.4% would not)
            Suit("丙", 3, rate=("年利率25%", 0.25), year=2024, filing=D(2024, 11, 1), cash_unproven=True),
            # 25% while the LPR was 3.85%: cap 15.4%, 25% < 30.8% -> no clue
            Suit("丁", 4, rate=("年利率25%", 0.25), year=2021, filing=D(2021, 3, 1), cash_unproven=True),
            # filed before the 2015 provisions (outside the data): the unknown-date cap 24% -> 60% is a clue
            Suit("戊", 5, rate=("月利率5%", 0.6), year=2014, filing=D(2014, 5, 1), cash_unproven=True),
        ],
    )
    clues = run_civil(engine, "civil.routine_loan_signs")
    by_case = {c["subject"]["name"]: c["explanation"] for c in clues}
    assert sorted(by_case) == ["（2014）浙0602民初5号", "（2020）浙0602民初2号", "（2024）浙0602民初3号"]
    assert "约定年利率36.0%，超过起诉时法定上限15.4%" in by_case["（2020）浙0602民初2号"]
    assert "约定年利率25.0%，超过起诉时法定上限12.4%" in by_case["（2024）浙0602民初3号"]
    assert "约定年利率60.0%，超过起诉时法定上限24.0%" in by_case["（2014）浙0602民初5号"]
    for clue in clues:
        assert "利率超过法定上限" in {e["label"] for e in clue["evidence"]}


def test_a_region_cannot_set_the_legal_cap() -> None:
    library = Library()
    spec = library.get("civil.routine_loan_signs")
    assert not {"lpr", "lpr_multiple", "reform_date", "cap_before_reform"} & set(spec.parameters)
    region = parse_region(
        {"region": "x", "name_zh": "某地", "models": {"civil.routine_loan_signs": {"lpr": 0.05}}},
        source="test",
    )
    with pytest.raises(RegionError):
        region.parameters_for(spec)
    assert check_region(load_region("zhejiang"), library.all()) == []
