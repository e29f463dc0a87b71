"""Incremental runs (`jiandu.models.incremental`): corpus A, then a batch B ingested as a second
run, updated incrementally, gives exactly the derived tables and clues of a full rebuild over
A+B; operators that can only process the batch's documents (and what entity resolution changed)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from jiandu.engines.base import Engine
from jiandu.engines.duckdb_engine import DuckDBEngine
from jiandu.ingest.pipeline import ingest_judgments
from jiandu.ingest.registers import ingest_registers
from jiandu.models import incremental as inc
from jiandu.models.library import Library
from jiandu.models.operators import OPERATORS, Operator, update_derived
from jiandu.models.runner import RunReport, run
from jiandu.synth import generate
from tests.engine_support import sorted_rows
from tests.models.county import baseline, later, load

T = TypeVar("T")

# the columns of a clue that say when and by which run it was produced, not what it is
RUN_COLUMNS = {"run_id", "first_run_id", "first_seen_at", "updated_at"}
CORE_AND_CIVIL = {
    "entity_resolution", "party_keys", "party_stats", "loan_signs", "claim_wording", "party_links",
    "execution_applications", "party_register_keys", "document_facts", "party_fact_keys",
    "execution_cases_all", "person_relations", "interest_caps", "civil_mentions",
}


def _civil_models(library: Library) -> list[str]:
    return [s.id for s in library.enabled() if s.id.startswith("civil.")]


def _operators() -> list[Operator]:
    return [op for op in OPERATORS if op.name in CORE_AND_CIVIL]


def _snapshot(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    tables = sorted({t for op in _operators() for t in op.outputs if engine.table_exists(t)})
    out = {t: sorted_rows(engine.query(f"SELECT * FROM {t}").to_pylist()) for t in tables}
    for t in ("clues", "clue_evidence"):
        rows = engine.query(f"SELECT * FROM {t}").to_pylist()
        out[t] = sorted_rows([{k: v for k, v in r.items() if k not in RUN_COLUMNS} for r in rows])
    return out


def _run(engine: Engine, library: Library, *, rebuild: bool = False) -> RunReport:
    report = run(engine, library, _civil_models(library), rebuild=rebuild)
    assert all(m.status == "ok" for m in report.models), [(m.model_id, m.message) for m in report.models]
    return report


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("incremental") / "county"
    generate(folder, seed=5, documents=1500)
    return folder


def _split(county: Path) -> tuple[list[Path], list[Path]]:
    """Corpus A and a batch B of about a tenth of the text files."""
    files = sorted(p for p in (county / "documents").rglob("*") if p.is_file())
    batch = [p for i, p in enumerate(files) if p.suffix == ".txt" and i % 10 == 0]
    chosen = set(batch)
    return [p for p in files if p not in chosen], batch


@pytest.fixture(scope="module")
def updated(county: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunReport]:
    """A workspace with corpus A run, then batch B ingested and run incrementally; each step
    opens the store afresh, as the commands do. Returns the store and the last run's report."""
    store = tmp_path_factory.mktemp("incremental_ws") / "jiandu.duckdb"
    first, batch = _split(county)
    library = Library()
    step(store, lambda e: ingest_judgments(e, store.parent / "q", first, workers=1))
    step(store, lambda e: ingest_registers(e, store.parent / "q", [county / "registers"]))
    step(store, lambda e: _run(e, library))
    step(store, lambda e: ingest_judgments(e, store.parent / "q", batch, workers=1))
    return store, step(store, lambda e: _run(e, library))


def step(store: Path, work: Callable[[Engine], T]) -> T:
    """``work`` on the store, opened for it alone."""
    engine = DuckDBEngine(store)
    try:
        return work(engine)
    finally:
        engine.close()


@pytest.mark.slow
def test_batch_updates_only_what_it_touches(updated: tuple[Path, RunReport]) -> None:
    store, report = updated
    status = {op.name: op for op in report.operators}
    incremental = (
        "party_keys", "party_stats", "party_links", "execution_applications", "party_register_keys",
        "party_fact_keys", "loan_signs", "civil_mentions", "document_facts", "claim_wording",
    )
    for name in incremental:
        assert status[name].status == "incremental", status[name]
    documents = step(store, lambda e: e.count("documents"))
    # party_keys saw the batch and the few documents whose entities changed, not the corpus
    touched = int(status["party_keys"].message.split()[0])
    assert 0 < touched < documents / 2
    covered = step(
        store,
        lambda e: e.query(
            f"SELECT operator, count(*) AS runs FROM {inc.COVERAGE_TABLE} GROUP BY operator"
        ).to_pylist(),
    )
    assert {r["operator"]: r["runs"] for r in covered}["party_keys"] == 2
    # the batch's tables of affected documents are gone with the run (keyed operators' included)
    assert not [t for t in step(store, lambda e: e.tables()) if t.startswith(inc.AFFECTED_PREFIX)]


@pytest.mark.slow
def test_incremental_equals_full_rebuild(updated: tuple[Path, RunReport]) -> None:
    store, _ = updated
    incremental = step(store, _snapshot)
    report = step(store, lambda e: _run(e, Library(), rebuild=True))
    assert {op.status for op in report.operators} == {"built"}
    full = step(store, _snapshot)
    assert incremental.keys() == full.keys()
    for name in full:
        assert incremental[name] == full[name], name
    assert full["party_mentions"] and full["clues"]


def test_changed_inputs() -> None:
    before = '{"counts": {"documents": 10, "signs": 3}, "version": "1"}'
    grown = '{"counts": {"documents": 12, "signs": 3}, "version": "1"}'
    assert inc.changed_inputs(before, grown) == {"documents"}
    assert inc.changed_inputs(before, '{"counts": {"documents": 10, "signs": 3}, "version": "2"}') is None
    assert inc.changed_inputs(before, '{"counts": {"documents": 10}, "version": "1"}') is None
    assert inc.changed_inputs(None, before) is None


def test_document_tables_are_the_documents_and_their_rows() -> None:
    tables = inc.document_tables()
    assert {"documents", "cases", "parties", "flags", "signs"} <= tables
    assert "quarantine" not in tables and "household" not in tables


def test_batch_on_every_engine(engine: Engine) -> None:
    """Per-document, per-key and appending operators on a hand-built county, without entity
    resolution: the batch's update equals a full rebuild, on DuckDB and Spark."""
    operators: list[Operator] = [
        op
        for op in OPERATORS
        if op.name in {"party_keys", "party_stats", "party_links", "loan_signs", "civil_mentions"}
    ]
    load(engine, baseline(), run_id="run-1")
    assert {r.status for r in update_derived(engine, run_id="m1", operators=operators)} == {"built"}
    load(engine, later(), run_id="run-2")
    reports = update_derived(engine, run_id="m2", operators=operators)
    assert {r.status for r in reports} == {"incremental"}, reports
    assert reports[0].message == f"{len(later())} documents"
    outputs = [t for op in operators for t in op.outputs]
    incremental = {t: sorted_rows(engine.query(f"SELECT * FROM {t}").to_pylist()) for t in outputs}
    update_derived(engine, run_id="m3", operators=operators, force=True)
    full = {t: sorted_rows(engine.query(f"SELECT * FROM {t}").to_pylist()) for t in outputs}
    assert incremental == full
    assert len(full["party_stats"]) > len(baseline()) // 20


def test_what_forces_a_full_build(tmp_path: Path) -> None:
    """No new documents: up to date; a new operator version: built in full; a crash's leftovers
    are dropped."""
    engine = DuckDBEngine(tmp_path / "jiandu.duckdb")
    try:
        keys = next(op for op in OPERATORS if op.name == "party_keys")
        stats = next(op for op in OPERATORS if op.name == "party_stats")
        load(engine, baseline(), run_id="run-1")
        update_derived(engine, run_id="m1", operators=[keys, stats])
        assert {r.status for r in update_derived(engine, run_id="m2", operators=[keys, stats])} == {
            "up_to_date"
        }
        load(engine, later(), run_id="run-2")
        engine.materialize(f"{inc.AFFECTED_PREFIX}left", "SELECT 'x' AS doc_id")
        bumped = dataclasses.replace(keys, version=keys.version + "-test")
        reports = update_derived(engine, run_id="m3", operators=[bumped, stats])
        # the new version covers nothing yet; party_stats reads a table rebuilt in full
        assert [r.status for r in reports] == ["built", "built"]
        assert not [t for t in engine.tables() if t.startswith(inc.AFFECTED_PREFIX)]
        assert inc.covered_runs(engine, "party_keys", bumped.version) == {
            "run-1": len(baseline()),
            "run-2": len(later()),
        }
    finally:
        engine.close()


def test_entities_are_compared_on_what_their_readers_read() -> None:
    """`entities` is diffed on the columns party_fact_keys reads: a new operator that reads it
    must be checked against DIFFED_OUTPUTS (and added to ENTITY_READERS)."""
    readers = {op.name for op in OPERATORS if "entities" in (*op.inputs, *op.optional_inputs)}
    assert readers == inc.ENTITY_READERS


def test_documents_under_a_covered_run_id_force_a_full_build(tmp_path: Path) -> None:
    """Documents stored under a run id an operator has covered (a reused id): which are new is
    unknown, so the operator builds in full and misses none."""
    engine = DuckDBEngine(tmp_path / "jiandu.duckdb")
    try:
        keys = next(op for op in OPERATORS if op.name == "party_keys")
        load(engine, baseline(), run_id="run-1")
        update_derived(engine, run_id="m1", operators=[keys])
        load(engine, later(), run_id="run-1")
        assert [r.status for r in update_derived(engine, run_id="m2", operators=[keys])] == ["built"]
        docs = engine.query("SELECT count(DISTINCT doc_id) AS n FROM party_mentions").column("n")[0]
        assert docs.as_py() == len(baseline()) + len(later())
    finally:
        engine.close()
