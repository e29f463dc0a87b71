"""Throughput of pseudonymisation (issue 16 §4): identifiers per second on one core.

Three measures, each on one Python thread (pseudonymising is pure Python; the CSV reader of the
end-to-end run uses Arrow's threads, which the figure says):

1. distinct values: every value seen once (no cache helps): the keyed HMAC alone, the
   normalisation alone (the one definition in `jiandu.inputs.identifiers`: check digit, birth
   date, 15 → 18 digits) and both together, for ID numbers, phones and names;
2. a realistic column with repeats: cells drawn from a smaller population (a person stays in
   hotels, flies, appears in several registers), pseudonymised with the per-distinct-value cache
   of `Pseudonymiser` (fair: the same value always gives the same pseudonym);
3. end to end: `pseudonymise_file` (what `jiandu sources pseudonymise` runs) over a generated
   hotel check-in CSV (name, ID number, derived birth date), rows and identifiers per second.

    .venv/bin/python -m benchmarks.bench_pseudonymise [--distinct 200000] [--cells 2000000] [--rows 300000]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa

from jiandu.inputs.identifiers import normalize_key
from jiandu.privacy.pseudonyms import Pseudonymiser, PseudonymKey, normalise
from jiandu.sources.pseudonymise import pseudonymise_file
from jiandu.sources.registry import catalogue
from jiandu.synth.ids import resident_id

REGIONS = ("330602", "330603", "330604", "330681", "330682", "330683")
KEY = PseudonymKey("BENCH", dt.date(2026, 1, 1), bytes(range(32)))
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰文辉海燕"


def ids(n: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    start = dt.date(1940, 1, 1)
    out: dict[str, None] = {}
    while len(out) < n:
        birth = start + dt.timedelta(days=rng.randrange(70 * 365))
        out[resident_id(rng.choice(REGIONS), birth, rng.randrange(500), rng.random() < 0.5)] = None
    return list(out)


def phones(n: int, seed: int = 2) -> list[str]:
    rng = random.Random(seed)
    return [f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}" for _ in range(n)]


def names(n: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    return [
        rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))) + str(i)
        for i in range(n)
    ]


def rate(label: str, count: int, call: Callable[[], object]) -> float:
    """Per core: the count over the CPU time of this process (the machine is shared: wall time
    measures the other processes too); wall time shown beside it."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    per_second = count / cpu
    print(f"{label:<58} {count:>10,}  cpu {cpu:6.2f} s  {per_second:>12,.0f}/s per core  (wall {wall:.2f} s)")
    return per_second


def distinct(n: int) -> None:
    print(f"\n1. distinct values (each once, no cache), {n:,} per kind")
    for kind, values in (("id_number", ids(n)), ("phone", phones(n)), ("name", names(n))):
        _distinct_kind(kind, values)


def _distinct_kind(kind: str, values: list[str]) -> None:
    n = len(values)
    mac = Pseudonymiser(KEY)
    normalize_key.cache_clear()
    normalised = [normalise(kind, v) for v in values]
    rate(f"   {kind}: HMAC-SHA-256 + hex only", n, lambda: [mac.of_normalised(x) for x in normalised])
    normalize_key.cache_clear()
    rate(f"   {kind}: normalisation only", n, lambda: [normalise(kind, v) for v in values])
    normalize_key.cache_clear()
    fresh = Pseudonymiser(KEY, cache_limit=0)
    rate(
        f"   {kind}: normalise + HMAC (the whole pseudonym)",
        n,
        lambda: [fresh.pseudonym(kind, v) for v in values],
    )


def repeated(cells: int, population: int) -> None:
    print(f"\n2. a column of {cells:,} cells drawn from {population:,} people (with the per-value cache)")
    rng = random.Random(4)
    people = ids(population, seed=5)
    column = [
        people[min(int(rng.paretovariate(1.2)) - 1, population - 1) if i % 3 else rng.randrange(population)]
        for i in range(cells)
    ]
    print(f"   distinct values in the column: {len(set(column)):,}")
    normalize_key.cache_clear()
    ps = Pseudonymiser(KEY)
    rate(
        "   id_number cells: pseudonym per cell (cache per distinct)",
        cells,
        lambda: [ps.pseudonym("id_number", v) for v in column],
    )
    normalize_key.cache_clear()
    arrow = pa.array(column, pa.string())
    fresh = Pseudonymiser(KEY)
    rate(
        "   id_number cells: Arrow column (what the command does)",
        cells,
        lambda: fresh.array("id_number", arrow),
    )


def end_to_end(rows: int, population: int) -> None:
    print(f"\n3. end to end: pseudonymise_file over a hotel check-in CSV of {rows:,} rows")
    rng = random.Random(6)
    people = list(zip(ids(population, seed=7), names(population, seed=8), strict=True))
    source = catalogue(None).get("police.lodging_checkins").source
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "旅馆业入住登记_bench.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["ZKLSH", "XM", "XB", "ZJLX", "ZJHM", "LGBM", "LGMC", "FH", "RZSJ", "LDSJ"])
            for i in range(rows):
                key, name = people[rng.randrange(population)]
                writer.writerow(
                    [f"S{i}", name, "1", "111", key, "H1", "越城宾馆", "301", "2024-03-01 22:00:00", ""]
                )
        size = path.stat().st_size
        normalize_key.cache_clear()
        wall, cpu = time.perf_counter(), time.process_time()
        report = pseudonymise_file(source, Pseudonymiser(KEY), path, Path(tmp) / "out.csv")
        wall, seconds = time.perf_counter() - wall, time.process_time() - cpu
        cells = sum(report.values.values())
        print(
            f"   {report.rows_written:,} rows ({size / 1e6:.0f} MB), {cells:,} identifiers "
            f"in cpu {seconds:.2f} s (wall {wall:.2f} s): "
            f"{report.rows_written / seconds:,.0f} rows/s, {cells / seconds:,.0f} identifiers/s "
            f"({population:,} people; derived birth date written)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distinct", type=int, default=200_000)
    parser.add_argument("--cells", type=int, default=2_000_000)
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--population", type=int, default=50_000)
    args = parser.parse_args()
    print(f"cores {os.cpu_count()}, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    distinct(args.distinct)
    repeated(args.cells, args.population)
    end_to_end(args.rows, args.population)
    print(f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
