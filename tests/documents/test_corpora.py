"""Whole real corpora: CAIL2019 private-lending headers and 501 criminal judgments.

Accuracy bar on the hand-read expectations (tests/fixtures/real_expectations/, names stored as
spans into the real texts): every field >= 0.95; the five civil judgments: every field exact.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from jiandu.documents import parse_document

from .accuracy import field_accuracy
from .expectations import FOLDER, expectations, name_at, names, raw
from .spans import span_problems

BAR = 0.95
# scm-0190's header lists two plaintiffs and no defendant at all (the text lacks one)
CAIL_NO_DEFENDANT_IN_TEXT = {"scm-0190"}

# what a name in a judgment looks like: Han characters, masks (某, ×, X), a middle dot, a digit
NAME = re.compile(r"[\u4e00-\u9fffA-Z×·0-9]{2,8}")


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
    assert with_agents >= 115  # 122 of 227 headers name an agent (代理人 not after 法定)


def test_cail_label_accuracy(cail_rows: list[dict[str, Any]]) -> None:
    labels = expectations("cail2019.json", {r["id"]: r["text"] for r in cail_rows})
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
    assert criminal_rows[1]["id"] == "judge-0001"
    t = criminal_rows[1]["full_text"]
    n = names("criminal.json", "judge-0001", t)
    r = parse_document(t)
    assert r.case_number == "（2018）沪0105刑初655号"
    assert [(p.role, p.name) for p in r.parties] == [
        ("公诉机关", "上海市长宁区人民检察院"), ("被告人", n["party1"])]
    assert r.parties[0].kind == "organization"
    assert [(a.name, a.law_firm, a.kind, a.role) for a in r.agents] == [
        (n["agent1"], "上海新沪律师事务所", "lawyer", "defender")]
    assert r.cause == ["盗窃罪"]
    assert r.judgment_date == "2018-07-16"
    assert criminal_rows[0]["id"] == "judge-0000"
    t = criminal_rows[0]["full_text"]
    n = names("criminal.json", "judge-0000", t)
    r = parse_document(t)
    assert [(j.role, j.name) for j in r.judges] == [("审判员", n["judge1"])] and r.clerks == [n["clerk1"]]
    assert r.procedure_track == "simple" and r.trial_procedure == "first_instance"
    assert r.filing_date == "2017-06-15" and r.hearing_date == "2017-06-28"


def test_criminal_label_accuracy(criminal_rows: list[dict[str, Any]]) -> None:
    labels = expectations("criminal.json", {r["id"]: r["full_text"] for r in criminal_rows})
    pairs = [(labels[r["id"]], parse_document(r["full_text"]))
             for r in criminal_rows if r["id"] in labels]
    assert len(pairs) == 30
    acc = field_accuracy(pairs)
    print("criminal per-field accuracy:", acc)
    assert all(v >= BAR for v in acc.values()), acc


@pytest.mark.parametrize("name", ["hukou", "baohe", "ganxian", "qingcheng", "xiaoshan"])
def test_civil_label_accuracy(civil_full: dict[str, str], name: str) -> None:
    labels = expectations("civil_full.json", civil_full)
    rec = parse_document(civil_full[name])
    acc = field_accuracy([(labels[name], rec)])
    assert all(v == 1.0 for v in acc.values()), acc


def test_expectations_keep_names_out_of_the_repository(
    civil_full: dict[str, str], cail_rows: list[dict[str, Any]], criminal_rows: list[dict[str, Any]]
) -> None:
    """Every stored name is a span onto a name in the real text, and no name is written out."""
    texts = {
        "civil_full.json": civil_full,
        "cail2019.json": {r["id"]: r["text"] for r in cail_rows},
        "criminal.json": {r["id"]: r["full_text"] for r in criminal_rows},
    }
    assert sorted(p.name for p in FOLDER.glob("*.json")) == sorted(texts)
    for file, by_id in texts.items():
        stored = (FOLDER / file).read_text(encoding="utf-8")
        data = raw(file)
        for doc in [*data.get("examples", []), *data["docs"]]:
            for alias, span in doc["names"].items():
                name = name_at(by_id[doc["id"]], span)
                assert NAME.fullmatch(name), (file, doc["id"], alias, name)
                assert f'"{name}"' not in stored, (file, doc["id"], alias)  # never a value in clear
