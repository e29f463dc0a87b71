"""The three water models on the planted water county, through the declared sources, on DuckDB
and Spark.

The county (jiandu/models/water/patterns/county.py) writes the water bureau's, tax bureau's,
market regulator's, agriculture and ecology exports: a permit list in GB18030 with a title row,
a late pinyin export carrying a renewal, an online meter feed by 组织机构代码 and its re-sent
copy (duplicates and a meter reset), monthly reports in m³ and 万m³, an intake-works check, fee
bills with a 合计 footer, water-tax returns in GB18030, the enterprise register in GCJ-02, the
slaughter statistics in 头 and 万头, zone polygons in CGCS2000 and a DMS corner table. Each planted
positive is pushed with its band and nothing else is: the renewed permit, the meter known only by
a hyphenated organisation code, the permit cancelled the day after the meter stopped, a sealed
well, use within the quota, bills joined by organisation code, an enterprise 40 m outside the
zone, one that would fall inside only if GCJ-02 were read as WGS-84, the water works inside
level 1, a supermarket in level 2, a chemical plant in the quasi-protection zone only and a
deregistered one. Both engines build the same derived tables and clues.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from jiandu.engines.base import Engine
from jiandu.models.water.patterns import county as wc
from jiandu.models.water.patterns.water_sources import PATTERNS_BY_MODEL
from tests.models.water.support import MODELS, ingest, run_water, water_files

INTAKE, QUOTA, ZONE = MODELS
P = {x.name: x for x in wc.PLANTED}

EXPECTED = {  # model → {name: (band, score)}
    INTAKE: {
        "绍兴鉴水酿造有限公司": ("red", 85.71),
        "绍兴安昌化工有限公司": ("red", 80.95),
        "绍兴越兴纺织有限公司": ("yellow", 77.14),
        "绍兴东湖洗涤有限公司": ("green", 57.14),
    },
    QUOTA: {
        "绍兴城南生猪屠宰有限公司": ("red", 100.0),
        "绍兴鉴湖肉类加工有限公司": ("yellow", 69.62),
    },
    ZONE: {
        "绍兴青坛生猪养殖场有限公司": ("red", 90.0),
        "绍兴越丰印染有限公司": ("red", 85.0),
        "绍兴平水电镀有限公司": ("red", 79.0),
        "绍兴东关屠宰有限公司": ("yellow", 74.05),
    },
}

# sha256 of the derived tables (QUERIES) as DuckDB builds them: Spark must build the very same
DIGESTS = {
    "water_unpermitted_intake": (17, "290604508f5ccc11fd5c0454ce1611c8f0a4d766a5eade45623fa4774e287d5e"),
    "water_quota_gaps": (7, "6dc8a803dd8df5ffd885be13574086202bccac3ba222ebbe2052787e4f3b52ff"),
    "water_zone_hits": (18, "1ce44c2b84c16e7c9c311e5761aadd77e1fbfe73875f91fa08688a03ab39529f"),
    "water_governance": (7, "4be29f0dd8cb137afc8abb0fa8bca7e0632f5e3d4faccb56ceffd1daf57379c4"),
}
QUERIES = {
    "water_unpermitted_intake": "SELECT subject_key, subject_name, district, item_kind, item_ref, "
    "CAST(month AS VARCHAR) AS m, days, round(volume_m3, 3) AS v, permit_state, last_permit_no, "
    "CAST(last_valid_to AS VARCHAR) AS t, CAST(status_date AS VARCHAR) AS s, source_type, rate, "
    "rate_kind, round(fee_at_stake, 3) AS f, detail_zh FROM water_unpermitted_intake "
    "ORDER BY subject_key, item_kind, item_ref, m",
    "water_quota_gaps": "SELECT credit_code, name, district, year, product, quantity, unit, quantity_sent, "
    "quota_m3, round(implied_m3, 3) AS i, billed_m3, bills, metered_m3, round(gap_m3, 3) AS g, "
    "round(ratio, 6) AS r, rate_kind, rate, round(amount_at_stake, 3) AS a FROM water_quota_gaps "
    "ORDER BY credit_code, year, product",
    "water_zone_hits": "SELECT credit_code, zone_code, level, level_rank, lon, lat, depth_m "
    "FROM water_zone_hits ORDER BY credit_code, zone_code",
    "water_governance": "SELECT district, addressee, topic, subjects, items, round(volume_m3, 2) AS v, "
    "round(amount, 2) AS a FROM water_governance ORDER BY district, addressee, topic",
}


def digest(engine: Engine, table: str) -> tuple[int, str]:
    rows = engine.rows(QUERIES[table])
    text = "\n".join("|".join(str(v) for v in r.values()) for r in rows)
    return len(rows), hashlib.sha256(text.encode()).hexdigest()


def test_exports_look_like_the_agencies(tmp_path: Path) -> None:
    instances, counts = water_files(tmp_path)
    assert len(instances) == len(wc.PLANTED) == 22
    assert {(i.pattern, i.subject.key) for i in instances if i.positive} == {
        (PATTERNS_BY_MODEL[x.model], x.key) for x in wc.PLANTED if x.positive
    }
    permits = (tmp_path / wc.PERMITS_FILE).read_bytes().decode("gb18030")
    assert permits.startswith("绍兴市取水许可证台账") and "\n许可证编号,取水许可证代码" in permits.replace(
        "\r", ""
    )
    assert (tmp_path / wc.PERMITS_LATE).read_bytes().startswith("\ufeffWPC_CD,WPC_SN".encode())
    assert (tmp_path / wc.TAX_FILE).read_bytes().decode("gb18030").startswith("申报表编号,纳税人识别号")
    daily = (tmp_path / wc.DAILY_FILE).read_text("utf-8")
    assert daily.startswith("MP_CD,WIU_CD,DT,DAY_W") and ",MA2WT000-1,2024" in daily
    assert "-98765" in (tmp_path / wc.DAILY_RESENT).read_text("utf-8")
    assert "万立方米" in (tmp_path / wc.MONTHLY_FILE).read_text("utf-8-sig")
    assert (tmp_path / wc.FEES_FILE).read_text("utf-8").splitlines()[-1].startswith("合计,")
    assert "°" in (tmp_path / wc.POINTS_FILE).read_text("utf-8")
    assert counts[wc.DAILY_RESENT] > 0 and counts[wc.POINTS_FILE] == 5


def test_planted_clues_on_both_engines(engine: Engine, tmp_path: Path) -> None:
    water_files(tmp_path / "registers")
    report = ingest(engine, tmp_path / "registers", tmp_path / "quarantine")
    assert not report.quarantined or sum(report.quarantined.values()) == 0
    assert report.duplicates["water_meter_readings"] == 63  # the re-sent days
    clues, reports = run_water(engine)
    for model in MODELS:
        assert reports[model].status == "ok", reports[model].message
        got = {c["subject"]["name"]: (c["band"], round(c["score"], 2)) for c in clues[model]}
        assert got == EXPECTED[model], model
        planted = {x.key for x in wc.PLANTED if x.model == model and x.positive}
        assert {c["subject"]["key"] for c in clues[model]} == planted
        for c in clues[model]:
            assert any(str(e.get("text", "")).startswith("地址：") for e in c["evidence"]), c["subject"]
            roll_up = [e for e in c["evidence"] if e.get("label") == "本区县汇总（系统治理）"]
            assert len(roll_up) == 1 and "检察建议对象" in roll_up[0]["text"], c["subject"]
    for table, expected in DIGESTS.items():
        assert digest(engine, table) == expected, table

    intake = {c["subject"]["name"]: c for c in clues[INTAKE]}
    text = intake["绍兴鉴水酿造有限公司"]["explanation"]
    assert "未取得取水许可证" in text and "2024-01至2024-06" in text and "6个月" in text
    assert "许可证已吊销" in " ".join(e["text"] for e in intake["绍兴安昌化工有限公司"]["evidence"])
    assert "有效期届满未延续" in intake["绍兴越兴纺织有限公司"]["explanation"]
    assert "12000立方米" in intake["绍兴越兴纺织有限公司"]["explanation"]  # 6 × 0.2 万m³
    assert "在用的无证取水设施1处" in intake["绍兴东湖洗涤有限公司"]["explanation"]
    quota = {c["subject"]["name"]: c for c in clues[QUOTA]}
    text = quota["绍兴城南生猪屠宰有限公司"]["explanation"]
    for part in (
        "生猪屠宰165635头",
        "推算用水约99381立方米",
        "仅8400立方米",
        "11.8倍",
        "差额90981立方米",
        "水行政主管部门",
    ):
        assert part in text, part
    text = quota["绍兴鉴湖肉类加工有限公司"]["explanation"]
    assert "52000头" in text and "税务机关" in text and "8600元" in text  # 17,200 m³ × 0.5 (groundwater tax)
    zone = {c["subject"]["name"]: c for c in clues[ZONE]}
    assert "一级保护区" in zone["绍兴青坛生猪养殖场有限公司"]["explanation"]
    assert "第六十五条" in zone["绍兴青坛生猪养殖场有限公司"]["explanation"]
    assert "第六十六条" in zone["绍兴越丰印染有限公司"]["explanation"]
    evidence = " ".join(e["text"] for e in zone["绍兴东关屠宰有限公司"]["evidence"])
    assert "（gcj02）" in evidence and "换算为WGS-84后" in evidence

    governance = {
        (r["district"], r["addressee"], r["topic"]): r for r in engine.rows("SELECT * FROM water_governance")
    }
    assert governance[("柯桥区", "税务机关", "超定额低缴")]["amount"] == pytest.approx(8600.0)
    assert governance[("上虞区", "生态环境主管部门（生态环境局）", "水源保护区内企业")]["subjects"] == 6


def test_near_misses_have_teeth(tmp_path: Path) -> None:
    """Each near miss stays out for the reason planted: the rows that guard it are there."""
    from jiandu.engines import open_engine

    engine = open_engine("duckdb", tmp_path / "workspace")
    try:
        water_files(tmp_path / "registers")
        ingest(engine, tmp_path / "registers", tmp_path / "quarantine")
        run_water(engine)
        permits = engine.rows(
            "SELECT permit_no, valid_from, cert_state FROM water_permits "
            "WHERE holder_name = '绍兴兰亭食品有限公司' ORDER BY valid_from"
        )
        assert [p["cert_state"] for p in permits] == ["新发", "延续"]  # the renewal came in the late export
        assert len({p["permit_no"] for p in permits}) == 1
        gaps = {r["name"]: r for r in engine.rows("SELECT * FROM water_quota_gaps")}
        assert gaps["绍兴马山屠宰有限公司"]["billed_m3"] == 17000.0  # bills by 组织机构代码 only
        assert gaps["绍兴钱清屠宰有限公司"]["ratio"] == pytest.approx(48000 / 45000)
        hits = {r["name"] for r in engine.rows("SELECT name FROM water_zone_hits WHERE level_rank <= 2")}
        assert "绍兴皋埠屠宰有限公司" not in hits and "绍兴道墟电镀有限公司" not in hits
        assert {"绍兴青坛自来水有限公司", "绍兴青坛超市有限公司", "绍兴长塘化工有限公司"} <= hits
        unpermitted = {
            r["subject_key"] for r in engine.rows("SELECT subject_key FROM water_unpermitted_intake")
        }
        for name in (
            "绍兴兰亭食品有限公司",
            "绍兴柯岩啤酒有限公司",
            "绍兴齐贤印染有限公司",
            "绍兴陶堰五金有限公司",
        ):
            assert P[name].key not in unpermitted, name
    finally:
        engine.close()


def test_empty_slots_are_named(tmp_path: Path) -> None:
    """With only the permit list loaded, the intake model runs and says the meters are missing."""
    from jiandu.engines import open_engine

    folder = tmp_path / "registers"
    water_files(folder)
    for f in folder.iterdir():
        if f.name not in (wc.PERMITS_FILE, wc.ENTERPRISES_FILE):
            f.unlink()
    engine = open_engine("duckdb", tmp_path / "workspace")
    try:
        ingest(engine, folder, tmp_path / "quarantine")
        clues, reports = run_water(engine, (INTAKE,))
        assert reports[INTAKE].status == "ok" and clues[INTAKE] == []
        assert "water_meter_readings" in reports[INTAKE].message and "输入数据为空" in reports[INTAKE].message
    finally:
        engine.close()
