"""Ingest end to end on both engines: real documents, bad input, idempotency."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from jiandu.engines.base import Engine
from jiandu.ingest.pipeline import ingest_judgments
from tests.paths import CIVIL_FULL, needs_real

pytestmark = needs_real


def _bad_inputs(folder: Path) -> dict[str, str]:
    """Write one file per kind of bad input; return file name -> expected reason code."""
    hukou = (CIVIL_FULL / "hukou_2018_gan0429minchu914.txt").read_text(encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    (folder / "truncated.txt").write_text(hukou[: len(hukou) // 2], encoding="utf-8")
    (folder / "news.txt").write_text(
        "今日天气晴，气温十五度。市民纷纷外出踏青，公园游客众多。" * 5, encoding="utf-8"
    )
    (folder / "garbled.txt").write_bytes(bytes(range(0x80, 0x100)) * 30)
    (folder / "bad.jsonl").write_text('{"text": 1}\n{oops\n', encoding="utf-8")
    return {
        "empty.txt": "empty",
        "binary.txt": "binary",
        "truncated.txt": "truncated",
        "news.txt": "not_judgment",
        "garbled.txt": "undecodable",
        "bad.jsonl": "missing_field,bad_json",
    }


def test_ingest_real_documents_and_bad_input(engine: Engine, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for path in sorted(CIVIL_FULL.glob("*.txt")):
        shutil.copy(path, inputs / path.name)
    # the same judgment as GB18030 text, as HTML, and inside a zip: one document each time
    hukou = (CIVIL_FULL / "hukou_2018_gan0429minchu914.txt").read_text(encoding="utf-8")
    (inputs / "hukou_gbk.txt").write_bytes(hukou.encode("gb18030"))
    baohe = (CIVIL_FULL / "baohe_2016_wan0111minchu3584.txt").read_text(encoding="utf-8")
    (inputs / "baohe.html").write_text(
        "<html><body>" + "".join(f"<div>{line}</div>" for line in baohe.splitlines()) + "</body></html>",
        encoding="utf-8",
    )
    with zipfile.ZipFile(inputs / "more.zip", "w") as archive:
        archive.writestr("ganxian.txt", (CIVIL_FULL / "ganxian_2015_gmerczd87.txt").read_bytes())
    bad = tmp_path / "bad"
    bad.mkdir()
    expected_reasons = _bad_inputs(bad)
    quarantine_dir = tmp_path / "quarantine"

    report = ingest_judgments(engine, quarantine_dir, [inputs, bad], workers=1, batch_size=3)

    assert report.parsed == 5
    assert report.duplicates == 3  # GB18030 copy, HTML copy (same visible text), zip copy
    assert report.quarantined == 7
    assert report.read == report.parsed + report.duplicates + report.quarantined
    assert engine.count("documents") == 5

    rows = engine.query(
        "SELECT source, record_ref, reason_code, reason, stored_path FROM quarantine"
    ).to_pylist()
    by_file: dict[str, set[str]] = {}
    for row in rows:
        by_file.setdefault(Path(row["source"]).name, set()).add(row["reason_code"])
        assert row["reason"]
        if row["reason_code"] != "empty":
            assert row["stored_path"] and Path(row["stored_path"]).is_file()
    assert by_file == {name: set(codes.split(",")) for name, codes in expected_reasons.items()}

    cases = {r["case_number"]: r for r in engine.query("SELECT * FROM cases").to_pylist()}
    assert set(cases) == {
        "（2018）赣0429民初914号",
        "（2016）皖0111民初3584号",
        "（2014）庆城民初字第833号",
        "（2009）萧民二初字第33号",
        "（2015）赣民二初字第87号",
    }
    assert str(cases["（2018）赣0429民初914号"]["filing_date"]) == "2018-09-17"
    parties = engine.query(
        "SELECT p.name, p.role, p.span_start, p.span_end, d.text "
        "FROM parties p JOIN documents d USING (doc_id)"
    ).to_pylist()
    assert {("马玉兰", "原告"), ("吴兰兵", "被告"), ("俄克学", "被告"), ("姚承伟", "被告")} <= {
        (p["name"], p["role"]) for p in parties
    }
    for p in parties:  # spans in the tables point into the stored text
        assert p["text"][p["span_start"] : p["span_end"]] == p["name"]
    flags = engine.query("SELECT flag, count(*) AS n FROM flags WHERE value GROUP BY flag").to_pylist()
    assert {"flag": "defendant_absent", "n": 4} in flags  # 湖口, 赣县, 萧山, 庆城 (俄克学 拒不到庭)

    again = ingest_judgments(engine, quarantine_dir, [inputs, bad], workers=1)
    assert (again.parsed, again.duplicates, again.quarantined) == (0, 8, 7)
    assert engine.count("documents") == 5
    assert engine.count("parties") == len(parties)
    assert engine.count("quarantine") == len(rows)
    assert engine.count("ingest_runs") == 2


def test_parallel_ingest_matches_serial(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    texts = [p.read_text(encoding="utf-8") for p in sorted(CIVIL_FULL.glob("*.txt"))]
    path.write_text(
        "\n".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) for i, t in enumerate(texts * 3))
    )
    report = ingest_judgments(engine, tmp_path / "q", [path], workers=2, batch_size=2)
    assert (report.read, report.parsed, report.duplicates, report.quarantined) == (15, 5, 10, 0)
    ids = (
        engine.query("SELECT record_ref FROM documents ORDER BY record_ref").column("record_ref").to_pylist()
    )
    assert ids == [f"line {i + 1} (id={i})" for i in range(5)]  # the first occurrence is kept
