"""Parse every generated document with the project's parser and compare with what the
generator wrote (index.jsonl). Skipped while the parser is not importable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jiandu.synth import SynthSummary

parser = pytest.importorskip("jiandu.documents")
lexbor = pytest.importorskip("selectolax.lexbor")


def _texts(out: Path) -> list[tuple[dict[str, Any], str]]:
    cache: dict[str, list[str]] = {}
    result = []
    for line in (out / "index.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        if r["damage"]:
            continue
        path = out / r["file"]
        if r["format"] == "jsonl":
            if r["file"] not in cache:
                cache[r["file"]] = path.read_text(encoding="utf-8").split("\n")
            text = json.loads(cache[r["file"]][r["line"] - 1])["text"]
        else:
            text = path.read_bytes().decode(r["encoding"])
            if r["format"] == "html":
                tree = lexbor.LexborHTMLParser(text)
                text = "\n".join(n.text() for n in tree.css("div.PDF_title, div.PDF_pox > div"))
        result.append((r, text))
    return result


@pytest.fixture(scope="module")
def parsed(county: tuple[Path, SynthSummary]) -> list[tuple[dict[str, Any], Any]]:
    out, _ = county
    return [(r, parser.parse_document(text)) for r, text in _texts(out)]


def test_case_number_court_type_and_principal(parsed: list) -> None:
    bad = []
    for r, rec in parsed:
        got = (rec.case_number, rec.court, rec.doc_type, rec.judgment_date)
        want = (r["case_number"], r["court"], r["doc_type"], r["judgment_date"])
        if got != want:
            bad.append((r["file"], r.get("line"), got, want))
        if r["claimed_principal"] is not None and rec.claimed_principal != r["claimed_principal"]:
            bad.append((r["file"], r.get("line"), rec.claimed_principal, r["claimed_principal"]))
    assert not bad, bad[:5]


def test_parties_names_and_roles(parsed: list) -> None:
    bad = []
    for r, rec in parsed:
        got = [(p.role, p.name, p.kind) for p in rec.parties]
        want = [(p["role"], p["name"], p["kind"]) for p in r["parties"]]
        if got != want:
            bad.append((r["file"], r.get("line"), got, want))
    assert not bad, bad[:5]


def test_parties_mostly_recovered(parsed: list) -> None:
    ok = sum(
        1
        for r, rec in parsed
        if [(p.role, p.name) for p in rec.parties] == [(p["role"], p["name"]) for p in r["parties"]]
    )
    assert ok / len(parsed) > 0.99
