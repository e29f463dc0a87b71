"""One scenario on every engine: the same mentions, entities, links and party entities."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from engine_support import make_engine, sorted_rows

from jiandu.engines import Engine
from jiandu.entities import record_judgement
from jiandu.models.operators import OPERATORS, update_derived

from .helpers import entity_of, load, load_parties, make_id, party, same

KEY = make_id("330603", "19800101", "013")
OTHER = make_id("330603", "19800101", "033")
KEQIAO = "浙江省绍兴市柯桥区"
OUTPUTS = ("entity_mentions", "entities", "entity_links", "party_entities")


def _p(doc: str, idx: int, name: str, birth: str = "1980-01-01", sex: str = "男",
       address: str = KEQIAO, **fields: Any) -> dict[str, Any]:
    return party(doc, idx, name, gender=sex, birth_date=birth, ethnicity="汉族", address=address,
                 **fields)


def scenario(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Load the fixture, judge two pairs, resolve through `update_derived` (one resolve, to keep
    the Spark run short; test_resolve.py covers judgements made after a resolve)."""
    load_parties(engine, [
        _p("d1", 0, "张伟", address=KEQIAO + "华舍街道1号"),
        _p("d1", 1, "绍兴汇通贸易有限公司", kind="organization", birth=None, sex=None),
        _p("d2", 0, "张某"),  # joins 张伟 (birth date, sex, district)
        _p("d2", 1, "李某", birth="1975-03-03", sex="女"),
        _p("d3", 0, "张某", birth="1962-02-02"),  # another 张某
        _p("d3", 1, "绍兴汇通贸易有限公司", kind="organization", birth=None, sex=None),
        _p("d4", 0, "李某", birth="1975-03-03", sex="女"),  # joins d2's 李某
        _p("d5", 0, "张强", id_number=OTHER),  # same birth date as 张伟: makes d6 ambiguous?
        _p("d6", 0, "陈某", birth="1991-09-09", sex="女"),
        _p("d7", 0, "陈某", birth="1991-09-09"),  # sex differs, district agrees
    ])
    load(engine, "household", [
        {"household_id": "H1", "person_id": KEY, "name": "张伟", "sex": "男",
         "birth_date": dt.date(1980, 1, 1), "address": KEQIAO + "华舍街道1号"},
    ])
    record_judgement(engine, "P:d3:0", "P:d6:0", "same", user="审查员甲",
                     at=dt.datetime(2024, 1, 1, 8, 0), check_mentions=False)
    record_judgement(engine, "P:d2:1", "P:d4:0", "not_same", user="审查员乙",
                     at=dt.datetime(2024, 1, 1, 8, 0), check_mentions=False)
    reports = update_derived(engine, run_id="r1", operators=[OPERATORS[0]])
    assert [r.status for r in reports] == ["built"]
    return {
        t: sorted_rows(engine.rows(f"SELECT * FROM {t}"))
        for t in OUTPUTS
    }


def test_scenario_on_every_engine(engine: Engine, tmp_path: Path) -> None:
    tables = scenario(engine)
    e = entity_of(engine)
    assert same(e, "P:d1:0", f"household:{KEY}")
    # 张某 of d2 could be 张伟 or 张强 (same birth date, sex, district): it joins neither
    assert not same(e, "P:d2:0", "P:d1:0") and not same(e, "P:d2:0", "P:d5:0")
    assert same(e, "P:d1:1", "P:d3:1")
    assert same(e, "P:d3:0", "P:d6:0")  # judged same
    assert not same(e, "P:d2:1", "P:d4:0")  # judged not same
    assert not same(e, "P:d6:0", "P:d7:0")  # masked, sexes differ: below the threshold
    if engine.name == "spark":
        reference = make_engine("duckdb", tmp_path / "duckdb")
        try:
            expected = scenario(reference)
        finally:
            reference.close()
        for table in OUTPUTS:
            assert tables[table] == expected[table], table


def test_models_count_per_entity(duck: Engine) -> None:
    load_parties(duck, [_p("d1", 0, "张伟", id_number=KEY), _p("d2", 0, "张某"),
                        _p("d3", 0, "张某", birth="1962-02-02")])
    update_derived(duck, run_id="r1")
    rows = {r["doc_id"]: r for r in duck.rows("SELECT * FROM party_mentions")}
    assert {r["key_source"] for r in rows.values()} == {"entity"}
    assert rows["d1"]["party_key"] == rows["d2"]["party_key"] != rows["d3"]["party_key"]
