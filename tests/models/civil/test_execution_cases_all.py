"""execution_cases_all merges a document's execution case with the register row of the same case:
by case number, or, when the document gives none, by the executed judgment (two equi-joins, not a
join on an OR that engines run as a nested loop)."""

from __future__ import annotations

import random

import duckdb

from jiandu.models.civil.operators.execution_cases_all import execution_cases_all_sql

TABLES = """
CREATE TABLE execution_cases (case_number VARCHAR, respondent_key VARCHAR, respondent_name VARCHAR,
    respondent_kind VARCHAR, applicant_key VARCHAR, applicant_name VARCHAR, applicant_kind VARCHAR,
    court VARCHAR, filing_date DATE, basis_case_number VARCHAR, closing_mode VARCHAR,
    closing_date DATE, distribution_from_case VARCHAR);
CREATE TABLE document_executions (doc_id VARCHAR, fact_idx INTEGER, kind VARCHAR, case_number VARCHAR,
    span_start INTEGER, span_end INTEGER, respondent_idx INTEGER, applicant_idx INTEGER,
    filing_date DATE, date_basis VARCHAR, basis_case_number VARCHAR, closing_mode VARCHAR,
    distribution_from_case VARCHAR, listed_dishonest BOOLEAN);
CREATE TABLE parties (doc_id VARCHAR, party_idx INTEGER, name VARCHAR, kind VARCHAR);
CREATE TABLE party_fact_keys (doc_id VARCHAR, party_idx INTEGER, fact_key VARCHAR, fact_name VARCHAR);
CREATE TABLE cases (doc_id VARCHAR, case_number VARCHAR, court VARCHAR);
"""

ROWS = """
INSERT INTO execution_cases VALUES
  ('（2019）浙0602执11号', '330602198001010011', '王建国', 'person', NULL, '李明', 'person',
   '越城区人民法院', DATE '2019-01-10', '（2018）浙0602民初1号', '终结本次执行程序', NULL, NULL),
  ('（2019）浙0602执22号', '330602198502020022', '张三', 'person', NULL, '赵六', 'person',
   '越城区人民法院', DATE '2019-02-10', '（2018）浙0602民初2号', '执行完毕', NULL, NULL);
INSERT INTO parties VALUES ('d1', 0, '王建国', 'person'), ('d1', 1, '李明', 'person'),
  ('d2', 0, '张三', 'person'), ('d2', 1, '赵六', 'person'),
  ('d3', 0, '钱七', 'person'), ('d3', 1, '孙八', 'person');
INSERT INTO party_fact_keys VALUES ('d1', 0, '330602198001010011', '王建国'), ('d1', 1, 'name:李明', '李明'),
  ('d2', 0, 'name:张三', '张三'), ('d2', 1, 'name:赵六', '赵六'),
  ('d3', 0, 'name:钱七', '钱七'), ('d3', 1, 'name:孙八', '孙八');
INSERT INTO cases VALUES ('d1', '（2020）浙0602民初100号', '越城区人民法院'),
  ('d2', '（2020）浙0602民初200号', '越城区人民法院'), ('d3', '（2020）浙0602民初300号', '越城区人民法院');
INSERT INTO document_executions VALUES
  ('d1', 0, 'cited_number', '（2019）浙0602执11号', 10, 30, 0, 1, DATE '2019-01-10', 'stated',
   NULL, NULL, NULL, FALSE),
  ('d2', 0, 'stated', NULL, 40, 80, 0, 1, DATE '2019-02-11', 'stated',
   '（2018）浙0602民初2号', NULL, NULL, FALSE),
  ('d3', 0, 'stated', NULL, 50, 90, 0, 1, DATE '2019-03-01', 'stated',
   '（2018）浙0602民初9号', NULL, NULL, TRUE);
"""


def test_register_rows_take_document_cases_by_number_or_by_executed_judgment() -> None:
    con = duckdb.connect()
    con.execute(TABLES)
    con.execute(ROWS)
    rows = con.execute(
        f"SELECT case_ref, respondent_key, provenance, source_doc_id, register_confirmed "
        f"FROM ({execution_cases_all_sql(True)}) ORDER BY case_ref"
    ).fetchall()
    assert rows == [
        # a case no register row holds stays the document's own row (未 sorts before （)
        ("未载明案号：（2020）浙0602民初300号#50", "name:钱七", "document", "d3", False),
        # by case number: the document names the register's case
        ("（2019）浙0602执11号", "330602198001010011", "both", "d1", True),
        # no case number in the document: the same executed judgment and the same name
        ("（2019）浙0602执22号", "330602198502020022", "both", "d2", True),
    ]


# Ties the picks must break by a unique key, not by the order rows arrive in: one document states
# the case twice at one span for two party mentions resolved to one key (d1), and two respondents
# of one register case bear the document respondent's name (case 执33号, d4).
TIED_REGISTER = [
    ("（2019）浙0602执33号", "330602199003030033", "周九", "person", None, "吴十", "person",
     "越城区人民法院", "2019-03-10", "（2018）浙0602民初3号", None, None, None),
    ("（2019）浙0602执33号", "330602199004040044", "周九", "person", None, "吴十", "person",
     "越城区人民法院", "2019-03-10", "（2018）浙0602民初3号", None, None, None),
]
TIED_PARTIES = [("d1", 0, "王建国", "person"), ("d1", 1, "李明", "person"), ("d1", 2, "王建囯", "person"),
                ("d4", 0, "周九", "person"), ("d4", 1, "吴十", "person")]
TIED_KEYS = [("d1", 0, "pk_1", None), ("d1", 1, "name:李明", "李明"), ("d1", 2, "pk_1", None),
             ("d4", 0, "name:周九", "周九"), ("d4", 1, "name:吴十", "吴十")]
TIED_CASES = [("d1", "（2020）浙0602民初100号", "越城区人民法院"),
              ("d4", "（2020）浙0602民初400号", "越城区人民法院")]
TIED_FACTS = [
    ("d1", 0, "stated", "（2019）浙0602执55号", 10, 30, 0, 1, "2019-01-10", "stated", None, None, None,
     False),
    ("d1", 1, "stated", "（2019）浙0602执55号", 10, 40, 2, 1, "2019-01-10", "stated", None, None, None,
     False),
    ("d4", 0, "stated", "（2019）浙0602执33号", 5, 25, 0, 1, "2019-03-10", "stated", None, None, None,
     False),
]


def _tied_rows(seed: int | None) -> list[tuple[object, ...]]:
    con = duckdb.connect()
    con.execute(TABLES)
    for table, rows in (("execution_cases", TIED_REGISTER), ("parties", TIED_PARTIES),
                        ("party_fact_keys", TIED_KEYS), ("cases", TIED_CASES),
                        ("document_executions", TIED_FACTS)):
        rows = list(rows) if seed is None else random.Random(seed).sample(rows, len(rows))
        marks = ", ".join("?" * len(rows[0]))
        con.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    return con.execute(
        f"SELECT * FROM ({execution_cases_all_sql(True)}) ORDER BY ALL"
    ).fetchall()


def test_ties_do_not_depend_on_row_order() -> None:
    expected = _tied_rows(None)
    # the register row the document states is the first key's; the case of d1 its first fact's
    assert [(r[0], r[2], r[18]) for r in expected] == [
        ("（2019）浙0602执33号", "330602199003030033", "both"),
        ("（2019）浙0602执33号", "330602199004040044", "register"),
        ("（2019）浙0602执55号", "pk_1", "document"),
    ]
    assert [r[3] for r in expected if r[0].endswith("55号")] == ["王建国"]
    for seed in range(8):
        assert _tied_rows(seed) == expected
