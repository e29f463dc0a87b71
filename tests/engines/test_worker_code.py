"""`Engine.map_arrow`'s workers run the driver's jiandu, or refuse to run.

The per-batch function travels by reference (module and name) and the worker imports jiandu
itself. A Spark Python worker builds its ``sys.path`` from PYTHONPATH, not from the driver's
``sys.path``: a driver whose jiandu is a checkout found first through its working directory or a
``sys.path.insert`` sent its functions to workers that imported the installed jiandu instead.
That is how claim_wording at 6fc55e3 wrote 0 rows on Spark (182 on DuckDB) on a 3,000-document
county: the workers ran the later row layout, whose region rows have no NULL shingle, conformed
without an error to the driver's seven columns.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from jiandu.engines.arrow_map import BatchMap, DifferentCodeError, source_fingerprint
from tests.engine_support import ENGINE_PARAMS

PACKAGE = Path(__file__).resolve().parents[2] / "jiandu"

# A module only the driver's copy of jiandu has: its function says where it was imported from.
PROBE = '''
import pyarrow as pa


def where(batch: pa.Table) -> pa.Table:
    return pa.table({"doc_id": batch.column("doc_id"), "word": [__file__] * batch.num_rows})
'''

DRIVER = """
import json, sys
sys.path.insert(0, sys.argv[1])  # the copy first: as a checkout's working directory would be
from pathlib import Path
from jiandu.engines import open_engine
from jiandu.schema.registry import Column, TableSchema
import jiandu._driver_probe as probe

source = TableSchema("probe_source", "", (), (Column("doc_id", "VARCHAR", ""),))
output = TableSchema(
    "probe_output", "", (), (Column("doc_id", "VARCHAR", ""), Column("word", "VARCHAR", ""))
)
engine = open_engine(sys.argv[2], Path(sys.argv[3]))
try:
    engine.create_table(source)
    engine.append(source.name, source.to_arrow([{"doc_id": f"d{i}"} for i in range(20)]))
    count = engine.map_arrow("SELECT doc_id FROM probe_source", probe.where, output)
    paths = sorted({r["word"] for r in engine.rows("SELECT word FROM probe_output")})
finally:
    engine.close()
print(json.dumps({"count": count, "driver": probe.__file__, "paths": paths}))
"""


@pytest.mark.parametrize("kind", ENGINE_PARAMS)
def test_workers_run_the_drivers_copy_of_jiandu(kind: str, tmp_path: Path) -> None:
    copy = tmp_path / "checkout"
    shutil.copytree(PACKAGE, copy / "jiandu", ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "jiandu" / "_driver_probe.py").write_text(PROBE, "utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # only the driver knows the copy
    env["JIANDU_WORKERS"] = "2"  # DuckDB maps in worker processes too
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, str(copy), kind, str(tmp_path / "workspace")],
        capture_output=True, text=True, timeout=600, cwd=tmp_path, env=env,
    )  # fmt: skip
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["driver"].startswith(str(copy))
    assert result["count"] == 20
    assert result["paths"] == [result["driver"]]  # every batch ran the driver's copy


def _words(batch: pa.Table) -> pa.Table:
    return pa.table({"word": batch.column("text")})


def test_a_worker_with_other_code_refuses_the_batch() -> None:
    schema = pa.schema([("word", pa.string())])
    batch = pa.table({"text": ["甲", None]})
    same = BatchMap(_words, "duckdb", schema, "words")
    assert same.code == source_fingerprint()
    assert same(batch).column("word").to_pylist() == ["甲", None]
    other = BatchMap(_words, "duckdb", schema, "words", code="0" * 64)
    with pytest.raises(DifferentCodeError, match="imported jiandu from"):
        other(batch)
    with pytest.raises(DifferentCodeError):
        list(other.over_batches(iter(batch.to_batches())))


def test_the_fingerprint_follows_the_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jiandu.engines import arrow_map

    copy = tmp_path / "jiandu"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(arrow_map, "_PACKAGE", copy)

    def fingerprint() -> str:
        arrow_map.source_fingerprint.cache_clear()
        return arrow_map.source_fingerprint()

    try:
        first = fingerprint()
        (copy / "__pycache__").mkdir(exist_ok=True)
        (copy / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"compiled")
        assert fingerprint() == first  # bytecode is not the source
        path = copy / "models" / "civil" / "operators" / "claim_wording.py"
        path.write_text(path.read_text("utf-8") + "\n# changed\n", "utf-8")
        assert fingerprint() != first
    finally:
        arrow_map.source_fingerprint.cache_clear()
