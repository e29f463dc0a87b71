"""Periods after an administrative decision, read from dated data (``enforcement_periods.yaml``):
the period to sue (起诉期限) and the period an agency without its own enforcement power has to
apply to a court for enforcement (申请人民法院强制执行, 行政强制法 第五十三条).

`enforcement_deadlines(served)` → the last day to sue and the last day to apply, by the law in
force on the day of service. Months are calendar months counted from the day after the start
(期间开始的日不计算在期间内): served 2023-03-10, six months end on 2023-09-10; a month without
that day ends on its last day (served 2023-08-31 → 2024-02-29). A period ending on a Saturday or
Sunday ends on the Monday after; statutory holidays are not in the data.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["Deadlines", "add_months", "enforcement_deadlines", "full_years_after", "next_working_day"]


class _Period(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    effective_from: dt.date
    months: int | None = Field(default=None, gt=0, le=120)
    days: int | None = Field(default=None, gt=0, le=3650)
    basis_zh: str = Field(min_length=1)

    @model_validator(mode="after")
    def _one_length(self) -> _Period:
        if (self.months is None) == (self.days is None):
            raise ValueError("a period has months or days, not both")
        return self


class _Periods(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    suit: tuple[_Period, ...] = Field(min_length=1)
    apply: tuple[_Period, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> _Periods:
        for rows in (self.suit, self.apply):
            days = [r.effective_from for r in rows]
            if days != sorted(set(days)):
                raise ValueError("enforcement_periods.yaml: rows must have increasing effective_from")
        return self


@cache
def _periods() -> _Periods:
    text = resources.files("jiandu.legal").joinpath("enforcement_periods.yaml").read_text("utf-8")
    return _Periods.model_validate(yaml.safe_load(text))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later (the month's last day when it has none)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def full_years_after(day: dt.date, years: int) -> dt.date:
    """The day on which ``years`` full years after ``day`` are complete (满N年): the same
    calendar day ``years`` later (29 February → 28 February)."""
    return add_months(day, 12 * years)


def next_working_day(day: dt.date) -> dt.date:
    """``day``, or the Monday after when it is a Saturday or Sunday."""
    return day + dt.timedelta(days=max(0, 7 - day.weekday())) if day.weekday() >= 5 else day


def _in_force(rows: tuple[_Period, ...], day: dt.date) -> _Period | None:
    found = None
    for row in rows:
        if row.effective_from <= day:
            found = row
    return found


def _end(start: dt.date, period: _Period) -> dt.date:
    if period.months is not None:
        return next_working_day(add_months(start, period.months))
    assert period.days is not None
    return next_working_day(start + dt.timedelta(days=period.days))


@dataclass(frozen=True, slots=True)
class Deadlines:
    """The last day to sue and the last day to apply to court, with the rules used."""

    suit_deadline: dt.date
    apply_deadline: dt.date
    suit_months: int | None
    apply_months: int | None
    apply_days: int | None
    basis_zh: str

    @property
    def periods_zh(self) -> str:
        apply = f"{self.apply_months}个月" if self.apply_months else f"{self.apply_days}日"
        return (
            f"起诉期限{self.suit_months}个月，至{self.suit_deadline.isoformat()}届满；"
            f"申请人民法院强制执行期限{apply}，至{self.apply_deadline.isoformat()}届满"
        )


def enforcement_deadlines(served: dt.date) -> Deadlines | None:
    """The deadlines for a decision served on ``served`` (None before the data's first rule)."""
    data = _periods()
    suit = _in_force(data.suit, served)
    if suit is None:
        return None
    suit_end = _end(served, suit)
    apply = _in_force(data.apply, suit_end)
    if apply is None:
        return None
    return Deadlines(
        suit_end,
        _end(suit_end, apply),
        suit.months,
        apply.months,
        apply.days,
        f"{suit.basis_zh}\n{apply.basis_zh}",
    )
