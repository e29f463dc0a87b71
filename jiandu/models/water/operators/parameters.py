"""water_quotas and water_rates: the quotas of `quotas.yaml` and the dated rates of `rates.yaml`
as tables.

Reads no table; its version carries a hash of both files, so editing a quota or appending a rate
rebuilds the tables on the next run (as ``oil_tax_rates`` does).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from jiandu.engines.base import Engine
from jiandu.models.store import write_rows

__all__ = ["WaterParameters", "parameters_version", "quota_rows", "rate_rows"]

OPEN_END = dt.date(9999, 12, 31)


@cache
def _text(name: str) -> str:
    return resources.files("jiandu.models.water").joinpath(name).read_text("utf-8")


def parameters_version() -> str:
    """A short hash of quotas.yaml and rates.yaml."""
    both = _text("quotas.yaml") + _text("rates.yaml")
    return hashlib.sha256(both.encode("utf-8")).hexdigest()[:12]


def quota_rows() -> list[dict[str, Any]]:
    """One row per product: m³ of water per unit of output, with its source."""
    return [
        {**r, "industry_code": str(r["industry_code"])}
        for r in yaml.safe_load(_text("quotas.yaml"))["quotas"]
    ]


def rate_rows() -> list[dict[str, Any]]:
    """One row per source type and period (fee, then tax); a period ends the day before the next
    of the same source type starts."""
    raw = yaml.safe_load(_text("rates.yaml"))["rates"]
    rows = [
        {**r, "effective_to": OPEN_END}
        for r in sorted(raw, key=lambda r: (r["source_type"], r["effective_from"]))
    ]
    for a, b in itertools.pairwise(rows):
        if a["source_type"] == b["source_type"]:
            a["effective_to"] = b["effective_from"] - dt.timedelta(days=1)
    return rows


@dataclass(frozen=True)
class WaterParameters:
    """water_quotas, water_rates: from quotas.yaml and rates.yaml."""

    name: str = "water_parameters"
    version: str = field(default_factory=lambda: f"1+{parameters_version()}")
    inputs: tuple[str, ...] = ()
    optional_inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ("water_quotas", "water_rates")

    def run(self, engine: Engine) -> int:
        return write_rows(engine, "water_quotas", quota_rows()) + write_rows(
            engine, "water_rates", rate_rows()
        )
