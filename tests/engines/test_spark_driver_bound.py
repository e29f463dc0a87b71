"""Nothing proportional to the corpus reaches the Spark driver, and the warehouse can be a URI.

A generated county's judgments are ingested into DuckDB, and the per-document text operators
(loan_signs, civil_mentions, document_facts, claim_wording) run there. Then, in a separate
process (a SparkSession's settings are fixed for the life of a process), a Spark engine whose
``spark.driver.maxResultSize`` is 1 MiB — far less than the county's texts — and whose
warehouse is a ``file://`` URI ingests the same judgments (units parsed on the executors and
staged under the warehouse URI, stored by Spark jobs) and runs the same operators: any collect
or toArrow of the texts, shingles or per-document rows would fail the job. The test first
checks that collecting the texts does fail, then that the ingest stored as many rows as
DuckDB's and that every operator's rows are the same as DuckDB's. Broadcast joins are turned
off in that process: their small side passes through the driver, bounded by
``spark.sql.autoBroadcastJoinThreshold`` (10 MB), not by the corpus.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jiandu.engines.duckdb_engine import DuckDBEngine
from jiandu.ingest.pipeline import ingest_judgments
from jiandu.synth import generate
from tests.engine_support import sorted_rows

REPO = Path(__file__).resolve().parents[2]
DOCUMENTS = 2500
INPUTS = ("documents", "cases", "parties", "signs", "flags")
OUTPUTS = ("loan_signs", "document_mentions", "document_executions", "document_relations", "claim_wording")
LIMIT = "1m"

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def _run_operators(engine: Any) -> dict[str, list[dict[str, Any]]]:
    from jiandu.models.civil.operators.claim_wording import ClaimWording
    from jiandu.models.civil.operators.docfacts import DocumentFacts
    from jiandu.models.civil.operators.loan_signs import LoanSigns
    from jiandu.models.civil.operators.mentions import DocumentMentions

    for op in (LoanSigns(), DocumentMentions(), DocumentFacts(), ClaimWording()):
        op.run(engine)
    return {
        name: sorted_rows(json.loads(json.dumps(engine.rows(f"SELECT * FROM {name}"), default=str)))
        for name in OUTPUTS
    }


def drive(store: str, warehouse: str, out: str, documents: str) -> None:
    """The Spark side, in its own process: the judgments under ``documents`` ingested by Spark
    (units parsed on the executors, staged under the warehouse URI ``warehouse``, stored by
    Spark jobs) into that warehouse, the operators' rows written to ``out`` (JSON) with the
    document counts of that ingest and of the DuckDB file ``store``."""
    from jiandu.engines import spark_engine

    spark_engine.SPARK_CONF["spark.driver.maxResultSize"] = LIMIT
    # A broadcast join collects its small side through the driver: bounded by this threshold
    # (10 MB by default, whatever the corpus), but larger than the tiny limit; off here.
    spark_engine.SPARK_CONF["spark.sql.autoBroadcastJoinThreshold"] = "-1"
    source = DuckDBEngine(Path(store))
    expected = {name: source.count(name) for name in INPUTS}
    source.close()
    engine = spark_engine.SparkEngine(warehouse)
    try:
        report = ingest_judgments(engine, Path(out).parent / "quarantine", [Path(documents)], workers=2)
        counts = {name: engine.count(name) for name in INPUTS}
        ingested = {"parsed": report.parsed, "counts": counts, "expected": expected}
        try:
            engine.query("SELECT text FROM documents")
        except Exception as exc:  # the limit bites: the texts are larger than it
            limited = "maxResultSize" in str(exc)
        else:
            limited = False
        result = {"limited": limited, "ingest": ingested, "tables": _run_operators(engine)}
    finally:
        engine.close()
    Path(out).write_text(json.dumps(result, ensure_ascii=False), "utf-8")


def test_text_operators_keep_the_corpus_off_a_tiny_spark_driver(tmp_path: Path) -> None:
    county = tmp_path / "county"
    generate(county, seed=5, documents=DOCUMENTS)
    store = tmp_path / "jiandu.duckdb"
    duck = DuckDBEngine(store)
    try:
        ingest_judgments(duck, tmp_path / "quarantine", [county / "documents"], workers=1)
        text_bytes = duck.rows("SELECT sum(strlen(text)) AS n FROM documents")[0]["n"]
        expected = _run_operators(duck)
    finally:
        duck.close()
    assert text_bytes > 5 * 2**20  # the texts alone (UTF-8 bytes) are many times the limit
    assert all(expected[name] for name in OUTPUTS if name != "document_relations"), {
        k: len(v) for k, v in expected.items()
    }
    out = tmp_path / "spark.json"
    warehouse = (tmp_path / "warehouse").as_uri()  # file:///…
    call = (
        f"import sys; sys.path.insert(0, {str(REPO)!r}); "
        "from tests.engines.test_spark_driver_bound import drive; "
        f"drive({str(store)!r}, {warehouse!r}, {str(out)!r}, {str(county / 'documents')!r})"
    )
    done = subprocess.run(
        [sys.executable, "-c", call],
        capture_output=True, text=True, timeout=1200, cwd=REPO, env=dict(os.environ),
    )  # fmt: skip
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    result = json.loads(out.read_text("utf-8"))
    assert result["limited"], "collecting the texts should exceed spark.driver.maxResultSize"
    ingested = result["ingest"]  # the same input tables as DuckDB's (same rows: tests/ingest)
    assert ingested["counts"] == ingested["expected"]
    assert ingested["parsed"] == ingested["counts"]["documents"]
    for name in OUTPUTS:
        assert result["tables"][name] == expected[name], name
    # the tables are in the warehouse the URI names, with their schema files; no staging left
    assert (tmp_path / "warehouse" / "loan_signs" / "_jiandu_schema.json").is_file()
    assert not any((tmp_path / "warehouse" / "_staging").iterdir())
