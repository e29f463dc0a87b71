"""`jiandu entities resolve|show|judge|stats|evaluate` on a small workspace."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from jiandu.cli.main import app
from jiandu.engines import open_engine

from .helpers import load_parties, make_id, party

KEY = make_id("330603", "19800101", "013")


def _workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    runner = CliRunner()
    assert runner.invoke(app, ["--workspace", str(root), "init"]).exit_code == 0
    engine = open_engine("duckdb", root)
    try:
        load_parties(engine, [
            party("d1", 0, "张伟", gender="男", birth_date="1980-01-01", id_number=KEY,
                  address="浙江省绍兴市柯桥区"),
            party("d2", 0, "张某", gender="男", birth_date="1980-01-01", address="浙江省绍兴市柯桥区"),
            party("d3", 0, "张某", gender="男", birth_date="1975-01-01", address="浙江省绍兴市柯桥区"),
        ])
    finally:
        engine.close()
    return root


def test_resolve_show_judge_stats(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    runner = CliRunner()
    base = ["--workspace", str(root), "entities"]
    result = runner.invoke(app, [*base, "resolve"])
    assert result.exit_code == 0, result.output
    assert "3 mentions" in result.output
    result = runner.invoke(app, [*base, "show", "P:d2:0"])
    assert result.exit_code == 0, result.output
    assert "张伟" in result.output and "P:d1:0" in result.output
    result = runner.invoke(app, [*base, "judge", "P:d2:0", "P:d3:0", "same", "--by", "审查员",
                                 "--reason", "同一人"])
    assert result.exit_code == 0, result.output
    bad = runner.invoke(app, [*base, "judge", "P:d2:0", "P:d9:0", "same", "--by", "审查员"])
    assert bad.exit_code == 2 and "unknown mention" in bad.output
    assert runner.invoke(app, [*base, "resolve"]).exit_code == 0
    result = runner.invoke(app, [*base, "show", "P:d3:0"])
    assert "P:d1:0" in result.output and "审查员" in result.output
    result = runner.invoke(app, [*base, "stats"])
    assert result.exit_code == 0 and "Judgements: 1" in result.output


def test_evaluate_against_an_index(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    index = tmp_path / "index.jsonl"
    index.write_text("\n".join(json.dumps({"doc_id": d, "damage": None, "parties": [
        {"name": n, "key": k}]}, ensure_ascii=False) for d, n, k in (
        ("d1", "张伟", KEY), ("d2", "张某", KEY), ("d3", "张某", "other"))), "utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["--workspace", str(root), "entities", "resolve"]).exit_code == 0
    result = runner.invoke(app, ["--workspace", str(root), "entities", "evaluate", str(index),
                                 "--json"])
    assert result.exit_code == 0, result.output
    scores = {s["category"]: s for s in json.loads(result.output)}
    assert scores["all"]["precision"] == 1.0 and scores["all"]["recall"] == 1.0
