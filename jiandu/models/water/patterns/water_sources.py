"""The synthetic county's water patterns, one per model (`PATTERNS_BY_MODEL`: ``water_intake``,
``water_quota``, ``water_zone``), so `jiandu evaluate` measures each model apart: the frozen
water county of `county.py` and its truth (each planted positive and near miss). The export files
are written once, by the first pattern's writer. Nothing here needs a judgment, so the patterns
take nothing from the document budget; they are planted once per county (copy 0), whatever the
seed."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path

from jiandu.models.water.patterns.county import PLANTED, Planted, water_county, write_exports
from jiandu.synth.companies import Organization
from jiandu.synth.county import County
from jiandu.synth.patterns import Instance

__all__ = ["PATTERNS_BY_MODEL", "planner", "write"]

PATTERNS_BY_MODEL = {
    "water.intake_without_permit": "water_intake",
    "water.quota_underbilling": "water_quota",
    "water.protection_zone_violation": "water_zone",
}


def _organization(x: Planted) -> Organization:
    return Organization(
        key=x.key,
        name=x.name,
        type="company",
        industry="",
        district=x.district,
        address=f"浙江省绍兴市{x.district}",
        rep_name="",
        rep_key=None,
        rep_title="法定代表人",
        rep_job="执行董事",
        established=dt.date(2010, 1, 1),
        capital=1000,
    )


def planner(model: str) -> Callable[[County, random.Random, int], list[Instance]]:
    """The planner of one model's pattern: an instance per company planted for it (copy 0)."""
    pattern = PATTERNS_BY_MODEL[model]

    def plan(county: County, rng: random.Random, copy: int) -> list[Instance]:
        if copy:
            return []
        return [
            Instance(
                pattern,
                f"{pattern}-{copy:02d}-{x.key[-4:]}",
                x.positive,
                x.strength,
                _organization(x),
                [pattern] if x.positive else [],
                x.note,
                models=[x.model],
            )
            for x in PLANTED
            if x.model == model
        ]

    return plan


def write(out: Path, county: County, instances: list[Instance]) -> dict[str, int]:
    """The water county's export files (every model's), when the first pattern was planted."""
    if not instances:
        return {}
    return write_exports(water_county(), out)
