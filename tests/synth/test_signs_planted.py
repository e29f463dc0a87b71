"""The risk-sign phrasing pools, what the index records of them, and the per-sign figures."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from jiandu.models.evaluate import sign_figures, wilson
from jiandu.synth import SynthSummary
from jiandu.synth.render.phrasings import POOLS, SIGN_CODES, near_variants_of, variants_of


def test_every_sign_has_many_variants_and_near_misses() -> None:
    for code in SIGN_CODES:
        assert len(variants_of(code)) >= 8, code
        assert len(near_variants_of(code)) >= 4, code
    ids = [p.id for pool in POOLS.values() for p in pool]
    assert len(ids) == len(set(ids))
    for pool in POOLS.values():
        for p in pool:
            assert p.codes or p.near, p.id
            assert not set(p.codes) & set(p.near), p.id  # never both for one sign


def _index(out: Path) -> list[dict]:
    with (out / "index.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def test_index_records_planted_signs_and_near_misses(county: tuple[Path, SynthSummary]) -> None:
    out, _ = county
    rows = [r for r in _index(out) if not r["damage"]]
    planted = Counter(x["code"] for r in rows for x in r["signs"])
    near = Counter(x["code"] for r in rows for x in r["sign_near_misses"])
    assert set(planted) == set(SIGN_CODES), planted
    assert set(near) == set(SIGN_CODES), near
    # many variants in use, not one sentence per sign
    for code in SIGN_CODES:
        used = {x["variant"] for r in rows for x in r["signs"] if x["code"] == code}
        assert len(used) >= 3, (code, used)
    # the recorded fragment is in the document as written (jsonl records checked)
    shards: dict[str, list[str]] = {}
    checked = 0
    for r in rows:
        if r["format"] != "jsonl" or not r["signs"]:
            continue
        lines = shards.setdefault(r["file"], (out / r["file"]).read_text(encoding="utf-8").split("\n"))
        text = json.loads(lines[r["line"] - 1])["text"]
        for x in r["signs"] + r["sign_near_misses"]:
            assert x["text"] in text, (r["file"], r["line"], x)
            checked += 1
    assert checked > 100
    # the old flags agree with the signs
    for r in rows:
        codes = {x["code"] for x in r["signs"]}
        assert r["cash_delivery"] == ("cash_delivery" in codes)
        if r["defendant_absent"]:
            assert "defendant_absent" in codes, r["file"]


def test_wilson_interval() -> None:
    assert wilson(0, 0) is None
    low, high = wilson(5, 10) or (0, 0)
    assert (round(low, 4), round(high, 4)) == (0.2366, 0.7634)
    low, high = wilson(10, 10) or (0, 0)
    assert high == pytest.approx(1.0) and round(low, 4) == 0.7225
    low, high = wilson(0, 10) or (0, 0)
    assert low == 0.0 and round(high, 4) == 0.2775


def test_sign_figures_per_document_and_per_variant() -> None:
    text = "甲乙丙丁戊己庚辛"
    rows = [
        {
            "doc_id": "a",
            "signs": [{"code": "cash_delivery", "variant": "v.0", "text": "乙丙"}],
            "sign_near_misses": [],
        },
        {
            "doc_id": "b",
            "signs": [{"code": "cash_delivery", "variant": "v.1", "text": "戊己"}],
            "sign_near_misses": [],
        },
        {
            "doc_id": "c",
            "signs": [],
            "sign_near_misses": [{"code": "cash_delivery", "variant": "n.0", "text": "甲乙"}],
        },
        {"doc_id": "d", "signs": [], "sign_near_misses": []},
    ]
    detected = {
        "a": [("cash_delivery", 2, 3)],  # overlaps 乙丙 (1..3)
        "b": [("cash_delivery", 0, 1)],  # detected, but not on the planted fragment
        "c": [("cash_delivery", 0, 2)],  # a near miss flagged
        "d": [("rollover", 0, 1)],
    }
    texts = dict.fromkeys("abcd", text)
    cash, rollover = sign_figures(rows, detected, ["cash_delivery", "rollover"], texts)
    assert (cash.documents, cash.planted, cash.tp, cash.fp, cash.fn) == (4, 2, 2, 1, 0)
    assert (cash.near_misses, cash.near_flagged) == (1, 1)
    assert cash.recall == 1.0 and cash.precision == pytest.approx(2 / 3)
    assert cash.variants == {"v.0": [1, 1], "v.1": [0, 1]}
    assert cash.near_variants == {"n.0": [1, 1]}
    assert (rollover.planted, rollover.fp, rollover.recall) == (0, 1, None)
