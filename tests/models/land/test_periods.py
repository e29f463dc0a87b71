"""The legal periods after a penalty decision (jiandu/legal/enforcement_periods.yaml) and the
calendar arithmetic the land models count with."""

from __future__ import annotations

import datetime as dt

from jiandu.legal.enforcement import add_months, enforcement_deadlines, full_years_after, next_working_day

D = dt.date


def test_months_and_full_years() -> None:
    assert add_months(D(2023, 3, 10), 6) == D(2023, 9, 10)
    assert add_months(D(2023, 8, 31), 6) == D(2024, 2, 29)  # no 31 February: the month's last day
    assert add_months(D(2023, 11, 30), 3) == D(2024, 2, 29)
    assert full_years_after(D(2021, 3, 1), 1) == D(2022, 3, 1)  # 满一年 on the same calendar day
    assert full_years_after(D(2020, 2, 29), 1) == D(2021, 2, 28)
    assert full_years_after(D(2020, 2, 29), 4) == D(2024, 2, 29)
    assert next_working_day(D(2023, 9, 10)) == D(2023, 9, 11)  # a Sunday
    assert next_working_day(D(2023, 9, 9)) == D(2023, 9, 11)  # a Saturday
    assert next_working_day(D(2023, 9, 8)) == D(2023, 9, 8)


def test_six_months_then_three_since_2015() -> None:
    found = enforcement_deadlines(D(2023, 3, 10))
    assert found is not None
    # six months end on Sunday 2023-09-10, so on Monday the 11th; three months later, a Monday
    assert (found.suit_deadline, found.apply_deadline) == (D(2023, 9, 11), D(2023, 12, 11))
    assert (found.suit_months, found.apply_months, found.apply_days) == (6, 3, None)
    assert "第四十六条" in found.basis_zh and "第五十三条" in found.basis_zh
    assert (
        found.periods_zh == "起诉期限6个月，至2023-09-11届满；申请人民法院强制执行期限3个月，至2023-12-11届满"
    )


def test_older_rules_by_service_date() -> None:
    before_2015 = enforcement_deadlines(D(2014, 6, 3))  # 1989 law: three months to sue
    assert before_2015 is not None
    assert (before_2015.suit_deadline, before_2015.apply_deadline) == (D(2014, 9, 3), D(2014, 12, 3))
    before_2012 = enforcement_deadlines(D(2010, 1, 4))  # 180 days to apply (法释〔2000〕8号)
    assert before_2012 is not None and before_2012.apply_days == 180
    assert before_2012.suit_deadline == D(2010, 4, 5)  # 2010-04-04 is a Sunday
    assert before_2012.apply_deadline == next_working_day(D(2010, 4, 5) + dt.timedelta(days=180))
    assert enforcement_deadlines(D(1989, 1, 1)) is None
