"""`jiandu sources pseudonymise` on the agency's side, and ingest of pseudonymised files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from pathlib import Path

import pytest
from engine_support import make_engine
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from jiandu.cli.main import app
from jiandu.ingest.registers import ingest_registers
from jiandu.privacy.pseudonyms import Pseudonymiser, add_key, load_key_file
from jiandu.sources.model import Source
from jiandu.sources.registry import Catalogue, LoadedSource, catalogue
from jiandu.synth.ids import resident_id

runner = CliRunner()
ALICE = resident_id("330602", dt.date(2010, 5, 6), 21, False)  # a minor at check-in
BOB = resident_id("330602", dt.date(1980, 1, 2), 22, True)
HEADER = ["ZKLSH", "XM", "XB", "ZJLX", "ZJHM", "LGBM", "LGMC", "FH", "RZSJ", "LDSJ"]


def _checkins(path: Path, encoding: str = "utf-8") -> None:
    rows = [
        ["S1", "李 小 花", "2", "111", ALICE, "H1", "越城宾馆", "301", "2024-03-01 22:00:00", ""],
        ["S2", "王五", "1", "111", BOB[:6] + BOB[8:17], "H1", "越城宾馆", "302", "2024-03-01 22:10:00", ""],
        ["S3", "赵六", "1", "111", "330602198001021239", "H1", "越城宾馆", "303", "2024-03-02 08:00:00", ""],
    ]
    path.write_text("\n".join(",".join(r) for r in [HEADER, *rows]) + "\n", encoding=encoding)


@pytest.fixture()
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "keys.json"
    add_key(path, "K1")
    return path


def test_a_gb18030_export_is_pseudonymised_with_derived_birth_date(tmp_path: Path, key_file: Path) -> None:
    source = tmp_path / "旅馆业入住登记_2024.csv"
    _checkins(source, "gb18030")
    out = tmp_path / "out" / "旅馆业入住登记_2024.csv"
    out.parent.mkdir()
    result = runner.invoke(
        app,
        [
            "sources",
            "pseudonymise",
            "police.lodging_checkins",
            str(source),
            str(out),
            "--key-file",
            str(key_file),
        ],
    )
    # the row with a wrong check digit is rejected, reported with row and reason, and the exit is 1
    assert result.exit_code == 1, result.output
    assert "row 4, column ZJHM" in result.output and "check digit" in result.output
    text = out.read_text("utf-8")
    assert ALICE not in text and "李" not in text and "330602" not in text
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == [*HEADER, "CSRQ"] and len(lines) == 3
    ps = Pseudonymiser(load_key_file(key_file).current)
    first = lines[1]
    assert first[1] == ps.pseudonym("name", "李小花") and first[4] == ps.pseudonym("document", ALICE)
    assert first[-1] == "2010-05-06"  # the minor's age at check-in stays computable
    assert lines[2][4] == ps.pseudonym("id_number", BOB)  # the 15-digit form meets the 18
    manifest = json.loads((out.parent / f"{out.name}.manifest.json").read_text("utf-8"))
    assert manifest["key_id"] == "K1" and manifest["rows_read"] == 3 and manifest["rows_written"] == 2
    assert manifest["rejected"] == [{"row": 4, "column": "ZJHM", "reason": manifest["rejected"][0]["reason"]}]
    assert "330602" not in json.dumps(manifest, ensure_ascii=False)
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_an_excel_export_keeps_its_layout(tmp_path: Path, key_file: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["S1", "李小花", "2", "111", ALICE, "H1", "越城宾馆", "301", "2024-03-01 22:00:00", None])
    book.save(tmp_path / "旅馆业入住登记.xlsx")
    out = tmp_path / "假名化_旅馆业入住登记.xlsx"
    result = runner.invoke(
        app,
        [
            "sources",
            "pseudonymise",
            "police.lodging_checkins",
            str(tmp_path / "旅馆业入住登记.xlsx"),
            str(out),
            "--key-file",
            str(key_file),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(out, read_only=True).active.iter_rows(values_only=True))
    assert list(rows[0]) == [*HEADER, "CSRQ"] and rows[1][4].startswith("P1:K1:I:")


def test_the_key_is_never_taken_from_the_command_line_and_unsafe_files_are_refused(
    tmp_path: Path, key_file: Path
) -> None:
    source = tmp_path / "in.csv"
    _checkins(source)
    os.chmod(key_file, 0o644)
    result = runner.invoke(
        app,
        [
            "sources",
            "pseudonymise",
            "police.lodging_checkins",
            str(source),
            str(tmp_path / "o.csv"),
            "--key-file",
            str(key_file),
        ],
    )
    assert result.exit_code == 1 and "readable or writable by others" in result.output
    assert not (tmp_path / "o.csv").exists()


def _pseudonymised(source_id: str, key_id: str) -> Catalogue:
    sources = catalogue(None)
    data = sources.get(source_id).source.model_dump(by_alias=True, exclude_none=True)
    own = LoadedSource(Source.model_validate({**data, "pseudonymised": {"key_id": key_id}}), "workspace", "-")
    return Catalogue([own, *[s for s in sources.sources if s.source.id != source_id]], [])


def test_ingest_checks_pseudonyms_and_keeps_nothing_raw(tmp_path: Path, key_file: Path) -> None:
    ps = Pseudonymiser(load_key_file(key_file).current)
    other = Pseudonymiser(load_key_file(key_file).current.__class__("K2", dt.date(2026, 1, 1), b"x" * 32))
    name = ps.pseudonym("name", "王五")
    header = "ZKLSH,XM,ZJLX,ZJHM,LGBM,LGMC,RZSJ,CSRQ"
    rows = [
        f"S1,{name},111,{ps.pseudonym('document', ALICE)},H1,越城宾馆,2024-03-01 22:00:00,2010-05-06",
        f"S2,{name},111,{BOB},H1,越城宾馆,2024-03-01 22:00:00,1980-01-02",  # raw: forgotten by the agency
        f"S3,{name},111,{other.pseudonym('document', BOB)},H1,越城宾馆,2024-03-01 22:00:00,",  # another key
    ]
    path = tmp_path / "旅馆业入住登记_1.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    engine = make_engine("duckdb", tmp_path / "ws")
    try:
        report = ingest_registers(
            engine, tmp_path / "q", [path], sources=_pseudonymised("police.lodging_checkins", "K1")
        )
        assert report.loaded["hotel_stays"] == 1 and report.quarantined["hotel_stays"] == 2
        (stored,) = engine.rows("SELECT id_no, guest_name, birth_date FROM hotel_stays")
        assert stored["id_no"] == ps.pseudonym("document", ALICE) and stored["birth_date"] == dt.date(
            2010, 5, 6
        )
        reasons = {
            r["record_ref"]: r["reason"] for r in engine.rows("SELECT record_ref, reason FROM quarantine")
        }
        assert "raw identifiers are not accepted" in reasons["row 3, column ZJHM"]
        assert (
            "key K2" in reasons["row 4, column ZJHM"] and "declares key K1" in reasons["row 4, column ZJHM"]
        )
        kept = b"".join(p.read_bytes() for p in (tmp_path / "q").rglob("*") if p.is_file())
        assert BOB.encode() not in kept and BOB[:6].encode() + b"19" not in kept
        # a second file of another key is refused whole: pseudonyms of two keys never meet
        second = tmp_path / "旅馆业入住登记_2.csv"
        second.write_text(f"{header}\n{rows[2].replace('S3', 'S4')}\n", encoding="utf-8")
        report = ingest_registers(
            engine, tmp_path / "q", [second], sources=_pseudonymised("police.lodging_checkins", "K2")
        )
        assert report.reasons["pseudonym_key"] == 1 and sum(report.loaded.values()) == 0
        (refused,) = engine.rows("SELECT reason FROM quarantine WHERE reason_code = 'pseudonym_key'")
        assert "key K1" in refused["reason"] and "不同密钥的假名无法比对" in refused["reason"]
    finally:
        engine.close()


def test_a_pseudonymised_declaration_validates_its_key_id() -> None:
    data = catalogue(None).get("caac.flights").source.model_dump(by_alias=True, exclude_none=True)
    source = Source.model_validate({**data, "pseudonymised": {"key_id": "K1"}})
    assert source.pseudonymised is not None and source.identifiers["证件号码"].kind == "document"
    with pytest.raises(ValueError, match="pattern"):
        Source.model_validate({**data, "pseudonymised": {"key_id": "k 1"}})
