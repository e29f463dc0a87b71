"""oil_tax_rates and oil_products: the dated rates and 成品油 codes of `rates.yaml` as tables.

Reads no table; its version carries a hash of the YAML, so appending a rate rebuilds the tables
on the next run (as ``interest_caps`` does for the LPR).
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

__all__ = ["OilTaxRates", "product_rows", "rate_rows", "rates_version"]

OPEN_END = dt.date(9999, 12, 31)


@cache
def _text() -> str:
    return resources.files("jiandu.models.oil").joinpath("rates.yaml").read_text("utf-8")


def rates_version() -> str:
    """A short hash of rates.yaml."""
    return hashlib.sha256(_text().encode("utf-8")).hexdigest()[:12]


def rate_rows() -> list[dict[str, Any]]:
    """One row per tax, product and period; each period ends the day before the next starts."""
    raw = yaml.safe_load(_text())["tax_rates"]
    rows: list[dict[str, Any]] = []
    for r in sorted(raw, key=lambda r: (r["tax"], str(r["product"]), r["effective_from"])):
        rows.append({**r, "product": str(r["product"]), "effective_to": OPEN_END})
    for a, b in itertools.pairwise(rows):
        if (a["tax"], a["product"]) == (b["tax"], b["product"]):
            a["effective_to"] = b["effective_from"] - dt.timedelta(days=1)
    return rows


def product_rows() -> list[dict[str, Any]]:
    """The 成品油 codes with litres per tonne and role."""
    return [{**r, "code_prefix": str(r["code_prefix"])} for r in yaml.safe_load(_text())["products"]]


@dataclass(frozen=True)
class OilTaxRates:
    """oil_tax_rates, oil_products: from rates.yaml."""

    name: str = "oil_tax_rates"
    version: str = field(default_factory=lambda: f"1+{rates_version()}")
    inputs: tuple[str, ...] = ()
    optional_inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ("oil_tax_rates", "oil_products")

    def run(self, engine: Engine) -> int:
        return write_rows(engine, "oil_tax_rates", rate_rows()) + write_rows(
            engine, "oil_products", product_rows()
        )
