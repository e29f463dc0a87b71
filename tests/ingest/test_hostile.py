"""Hostile input: every attack is generated here at test time, the defence is the assertion.

Nested JSON, parser crashes and slow documents, symbolic links out of the input folder,
deeply nested HTML, zip traversal names, truncated and nested archives, vanishing files and
the file modes of what ingest writes (issue 12, section 2).
"""

from __future__ import annotations

import json
import os
import stat
import time
import zipfile
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest

from jiandu.engines.base import Engine
from jiandu.ingest import quarantine, sources, worker
from jiandu.ingest.html import check_html, nesting_depth
from jiandu.ingest.pipeline import IngestReport, ingest_judgments, settle
from jiandu.ingest.registers import ingest_registers
from jiandu.ingest.rejection import Rejection
from jiandu.ingest.sources import RawRecord, RejectedRecord, read_inputs
from jiandu.inputs.limits import Limits
from jiandu.workspace import Workspace
from tests.engine_support import make_engine

# a complete (made-up) first-instance civil judgment: heading, parties, reasoning, signature
_DOC = """江西省湖口县人民法院
民 事 判 决 书
（2018）赣0429民初{n}号
原告：马玉兰，女，1970年5月1日出生，汉族，住江西省湖口县。
被告：吴兰兵，男，1975年3月2日出生，汉族，住江西省湖口县。
原告马玉兰与被告吴兰兵民间借贷纠纷一案，本院立案后，依法适用简易程序公开开庭进行了审理。
原告诉称，被告向原告借款50000元，至今未还。
本院认为，合法的借贷关系受法律保护。
判决如下：
被告吴兰兵于本判决生效之日起十日内偿还原告马玉兰借款50000元。
审判员　李明
二〇一八年六月一日
书记员　王芳
"""
SECRET = b"SECRET-KEY-0123456789abcdef"


def doc(n: int) -> str:
    """A distinct judgment (its own case number, so its own document id)."""
    return _DOC.format(n=n)


def jsonl(*texts: str) -> str:
    return "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine("duckdb", tmp_path / "workspace")
    try:
        yield engine
    finally:
        engine.close()


def ingest(engine: Engine, tmp_path: Path, paths: list[Path], **kwargs: Any) -> IngestReport:
    return ingest_judgments(engine, tmp_path / "quarantine", paths, workers=1, **kwargs)


def reasons(engine: Engine) -> dict[str, tuple[str, str]]:
    """``file name + record ref`` -> (reason code, reason) of every quarantined record."""
    rows = engine.query("SELECT source, record_ref, reason_code, reason FROM quarantine").to_pylist()
    return {
        f"{Path(r['source']).name} {r['record_ref']}".strip(): (r["reason_code"], r["reason"]) for r in rows
    }


def collect(paths: list[Path], **kwargs: Any) -> tuple[list[RawRecord], list[RejectedRecord]]:
    raw: list[RawRecord] = []
    rejected: list[RejectedRecord] = []
    for item in read_inputs(paths, **kwargs):
        (raw if isinstance(item, RawRecord) else rejected).append(item)
    return raw, rejected


# 1. deeply nested JSON ----------------------------------------------------------------------


def test_deeply_nested_json_is_quarantined_and_the_batch_goes_on(store: Engine, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    nested = "[" * 100_000 + "]" * 100_000
    (inputs / "a_nested.json").write_text(nested, encoding="utf-8")
    (inputs / "b_lines.jsonl").write_text(
        jsonl(doc(1)) + nested + "\n" + '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}\n" + jsonl(doc(2)),
        encoding="utf-8",
    )
    (inputs / "c_plain.txt").write_text(doc(3), encoding="utf-8")

    report = ingest(store, tmp_path, [inputs], batch_size=2)

    assert report.parsed == 3
    assert store.count("documents") == 3
    found = reasons(store)
    assert set(found) == {"a_nested.json", "b_lines.jsonl line 2", "b_lines.jsonl line 3"}
    for code, reason in found.values():
        assert code == "bad_json" and "nested too deeply" in reason


def test_lone_surrogates_in_json_quarantine_one_record(store: Engine, tmp_path: Path) -> None:
    path = tmp_path / "surrogates.jsonl"
    hostile = '{"id": "\\udc80x", "text": "\\ud800' + doc(2).replace("\n", "\\n") + '"}\n'
    path.write_text(jsonl(doc(1)) + hostile + jsonl(doc(3)), encoding="utf-8")

    report = ingest(store, tmp_path, [path])

    assert report.parsed == 2
    code, reason = reasons(store)["surrogates.jsonl line 2 (id=?x)"]
    assert code == "bad_json" and "invalid Unicode" in reason


# 4. a parser crash on one record, a slow record ---------------------------------------------

MARKER = "马玉兰借款50000元。\n审判员"


def test_a_parser_crash_quarantines_one_record_as_parse_error(
    store: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_parse = worker.parse_document_strict

    def crashing(text: str) -> Any:
        if "（2018）赣0429民初7号" in text:
            raise ValueError("parser bug on record 7")
        if "（2018）赣0429民初8号" in text:
            raise RecursionError("maximum recursion depth exceeded")
        return real_parse(text)

    monkeypatch.setattr(worker, "parse_document_strict", crashing)
    path = tmp_path / "batch.jsonl"
    path.write_text(jsonl(*(doc(n) for n in range(1, 11))), encoding="utf-8")

    report = ingest(store, tmp_path, [path], batch_size=400)  # one batch holds all ten

    assert report.parsed == 8 and report.quarantined == 2
    found = reasons(store)
    assert found["batch.jsonl line 7"] == ("parse_error", "parser error: ValueError: parser bug on record 7")
    code, reason = found["batch.jsonl line 8"]
    assert code == "parse_error" and reason.startswith("parser error: RecursionError")


def test_a_document_over_its_time_budget_is_quarantined(
    store: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_parse = worker.parse_document_strict

    def slow(text: str) -> Any:
        if "（2018）赣0429民初2号" in text:
            while True:  # a parser stuck on one document
                time.sleep(0.01)
        return real_parse(text)

    monkeypatch.setattr(worker, "parse_document_strict", slow)
    path = tmp_path / "batch.jsonl"
    path.write_text(jsonl(doc(1), doc(2), doc(3)), encoding="utf-8")

    report = ingest(store, tmp_path, [path], document_seconds=0.3)

    assert report.parsed == 2
    code, reason = reasons(store)["batch.jsonl line 2"]
    assert code == "timeout" and "time budget" in reason


def test_a_batch_whose_worker_died_is_parsed_again_record_by_record(monkeypatch: pytest.MonkeyPatch) -> None:
    real_parse = worker.parse_document_strict

    def crashing(text: str) -> Any:
        if "（2018）赣0429民初2号" in text:
            raise ValueError("parser bug")
        return real_parse(text)

    monkeypatch.setattr(worker, "parse_document_strict", crashing)
    batch = [RawRecord("batch.jsonl", f"line {n}", "jsonl", 1, text=doc(n)) for n in (1, 2, 3)]
    died: Future[list[Any]] = Future()
    died.set_exception(BrokenProcessPool("a worker process terminated abruptly"))

    results = settle(batch, died, 5.0)

    assert [type(r).__name__ for r in results] == ["ParsedDocument", "RejectedRecord", "ParsedDocument"]
    assert isinstance(results[1], RejectedRecord) and results[1].code == "parse_error"


# 2. symbolic links ------------------------------------------------------------------------


def test_symlinks_are_quarantined_and_their_targets_never_read(store: Engine, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "web-secret.key"
    secret.write_bytes(SECRET)
    (outside / "other.txt").write_text(doc(9), encoding="utf-8")
    (outside / "secret.txt").write_bytes(SECRET)
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text(doc(1), encoding="utf-8")
    (inputs / "key.txt").symlink_to(secret)
    (inputs / "folder").symlink_to(outside, target_is_directory=True)
    top_link = tmp_path / "given.txt"
    top_link.symlink_to(outside / "secret.txt")

    report = ingest(store, tmp_path, [inputs, top_link])

    assert report.parsed == 1  # good.txt; nothing from the outside folder
    found = reasons(store)
    assert {name: code for name, (code, _) in found.items()} == {
        "key.txt": "symlink",
        "folder": "symlink",
        "given.txt": "symlink",
    }
    assert all("not followed" in reason for _, reason in found.values())
    kept = [p.read_bytes() for p in (tmp_path / "quarantine").rglob("*") if p.is_file()]
    assert not any(SECRET in data for data in kept)
    texts = [r["text"] for r in store.query("SELECT text FROM documents").to_pylist()]
    assert not any("（2018）赣0429民初9号" in t for t in texts)


def test_register_files_behind_symlinks_are_not_read(store: Engine, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "enterprises.csv").write_text("credit_code,name\n" + SECRET.decode() + ",某公司\n")
    inputs = tmp_path / "registers"
    inputs.mkdir()
    (inputs / "enterprises.csv").symlink_to(outside / "enterprises.csv")

    ingest_registers(store, tmp_path / "quarantine", [inputs])

    assert reasons(store) == {"enterprises.csv": ("symlink", "symbolic link not followed")}
    kept = [p.read_bytes() for p in (tmp_path / "quarantine").rglob("*") if p.is_file()]
    assert not any(SECRET in data for data in kept)


def test_a_fifo_does_not_hang_the_run(store: Engine, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    os.mkfifo(inputs / "pipe.txt")
    (inputs / "good.txt").write_text(doc(1), encoding="utf-8")

    report = ingest(store, tmp_path, [inputs])

    assert report.parsed == 1
    assert reasons(store)["pipe.txt"][0] == "unsupported"


# 3. huge and deeply nested HTML -----------------------------------------------------------


def test_deeply_nested_html_is_quarantined_before_parsing(store: Engine, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "deep.html").write_text(
        "<html><body>" + "<div>" * 20_000 + doc(1) + "</div>" * 20_000 + "</body></html>", encoding="utf-8"
    )
    lines = "".join(f"<div>{line}</div>" for line in doc(2).splitlines())
    (inputs / "page.html").write_text(f"<html><body><p>{lines}<p><br></body></html>", encoding="utf-8")

    report = ingest(store, tmp_path, [inputs])

    assert report.parsed == 1
    code, reason = reasons(store)["deep.html"]
    assert code == "too_deep" and "nested more than" in reason


def test_html_depth_estimate_and_size_cap() -> None:
    page = "<html><head><meta charset=utf-8></head><body>" + "<p>段落<br/>" * 5000 + "</body></html>"
    assert nesting_depth(page) <= 2  # unclosed <p> and void elements do not nest
    assert nesting_depth("<div><section><span>x</span></section></div>") == 3
    assert nesting_depth("<div>" * 100_000, limit=50) == 51  # stops once past the limit
    with pytest.raises(Rejection) as caught:
        check_html("<div>x</div>" * 100, max_chars=500)
    assert caught.value.code == "oversized"


# 5. zip archives -------------------------------------------------------------------------


def test_zip_traversal_names_are_quarantined_not_skipped(tmp_path: Path) -> None:
    path = tmp_path / "names.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name in ("../evil.txt", "/etc/abs.txt", "a/../../b.txt", "C:/win.txt", "ok/good.txt"):
            archive.writestr(name, doc(1))
    raw, rejected = collect([path])
    assert [r.record_ref for r in raw] == ["member ok/good.txt"]
    assert sorted((r.record_ref, r.code) for r in rejected) == [
        ("member ../evil.txt", "unsafe_name"),
        ("member /etc/abs.txt", "unsafe_name"),
        ("member C:/win.txt", "unsafe_name"),
        ("member a/../../b.txt", "unsafe_name"),
    ]


def test_nested_archives_are_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "outer.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("inner.zip", b"PK\x05\x06" + b"\x00" * 18)
        archive.writestr("more.tar.gz", b"\x1f\x8b" + b"\x00" * 30)
        archive.writestr("good.txt", doc(1))
    raw, rejected = collect([path])
    assert len(raw) == 1
    assert sorted((r.record_ref, r.code) for r in rejected) == [
        ("member inner.zip", "unsupported"),
        ("member more.tar.gz", "unsupported"),
    ]
    assert all("nested archive" in r.reason for r in rejected)


def test_truncated_archive_is_quarantined(tmp_path: Path) -> None:
    whole = tmp_path / "whole.zip"
    with zipfile.ZipFile(whole, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(20):
            archive.writestr(f"d{n}.txt", doc(n))
    data = whole.read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[: len(data) // 2])
    raw, rejected = collect([cut])
    assert not raw
    assert [(r.code, "zip archive" in r.reason) for r in rejected] == [("truncated", True)]


def test_damaged_jsonl_member_keeps_its_good_lines_and_records_the_damage(tmp_path: Path) -> None:
    path = tmp_path / "damaged.zip"
    original = jsonl(*(doc(n) for n in range(100))).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("a.jsonl", original)
        archive.writestr("b.txt", doc(100))
    damaged = original.replace("民初99号".encode(), "民初98号".encode())  # same length, bad CRC
    path.write_bytes(path.read_bytes().replace(original, damaged, 1))

    raw, rejected = collect([path])

    lines = [r for r in raw if r.record_ref.startswith("member a.jsonl")]
    assert 50 < len(lines) < 100  # streamed: the lines before the damage were read
    assert raw[-1].record_ref == "member b.txt"  # the next member is still read
    assert [(r.record_ref, r.code) for r in rejected] == [("member a.jsonl", "truncated")]
    assert "CRC" in rejected[0].reason


def test_jsonl_members_are_streamed_not_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.zip"
    texts = [doc(n) + "。" * 400 for n in range(200)]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        long_line = '{"text": "' + "长" * 20_000 + '"}\n'
        archive.writestr("docs.jsonl", jsonl(*texts) + long_line + jsonl(doc(999)))
    member_size = zipfile.ZipFile(path).getinfo("docs.jsonl").file_size
    largest = 0
    real_read = zipfile.ZipExtFile.read

    def spy(self: zipfile.ZipExtFile, n: int | None = -1) -> bytes:
        nonlocal largest
        data = real_read(self, n)
        largest = max(largest, len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", spy)
    limits = Limits(max_document_bytes=10_000, max_container_bytes=10_000)
    raw, rejected = collect([path], limits=limits)

    assert len(raw) == 201  # every line, including the one after the oversized line
    assert [(r.record_ref, r.code) for r in rejected] == [("member docs.jsonl line 201", "oversized")]
    assert len(rejected[0].data) <= limits.max_document_bytes + 1
    assert member_size > 400_000 and largest <= 64 * 1024


def test_quarantine_volume_is_capped_per_file(
    store: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quarantine, "MAX_KEPT_PER_SOURCE", 10_000)
    path = tmp_path / "junk.jsonl"
    path.write_text("".join(f'{{"n": {n}, "x": "{"x" * 1000}"}}\n' for n in range(50)), encoding="utf-8")

    report = ingest(store, tmp_path, [path])

    assert report.quarantined == 50 and store.count("quarantine") == 50
    kept = [p for p in (tmp_path / "quarantine").rglob("*.bin")]
    assert 0 < len(kept) < 10
    assert sum(p.stat().st_size for p in kept) <= 10_000
    capped = [reason for _, reason in reasons(store).values() if "volume cap" in reason]
    assert len(capped) == 50 - len(kept)


# 6. files that vanish mid-ingest --------------------------------------------------------


def test_a_file_that_vanishes_after_listing_is_recorded(
    store: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for n in range(3):
        (inputs / f"d{n}.txt").write_text(doc(n), encoding="utf-8")
    listing = sources.expand_paths

    def list_then_delete(paths: Any) -> Iterator[Path]:
        files = list(listing(paths))
        (inputs / "d1.txt").unlink()  # another process removes a file after the walk
        yield from files

    monkeypatch.setattr(sources, "expand_paths", list_then_delete)
    report = ingest(store, tmp_path, [inputs])

    assert report.parsed == 2
    assert reasons(store)["d1.txt"][0] == "vanished"


# 7. file modes ----------------------------------------------------------------------------


@pytest.fixture
def restore_umask() -> Iterator[None]:
    previous = os.umask(0o022)  # as a default system has it, so the test shows jiandu narrows it
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("restore_umask")
def test_workspace_files_are_readable_by_the_owner_only(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    workspace.init()
    for folder in (workspace.root, workspace.quarantine_dir, workspace.logs_dir, workspace.reports_dir):
        assert _mode(folder) == 0o700, folder
    assert _mode(workspace.config_path) == 0o600
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "bad.txt").write_text("今日天气晴。" * 20, encoding="utf-8")
    (inputs / "good.txt").write_text(doc(1), encoding="utf-8")
    engine = workspace.open_engine()
    try:
        ingest_judgments(engine, workspace.quarantine_dir, [inputs], workers=1)
    finally:
        engine.close()
    kept = list(workspace.quarantine_dir.rglob("*"))
    assert any(p.is_file() for p in kept)
    for path in kept:
        assert _mode(path) == (0o600 if path.is_file() else 0o700), path
    stores = [p for p in workspace.root.iterdir() if p.is_file()]
    assert any(p.suffix == ".duckdb" for p in stores)
    for path in stores:
        assert _mode(path) & 0o077 == 0, path
    log = workspace.logs_dir / "run.log"
    log.write_text("x", encoding="utf-8")
    assert _mode(log) == 0o600
