"""The probabilistic model: comparisons and their levels, blocking rules, and fitted weights.

Person mentions are compared with Splink on name, surname (when a side is masked), birth date,
sex, address and ethnicity. Nothing here sets an m or u probability: they are estimated from
the data by `training.py` (u by random sampling, m by expectation maximisation, the prior
from the EM sessions), and a name match is adjusted for the frequency of the name (Splink's
term-frequency adjustment), so a match on 王伟 counts for less than a match on 郦樟根.

The comparisons are arranged so that no evidence is counted twice:

* ``name`` compares full names when **both** sides are full (null otherwise): the same name
  (term-frequency adjusted), the same surname only, or different surnames;
* ``masked_surname`` compares the first character of the names when **at least one** side is
  masked (null when both are full): the same (term-frequency adjusted), or different. The
  first character, not the surname, because courts mask a compound surname after its first
  character (欧阳娜 → 欧某), so 欧某 agrees with both 欧娜 and 欧阳娜; the masked rule
  (``rules.surname_compatible``) still demands a compatible surname before any link.

ID numbers are not a comparison: equal valid ID numbers are exact links, and different ones
are a conflict no machine link may cross (``clustering.py``): both are hard rules.

Match weight of a level = log2(m / u); a pair's weight is the prior's weight plus the weight of
the level each comparison took, plus the term-frequency adjustment of a name match. The masked
rule in ``rules.py`` keeps masked mentions apart unless birth date and sex (or district) agree,
whatever the weights say.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

LEVEL_NOT_OBSERVED_TEXT = "level not observed in training dataset"  # Splink's marker
NOT_OBSERVED = 1e-6  # the probability Splink reads for that marker


@dataclass(frozen=True, slots=True)
class Level:
    """One level of a comparison: a SQL condition on ``<column>_l`` and ``<column>_r``."""

    code: str  # short English code, used in explanations: exact, district, else ...
    label: str  # Chinese label for explanations
    sql: str
    null: bool = False  # the null level: no evidence either way
    tf_column: str | None = None  # term-frequency adjustment on this column (exact levels)


@dataclass(frozen=True, slots=True)
class Comparison:
    name: str  # output column name in Splink (gamma_<name>)
    label: str  # Chinese label
    levels: tuple[Level, ...]  # null level first, then from strongest to else

    def level_index(self, gamma: int) -> int:
        """Index into `levels` of a gamma value (-1 null; else counted from the last)."""
        return 0 if gamma < 0 else len(self.levels) - 1 - gamma


def _null(*columns: str) -> str:
    return " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in columns)


COMPARISONS: tuple[Comparison, ...] = (
    Comparison("name", "姓名", (
        Level("null", "一方隐名或缺失", _null("full_name"), null=True),
        Level("exact", "姓名相同", "full_name_l = full_name_r", tf_column="full_name"),
        Level("surname", "姓氏相同而名字不同", "surname_l = surname_r"),
        Level("else", "姓名不同", "ELSE"),
    )),
    Comparison("masked_surname", "隐名者姓氏", (
        Level("null", "双方均为全名或姓氏缺失",
              "(full_name_l IS NOT NULL AND full_name_r IS NOT NULL) OR " + _null("first_char"),
              null=True),
        Level("exact", "姓氏首字相同", "first_char_l = first_char_r", tf_column="first_char"),
        Level("else", "姓氏不同", "ELSE"),
    )),
    Comparison("birth_date", "出生日期", (
        Level("null", "出生日期缺失",
              "(birth_date_l IS NULL OR birth_date_r IS NULL) AND "
              "(birth_year_l IS NULL OR birth_year_r IS NULL)", null=True),
        Level("exact", "出生日期相同", "birth_date_l = birth_date_r"),
        Level("year", "出生年份相同", "birth_year_l = birth_year_r"),
        Level("else", "出生日期不同", "ELSE"),
    )),
    Comparison("sex", "性别", (
        Level("null", "性别缺失", _null("sex"), null=True),
        Level("exact", "性别相同", "sex_l = sex_r"),
        Level("else", "性别不同", "ELSE"),
    )),
    Comparison("address", "住址", (
        Level("null", "住址缺失", _null("district"), null=True),
        Level("exact", "详细住址相同", "address_l = address_r"),
        Level("district", "住址区县相同", "district_l = district_r"),
        Level("else", "住址区县不同", "ELSE"),
    )),
    Comparison("ethnicity", "民族", (
        Level("null", "民族缺失", _null("ethnicity"), null=True),
        Level("exact", "民族相同", "ethnicity_l = ethnicity_r"),
        Level("else", "民族不同", "ELSE"),
    )),
)

COMPARISON_BY_NAME = {c.name: c for c in COMPARISONS}
TF_COMPARISONS = tuple(c.name for c in COMPARISONS if any(lv.tf_column for lv in c.levels))

# Pairs are scored only inside these blocks (Splink dedupes pairs found by several rules).
# Mentions with the same ID number are already linked exactly, so their pairs are skipped.
_NOT_SAME_KEY = "NOT coalesce(l.id_key = r.id_key, FALSE)"
BLOCKING_RULES: tuple[str, ...] = (
    f"l.first_char = r.first_char AND l.birth_date = r.birth_date AND {_NOT_SAME_KEY}",
    f"l.full_name = r.full_name AND l.birth_year = r.birth_year AND {_NOT_SAME_KEY}",
    f"l.full_name = r.full_name AND l.address = r.address AND {_NOT_SAME_KEY}",
)

# Blocking rules of the EM sessions: each fixes one field, so the m of every other comparison
# is estimated in that session; together they estimate all of them.
TRAINING_BLOCKS: tuple[str, ...] = (
    "l.birth_date = r.birth_date",  # estimates name, masked_surname, sex, address, ethnicity
    "l.full_name = r.full_name",  # estimates birth_date (and again sex, address, ethnicity)
)

# Columns of the table handed to Splink (person mentions only).
SPLINK_COLUMNS = (
    "unique_id", "full_name", "normalized_name", "masked", "surname", "first_char", "sex",
    "birth_date", "birth_year", "address", "district", "ethnicity", "id_key",
)


def untrained_settings(prior: float, term_frequencies: bool = True) -> dict[str, Any]:
    """A Splink settings dictionary for the comparisons above, without m or u."""
    comparisons = []
    for comparison in COMPARISONS:
        levels: list[dict[str, Any]] = []
        for level in comparison.levels:
            entry: dict[str, Any] = {"sql_condition": level.sql, "label_for_charts": level.code}
            if level.null:
                entry["is_null_level"] = True
            if level.tf_column and term_frequencies:
                entry["tf_adjustment_column"] = level.tf_column
                entry["tf_adjustment_weight"] = 1.0
            levels.append(entry)
        comparisons.append({"output_column_name": comparison.name,
                            "comparison_description": comparison.label,
                            "comparison_levels": levels})
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": prior,
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": rule, "sql_dialect": "duckdb"} for rule in BLOCKING_RULES
        ],
        "comparisons": comparisons,
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
    }


@dataclass(frozen=True, slots=True)
class Weights:
    """The fitted model: Splink's settings with m and u, and what they came from.

    ``levels[comparison][i]`` is (m, u) of ``COMPARISONS[...].levels[i]`` (None for the null
    level); ``source`` says how they were obtained (``trained`` on this store, or
    ``reference`` — the packaged model, for stores too small to train on).
    """

    settings: dict[str, Any]
    source: str
    term_frequencies: bool
    detail: dict[str, Any]

    @property
    def prior(self) -> float:
        return float(self.settings["probability_two_random_records_match"])

    @property
    def prior_weight(self) -> float:
        return math.log2(self.prior / (1 - self.prior))

    def m_u(self, comparison: str, index: int) -> tuple[float, float] | None:
        """(m, u) of a level, or None for the null level."""
        spec = _comparison(self.settings, comparison)
        entry = spec["comparison_levels"][index]
        if entry.get("is_null_level"):
            return None
        m, u = entry["m_probability"], entry["u_probability"]
        return (NOT_OBSERVED if m == LEVEL_NOT_OBSERVED_TEXT else float(m),
                NOT_OBSERVED if u == LEVEL_NOT_OBSERVED_TEXT else float(u))

    def weight(self, comparison: str, gamma: int) -> float:
        """Match weight (bits) of a level, before any term-frequency adjustment."""
        mu = self.m_u(comparison, COMPARISON_BY_NAME[comparison].level_index(gamma))
        return 0.0 if mu is None else math.log2(mu[0] / mu[1])

    def table(self) -> list[dict[str, Any]]:
        """One row per non-null level: comparison, level, m, u, weight (for docs and stats)."""
        rows = []
        for comparison in COMPARISONS:
            for i, level in enumerate(comparison.levels):
                mu = self.m_u(comparison.name, i)
                if mu is None:
                    continue
                rows.append({"comparison": comparison.name, "level": level.code,
                             "label": level.label, "m": mu[0], "u": mu[1],
                             "weight": math.log2(mu[0] / mu[1]),
                             "tf": bool(level.tf_column and self.term_frequencies)})
        return rows

    def to_json(self) -> str:
        return json.dumps({"source": self.source, "term_frequencies": self.term_frequencies,
                           "detail": self.detail, "settings": self.settings},
                          ensure_ascii=False, indent=1, sort_keys=True, default=str)

    @classmethod
    def from_json(cls, text: str) -> Weights:
        data = json.loads(text)
        return cls(data["settings"], data["source"], bool(data["term_frequencies"]),
                   data.get("detail", {}))


def _comparison(settings: dict[str, Any], name: str) -> dict[str, Any]:
    for spec in settings["comparisons"]:
        if spec["output_column_name"] == name:
            return dict(spec)
    raise KeyError(name)


_TF_LABELS = {"full_name": "姓名", "first_char": "姓氏"}


def explain(weights: Weights, gammas: tuple[int, ...], tf_adjustments: dict[str, float]
            ) -> tuple[str, str]:
    """A Chinese explanation of a scored pair and its detail as JSON (comparison → level,
    weight, term-frequency adjustment). ``gammas`` holds one gamma per comparison, in
    `COMPARISONS` order; ``tf_adjustments`` the adjustment (bits) of each TF comparison."""
    parts = []
    detail: dict[str, dict[str, Any]] = {}
    for comparison, gamma in zip(COMPARISONS, gammas, strict=True):
        index = comparison.level_index(int(gamma))
        level = comparison.levels[index]
        weight = weights.weight(comparison.name, int(gamma))
        adjust = tf_adjustments.get(comparison.name, 0.0) or 0.0
        entry: dict[str, Any] = {"level": level.code, "weight": round(weight, 2)}
        if adjust:
            entry["tf_adjustment"] = round(adjust, 2)
        detail[comparison.name] = entry
        if level.null:
            continue
        if adjust:
            what = _TF_LABELS.get(level.tf_column or "", "")
            parts.append(f"{level.label}({weight + adjust:+.1f}，"
                         f"{'常见' if adjust < 0 else '少见'}{what}调整{adjust:+.1f})")
        else:
            parts.append(f"{level.label}({weight:+.1f})")
    return "；".join(parts), json.dumps(detail, ensure_ascii=False, sort_keys=True)
