"""The 拒执 explanation names what the recipient is to the debtor: ``person_relations.relation``
is what key_a (the debtor) is to key_b (the recipient), so a debtor who is a parent gave to a
child (子女) and a debtor who is a child gave to a parent (父母)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from engine_support import make_engine

from jiandu.models.clues import load_clues
from jiandu.models.library import Library
from jiandu.models.runner import run
from jiandu.schema.registry import table
from jiandu.synth.ids import resident_id

MODEL = "execution.refusal_to_execute"
D = dt.date
FATHER = resident_id("330602", D(1955, 5, 5), 41, True)  # debtor: flat to his son
SON = resident_id("330602", D(1982, 2, 8), 42, True)
MOTHER = resident_id("330602", D(1950, 1, 9), 43, False)
DAUGHTER = resident_id("330602", D(1978, 7, 7), 44, False)  # debtor: flat to her mother


def _household() -> list[dict[str, Any]]:
    return [
        {"household_id": "H1", "person_id": FATHER, "name": "鲁大山", "sex": "男"},
        {"household_id": "H2", "person_id": SON, "name": "鲁小川", "sex": "男", "father_id": FATHER},
        {"household_id": "H3", "person_id": MOTHER, "name": "岑秀英", "sex": "女"},
        {"household_id": "H4", "person_id": DAUGHTER, "name": "柏丽", "sex": "女", "mother_id": MOTHER},
    ]


def _case(n: int, key: str, name: str) -> dict[str, Any]:
    return {
        "case_number": f"（2021）浙0602执{n}号",
        "court": "浙江省绍兴市越城区人民法院",
        "court_code": "浙0602",
        "filing_date": D(2021, 3, 1),
        "applicant_name": "某银行",
        "respondent_name": name,
        "respondent_key": key,
        "respondent_kind": "person",
        "amount": 300000.0,
        "status": "执行中",
    }


def _transfer(unit: str, giver: str, giver_name: str, taker: str, taker_name: str) -> dict[str, Any]:
    return {
        "unit_id": unit,
        "holder_name": taker_name,
        "holder_key": taker,
        "transferor_name": giver_name,
        "transferor_key": giver,
        "address": f"绍兴市越城区某路{unit}号",
        "reg_type": "转移登记",
        "reg_date": D(2021, 9, 1),
        "use": "住宅",
        "area_m2": 90.0,
    }


def test_parent_and_child_transfers_name_the_recipient(tmp_path: Path) -> None:
    engine = make_engine("duckdb", tmp_path / "workspace")
    try:
        data = {
            "household": _household(),
            "execution_cases": [_case(1, FATHER, "鲁大山"), _case(2, DAUGHTER, "柏丽")],
            "property_registrations": [
                _transfer("1", FATHER, "鲁大山", SON, "鲁小川"),
                _transfer("2", DAUGHTER, "柏丽", MOTHER, "岑秀英"),
            ],
        }
        # the model's other inputs exist and are empty
        engine.ensure_tables(
            [
                table(t)
                for t in (
                    "cases",
                    "companies",
                    "vehicle_registrations",
                    "equity_changes",
                    "consumption_bans",
                    "dishonest_debtors",
                )
            ]
        )
        for name, rows in data.items():
            schema = table(name)
            engine.ensure_tables([schema])
            engine.append(name, schema.to_arrow(rows))
        report = run(engine, Library(), [MODEL], run_id="relation-words")
        assert [m.status for m in report.models] == ["ok"], [m.message for m in report.models]
        relations = {
            (r["key_a"], r["key_b"]): r["relation"]
            for r in engine.rows("SELECT key_a, key_b, relation FROM person_relations")
        }
        clues = {c["subject"]["key"]: c for c in load_clues(engine) if c["model_id"] == MODEL}
    finally:
        engine.close()
    # the table: what the debtor (key_a) is to the recipient (key_b)
    assert relations[(FATHER, SON)] == "parent" and relations[(DAUGHTER, MOTHER)] == "child"
    assert set(clues) == {FATHER, DAUGHTER}
    father, daughter = clues[FATHER]["explanation"], clues[DAUGHTER]["explanation"]
    assert "转至子女鲁小川" in father and "父母" not in father
    assert "转至父母岑秀英" in daughter and "子女" not in daughter
    assert clues[FATHER]["model_version"] == "1.0.2"  # 1.0.1 the relation words, 1.0.2 the tie order
