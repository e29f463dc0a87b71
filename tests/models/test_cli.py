"""The model, run, clues and evaluate commands through Typer's runner, on a DuckDB workspace."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from jiandu.cli.context import console, err_console
from jiandu.cli.main import app
from jiandu.models.runner import clue_id
from jiandu.workspace import Workspace
from tests.models import county
from tests.models.helpers import EXAMPLE, framework_only


@pytest.fixture(autouse=True)
def _framework_only(monkeypatch: pytest.MonkeyPatch) -> None:
    framework_only(monkeypatch)

runner = CliRunner()
CONTRACT = (
    "clue_id",
    "model_id",
    "model_version",
    "subject",
    "score",
    "band",
    "explanation",
    "evidence",
    "run_id",
    "region",
)


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich folds long cells at 80 columns; tests read whole words."""
    monkeypatch.setattr(console, "width", 250)
    monkeypatch.setattr(err_console, "width", 250)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A DuckDB workspace holding the hand-built county."""
    ws = Workspace(tmp_path / "ws")
    ws.init("duckdb")
    engine = ws.open_engine()
    try:
        county.load(engine, county.baseline())
    finally:
        engine.close()
    return ws.root


def jiandu(workspace: Path, *args: str) -> str:
    result = runner.invoke(app, ["--workspace", str(workspace), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_models_list_show_validate(workspace: Path) -> None:
    out = jiandu(workspace, "models", "list")
    assert EXAMPLE in out and "同一原告民间借贷案件高频起诉" in out
    out = jiandu(workspace, "models", "show", EXAMPLE, "--region", "zhejiang")
    assert "min_suits" in out and "法律依据" in out and "本地区取值" in out
    spec_file = Path(__file__).parents[2] / "jiandu" / "models" / "civil" / "specs" / f"{EXAMPLE}.yaml"
    assert "valid" in jiandu(workspace, "models", "validate", str(spec_file))
    region_file = Path(__file__).parents[2] / "jiandu" / "models" / "regions" / "zhejiang.yaml"
    assert "valid region" in jiandu(workspace, "models", "validate", str(region_file))


def test_validate_refuses_a_hostile_spec(workspace: Path, tmp_path: Path) -> None:
    spec_file = Path(__file__).parents[2] / "jiandu" / "models" / "civil" / "specs" / f"{EXAMPLE}.yaml"
    data = yaml.safe_load(spec_file.read_text("utf-8"))
    data["sql"] = "COPY documents TO '/tmp/leak.csv'"
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    result = runner.invoke(app, ["--workspace", str(workspace), "models", "validate", str(hostile)])
    assert result.exit_code == 1
    assert "SQL refused" in result.stderr and "COPY" in result.stderr


def test_export_then_import_into_another_workspace(workspace: Path, tmp_path: Path) -> None:
    exported = tmp_path / "shared" / "model.yaml"
    jiandu(workspace, "models", "export", EXAMPLE, "--output", str(exported), "--office", "越城区检察院")
    assert yaml.safe_load(exported.read_text("utf-8"))["exported_by"]["office"] == "越城区检察院"
    stdout_copy = jiandu(workspace, "models", "export", EXAMPLE)
    assert yaml.safe_load(stdout_copy)["sha256"] == yaml.safe_load(exported.read_text("utf-8"))["sha256"]

    other = tmp_path / "other"
    out = jiandu(other, "models", "import", str(exported))
    assert "installed" in out and (other / "models" / f"{EXAMPLE}.yaml").is_file()
    assert "本院导入" in jiandu(other, "models", "list")

    tampered = yaml.safe_load(exported.read_text("utf-8"))
    tampered["spec"]["parameters"]["min_suits"]["default"] = 2
    bad = tmp_path / "tampered.yaml"
    bad.write_text(yaml.safe_dump(tampered, allow_unicode=True), "utf-8")
    result = runner.invoke(app, ["--workspace", str(other), "models", "import", str(bad), "--replace"])
    assert result.exit_code == 1 and "hash mismatch" in result.stderr


def test_run_then_export_clues_in_the_contract(workspace: Path, tmp_path: Path) -> None:
    out = jiandu(workspace, "run", "--region", "zhejiang")
    assert EXAMPLE in out and "完成" in out and "party_stats" in out

    lines = jiandu(workspace, "clues", "export", "--format", "jsonl").splitlines()
    clues = [json.loads(line) for line in lines]
    assert len(clues) == 2
    top = clues[0]
    for key in CONTRACT:
        assert key in top, key
    assert top["subject"] == {"type": "party", "key": "name:王大成", "name": "王大成"}
    assert top["clue_id"] == clue_id(EXAMPLE, "name:王大成") and top["region"] == "zhejiang"
    assert top["band"] == "red" and top["score"] == 63.75
    doc = top["evidence"][0]
    assert set(doc) >= {"kind", "source", "case_number", "span", "text"}
    assert doc["kind"] == "document" and doc["case_number"].startswith("（2019）浙0602民初")
    assert len(doc["span"]) == 2

    target = tmp_path / "clues.csv"
    jiandu(workspace, "clues", "export", "--format", "csv", "--output", str(target))
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8"))))
    assert [r["subject_name"] for r in rows] == ["王大成", "绍兴恒通贸易有限公司"]
    assert "风险分" in jiandu(workspace, "clues", "export", "--format", "table")

    listing = jiandu(workspace, "clues", "list", "--band", "red")
    assert "王大成" in listing and "恒通" not in listing
    shown = jiandu(workspace, "clues", "show", top["clue_id"][:10])
    assert "证据" in shown and "准许撤诉" in shown


def test_rerun_from_the_command_line_adds_nothing(workspace: Path) -> None:
    jiandu(workspace, "run")
    jiandu(workspace, "run", EXAMPLE)
    clues = [json.loads(x) for x in jiandu(workspace, "clues", "export").splitlines()]
    assert len(clues) == 2 and len({c["clue_id"] for c in clues}) == 2


def test_run_errors_are_clear(workspace: Path) -> None:
    result = runner.invoke(app, ["--workspace", str(workspace), "run", "civil.nope"])
    assert result.exit_code == 2 and "no model 'civil.nope'" in result.stderr
    result = runner.invoke(app, ["--workspace", str(workspace), "run", "--region", "atlantis"])
    assert result.exit_code == 2 and "no region 'atlantis'" in result.stderr
    result = runner.invoke(app, ["--workspace", str(workspace), "clues", "show", "ffffffffff"])
    assert result.exit_code == 1


def test_evaluate_prints_precision_recall_and_ranks(workspace: Path, tmp_path: Path) -> None:
    jiandu(workspace, "run")
    truth = tmp_path / "truth.jsonl"
    instances = [
        {
            "pattern": "repeat_plaintiff",
            "instance_id": "rp-1",
            "subject": {"name": "王大成", "key": "p-1"},
            "documents": [],
            "strength": "strong",
            "positive": True,
        },
        {
            "pattern": "repeat_plaintiff",
            "instance_id": "rp-2",
            "subject": {"name": "孙立", "key": "p-2"},
            "documents": [],
            "strength": "weak",
            "positive": True,
        },
        {
            "pattern": "repeat_plaintiff",
            "instance_id": "rp-nm-1",
            "subject": {"name": "李小明"},
            "documents": [],
            "strength": "near_miss",
            "positive": False,
        },
    ]
    truth.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in instances), "utf-8")
    out = jiandu(workspace, "evaluate", "--truth", str(truth), "--instances")
    assert "repeat_plaintiff" in out and "0.500" in out
    data = json.loads(jiandu(workspace, "evaluate", "--truth", str(truth), "--json"))
    (result,) = data
    assert result["models"] == [EXAMPLE]
    assert (result["positives"], result["found"], result["recall"]) == (2, 1, 0.5)
    assert (result["clues"], result["true_clues"], result["precision"]) == (2, 1, 0.5)
    assert result["near_misses_flagged"] == 0
    ranks = {i["instance_id"]: i["rank"] for i in result["instances"]}
    assert ranks == {"rp-1": 1, "rp-2": None, "rp-nm-1": None}
    mapped = json.loads(
        jiandu(
            workspace, "evaluate", "--truth", str(truth), "--json", "--map", "repeat_plaintiff=civil.other"
        )
    )
    assert mapped[0]["clues"] == 0 and mapped[0]["recall"] == 0.0
