"""water_quota_gaps: the intake an enterprise's output implies by the industry quota, against
the volume billed for the water-resource fee or tax and the metered volume, per year.

Output (enterprise_output) in 万头/万吨 is converted to the quota's 头/吨; a unit neither equal to
the quota's nor 万 + it is left out rather than guessed. Billed volume: the year's fee bills and
tax returns (water_fees, by 所属期起) of the enterprise, joined by credit code or by its
组织机构代码 (USCC[8:17] = WIU_CD), never by name; metered volume likewise from
water_meter_readings. The rate is the one in force on 1 July of the year for the source type
billed (地表水 when nothing says), so a year split by the fee-to-tax reform of 2024-12-01 is
valued at the fee and addressed to the water bureau. Duplicated rows count once (the last
file's row per natural key). Plain SQL: the same rows on every engine.
"""

from __future__ import annotations

from dataclasses import dataclass

from jiandu.engines.base import Engine
from jiandu.models.store import rebuild_table
from jiandu.models.water.operators.keys import org_code_sql
from jiandu.models.water.operators.tables import latest_rows, table_or_empty
from jiandu.schema.derived import derived_table

__all__ = ["WaterQuotaGaps", "quota_gaps_sql"]


def quota_gaps_sql(engine: Engine) -> str:
    """The query that builds water_quota_gaps."""
    output = table_or_empty(engine, "enterprise_output")
    enterprises = table_or_empty(engine, "water_enterprises")
    fees = table_or_empty(engine, "water_fees")
    meters = table_or_empty(engine, "water_meter_readings")
    f_org = org_code_sql("f.user_code")
    m_org = org_code_sql("m.user_code")
    return f"""
WITH out_rows AS (
    SELECT upper(trim(o.credit_code)) AS credit_code, o.name, o.year, o.product, o.quantity,
        coalesce(o.unit, q.unit) AS unit_sent, q.unit, q.quota_m3, q.standard,
        o.quantity * CASE WHEN coalesce(o.unit, '') IN ('', q.unit) THEN 1.0
                          WHEN o.unit = '万' || q.unit THEN 10000.0 END AS quantity_q
    FROM {latest_rows(output, "t.credit_code, t.year, t.product")} AS o
    JOIN water_quotas AS q ON q.product = o.product
    WHERE o.quantity IS NOT NULL AND o.quantity >= 0
),
outs AS (
    SELECT credit_code, max(name) AS name, year, product, max(unit) AS unit,
        max(quota_m3) AS quota_m3, max(standard) AS standard,
        CAST(sum(CAST(quantity_q AS DECIMAL(20, 4))) AS DOUBLE) AS quantity,
        max(CASE WHEN quantity = round(quantity) THEN CAST(CAST(quantity AS BIGINT) AS VARCHAR)
                 ELSE CAST(quantity AS VARCHAR) END || unit_sent) AS quantity_sent
    FROM out_rows WHERE quantity_q IS NOT NULL
    GROUP BY credit_code, year, product
),
fees AS (
    SELECT upper(trim(f.payer_key)) AS payer_key, {f_org} AS org, year(f.period_start) AS year,
        f.billed_m3, f.source_type
    FROM {latest_rows(fees, "t.bill_no")} AS f
    WHERE f.period_start IS NOT NULL
),
billed AS (
    SELECT o.credit_code, o.year, o.product,
        CAST(sum(CAST(coalesce(f.billed_m3, 0.0) AS DECIMAL(20, 4))) AS DOUBLE) AS billed_m3,
        count(f.year) AS bills, max(f.source_type) AS source_type
    FROM outs AS o
    LEFT JOIN fees AS f ON f.year = o.year
        AND (f.payer_key = o.credit_code OR (f.payer_key IS NULL AND f.org = substr(o.credit_code, 9, 9)))
    GROUP BY o.credit_code, o.year, o.product
),
metered AS (
    SELECT o.credit_code, o.year, o.product,
        CAST(sum(CAST(m.volume * CASE WHEN m.unit LIKE '万%' THEN 10000.0 ELSE 1.0 END AS DECIMAL(20, 4)))
            AS DOUBLE) AS metered_m3
    FROM outs AS o
    JOIN {latest_rows(meters, "t.meter_code, t.reading_date, t.period")} AS m
      ON year(m.reading_date) = o.year AND m.volume >= 0
     AND (upper(trim(m.holder_key)) = o.credit_code
          OR (m.holder_key IS NULL AND {m_org} = substr(o.credit_code, 9, 9)))
    GROUP BY o.credit_code, o.year, o.product
),
ent AS (
    SELECT upper(trim(credit_code)) AS credit_code, max(name) AS name, max(district) AS district
    FROM {enterprises} GROUP BY upper(trim(credit_code))
),
joined AS (
    SELECT o.credit_code, coalesce(e.name, o.name) AS name, e.district, o.year, o.product,
        o.quantity, o.unit, o.quantity_sent, o.quota_m3, o.standard,
        o.quantity * o.quota_m3 AS implied_m3, b.billed_m3, b.bills, mt.metered_m3,
        coalesce(b.source_type, '地表水') AS source_type,
        CAST(CAST(o.year AS VARCHAR) || '-07-01' AS DATE) AS mid_year
    FROM outs AS o
    JOIN billed AS b ON b.credit_code = o.credit_code AND b.year = o.year AND b.product = o.product
    LEFT JOIN metered AS mt ON mt.credit_code = o.credit_code AND mt.year = o.year AND mt.product = o.product
    LEFT JOIN ent AS e ON e.credit_code = o.credit_code
)
SELECT j.credit_code, j.name, j.district, j.year, j.product, j.quantity, j.unit, j.quantity_sent,
    j.quota_m3, j.standard, j.implied_m3, j.billed_m3, j.bills, j.metered_m3,
    j.implied_m3 - j.billed_m3 AS gap_m3,
    j.implied_m3 / greatest(j.billed_m3, 1.0) AS ratio,
    r.kind AS rate_kind, r.rate,
    greatest(j.implied_m3 - j.billed_m3, 0.0) * coalesce(r.rate, 0.0) AS amount_at_stake
FROM joined AS j
LEFT JOIN water_rates AS r ON r.source_type = j.source_type
    AND r.effective_from <= j.mid_year AND r.effective_to >= j.mid_year
"""


@dataclass(frozen=True)
class WaterQuotaGaps:
    """water_quota_gaps (see the module docstring)."""

    name: str = "water_quota_gaps"
    version: str = "2"  # 2: exact (DECIMAL) sums of quantities and volumes
    inputs: tuple[str, ...] = ("water_quotas", "water_rates", "enterprise_output")
    optional_inputs: tuple[str, ...] = ("water_enterprises", "water_fees", "water_meter_readings")
    outputs: tuple[str, ...] = ("water_quota_gaps",)

    def run(self, engine: Engine) -> int:
        return rebuild_table(engine, derived_table("water_quota_gaps"), quota_gaps_sql(engine))
