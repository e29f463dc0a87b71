"""Whole real corpora: CAIL2019 private-lending headers and 501 criminal judgments.

Accuracy bar on the hand-checked labels: every field >= 0.95.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from jiandu.documents import parse_document

from .accuracy import field_accuracy
from .conftest import LABELS
from .spans import span_problems

BAR = 0.95
# scm-0190's header lists two plaintiffs and no defendant at all (the text lacks one)
CAIL_NO_DEFENDANT_IN_TEXT = {"scm-0190"}


def _labels(name: str) -> dict[str, dict[str, Any]]:
    data = json.loads((LABELS / name).read_text(encoding="utf-8"))
    return {d["id"]: d for d in data["docs"]}


def test_cail_every_text_has_both_sides(cail_rows: list[dict[str, Any]]) -> None:
    bad = []
    for row in cail_rows:
        rec = parse_document(row["text"])
        sides = {p.side for p in rec.parties}
        need = {"plaintiff", "defendant"}
        if row["id"] in CAIL_NO_DEFENDANT_IN_TEXT:
            need = {"plaintiff"}
        if not rec.is_judgment or not need <= sides:
            bad.append(row["id"])
        assert span_problems(row["text"], rec) == [], row["id"]
    assert bad == []


def test_cail_masked_names_kept(cail_rows: list[dict[str, Any]]) -> None:
    rec = parse_document(cail_rows[0]["text"])
    assert [p.name for p in rec.parties] == ["李某1", "夏某1"]
    with_agents = sum(bool(parse_document(r["text"]).agents) for r in cail_rows)
    assert with_agents >= 115  # 122 of 227 headers name agents


def test_cail_label_accuracy(cail_rows: list[dict[str, Any]]) -> None:
    labels = _labels("cail2019.json")
    pairs = [(labels[r["id"]], parse_document(r["text"])) for r in cail_rows if r["id"] in labels]
    assert len(pairs) == 30
    acc = field_accuracy(pairs)
    print("CAIL per-field accuracy:", acc)
    assert all(v >= BAR for v in acc.values()), acc


def test_criminal_rates(criminal_rows: list[dict[str, Any]]) -> None:
    n = len(criminal_rows)
    counts = dict.fromkeys(
        ["case_number", "court", "defendant", "charges", "doc_type", "category", "judges",
         "clerks", "judgment_date"], 0)
    defenders_with_firm = defenders = 0
    for row in criminal_rows:
        t = row["full_text"]
        r = parse_document(t)
        counts["case_number"] += r.case_number is not None
        counts["court"] += r.court is not None
        counts["defendant"] += any(p.side == "defendant" for p in r.parties)
        counts["charges"] += isinstance(r.cause, list) and bool(r.cause) and all(
            c.endswith("罪") for c in r.cause)
        counts["doc_type"] += r.doc_type == "judgment"
        counts["category"] += r.case_category == "criminal"
        counts["judges"] += bool(r.judges)
        counts["clerks"] += bool(r.clerks)
        counts["judgment_date"] += r.judgment_date is not None
        for a in r.agents:
            if a.role == "defender":
                defenders += 1
                defenders_with_firm += a.law_firm is not None
        assert span_problems(t, r) == [], row["id"]
    rates = {k: v / n for k, v in counts.items()}
    print("criminal rates:", rates)
    assert rates["case_number"] >= 0.99  # one text has no year in its number
    assert rates["court"] >= 0.99 and rates["defendant"] >= 0.99 and rates["charges"] >= 0.99
    assert rates["doc_type"] == 1.0 and rates["category"] == 1.0
    assert rates["judges"] >= 0.99 and rates["clerks"] >= 0.99 and rates["judgment_date"] >= 0.99
    assert defenders >= 200 and defenders_with_firm / defenders >= 0.9


def test_criminal_examples(criminal_rows: list[dict[str, Any]]) -> None:
    r = parse_document(criminal_rows[1]["full_text"])
    assert r.case_number == "（2018）沪0105刑初655号"
    assert [(p.role, p.name) for p in r.parties] == [
        ("公诉机关", "上海市长宁区人民检察院"), ("被告人", "安旭")]
    assert r.parties[0].kind == "organization"
    assert [(a.name, a.law_firm, a.kind, a.role) for a in r.agents] == [
        ("钟俊", "上海新沪律师事务所", "lawyer", "defender")]
    assert r.cause == ["盗窃罪"]
    assert r.judgment_date == "2018-07-16"
    r = parse_document(criminal_rows[0]["full_text"])
    assert [(j.role, j.name) for j in r.judges] == [("审判员", "李晓杰")] and r.clerks == ["唐婷"]
    assert r.procedure_track == "simple" and r.trial_procedure == "first_instance"
    assert r.filing_date == "2017-06-15" and r.hearing_date == "2017-06-28"


def test_criminal_label_accuracy(criminal_rows: list[dict[str, Any]]) -> None:
    labels = _labels("criminal.json")
    pairs = [(labels[r["id"]], parse_document(r["full_text"]))
             for r in criminal_rows if r["id"] in labels]
    assert len(pairs) == 30
    acc = field_accuracy(pairs)
    print("criminal per-field accuracy:", acc)
    assert all(v >= BAR for v in acc.values()), acc


@pytest.mark.parametrize("name", ["hukou", "baohe", "ganxian", "qingcheng", "xiaoshan"])
def test_civil_label_accuracy(civil_full: dict[str, str], name: str) -> None:
    labels = _labels("civil_full.json")
    rec = parse_document(civil_full[name])
    acc = field_accuracy([(labels[name], rec)])
    assert all(v == 1.0 for v in acc.values()), acc
