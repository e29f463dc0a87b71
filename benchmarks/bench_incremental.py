"""A daily batch on an ingested workspace: the incremental `jiandu run` against a full one.

    python benchmarks/bench_incremental.py --workspace DIR [--batch-documents N]
        [--batch-seed 12] [--batch DIR] [--models civil.serial_suit ...] [--keep-copy] [--built]

The workspace must hold an ingested county (``jiandu ingest judgments`` and ``jiandu ingest
registers``); it is not changed. Its store is copied to a scratch workspace, where:

1. ``jiandu run`` builds everything (the day before: every derived table and clue exists),
   unless ``--built`` says the workspace already holds such a run (``--models`` with no ids:
   every enabled model, as `jiandu run` with none);
2. the batch is ingested (``jiandu ingest judgments``): by default a synthetic county of
   ``--batch-documents`` judgments (default 1% of the workspace's documents) generated with
   another seed, or the documents under ``--batch``;
3. the scratch store is copied once more; ``jiandu run`` updates one copy incrementally (only
   what the batch touches) and ``jiandu run --full`` rebuilds the other from scratch.

Each command runs in a subprocess whose wall time and peak RSS (process tree) are measured; the
seconds per operator and model come from the run's own records (``operator_runs``,
``model_runs``), and each step's peak RSS from the samples taken while it ran. Last, the two
copies' clues are compared (every column but the run ids and times): the incremental run must
give the full run's clues.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.memory import run_measured, run_sampled  # noqa: E402
from jiandu.models.library import FALSE_LITIGATION_FAMILY as FAMILY  # noqa: E402

RUN_COLUMNS = ("run_id", "first_run_id", "first_seen_at", "updated_at")


def _jiandu(args: list[str], workspace: Path) -> tuple[float, int]:
    env = {**os.environ, "JIANDU_HOME": str(workspace), "COLUMNS": "160"}
    seconds, peak, _ = run_measured([str(Path(sys.executable).with_name("jiandu")), *args], env=env)
    return seconds, peak


def _jiandu_sampled(args: list[str], workspace: Path) -> tuple[float, int, list[tuple[float, int]]]:
    """`_jiandu` with the tree RSS sampled: (seconds, peak MiB, samples of (Unix time, MiB))."""
    env = {**os.environ, "JIANDU_HOME": str(workspace), "COLUMNS": "160"}
    seconds, samples, _ = run_sampled([str(Path(sys.executable).with_name("jiandu")), *args], env=env)
    return seconds, max((rss for _, rss in samples), default=0), samples


def _peak(samples: list[tuple[float, int]], start: float, end: float) -> int | None:
    """The highest tree RSS (MiB) sampled while a step ran (None: no sample in its window)."""
    inside = [rss for t, rss in samples if start - 0.1 <= t <= end + 0.1]
    return max(inside) if inside else None


def _copy(source: Path, target: Path) -> None:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.wal", "logs"))


def _count(workspace: Path, sql: str) -> int:
    import duckdb

    con = duckdb.connect(str(workspace / "jiandu.duckdb"), read_only=True)
    try:
        row = con.execute(sql).fetchone()
    finally:
        con.close()
    return int(row[0]) if row else 0


def _steps(workspace: Path, after: float) -> list[tuple[str, float, int | None, float, float]]:
    """(step, seconds, rows, start, end) of the last run's operators and models (Unix times)."""
    import duckdb

    con = duckdb.connect(str(workspace / "jiandu.duckdb"), read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        ops = con.execute(
            "SELECT operator, seconds, output_rows, epoch(built_at) - seconds, epoch(built_at) "
            "FROM operator_runs "
            "WHERE epoch(built_at) >= ? ORDER BY built_at",
            [after],
        ).fetchall()
        models = con.execute(
            "SELECT model_id, seconds, clues, epoch(started_at), epoch(finished_at) FROM model_runs "
            "WHERE epoch(started_at) >= ? "
            "ORDER BY started_at",
            [after],
        ).fetchall()
    finally:
        con.close()
    return [(f"operator {n}", float(s), r, float(a), float(b)) for n, s, r, a, b in ops] + [
        (f"model {n}", float(s), c, float(a), float(b)) for n, s, c, a, b in models
    ]


def _same_clues(a: Path, b: Path) -> tuple[int, int]:
    """Rows of ``clues`` and ``clue_evidence`` in one copy and not the other (both ways)."""
    import duckdb

    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{a / 'jiandu.duckdb'}' AS a (READ_ONLY)")
        con.execute(f"ATTACH '{b / 'jiandu.duckdb'}' AS b (READ_ONLY)")
        out = []
        for table in ("clues", "clue_evidence"):
            cols = [
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_catalog = 'a' AND table_name = ? ORDER BY ordinal_position",
                    [table],
                ).fetchall()
                if r[0] not in RUN_COLUMNS
            ]
            select = ", ".join(cols)
            diff = con.execute(
                f"SELECT count(*) FROM ((SELECT {select} FROM a.{table} EXCEPT ALL "
                f"SELECT {select} FROM b.{table}) UNION ALL (SELECT {select} FROM b.{table} "
                f"EXCEPT ALL SELECT {select} FROM a.{table}))"
            ).fetchone()
            out.append(int(diff[0]) if diff else 0)
    finally:
        con.close()
    return out[0], out[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workspace", type=Path, required=True, help="an ingested workspace (not changed)")
    parser.add_argument("--batch", type=Path, help="documents of the batch (default: generated)")
    parser.add_argument("--batch-documents", type=int, help="generated batch size (default 1%%)")
    parser.add_argument("--batch-seed", type=int, default=12, help="seed of the generated batch")
    parser.add_argument("--models", nargs="*", default=list(FAMILY), help="models (default: the family)")
    parser.add_argument("--keep-copy", action="store_true", help="keep the scratch workspaces")
    parser.add_argument(
        "--built", action="store_true",
        help="the workspace's derived tables and clues are already built by a run of the same "
        "models (e.g. the copy `bench_models.py --keep-copy` keeps): skip the first run",
    )
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="jiandu-bench-incremental-"))
    base, full = scratch / "incremental", scratch / "full"
    _copy(args.workspace, base)
    (base / "workflow.sqlite").unlink(missing_ok=True)
    documents = _count(base, "SELECT count(*) FROM documents")
    timings: dict[str, tuple[float, int]] = {}

    if not args.built:
        timings["first run (build everything)"] = _jiandu(["run", "--full", "--no-sync", *args.models], base)
    batch = args.batch
    if batch is None:
        from jiandu.synth import generate

        size = args.batch_documents or max(1, documents // 100)
        generate(scratch / "batch", seed=args.batch_seed, documents=size)
        batch = scratch / "batch" / "documents"
    timings["ingest the batch"] = _jiandu(["ingest", "judgments", str(batch)], base)
    added = _count(base, "SELECT count(*) FROM documents") - documents
    _copy(base, full)

    import time

    marks = {}
    marks["incremental"] = time.time()
    seconds, peak, incremental_samples = _jiandu_sampled(["run", "--no-sync", *args.models], base)
    timings["incremental run"] = (seconds, peak)
    marks["full"] = time.time()
    seconds, peak, full_samples = _jiandu_sampled(["run", "--full", "--no-sync", *args.models], full)
    timings["full run"] = (seconds, peak)
    clue_diff, evidence_diff = _same_clues(base, full)

    print(f"documents before: {documents:,}; batch: {added:,} new documents; load: {os.getloadavg()}")
    print(f"{'command':<34} {'seconds':>9} {'peak RSS MiB':>13}")
    for name, (seconds, peak) in timings.items():
        print(f"{name:<34} {seconds:>9.1f} {peak:>13,}")
    full_steps = {
        n: (s, r, _peak(full_samples, a, b)) for n, s, r, a, b in _steps(full, marks["full"])
    }
    print(
        f"\n{'step':<44} {'incremental s':>13} {'rows':>10} {'peak MiB':>9} "
        f"{'full s':>9} {'rows':>10} {'peak MiB':>9}"
    )
    for name, seconds, rows, start, end in _steps(base, marks["incremental"]):
        step_peak = _peak(incremental_samples, start, end)
        line = f"{name:<44} {seconds:>13.2f} {rows if rows is not None else '':>10} {step_peak or '':>9}"
        if name in full_steps:
            fs, fr, fp = full_steps[name]
            line += f" {fs:>9.2f} {fr if fr is not None else '':>10} {fp or '':>9}"
        print(line)
    print(f"\nclue rows differing between the two: clues {clue_diff}, evidence {evidence_diff}")
    print(
        json.dumps(
            {
                "documents": documents,
                "batch_documents": added,
                "timings": {k: {"seconds": round(s, 1), "peak_rss_mib": p} for k, (s, p) in timings.items()},
                "clue_rows_differing": clue_diff,
                "evidence_rows_differing": evidence_diff,
            },
            ensure_ascii=False,
        )
    )
    if args.keep_copy:
        print(f"scratch workspaces kept: {scratch}")
    else:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
