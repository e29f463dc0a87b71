"""The ``social_governance`` operator: the findings of the social models per county and
addressee agency (``social_governance``), for the class-wide 检察建议: pensions paid after death
or in prison to the 人力资源和社会保障局 of the paying county; correction gaps to the 司法局 of
the county of execution; property penalties unpaid by convicts with means to the executing
court. Counts every finding the operators keep (the models' thresholds only rank clues)."""

from __future__ import annotations

from dataclasses import dataclass

from jiandu.engines.base import Engine
from jiandu.models.social.operators.common import with_missing_tables
from jiandu.models.store import rebuild_table
from jiandu.schema.derived import derived_table

__all__ = ["ADDRESSEES", "SocialGovernance"]

ADDRESSEES = {
    "social.benefits_after_death_or_in_prison": "人力资源和社会保障局",
    "social.community_correction_gaps": "司法局",
    "social.property_penalty_unexecuted": "人民法院",
}

# sums of money exact (DECIMAL): a float sum's order differs between engines
GOVERNANCE_SQL = f"""
WITH findings AS (
SELECT coalesce(county, '未载明') AS county,
    '{ADDRESSEES["social.benefits_after_death_or_in_prison"]}' AS addressee,
    'social.benefits_after_death_or_in_prison' AS model_id,
    CASE reason WHEN 'death' THEN '死亡后继续发放养老金' ELSE '服刑期间继续发放养老金' END AS problem,
    count(DISTINCT ssn) AS persons, count(*) AS items,
    CAST(sum(CAST(net_yuan AS DECIMAL(20, 4))) AS DOUBLE) AS amount_yuan
FROM social_benefit_overpayments
GROUP BY coalesce(county, '未载明'), reason
UNION ALL
SELECT coalesce(county, '未载明') AS county,
    '{ADDRESSEES["social.community_correction_gaps"]}' AS addressee,
    'social.community_correction_gaps' AS model_id,
    CASE kind WHEN 'never_reported' THEN '判决生效后未报到' WHEN 'late_report' THEN '逾期报到'
         ELSE '未经批准出境' END AS problem,
    count(DISTINCT person_key) AS persons, count(*) AS items, 0.0 AS amount_yuan
FROM social_correction_gaps
GROUP BY coalesce(county, '未载明'), kind
UNION ALL
SELECT coalesce(court, '未载明') AS county,
    '{ADDRESSEES["social.property_penalty_unexecuted"]}' AS addressee,
    'social.property_penalty_unexecuted' AS model_id, '有履行能力未执行财产刑' AS problem,
    count(DISTINCT person_key) AS persons, count(*) AS items,
    CAST(sum(CAST(unpaid_yuan AS DECIMAL(20, 4))) AS DOUBLE) AS amount_yuan
FROM social_penalty_arrears
WHERE has_means
GROUP BY coalesce(court, '未载明')
)
SELECT * FROM findings
"""


@dataclass(frozen=True)
class SocialGovernance:
    """social_governance from the three finding tables."""

    name: str = "social_governance"
    version: str = "2"  # 2: exact (DECIMAL) sums of money
    inputs: tuple[str, ...] = ()
    optional_inputs: tuple[str, ...] = (
        "social_benefit_overpayments",
        "social_correction_gaps",
        "social_penalty_arrears",
    )
    outputs: tuple[str, ...] = ("social_governance",)

    def run(self, engine: Engine) -> int:
        sql = with_missing_tables(engine, GOVERNANCE_SQL, self.optional_inputs)
        return rebuild_table(engine, derived_table("social_governance"), sql)
