"""The ``social_corrections`` operator: community-correction gaps (``social_correction_gaps``).

- never_reported (漏管): an effective judgment of 管制 or a suspended sentence (缓刑) whose convict
  has no correction record reporting for it (same case number, or a record of the same person
  without case number beginning on or after the judgment took effect), once more than
  ``REPORT_DAYS`` days have passed since it took effect by the data's latest date;
- late_report (逾期报到): the record's 报到日期 is more than ``REPORT_DAYS`` days after the
  judgment took effect (《社区矫正法》第二十一条: 自判决、裁定生效之日起十日内; the day it took
  effect is not counted, so a report on the tenth day after it is in time);
- exit_without_leave (脱管): an exit from the country (出入境记录, 出境) on a travel document the
  person holds (passports), inside the correction term (报到 or 矫正起始 to 矫正终止), on a day no
  approved leave covers.

The data's latest date is the last judgment, report, leave or border crossing seen.
"""

from __future__ import annotations

from dataclasses import dataclass

from jiandu.engines.base import Engine
from jiandu.models.social.operators.common import ensure_own_tables, with_missing_tables
from jiandu.models.store import rebuild_table
from jiandu.schema.derived import derived_table

__all__ = ["REPORT_DAYS", "SocialCorrections"]

REPORT_DAYS = 10  # 《社区矫正法》第二十一条

GAPS_SQL = f"""
WITH as_of AS (
    SELECT max(d) AS as_of FROM (
        SELECT max(effective_date) AS d FROM criminal_sentences
        UNION ALL SELECT max(report_date) AS d FROM community_corrections
        UNION ALL SELECT max(end_date) AS d FROM correction_leaves
        UNION ALL SELECT max(CAST(cross_time AS DATE)) AS d FROM border_crossings
    ) AS x
),
sentences AS (
    SELECT s.case_number, s.court, s.person_key, s.name, s.effective_date, s.exec_county,
        CASE WHEN s.penalty = '管制' THEN '管制'
             ELSE coalesce(s.penalty, '') || '（宣告缓刑）' END AS penalty_zh
    FROM criminal_sentences AS s
    WHERE s.effective_date IS NOT NULL AND s.person_key IS NOT NULL
      AND (s.penalty = '管制' OR coalesce(s.probation, false))
),
matched AS (
    SELECT s.case_number, s.person_key, c.correction_no, c.report_date, c.county,
        row_number() OVER (PARTITION BY s.case_number, s.person_key
                           ORDER BY CASE WHEN c.report_date IS NULL THEN 1 ELSE 0 END,
                                    c.report_date, c.correction_no) AS rn
    FROM sentences AS s
    JOIN community_corrections AS c
      ON c.person_key = s.person_key
     AND (c.case_number = s.case_number
          OR (c.case_number IS NULL
              AND coalesce(c.term_start, c.report_date, c.docs_received_date) >= s.effective_date))
),
reports AS (
    SELECT s.*, m.correction_no, m.report_date, coalesce(m.county, s.exec_county) AS county,
        date_diff('day', s.effective_date, m.report_date) AS report_days,
        date_diff('day', s.effective_date, a.as_of) AS days_since, a.as_of
    FROM sentences AS s
    CROSS JOIN as_of AS a
    LEFT JOIN matched AS m ON m.case_number = s.case_number AND m.person_key = s.person_key AND m.rn = 1
),
exits AS (
    SELECT DISTINCT pp.person_key, b.doc_type, b.doc_no, b.cross_time, b.port, b.destination
    FROM border_crossings AS b
    JOIN passports AS pp ON pp.doc_no = b.doc_no
    WHERE b.direction = '出境'
),
terms AS (
    SELECT c.person_key, c.name, c.correction_no, c.case_number, c.county, c.category,
        coalesce(c.term_start, c.report_date) AS term_from, c.term_end
    FROM community_corrections AS c
    WHERE coalesce(c.term_start, c.report_date) IS NOT NULL
),
unleft AS (
    SELECT e.*, t.name, t.correction_no, t.case_number, t.county, t.category,
        t.term_from, t.term_end
    FROM exits AS e
    JOIN terms AS t
      ON t.person_key = e.person_key AND CAST(e.cross_time AS DATE) >= t.term_from
     AND (t.term_end IS NULL OR CAST(e.cross_time AS DATE) <= t.term_end)
    LEFT JOIN correction_leaves AS l
      ON l.person_key = e.person_key AND coalesce(l.approved, false)
     AND CAST(e.cross_time AS DATE) >= l.start_date
     AND CAST(e.cross_time AS DATE) <= coalesce(l.end_date, l.start_date)
    WHERE l.leave_no IS NULL
),
returns AS (
    SELECT u.person_key, u.cross_time, min(b.cross_time) AS back_time
    FROM unleft AS u
    JOIN passports AS pp ON pp.person_key = u.person_key
    JOIN border_crossings AS b
      ON b.doc_no = pp.doc_no AND b.direction = '入境' AND b.cross_time > u.cross_time
    GROUP BY u.person_key, u.cross_time
)
SELECT person_key, name, 'never_reported' AS kind, '判决生效后未报到（漏管）' AS kind_zh,
    case_number, court, penalty_zh, effective_date,
    CAST(effective_date + INTERVAL {REPORT_DAYS} DAY AS DATE) AS event_date,
    days_since - {REPORT_DAYS} AS days_late, correction_no,
    '判决' || CAST(effective_date AS VARCHAR) || '生效，应于'
        || CAST(CAST(effective_date + INTERVAL {REPORT_DAYS} DAY AS DATE) AS VARCHAR)
        || '前报到；截至数据截止日' || CAST(as_of AS VARCHAR)
        || CASE WHEN correction_no IS NULL THEN '社区矫正机构无该人员接收登记'
                ELSE '已登记（' || correction_no || '）但无报到日期' END AS detail_zh,
    county
FROM reports
WHERE report_date IS NULL AND days_since > {REPORT_DAYS}
UNION ALL
SELECT person_key, name, 'late_report' AS kind, '逾期报到' AS kind_zh, case_number, court,
    penalty_zh, effective_date, report_date AS event_date, report_days - {REPORT_DAYS} AS days_late,
    correction_no,
    '判决' || CAST(effective_date AS VARCHAR) || '生效，' || CAST(report_date AS VARCHAR)
        || '方报到（生效后第' || CAST(report_days AS VARCHAR) || '日，逾期'
        || CAST(report_days - {REPORT_DAYS} AS VARCHAR) || '日）' AS detail_zh,
    county
FROM reports
WHERE report_date IS NOT NULL AND report_days > {REPORT_DAYS}
UNION ALL
SELECT u.person_key, u.name, 'exit_without_leave' AS kind, '矫正期间未经批准出境（脱管）' AS kind_zh,
    u.case_number, CAST(NULL AS VARCHAR) AS court, coalesce(u.category, '社区矫正') AS penalty_zh,
    CAST(NULL AS DATE) AS effective_date, CAST(u.cross_time AS DATE) AS event_date,
    date_diff('day', CAST(u.cross_time AS DATE), CAST(coalesce(r.back_time, a.as_of) AS DATE)) AS days_late,
    u.correction_no,
    CAST(u.cross_time AS VARCHAR) || '持' || coalesce(u.doc_type, '证件') || '经' || coalesce(u.port, '口岸')
        || '出境前往' || coalesce(u.destination, '境外')
        || CASE WHEN r.back_time IS NULL THEN '，截至数据截止日未见入境记录'
                ELSE '，' || CAST(r.back_time AS VARCHAR) || '入境' END
        || '；矫正期限' || CAST(u.term_from AS VARCHAR) || '至' || coalesce(CAST(u.term_end AS VARCHAR), '')
        || '，无经批准的请假外出记录覆盖出境日' AS detail_zh,
    u.county
FROM unleft AS u
CROSS JOIN as_of AS a
LEFT JOIN returns AS r ON r.person_key = u.person_key AND r.cross_time = u.cross_time
"""


@dataclass(frozen=True)
class SocialCorrections:
    """social_correction_gaps from sentences, correction registers, leave and exit records."""

    name: str = "social_corrections"
    version: str = "1"
    inputs: tuple[str, ...] = ()
    optional_inputs: tuple[str, ...] = (
        "criminal_sentences",
        "community_corrections",
        "correction_leaves",
        "border_crossings",
        "passports",
    )
    outputs: tuple[str, ...] = ("social_correction_gaps",)

    def run(self, engine: Engine) -> int:
        ensure_own_tables(engine, self.optional_inputs)
        sql = with_missing_tables(engine, GAPS_SQL, self.optional_inputs)
        return rebuild_table(engine, derived_table("social_correction_gaps"), sql)
