"""Synthetic county generation: throughput and peak memory.

    python benchmarks/bench_synth.py [--documents 3000 100000] [--seed 9] [--workdir /tmp/jiandu-bench]

For each size, `jiandu.synth.generate` writes a county into a fresh folder in a subprocess; the
benchmark prints the generator's own seconds (imports excluded), documents/s, MB/s of output,
the process wall time and the peak resident memory of the process tree (sampled from /proc).
3,000 documents is the county the synth tests generate (it was a timed test, budget 15 s).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.memory import run_measured  # noqa: E402

GENERATE = """
import json, sys
from pathlib import Path
from jiandu.synth import generate
out, seed, documents = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
summary = generate(out, seed=seed, documents=documents)
print(json.dumps({"seconds": summary.seconds, "planted": summary.planted_documents}))
"""


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def measure(documents: int, seed: int, workdir: Path) -> dict[str, float]:
    """Generate one county in a subprocess; return its figures."""
    out = workdir / f"synth-{documents}"
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-c", GENERATE, str(out), str(seed), str(documents)]
    wall, peak_mib, output = run_measured(command)
    result = json.loads(output.strip().splitlines()[-1])
    size = folder_mb(out)
    shutil.rmtree(out, ignore_errors=True)
    seconds = float(result["seconds"]) or 1e-9
    return {
        "documents": documents,
        "seconds": seconds,
        "docs_per_s": documents / seconds,
        "mb_per_s": size / seconds,
        "output_mb": size,
        "wall": wall,
        "peak_mib": peak_mib,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, nargs="+", default=[3_000, 100_000])
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/jiandu-bench"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    print(f"load average before: {load:.1f}, cores: {len(os.sched_getaffinity(0))}")
    for documents in args.documents:
        r = measure(documents, args.seed, args.workdir)
        print(
            f"synth {documents:>9,} docs: {r['seconds']:7.1f} s  {r['docs_per_s']:7.0f} docs/s  "
            f"{r['mb_per_s']:5.1f} MB/s  output {r['output_mb']:.0f} MB  "
            f"process wall {r['wall']:.1f} s  peak memory {r['peak_mib']} MiB"
        )


if __name__ == "__main__":
    main()
