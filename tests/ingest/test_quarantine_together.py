"""Register rows rejected by the thousand keep their bytes in one file per input file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from jiandu.engines.duckdb_engine import DuckDBEngine
from jiandu.ingest import quarantine
from jiandu.ingest.sources import RejectedRecord

NOW = dt.datetime(2026, 12, 3, 16, 0)


def test_rows_of_one_file_share_a_kept_file_and_a_rerun_adds_nothing(tmp_path: Path) -> None:
    engine = DuckDBEngine(tmp_path / "store.duckdb")
    folder = tmp_path / "quarantine"
    items = [
        RejectedRecord(
            "a.csv", f"row {i}, column 证件号码", "invalid_row", "bad key", f'{{"n": {i}}}'.encode()
        )
        for i in range(2, 5)
    ]
    items.append(RejectedRecord("b.csv", "row 2", "invalid_row", "3 values", b"\xff\xfe,x"))
    items.append(RejectedRecord("b.csv", "", "unsupported", "not a register", b""))
    try:
        quarantine.store_together(engine, items, folder, "run-1", NOW)
        rows = engine.rows("SELECT quarantine_id, source, record_ref, stored_path FROM quarantine")
        assert len(rows) == 5
        kept = {r["source"]: r["stored_path"] for r in rows if r["stored_path"]}
        assert len(set(kept.values())) == 2  # one file per input file; nothing for the empty record
        lines = {
            line["quarantine_id"]: line
            for path in set(kept.values())
            for line in map(json.loads, Path(path).read_text(encoding="utf-8").splitlines())
        }
        for row in rows:
            if row["stored_path"]:
                assert lines[row["quarantine_id"]]["record_ref"] == row["record_ref"]
        assert {line.get("text") for line in lines.values()} >= {'{"n": 2}', '{"n": 4}'}
        assert [line["base64"] for line in lines.values() if "base64" in line] == ["//4seA=="]
        files = sorted(folder.rglob("*.jsonl"))
        quarantine.store_together(engine, items, folder, "run-2", NOW)
        assert engine.count("quarantine") == 5 and sorted(folder.rglob("*.jsonl")) == files
        assert oct(files[0].stat().st_mode & 0o777) == oct(quarantine.FILE_MODE)
    finally:
        engine.close()
