"""A generated county goes through ingest, and every planted fact comes back out of the tables."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from jiandu.engines import open_engine
from jiandu.ingest.pipeline import ingest_judgments
from jiandu.ingest.registers import ingest_registers
from jiandu.synth import generate

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("county")
    summary = generate(root / "county", seed=5, documents=3000)
    engine = open_engine("duckdb", root / "ws")
    docs = ingest_judgments(engine, root / "ws" / "quarantine", [root / "county" / "documents"], workers=2)
    regs = ingest_registers(engine, root / "ws" / "quarantine", [root / "county" / "registers"])
    yield {"root": root / "county", "summary": summary, "engine": engine, "docs": docs, "regs": regs}
    engine.close()


def _index(root: Path) -> list[dict]:
    with (root / "index.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_every_record_is_stored_or_quarantined_for_its_damage(county: dict) -> None:
    engine, root = county["engine"], county["root"]
    index = _index(root)
    stored = set(engine.query("SELECT doc_id FROM documents").column(0).to_pylist())
    damaged = [r for r in index if r["damage"]]
    clean = [r for r in index if not r["damage"]]
    assert damaged and clean
    assert all(r["doc_id"] in stored for r in clean)
    assert county["docs"].parsed == len(clean) and county["docs"].duplicates == 0
    quarantined = engine.query("SELECT source, record_ref, reason_code FROM quarantine").to_pylist()
    by_place = {}
    for row in quarantined:
        line = row["record_ref"].split(" ")[1] if row["record_ref"].startswith("line ") else ""
        by_place[(Path(row["source"]).relative_to(root).as_posix(), line)] = row["reason_code"]
    for record in damaged:
        place = (record["file"], str(record.get("line") or ""))
        assert by_place.get(place) == record["damage"], (record["file"], record["damage"])
    assert Counter(r["damage"] for r in damaged) == Counter(county["docs"].reasons)


def test_every_planted_fact_comes_back(county: dict) -> None:
    engine, root = county["engine"], county["root"]
    cases = {r["doc_id"]: r for r in engine.query("SELECT doc_id, case_number, court FROM cases").to_pylist()}
    parties: dict[str, set[tuple[str, str]]] = {}
    for row in engine.query("SELECT doc_id, name, role FROM parties").to_pylist():
        parties.setdefault(row["doc_id"], set()).add((row["name"], row["role"]))
    rows = engine.query("SELECT doc_id, text FROM documents").to_pylist()
    texts = {r["doc_id"]: r["text"] for r in rows}
    checked = 0
    with (root / "truth.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            instance = json.loads(line)
            for doc in instance["documents"]:
                stored = cases.get(doc["doc_id"])
                assert stored is not None, (instance["instance_id"], doc["case_number"])
                assert stored["case_number"] == doc["case_number"]
                # documents print the court with or without the province, as real ones do
                assert stored["court"] in {doc["court"], doc["court"].removeprefix("浙江省")}
                for party in doc.get("parties_as_written", []):
                    if party["role"].startswith("mentioned:"):  # related, not a party: see below
                        continue
                    assert (party["name"], party["role"]) in parties[doc["doc_id"]], (
                        instance["instance_id"],
                        doc["case_number"],
                        party,
                    )
                checked += 1
    assert checked >= 300
    mentions = 0
    for record in _index(root):  # people and firms named in the text (assignors, repair shops)
        for mention in record.get("mentions") or []:
            assert mention["name"] in texts[record["doc_id"]], (record["file"], mention)
            mentions += 1
    assert mentions > 0


def test_registers_load_completely(county: dict) -> None:
    regs, summary, engine = county["regs"], county["summary"], county["engine"]
    assert sum(regs.quarantined.values()) == 0
    # the manifest counts the civil tables' files by table and the domains' export files by file
    # name (several files may feed one table, e.g. 失信 records): every row written is read, and
    # loaded unless it repeats a row already loaded (the domains plant re-exported duplicates)
    assert sum(regs.read.values()) == sum(summary.registers.values())
    assert sum(regs.loaded.values()) + sum(regs.duplicates.values()) == sum(regs.read.values())
    for table, loaded in regs.loaded.items():
        assert engine.count(table) == loaded, table
