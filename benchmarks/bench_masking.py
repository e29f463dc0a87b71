"""Throughput of masking personal data on real judgments, and on text dense with personal numbers.

Masks every real judgment text (civil full texts, the 501 criminal judgments, the CAIL private
lending texts under JIANDU_REAL_DATA) with `jiandu.privacy.mask_text`, its number part alone
(`mask_numbers`), and the same through SQL (``jiandu_mask_text`` on DuckDB); then text generated
here that is dense with ID and phone numbers in hostile forms (full-width digits, Chinese
numerals, zero-width characters, line breaks), and inputs shaped to make a masker backtrack or
go quadratic. Prints characters per second and the peak memory
of the process.

    JIANDU_REAL_DATA=/work/shared/data/real .venv/bin/python -m benchmarks.bench_masking [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from jiandu.privacy import mask_text
from jiandu.privacy.numbers import mask_numbers
from jiandu.privacy.sql import mask_sql, register_duckdb

_DEFAULT_REAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real"
REAL = Path(os.environ.get("JIANDU_REAL_DATA") or _DEFAULT_REAL)
SOURCES = (
    ("criminal/judge_criminal.jsonl", "full_text"),
    ("civil/cail2019_scm_private_lending.jsonl", "text"),
)


def real_texts(root: Path) -> list[str]:
    texts = [p.read_text("utf-8") for p in sorted((root / "civil" / "full").glob("*.txt"))]
    for name, key in SOURCES:
        with (root / name).open(encoding="utf-8") as handle:
            texts += [json.loads(line)[key] for line in handle if line.strip()]
    return texts


def hostile_texts(n: int, seed: int = 12) -> list[str]:
    """Paragraphs where every sentence carries an ID or phone number written to evade a mask."""
    rng = random.Random(seed)
    full = str.maketrans("0123456789", "０１２３４５６７８９")
    chinese = str.maketrans("0123456789", "〇幺二三四五六七八九")
    styles: list[Callable[[str], str]] = [
        lambda d: d.translate(full),
        lambda d: d.translate(chinese),
        lambda d: "\u200b".join(d),
        lambda d: d[:7] + "\n　　" + d[7:],
        lambda d: " ".join(d[i : i + 4] for i in range(0, len(d), 4)),
    ]
    out = []
    for _ in range(n):
        parts = []
        for _ in range(20):
            number = rng.choice(
                [
                    "3306021980" + f"{rng.randrange(10**8):08d}",
                    "1" + rng.choice("3456789") + f"{rng.randrange(10**9):09d}",
                    "0575" + f"{rng.randrange(10**8):08d}",
                ]
            )
            parts.append(f"原告于2023年4月1日借款30000元，联系方式{rng.choice(styles)(number)}。")
        out.append("".join(parts))
    return out


# Inputs shaped to make a regular expression backtrack or a masker go quadratic (1 M chars each).
PATHOLOGICAL = {
    "digits and zero-width spaces": "1\u200b" * 500_000,
    "digits 5 spaces apart": "1     " * 200_000,
    "long zero-width runs": ("1" + "\u200b" * 5000 + "x") * 200,
    "open brackets and zeros": "(0" * 500_000,
    "one run of a million digits": "1" * 1_000_000,
    "case-number heads": "（2023）" * 150_000,
}


def measure(label: str, texts: list[str], mask: Callable[[list[str]], object], rounds: int) -> None:
    chars = sum(map(len, texts)) * rounds
    t0 = time.perf_counter()
    for _ in range(rounds):
        mask(texts)
    spent = time.perf_counter() - t0
    print(f"{label:<48} {chars / 1e6:7.2f} M chars in {spent:6.2f} s: {chars / spent / 1e6:6.2f} M chars/s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    texts = real_texts(REAL)
    print(f"{len(texts)} real texts, {sum(map(len, texts)):,} characters; rounds {args.rounds}")
    con = duckdb.connect()
    register_duckdb(con)

    def by_sql(batch: list[str]) -> object:
        return con.execute(f"SELECT {mask_sql('s')} FROM (SELECT unnest(?) AS s)", [batch]).fetchall()

    measure("real: mask_text (numbers + addresses)", texts, lambda b: [mask_text(t) for t in b], args.rounds)
    measure("real: numbers only", texts, lambda b: [mask_numbers(t) for t in b], args.rounds)
    measure("real: SQL jiandu_mask_text on DuckDB", texts, by_sql, args.rounds)
    hostile = hostile_texts(500)
    measure("hostile numbers: mask_text", hostile, lambda b: [mask_text(t) for t in b], args.rounds)
    for label, text in PATHOLOGICAL.items():
        measure(f"pathological: {label}", [text], lambda b: [mask_text(t) for t in b], 1)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
