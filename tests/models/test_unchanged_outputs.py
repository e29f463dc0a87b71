"""A full build that leaves an output with exactly the rows it had hands no change on: the
operators reading it stay up to date and `table_changes` keeps its stamp, so the models reading
it keep their clues (`jiandu.models.incremental.same_rows`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jiandu.engines.base import Engine
from jiandu.engines.duckdb_engine import DuckDBEngine
from jiandu.models import incremental as inc
from jiandu.models.operators import update_derived
from tests.models.county import baseline, later, load


@dataclass(frozen=True)
class _Courts:
    """Reads every document, writes a table the new documents may leave as it was."""

    sql: str
    name: str = "courts_seen"
    version: str = "1"
    inputs: tuple[str, ...] = ("cases",)
    optional_inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ("courts_seen",)

    def run(self, engine: Engine) -> int:
        return engine.materialize("courts_seen", self.sql)


@dataclass(frozen=True)
class _Reader:
    name: str = "courts_copy"
    version: str = "1"
    inputs: tuple[str, ...] = ("courts_seen",)
    optional_inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ("courts_copy",)

    def run(self, engine: Engine) -> int:
        return engine.materialize("courts_copy", "SELECT * FROM courts_seen")


def _statuses(engine: Engine, run_id: str, sql: str, version: str = "1") -> list[tuple[str, str]]:
    reports = update_derived(engine, run_id=run_id, operators=[_Courts(sql, version=version), _Reader()])
    return [(r.status, r.message) for r in reports]


def test_an_output_left_as_it_was_changes_nothing_downstream(tmp_path: Path) -> None:
    engine = DuckDBEngine(tmp_path / "jiandu.duckdb")
    distinct = "SELECT DISTINCT court FROM cases WHERE court IS NOT NULL ORDER BY court"
    try:
        load(engine, baseline(), run_id="run-1")
        assert [s for s, _ in _statuses(engine, "m1", distinct)] == ["built", "built"]
        stamps = inc.table_stamps(engine)
        assert set(stamps) == {"courts_seen", "courts_copy"}
        load(engine, later(), run_id="run-2")  # new documents of the same courts
        assert _statuses(engine, "m2", distinct) == [
            ("built", "输出未变 unchanged: courts_seen"), ("up_to_date", "")
        ]
        assert inc.table_stamps(engine) == stamps
        assert not [t for t in engine.tables() if t.endswith(inc.COPY_SUFFIX)]
        # a new version whose output differs: its reader builds, both stamps move
        counted = "SELECT court, count(*) AS cases FROM cases GROUP BY court"
        assert [s for s, _ in _statuses(engine, "m3", counted, "2")] == ["built", "built"]
        moved = inc.table_stamps(engine)
        assert all(moved[t] != stamps[t] for t in stamps)
    finally:
        engine.close()


def test_same_rows_compares_every_row_and_column(tmp_path: Path) -> None:
    engine = DuckDBEngine(tmp_path / "jiandu.duckdb")
    try:
        engine.materialize("t", "SELECT * FROM (VALUES (1, 'a'), (1, 'a'), (2, 'b')) AS v(k, x)")
        copy = inc.snapshot_small(engine, ["t"])["t"]
        assert inc.same_rows(engine, "t", copy)
        for changed in (
            "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v(k, x)",  # a duplicate fewer
            "SELECT * FROM (VALUES (1, 'a'), (1, 'a'), (2, 'c')) AS v(k, x)",
            "SELECT k FROM (VALUES (1), (1), (2)) AS v(k)",  # another shape
        ):
            copy = inc.snapshot_small(engine, ["t"])["t"]
            engine.materialize("t", changed)
            assert not inc.same_rows(engine, "t", copy), changed
            assert not engine.table_exists(copy)
            engine.materialize("t", "SELECT * FROM (VALUES (1, 'a'), (1, 'a'), (2, 'b')) AS v(k, x)")
    finally:
        engine.close()
