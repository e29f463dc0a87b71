from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from jiandu.synth import SynthSummary, generate

from .conftest import SMALL


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", seed=3, documents=1200)
    b = generate(tmp_path / "b", seed=3, documents=1200)
    da, db = _digest(tmp_path / "a"), _digest(tmp_path / "b")
    assert da == db
    assert len(da) > 100
    assert a.by_format == b.by_format
    c = generate(tmp_path / "c", seed=4, documents=1200)
    assert _digest(tmp_path / "c") != da
    assert c.documents == 1200


def test_layout_and_counts(county: tuple[Path, SynthSummary]) -> None:
    out, s = county
    index = [json.loads(x) for x in (out / "index.jsonl").open(encoding="utf-8")]
    assert len(index) == SMALL
    assert sum(s.by_format.values()) == SMALL
    assert set(s.by_format) == {"jsonl", "txt", "html"}
    assert s.by_encoding.get("gb18030", 0) > 0
    assert {"judgment", "mediation", "withdrawal", "exec_termination"} <= set(s.by_kind)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["documents"] == SMALL and manifest["schema_version"] == 2
    for name in (
        "execution_cases",
        "dishonest_debtors",
        "consumption_bans",
        "household",
        "companies",
        "employment",
    ):
        assert (out / "registers" / f"{name}.csv").exists()
        assert manifest["registers"][name] > 0
    jsonl = sorted((out / "documents" / "jsonl").glob("part-*.jsonl"))
    assert jsonl
    first = json.loads(jsonl[0].open(encoding="utf-8").readline())
    assert set(first) == {"id", "text"}
    html = next((out / "documents" / "html").rglob("*.html")).read_bytes()
    assert b"<div" in html and b"<script" in html
    assert "（20" in json.dumps(index[0], ensure_ascii=False) or index[0]["damage"]
    old = [r for r in index if not r["damage"] and "字第" in r["case_number"]]
    assert old, "some old-style case numbers"


def test_damaged_records_present(county: tuple[Path, SynthSummary]) -> None:
    out, s = county
    assert set(s.damaged) == {
        "truncated",
        "undecodable",
        "binary",
        "empty",
        "not_judgment",
        "bad_json",
        "missing_field",
    }
    index = [json.loads(x) for x in (out / "index.jsonl").open(encoding="utf-8")]
    for r in index:
        if r["damage"] == "empty":
            assert (out / r["file"]).stat().st_size == 0
        if r["damage"] == "undecodable":
            raw = (out / r["file"]).read_bytes()
            for enc in ("utf-8", "gb18030"):
                try:
                    raw.decode(enc)
                except UnicodeDecodeError:
                    continue
                raise AssertionError(f"{r['file']} decodes as {enc}")
    assert not any(r["damage"] and r["planted"] for r in index)


EXPECTED_STRENGTHS = {
    "professional_lender": {"strong", "medium", "weak"},
    "serial_plaintiff": {"strong", "medium", "weak"},
    "collusive_suit": {"strong", "medium", "weak"},
    "debt_assignment": {"strong", "medium", "weak"},
    "insurance_claims": {"strong", "medium", "weak"},
}


def test_every_pattern_planted_with_strengths_and_near_misses(county: tuple[Path, SynthSummary]) -> None:
    out, s = county
    truth = [json.loads(x) for x in (out / "truth.jsonl").open(encoding="utf-8")]
    assert not s.skipped_instances
    for pattern, strengths in EXPECTED_STRENGTHS.items():
        lines = [t for t in truth if t["pattern"] == pattern]
        assert {t["strength"] for t in lines if t["positive"]} == strengths, pattern
        assert any(not t["positive"] for t in lines), pattern
        for t in lines:
            assert t["documents"], t["instance_id"]
            assert t["subject"]["key"] and t["subject"]["name"]
    index = {
        (r["file"], r.get("line")): r for r in map(json.loads, (out / "index.jsonl").open(encoding="utf-8"))
    }
    for t in truth:
        for d in t["documents"]:
            rec = index[(d["file"], d.get("line"))]
            assert rec["case_number"] == d["case_number"]
            assert t["instance_id"] in rec["planted"]


def test_thresholds_hold(county: tuple[Path, SynthSummary]) -> None:
    out, _ = county
    truth = {t["instance_id"]: t for t in map(json.loads, (out / "truth.jsonl").open(encoding="utf-8"))}

    def per_court_year(t: dict) -> dict[str, int]:
        return t["figures"]["suits_by_court_year"]

    strong = truth["professional_lender-00-strong-3y"]
    assert sum(per_court_year(strong).values()) >= 20
    assert len({k.split(":")[0] for k in per_court_year(strong)}) == 1
    nm = truth["professional_lender-00-nm-19-in-3y"]
    assert sum(per_court_year(nm).values()) == 19
    assert max(per_court_year(truth["professional_lender-00-nm-9-in-1y"]).values()) == 9
    zhou = truth["serial_plaintiff-00-zhou-strong"]["figures"]
    assert 95 <= zhou["suits"] <= 105
    assert zhou["withdrawn"] / zhou["suits"] > 0.3
    assert zhou["iou_above_transfer"] > 10
    assert 0.45 < zhou["execution_applications"] / zhou["decided"] < 0.85


def test_registers_support_the_truth(county: tuple[Path, SynthSummary]) -> None:
    out, _ = county
    truth = [json.loads(x) for x in (out / "truth.jsonl").open(encoding="utf-8")]
    with (out / "registers" / "dishonest_debtors.csv").open(encoding="utf-8") as fh:
        listed: dict[str, list[dict[str, str]]] = {}
        for row in csv.DictReader(fh):
            listed.setdefault(row["key"], []).append(row)
    with (out / "registers" / "execution_cases.csv").open(encoding="utf-8") as fh:
        execs = list(csv.DictReader(fh))
    for t in truth:
        if t["pattern"] == "debt_assignment" and t["positive"]:
            key = t["subject"]["key"]
            assigned = dt.date.fromisoformat(t["figures"]["assigned"])
            assert any(dt.date.fromisoformat(r["reg_date"]) < assigned for r in listed[key])
        if t["pattern"] == "collusive_suit" and t["positive"]:
            key = t["subject"]["key"]
            first = t["figures"]["first_execution_case"]
            assert any(r["case_number"] == first and r["respondent_key"] == key for r in execs)
            assert key in listed
            if t["figures"]["distribution_case"]:
                assert any(r["distribution_from_case"] == first for r in execs)
    with (out / "registers" / "household.csv").open(encoding="utf-8") as fh:
        people = {row["person_id"] for row in csv.DictReader(fh)}
    for t in truth:
        if t["subject"]["type"] == "person":
            assert t["subject"]["key"] in people


def test_rerun_replaces_previous_county_and_refuses_foreign_folders(tmp_path: Path) -> None:
    out = tmp_path / "c"
    generate(out, seed=1, documents=600)
    extra = out / "documents" / "txt" / "stale.txt"
    extra.write_text("old", encoding="utf-8")
    generate(out, seed=1, documents=300)
    assert not extra.exists()
    assert len((out / "index.jsonl").read_text(encoding="utf-8").splitlines()) == 300
    foreign = tmp_path / "f"
    (foreign / "documents").mkdir(parents=True)
    with pytest.raises(FileExistsError):
        generate(foreign, seed=1, documents=300)
