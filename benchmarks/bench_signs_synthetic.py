"""Risk-sign detector against the signs planted in a synthetic county (a regression check).

The generator states each sign with a variant drawn from a pool written after real judgments
(``jiandu/synth/render/phrasings.py``) and plants negated and look-alike phrasings (near misses);
``index.jsonl`` records per document which signs were planted with which variant and fragment.
This benchmark parses every undamaged document with the project's parser (the signs the
parser puts on the record are what ingest stores) and prints, per sign, document-level recall
and precision with 95% Wilson score intervals, the near misses flagged, and every variant the
detector missed at least once (a planted fragment no detected span of its sign overlaps).

Synthetic figures measure the code against the generator's phrasing, not against the world:
the real figures are those of ``benchmarks/bench_signs.py`` (docs/benchmarks.md).

    .venv/bin/python -m benchmarks.bench_signs_synthetic [--county DIR | --seed N --documents N]
        [--variants] [--json OUT]

Without ``--county`` the frozen evaluation county (``jiandu.synth.EVALUATION_SEED``,
``EVALUATION_DOCUMENTS``) is generated into a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jiandu.documents import parse_document
from jiandu.documents.signs import SIGN_CODES
from jiandu.models.evaluate import read_index, sign_figures
from jiandu.synth import EVALUATION_DOCUMENTS, EVALUATION_SEED, GENERATOR_VERSION, generate


def county_texts(root: Path, rows: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], str]]:
    """(index row, visible text) of every undamaged record, as ingest reads it."""
    from selectolax.lexbor import LexborHTMLParser

    shards: dict[str, list[str]] = {}
    for row in rows:
        path = root / row["file"]
        if row["format"] == "jsonl":
            if row["file"] not in shards:
                shards[row["file"]] = path.read_text(encoding="utf-8").split("\n")
            text = json.loads(shards[row["file"]][row["line"] - 1])["text"]
        else:
            text = path.read_bytes().decode(row["encoding"])
            if row["format"] == "html":
                tree = LexborHTMLParser(text)
                text = "\n".join(n.text() for n in tree.css("div.PDF_title, div.PDF_pox > div"))
        yield row, text.lstrip("\ufeff")


def _ci(ci: tuple[float, float] | None) -> str:
    return "      —       " if ci is None else f"[{ci[0]:.3f}, {ci[1]:.3f}]"


def _f(x: float | None) -> str:
    return "  —  " if x is None else f"{x:.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--county", type=Path, help="an existing county (its index.jsonl and documents)")
    ap.add_argument("--seed", type=int, default=EVALUATION_SEED)
    ap.add_argument("--documents", type=int, default=EVALUATION_DOCUMENTS)
    ap.add_argument("--variants", action="store_true", help="list every variant, not only the missed")
    ap.add_argument("--json", type=Path, help="write the figures to this file")
    args = ap.parse_args(argv)
    tmp = None
    root = args.county
    if root is None:
        tmp = tempfile.TemporaryDirectory(prefix="jiandu-signs-")
        root = Path(tmp.name) / "county"
        t0 = time.perf_counter()
        generate(root, seed=args.seed, documents=args.documents)
        print(f"generated {args.documents} documents, seed {args.seed} in {time.perf_counter() - t0:.1f} s")
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    rows = read_index(root / "index.jsonl")
    detected: dict[str, list[tuple[str, int, int]]] = {}
    texts: dict[str, str] = {}
    t0 = time.perf_counter()
    for row, text in county_texts(root, rows):
        rec = parse_document(text)
        detected[row["doc_id"]] = [(s.code, s.start, s.end) for s in rec.signs]
        texts[row["doc_id"]] = text
    seconds = time.perf_counter() - t0
    figures = sign_figures(rows, detected, SIGN_CODES, texts)
    print(
        f"county: generator {manifest.get('generator_version')}, seed {manifest['seed']}, "
        f"{manifest['documents']} documents ({len(detected)} parsed in {seconds:.1f} s); "
        f"running generator {GENERATOR_VERSION}"
    )
    print("Synthetic scores are a regression check; the real figures are benchmarks/bench_signs.py.")
    print("95% intervals: Wilson score interval.\n")
    head = f"{'sign':<22}{'planted':>8}{'TP':>7}{'FP':>6}{'FN':>6}  recall  {'95% CI':<16}"
    head += f"precision  {'95% CI':<16}near misses flagged"
    print(head)
    for f in figures:
        print(
            f"{f.code:<22}{f.planted:>8}{f.tp:>7}{f.fp:>6}{f.fn:>6}  {_f(f.recall)}   {_ci(f.recall_ci)}"
            f"{_f(f.precision)}      {_ci(f.precision_ci)}{f.near_flagged}/{f.near_misses}"
        )
    print("\nvariants (span found / planted; near misses: flagged / planted):")
    for f in figures:
        for kind, table in (("sign", f.variants), ("near", f.near_variants)):
            for variant, (hit, n) in table.items():
                bad = hit < n if kind == "sign" else hit > 0
                if args.variants or bad:
                    mark = "MISSED" if kind == "sign" and bad else ("FLAGGED" if bad else "")
                    print(f"  {f.code:<22}{kind:<5} {variant:<28}{hit:>6}/{n:<6}{mark}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "county": {k: manifest.get(k) for k in ("generator_version", "seed", "documents")},
                    "signs": [f.to_json() for f in figures],
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
