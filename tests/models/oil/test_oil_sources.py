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
