"""The planted oil county written as the agencies' export files (Chinese headers, GCJ-02 station
register, a GCJ-02 GPS file) and read back through the built-in declared sources: every row
loads, and the model finds the same station with the same score as from canonical rows."""

from __future__ import annotations

from pathlib import Path

from jiandu.engines.duckdb_engine import DuckDBEngine
from jiandu.ingest.registers import ingest_registers
from jiandu.models.oil.patterns.fleet import OIL_POSITIVE, oil_county, write_exports
from tests.models.oil.support import run_oil

SOURCES = {
    "tanker_gps": {"transport.tanker_gps", "transport.tanker_gps_gcj02"},
    "hazmat_vehicles": {"transport.hazmat_vehicles"},
    "hazmat_waybills": {"transport.hazmat_waybills"},
    "fuel_stations": {"commerce.fuel_stations"},
    "vat_invoices": {"tax.vat_invoices"},
    "tax_returns": {"tax.returns"},
}


def test_exports_load_through_the_declared_sources(tmp_path: Path) -> None:
    county = oil_county()
    written = write_exports(county, tmp_path / "registers")
    engine = DuckDBEngine(tmp_path / "ws")
    try:
        ingest_registers(engine, tmp_path / "q", [tmp_path / "registers"])
        assert sum(written.values()) == sum(len(rows) for rows in county.tables.values())
        for table, sources in SOURCES.items():
            got = engine.rows(f"SELECT source_id, count(*) AS n FROM {table} GROUP BY source_id")
            assert {r["source_id"] for r in got} == sources, table
            # duplicates after reconnect share the key: one row each
            distinct = len({tuple(sorted(r.items())) for r in county.tables[table]})
            if table == "tanker_gps":
                distinct = len({(r["plate"], r["fix_time"]) for r in county.tables[table]})
            assert sum(int(r["n"]) for r in got) == distinct, table
        assert engine.rows("SELECT DISTINCT datum FROM fuel_stations") == [{"datum": "gcj02"}]
        clues = run_oil(engine)
    finally:
        engine.close()
    assert [(c["subject"]["key"], c["band"]) for c in clues] == [(OIL_POSITIVE, "red")]
    assert abs(clues[0]["score"] - 79.15) < 0.02


def test_808_export_speed_in_tenths_is_scaled(tmp_path: Path) -> None:
    """A company platform's JT/T 808 export gives speed in 0.1 km/h: 452 is 45.2 km/h, so the
    fix is moving, not standing; the JT/T 809 export gives km/h as it is."""
    folder = tmp_path / "registers"
    folder.mkdir()
    header = "车牌号,车牌颜色,定位时间,经度,纬度,速度,状态\n"
    (folder / "tanker_gps_808_202403.csv").write_text(
        header + "浙D60101,2,2024-03-01 10:00:00,120.58,30.0,452,771\n", encoding="utf-8"
    )
    (folder / "危货车辆定位数据_202403.csv").write_text(
        header + "浙D60102,黄色,2024-03-01 10:00:00,120.58,30.0,45.2,771\n", encoding="utf-8"
    )
    engine = DuckDBEngine(tmp_path / "ws")
    try:
        ingest_registers(engine, tmp_path / "q", [folder])
        rows = engine.rows(
            "SELECT plate, plate_colour, speed_kmh, source_id, datum FROM tanker_gps ORDER BY plate"
        )
    finally:
        engine.close()
    assert rows == [
        {
            "plate": "浙D60101",
            "plate_colour": "黄",
            "speed_kmh": 45.2,
            "source_id": "transport.tanker_gps_808",
            "datum": "wgs84",
        },
        {
            "plate": "浙D60102",
            "plate_colour": "黄",
            "speed_kmh": 45.2,
            "source_id": "transport.tanker_gps",
            "datum": "wgs84",
        },
    ]
