"""`jiandu run` end to end on a hand-built county, on every engine.

Planted positives must come out as clues with evidence quoting the documents, near misses must
not, a rerun must update rather than duplicate, and an incremental load must add only new clues.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from engine_support import make_engine

from jiandu.engines.base import Engine
from jiandu.models.clues import load_clues
from jiandu.models.library import Library, LoadedSpec
from jiandu.models.operators import PartyKeys
from jiandu.models.regions import parse_region
from jiandu.models.runner import clue_id, run
from jiandu.models.spec import parse_spec
from tests.models import county
from tests.models.helpers import EXAMPLE, framework_only, minimal_data


@pytest.fixture(autouse=True)
def _framework_only(monkeypatch: pytest.MonkeyPatch) -> None:
    framework_only(monkeypatch)

WANG = "name:王大成"
HENGTONG = "name:绍兴恒通贸易有限公司"


def clues_by_key(engine: Engine) -> dict[str, dict[str, Any]]:
    return {c["subject"]["key"]: c for c in load_clues(engine)}


def texts(engine: Engine) -> dict[str, str]:
    return {r["doc_id"]: r["text"] for r in engine.rows("SELECT doc_id, text FROM documents")}


def test_planted_positives_become_evidenced_clues(engine: Engine) -> None:
    county.load(engine, county.baseline())
    report = run(engine, Library(), run_id="run-1")
    assert report.ok and [op.status for op in report.operators] == ["built", "built"]
    (model,) = report.models
    assert (model.model_id, model.status, model.clues, model.new) == (EXAMPLE, "ok", 2, 2)
    assert model.bands == {"red": 1, "yellow": 0, "green": 1}

    clues = clues_by_key(engine)
    assert set(clues) == {WANG, HENGTONG}  # no near miss: 9 suits, two courts, bank, 张某, window, cause
    wang = clues[WANG]
    assert wang["clue_id"] == clue_id(EXAMPLE, WANG)
    assert wang["subject"] == {"type": "party", "key": WANG, "name": "王大成"}
    assert (wang["score"], wang["band"]) == (63.75, "red")
    assert (clues[HENGTONG]["score"], clues[HENGTONG]["band"]) == (18.75, "green")
    assert "作为原告提起民间借贷诉讼14件" in wang["explanation"]
    assert "撤诉10件（71%）" in wang["explanation"] and "风险分 63.8（红色）" in wang["explanation"]
    assert wang["model_version"] == "1.0.1" and wang["run_id"] == "run-1" and wang["region"] is None

    # Evidence: every document of the 14 suits (the spaced 王 大成 too), each span quoted exactly.
    evidence = wang["evidence"]
    docs = texts(engine)
    assert {e["kind"] for e in evidence} == {"document"}
    assert len({e["case_number"] for e in evidence}) == 14
    assert [e["label"] for e in evidence].count("撤诉") == 10
    assert [e["label"] for e in evidence].count("缺席判决") == 8
    for e in evidence:
        start, end = e["span"]
        assert docs[e["doc_id"]][start:end] == e["text"]
    assert {e["text"] for e in evidence if e["label"] == "原告"} == {"王大成", "王 大成"}
    assert wang["evidence_count"] == len(evidence) == 14 + 10 + 8 + 6

    runs = engine.rows("SELECT * FROM model_runs")
    assert len(runs) == 1 and runs[0]["status"] == "ok" and runs[0]["engine"] == engine.name
    assert json.loads(runs[0]["parameters"])["min_suits"] == 10
    assert json.loads(runs[0]["input_counts"])["cases"] == len(county.baseline())
    assert (runs[0]["candidates"], runs[0]["clues"], runs[0]["red"]) == (2, 2, 1)


def test_rerun_updates_instead_of_duplicating(engine: Engine) -> None:
    county.load(engine, county.baseline())
    run(engine, Library(), run_id="run-1")
    first = clues_by_key(engine)
    # no input state kept (a store from before model_run_inputs): the model runs again
    # (tests/models/test_kept_models.py: with its state kept, it keeps its clues instead)
    engine.drop_table("model_run_inputs")
    report = run(engine, Library(), run_id="run-2")
    assert [op.status for op in report.operators] == ["up_to_date", "up_to_date"]
    assert report.models[0].kept_from is None
    assert (report.models[0].new, report.models[0].updated) == (0, 2)
    second = clues_by_key(engine)
    assert {k: c["clue_id"] for k, c in first.items()} == {k: c["clue_id"] for k, c in second.items()}
    assert engine.count("clues") == 2
    assert engine.count("clue_evidence") == sum(len(c["evidence"]) for c in second.values())
    for key in first:
        assert second[key]["run_id"] == "run-2"
        assert second[key]["evidence"] == first[key]["evidence"]
    row = engine.rows(f"SELECT first_run_id FROM clues WHERE clue_id = '{clue_id(EXAMPLE, WANG)}'")
    assert row == [{"first_run_id": "run-1"}]
    assert engine.count("model_runs") == 2


def test_incremental_load_adds_only_new_clues(engine: Engine) -> None:
    county.load(engine, county.baseline())
    run(engine, Library(), run_id="run-1")
    before = clues_by_key(engine)
    county.load(engine, county.later())
    report = run(engine, Library(), run_id="run-2")
    assert [op.status for op in report.operators] == ["built", "built"]
    assert (report.models[0].new, report.models[0].updated) == (1, 2)
    after = clues_by_key(engine)
    assert set(after) == {*before, "name:孙立"}
    assert engine.count("clues") == 3
    assert all(after[k]["clue_id"] == before[k]["clue_id"] for k in before)
    assert "诉讼15件" in after[WANG]["explanation"]  # one more suit, one more withdrawal
    assert "于2019年在" in after[WANG]["explanation"]  # a one-year window is one year, not 2019年至2019年
    assert len(after[WANG]["evidence"]) == len(before[WANG]["evidence"]) + 2
    assert engine.count("clue_evidence") == sum(len(c["evidence"]) for c in after.values())


def test_region_parameters_change_what_is_pushed(engine: Engine) -> None:
    county.load(engine, county.baseline())
    wider = parse_region(
        {"region": "testland", "name_zh": "测试省", "models": {EXAMPLE: {"window_years": 2, "min_suits": 9}}},
        source="test",
    )
    report = run(engine, Library(), region=wider, run_id="run-r")
    assert report.region == "testland"
    clues = clues_by_key(engine)
    # 赵强 (5 + 5 over two years) and 李小明 (9) now qualify; the bank, 张某 and 陈丽 still do not.
    assert set(clues) == {WANG, HENGTONG, "name:赵强", "name:李小明"}
    assert clues["name:赵强"]["region"] == "testland"
    assert "2019年至2020年" in clues["name:赵强"]["explanation"]
    params = json.loads(engine.rows("SELECT parameters FROM model_runs")[0]["parameters"])
    assert params["window_years"] == 2 and params["min_suits"] == 9


def test_clues_the_model_no_longer_gives_are_taken_out(engine: Engine) -> None:
    """Under wider parameters 赵强 and 李小明 qualify; run again under the defaults, their clues
    and evidence are gone (not left to be synced as current), the others are updated."""
    county.load(engine, county.baseline())
    wider = parse_region(
        {"region": "testland", "name_zh": "测试省", "models": {EXAMPLE: {"window_years": 2, "min_suits": 9}}},
        source="test",
    )
    run(engine, Library(), region=wider, run_id="run-wide")
    assert set(clues_by_key(engine)) == {WANG, HENGTONG, "name:赵强", "name:李小明"}
    report = run(engine, Library(), run_id="run-default")
    assert (report.models[0].new, report.models[0].updated) == (0, 2)
    after = clues_by_key(engine)
    assert set(after) == {WANG, HENGTONG}
    assert {c["run_id"] for c in after.values()} == {"run-default"}
    gone = [clue_id(EXAMPLE, "name:赵强"), clue_id(EXAMPLE, "name:李小明")]
    marks = ", ".join(f"'{g}'" for g in gone)
    assert engine.rows(f"SELECT clue_id FROM clue_evidence WHERE clue_id IN ({marks})") == []
    assert engine.count("clue_evidence") == sum(len(c["evidence"]) for c in after.values())
    # a run that finds nothing leaves nothing of the model behind
    none = parse_region(
        {"region": "testland", "name_zh": "测试省", "models": {EXAMPLE: {"min_suits": 1000}}}, source="test"
    )
    report = run(engine, Library(), region=none, run_id="run-none")
    assert report.models[0].clues == 0
    assert engine.count("clues") == 0 and engine.count("clue_evidence") == 0


def test_masked_names_are_never_merged(engine: Engine) -> None:
    county.load(engine, county.baseline())
    run(engine, Library())
    rows = engine.rows(
        "SELECT count(DISTINCT party_key) AS keys, count(*) AS mentions FROM party_mentions "
        "WHERE name = '张某'"
    )
    assert rows == [{"keys": 12, "mentions": 12}]
    spaced = engine.rows("SELECT DISTINCT party_key FROM party_mentions WHERE name IN ('王大成', '王 大成')")
    assert spaced == [{"party_key": WANG}]


def test_a_failing_model_is_recorded_and_others_still_run(engine: Engine) -> None:
    county.load(engine, county.baseline())
    lib = Library()
    broken = parse_spec(
        minimal_data(
            id="test.broken",
            sql="SELECT party_key AS subject_key, party_name AS subject_name, "
            "least(1.0, no_such_column / :n) AS volume FROM party_stats",
        )
    )
    lib.specs[broken.id] = LoadedSpec(broken, "workspace", Path("broken.yaml"))
    report = run(engine, lib, ["test.broken", EXAMPLE])
    assert not report.ok
    statuses = {m.model_id: (m.status, m.message) for m in report.models}
    assert statuses[EXAMPLE][0] == "ok"
    assert statuses["test.broken"][0] == "failed" and "no_such_column" in statuses["test.broken"][1]
    runs = {r["model_id"]: r for r in engine.rows("SELECT model_id, status, message FROM model_runs")}
    assert runs["test.broken"]["status"] == "failed" and "no_such_column" in runs["test.broken"]["message"]
    assert engine.count("clues") == 2


def test_unknown_model_id_fails_before_anything_runs(engine: Engine) -> None:
    with pytest.raises(KeyError, match=r"no model 'civil\.nope'"):
        run(engine, Library(), ["civil.nope"])
    assert not engine.table_exists("model_runs")


def test_entity_keys_are_used_when_entity_resolution_ran(engine: Engine) -> None:
    from jiandu.schema.registry import Column, TableSchema

    county.load(engine, county.baseline())
    entities = TableSchema(
        "party_entities",
        "test",
        ("doc_id", "party_idx"),
        (
            Column("doc_id", "VARCHAR", ""),
            Column("party_idx", "INTEGER", ""),
            Column("entity_id", "VARCHAR", ""),
        ),
    )
    engine.create_table(entities)
    wang_docs = [s for s in county.baseline() if s.plaintiff in ("王大成", "王 大成")]
    engine.append(
        "party_entities",
        entities.to_arrow(
            [
                {"doc_id": county.doc_id(s), "party_idx": 0, "entity_id": "person:330602198001010011"}
                for s in wang_docs
            ]
        ),
    )
    assert PartyKeys().optional_inputs == ("party_entities",)
    run(engine, Library())
    assert "person:330602198001010011" in clues_by_key(engine)


@pytest.mark.spark
@pytest.mark.slow
def test_same_clues_on_duckdb_and_spark(tmp_path: Path) -> None:
    """The acceptance test for one SQL on two engines: identical clues, evidence included."""
    results = {}
    for kind in ("duckdb", "spark"):
        engine = make_engine(kind, tmp_path / kind)
        try:
            county.load(engine, county.baseline())
            run(engine, Library(), run_id="same")
            county.load(engine, county.later())
            run(engine, Library(), run_id="same")
            results[kind] = load_clues(engine)
        finally:
            engine.close()
    assert len(results["duckdb"]) == 3
    assert results["duckdb"] == results["spark"]
