"""The whole pipeline on a Spark standalone cluster (one master, two workers on this machine),
on local Spark and on DuckDB: a small generated county's judgments and agency registers are
ingested, every enabled model runs, and the exported clues — scores, bands, explanations and
evidence — are identical on all three.

Each Spark run is its own ``jiandu`` process, as a deployment submits it: a SparkSession's
master is fixed for the life of a process, and this one may already hold a local session.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jiandu.engines.spark_cluster import StandaloneCluster
from jiandu.synth import generate

JIANDU = [sys.executable, "-m", "jiandu"]
DOCUMENTS = 1000


def _pipeline(workspace: Path, county: Path, *init_args: str) -> list[dict[str, Any]]:
    """Init, ingest, run and export in ``workspace``; the clues as exported (jsonl)."""
    env = {**os.environ, "JIANDU_HOME": str(workspace), "COLUMNS": "200"}
    out = workspace.parent / f"{workspace.name}.clues.jsonl"
    steps = [
        ["init", *init_args],
        ["ingest", "judgments", str(county / "documents")],
        ["ingest", "registers", str(county / "registers")],
        ["run", "--no-sync"],
        ["clues", "export", "-o", str(out)],
    ]
    for step in steps:
        done = subprocess.run([*JIANDU, *step], env=env, capture_output=True, text=True, timeout=1500)
        failed = f"jiandu {' '.join(step)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        assert done.returncode == 0, failed
    clues = [json.loads(line) for line in out.read_text("utf-8").splitlines() if line.strip()]
    for clue in clues:
        clue.pop("run_id", None)  # names the run, not its result
    return sorted(clues, key=lambda c: str(c["clue_id"]))


def test_the_cluster_starts_and_stops(tmp_path: Path) -> None:
    with StandaloneCluster(workers=2, cores=1, memory="1g", work_dir=tmp_path / "cluster") as cluster:
        status = cluster.status()
        assert status["aliveworkers"] == 2
        assert status["cores"] == 2
        assert cluster.master_url.startswith("spark://127.0.0.1:")
        procs = list(cluster._procs)
    assert all(proc.poll() is not None for _name, proc in procs)


def test_same_clues_on_duckdb_local_spark_and_a_standalone_cluster(tmp_path: Path) -> None:
    county = tmp_path / "county"
    generate(county, seed=5, documents=DOCUMENTS)
    results = {"duckdb": _pipeline(tmp_path / "duckdb", county, "--engine", "duckdb")}
    results["local"] = _pipeline(tmp_path / "local", county, "--engine", "spark")
    with StandaloneCluster(workers=2, cores=1, memory="1g", work_dir=tmp_path / "cluster") as cluster:
        results["cluster"] = _pipeline(
            tmp_path / "cluster-ws", county, "--engine", "spark", "--spark-master", cluster.master_url
        )
        finished = cluster.status().get("completedapps", [])
    # the cluster really ran the work: the pipeline's applications completed on it
    assert finished, "no application ran on the standalone cluster"
    models = {c["model_id"] for c in results["duckdb"]}
    assert len(results["duckdb"]) > 50 and len(models) >= 8, sorted(models)
    for kind in ("local", "cluster"):
        assert [c["clue_id"] for c in results[kind]] == [c["clue_id"] for c in results["duckdb"]], kind
        for mine, theirs in zip(results[kind], results["duckdb"], strict=True):
            assert mine == theirs, (kind, mine["model_id"], mine["subject"])


pytestmark = [pytest.mark.spark, pytest.mark.slow]
