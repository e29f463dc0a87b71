"""The one-year LPR and the private-lending interest cap, read from dated data.

``lpr.yaml`` holds the one-year Loan Prime Rate as published since 2019-08-20 (one row per
change); ``interest_caps.yaml`` the cap rules of the Supreme People's Court's private-lending
interpretations (2015: 24% protected / 36% void; from 2020-08-20: four times the one-year LPR).
Both are national law and data; nothing here is regional. Loaded once, never fetched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

DATA_FILES = ("lpr.yaml", "interest_caps.yaml")


class LprRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    effective_from: dt.date
    rate: float = Field(gt=0, lt=100, description="percent")
    source: str = Field(min_length=1)


class LprSeries(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    unit: Literal["percent"]
    tenor: Literal["1Y"]
    verified_through: dt.date
    rows: tuple[LprRow, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> LprSeries:
        days = [r.effective_from for r in self.rows]
        if days != sorted(set(days)):
            raise ValueError("lpr.yaml: rows must have strictly increasing effective_from")
        if any(a.rate == b.rate for a, b in itertools.pairwise(self.rows)):
            raise ValueError("lpr.yaml: one row per change; two consecutive rows have the same rate")
        return self


class CapRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    effective_from: dt.date
    kind: Literal["fixed", "lpr_multiple"]
    protected: float | None = Field(default=None, gt=0, lt=100, description="percent, kind fixed")
    void_above: float | None = Field(default=None, gt=0, lt=100, description="percent, kind fixed")
    multiple: float | None = Field(default=None, gt=0, description="times the LPR, kind lpr_multiple")
    rule_zh: str = Field(min_length=1)
    basis_zh: str = Field(min_length=1)

    @model_validator(mode="after")
    def _complete(self) -> CapRule:
        if self.kind == "fixed" and self.protected is None:
            raise ValueError(f"{self.id}: a fixed rule needs `protected`")
        if self.kind == "lpr_multiple" and self.multiple is None:
            raise ValueError(f"{self.id}: an lpr_multiple rule needs `multiple`")
        return self


class CapRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: tuple[CapRule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> CapRules:
        days = [r.effective_from for r in self.rules]
        if days != sorted(set(days)):
            raise ValueError("interest_caps.yaml: rules must have strictly increasing effective_from")
        if self.rules[0].kind != "fixed":
            raise ValueError("interest_caps.yaml: the first rule must be fixed (it is the unknown-date cap)")
        return self


@dataclass(frozen=True, slots=True)
class InterestCap:
    """The protected annual rate on one day (fractions: 0.154 is 15.4%).

    ``effective_from`` is the first day this exact cap holds (the later of the rule's start and
    the LPR change it uses); ``void_above`` is the 2015 rule's 36% line (None under the 2020 rule,
    which has a single line).
    """

    annual_rate: float
    rule_zh: str
    basis_zh: str
    lpr: float | None
    effective_from: dt.date
    rule_id: str
    void_above: float | None = None
    date_known: bool = True


@dataclass(frozen=True, slots=True)
class CapPeriod:
    """One row of the interest_caps table: a cap constant from ``effective_from`` to
    ``effective_to`` (inclusive; None while in force)."""

    effective_from: dt.date
    effective_to: dt.date | None
    cap: InterestCap


def _read(name: str) -> Any:
    return yaml.safe_load(resources.files("jiandu.legal").joinpath(name).read_text("utf-8"))


@cache
def lpr_series() -> LprSeries:
    """The one-year LPR rows (percent), validated once."""
    return LprSeries.model_validate(_read("lpr.yaml"))


@cache
def cap_rules() -> CapRules:
    """The interest-cap rules, validated once."""
    return CapRules.model_validate(_read("interest_caps.yaml"))


@cache
def data_version() -> str:
    """A short hash of the data files: changes when a row is appended."""
    digest = hashlib.sha256()
    for name in DATA_FILES:
        digest.update(resources.files("jiandu.legal").joinpath(name).read_bytes())
    return digest.hexdigest()[:12]


def _percent(value: float) -> str:
    return f"{round(value, 4):g}%"


def _fraction(percent: float) -> float:
    return round(percent / 100, 6)


def lpr_on(day: dt.date) -> float | None:
    """The one-year LPR in force on ``day`` as a fraction (0.0385), or None before 2019-08-20."""
    rows = lpr_series().rows
    i = bisect_right([r.effective_from for r in rows], day)
    return None if i == 0 else _fraction(rows[i - 1].rate)


def _lpr_row(day: dt.date) -> LprRow | None:
    rows = lpr_series().rows
    i = bisect_right([r.effective_from for r in rows], day)
    return None if i == 0 else rows[i - 1]


def _fixed_cap(rule: CapRule, *, date_known: bool) -> InterestCap:
    assert rule.protected is not None
    rule_zh = rule.rule_zh
    if not date_known:
        rule_zh = f"日期不明或早于{rule.effective_from:%Y年%-m月%-d日}，按历来最高的受保护上限：{rule_zh}"
    return InterestCap(
        annual_rate=_fraction(rule.protected),
        rule_zh=rule_zh,
        basis_zh=rule.basis_zh,
        lpr=None,
        effective_from=rule.effective_from,
        rule_id=rule.id,
        void_above=None if rule.void_above is None else _fraction(rule.void_above),
        date_known=date_known,
    )


def _lpr_cap(rule: CapRule, day: dt.date) -> InterestCap:
    assert rule.multiple is not None
    row = _lpr_row(day)
    if row is None:
        raise ValueError(f"{rule.id}: no one-year LPR on {day} (lpr.yaml starts later)")
    annual = round(rule.multiple * row.rate, 4)
    times = f"{rule.multiple:g}"
    return InterestCap(
        annual_rate=_fraction(annual),
        rule_zh=f"起诉时一年期LPR（{row.rate:.2f}%）的{times}倍，即{_percent(annual)}",
        basis_zh=rule.basis_zh,
        lpr=_fraction(row.rate),
        effective_from=max(rule.effective_from, row.effective_from),
        rule_id=rule.id,
    )


def interest_cap(day: dt.date | None) -> InterestCap:
    """The private-lending interest cap courts protect for a case filed on ``day``.

    From 2020-08-20: four times the one-year LPR on ``day`` (起诉时); from 2015-09-01 until
    2020-08-19: 24% a year (36% void line). When ``day`` is None (date unknown) or before
    2015-09-01 (the earlier rule, four times the bank rate, is not in the data), the 2015 rule's
    24% is returned with ``date_known=False``: it is the highest protected cap in the data, so an
    unknown date never makes a lawful rate look unlawful.
    """
    rules = cap_rules().rules
    if day is None or day < rules[0].effective_from:
        return _fixed_cap(rules[0], date_known=False)
    rule = rules[bisect_right([r.effective_from for r in rules], day) - 1]
    if rule.kind == "fixed":
        return _fixed_cap(rule, date_known=True)
    return _lpr_cap(rule, day)


@cache
def cap_periods() -> tuple[CapPeriod, ...]:
    """Every period with one constant cap, from the first rule on, in date order: a rule's
    period is split where an LPR it depends on changes."""
    rules = cap_rules().rules
    starts: list[dt.date] = []
    for i, rule in enumerate(rules):
        end = rules[i + 1].effective_from if i + 1 < len(rules) else None
        starts.append(rule.effective_from)
        if rule.kind == "lpr_multiple":
            starts += [
                r.effective_from
                for r in lpr_series().rows
                if r.effective_from > rule.effective_from and (end is None or r.effective_from < end)
            ]
    periods = []
    for i, start in enumerate(starts):
        to = starts[i + 1] - dt.timedelta(days=1) if i + 1 < len(starts) else None
        periods.append(CapPeriod(start, to, interest_cap(start)))
    return tuple(periods)
