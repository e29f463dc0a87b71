"""Risk signs measured on the labelled real texts: precision and recall per sign and half.

The real private-lending texts in ``../shared/data/real/civil/`` were labelled by reading
(``tests/fixtures/sign_labels/``, offsets only). Each document falls in one half by a hash of its
corpus and id: the patterns of ``jiandu.documents.signs`` were written from the ``dev`` half;
the ``test`` half was not looked at while writing them.

A document counts per sign: a true positive when the detector and the label both say the sign is
there, whatever the span. ``span agreement`` is the share of true positives where one detected
span overlaps one labelled span.

    .venv/bin/python -m benchmarks.bench_signs [--real DIR] [--show dev|test] [--code CODE]
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from jiandu.documents import parse_document
from jiandu.documents.signs import SIGN_CODES

LABELS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "sign_labels"
DEFAULT_REAL = Path(
    os.environ.get("JIANDU_REAL_DATA", Path(__file__).resolve().parents[2] / "shared" / "data" / "real")
)


def half(corpus: str, doc_id: str) -> str:
    """``dev`` (patterns written from it) or ``test`` (held out), by a hash of corpus and id."""
    return "dev" if hashlib.sha256(f"{corpus}:{doc_id}".encode()).digest()[0] % 2 == 0 else "test"


def real_texts(real: Path) -> Iterator[tuple[str, str, str]]:
    """(corpus, id, text) of every labelled corpus, the text exactly as the labels index it."""
    civil = real / "civil"
    with (civil / "cail2019_scm_private_lending.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            yield "cail2019_scm", d["id"], d["text"]
    with (civil / "cail2019_loan_elements.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            yield "cail2019_loan_elements", d["id"], "".join(s["sentence"] for s in d["sentences"])
    for path in sorted(glob.glob(str(civil / "full" / "*.txt"))):
        yield "civil_full", Path(path).stem, Path(path).read_text(encoding="utf-8")


def load_labels(folder: Path = LABELS) -> dict[tuple[str, str], dict[str, list[list[int]]]]:
    out: dict[tuple[str, str], dict[str, list[list[int]]]] = {}
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out[(row["corpus"], row["id"])] = row.get("signs") or {}
    return out


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    overlap: int = 0
    misses: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def measure(real: Path = DEFAULT_REAL) -> tuple[dict[tuple[str, str], Tally], int, float]:
    """Tallies per (half, code); the number of labelled documents; seconds spent parsing."""
    labels = load_labels()
    tallies: dict[tuple[str, str], Tally] = {}
    n, spent = 0, 0.0
    for corpus, doc_id, text in real_texts(real):
        if (corpus, doc_id) not in labels:
            continue
        n += 1
        gold = labels[(corpus, doc_id)]
        t0 = time.perf_counter()
        found = parse_document(text).signs  # the parse path: claimed principal and date known
        spent += time.perf_counter() - t0
        h = half(corpus, doc_id)
        for code in SIGN_CODES:
            tally = tallies.setdefault((h, code), Tally())
            mine = [s for s in found if s.code == code]
            spans = gold.get(code) or []
            if mine and spans:
                tally.tp += 1
                if any(s.start < e and b < s.end for s in mine for b, e in spans):
                    tally.overlap += 1
            elif mine:
                tally.fp += 1
                tally.false.append(f"{doc_id}: {mine[0].text[:120]}")
            elif spans:
                tally.fn += 1
                b, e = spans[0]
                tally.misses.append(f"{doc_id}: {text[b:e][:120]}")
    return tallies, n, spent


def _fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--real", type=Path, default=DEFAULT_REAL)
    ap.add_argument("--show", choices=("dev", "test"), help="print misses and false alarms of a half")
    ap.add_argument("--code", help="only this sign when showing")
    args = ap.parse_args(argv)
    if not (args.real / "civil").is_dir():
        print(f"real documents not found at {args.real}", file=sys.stderr)
        return 2
    tallies, n, spent = measure(args.real)
    print(f"{n} labelled real documents; parse with signs {spent:.2f} s")
    print(
        f"{'sign':<24}{'half':<6}{'docs+':>6}{'TP':>5}{'FP':>5}{'FN':>5}{'prec':>8}{'recall':>8}{'span':>7}"
    )
    for code in SIGN_CODES:
        for h in ("dev", "test"):
            t = tallies.get((h, code), Tally())
            span = _fmt(t.overlap / t.tp if t.tp else None)
            print(
                f"{code:<24}{h:<6}{t.tp + t.fn:>6}{t.tp:>5}{t.fp:>5}{t.fn:>5}"
                f"{_fmt(t.precision):>8}{_fmt(t.recall):>8}{span:>7}"
            )
    if args.show:
        for code in SIGN_CODES:
            if args.code and code != args.code:
                continue
            t = tallies.get((args.show, code), Tally())
            for line in t.misses:
                print(f"MISS  {code}  {line}")
            for line in t.false:
                print(f"FALSE {code}  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
