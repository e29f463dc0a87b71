"""A cold `jiandu run` of the false-litigation family on an ingested workspace, step by step.

    python benchmarks/bench_models.py --workspace DIR [--models civil.serial_suit ...]
                                      [--workers N] [--keep-copy]

The workspace must hold an ingested county (``jiandu ingest judgments`` and ``jiandu ingest
registers``). Its analytic store is copied to a scratch workspace first, and every derived table
is dropped there, so each run builds everything from the canonical tables, as the first run on
new data does. `jiandu run` then runs in a subprocess whose wall time and peak memory (process
tree RSS, workers included) are measured. The seconds of each operator and each model come from
the run's own records (tables ``operator_runs`` and ``model_runs``).

Printed: one row per step, the family total without entity resolution, entity resolution on its
own (it has its own target: 1M party mentions within two minutes), and the whole run.
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

from benchmarks.memory import run_sampled  # noqa: E402
from jiandu.models.library import FALSE_LITIGATION_FAMILY as FAMILY  # noqa: E402


def _scratch_copy(workspace: Path, scratch: Path) -> None:
    """The workspace's analytic store with canonical tables only, in a fresh workspace."""
    import duckdb

    from jiandu.schema import canonical_tables

    shutil.copytree(workspace, scratch, ignore=shutil.ignore_patterns("*.wal", "county", "logs"))
    keep = set(canonical_tables())
    con = duckdb.connect(str(scratch / "jiandu.duckdb"))
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        for name in tables:
            if name not in keep:
                con.execute(f'DROP TABLE IF EXISTS "{name}"')
        con.execute("CHECKPOINT")
    finally:
        con.close()
    (scratch / "workflow.sqlite").unlink(missing_ok=True)


Step = tuple[str, float, int | None, float, float]  # name, seconds, rows, start, end (Unix time)


def _steps(scratch: Path) -> tuple[list[Step], int]:
    import duckdb

    con = duckdb.connect(str(scratch / "jiandu.duckdb"), read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        ops = con.execute(
            "SELECT operator, seconds, output_rows, epoch(built_at) FROM operator_runs ORDER BY built_at"
        ).fetchall()
        models = con.execute(
            "SELECT model_id, seconds, clues, epoch(started_at), epoch(finished_at) FROM model_runs "
            "ORDER BY started_at"
        ).fetchall()
        documents = con.execute("SELECT count(*) FROM documents").fetchone()
    finally:
        con.close()
    steps: list[Step] = [
        (f"operator {name}", float(s), rows, float(end) - float(s), float(end)) for name, s, rows, end in ops
    ]
    steps += [(f"model {name}", float(s), clues, float(a), float(b)) for name, s, clues, a, b in models]
    return steps, int(documents[0]) if documents else 0


def _peak(samples: list[tuple[float, int]], start: float, end: float) -> int | None:
    """The highest tree RSS (MiB) sampled while a step ran (None: no sample in its window)."""
    inside = [rss for t, rss in samples if start - 0.1 <= t <= end + 0.1]
    return max(inside) if inside else None


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--workspace", type=Path, required=True, help="an ingested workspace (not changed)"
    )
    parser.add_argument(
        "--models", nargs="*", default=list(FAMILY), help="models to run (default: the family)"
    )
    parser.add_argument("--workers", type=int, default=None, help="JIANDU_WORKERS for the run")
    parser.add_argument("--keep-copy", action="store_true", help="keep the scratch workspace")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="jiandu-bench-models-")) / "workspace"
    _scratch_copy(args.workspace, scratch)
    env = {**os.environ, "JIANDU_HOME": str(scratch), "COLUMNS": "160"}
    if args.workers:
        env["JIANDU_WORKERS"] = str(args.workers)
    jiandu = str(Path(sys.executable).with_name("jiandu"))
    seconds, samples, _ = run_sampled([jiandu, "run", *args.models], env=env)
    peak_mib = max((rss for _, rss in samples), default=0)
    steps, documents = _steps(scratch)
    er = sum(s for name, s, *_ in steps if name == "operator entity_resolution")
    family = sum(s for name, s, *_ in steps if name != "operator entity_resolution")
    print(f"documents: {documents:,}; workers: {env.get('JIANDU_WORKERS', 'all cores')}")
    print(f"{'step':<48} {'seconds':>9} {'rows':>11} {'peak RSS MiB':>13}")
    peaks = [_peak(samples, start, end) for _, _, _, start, end in steps]
    for (name, s, rows, _, _), peak in zip(steps, peaks, strict=True):
        print(f"{name:<48} {s:>9.1f} {rows if rows is not None else '':>11} {peak or '':>13}")
    # after the last model: the clue sync into the workflow store and the search-index rebuild
    last_end = max((end for *_, end in steps), default=0.0)
    after = [(t, rss) for t, rss in samples if t > last_end]
    if after:
        sync_seconds = after[-1][0] - last_end
        print(f"{'clue sync and search index (after the models)':<48} {sync_seconds:>9.1f} "
              f"{'':>11} {max(rss for _, rss in after):>13}")
    print(f"{'family without entity resolution':<48} {family:>9.1f}")
    print(f"{'entity resolution':<48} {er:>9.1f}")
    print(f"{'whole jiandu run (wall)':<48} {seconds:>9.1f}   peak RSS {peak_mib:,} MiB")
    result = {
        "documents": documents,
        "family_seconds": round(family, 1),
        "entity_resolution_seconds": round(er, 1),
        "run_seconds": round(seconds, 1),
        "peak_rss_mib": peak_mib,
        "steps": [
            {"step": n, "seconds": round(s, 2), "rows": r, "peak_rss_mib": peak}
            for (n, s, r, _, _), peak in zip(steps, peaks, strict=True)
        ],
    }
    print(json.dumps(result, ensure_ascii=False))
    if args.keep_copy:
        print(f"scratch workspace kept: {scratch}")
    else:
        shutil.rmtree(scratch.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
