"""water_governance: the roll-up per district and addressee of the 检察建议, before any model
threshold (what a 检察建议 on systemic governance counts): intake without a valid permit to the
water bureau (水行政主管部门); output-implied intake above the billed volume to the water bureau
while the fee applied and to the tax bureau (税务机关) once the tax did; enterprises inside level-1
and level-2 protection zones to the ecology and environment bureau (生态环境主管部门)."""

from __future__ import annotations

from dataclasses import dataclass

from jiandu.engines.base import Engine
from jiandu.models.store import rebuild_table
from jiandu.schema.derived import derived_table

__all__ = ["ECOLOGY_BUREAU", "TAX_BUREAU", "WATER_BUREAU", "WaterGovernance"]

WATER_BUREAU = "水行政主管部门（水利局）"
TAX_BUREAU = "税务机关"
ECOLOGY_BUREAU = "生态环境主管部门（生态环境局）"

_PARTS = {
    "water_unpermitted_intake": f"""
SELECT coalesce(district, '未登记区县') AS district, '{WATER_BUREAU}' AS addressee, '无证取水' AS topic,
    count(DISTINCT subject_key) AS subjects, count(*) AS items,
    CAST(sum(CAST(volume_m3 AS DECIMAL(20, 4))) AS DOUBLE) AS volume_m3,
    CAST(sum(CAST(fee_at_stake AS DECIMAL(20, 4))) AS DOUBLE) AS amount
FROM water_unpermitted_intake
GROUP BY coalesce(district, '未登记区县')""",
    "water_quota_gaps": f"""
SELECT coalesce(district, '未登记区县') AS district,
    CASE WHEN rate_kind = '水资源税' THEN '{TAX_BUREAU}' ELSE '{WATER_BUREAU}' END AS addressee,
    '超定额低缴' AS topic, count(DISTINCT credit_code) AS subjects, count(*) AS items,
    CAST(sum(CAST(gap_m3 AS DECIMAL(20, 4))) AS DOUBLE) AS volume_m3,
    CAST(sum(CAST(amount_at_stake AS DECIMAL(20, 4))) AS DOUBLE) AS amount
FROM water_quota_gaps
WHERE gap_m3 > 0
GROUP BY coalesce(district, '未登记区县'),
    CASE WHEN rate_kind = '水资源税' THEN '{TAX_BUREAU}' ELSE '{WATER_BUREAU}' END""",
    "water_zone_hits": f"""
SELECT coalesce(zone_district, district, '未登记区县') AS district, '{ECOLOGY_BUREAU}' AS addressee,
    '水源保护区内企业' AS topic, count(DISTINCT credit_code) AS subjects, count(*) AS items,
    0.0 AS volume_m3, 0.0 AS amount
FROM water_zone_hits
WHERE level_rank <= 2
GROUP BY coalesce(zone_district, district, '未登记区县')""",
}


@dataclass(frozen=True)
class WaterGovernance:
    """water_governance (see the module docstring)."""

    name: str = "water_governance"
    version: str = "2"  # 2: exact (DECIMAL) sums of volumes and amounts
    inputs: tuple[str, ...] = ()
    optional_inputs: tuple[str, ...] = tuple(_PARTS)
    outputs: tuple[str, ...] = ("water_governance",)

    def run(self, engine: Engine) -> int:
        parts = [sql for table, sql in _PARTS.items() if engine.table_exists(table)]
        if not parts:
            parts = [
                "SELECT CAST(NULL AS VARCHAR) AS district, CAST(NULL AS VARCHAR) AS addressee, "
                "CAST(NULL AS VARCHAR) AS topic, 0 AS subjects, 0 AS items, 0.0 AS volume_m3, "
                "0.0 AS amount WHERE FALSE"
            ]
        return rebuild_table(engine, derived_table("water_governance"), "\nUNION ALL\n".join(parts))
