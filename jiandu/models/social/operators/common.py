"""What the social operators share: stand-ins for optional inputs no source has fed, and month
arithmetic written once for both engines."""

from __future__ import annotations

from collections.abc import Iterable

from jiandu.engines.base import Engine
from jiandu.schema import table
from jiandu.schema.derived import derived_table

__all__ = ["OWN_TABLES", "ensure_own_tables", "month_index", "pay_month_index", "with_missing_tables"]

# The register tables of this domain (registers.yaml, domain social): the operators create them
# empty when no source has fed them, so the models (whose evidence reads them) run on a
# workspace holding only some of the domain's sources. Other domains' tables are never created.
OWN_TABLES = (
    "pension_payments",
    "death_records",
    "prison_terms",
    "prison_accounts",
    "criminal_sentences",
    "community_corrections",
    "correction_leaves",
    "border_crossings",
    "property_penalties",
    "penalty_payments",
)


def _empty(name: str) -> str:
    try:
        schema = table(name)
    except KeyError:
        schema = derived_table(name)
    columns = ", ".join(f"CAST(NULL AS {c.type}) AS {c.name}" for c in schema.columns)
    return f"{name} AS (SELECT {columns} WHERE 1 = 0)"


def ensure_own_tables(engine: Engine, names: Iterable[str]) -> None:
    """Create, empty, the tables of ``names`` that are this domain's and do not exist yet."""
    engine.ensure_tables([table(n) for n in names if n in OWN_TABLES and not engine.table_exists(n)])


def with_missing_tables(engine: Engine, sql: str, names: Iterable[str]) -> str:
    """``sql`` (a query starting with WITH) with an empty stand-in for each table of ``names``
    the store does not hold, so a workspace holding only some of the domain's sources runs it
    without creating tables it was never sent."""
    missing = [_empty(n) for n in names if not engine.table_exists(n)]
    if not missing:
        return sql
    body = sql.lstrip()
    if not body.upper().startswith("WITH "):
        raise ValueError("the query must start with WITH")
    return "WITH " + ",\n".join(missing) + ",\n" + body[5:]


def month_index(date_sql: str) -> str:
    """SQL: the month of a DATE as one integer (year × 12 + month)."""
    return f"(year({date_sql}) * 12 + month({date_sql}))"


def pay_month_index(yyyymm_sql: str) -> str:
    """SQL: the month of a yyyymm INTEGER as one integer (year × 12 + month)."""
    return f"(CAST(floor({yyyymm_sql} / 100) AS INTEGER) * 12 + ({yyyymm_sql} % 100))"
