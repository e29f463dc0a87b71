"""A model whose inputs have not changed since its last ok run keeps its clues instead of running
again (`jiandu.models.model_inputs`); anything it depends on that changed makes it run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jiandu.engines.base import Engine
from jiandu.models import model_inputs
from jiandu.models.library import Library, LoadedSpec
from jiandu.models.regions import parse_region
from jiandu.models.runner import KEPT_MESSAGE, run
from jiandu.models.spec import ModelSpec, parse_spec
from jiandu.schema import table
from tests.models import county
from tests.models.helpers import EXAMPLE, example_data, framework_only, minimal_data


@pytest.fixture(autouse=True)
def _framework_only(monkeypatch: pytest.MonkeyPatch) -> None:
    framework_only(monkeypatch)


def _clue_runs(engine: Engine) -> set[str]:
    return {r["run_id"] for r in engine.rows("SELECT run_id FROM clues")}


def test_unchanged_inputs_keep_the_clues_new_documents_run_the_model(engine: Engine) -> None:
    county.load(engine, county.baseline())
    first = run(engine, Library(), run_id="run-1").models[0]
    clues = engine.rows("SELECT * FROM clues ORDER BY clue_id")
    evidence = engine.count("clue_evidence")

    kept = run(engine, Library(), run_id="run-2").models[0]
    assert (kept.status, kept.kept_from, kept.clues, kept.bands) == ("ok", "run-1", first.clues, first.bands)
    assert (kept.new, kept.updated) == (0, 0)
    assert engine.rows("SELECT * FROM clues ORDER BY clue_id") == clues  # not rewritten: run-1's
    assert engine.count("clue_evidence") == evidence
    runs = engine.rows("SELECT run_id, status, message, clues FROM model_runs ORDER BY run_id")
    assert [(r["run_id"], r["status"], r["clues"]) for r in runs] == [
        ("run-1", "ok", first.clues), ("run-2", "ok", first.clues)
    ]
    assert runs[1]["message"] == KEPT_MESSAGE.format(run_id="run-1")
    assert "输入未变" in runs[1]["message"]

    # a third run keeps them too (the kept run recorded the same state)
    assert run(engine, Library(), run_id="run-3").models[0].kept_from == "run-2"

    county.load(engine, county.later())  # new documents: the inputs changed
    ran = run(engine, Library(), run_id="run-4").models[0]
    assert ran.kept_from is None and ran.new == 1
    assert _clue_runs(engine) == {"run-4"}


def test_other_parameters_or_a_full_run_run_the_model(engine: Engine) -> None:
    county.load(engine, county.baseline())
    run(engine, Library(), run_id="run-1")
    wider = parse_region(
        {"region": "testland", "name_zh": "测试省", "models": {EXAMPLE: {"window_years": 2, "min_suits": 9}}},
        source="test",
    )
    assert run(engine, Library(), region=wider, run_id="run-wide").models[0].kept_from is None
    assert run(engine, Library(), region=wider, run_id="run-wide-2").models[0].kept_from == "run-wide"
    # back to the defaults: the latest run's state is the region's, so the model runs
    assert run(engine, Library(), run_id="run-default").models[0].kept_from is None
    full = run(engine, Library(), run_id="run-full", rebuild=True)
    assert {op.status for op in full.operators} == {"built"}
    assert full.models[0].kept_from is None
    changed = engine.rows("SELECT table_name FROM table_changes WHERE run_id = 'run-full'")
    assert {r["table_name"] for r in changed} == {"party_mentions", "party_stats"}  # --full: all
    # the full run recorded the state after its builds: the next run keeps its clues
    assert run(engine, Library(), run_id="run-after").models[0].kept_from == "run-full"


def test_a_failed_or_changed_spec_runs_again(engine: Engine) -> None:
    county.load(engine, county.baseline())
    run(engine, Library(), run_id="run-1")
    changed = example_data()
    changed["explanation_zh"] = changed["explanation_zh"] + "（修订）"
    library = Library()
    spec = parse_spec(changed)
    library.specs[spec.id] = LoadedSpec(spec, "workspace", Path("changed.yaml"))
    report = run(engine, library, run_id="run-2")
    assert report.models[0].kept_from is None  # another spec hash
    assert "（修订）" in engine.rows("SELECT explanation FROM clues LIMIT 1")[0]["explanation"]
    # the latest run failed: whatever its state, the model runs
    latest = {EXAMPLE: {"run_id": "run-2", "status": "failed"}}
    state = engine.rows(f"SELECT state FROM {model_inputs.TABLE} WHERE run_id = 'run-2'")[0]["state"]
    assert model_inputs.kept_run(engine, EXAMPLE, latest, state) is None
    assert model_inputs.kept_run(engine, EXAMPLE, {EXAMPLE: {"run_id": "run-2", "status": "ok"}}, state)


def test_a_model_that_reads_the_clock_always_runs(engine: Engine) -> None:
    data = example_data()
    assert "current_date" not in data["sql"].lower()
    plain = parse_spec(data)
    assert not model_inputs.reads_clock(plain)
    data["sql"] = data["sql"].replace("SELECT", "SELECT current_date AS today_,", 1)
    dated = parse_spec(data)
    assert model_inputs.reads_clock(dated)
    county.load(engine, county.baseline())
    library = Library()
    library.specs[dated.id] = LoadedSpec(dated, "workspace", Path("dated.yaml"))
    run(engine, library, run_id="run-1")
    assert run(engine, library, run_id="run-2").models[0].kept_from is None
    assert model_inputs.InputStates(engine).of(dated, {}, None) is None


def test_the_state_names_every_table_read(engine: Engine) -> None:
    county.load(engine, county.baseline())
    run(engine, Library(), run_id="run-1")
    state = json.loads(engine.rows(f"SELECT state FROM {model_inputs.TABLE}")[0]["state"])
    spec = Library().get(EXAMPLE)
    assert set(state["tables"]) >= set(spec.inputs) | {"documents", "cases"}
    assert state["tables"]["cases"] == len(county.baseline())
    assert state["tables"]["party_stats"].startswith("changed@")  # table_changes
    assert (state["engine"], state["region"]) == (engine.name, None)


def _register_spec() -> ModelSpec:
    """A register model: reads the household register only, its evidence names no document."""
    return parse_spec(
        minimal_data(
            id="test.register_only",
            inputs=["household"],
            sql="SELECT person_id AS subject_key, min(name) AS subject_name, "
            "least(1.0, count(*) / :n) AS volume FROM household GROUP BY person_id",
            evidence={
                "sql": "SELECT h.person_id AS subject_key, 'household' AS source, "
                "CAST(NULL AS VARCHAR) AS doc_id, CAST(NULL AS INTEGER) AS span_start, "
                "CAST(NULL AS INTEGER) AS span_end, '户籍' AS label, h.name AS text "
                "FROM household AS h JOIN clue_subjects AS c ON c.subject_key = h.person_id"
            },
            parameters={
                "n": {"type": "integer", "default": 1, "min": 1, "max": 100, "description_zh": "下限"}
            },
        )
    )


def test_a_register_model_keeps_its_clues_when_only_judgments_arrive(engine: Engine) -> None:
    spec = _register_spec()
    assert not model_inputs.may_cite_documents(spec)
    cites = example_data()  # the same evidence with a document id: documents and cases count
    assert model_inputs.may_cite_documents(parse_spec(cites))
    library = Library()
    library.specs[spec.id] = LoadedSpec(spec, "workspace", Path("register.yaml"))
    county.load(engine, county.baseline())
    household = table("household")
    row = {"household_id": "H1", "person_id": "330602198001010011", "name": "王大成"}
    engine.insert_new(household, household.to_arrow([row]))
    assert run(engine, library, [spec.id, EXAMPLE], run_id="run-1").ok
    county.load(engine, county.later())  # judgments only
    report = {m.model_id: m for m in run(engine, library, [spec.id, EXAMPLE], run_id="run-2").models}
    assert report[spec.id].kept_from == "run-1" and report[spec.id].clues == 1
    assert report[EXAMPLE].kept_from is None  # it reads party_stats and cites documents
    state = json.loads(engine.rows(
        f"SELECT state FROM {model_inputs.TABLE} WHERE run_id = 'run-2' AND model_id = '{spec.id}'"
    )[0]["state"])
    assert set(state["tables"]) == {"household"}
    row = {"household_id": "H1", "person_id": "330602198001010022", "name": "李红"}
    engine.insert_new(household, household.to_arrow([row]))  # the register grew
    again = {m.model_id: m for m in run(engine, library, [spec.id], run_id="run-3").models}
    assert again[spec.id].kept_from is None and again[spec.id].clues == 2


def test_a_store_from_before_table_changes_stamps_by_operator_builds(engine: Engine) -> None:
    county.load(engine, county.baseline())
    run(engine, Library(), run_id="run-1")
    engine.drop_table("table_changes")  # as a store from before it
    assert run(engine, Library(), run_id="run-2").models[0].kept_from is None  # another stamp
    state = json.loads(engine.rows(
        f"SELECT state FROM {model_inputs.TABLE} WHERE run_id = 'run-2'"
    )[0]["state"])
    assert state["tables"]["party_stats"].startswith("party_stats@")
    assert run(engine, Library(), run_id="run-3").models[0].kept_from == "run-2"


def test_a_change_to_the_code_runs_the_model_again(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    county.load(engine, county.baseline())
    run(engine, Library(), run_id="run-1")
    assert run(engine, Library(), run_id="run-2").models[0].kept_from == "run-1"
    # the same version number, other code (an upgrade or a local fix that did not bump it)
    monkeypatch.setattr(model_inputs, "code_fingerprint", lambda: "another build of jiandu")
    assert run(engine, Library(), run_id="run-3").models[0].kept_from is None
    assert _clue_runs(engine) == {"run-3"}


def test_the_code_fingerprint_follows_the_package_sources(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "__pycache__").mkdir()
    (tmp_path / "web").mkdir()
    (tmp_path / "scoring.py").write_text("BANDS = (0.6, 0.8)\n", encoding="utf-8")
    (tmp_path / "models" / "spec.yaml").write_text("threshold: 3\n", encoding="utf-8")
    (tmp_path / "models" / "__pycache__" / "scoring.cpython-311.pyc").write_bytes(b"\x00")
    (tmp_path / "web" / "page.css").write_text("body {}\n", encoding="utf-8")
    first = model_inputs.source_fingerprint(tmp_path)
    assert model_inputs.source_fingerprint(tmp_path) == first

    # compiled caches and the web pages' styles do not change a clue
    (tmp_path / "models" / "__pycache__" / "scoring.cpython-311.pyc").write_bytes(b"\x01")
    (tmp_path / "web" / "page.css").write_text("body { color: red }\n", encoding="utf-8")
    assert model_inputs.source_fingerprint(tmp_path) == first

    (tmp_path / "models" / "spec.yaml").write_text("threshold: 4\n", encoding="utf-8")
    changed = model_inputs.source_fingerprint(tmp_path)
    assert changed != first
    (tmp_path / "models" / "spec.yaml").rename(tmp_path / "models" / "other.yaml")  # same bytes
    assert model_inputs.source_fingerprint(tmp_path) not in {first, changed}
    assert len(model_inputs.code_fingerprint()) == 64
