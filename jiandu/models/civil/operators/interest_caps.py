"""Legal parameters as a table models can join: ``interest_caps`` from `jiandu.legal`.

The operator ``interest_caps`` writes one row per period with a constant private-lending
interest cap (see `jiandu.legal.cap_periods`). It reads no table; its version carries a hash of
the legal data files, so appending an LPR row rebuilds the table on the next run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jiandu.engines.base import Engine
from jiandu.legal import cap_periods, data_version, interest_cap
from jiandu.schema.derived import derived_table

__all__ = ["InterestCaps", "interest_cap_rows"]


def interest_cap_rows() -> list[dict[str, object]]:
    """The rows of ``interest_caps``, oldest first."""
    fallback = interest_cap(None).rule_id
    rows: list[dict[str, object]] = []
    for p in cap_periods():
        rows.append(
            {
                "effective_from": p.effective_from,
                "effective_to": p.effective_to,
                "annual_cap": p.cap.annual_rate,
                "void_above": p.cap.void_above,
                "lpr": p.cap.lpr,
                "rule_id": p.cap.rule_id,
                "rule_zh": p.cap.rule_zh,
                "basis_zh": p.cap.basis_zh,
                "for_unknown_date": False,
            }
        )
    first = next(r for r in rows if r["rule_id"] == fallback)
    first["for_unknown_date"] = True
    return rows


@dataclass(frozen=True)
class InterestCaps:
    """interest_caps: the dated private-lending interest cap, for SQL joins by filing date."""

    name: str = "interest_caps"
    version: str = field(default_factory=lambda: f"1+{data_version()}")
    inputs: tuple[str, ...] = ()
    optional_inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ("interest_caps",)

    def run(self, engine: Engine) -> int:
        schema = derived_table("interest_caps")
        engine.drop_table(schema.name, missing_ok=True)
        engine.create_table(schema)
        engine.append(schema.name, schema.to_arrow(interest_cap_rows()))
        return engine.count(schema.name)
