"""hotel_minor_stays on hand-built rows, on DuckDB and Spark: the rules that the synthetic county
does not reach — a police report without an ID number (matched by hotel, time, sex and age), a
report outside the stay, a guardian present with a male stranger visiting a girl of 13 (still
red), a register row without a district name (named by another row of its 地址区划)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jiandu.engines.base import Engine
from jiandu.models.hotels.operators import OPERATORS
from jiandu.models.operators import update_derived
from jiandu.schema import canonical_tables, table
from jiandu.synth.ids import resident_id

DAY = dt.date(2024, 7, 1)


def _id(birth: dt.date, seq: int, male: bool) -> str:
    return resident_id("330602", birth, seq, male)


def _stay(stay_id: str, name: str, key: str, sex: str, hotel: str, room: str, hour: int) -> dict[str, Any]:
    return {
        "stay_id": stay_id,
        "guest_name": name,
        "sex": sex,
        "id_type": "居民身份证",
        "id_no": key,
        "hotel_code": hotel,
        "hotel_name": hotel,
        "room": room,
        "checkin_time": dt.datetime(2024, 7, 1, hour),
        "checkout_time": dt.datetime(2024, 7, 2, 11),
    }


def _load(engine: Engine, rows: dict[str, list[dict[str, Any]]]) -> None:
    engine.ensure_tables(canonical_tables()[t] for t in rows)
    for name, items in rows.items():
        engine.append(name, table(name).to_arrow(items))


def test_rules_beyond_the_county(engine: Engine) -> None:
    girl, father, stranger = (
        _id(dt.date(2011, 3, 1), 10, False),
        _id(dt.date(1980, 1, 1), 11, True),
        _id(dt.date(1990, 1, 1), 12, True),
    )
    boy, late = _id(dt.date(2008, 9, 9), 13, True), _id(dt.date(2007, 9, 9), 14, False)
    _load(
        engine,
        {
            "hotels": [
                {"hotel_code": "H1", "hotel_name": "甲宾馆", "admin_code": "330602", "district": "越城区"},
                {"hotel_code": "H2", "hotel_name": "乙宾馆", "admin_code": "330602"},
                {"hotel_code": "H3", "hotel_name": "丙宾馆", "admin_code": "330699"},
            ],
            "hotel_stays": [
                _stay("S1", "王小红", girl, "女", "H2", "101", 18),
                _stay("S2", "王大明", father, "男", "H2", "101", 18),
                _stay("S3", "刘强", boy, "男", "H3", "202", 20),
                _stay("S4", "陈晓", late, "女", "H3", "203", 20),
            ],
            "household": [
                {"household_id": "HH1", "person_id": father, "name": "王大明"},
                {"household_id": "HH1", "person_id": girl, "name": "王小红", "father_id": father},
            ],
            "hotel_visitors": [
                {
                    "visit_id": "V1",
                    "visitor_name": "李某人",
                    "sex": "男",
                    "id_no": stranger,
                    "hotel_code": "H2",
                    "room": "0101",
                    "visit_time": dt.datetime(2024, 7, 1, 21),
                }
            ],
            "police_reports": [
                {  # no ID number: matched by hotel, time, sex and age
                    "report_no": "J1",
                    "report_time": dt.datetime(2024, 7, 2, 1, 30),
                    "category": "受伤",
                    "hotel_code": "H3",
                    "person_sex": "男",
                    "person_age": 15,
                },
                {  # the girl of 16 in room 203, but three days after she left
                    "report_no": "J2",
                    "report_time": dt.datetime(2024, 7, 5, 1, 0),
                    "category": "醉酒",
                    "person_id": late,
                },
            ],
        },
    )
    update_derived(engine, run_id="run-test", operators=list(OPERATORS))
    stays = {
        r["stay_id"]: r
        for r in engine.rows(
            "SELECT stay_id, district, age, rule, guardian_present, incident_zh FROM hotel_minor_stays"
        )
    }
    assert set(stays) == {"S1", "S3", "S4"}
    # a guardian present does not cancel a male stranger's visit to a girl of 13
    assert (stays["S1"]["rule"], stays["S1"]["guardian_present"], stays["S1"]["age"]) == (
        "red_girl_male",
        True,
        13,
    )
    assert stays["S1"]["district"] == "越城区"  # H2 has no district name; H1 names its 地址区划
    assert stays["S3"]["rule"] == "red_incident" and stays["S3"]["incident_zh"].startswith("警情J1")
    assert stays["S3"]["district"] == "330699"  # nobody names this code
    assert (stays["S4"]["rule"], stays["S4"]["incident_zh"]) == ("yellow_alone", None)
    districts = {r["district"]: r for r in engine.rows("SELECT * FROM hotel_minor_districts")}
    assert {d: (r["hotels"], r["red_stays"], r["yellow_stays"]) for d, r in districts.items()} == {
        "越城区": (2, 1, 0),
        "330699": (1, 1, 1),
    }


def test_a_stay_uploaded_twice_takes_the_latest_upload_in_any_row_order(tmp_path: Any) -> None:
    from tests.engine_support import make_engine

    girl = _id(dt.date(2011, 3, 1), 10, False)
    uploads = [  # the same stay and guest (the ID number written with a space once), re-sent
        {**_stay("S1", "王小红", girl, "女", "H1", "101", 18), "uploaded_at": dt.datetime(2024, 7, 1, 19)},
        {**_stay("S1", "王小红", girl + " ", "女", "H1", "0101", 18),
         "uploaded_at": dt.datetime(2024, 7, 2, 9)},
    ]
    rooms = []
    for at, order in enumerate((uploads, uploads[::-1])):
        engine = make_engine("duckdb", tmp_path / f"w{at}")
        try:
            _load(engine, {"hotels": [{"hotel_code": "H1", "hotel_name": "甲宾馆", "admin_code": "330602",
                                       "district": "越城区"}], "hotel_stays": order})
            update_derived(engine, run_id="run-test", operators=list(OPERATORS))
            rooms.append(engine.rows("SELECT stay_id, room FROM hotel_minor_stays"))
        finally:
            engine.close()
    assert rooms == [[{"stay_id": "S1", "room": "0101"}]] * 2
