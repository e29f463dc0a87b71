"""execution_cases_all merges a document's execution case with the register row of the same case:
by case number, or, when the document gives none, by the executed judgment (two equi-joins, not a
join on an OR that engines run as a nested loop)."""

from __future__ import annotations

import duckdb

from jiandu.models.civil.operators.execution_cases_all import execution_cases_all_sql

TABLES = """
CREATE TABLE execution_cases (case_number VARCHAR, respondent_key VARCHAR, respondent_name VARCHAR,
    respondent_kind VARCHAR, applicant_key VARCHAR, applicant_name VARCHAR, applicant_kind VARCHAR,
    court VARCHAR, filing_date DATE, basis_case_number VARCHAR, closing_mode VARCHAR,
    closing_date DATE, distribution_from_case VARCHAR);
CREATE TABLE document_executions (doc_id VARCHAR, kind VARCHAR, case_number VARCHAR,
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
  ('d1', 'cited_number', '（2019）浙0602执11号', 10, 30, 0, 1, DATE '2019-01-10', 'stated',
   NULL, NULL, NULL, FALSE),
  ('d2', 'stated', NULL, 40, 80, 0, 1, DATE '2019-02-11', 'stated',
   '（2018）浙0602民初2号', NULL, NULL, FALSE),
  ('d3', 'stated', NULL, 50, 90, 0, 1, DATE '2019-03-01', 'stated',
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
