"""civil.collusive_debt_evasion on documents alone (no register), then with one register row.

The corpus (tests/models/civil/docfacts_corpus.py) is ingested with the normal ingest and the model
runs with every operator it needs, entity resolution included. DuckDB only: the same operator
and model SQL runs on Spark in test_civil_collusive.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from stdnum.cn import ric

from jiandu.engines import open_engine
from jiandu.engines.base import Engine
from jiandu.ingest.pipeline import ingest_judgments
from jiandu.ingest.registers import ingest_registers
from jiandu.models.clues import load_clues
from jiandu.models.library import Library
from jiandu.models.operators import operators_for, update_derived
from jiandu.models.runner import run_model
from jiandu.schema.derived import derived_table
from tests.models.civil.docfacts_corpus import write_corpus

MODEL = "civil.collusive_debt_evasion"
_BODY = "33060219750412022"  # 蒋丽萍: region, born 1975-04-12, sequence 02, female (even digit)
JIANG_ID = _BODY + ric.calc_check_digit(_BODY + "0")  # stdnum reads all but the last character


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Engine]:
    engine = open_engine("duckdb", tmp_path / "store")
    report = ingest_judgments(engine, tmp_path / "quarantine", [write_corpus(tmp_path / "docs")], workers=1)
    assert (report.parsed, report.quarantined) == (6, 0)
    try:
        yield engine
    finally:
        engine.close()


def run(engine: Engine) -> list[dict[str, Any]]:
    spec = Library().get(MODEL)
    update_derived(engine, run_id="run-docs", operators=operators_for(spec.inputs))
    engine.ensure_tables([derived_table(t) for t in ("clues", "clue_evidence", "model_runs")])
    report = run_model(engine, spec, spec.resolve(), run_id="run-docs")
    assert report.status == "ok", report.message
    return [c for c in load_clues(engine) if c["model_id"] == MODEL]


def quoted(engine: Engine, clue: dict[str, Any]) -> set[tuple[str, str]]:
    texts = {r["doc_id"]: r["text"] for r in engine.rows("SELECT doc_id, text FROM documents")}
    out = set()
    for item in clue["evidence"]:
        if item["kind"] == "document":
            start, end = item["span"]
            assert texts[item["doc_id"]][start:end] == item["text"]
            out.add((item["label"], item["text"]))
    return out


def test_collusive_suits_fire_from_documents_alone(store: Engine) -> None:
    assert not store.table_exists("execution_cases") or store.count("execution_cases") == 0
    assert not store.table_exists("household") or store.count("household") == 0
    clues = run(store)
    by_name = {c["subject"]["name"]: c for c in clues}
    # no clue for 周国平 (his brother's suit, but no execution against him) nor 沈伟明 (in
    # execution, but the lender is unrelated; the agent's "系原告之子" relates agent and plaintiff)
    assert sorted(by_name) == ["俞志刚", "蒋丽萍"]

    jiang = by_name["蒋丽萍"]
    # execution (0.8·2), stated brother (1·0.9·4), admits all (1·3) in 15 days (1·1),
    # 800,000 of 1,000,000 (0.8·1), nothing from a register: 10 / 16
    assert jiang["score"] == 62.5 and jiang["band"] == "green"
    text = jiang["explanation"]
    assert "（2018）浙0602执1357号" in text and "立案 2018-03-06" in text and "裁判文书记载" in text
    assert "兄弟姐妹（文书记载，可信度 0.9）" in text and "历时15天" in text
    evidence = quoted(store, jiang)
    assert ("原被告关联（文书记载）", "原告蒋建华系被告蒋丽萍之兄") in evidence
    assert ("裁判前已有执行案件（文书记载）：（2018）浙0602执1357号", "蒋丽萍") in evidence
    assert any(label == "被告答辩" for label, _ in evidence)

    yu = by_name["俞志刚"]
    # cited execution (0.8·2), stated son (0.9·4), mediated (1·3) in 12 days (1·1),
    # 520,000 (0.52·1): 9.72 / 16
    assert yu["score"] == 60.75 and yu["band"] == "green"
    assert "（2019）浙0603执455号" in yu["explanation"] and "子女（文书记载" in yu["explanation"]
    evidence = quoted(store, yu)
    assert ("原被告关联（文书记载）", "原告俞斌系被告俞志刚之子") in evidence
    assert ("裁判前已有执行案件（文书记载）：（2019）浙0603执455号", "（2019）浙0603执455号") in evidence


def test_a_register_row_confirms_a_document_case_and_raises_the_score(store: Engine, tmp_path: Path) -> None:
    register = tmp_path / "registers"
    register.mkdir()
    (register / "execution_cases.csv").write_text(
        "case_number,court,filing_date,applicant_name,respondent_name,respondent_key,respondent_kind,"
        "basis_case_number,closing_mode\n"
        f"（2018）浙0602执1357号,浙江省绍兴市越城区人民法院,2018-03-06,绍兴恒昌纺织品有限公司,蒋丽萍,"
        f"{JIANG_ID},person,（2017）浙0602民初8812号,终结本次执行程序\n",
        encoding="utf-8",
    )
    loaded = ingest_registers(store, tmp_path / "quarantine", [register])
    assert loaded.loaded["execution_cases"] == 1
    clues = run(store)
    rows = store.rows(
        "SELECT case_ref, respondent_key, provenance, register_confirmed, source_kind "
        "FROM execution_cases_all WHERE case_number = '（2018）浙0602执1357号'"
    )
    # one row: the register's, confirmed by the ruling that states it
    assert rows == [
        {
            "case_ref": "（2018）浙0602执1357号",
            "respondent_key": JIANG_ID,
            "provenance": "both",
            "register_confirmed": True,
            "source_kind": "ruling",
        }
    ]
    jiang = next(c for c in clues if c["subject"]["name"] == "蒋丽萍")
    assert jiang["subject"]["key"] == JIANG_ID  # the suit's defendant now has the register key
    # as above, plus half the register confirmation (the execution; the relation stays stated)
    assert jiang["score"] == pytest.approx(100 * 10.5 / 16, abs=0.01)
    assert "来源：执行登记" in jiang["explanation"]
    assert {c["subject"]["name"] for c in clues} == {"蒋丽萍", "俞志刚"}
    assert (
        dt.date(2018, 3, 6)
        == store.rows(f"SELECT filing_date FROM execution_cases_all WHERE respondent_key = '{JIANG_ID}'")[0][
            "filing_date"
        ]
    )
