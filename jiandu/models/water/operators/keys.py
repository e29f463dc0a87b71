"""One key per water user across the water bureau's, the tax bureau's and the market regulator's
exports: the unified social credit code, else the 9-character 组织机构代码 (WIU_CD) resolved to the
one credit code whose characters 9–17 it is (USCC[8:17] = WIU_CD, sources.md §8), else
``WIU:`` + the code, else ``NAME:`` + the name. Never a join on the name alone across agencies:
the name key only groups one agency's rows that carry nothing else."""

from __future__ import annotations

__all__ = ["org_code_sql", "org_codes_cte", "subject_key_sql"]


def org_code_sql(column: str) -> str:
    """A 组织机构代码 as written (``MA2BJH00-1``, lower case, spaces) → 9 upper-case characters."""
    return f"nullif(upper(replace(replace(trim({column}), '-', ''), ' ', '')), '')"


def org_codes_cte(sources: list[str]) -> str:
    """``org_codes(org, credit_code)``: each organisation code that exactly one known credit code
    holds; ``sources`` are SELECTs of one column ``k`` (credit codes)."""
    union = " UNION ".join(sources)
    return f"""org_codes AS (
    SELECT substr(k, 9, 9) AS org, min(k) AS credit_code
    FROM ({union}) AS known
    WHERE k IS NOT NULL AND length(k) = 18
    GROUP BY substr(k, 9, 9)
    HAVING count(DISTINCT k) = 1
)"""


def subject_key_sql(key: str, org: str, name: str, resolved: str) -> str:
    """The subject key from a credit code column, an organisation code expression, a name and the
    credit code ``resolved`` from org_codes."""
    return f"coalesce(nullif(upper(trim({key})), ''), {resolved}, 'WIU:' || {org}, 'NAME:' || trim({name}))"
