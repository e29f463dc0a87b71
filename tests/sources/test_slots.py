"""Models declare input slots by canonical table; a model whose slots are empty says so in its
run (report and model_runs) and `jiandu models show` names the sources that feed each slot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from jiandu.cli.context import console, err_console
from jiandu.cli.main import app
from jiandu.engines.duckdb_engine import DuckDBEngine
from jiandu.ingest.registers import ingest_registers
from jiandu.models.runner import run_model
from jiandu.models.spec import SpecError, parse_spec
from jiandu.schema import canonical_tables
from jiandu.schema.derived import derived_table
from tests.paths import REAL, needs_real

SHIXIN = REAL / "execution" / "shixin_records.json"


def listed_spec(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "test.listed",
        "version": "0.1.0",
        "name_zh": "失信名单测试",
        "name_en": "Listed debtors",
        "domain": "execution",
        "supervision_point": "测试",
        "legal_basis": [{"law": "《最高人民法院关于公布失信被执行人名单信息的若干规定》"}],
        "inputs": ["dishonest_debtors"],
        "sql": "SELECT d.key AS subject_key, min(d.name) AS subject_name, 1.0 AS listed "
        "FROM dishonest_debtors AS d GROUP BY d.key",
        "features": {"listed": {"weight": 1, "description_zh": "在失信名单上"}},
        "scoring": {"bands": {"red": 90, "yellow": 50, "green": 10}},
        "subject": {"type": "person", "key_column": "subject_key", "name_column": "subject_name"},
        "evidence": {
            "sql": "SELECT s.subject_key, 'dishonest_debtors' AS source, CAST(NULL AS VARCHAR) AS doc_id, "
            "CAST(NULL AS INTEGER) AS span_start, CAST(NULL AS INTEGER) AS span_end FROM clue_subjects AS s"
        },
        "explanation_zh": "{subject_name}在失信名单上。",
    }
    data.update(changes)
    return data


def test_slots_default_to_the_canonical_inputs_and_can_be_declared() -> None:
    spec = parse_spec(listed_spec())
    assert [s.table for s in spec.input_slots()] == ["dishonest_debtors"]
    slots = [{"table": "dishonest_debtors"}, {"table": "consumption_bans", "required": False}]
    declared = parse_spec(listed_spec(slots=slots))
    assert [(s.table, s.required) for s in declared.input_slots()] == [
        ("dishonest_debtors", True), ("consumption_bans", False),
    ]  # fmt: skip
    assert declared.empty_slots({"dishonest_debtors": 0}) == [declared.input_slots()[0]]
    with pytest.raises(SpecError, match="not canonical tables"):
        parse_spec(listed_spec(slots=[{"table": "party_stats"}]))
    with pytest.raises(SpecError, match="slots"):
        parse_spec(listed_spec(slots=[{"table": "dishonest_debtors", "feed": "x"}]))
    assert "slots" not in parse_spec(listed_spec()).model_dump()  # exports and hashes unchanged


def test_a_model_with_empty_slots_says_so_in_its_run(tmp_path: Path) -> None:
    engine = DuckDBEngine(tmp_path / "ws")
    try:
        engine.ensure_tables([canonical_tables()["dishonest_debtors"]])
        engine.ensure_tables([derived_table(t) for t in ("clues", "clue_evidence", "model_runs")])
        spec = parse_spec(listed_spec())
        report = run_model(engine, spec, spec.resolve(), run_id="run-1")
        assert report.status == "ok" and report.clues == 0
        assert "失信被执行人名单（dishonest_debtors）" in report.message
        assert "empty input slots: dishonest_debtors" in report.message
        recorded = engine.rows("SELECT message FROM model_runs WHERE run_id = 'run-1'")
        assert recorded[0]["message"] == report.message
    finally:
        engine.close()


@needs_real
def test_filled_slots_run_without_the_warning(tmp_path: Path) -> None:
    engine = DuckDBEngine(tmp_path / "ws")
    try:
        ingest_registers(engine, tmp_path / "q", [SHIXIN])
        engine.ensure_tables([derived_table(t) for t in ("clues", "clue_evidence", "model_runs")])
        spec = parse_spec(listed_spec())
        report = run_model(engine, spec, spec.resolve(), run_id="run-2")
        assert report.status == "ok" and report.clues == 3 and report.message == ""
    finally:
        engine.close()


@needs_real
def test_models_show_names_the_sources_of_each_slot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "width", 250)
    monkeypatch.setattr(err_console, "width", 250)
    runner = CliRunner()
    base = ["--workspace", str(tmp_path / "ws")]
    assert runner.invoke(app, [*base, "init"]).exit_code == 0
    result = runner.invoke(app, [*base, "models", "show", "civil.debt_assignment_after_listing"])
    assert result.exit_code == 0, result.output
    assert "输入槽 Input slots" in result.output
    assert "court.shixin_list" in result.output and "synth.dishonest_debtors" in result.output
    assert "缺失 missing" in result.output
    assert "（经 via party_register_keys）" in result.output  # household behind a derived input
    assert runner.invoke(app, [*base, "ingest", "registers", str(SHIXIN)]).exit_code == 0
    result = runner.invoke(app, [*base, "models", "show", "civil.debt_assignment_after_listing"])
    line = next(x for x in result.output.splitlines() if "court.shixin_list" in x)
    assert "court.shixin_list（法院·失信被执行人名单）: 3" in line and "有数据" in line
    assert "未导入 not loaded here: synth.dishonest_debtors" in line
