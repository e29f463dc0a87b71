"""The ``social_benefits`` operator: pension and subsidy payments made for months after the
month of death, or for months wholly inside a prison term (``social_benefit_overpayments``).

Death: each person's earliest death date among the records no later record corrects (a
民政/卫健/公安 correction row names the record it replaces: the replaced date no longer counts).
A payment for the month of death itself is due (the pension runs to the end of that month).
Prison: months after the admission month and before the release month (劳社厅函〔2001〕44号:
服刑期间停发基本养老金); a payment in the month of release or later is due again. A month both
after death and inside a term counts once, as after death. Joined on the ID key only.
"""

from __future__ import annotations

from dataclasses import dataclass

from jiandu.engines.base import Engine
from jiandu.models.social.operators.common import (
    ensure_own_tables,
    month_index,
    pay_month_index,
    with_missing_tables,
)
from jiandu.models.store import rebuild_table
from jiandu.schema.derived import derived_table

__all__ = ["SocialBenefits"]

PM = pay_month_index("p.pay_month")

OVERPAYMENTS_SQL = f"""
WITH corrected AS (
    SELECT DISTINCT record_source, corrects FROM death_records WHERE corrects IS NOT NULL
),
deaths AS (
    SELECT * FROM (
        SELECT d.person_key, d.death_date, d.recorded_date,
            d.record_source || '（' || d.record_no || '）' AS event_source,
            row_number() OVER (PARTITION BY d.person_key
                               ORDER BY d.death_date, d.recorded_date, d.record_source, d.record_no) AS rn
        FROM death_records AS d
        LEFT JOIN corrected AS c ON c.record_source = d.record_source AND c.corrects = d.record_no
        WHERE c.corrects IS NULL AND d.death_date IS NOT NULL AND d.person_key IS NOT NULL
    ) AS ranked
    WHERE rn = 1
),
paid AS (
    SELECT p.ssn, p.name, coalesce(p.scheme, '') AS scheme, p.pay_month, p.net_yuan, p.account,
        p.benefit_status, p.county, p.agency, {PM} AS pm
    FROM pension_payments AS p
    WHERE p.net_yuan > 0 AND p.pay_month IS NOT NULL
),
found AS (
    SELECT p.*, 'death' AS reason, '死亡后发放' AS reason_zh, d.death_date AS event_date,
        CAST(NULL AS DATE) AS event_end, d.event_source, d.recorded_date, 1 AS priority
    FROM paid AS p
    JOIN deaths AS d ON d.person_key = p.ssn
    WHERE p.pm > {month_index("d.death_date")}
    UNION ALL
    SELECT p.*, 'prison' AS reason, '服刑期间发放' AS reason_zh, t.admission_date AS event_date,
        t.release_date AS event_end,
        coalesce(t.facility, '监狱') || '（罪犯编号' || t.inmate_no || '）' AS event_source,
        CAST(NULL AS DATE) AS recorded_date, 2 AS priority
    FROM paid AS p
    JOIN prison_terms AS t ON t.person_key = p.ssn
    WHERE p.pm > {month_index("t.admission_date")}
      AND (t.release_date IS NULL OR p.pm < {month_index("t.release_date")})
)
SELECT ssn, name, scheme, pay_month, net_yuan, account, benefit_status, reason, reason_zh,
    event_date, event_end, event_source, recorded_date, county, agency
FROM (
    SELECT f.*, row_number() OVER (PARTITION BY f.ssn, f.scheme, f.pay_month
                                   -- two terms admitted on one day: the source decides, not row order
                                   ORDER BY f.priority, f.event_date, f.event_source, f.event_end) AS rn
    FROM found AS f
) AS ranked
WHERE rn = 1
"""


@dataclass(frozen=True)
class SocialBenefits:
    """social_benefit_overpayments from payments, death records and prison rosters."""

    name: str = "social_benefits"
    version: str = "1"
    inputs: tuple[str, ...] = ("pension_payments",)
    optional_inputs: tuple[str, ...] = ("death_records", "prison_terms")
    outputs: tuple[str, ...] = ("social_benefit_overpayments",)

    def run(self, engine: Engine) -> int:
        ensure_own_tables(engine, self.optional_inputs)
        sql = with_missing_tables(engine, OVERPAYMENTS_SQL, self.optional_inputs)
        return rebuild_table(engine, derived_table("social_benefit_overpayments"), sql)
