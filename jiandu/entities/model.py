"""The probabilistic model: comparisons, their levels and weights, and the blocking rules.

Person mentions are compared with Splink on name, surname, birth date, sex, address, ethnicity
and ID number. The m and u probabilities are fixed here rather than trained on each run, so
that a link means the same thing on every run and on both engines, and every weight can be
read and argued about (followthemoney style: each feature has a weight and a description).
They were set from the synthetic county and checked against it (docs/entities.md).

Match weight of a level = log2(m / u); a pair's weight is the prior's weight plus the weight of
the level each comparison took. Organisations are not scored probabilistically: they are
never masked, so they link on credit code and exact normalised name only.

Masked mentions (张某) carry no given name: the ``name`` comparison is null for them, so their
weight comes from surname, birth date, sex and address. The hard rule in ``rules.py`` keeps
them apart unless birth date and sex (or district) agree whatever the weights say.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jiandu.entities.settings import ResolutionSettings


@dataclass(frozen=True, slots=True)
class Level:
    """One level of a comparison: a SQL condition on ``<column>_l`` and ``<column>_r`` with m and u."""

    code: str  # short English code, used in explanations: exact, district, else ...
    label: str  # Chinese label for explanations
    sql: str
    m: float | None = None  # None: the null level (no evidence either way)
    u: float | None = None

    @property
    def weight(self) -> float:
        if self.m is None or self.u is None:
            return 0.0
        return math.log2(self.m / self.u)


@dataclass(frozen=True, slots=True)
class Comparison:
    name: str  # output column name in Splink (gamma_<name>)
    label: str  # Chinese label
    levels: tuple[Level, ...]  # null level first, then from strongest to else

    def level(self, gamma: int) -> Level:
        """The level of a gamma value (-1 null; else counted from the last, 0 = else)."""
        if gamma < 0:
            return self.levels[0]
        return self.levels[len(self.levels) - 1 - gamma]


def _null(*columns: str) -> str:
    return " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in columns)


# Surname of a masked mention (欧某) is compatible with a full name starting with it (欧阳娜):
# courts (and the synthetic county) mask with the first character.
_SURNAME_COMPATIBLE = (
    "(masked_l AND substr(normalized_name_r, 1, length(surname_l)) = surname_l) OR "
    "(masked_r AND substr(normalized_name_l, 1, length(surname_r)) = surname_r)"
)

COMPARISONS: tuple[Comparison, ...] = (
    Comparison("name", "姓名", (
        Level("null", "一方隐名或缺失", _null("full_name")),
        Level("exact", "姓名相同", "full_name_l = full_name_r", 0.90, 0.0005),
        Level("else", "姓名不同", "ELSE", 0.10, 0.9995),
    )),
    Comparison("surname", "姓氏", (
        Level("null", "姓氏缺失", _null("surname")),
        Level("exact", "姓氏相同", "surname_l = surname_r", 0.96, 0.03),
        Level("compatible", "隐名姓氏与全名相容", _SURNAME_COMPATIBLE, 0.03, 0.002),
        Level("else", "姓氏不同", "ELSE", 0.01, 0.968),
    )),
    Comparison("birth_date", "出生日期", (
        Level("null", "出生日期缺失",
              "(birth_date_l IS NULL OR birth_date_r IS NULL) AND "
              "(birth_year_l IS NULL OR birth_year_r IS NULL)"),
        Level("exact", "出生日期相同", "birth_date_l = birth_date_r", 0.95, 0.00003),
        Level("year", "出生年份相同", "birth_year_l = birth_year_r", 0.04, 0.012),
        Level("else", "出生日期不同", "ELSE", 0.01, 0.98797),
    )),
    Comparison("sex", "性别", (
        Level("null", "性别缺失", _null("sex")),
        Level("exact", "性别相同", "sex_l = sex_r", 0.99, 0.5),
        Level("else", "性别不同", "ELSE", 0.01, 0.5),
    )),
    Comparison("address", "住址", (
        Level("null", "住址缺失", _null("district")),
        Level("exact", "详细住址相同", "address_l = address_r", 0.5, 0.002),
        Level("district", "住址区县相同", "district_l = district_r", 0.45, 0.2),
        Level("else", "住址区县不同", "ELSE", 0.05, 0.798),
    )),
    Comparison("ethnicity", "民族", (
        Level("null", "民族缺失", _null("ethnicity")),
        Level("exact", "民族相同", "ethnicity_l = ethnicity_r", 0.98, 0.9),
        Level("else", "民族不同", "ELSE", 0.02, 0.1),
    )),
    Comparison("id_key", "身份证号码", (
        Level("null", "一方无身份证号码", _null("id_key")),
        Level("exact", "身份证号码相同", "id_key_l = id_key_r", 0.999, 0.0000001),
        Level("else", "身份证号码不同", "ELSE", 0.001, 0.9999999),
    )),
)

COMPARISON_BY_NAME = {c.name: c for c in COMPARISONS}

# Pairs are scored only inside these blocks (Splink dedupes pairs found by several rules).
# Mentions with the same ID number are already linked exactly, so their pairs are skipped.
_NOT_SAME_KEY = "NOT coalesce(l.id_key = r.id_key, FALSE)"
BLOCKING_RULES: tuple[str, ...] = (
    f"l.first_char = r.first_char AND l.birth_date = r.birth_date AND {_NOT_SAME_KEY}",
    f"l.full_name = r.full_name AND l.birth_year = r.birth_year AND {_NOT_SAME_KEY}",
    f"l.full_name = r.full_name AND l.address = r.address AND {_NOT_SAME_KEY}",
)

# Columns of the table handed to Splink (person mentions only).
SPLINK_COLUMNS = (
    "unique_id", "full_name", "normalized_name", "masked", "surname", "first_char", "sex",
    "birth_date", "birth_year", "address", "district", "ethnicity", "id_key",
)


def splink_settings(settings: ResolutionSettings) -> dict[str, Any]:
    """A Splink settings dictionary for the comparisons above."""
    comparisons = []
    for comparison in COMPARISONS:
        levels: list[dict[str, Any]] = []
        for level in comparison.levels:
            if level.m is None:
                levels.append({"sql_condition": level.sql, "label_for_charts": level.code,
                               "is_null_level": True})
            else:
                levels.append({
                    "sql_condition": level.sql, "label_for_charts": level.code,
                    "m_probability": level.m, "u_probability": level.u,
                })
        comparisons.append({"output_column_name": comparison.name,
                            "comparison_description": comparison.label,
                            "comparison_levels": levels})
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": settings.prior,
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": rule, "sql_dialect": "duckdb"} for rule in BLOCKING_RULES
        ],
        "comparisons": comparisons,
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
    }


@lru_cache(maxsize=100_000)
def explain(gammas: tuple[int, ...]) -> tuple[str, str]:
    """A Chinese explanation of a scored pair and its detail as JSON (comparison → level,
    weight). ``gammas`` holds one gamma per comparison, in `COMPARISONS` order."""
    parts = []
    detail: dict[str, dict[str, Any]] = {}
    for comparison, gamma in zip(COMPARISONS, gammas, strict=True):
        level = comparison.level(int(gamma))
        detail[comparison.name] = {"level": level.code, "weight": round(level.weight, 2)}
        if level.m is not None:
            parts.append(f"{level.label}({level.weight:+.1f})")
    return "；".join(parts), json.dumps(detail, ensure_ascii=False, sort_keys=True)
