"""water_unpermitted_intake: metered intake and intake works in use without a valid permit.

A permit covers a day from its 有效期起 to its 有效期止, unless it was revoked (吊销) or cancelled
(注销, 撤销) on or before that day. A daily reading is covered when a permit of the same user
covers its day; a monthly report when one covers any day of the month (the benefit of the doubt:
a permit that lapsed mid-month covers the month). Renewals (延续) are further rows of the same
permit number, so a renewed permit covers the day after the old one ended. A user is one key
(`keys`): the meter's credit code, else its 组织机构代码 resolved to a credit code, else the
holder of the permit the meter is registered under. Duplicated rows (re-sent exports) count once:
the row of the last file wins for each natural key; negative volumes (meter resets) and empty
ones are dropped; 万m³ is converted to m³.

Rows: one per user, meter and month with unpermitted readings, and one per intake works found in
use (在用) at a check whose owner held no permit that day; the state (无许可证, 许可证已过期,
已吊销, 已注销) from the user's latest permit begun before the period; the fee or tax at stake at
the rate in force in the month (`water_rates`). Plain SQL, so DuckDB and Spark build the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from jiandu.engines.base import Engine
from jiandu.models.store import rebuild_table
from jiandu.models.water.operators.keys import org_code_sql, org_codes_cte
from jiandu.models.water.operators.tables import latest_rows, table_or_empty
from jiandu.schema.derived import derived_table

__all__ = ["WaterUnpermittedIntake", "permits_cte"]


def permits_cte(permits: str) -> str:
    """``permits``: one row per permit period with the holder's key and how it ended (needs the
    ``org_codes`` CTE before it)."""
    org = org_code_sql("p.user_code")
    return f"""permits AS (
    SELECT p.permit_no, p.holder_name, p.district, p.source_type, p.valid_from, p.valid_to,
        p.status, p.status_date,
        coalesce(nullif(upper(trim(p.holder_key)), ''), oc.credit_code, 'WIU:' || {org},
                 'NAME:' || trim(p.holder_name)) AS sk,
        CASE WHEN p.status LIKE '%吊销%' THEN '吊销'
             WHEN p.status LIKE '%注销%' OR p.status LIKE '%撤销%' THEN '注销' END AS ended_by
    FROM {latest_rows(permits, "t.permit_no, t.valid_from")} AS p
    LEFT JOIN org_codes AS oc ON oc.org = {org}
    WHERE p.valid_from IS NOT NULL AND p.valid_to IS NOT NULL
)"""


def _covers(p: str, start: str, end: str) -> str:
    return (
        f"{p}.valid_from <= {end} AND {p}.valid_to >= {start} "
        f"AND ({p}.ended_by IS NULL OR {p}.status_date IS NULL OR {p}.status_date > {start})"
    )


def unpermitted_sql(engine: Engine) -> str:
    permits = table_or_empty(engine, "water_permits")
    meters = table_or_empty(engine, "water_meter_readings")
    works = table_or_empty(engine, "water_intake_works")
    enterprises = table_or_empty(engine, "water_enterprises")
    fees = table_or_empty(engine, "water_fees")
    codes = org_codes_cte(
        [
            f"SELECT upper(trim(holder_key)) AS k FROM {permits}",
            f"SELECT upper(trim(credit_code)) AS k FROM {enterprises}",
            f"SELECT upper(trim(payer_key)) AS k FROM {fees}",
            f"SELECT upper(trim(holder_key)) AS k FROM {meters}",
            f"SELECT upper(trim(owner_key)) AS k FROM {works}",
        ]
    )
    m_org = org_code_sql("r.user_code")
    w_org = org_code_sql("w.user_code")
    return f"""
WITH {codes},
{permits_cte(permits)},
by_number AS (
    SELECT permit_no, min(sk) AS sk, max(holder_name) AS holder_name, max(district) AS district,
        max(source_type) AS source_type
    FROM permits GROUP BY permit_no
),
meters AS (
    SELECT r.meter_code,
        coalesce(nullif(upper(trim(r.holder_key)), ''), oc.credit_code, bn.sk, 'WIU:' || {m_org},
                 'NAME:' || trim(r.holder_name)) AS sk,
        coalesce(r.holder_name, bn.holder_name) AS name,
        coalesce(r.district, bn.district) AS district,
        coalesce(r.source_type, bn.source_type) AS source_type,
        r.reading_date AS d_start,
        CASE WHEN r.period = '月' THEN last_day(r.reading_date) ELSE r.reading_date END AS d_end,
        r.volume * CASE WHEN r.unit LIKE '万%' THEN 10000.0 ELSE 1.0 END AS volume_m3
    FROM {latest_rows(meters, "t.meter_code, t.reading_date, t.period")} AS r
    LEFT JOIN org_codes AS oc ON oc.org = {m_org}
    LEFT JOIN by_number AS bn ON bn.permit_no = r.permit_no
    WHERE r.volume IS NOT NULL AND r.volume >= 0 AND r.reading_date IS NOT NULL
),
checked AS (
    SELECT m.sk, m.meter_code, m.d_start, m.d_end, m.volume_m3,
        max(m.name) AS name, max(m.district) AS district, max(m.source_type) AS source_type,
        max(CASE WHEN p.sk IS NULL THEN 0 ELSE 1 END) AS covered
    FROM meters AS m
    LEFT JOIN permits AS p ON p.sk = m.sk AND {_covers("p", "m.d_start", "m.d_end")}
    GROUP BY m.sk, m.meter_code, m.d_start, m.d_end, m.volume_m3
),
meter_gaps AS (
    SELECT sk, '计量' AS item_kind, meter_code AS item_ref,
        CAST(date_trunc('month', d_start) AS DATE) AS month,
        min(d_start) AS first_day, max(d_end) AS last_day,
        max(name) AS name, max(district) AS district, max(source_type) AS source_type,
        count(*) AS days,
        -- summed exactly: a float sum's order differs between engines and shows in round()
        CAST(sum(CAST(volume_m3 AS DECIMAL(20, 4))) AS DOUBLE) AS volume_m3,
        CAST(NULL AS VARCHAR) AS detail_zh
    FROM checked WHERE covered = 0
    GROUP BY sk, meter_code, CAST(date_trunc('month', d_start) AS DATE)
),
works AS (
    SELECT w.works_code, w.kind, w.address, w.check_date, w.capacity_m3_day, w.state,
        coalesce(nullif(upper(trim(w.owner_key)), ''), oc.credit_code, bn.sk, 'WIU:' || {w_org},
                 'NAME:' || trim(w.owner_name)) AS sk,
        w.owner_name AS name, coalesce(w.district, bn.district) AS district,
        CASE WHEN w.kind LIKE '%井%' THEN '地下水' ELSE '地表水' END AS source_type,
        w.permit_no AS stated_permit
    FROM {latest_rows(works, "t.works_code")} AS w
    LEFT JOIN org_codes AS oc ON oc.org = {w_org}
    LEFT JOIN by_number AS bn ON bn.permit_no = w.permit_no
    WHERE w.state = '在用' AND w.check_date IS NOT NULL
),
works_gaps AS (
    SELECT w.sk, '设施' AS item_kind, w.works_code AS item_ref,
        CAST(date_trunc('month', w.check_date) AS DATE) AS month,
        w.check_date AS first_day, w.check_date AS last_day,
        max(w.name) AS name, max(w.district) AS district, max(w.source_type) AS source_type,
        1 AS days, 0.0 AS volume_m3,
        max(coalesce(w.kind, '取水设施') || '（' || coalesce(w.address, '位置未登记') || '），'
            || CAST(w.check_date AS VARCHAR) || '核查时在用'
            || CASE WHEN w.capacity_m3_day IS NULL THEN ''
                    ELSE '，日最大取水能力'
                         || CAST(CAST(round(w.capacity_m3_day) AS BIGINT) AS VARCHAR) || '立方米' END
            || CASE WHEN w.stated_permit IS NULL THEN '，未登记取水许可证号'
                    ELSE '，登记许可证号' || w.stated_permit END) AS detail_zh
    FROM works AS w
    LEFT JOIN permits AS p ON p.sk = w.sk AND {_covers("p", "w.check_date", "w.check_date")}
    GROUP BY w.sk, w.works_code, w.check_date
    HAVING max(CASE WHEN p.sk IS NULL THEN 0 ELSE 1 END) = 0
),
gaps AS (SELECT * FROM meter_gaps UNION ALL SELECT * FROM works_gaps),
ent AS (
    SELECT upper(trim(credit_code)) AS credit_code, max(name) AS name, max(district) AS district
    FROM {enterprises} GROUP BY upper(trim(credit_code))
),
latest AS (
    SELECT g.sk, g.item_kind, g.item_ref, g.month, p.permit_no, p.valid_to, p.status_date, p.ended_by,
        p.holder_name, p.district,
        row_number() OVER (PARTITION BY g.sk, g.item_kind, g.item_ref, g.month
                           ORDER BY p.valid_from DESC, p.permit_no) AS rn
    FROM gaps AS g
    JOIN permits AS p ON p.sk = g.sk AND p.valid_from <= g.last_day
)
SELECT g.sk AS subject_key, coalesce(g.name, l.holder_name, e.name, g.sk) AS subject_name,
    coalesce(g.district, l.district, e.district) AS district, g.item_kind, g.item_ref, g.month, g.days,
    g.volume_m3,
    CASE WHEN l.permit_no IS NULL THEN '无许可证'
         WHEN l.ended_by IS NOT NULL AND l.status_date IS NOT NULL AND l.status_date <= g.first_day
              AND l.status_date <= l.valid_to THEN '许可证已' || l.ended_by
         ELSE '许可证已过期' END AS permit_state,
    l.permit_no AS last_permit_no, l.valid_to AS last_valid_to, l.status_date,
    g.source_type, r.rate, r.kind AS rate_kind, g.volume_m3 * coalesce(r.rate, 0.0) AS fee_at_stake,
    g.detail_zh
FROM gaps AS g
LEFT JOIN latest AS l ON l.sk = g.sk AND l.item_kind = g.item_kind AND l.item_ref = g.item_ref
    AND l.month = g.month AND l.rn = 1
LEFT JOIN ent AS e ON e.credit_code = g.sk
LEFT JOIN water_rates AS r ON r.source_type = coalesce(g.source_type, '地表水')
    AND r.effective_from <= g.month AND r.effective_to >= g.month
"""


@dataclass(frozen=True)
class WaterUnpermittedIntake:
    """water_unpermitted_intake (see the module docstring)."""

    name: str = "water_unpermitted_intake"
    version: str = "2"  # 2: exact (DECIMAL) monthly sums
    inputs: tuple[str, ...] = ("water_rates",)
    optional_inputs: tuple[str, ...] = (
        "water_permits",
        "water_meter_readings",
        "water_intake_works",
        "water_enterprises",
        "water_fees",
    )
    outputs: tuple[str, ...] = ("water_unpermitted_intake",)

    def run(self, engine: Engine) -> int:
        return rebuild_table(engine, derived_table("water_unpermitted_intake"), unpermitted_sql(engine))
