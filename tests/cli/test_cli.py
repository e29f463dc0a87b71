"""The command line through Typer's test runner (no subprocess, no network)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from jiandu.cli.main import app
from tests.paths import CIVIL_FULL, needs_real

runner = CliRunner()


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("init", "status", "parse", "ingest", "quarantine"):
        assert command in result.output


@needs_real
def test_parse_prints_the_contract() -> None:
    result = runner.invoke(app, ["parse", str(CIVIL_FULL / "hukou_2018_gan0429minchu914.txt")])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    for key in (
        "doc_type",
        "case_number",
        "court",
        "cause",
        "trial_procedure",
        "filing_date",
        "judgment_date",
        "parties",
        "legal_representatives",
        "agents",
        "defendant_absent",
        "public_notice_service",
        "claimed_principal",
        "judges",
        "clerks",
        "spans",
    ):
        assert key in record, key
    assert record["case_number"] == "（2018）赣0429民初914号"
    assert record["agents"][0]["for"] == "马玉兰"


def test_parse_reports_bad_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["parse", str(empty)])
    assert result.exit_code == 1
    assert "empty.txt" in result.stderr and "empty" in result.stderr


@needs_real
def test_init_ingest_status_quarantine(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    bad = tmp_path / "bad.txt"
    bad.write_text("这不是一份裁判文书，只是一段普通的文字。" * 3, encoding="utf-8")
    assert runner.invoke(app, ["--workspace", str(ws), "init"]).exit_code == 0
    assert (ws / "workspace.yaml").is_file() and (ws / "jiandu.duckdb").is_file()
    result = runner.invoke(
        app,
        [
            "--workspace",
            str(ws),
            "ingest",
            "judgments",
            str(CIVIL_FULL),
            str(bad),
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "quarantined" in result.output
    status = runner.invoke(app, ["--workspace", str(ws), "status"])
    assert status.exit_code == 0 and "documents" in status.output
    listing = runner.invoke(app, ["--workspace", str(ws), "quarantine", "list"])
    assert listing.exit_code == 0 and "not_judgment" in listing.output
    listing = runner.invoke(
        app, ["--workspace", str(ws), "quarantine", "list", "--format", "jsonl"]
    )
    rows = {Path(r["source"]).name: r for r in map(json.loads, listing.stdout.splitlines())}
    assert rows["bad.txt"]["reason_code"] == "not_judgment"
    # a metadata record with no text field is kept and named, not silently skipped
    assert rows["ganxian_2015_gmerczd87.fields.json"]["reason_code"] == "missing_field"
    logs = list((ws / "logs").glob("*.log"))
    assert logs and "bad.txt" in logs[0].read_text(encoding="utf-8")
