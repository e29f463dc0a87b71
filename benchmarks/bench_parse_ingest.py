"""Parse and ingest throughput on a large corpus, with peak memory.

    python benchmarks/bench_parse_ingest.py --documents 100000 [--source real|synth [--county DIR]]

`real` cycles the real public judgments in ../shared/data/real (civil full texts, CAIL2019
private-lending excerpts, criminal judgments), making each copy a distinct document by
appending a certification line with its number, written once as JSON lines shards (not timed);
`synth` uses a generated county (`--county DIR`, or one generated into the work folder): the
parse runs use its JSON-lines half, the ingest reads the whole county (txt, html, jsonl, some
GB18030, a few damaged records). Then:
1. parse on one core (in this process, texts already in memory),
2. parse and stage with 1 worker process, then with 2 (all cores), on the same work units of
   the ingest input: each worker reads its units' files and writes their rows as Parquet, as
   `jiandu ingest judgments` does (`jiandu.ingest.worker.process_unit`); the scaling factor is
   the ratio of the two throughputs,
3. `jiandu ingest judgments` into a fresh DuckDB workspace (a subprocess; peak memory of its
   whole process tree sampled from /proc).

Example (issue 17): python benchmarks/bench_parse_ingest.py --source synth --county DIR --documents 100000
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.memory import run_measured  # noqa: E402
from jiandu.documents import parse_document  # noqa: E402
from jiandu.ingest.sources import DEFAULT_TEXT_FIELDS  # noqa: E402
from jiandu.ingest.units import WorkUnit, plan_units  # noqa: E402
from jiandu.ingest.worker import UnitResult, process_unit  # noqa: E402

REAL = REPO.parent / "shared" / "data" / "real"
SHARD = 10_000


def real_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((REAL / "civil" / "full").glob("*.txt"))]
    for name, field in (
        ("civil/cail2019_scm_private_lending.jsonl", "text"),
        ("criminal/judge_criminal.jsonl", "full_text"),
    ):
        with (REAL / name).open(encoding="utf-8") as handle:
            texts += [json.loads(line)[field] for line in handle if line.strip()]
    return texts


def real_corpus(n: int) -> Iterator[str]:
    texts = real_texts()
    for i in range(n):
        yield f"{texts[i % len(texts)]}\n本件与原本核对无异（{i // len(texts) + 1}）"


def synth_texts(county: Path, n: int) -> Iterator[str]:
    """Texts of a generated county's JSON lines parts (about half its documents)."""
    count = 0
    for path in sorted((county / "documents" / "jsonl").glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if count >= n:
                    return
                try:
                    yield json.loads(line)["text"]
                except (json.JSONDecodeError, KeyError):
                    continue  # the damaged records
                count += 1


def write_corpus(texts: Iterator[str], folder: Path) -> tuple[int, int]:
    folder.mkdir(parents=True, exist_ok=True)
    docs = size = 0
    handle = None
    for text in texts:
        if docs % SHARD == 0:
            if handle:
                handle.close()
            handle = (folder / f"part-{docs // SHARD:05d}.jsonl").open("w", encoding="utf-8")
        handle.write(json.dumps({"id": docs, "text": text}, ensure_ascii=False) + "\n")
        docs += 1
        size += len(text.encode("utf-8"))
    if handle:
        handle.close()
    return docs, size


def load_texts(folder: Path, limit: int | None = None) -> list[str]:
    texts: list[str] = []
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                texts.append(json.loads(line)["text"])
                if limit and len(texts) >= limit:
                    return texts
    return texts


def _parse_all(texts: list[str]) -> int:
    for text in texts:
        parse_document(text)
    return len(texts)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--source", choices=("real", "synth"), default="real")
    parser.add_argument("--county", type=Path, help="an existing `jiandu synth` folder (source synth)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/jiandu-bench"))
    parser.add_argument("--single-core-sample", type=int, default=20_000, help="documents parsed on one core")
    parser.add_argument(
        "--parse-documents", type=int, default=50_000, help="about this many records staged per run"
    )
    parser.add_argument(
        "--unit-bytes", type=int, default=2 * 1024 * 1024, help="input bytes per unit of the staging runs"
    )
    parser.add_argument("--parse-only", action="store_true", help="skip `jiandu ingest judgments`")
    parser.add_argument("--ingest-only", action="store_true", help="skip the two parse runs")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.source == "real":
        corpus = args.workdir / f"corpus-real-{args.documents}"
        if not corpus.exists():
            docs, size = write_corpus(real_corpus(args.documents), corpus)
            print(f"corpus: {docs} real documents cycled, {size / 1e6:.0f} MB -> {corpus}")
        texts = load_texts(corpus)
        ingest_input = corpus
    else:
        county = args.county or args.workdir / f"county-{args.documents}"
        if not (county / "manifest.json").exists():
            from jiandu.synth import generate

            generate(county, seed=11, documents=args.documents)
        texts = list(synth_texts(county, args.documents))
        ingest_input = county / "documents"
        print(f"county: {county} ({len(texts)} JSON-lines documents for the parse runs)")

    if args.ingest_only:
        texts = texts[:0]
    sample = texts[: args.single_core_sample]
    sample_mb = sum(len(t.encode("utf-8")) for t in sample) / 1e6
    t = time.perf_counter()
    _parse_all(sample)
    one = time.perf_counter() - t or 1e-9
    print(
        f"parse, 1 core:   {len(sample) / one:8.0f} docs/s  {sample_mb / one:6.1f} MB/s  ({len(sample)} docs)"
    )

    del texts, sample
    units = list(plan_units([ingest_input], args.unit_bytes))
    share = max(2 * cores, math.ceil(len(units) * min(1.0, args.parse_documents / args.documents)))
    units = units[:share] if not args.ingest_only else []
    rates: dict[int, float] = {}
    for workers in sorted({1, cores}) if units else []:
        records, docs, seconds, cpu = stage_units(units, workers, args.workdir)
        rates[workers] = docs / seconds
        print(
            f"parse+stage, {workers} worker(s): {docs / seconds:8.0f} docs/s  {docs / cpu:6.0f} docs/CPU-s  "
            f"({docs} documents, {records} records, {len(units)} units in {seconds:.1f} s, {cpu:.1f} CPU-s)"
        )
    if len(rates) > 1:
        print(f"scaling, {cores} workers / 1: {rates[cores] / rates[1]:.2f}x")

    if args.parse_only:
        return
    workspace = args.workdir / f"workspace-{args.source}-{args.documents}"
    shutil.rmtree(workspace, ignore_errors=True)
    jiandu = str(Path(sys.executable).with_name("jiandu"))
    env = dict(os.environ, JIANDU_HOME=str(workspace), COLUMNS="200")
    cpu = children_cpu()
    seconds, peak_mb, output = run_measured([jiandu, "ingest", "judgments", str(ingest_input)], env)
    cpu = children_cpu() - cpu
    read = ingest_read_count(output)
    input_mb = sum(p.stat().st_size for p in Path(ingest_input).rglob("*") if p.is_file()) / 1e6
    print(
        f"ingest, {cores} cores: {read / seconds:8.0f} records/s  {input_mb / seconds:6.1f} MB/s  "
        f"peak memory {peak_mb} MiB  ({read} records, {input_mb:.0f} MB in {seconds:.0f} s, "
        f"{cpu:.0f} CPU-s: {read / cpu:.0f} records/CPU-s)"
    )
    size = sum(p.stat().st_size for p in workspace.rglob("*") if p.is_file())
    print(f"workspace size after ingest: {size / 1e6:.0f} MB")
    print("\n".join(line for line in output.splitlines() if "│" in line)[:3000])


def stage_units(units: list[WorkUnit], workers: int, workdir: Path) -> tuple[int, int, float, float]:
    """Read, parse and stage ``units`` on ``workers`` spawned processes; (records, documents,
    seconds, CPU seconds the workers spent on the units). The pool is started (and its workers
    have imported jiandu) before the clock runs."""
    context = multiprocessing.get_context("spawn")
    with (
        tempfile.TemporaryDirectory(dir=workdir) as staging,
        ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool,
    ):
        list(pool.map(_warm, range(workers)))
        started = time.perf_counter()
        futures = [pool.submit(_stage_timed, unit, staging) for unit in units]
        results = [f.result() for f in futures]
        seconds = time.perf_counter() - started
    staged = [r for r, _ in results]
    cpu = sum(c for _, c in results)
    return sum(r.read for r in staged), sum(r.documents for r in staged), seconds, cpu


def _stage_timed(unit: WorkUnit, staging: str) -> tuple[UnitResult, float]:
    """`process_unit` and the CPU seconds this worker spent on it."""
    started = time.process_time()
    result = process_unit(unit, staging, DEFAULT_TEXT_FIELDS, None)
    return result, time.process_time() - started


def children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes of this one, and theirs."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _warm(_: int) -> None:
    time.sleep(0.2)  # each worker has imported jiandu.ingest.worker by now


def ingest_read_count(output: str) -> int:
    """Records read, from the first row of the ingest report table."""
    for line in output.splitlines():
        cells = [c.strip() for c in line.split("│") if c.strip()]
        if len(cells) >= 4 and all(c.isdigit() for c in cells[:4]):
            return int(cells[0])
    raise RuntimeError(f"no ingest report in output:\n{output[-2000:]}")


if __name__ == "__main__":
    main()
