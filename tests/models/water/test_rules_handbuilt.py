"""The water operators' rules on rows written for the test (DuckDB; the same SQL runs on Spark in
test_water_models): a monthly report covered by a permit that lapsed mid-month, a reading on the
day of revocation, a permit known only by its 组织机构代码 meeting a meter with the credit code,
output in a unit the quota does not use, and a cumulative volume in 万m³."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jiandu.engines import open_engine
from jiandu.engines.base import Engine
from jiandu.models.operators import update_derived
from jiandu.models.water.operators import OPERATORS
from jiandu.models.water.patterns.county import code, org_code
from jiandu.schema import canonical_tables, table

A = code("91330604MA2HB0001")  # permit lapses 2024-03-15; monthly report for March
B = code("91330604MA2HB0002")  # revoked 2024-05-10; readings 05-09 and 05-10
C = code("91330604MA2HB0003")  # permit by 组织机构代码 only; meter by credit code
D = code("91330604MA2HB0004")  # output in 吨 (the pig quota counts 头): left out


def _load(engine: Engine, rows: dict[str, list[dict[str, Any]]]) -> None:
    engine.ensure_tables(canonical_tables().values())
    for name, items in rows.items():
        empty = {c.name: None for c in table(name).columns}
        full = [{**empty, "source_file": "t.csv", "source_row": i + 2, **r} for i, r in enumerate(items)]
        engine.append(name, table(name).to_arrow(full))


def _permit(key: str | None, org: str | None, start: dt.date, end: dt.date, **extra: Any) -> dict[str, Any]:
    return {
        "permit_no": f"P-{org or key}-{start}",
        "holder_name": "某公司",
        "holder_key": key,
        "user_code": org,
        "valid_from": start,
        "valid_to": end,
        "source_type": "地下水",
        **extra,
    }


def _reading(meter: str, day: dt.date, volume: float, **extra: Any) -> dict[str, Any]:
    return {"meter_code": meter, "reading_date": day, "period": "日", "volume": volume, "unit": "m³", **extra}


def test_handbuilt_rules(tmp_path: Path) -> None:
    engine = open_engine("duckdb", tmp_path / "workspace")
    try:
        _load(
            engine,
            {
                "water_permits": [
                    _permit(A, None, dt.date(2020, 3, 16), dt.date(2024, 3, 15)),
                    _permit(
                        B,
                        None,
                        dt.date(2022, 1, 1),
                        dt.date(2026, 12, 31),
                        status="吊销",
                        status_date=dt.date(2024, 5, 10),
                    ),
                    _permit(None, org_code(C), dt.date(2022, 1, 1), dt.date(2026, 12, 31)),
                ],
                "water_meter_readings": [
                    {
                        **_reading("MA", dt.date(2024, 3, 1), 0.3, holder_key=A),
                        "period": "月",
                        "unit": "万m³",
                    },
                    {
                        **_reading("MA", dt.date(2024, 4, 1), 0.3, holder_key=A),
                        "period": "月",
                        "unit": "万m³",
                    },
                    _reading("MB", dt.date(2024, 5, 9), 100.0, holder_key=B),
                    _reading("MB", dt.date(2024, 5, 10), 100.0, holder_key=B),
                    _reading("MC", dt.date(2024, 5, 10), 100.0, holder_key=C),
                ],
                "enterprise_output": [
                    {
                        "credit_code": D,
                        "name": "某屠宰场",
                        "year": 2024,
                        "product": "生猪屠宰",
                        "quantity": 900.0,
                        "unit": "吨",
                    },
                ],
                "water_fees": [
                    {
                        "bill_no": "F1",
                        "payer_name": "某屠宰场",
                        "payer_key": D,
                        "period_start": dt.date(2024, 1, 1),
                        "billed_m3": 10.0,
                    },
                ],
            },
        )
        update_derived(engine, run_id="run-test", operators=list(OPERATORS))
        rows = engine.rows(
            "SELECT subject_key, item_ref, CAST(month AS VARCHAR) AS month, days, volume_m3, permit_state "
            "FROM water_unpermitted_intake ORDER BY subject_key, month"
        )
        assert rows == [
            # March is covered (the permit ran to the 15th); April is not: 0.3 万m³ = 3,000 m³, expired
            {
                "subject_key": A,
                "item_ref": "MA",
                "month": "2024-04-01",
                "days": 1,
                "volume_m3": 3000.0,
                "permit_state": "许可证已过期",
            },
            # the day before the revocation is covered, the day itself is not
            {
                "subject_key": B,
                "item_ref": "MB",
                "month": "2024-05-01",
                "days": 1,
                "volume_m3": 100.0,
                "permit_state": "许可证已吊销",
            },
        ]
        # the permit by organisation code met the meter by credit code; output in 吨 is not guessed
        assert engine.count("water_quota_gaps") == 0
        assert engine.rows("SELECT topic FROM water_governance") == [{"topic": "无证取水"}]
    finally:
        engine.close()
