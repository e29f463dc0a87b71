"""The synthetic county's water pattern (`PATTERN`): the frozen water county of `county.py` as
the agencies' export files, and its truth (each planted positive and near miss of the three water
models). It needs no judgment, so it takes nothing from the document budget; it is planted once
per county (copy 0), whatever the seed."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from jiandu.models.water.patterns.county import PLANTED, Planted, water_county, write_exports
from jiandu.synth.companies import Organization
from jiandu.synth.county import County
from jiandu.synth.patterns import Instance

__all__ = ["PATTERN", "plan", "write"]

PATTERN = "water"


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


def plan(county: County, rng: random.Random, copy: int) -> list[Instance]:
    """One instance per planted company (copy 0 only)."""
    if copy:
        return []
    return [
        Instance(
            PATTERN,
            f"{PATTERN}-{copy:02d}-{x.model.split('.')[1]}-{x.key[-4:]}",
            x.positive,
            x.strength,
            _organization(x),
            [x.model.split(".")[1]] if x.positive else [],
            x.note,
            models=[x.model],
        )
        for x in PLANTED
    ]


def write(out: Path, county: County, instances: list[Instance]) -> dict[str, int]:
    """The water county's export files, when the pattern was planted."""
    if not instances:
        return {}
    return write_exports(water_county(), out)
