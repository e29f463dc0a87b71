"""Work units: workers read their own files and stage Parquet; the result is exactly what a
single process reading every record in order and keeping the first of each document stores."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import zipfile
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest

from jiandu.engines.base import Engine
from jiandu.ingest import worker
from jiandu.ingest.pipeline import ingest_judgments, settle_unit
from jiandu.ingest.rows import CHILD_TABLES
from jiandu.ingest.sources import DEFAULT_TEXT_FIELDS, RawRecord, RejectedRecord, read_inputs, read_path
from jiandu.ingest.units import line_ranges, plan_units
from jiandu.ingest.worker import ParsedDocument, UnitResult, process_one, process_unit
from tests.ingest.test_hostile import doc

_RUN_COLUMNS = {"ingested_at", "ingest_run_id"}


def _items(items: Any) -> list[tuple[str, str, str]]:
    """(source, record_ref, text or reason code) of each record, in order."""
    out = []
    for item in items:
        if isinstance(item, RawRecord):
            text = item.text or (item.data or b"").decode("utf-8", "replace")
            out.append((item.source, item.record_ref, text))
        else:
            out.append((item.source, item.record_ref, item.code))
    return out


def _mixed_corpus(root: Path) -> Path:
    """txt, html, GB18030, a zip, JSON lines with blank, damaged and repeated records."""
    inputs = root / "in"
    (inputs / "a").mkdir(parents=True)
    (inputs / "a" / "one.txt").write_text(doc(1), encoding="utf-8")
    (inputs / "a" / "two_gbk.txt").write_bytes(doc(2).encode("gb18030"))
    (inputs / "a" / "three.html").write_text(
        "<html><body>" + "".join(f"<p>{line}</p>" for line in doc(3).splitlines()) + "</body></html>",
        encoding="utf-8",
    )
    (inputs / "a" / "again_one.txt").write_text(doc(1), encoding="utf-8")  # a duplicate across files
    (inputs / "a" / "empty.txt").write_bytes(b"")
    (inputs / "a" / "cut.txt").write_text(doc(50)[: len(doc(50)) // 2], encoding="utf-8")
    (inputs / "a" / "news.txt").write_text("今日天气晴，气温十五度。" * 20, encoding="utf-8")
    (inputs / "a" / "notes.docx").write_bytes(b"PK\x03\x04 not a judgment format")
    with zipfile.ZipFile(inputs / "a" / "more.zip", "w") as archive:
        archive.writestr("four.txt", doc(4).encode("utf-8"))
        archive.writestr("two_again.txt", doc(2).encode("utf-8"))
    lines = []
    for n in range(5, 45):
        lines.append(json.dumps({"id": n, "text": doc(n)}, ensure_ascii=False))
        if n % 7 == 0:
            lines.append("")  # blank lines count as lines
        if n % 9 == 0:
            lines.append('{"text": "cut off')  # damaged record
        if n % 5 == 0:
            lines.append(json.dumps({"id": f"r{n}", "text": doc(n - 3)}, ensure_ascii=False))  # repeats
    lines.append(json.dumps({"id": 99, "text": doc(1)}, ensure_ascii=False))
    (inputs / "b.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (inputs / "c.jsonl").write_text(json.dumps({"text": doc(6)}, ensure_ascii=False), encoding="utf-8")
    return inputs


def test_line_ranges_read_the_same_records_as_the_whole_file(tmp_path: Path) -> None:
    path = _mixed_corpus(tmp_path) / "b.jsonl"
    whole = _items(read_inputs([path]))
    for target in (1, 500, 3000, path.stat().st_size, 10 * path.stat().st_size):
        ranges = line_ranges(path, target)
        assert ranges[0].start == 0 and ranges[-1].end == path.stat().st_size
        assert all(a.end == b.start for a, b in itertools.pairwise(ranges))
        parts = [item for lines in ranges for item in _items(read_path(path, True, lines=lines))]
        assert parts == whole, target


def test_units_cover_every_record_in_input_order(tmp_path: Path) -> None:
    inputs = _mixed_corpus(tmp_path)
    whole = _items(read_inputs([inputs]))
    for target in (1, 2000, 10**9):
        units = list(plan_units([inputs], target, max_files=3))
        assert [u.index for u in units] == list(range(len(units)))
        parts = [part for unit in units for part in unit.parts]
        found = [item for p in parts for item in _items(read_path(p.path, p.given, lines=p.lines))]
        assert found == whole, target
    assert len(list(plan_units([inputs], 2000, max_files=3))) > 5  # b.jsonl is cut into ranges


def _reference(paths: list[Path]) -> tuple[list[ParsedDocument], list[RejectedRecord], int]:
    """One process, record by record, first occurrence of each document kept (the old ingest)."""
    kept: dict[str, ParsedDocument] = {}
    rejected: list[RejectedRecord] = []
    duplicates = 0
    for item in read_inputs(paths):
        result = process_one(item) if isinstance(item, RawRecord) else item
        if isinstance(result, RejectedRecord):
            rejected.append(result)
        elif result.doc_id in kept:
            duplicates += 1
        else:
            kept[result.doc_id] = result
    return list(kept.values()), rejected, duplicates


def _stored(engine: Engine, name: str) -> list[tuple[Any, ...]]:
    rows = engine.query(f"SELECT * FROM {name}").to_pylist()
    return sorted(
        (tuple(sorted((k, v) for k, v in row.items() if k not in _RUN_COLUMNS)) for row in rows), key=repr
    )


def test_parallel_units_store_what_one_process_would(
    engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    inputs = _mixed_corpus(tmp_path)
    documents, rejected, duplicates = _reference([inputs])

    report = ingest_judgments(
        engine, tmp_path / "quarantine", [inputs], workers=2, unit_bytes=2000, batch_size=3
    )

    counts = (report.parsed, report.duplicates, report.quarantined)
    assert counts == (len(documents), duplicates, len(rejected))
    assert report.read == len(documents) + duplicates + len(rejected)
    expected_docs = sorted((tuple(sorted(d.document.items())) for d in documents), key=repr)
    assert _stored(engine, "documents") == expected_docs
    for name in CHILD_TABLES:
        rows = [row for d in documents for row in d.rows[name]]
        assert _stored(engine, name) == sorted((tuple(sorted(r.items())) for r in rows), key=repr), name
    quarantined = engine.query("SELECT source, record_ref, reason_code, reason FROM quarantine").to_pylist()
    assert sorted(tuple(r.values()) for r in quarantined) == sorted(
        (r.source, r.record_ref, r.code, r.reason) for r in rejected
    )
    assert {r.code for r in rejected} >= {"empty", "not_judgment", "unsupported", "truncated", "bad_json"}
    # the units ran in worker processes (DuckDB) or Spark tasks, not in the fallback here
    assert "quarantined" in caplog.text  # warnings are captured
    assert "record by record here" not in caplog.text and "running them here" not in caplog.text
    assert not (tmp_path / "staging").exists() or not any((tmp_path / "staging").iterdir())

    again = ingest_judgments(engine, tmp_path / "quarantine", [inputs], workers=2, unit_bytes=2000)
    assert (again.parsed, again.duplicates) == (0, len(documents) + duplicates)
    assert _stored(engine, "documents") == expected_docs


def test_a_unit_whose_worker_died_is_parsed_again_here(tmp_path: Path) -> None:
    inputs = _mixed_corpus(tmp_path)
    unit = next(plan_units([inputs / "b.jsonl"]))
    died: Future[UnitResult] = Future()
    died.set_exception(BrokenProcessPool("a worker process terminated abruptly"))
    staging = tmp_path / "staging"
    staging.mkdir()

    result = settle_unit(died, lambda: process_unit(unit, str(staging), DEFAULT_TEXT_FIELDS, None))

    assert result.read == len(list(read_inputs([inputs / "b.jsonl"])))
    assert Path(result.files["documents"]).is_file() and Path(result.files["rejected"]).is_file()


def test_units_written_in_several_row_groups_store_the_same(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker, "FLUSH_DOCUMENTS", 3)  # workers=1: the units run in this process
    inputs = _mixed_corpus(tmp_path)
    documents, rejected, duplicates = _reference([inputs])

    report = ingest_judgments(engine, tmp_path / "quarantine", [inputs], workers=1, unit_bytes=10**9)

    counts = (report.parsed, report.duplicates, report.quarantined)
    assert counts == (len(documents), duplicates, len(rejected))
    expected = sorted((tuple(sorted(d.document.items())) for d in documents), key=repr)
    assert _stored(engine, "documents") == expected
    rows = [row for d in documents for row in d.rows["parties"]]
    assert _stored(engine, "parties") == sorted((tuple(sorted(r.items())) for r in rows), key=repr)


def _source_of(engine: Engine) -> dict[str, str]:
    rows = engine.query("SELECT doc_id, source FROM documents").to_pylist()
    return {r["doc_id"]: r["source"] for r in rows}


def test_the_first_unit_wins_over_a_lower_position_in_a_later_unit(engine: Engine, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name, n in (("1_x.txt", 7), ("2_y.txt", 1), ("3_z.txt", 1), ("4_w.txt", 8), ("5_v.txt", 7)):
        (inputs / name).write_text(doc(n), encoding="utf-8")
    units = list(plan_units([inputs], 10**9, max_files=2))
    names = [[p.path.name for p in u.parts] for u in units]
    assert names == [["1_x.txt", "2_y.txt"], ["3_z.txt", "4_w.txt"], ["5_v.txt"]]
    documents, _, duplicates = _reference([inputs])

    report = ingest_judgments(engine, tmp_path / "quarantine", [inputs], workers=2, batch_size=2)

    assert (report.parsed, report.duplicates, duplicates) == (3, 2, 2)
    # doc 1 is at place 2 of unit 0 and place 1 of unit 1: unit 0's copy is stored
    assert sorted(_source_of(engine).values()) == sorted(d.document["source"] for d in documents)
    assert {Path(s).name for s in _source_of(engine).values()} == {"1_x.txt", "2_y.txt", "4_w.txt"}
    assert _stored(engine, "parties") == sorted(
        (tuple(sorted(r.items())) for d in documents for r in d.rows["parties"]), key=repr
    )
    assert sum(report.by_type.values()) == 3


def test_documents_stored_before_stay_and_add_no_child_rows(engine: Engine, tmp_path: Path) -> None:
    first, later = tmp_path / "first", tmp_path / "later"
    first.mkdir()
    later.mkdir()
    (first / "a.txt").write_text(doc(1), encoding="utf-8")
    for n in (2, 1, 3):
        (later / f"{n}.txt").write_text(doc(n), encoding="utf-8")
    before = ingest_judgments(engine, tmp_path / "quarantine", [first], workers=2, run_id="ingest-first")
    parties = len(_stored(engine, "parties"))
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)

    report = ingest_judgments(
        engine, tmp_path / "quarantine", [later], workers=2, batch_size=1, run_id="ingest-later"
    )

    stamped = engine.rows("SELECT ingested_at FROM documents WHERE ingest_run_id = 'ingest-later'")
    finished = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert all(started <= r["ingested_at"] <= finished for r in stamped)  # UTC wall time, unshifted

    documents, _, _ = _reference([first, later])
    assert (before.parsed, report.parsed, report.duplicates) == (1, 2, 1)
    assert sorted(_source_of(engine).values()) == sorted(d.document["source"] for d in documents)
    runs = engine.rows("SELECT ingest_run_id, count(*) AS n FROM documents GROUP BY 1 ORDER BY 1")
    assert runs == [{"ingest_run_id": "ingest-first", "n": 1}, {"ingest_run_id": "ingest-later", "n": 2}]
    assert _stored(engine, "parties") == sorted(
        (tuple(sorted(r.items())) for d in documents for r in d.rows["parties"]), key=repr
    )
    assert len(_stored(engine, "parties")) > parties


def test_the_staging_folder_goes_also_when_the_store_fails(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text(doc(1), encoding="utf-8")
    locations: list[str | None] = []
    staging_location = engine.staging_location

    def record(run_id: str) -> str | None:
        locations.append(staging_location(run_id))
        return locations[-1]

    def fail(*args: Any) -> Any:
        raise RuntimeError("the store failed")

    monkeypatch.setattr(engine, "staging_location", record)
    monkeypatch.setattr(engine, "store_staged_units", fail)
    with pytest.raises(RuntimeError, match="the store failed"):
        ingest_judgments(engine, tmp_path / "quarantine", [inputs], workers=2, run_id="ingest-x")

    assert not (tmp_path / "staging" / "ingest-x").exists()
    if engine.name == "spark":  # staged under the warehouse, where the executors can write
        assert locations == [f"{engine.store.uri}/_staging/ingest-x"]  # type: ignore[attr-defined]
        assert not engine.store.exists("_staging/ingest-x")  # type: ignore[attr-defined]
    else:
        assert locations == [None]


def test_staged_tables_are_what_from_pylist_makes() -> None:
    """Staged rows go to Arrow in one struct conversion; the table is the one
    ``pa.Table.from_pylist`` would make (missing keys and None as null, types cast alike)."""
    import pyarrow as pa

    staged = worker._Staged("/nonexistent", 0)
    schema = staged._schema("parties")
    rows: list[dict[str, Any]] = [
        {"doc_id": "a", "party_idx": 0, "name": "张三", "birth_date": dt.date(1980, 1, 2), "_pos": 1},
        {"doc_id": "b", "party_idx": 1, "name": None, "span_start": 3, "span_end": 7, "_pos": 2},
        {"doc_id": "c", "party_idx": 2, "role": "原告", "extra": "ignored", "_pos": 3},
    ]
    made = worker._table(rows, schema)
    assert made.equals(pa.Table.from_pylist(rows, schema=schema))
    assert made.schema == schema
    documents = staged._schema("documents")
    assert worker._table([], documents).equals(pa.Table.from_pylist([], schema=documents))
