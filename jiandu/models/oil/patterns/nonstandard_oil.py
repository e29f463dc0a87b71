"""The synthetic county's non-standard oil pattern: the planted fleet of `fleet.py` as register
files in the agencies' export layouts, and its truth (one station that evades, three that must
not fire and a depot). The fleet needs no judgment, so it takes nothing from the document
budget; it is planted once per county (copy 0)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from jiandu.models.oil.patterns.fleet import (
    OIL_DEPOT,
    OIL_NEAR_MISSES,
    OIL_POSITIVE,
    STATIONS,
    oil_county,
    write_exports,
)
from jiandu.synth.companies import Organization
from jiandu.synth.county import County
from jiandu.synth.patterns import Instance

__all__ = ["PATTERN", "plan", "write"]

PATTERN = "nonstandard_oil"
MODEL = "oil.nonstandard_fuel_mass_balance"


def _station(name: str) -> Organization:
    tin = STATIONS[name][0]
    return Organization(
        key=tin,
        name=name,
        type="company",
        industry="成品油零售",
        district="越城区",
        address=f"浙江省绍兴市越城区{name}",
        rep_name="",
        rep_key=None,
        rep_title="负责人",
        rep_job="经理",
        established=dt.date(2012, 5, 1),
        capital=500,
    )


def plan(county: County, rng: random.Random, copy: int) -> list[Instance]:
    """One planted county per generated county (copy 0 only)."""
    if copy:
        return []
    out = [
        Instance(
            PATTERN,
            f"{PATTERN}-{copy:02d}-jianhu",
            True,
            "strong",
            _station("鉴湖加油站"),
            ["unloaded_550t", "declared_40t", "blendstock_invoices_200t", "gcj02_register"],
            "24 unloadings (550.8 t by tank capacity), 100 t of diesel and 200 t of 复合柴油 invoiced, "
            "40 t declared",
            models=[MODEL],
        )
    ]
    notes = {
        "城东加油站": "properly invoiced: 20 unloadings on waybills, 500 t invoiced, 480 t declared",
        "河滨加油站": "an oil depot 250 m away where tankers dwell an hour 30 times",
        "路口加油站": "tankers passing, queuing at the light, GPS gaps at the light, spikes landing on it",
    }
    for name, tin in OIL_NEAR_MISSES.items():
        assert STATIONS[name][0] == tin
        out.append(
            Instance(
                PATTERN,
                f"{PATTERN}-{copy:02d}-nm-{tin[-4:]}",
                False,
                "near_miss",
                _station(name),
                [],
                notes[name],
                models=[MODEL],
            )
        )
    out.append(
        Instance(
            PATTERN,
            f"{PATTERN}-{copy:02d}-nm-depot",
            False,
            "near_miss",
            _station("越州油库"),
            [],
            "an oil depot: tankers load there for an hour, never an unloading",
            models=[MODEL],
        )
    )
    assert out[0].subject.key == OIL_POSITIVE and out[-1].subject.key == OIL_DEPOT
    return out


def write(out: Path, county: County, instances: list[Instance]) -> dict[str, int]:
    """The fleet's export files, when the pattern was planted."""
    if not instances:
        return {}
    return write_exports(oil_county(), out)  # one frozen fleet (seed 7), whatever the county seed
