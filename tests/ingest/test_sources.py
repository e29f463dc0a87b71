import json
import zipfile
from pathlib import Path

from jiandu.ingest.sources import RawRecord, RejectedRecord, read_inputs
from jiandu.inputs.limits import Limits

DOC = "江西省湖口县人民法院\n民 事 判 决 书\n（2018）赣0429民初914号\n原告马玉兰。\n被告吴兰兵。"


def _collect(paths: list[Path], **kwargs: object) -> tuple[list[RawRecord], list[RejectedRecord]]:
    raw: list[RawRecord] = []
    rejected: list[RejectedRecord] = []
    for item in read_inputs(paths, **kwargs):  # type: ignore[arg-type]
        (raw if isinstance(item, RawRecord) else rejected).append(item)
    return raw, rejected


def test_folder_walk_is_sorted_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text(DOC, encoding="utf-8")
    (tmp_path / "a.txt").write_text(DOC, encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(DOC, encoding="utf-8")
    raw, rejected = _collect([tmp_path])
    assert [Path(r.source).name for r in raw] == ["a.txt", "b.txt"]
    assert not rejected


def test_jsonl_records_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    lines = [
        json.dumps({"id": "d1", "text": DOC}, ensure_ascii=False),
        "",
        "{not json",
        json.dumps({"id": "d3", "body": DOC}, ensure_ascii=False),
        json.dumps([1, 2]),
        json.dumps({"id": "d5", "full_text": DOC}, ensure_ascii=False),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw, rejected = _collect([path])
    assert [r.record_ref for r in raw] == ["line 1 (id=d1)", "line 6 (id=d5)"]
    assert all(r.text == DOC for r in raw)
    assert [(r.record_ref, r.code) for r in rejected] == [
        ("line 3", "bad_json"),
        ("line 4 (id=d3)", "missing_field"),
        ("line 5", "bad_json"),
    ]
    raw, rejected = _collect([path], text_fields=("body",))
    assert [r.record_ref for r in raw] == ["line 4 (id=d3)"]


def test_json_array(tmp_path: Path) -> None:
    path = tmp_path / "docs.json"
    path.write_text(json.dumps([{"text": DOC}, {"text": DOC + "x"}], ensure_ascii=False), encoding="utf-8")
    raw, rejected = _collect([path])
    assert [r.record_ref for r in raw] == ["[0]", "[1]"] and not rejected


def test_zip_members_with_gbk_names(tmp_path: Path) -> None:
    path = tmp_path / "batch.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("判决书/湖口.txt")
        info.flag_bits &= ~0x800
        archive.writestr(info, DOC.encode("gb18030"))
        archive.writestr("b.html", "<div>" + DOC + "</div>")
        archive.writestr("__MACOSX/._b.html", b"\x00\x05")
        archive.writestr("inner.zip", b"PK")
    raw, rejected = _collect([path])
    refs = sorted(r.record_ref for r in raw)
    assert refs == ["member b.html", "member 判决书/湖口.txt"]
    assert [(r.record_ref, r.code) for r in rejected] == [("member inner.zip", "unsupported")]


def test_zip_limits(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.txt", "0" * 2_000_000)
    _, rejected = _collect([path], limits=Limits(max_zip_total_bytes=1_000_000))
    assert [r.code for r in rejected] == ["zip_limit"]
    _, rejected = _collect([path], limits=Limits(max_zip_ratio=50))
    assert [(r.record_ref, r.code) for r in rejected] == [("member big.txt", "zip_limit")]


def test_oversized_unsupported_and_missing(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text(DOC * 100, encoding="utf-8")
    data = tmp_path / "tracks.csv"
    data.write_text("lat,lng\n", encoding="utf-8")
    _, rejected = _collect([big, data, tmp_path / "gone.txt"], limits=Limits(max_document_bytes=1000))
    assert [(Path(r.source).name, r.code) for r in rejected] == [
        ("big.txt", "oversized"),
        ("tracks.csv", "unsupported"),
        ("gone.txt", "unreadable"),
    ]
    assert all(r.reason for r in rejected)
