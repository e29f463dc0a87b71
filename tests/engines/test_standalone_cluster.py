"""The whole pipeline on a Spark standalone cluster (one master, two workers on this machine),
on local Spark and on DuckDB: a small generated county's judgments and agency registers are
ingested, every enabled model runs, and the clues — scores, bands, explanations and evidence —
are identical on all three.

The cluster's driver is its own process (`drive`), as a deployment submits it: a SparkSession's
master is fixed for the life of a process, and this one holds a local session.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jiandu.engines import Engine, open_engine
from jiandu.engines.spark_cluster import StandaloneCluster
from jiandu.ingest.pipeline import ingest_judgments
from jiandu.ingest.registers import ingest_registers
from jiandu.models.clues import load_clues
from jiandu.models.library import Library
from jiandu.models.runner import run
from jiandu.synth import generate

REPO = Path(__file__).resolve().parents[2]
DOCUMENTS = 1000
RUN_ID = "same"  # one run id everywhere: it names the run, not its result


def pipeline(engine: Engine, county: Path, quarantine: Path) -> list[dict[str, Any]]:
    """Ingest the county's documents and registers, run every enabled model; the clues in the
    contract form, in a canonical JSON form (dates as text) and order."""
    ingest_judgments(engine, quarantine, [county / "documents"], workers=1)
    ingest_registers(engine, quarantine, [county / "registers"])
    report = run(engine, Library(), run_id=RUN_ID)
    failed = [(m.model_id, m.message) for m in report.models if m.status != "ok"]
    assert not failed, failed
    clues = json.loads(json.dumps(load_clues(engine), default=str, ensure_ascii=False))
    return sorted(clues, key=lambda c: str(c["clue_id"]))


def drive(county: str, workspace: str, master: str, out: str) -> None:
    """The cluster's driver process: the pipeline on ``master``, its clues written to ``out``."""
    engine = open_engine("spark", Path(workspace), spark_master=master)
    try:
        clues = pipeline(engine, Path(county), Path(workspace) / "quarantine")
    finally:
        engine.close()
    Path(out).write_text(json.dumps(clues, ensure_ascii=False), "utf-8")


def _on(kind: str, workspace: Path, county: Path) -> list[dict[str, Any]]:
    engine = open_engine(kind, workspace)
    try:
        return pipeline(engine, county, workspace / "quarantine")
    finally:
        engine.close()


def test_the_cluster_starts_and_stops(tmp_path: Path) -> None:
    with StandaloneCluster(workers=2, cores=1, memory="1g", work_dir=tmp_path / "cluster") as cluster:
        status = cluster.status()
        assert status["aliveworkers"] == 2
        assert status["cores"] == 2
        assert cluster.master_url.startswith("spark://127.0.0.1:")
        procs = list(cluster._procs)
    assert all(proc.poll() is not None for _name, proc in procs)


def test_waiting_for_workers_outlasts_a_master_page_that_is_not_json_yet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While its web UI starts, the master may answer /json/ with its HTML page (seen in CI)."""
    answers: list[dict[str, object] | str] = [
        "<!DOCTYPE html><html>",
        {"aliveworkers": 1},
        {"aliveworkers": 2},
    ]

    def status() -> dict[str, object]:
        answer = answers.pop(0)
        if isinstance(answer, str):
            return dict(json.loads(answer))
        return answer

    cluster = StandaloneCluster(workers=2)
    monkeypatch.setattr(cluster, "status", status)
    monkeypatch.setattr("jiandu.engines.spark_cluster.time.sleep", lambda _seconds: None)
    cluster._wait_ready()
    assert answers == []


def test_same_clues_on_duckdb_local_spark_and_a_standalone_cluster(tmp_path: Path) -> None:
    county = tmp_path / "county"
    generate(county, seed=5, documents=DOCUMENTS)
    out = tmp_path / "cluster-clues.json"
    call = (
        f"import sys; sys.path.insert(0, {str(REPO)!r}); "
        "from tests.engines.test_standalone_cluster import drive; "
        f"drive({str(county)!r}, {str(tmp_path / 'cluster-ws')!r}, sys.argv[1], {str(out)!r})"
    )
    with StandaloneCluster(workers=2, cores=1, memory="1g", work_dir=tmp_path / "cluster") as cluster:
        # The cluster's driver runs in its own process while this one runs DuckDB and local Spark:
        # most of each Spark run is waiting on small jobs, so the two overlap well on two cores.
        driver = subprocess.Popen(
            [sys.executable, "-c", call, cluster.master_url], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, cwd=REPO, env=dict(os.environ),
        )  # fmt: skip
        try:
            results = {"duckdb": _on("duckdb", tmp_path / "duckdb", county)}
            results["local"] = _on("spark", tmp_path / "local", county)
            stdout, stderr = driver.communicate(timeout=1800)
        finally:
            if driver.poll() is None:
                driver.kill()
                driver.communicate()
        assert driver.returncode == 0, f"{stdout[-3000:]}\n{stderr[-3000:]}"
        finished = cluster.status().get("completedapps", [])
    # the cluster really ran the work: the driver's application completed on it
    assert finished, "no application ran on the standalone cluster"
    results["cluster"] = json.loads(out.read_text("utf-8"))
    models = {c["model_id"] for c in results["duckdb"]}
    assert len(results["duckdb"]) > 50 and len(models) >= 20, sorted(models)
    for kind in ("local", "cluster"):
        assert [c["clue_id"] for c in results[kind]] == [c["clue_id"] for c in results["duckdb"]], kind
        for mine, theirs in zip(results[kind], results["duckdb"], strict=True):
            assert mine == theirs, (kind, mine["model_id"], mine["subject"])


pytestmark = [pytest.mark.spark, pytest.mark.slow]
