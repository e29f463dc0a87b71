"""The whole pipeline on DuckDB, local Spark and a Spark standalone cluster on this machine.

    python benchmarks/bench_spark_cluster.py [--documents 20000] [--workers 2] [--cores 1]
                                             [--memory 2g] [--engines duckdb,local,cluster]

A synthetic county is generated once; for each engine a fresh workspace runs ``jiandu ingest
judgments``, ``jiandu ingest registers`` and ``jiandu run --no-sync`` as separate processes.
Printed per engine and step: wall seconds, documents per second, peak RSS of the ``jiandu``
process tree (the driver, with its local executors under local Spark) and, on the cluster, the
peak RSS of the cluster's daemons and executors. Last, whether the clues are identical to
DuckDB's.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.memory import run_measured, tree_rss_kb  # noqa: E402
from jiandu.engines.spark_cluster import StandaloneCluster  # noqa: E402
from jiandu.synth import generate  # noqa: E402

JIANDU = [sys.executable, "-m", "jiandu"]


class _Sampler:
    """Peak RSS of some process trees, sampled every 0.2 s in a thread."""

    def __init__(self, pids: list[int]) -> None:
        self.pids, self.peak_kb, self._stop = pids, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, sum(tree_rss_kb(p) for p in self.pids))
            time.sleep(0.2)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak_kb // 1024


def _clues(path: Path) -> list[dict[str, object]]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    for row in rows:
        row.pop("run_id", None)
    return sorted(rows, key=lambda r: str(r["clue_id"]))


def _pipeline(
    label: str, workspace: Path, county: Path, documents: int, init: list[str]
) -> list[dict[str, object]]:
    env = {**os.environ, "JIANDU_HOME": str(workspace), "JIANDU_PROGRESS": "0"}
    run_measured([*JIANDU, "init", *init], env)
    steps = [
        ("ingest judgments", ["ingest", "judgments", str(county / "documents")]),
        ("ingest registers", ["ingest", "registers", str(county / "registers")]),
        ("run", ["run", "--no-sync"]),
    ]
    for name, args in steps:
        seconds, peak_mib, _ = run_measured([*JIANDU, *args], env)
        rate = f"{documents / seconds:,.0f} docs/s" if name != "ingest registers" else ""
        print(f"| {label} | {name} | {seconds:,.1f} | {rate} | {peak_mib:,} |", flush=True)
    out = workspace.parent / f"{label}.clues.jsonl"
    run_measured([*JIANDU, "clues", "export", "-o", str(out)], env)
    return _clues(out)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cores", type=int, default=1, help="cores per worker")
    parser.add_argument("--memory", default="2g", help="memory per worker")
    parser.add_argument("--engines", default="duckdb,local,cluster")
    args = parser.parse_args()
    engines = args.engines.split(",")
    root = Path(tempfile.mkdtemp(prefix="jiandu-bench-spark-"))
    county = root / "county"
    generate(county, seed=args.seed, documents=args.documents)
    print(f"county: {args.documents:,} documents in {root}; load average {os.getloadavg()[0]:.1f}")
    print("| engine | step | seconds | throughput | peak RSS of jiandu (MiB) |")
    print("|---|---|---|---|---|")
    results: dict[str, list[dict[str, object]]] = {}
    if "duckdb" in engines:
        init = ["--engine", "duckdb"]
        results["duckdb"] = _pipeline("duckdb", root / "duckdb", county, args.documents, init)
    if "local" in engines:
        results["local"] = _pipeline("local", root / "local", county, args.documents, ["--engine", "spark"])
    if "cluster" in engines:
        with StandaloneCluster(args.workers, args.cores, args.memory, root / "cluster") as cluster:
            sampler = _Sampler([proc.pid for _name, proc in cluster._procs])
            results["cluster"] = _pipeline(
                "cluster", root / "cluster-ws", county, args.documents,
                ["--engine", "spark", "--spark-master", cluster.master_url],
            )  # fmt: skip
            print(f"cluster daemons and executors, peak RSS: {sampler.stop():,} MiB "
                  f"({args.workers} workers × {args.cores} cores, {args.memory} each)")  # fmt: skip
    base = results.get("duckdb")
    for kind, clues in results.items():
        same = "" if base is None or kind == "duckdb" else f", identical to DuckDB: {clues == base}"
        print(f"{kind}: {len(clues):,} clues{same}")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
