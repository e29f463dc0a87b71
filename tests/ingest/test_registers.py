"""Register ingest: validation, quarantine of bad rows, idempotency, on both engines."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from stdnum.cn import ric, uscc

from jiandu.engines.base import Engine
from jiandu.ingest.registers import ingest_registers
from jiandu.inputs.identifiers import credit_code_problem, id_number_problem


def _id(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def _credit(body17: str) -> str:
    return body17 + uscc.calc_check_digit(body17)


GOOD_ID = _id("33060219850702023")
GOOD_ID_2 = _id("33060219881213530")
CREDIT = _credit("91330602001978254")


def test_identifier_checks() -> None:
    assert id_number_problem(GOOD_ID) is None
    bad_check = GOOD_ID[:17] + ("0" if GOOD_ID[17] != "0" else "1")
    assert id_number_problem(bad_check) == "check digit does not match"
    assert "birth date" in (id_number_problem(_id("33060219851302023")) or "")
    # a region code not yet in use in the birth year is still accepted (region is a hint)
    assert id_number_problem(_id("43018119800101001")) is None
    assert credit_code_problem(CREDIT) is None
    assert credit_code_problem(CREDIT[:17] + ("0" if CREDIT[17] != "0" else "1")) is not None


@pytest.fixture
def register_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "registers"
    folder.mkdir()
    header = (
        "household_id,person_id,name,sex,birth_date,ethnicity,relation_to_head,"
        "spouse_id,father_id,mother_id,address,region_code\n"
    )
    rows = [
        f"H1,{GOOD_ID},丁根朝,男,1985-07-02,汉族,户主,{GOOD_ID_2},,,浙江省绍兴市越城区镜湖路753号,330602",
        f"H1,{GOOD_ID_2},马利,女,1988-12-13,汉族,配偶,{GOOD_ID},,,浙江省绍兴市越城区镜湖路753号,330602",
        f"H2,{GOOD_ID[:17]}0,错号,男,1985-07-02,汉族,户主,,,,,330602",
        "H3,,无号,男,1985-07-02,汉族,户主,,,,,330602",
        f"H4,{_id('33060219900101001')},日期错,男,1990-13-01,汉族,户主,,,,,330602",
    ]
    (folder / "household.csv").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    table = pa.table(
        {
            "credit_code": [CREDIT],
            "name": ["浙江鼎盛建筑工程有限公司"],
            "type": ["company"],
            "financial_licence": ["false"],
            "legal_rep_id": [GOOD_ID],
        }
    )
    pq.write_table(table, folder / "companies.parquet")
    (folder / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (folder / "employment.csv").write_text("name,job\n张三,工人\n", encoding="utf-8")
    return folder


def test_registers_load_validate_and_quarantine(
    engine: Engine, tmp_path: Path, register_folder: Path
) -> None:
    report = ingest_registers(engine, tmp_path / "q", [register_folder])
    assert report.read["household"] == 5 and report.loaded["household"] == 2
    assert report.quarantined["household"] == 3
    assert report.loaded["companies"] == 1
    rows = engine.query(
        "SELECT record_ref, reason_code, reason FROM quarantine ORDER BY record_ref"
    ).to_pylist()
    reasons = {(r["record_ref"], r["reason_code"]): r["reason"] for r in rows}
    assert "check digit" in reasons[("row 4, column person_id", "invalid_row")]
    assert "person_id: required value is empty" in reasons[("row 5, column person_id", "invalid_row")]
    assert "'1990-13-01' is not a date" in reasons[("row 6, column birth_date", "invalid_row")]
    assert "no declared source reads 'notes.csv'" in reasons[("", "unsupported")]
    assert "person_id" in reasons[("header", "missing_field")]  # employment.csv header
    people = engine.query("SELECT name, birth_date, spouse_id FROM household ORDER BY name").to_pylist()
    assert [p["name"] for p in people] == ["丁根朝", "马利"]
    assert str(people[0]["birth_date"]) == "1985-07-02"
    licensed = engine.query("SELECT financial_licence FROM companies").column(0).to_pylist()
    assert licensed == [False]

    again = ingest_registers(engine, tmp_path / "q", [register_folder])
    assert again.loaded["household"] == 0 and again.duplicates["household"] == 2
    assert engine.count("household") == 2
    assert engine.count("quarantine") == len(rows)
