"""oil.nonstandard_fuel_mass_balance on the planted oil county, on DuckDB and Spark.

The county (`jiandu.models.oil.patterns.fleet`): 鉴湖加油站 receives 24 unloadings (550.8 t by
tank capacity), buys 100 t of diesel and 200 t of 复合柴油 on invoices and declares 40 t → red.
Near misses that must not fire: 城东 (properly invoiced, on waybills), 河滨 (an oil depot 250 m
away where tankers dwell an hour 30 times), 路口 (tankers passing, queuing at the light, GPS gaps
at the light, spikes of parked tankers landing on it). The same events and the same clue come
out of both engines; the DuckDB-only tests show that each near miss has teeth (without the
rule that guards it, it would have become an unloading).
"""

from __future__ import annotations

import dataclasses
import hashlib

import pytest

from jiandu.engines import open_engine
from jiandu.engines.base import Engine
from jiandu.models.oil.operators.stops import StopParameters, stops_sql
from jiandu.models.oil.patterns.fleet import OIL_DEPOT, OIL_NEAR_MISSES, OIL_POSITIVE, oil_county
from tests.models.oil.support import load, run_oil

EXPECTED_VISITS = {  # station → visits (stops in its fence)
    "城东加油站": 20,
    "河滨加油站": 10,
    "越州油库": 30,
    "路口加油站": 4,
    "鉴湖加油站": 24,
}


def _visits(engine: Engine) -> dict[str, int]:
    return {
        r["station_name"]: int(r["n"])
        for r in engine.rows(
            "SELECT station_name, count(*) AS n FROM oil_station_visits GROUP BY station_name"
        )
    }


# sha256 of the 92 stops (plate, start, end, fixes, centroid to 1e-5°, load in/out) as DuckDB
# finds them: Spark must find the very same events
STOPS_DIGEST = "4e73b95d13756dbced30d15a16e9a46394736b652a6a8ecbc9c12d0be956aa0c"


def stops_digest(engine: Engine) -> tuple[int, str]:
    rows = engine.rows(
        "SELECT plate, CAST(start_time AS VARCHAR) AS s, CAST(end_time AS VARCHAR) AS t, points, "
        "round(lon, 5) AS lon, round(lat, 5) AS lat, load_in, load_out "
        "FROM oil_stops ORDER BY plate, start_time"
    )
    text = "\n".join("|".join(str(v) for v in r.values()) for r in rows)
    return len(rows), hashlib.sha256(text.encode()).hexdigest()


def test_planted_station_fires_and_near_misses_do_not(engine: Engine) -> None:
    load(engine, oil_county())
    clues = run_oil(engine)
    assert stops_digest(engine) == (92, STOPS_DIGEST)

    assert [c["subject"]["key"] for c in clues] == [OIL_POSITIVE]
    clue = clues[0]
    assert clue["subject"]["name"] == "鉴湖加油站"
    assert clue["band"] == "red"
    assert clue["score"] == pytest.approx(79.15, abs=0.01)
    # 24 unloadings × 30 m³ × 0.9 × 0.85 t/m³; 100 t diesel and 200 t 复合柴油 invoiced; 40 t declared
    expl = clue["explanation"]
    for text in (
        "2024-03至2024-04",
        "卸油24次",
        "其中20次",
        "估算卸油550.8吨",
        "成品油购进发票100.0吨",
        "非成品油发票200.0吨",
        "申报成品油销售40.0吨",
        "估算未申报510.8吨",
        "无成品油发票来源450.8吨",
    ):
        assert text in expl, (text, expl)
    # VAT: 510.8 t × 7,500 × 13%; consumption tax: 450.8 t × 1,176 L/t × 1.20 元/L
    assert "增值税约498030元" in expl and "消费税约636169元" in expl and "合计约1134199元" in expl
    sources = {item["source"] for item in clue["evidence"]}
    assert sources == {"oil_station_visits", "vat_invoices", "tax_returns", "fuel_stations"}
    # the station's registered address, from which the clue finds its procuratorate
    (address,) = [e for e in clue["evidence"] if e["source"] == "fuel_stations"]
    assert address["text"].startswith("地址：")

    # every stop inside a fence went to the nearest facility: the depot keeps its 30 dwells,
    # the light queues, passes, gaps and spikes at 路口 produced no visit
    assert _visits(engine) == EXPECTED_VISITS
    rows = engine.rows(
        "SELECT station_name, min(dwell_min) AS lo, max(dwell_min) AS hi FROM oil_station_visits "
        "GROUP BY station_name"
    )
    for r in rows:
        want = 60.0 if r["station_name"] == "越州油库" else 40.0
        assert want - 0.6 <= r["lo"] <= r["hi"] <= want + 0.6, r
    waybilled = engine.rows(
        "SELECT station_name, count(waybill_no) AS n FROM oil_station_visits GROUP BY station_name"
    )
    assert {r["station_name"]: int(r["n"]) for r in waybilled} == {
        "城东加油站": 20,
        "河滨加油站": 10,
        "越州油库": 0,
        "路口加油站": 4,
        "鉴湖加油站": 0,
    }
    assert OIL_DEPOT not in {c["subject"]["key"] for c in clues}
    assert not set(OIL_NEAR_MISSES.values()) & {c["subject"]["key"] for c in clues}


def _duckdb(tmp_path, county=None) -> Engine:  # type: ignore[no-untyped-def]
    engine = open_engine("duckdb", tmp_path / "ws")
    load(engine, county or oil_county())
    return engine


def test_gap_rule_has_teeth(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """浙D60120 stops at the light of 路口 three times, loses its feed for 50 minutes each time
    and stops again: never 20 minutes of observed dwell. Without the gap rule each would be a
    54-minute stop in the fence: the near miss is real."""
    engine = _duckdb(tmp_path)
    try:
        query = "SELECT count(*) AS n FROM ({}) AS s WHERE plate = '浙D60120' AND dwell_s >= 1200"
        strict = engine.rows(query.format(stops_sql()))
        lax = engine.rows(query.format(stops_sql("tanker_gps", StopParameters(max_gap_s=100_000))))
        assert int(strict[0]["n"]) == 0
        assert int(lax[0]["n"]) >= 1
    finally:
        engine.close()


def test_spike_does_not_split_an_unloading(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """One unloading at 鉴湖 has a fix 2.5 km away in its middle: still one 40-minute stop;
    without the spike rule it would be two stops of about 13 and 27 minutes."""
    engine = _duckdb(tmp_path)
    try:
        query = (
            "SELECT count(*) AS n FROM ({}) AS s "
            "WHERE plate = '浙D60104' AND start_time >= TIMESTAMP '2024-04-04 00:00:00' "
            "AND start_time < TIMESTAMP '2024-04-05 00:00:00'"
        )
        kept = engine.rows(query.format(stops_sql()))
        split = engine.rows(query.format(stops_sql("tanker_gps", StopParameters(jump_m=1e9))))
        assert int(kept[0]["n"]) == 1
        assert int(split[0]["n"]) == 2
    finally:
        engine.close()


def test_station_datum_is_converted_not_mixed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """鉴湖's register row is in GCJ-02. Read as WGS-84 (a mixed datum) its fence lies about
    500 m off and none of its 24 unloadings would be found; converted, all are."""
    county = oil_county()
    wrong = dataclasses.replace(
        county,
        tables={
            **county.tables,
            "fuel_stations": [
                {**r, "datum": "wgs84"} if r["datum"] == "gcj02" else r
                for r in county.tables["fuel_stations"]
            ],
        },
    )
    engine = _duckdb(tmp_path, wrong)
    try:
        assert run_oil(engine) == []
        assert "鉴湖加油站" not in _visits(engine)
    finally:
        engine.close()
