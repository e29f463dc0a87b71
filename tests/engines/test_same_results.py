"""Representative supervision-style queries give the same rows on DuckDB and Spark.

The same canonical-table fixture is loaded into both stores once per module; each query runs
on both and the results, as sorted lists of dicts, must be equal and not empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_support import make_engine, sorted_rows

from jiandu.engines import Engine
from jiandu.schema.registry import table

D = dt.date

CASES = [
    # doc_id, case_number, court, cause, filing, judgment, principal
    ("d1", "（2023）京0105民初100号", "北京市朝阳区人民法院", "民间借贷纠纷",
     D(2023, 1, 5), D(2023, 3, 1), 50000.0),
    ("d2", "（2023）京0105民初101号", "北京市朝阳区人民法院", "民间借贷纠纷",
     D(2023, 1, 31), D(2023, 2, 1), 80000.0),
    ("d3", "（2023）京0105民初102号", "北京市朝阳区人民法院", "买卖合同纠纷",
     D(2023, 2, 10), None, None),
    ("d4", "（2022）沪0115民初7号", "上海市浦东新区人民法院", "民间借贷纠纷",
     D(2022, 12, 30), D(2023, 6, 30), 120000.0),
    ("d5", "（2023）沪0115民初8号", "上海市浦东新区人民法院", None,
     None, D(2023, 7, 1), 3000.0),
]
PARTIES = [
    # doc_id, idx, side, name, kind
    ("d1", 0, "plaintiff", "张三", "person"), ("d1", 1, "defendant", "李四", "person"),
    ("d2", 0, "plaintiff", "张三", "person"), ("d2", 1, "defendant", "王五", "person"),
    ("d3", 0, "plaintiff", "某某贸易有限公司", "organization"),
    ("d3", 1, "defendant", "李四", "person"),
    ("d4", 0, "plaintiff", "张三", "person"), ("d4", 1, "defendant", "赵六", None),
    ("d5", 0, "plaintiff", "钱七", "person"), ("d5", 1, "defendant", None, "person"),
]
AGENTS = [
    ("d1", 0, "张三", "孙律师", "某某律师事务所", "lawyer"),
    ("d2", 0, "张三", "孙律师", "某某律师事务所", "lawyer"),
    ("d4", 0, "张三", "孙律师", None, "legal_worker"),
    ("d5", 0, "钱七", "周某", None, "citizen"),
]
FLAGS = [("d1", "defendant_absent", True), ("d2", "defendant_absent", False),
         ("d4", "public_notice_service", True), ("d4", "defendant_absent", True)]


def load(engine: Engine) -> None:
    cases = table("cases")
    engine.insert_new(cases, cases.to_arrow([
        dict(zip(["doc_id", "case_number", "court", "cause", "filing_date", "judgment_date",
                  "claimed_principal"], row, strict=True)) for row in CASES
    ]))
    parties = table("parties")
    engine.insert_new(parties, parties.to_arrow([
        dict(zip(["doc_id", "party_idx", "side", "name", "kind"], row, strict=True))
        for row in PARTIES
    ]))
    agents = table("agents")
    engine.insert_new(agents, agents.to_arrow([
        dict(zip(["doc_id", "agent_idx", "for_party", "name", "law_firm", "kind"], row,
                 strict=True)) for row in AGENTS
    ]))
    flags = table("flags")
    engine.insert_new(flags, flags.to_arrow([
        dict(zip(["doc_id", "flag", "value"], row, strict=True)) for row in FLAGS
    ]))


QUERIES = {
    "group_by_having": """
        SELECT p.name, count(DISTINCT c.doc_id) AS suits, sum(c.claimed_principal) AS total
        FROM parties p JOIN cases c USING (doc_id)
        WHERE p.side = 'plaintiff'
        GROUP BY p.name HAVING count(DISTINCT c.doc_id) >= 2""",
    "window_row_number": """
        SELECT doc_id, court, judgment_date,
               row_number() OVER (PARTITION BY court ORDER BY judgment_date DESC) AS rn,
               count(*) OVER (PARTITION BY court) AS in_court
        FROM cases""",
    "window_lag_and_running_sum": """
        SELECT doc_id, filing_date,
               lag(doc_id) OVER (ORDER BY filing_date, doc_id) AS previous,
               sum(claimed_principal) OVER (ORDER BY filing_date, doc_id
                   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running
        FROM cases""",
    "date_arithmetic": """
        SELECT doc_id,
               date_diff('day', filing_date, judgment_date) AS days,
               date_diff('month', filing_date, judgment_date) AS months,
               filing_date + INTERVAL 3 MONTH AS deadline,
               judgment_date > filing_date + INTERVAL 90 DAY AS overdue,
               year(filing_date) AS filing_year
        FROM cases""",
    "count_distinct_and_lists": """
        SELECT a.name, count(DISTINCT a.for_party) AS clients,
               count(DISTINCT a.doc_id) AS cases,
               list(DISTINCT a.law_firm ORDER BY a.law_firm) AS firms
        FROM agents a JOIN cases c USING (doc_id)
        GROUP BY a.name""",
    "string_agg_ordered": """
        SELECT a.name, count(*) AS n,
               string_agg(c.case_number, '；' ORDER BY c.case_number) AS numbers
        FROM agents a JOIN cases c USING (doc_id)
        GROUP BY a.name""",
    "case_coalesce_null_order": """
        SELECT doc_id, coalesce(cause, '未知案由') AS cause,
               CASE WHEN claimed_principal >= 100000 THEN 'red'
                    WHEN claimed_principal >= 50000 THEN 'yellow'
                    ELSE 'green' END AS band,
               row_number() OVER (ORDER BY claimed_principal) AS by_amount
        FROM cases""",
    "regexp_and_strings": """
        SELECT doc_id,
               regexp_extract(case_number, '（(\\d{4})）', 1) AS year_text,
               regexp_matches(case_number, '民初\\d+号') AS first_instance,
               regexp_replace(court, '人民法院$', '', 'g') AS court_short,
               length(court) AS court_chars, substr(case_number, 2, 4) AS sub
        FROM cases""",
    "anti_and_semi_joins": """
        SELECT c.doc_id,
               EXISTS (SELECT 1 FROM flags f WHERE f.doc_id = c.doc_id
                       AND f.flag = 'defendant_absent' AND f.value) AS absent,
               c.doc_id NOT IN (SELECT doc_id FROM agents) AS no_agent
        FROM cases c""",
    "qualify_latest_per_court": """
        SELECT court, doc_id FROM cases
        QUALIFY row_number() OVER (PARTITION BY court ORDER BY judgment_date DESC, doc_id) = 1""",
    "cte_and_union": """
        WITH repeat_plaintiffs AS (
            SELECT name FROM parties WHERE side = 'plaintiff'
            GROUP BY name HAVING count(*) > 1),
        repeat_defendants AS (
            SELECT name FROM parties WHERE side = 'defendant' AND name IS NOT NULL
            GROUP BY name HAVING count(*) > 1)
        SELECT 'plaintiff' AS side, name FROM repeat_plaintiffs
        UNION ALL SELECT 'defendant', name FROM repeat_defendants""",
}


@pytest.fixture(scope="module")
def duck(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    store = make_engine("duckdb", tmp_path_factory.mktemp("duck"))
    load(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    store = make_engine("spark", tmp_path_factory.mktemp("spark"))
    load(store)
    yield store
    store.close()


@pytest.mark.parametrize("name", QUERIES)
def test_query_runs_on_duckdb(duck: Engine, name: str) -> None:
    assert duck.query(QUERIES[name]).num_rows > 0


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.parametrize("name", QUERIES)
def test_same_rows_on_spark(duck: Engine, spark: Engine, name: str) -> None:
    expected = duck.query(QUERIES[name])
    got = spark.query(QUERIES[name])
    assert got.schema == expected.schema
    assert sorted_rows(got.to_pylist()) == sorted_rows(expected.to_pylist())


def test_plaintiff_with_repeat_suits(duck: Engine) -> None:
    """A golden value, so a shared mistake on both engines would still be caught."""
    assert duck.rows(QUERIES["group_by_having"]) == [
        {"name": "张三", "suits": 3, "total": 250000.0}
    ]


def test_fixture_files_live_in_tmp(duck: Engine) -> None:
    assert isinstance(getattr(duck, "path", None), Path)
