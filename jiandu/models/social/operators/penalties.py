"""The ``social_penalties`` operator: property penalties (罚金, 没收财产) whose instalments fallen
due are not paid in full, with what the convict holds (``social_penalty_arrears``).

Due: instalments whose 缴纳期限 lies before the data's latest date (no 期限: due at once).
Paid: payments on the judgment (case number and person) up to that date, whenever made, so
instalments paid on time, or late but before the date, leave nothing unpaid. Means: the latest
balance of the prisoner's account and its income since the first instalment not met, and real
estate registered to the convict (首次 or 转移登记 to them, not transferred away later).
``has_means``: a balance or such income of at least ``MEANS_YUAN``, or real estate held (刑法
第五十三条: 人民法院在任何时候发现被执行人有可以执行的财产，应当随时追缴).
"""

from __future__ import annotations

from dataclasses import dataclass

from jiandu.engines.base import Engine
from jiandu.models.social.operators.common import ensure_own_tables, with_missing_tables
from jiandu.models.store import rebuild_table
from jiandu.schema.derived import derived_table

__all__ = ["MEANS_YUAN", "SocialPenalties"]

MEANS_YUAN = 1000.0  # project choice: a balance this large can pay part of the penalty

# Sums of money are exact (DECIMAL, then DOUBLE): a float sum's order differs between engines and
# shows at a threshold (unpaid ≥ min_unpaid, balance + income ≥ unpaid).
ARREARS_SQL = f"""
WITH as_of AS (
    SELECT max(d) AS as_of FROM (
        SELECT max(due_date) AS d FROM property_penalties
        UNION ALL SELECT max(paid_date) AS d FROM penalty_payments
        UNION ALL SELECT max(as_of_date) AS d FROM prison_accounts
    ) AS x
),
instalments AS (
    SELECT p.*, a.as_of,
        sum(p.amount_yuan) OVER (PARTITION BY p.case_number, p.person_key
                                 ORDER BY coalesce(p.due_date, a.as_of), p.kind, p.instalment_no
                                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cumulative
    FROM property_penalties AS p
    CROSS JOIN as_of AS a
    WHERE coalesce(p.due_date, a.as_of) < a.as_of OR p.due_date IS NULL
),
paid AS (
    SELECT y.case_number, y.person_key,
        CAST(sum(CAST(y.amount_yuan AS DECIMAL(20, 4))) AS DOUBLE) AS paid_yuan
    FROM penalty_payments AS y
    CROSS JOIN as_of AS a
    WHERE y.paid_date <= a.as_of
    GROUP BY y.case_number, y.person_key
),
judged AS (
    SELECT case_number, person_key, max(exec_case_number) AS exec_case_number, max(court) AS court,
        max(name) AS name, CAST(sum(CAST(amount_yuan AS DECIMAL(20, 4))) AS DOUBLE) AS instalments_yuan,
        max(judgment_total_yuan) AS judgment_total_yuan,
        max(CASE WHEN kind = '罚金' THEN 1 ELSE 0 END) AS has_fine,
        max(CASE WHEN kind = '没收财产' THEN 1 ELSE 0 END) AS has_confiscation
    FROM property_penalties
    GROUP BY case_number, person_key
),
arrears AS (
    SELECT i.case_number, i.person_key, max(i.as_of) AS as_of,
        CAST(sum(CAST(i.amount_yuan AS DECIMAL(20, 4))) AS DOUBLE) AS due_yuan,
        coalesce(max(y.paid_yuan), 0.0) AS paid_yuan,
        min(CASE WHEN i.cumulative > coalesce(y.paid_yuan, 0.0) + 0.005
                 THEN coalesce(i.due_date, i.as_of) END) AS first_due
    FROM instalments AS i
    LEFT JOIN paid AS y ON y.case_number = i.case_number AND y.person_key = i.person_key
    GROUP BY i.case_number, i.person_key
),
accounts AS (
    SELECT * FROM (
        SELECT person_key, balance_yuan, as_of_date,
            row_number() OVER (PARTITION BY person_key ORDER BY as_of_date DESC, inmate_no) AS rn
        FROM prison_accounts
    ) AS ranked
    WHERE rn = 1
),
income AS (
    SELECT r.person_key, r.case_number,
        CAST(sum(CAST(coalesce(pa.income_yuan, 0.0) AS DECIMAL(20, 4))) AS DOUBLE) AS income_yuan
    FROM arrears AS r
    JOIN prison_accounts AS pa ON pa.person_key = r.person_key AND pa.as_of_date >= r.first_due
    GROUP BY r.person_key, r.case_number
),
holdings AS (
    SELECT h.holder_key AS person_key, h.unit_id, h.address, h.area_m2
    FROM property_registrations AS h
    LEFT JOIN property_registrations AS t
      ON t.unit_id = h.unit_id AND t.transferor_key = h.holder_key AND t.reg_type = '转移登记'
     AND t.reg_date >= h.reg_date
    WHERE h.reg_type IN ('首次登记', '转移登记') AND t.unit_id IS NULL
),
held AS (
    SELECT person_key, count(DISTINCT unit_id) AS properties,
        min(coalesce(address, unit_id)
            || coalesce('（' || CAST(area_m2 AS VARCHAR) || '平方米）', '')) AS first_property
    FROM holdings
    GROUP BY person_key
)
SELECT r.case_number, j.exec_case_number, j.court, r.person_key, j.name,
    CASE WHEN j.has_fine = 1 AND j.has_confiscation = 1 THEN '罚金、没收财产'
         WHEN j.has_confiscation = 1 THEN '没收财产' ELSE '罚金' END AS kinds_zh,
    coalesce(j.judgment_total_yuan, j.instalments_yuan) AS judged_yuan,
    r.due_yuan, r.paid_yuan, r.due_yuan - r.paid_yuan AS unpaid_yuan, r.first_due,
    coalesce(a.balance_yuan, 0.0) AS balance_yuan, coalesce(i.income_yuan, 0.0) AS income_yuan,
    a.as_of_date AS balance_date, coalesce(h.properties, 0) AS properties,
    CASE WHEN h.properties IS NULL THEN CAST(NULL AS VARCHAR)
         WHEN h.properties = 1 THEN h.first_property
         ELSE h.first_property || '等' || CAST(h.properties AS VARCHAR) || '处' END AS property_zh,
    (coalesce(a.balance_yuan, 0.0) >= {MEANS_YUAN} OR coalesce(i.income_yuan, 0.0) >= {MEANS_YUAN}
        OR coalesce(h.properties, 0) > 0) AS has_means,
    r.as_of
FROM arrears AS r
JOIN judged AS j ON j.case_number = r.case_number AND j.person_key = r.person_key
LEFT JOIN accounts AS a ON a.person_key = r.person_key
LEFT JOIN income AS i ON i.person_key = r.person_key AND i.case_number = r.case_number
LEFT JOIN held AS h ON h.person_key = r.person_key
WHERE r.due_yuan - r.paid_yuan > 0.005
"""


@dataclass(frozen=True)
class SocialPenalties:
    """social_penalty_arrears from penalties, payments, prison accounts and real estate."""

    name: str = "social_penalties"
    version: str = "2"  # 2: exact (DECIMAL) sums of money
    inputs: tuple[str, ...] = ("property_penalties",)
    optional_inputs: tuple[str, ...] = ("penalty_payments", "prison_accounts", "property_registrations")
    outputs: tuple[str, ...] = ("social_penalty_arrears",)

    def run(self, engine: Engine) -> int:
        ensure_own_tables(engine, self.optional_inputs)
        sql = with_missing_tables(engine, ARREARS_SQL, self.optional_inputs)
        return rebuild_table(engine, derived_table("social_penalty_arrears"), sql)
