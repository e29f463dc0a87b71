"""Per-band precision and recall of the social models on N copies of their patterns.

    python benchmarks/bench_social_copies.py [--copies 10] [--seed 20261] [--documents 20000]

The frozen county plants one copy of each social pattern, so its Wilson intervals are wide.
This plants ``--copies`` copies of the three patterns (each copy its own people, dates drawn
anew) beside one honest background, writes the agencies' exports, loads them through the
declared sources into a fresh DuckDB workspace, runs the three models and prints the per-band
figures of `jiandu.models.social.bands` against the planted truth.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from jiandu.engines import open_engine  # noqa: E402
from jiandu.ingest.registers import ingest_registers  # noqa: E402
from jiandu.models.evaluate import TruthInstance  # noqa: E402
from jiandu.models.social.bands import band_figures  # noqa: E402
from jiandu.models.social.patterns import social  # noqa: E402
from jiandu.synth.county import County  # noqa: E402
from tests.models.social.support import run_social  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--seed", type=int, default=20261)
    parser.add_argument("--documents", type=int, default=20000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-social-copies-"))
    t0 = time.perf_counter()
    county = County(args.seed, args.documents)
    truth: list[TruthInstance] = []
    written: dict[str, int] = {}
    for plan, write in (
        (social.plan_benefits, social.write_benefits),
        (social.plan_corrections, social.write_corrections),
        (social.plan_penalties, social.write_penalties),
    ):
        planted = [i for c in range(args.copies) for i in plan(county, random.Random(args.seed * 100 + c), c)]
        written |= write(work / "registers", county, planted)
        truth += [
            TruthInstance(i.pattern, i.instance_id, i.subject.name, i.subject.key, i.positive, i.strength)
            for i in planted
        ]
    engine = open_engine("duckdb", work / "workspace")
    try:
        report = ingest_registers(engine, work / "quarantine", [work / "registers"])
        clues, _ = run_social(engine)
    finally:
        engine.close()
    print(
        f"{args.copies} copies: {sum(1 for t in truth if t.positive)} positives, "
        f"{sum(1 for t in truth if not t.positive)} near misses; {sum(written.values()):,} rows written, "
        f"{sum(report.quarantined.values())} quarantined; {time.perf_counter() - t0:.1f} s"
    )
    print("| model | band | recall (95% Wilson) | precision (95% Wilson) | near misses flagged |")
    print("|---|---|---|---|---|")
    rows = band_figures(clues, truth)
    near = {r["model"]: f"{r['flagged']}/{r['planted']}" for r in rows if r["band"] == "near_miss"}
    for r in rows:
        if r["band"] == "near_miss":
            continue
        ci_r, ci_p = r["recall_ci"], r["precision_ci"]
        recall = f"{r['recall']:.3f} ({r['found']}/{r['planted']}) [{ci_r[0]:.3f}, {ci_r[1]:.3f}]"
        precision = (
            f"{r['precision']:.3f} ({r['true_clues']}/{r['clues']}) [{ci_p[0]:.3f}, {ci_p[1]:.3f}]"
            if r["clues"]
            else "—"
        )
        print(f"| {r['model']} | {r['band']} | {recall} | {precision} | {near[r['model']]} |")


if __name__ == "__main__":
    main()
