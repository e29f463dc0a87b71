"""A small water county (frozen, seed 7): permits, meters, intake-works checks, fee bills and tax
returns, enterprises with output and coordinates, and two drinking-water sources' protection
zones, with the planted positives of each water model, the near misses that must not fire and
an honest background. Rows are kept in WGS-84 here; `write_exports` writes the agencies' files
(enterprises in GCJ-02 as the map export declares, zones in CGCS2000, one zone as a DMS corner
table).

Planted (subject = unified social credit code):

- 无证取水: 鉴水酿造 (online meter, only its 组织机构代码, never a permit), 越兴纺织 (permit expired
  2023-12-31, monthly reports in 万m³ go on), 安昌化工 (permit revoked 2024-03-15, meter goes on),
  东湖洗涤 (a well in use at the 2024-05-10 check, no permit, no meter). Near misses: 兰亭食品 (permit
  ended 2023-12-31, renewed 2024-01-01 in a later export), 柯岩啤酒 (meter by 组织机构代码 written
  with a hyphen, permit under the credit code), 齐贤印染 (permit cancelled 2024-04-01, meter stops
  2024-03-31), 陶堰五金 (a well sealed at the check).
- 超定额低缴: 城南生猪屠宰 (2024: 165,635 pigs, 8,400 m³ billed — the Chengdu case), 鉴湖肉类加工
  (2025: 5.2 万头, 14,000 m³ on water-tax returns). Near misses: 钱清屠宰 (80,000 pigs, 45,000 m³
  billed), 马山屠宰 (3.1 万头, 17,000 m³ billed on bills that carry only the 组织机构代码).
- 水源保护区违规: 青坛养殖场 (pig farm in the level-1 zone), 越丰印染 (重点管理 dyeing in the level-2
  zone), 平水电镀 (简化管理 electroplating inside the zone given as a DMS corner table), 东关屠宰
  (a slaughterhouse 150 m inside the level-2 zone's east edge: its GCJ-02 coordinates read as
  WGS-84 would put it 256 m outside). Near misses: 皋埠屠宰 (40 m outside the west edge: read
  unconverted, its GCJ-02 coordinates fall 366 m inside), 道墟电镀 (40 m outside the east edge),
  青坛自来水 (water supply inside level 1), 青坛超市 (a supermarket inside level 2), 汤浦化工 (a
  chemical plant in the quasi-protection zone only), 长塘化工 (inside level 2, deregistered).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coordTransform import wgs84_to_gcj02
from stdnum.cn import uscc

__all__ = ["PLANTED", "WaterCounty", "water_county", "write_exports"]

M_PER_DEG = 111319.49
ZONE_LON, ZONE_LAT = 120.70, 29.90  # 青坛水库 intake (WGS-84 = CGCS2000 at this precision)
CORNER_LON, CORNER_LAT = 120.80, 29.96  # 平水江水库
TOWN_LON, TOWN_LAT = 120.58, 30.00  # the background's town, far from both sources


def code(body: str) -> str:
    """A unified social credit code with its check character (GB 32100-2015)."""
    return body + uscc.calc_check_digit(body)


def org_code(credit: str, hyphen: bool = True) -> str:
    """The 组织机构代码 inside a credit code (USCC[8:17]), as water systems write it."""
    org = credit[8:17]
    return f"{org[:8]}-{org[8]}" if hyphen else org


def offset(lon: float, lat: float, east_m: float, north_m: float) -> tuple[float, float]:
    """A point ``east_m``/``north_m`` metres from (lon, lat)."""
    return (
        round(lon + east_m / (M_PER_DEG * math.cos(math.radians(lat))), 7),
        round(lat + north_m / M_PER_DEG, 7),
    )


def square(lon: float, lat: float, half_m: float) -> str:
    """A square of half side ``half_m`` metres around (lon, lat) as WKT."""
    corners = [
        offset(lon, lat, dx * half_m, dy * half_m)
        for dx, dy in ((-1, -1), (1, -1), (1, 1), (-1, 1), (-1, -1))
    ]
    return "POLYGON ((" + ", ".join(f"{x:.7f} {y:.7f}" for x, y in corners) + "))"


@dataclass(frozen=True)
class Planted:
    """One planted company: the model meant to find it (or not), positive or near miss."""

    key: str
    name: str
    model: str
    positive: bool
    strength: str
    note: str
    district: str


INTAKE = "water.intake_without_permit"
QUOTA = "water.quota_underbilling"
ZONE = "water.protection_zone_violation"


def _c(i: int) -> str:
    return code(f"91330604MA2WT0{i:03d}")


PLANTED: tuple[Planted, ...] = (
    Planted(
        _c(1),
        "绍兴鉴水酿造有限公司",
        INTAKE,
        True,
        "strong",
        "online meter by 组织机构代码 only, never a permit, 2024 H1",
        "越城区",
    ),
    Planted(
        _c(2),
        "绍兴越兴纺织有限公司",
        INTAKE,
        True,
        "medium",
        "permit expired 2023-12-31, monthly reports in 万m³ go on",
        "柯桥区",
    ),
    Planted(
        _c(3),
        "绍兴安昌化工有限公司",
        INTAKE,
        True,
        "strong",
        "permit revoked 2024-03-15, daily meter goes on to June",
        "柯桥区",
    ),
    Planted(
        _c(4),
        "绍兴东湖洗涤有限公司",
        INTAKE,
        True,
        "weak",
        "a well in use at the 2024-05-10 check, no permit, no meter",
        "越城区",
    ),
    Planted(
        _c(5),
        "绍兴兰亭食品有限公司",
        INTAKE,
        False,
        "near_miss",
        "permit renewed 2024-01-01 (延续) in a later export",
        "越城区",
    ),
    Planted(
        _c(6),
        "绍兴柯岩啤酒有限公司",
        INTAKE,
        False,
        "near_miss",
        "meter by hyphenated 组织机构代码, permit under the credit code",
        "柯桥区",
    ),
    Planted(
        _c(7),
        "绍兴齐贤印染有限公司",
        INTAKE,
        False,
        "near_miss",
        "permit cancelled 2024-04-01, meter stops 2024-03-31",
        "柯桥区",
    ),
    Planted(
        _c(8),
        "绍兴陶堰五金有限公司",
        INTAKE,
        False,
        "near_miss",
        "a well sealed (已封填) at the check, no permit",
        "越城区",
    ),
    Planted(
        _c(11),
        "绍兴城南生猪屠宰有限公司",
        QUOTA,
        True,
        "strong",
        "2024: 165,635 pigs × 0.6 = 99,381 m³, 8,400 m³ billed",
        "越城区",
    ),
    Planted(
        _c(12),
        "绍兴鉴湖肉类加工有限公司",
        QUOTA,
        True,
        "medium",
        "2025: 5.2 万头 × 0.6 = 31,200 m³, 14,000 m³ on tax returns",
        "柯桥区",
    ),
    Planted(
        _c(13),
        "绍兴钱清屠宰有限公司",
        QUOTA,
        False,
        "near_miss",
        "2024: 80,000 pigs = 48,000 m³, 45,000 m³ billed",
        "柯桥区",
    ),
    Planted(
        _c(14),
        "绍兴马山屠宰有限公司",
        QUOTA,
        False,
        "near_miss",
        "2024: 3.1 万头 = 18,600 m³, 17,000 m³ billed by 组织机构代码 only",
        "越城区",
    ),
    Planted(
        _c(21),
        "绍兴青坛生猪养殖场有限公司",
        ZONE,
        True,
        "strong",
        "pig farm inside the level-1 zone",
        "上虞区",
    ),
    Planted(
        _c(22),
        "绍兴越丰印染有限公司",
        ZONE,
        True,
        "strong",
        "重点管理 dyeing works inside the level-2 zone",
        "上虞区",
    ),
    Planted(
        _c(23),
        "绍兴平水电镀有限公司",
        ZONE,
        True,
        "medium",
        "简化管理 electroplating inside the zone of the DMS corner table",
        "越城区",
    ),
    Planted(
        _c(24),
        "绍兴东关屠宰有限公司",
        ZONE,
        True,
        "medium",
        "150 m inside the level-2 east edge; unconverted GCJ-02 would be 256 m outside",
        "上虞区",
    ),
    Planted(
        _c(25),
        "绍兴皋埠屠宰有限公司",
        ZONE,
        False,
        "near_miss",
        "40 m outside the level-2 west edge; unconverted GCJ-02 would be 366 m inside",
        "上虞区",
    ),
    Planted(
        _c(26),
        "绍兴道墟电镀有限公司",
        ZONE,
        False,
        "near_miss",
        "40 m outside the level-2 east edge",
        "上虞区",
    ),
    Planted(
        _c(27),
        "绍兴青坛自来水有限公司",
        ZONE,
        False,
        "near_miss",
        "water supply inside the level-1 zone",
        "上虞区",
    ),
    Planted(
        _c(28),
        "绍兴青坛超市有限公司",
        ZONE,
        False,
        "near_miss",
        "a supermarket inside the level-2 zone",
        "上虞区",
    ),
    Planted(
        _c(29),
        "绍兴汤浦化工有限公司",
        ZONE,
        False,
        "near_miss",
        "chemical plant in the quasi-protection zone only",
        "上虞区",
    ),
    Planted(
        _c(30),
        "绍兴长塘化工有限公司",
        ZONE,
        False,
        "near_miss",
        "chemical plant inside level 2, deregistered (注销)",
        "上虞区",
    ),
)


@dataclass
class WaterCounty:
    """The county's rows per register table (WGS-84 coordinates), and the late-export rows."""

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    late_permits: list[dict[str, Any]] = field(default_factory=list)
    resent_days: list[dict[str, Any]] = field(default_factory=list)

    def add(self, table: str, **row: Any) -> None:
        self.tables.setdefault(table, []).append(row)


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def _months(year: int, first: int, last: int) -> list[dt.date]:
    return [dt.date(year, m, 1) for m in range(first, last + 1)]


def water_county(seed: int = 7) -> WaterCounty:
    """The frozen county (the same rows for a seed)."""
    rng = random.Random(seed)
    c = WaterCounty()
    p = {x.name: x for x in PLANTED}
    permit_seq = iter(range(1, 1000))

    def permit(
        holder: Planted | tuple[str, str, str],
        start: dt.date,
        end: dt.date,
        *,
        status: str = "有效",
        status_date: dt.date | None = None,
        cert: str = "1",
        source: str = "地下水",
        number: str | None = None,
        late: bool = False,
    ) -> str:
        key, name, district = (
            (holder.key, holder.name, holder.district) if isinstance(holder, Planted) else holder
        )
        no = number or f"取水(浙绍)字[{start.year}]第{next(permit_seq):04d}号"
        lon, lat = offset(TOWN_LON, TOWN_LAT, rng.uniform(-3000, 3000), rng.uniform(-3000, 3000))
        row = dict(
            permit_no=no,
            permit_code=f"A330600{rng.randrange(10**8):08d}",
            holder_name=name,
            holder_key=key,
            user_code=org_code(key, hyphen=False),
            admin_code="330602",
            district=district,
            intake_address=f"浙江省绍兴市{district}{name[2:6]}厂区",
            lon=lon,
            lat=lat,
            source_type=source,
            intake_mode="自备井" if source == "地下水" else "泵站",
            water_use="工业",
            industry="制造业",
            allowed_m3=round(rng.uniform(2, 20), 2) * 10000,
            valid_from=start,
            valid_to=end,
            cert_state=cert,
            status=status,
            status_date=status_date,
        )
        (c.late_permits if late else c.tables.setdefault("water_permits", [])).append(row)
        return no

    def enterprise(
        key: str,
        name: str,
        district: str,
        industry: tuple[str, str],
        pollutant: str | None,
        lon: float,
        lat: float,
        status: str = "存续",
    ) -> None:
        c.add(
            "water_enterprises",
            credit_code=key,
            name=name,
            industry_code=industry[0],
            industry_name=industry[1],
            pollutant_class=pollutant,
            address=f"浙江省绍兴市{district}{name[2:4]}路{rng.randrange(1, 300)}号",
            district=district,
            lon=lon,
            lat=lat,
            status=status,
        )

    def town() -> tuple[float, float]:
        return offset(TOWN_LON, TOWN_LAT, rng.uniform(-3000, 3000), rng.uniform(-3000, 3000))

    def daily(key: str, meter: str, days: list[dt.date], mean: float, *, by_org: bool = True) -> None:
        for d in days:
            c.add(
                "water_meter_readings",
                meter_code=meter,
                user_code=org_code(key, hyphen=rng.random() < 0.5) if by_org else None,
                reading_date=d,
                period="日",
                volume=round(rng.uniform(0.8, 1.2) * mean, 1),
                unit="m³",
            )

    def monthly(
        who: Planted | tuple[str, str, str],
        meter: str,
        months: list[dt.date],
        volume: float,
        unit: str,
        permit_no: str | None,
    ) -> None:
        key, name, district = (who.key, who.name, who.district) if isinstance(who, Planted) else who
        for m in months:
            c.add(
                "water_meter_readings",
                meter_code=meter,
                holder_name=name,
                holder_key=key,
                permit_no=permit_no,
                district=district,
                reading_date=m,
                period="月",
                volume=volume,
                unit=unit,
                source_type="地下水",
            )

    def bill(
        key: str,
        name: str,
        year: int,
        quarter: int,
        m3: float,
        *,
        by_org: bool = False,
        kind: str = "水资源费",
        source: str = "地下水",
    ) -> None:
        start = dt.date(year, 3 * quarter - 2, 1)
        end = (dt.date(year, 3 * quarter, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        rate = 0.5 if source == "地下水" else 0.2
        table = "water_fees"
        c.add(
            table,
            bill_no=f"{'SF' if kind == '水资源费' else 'SS'}{year}{quarter}{rng.randrange(10**8):08d}",
            kind=kind,
            payer_name=name,
            payer_key=None if by_org else key,
            user_code=org_code(key) if by_org else None,
            permit_no=None,
            source_type=source,
            period_start=start,
            period_end=end,
            billed_m3=m3,
            rate=rate,
            amount=round(m3 * rate, 2),
            paid_date=end + dt.timedelta(days=15),
        )

    h1 = _days(dt.date(2024, 1, 1), dt.date(2024, 6, 30))

    # -- 无证取水 --------------------------------------------------------------------------------
    x = p["绍兴鉴水酿造有限公司"]
    daily(x.key, "MP3306040001", h1, 150.0)
    x = p["绍兴越兴纺织有限公司"]
    no = permit(
        x, dt.date(2019, 1, 1), dt.date(2023, 12, 31), status="注销（到期）", status_date=dt.date(2024, 1, 1)
    )
    monthly(x, "JL-YX-01", _months(2023, 7, 12), 2000.0, "m³", no)
    monthly(x, "JL-YX-01", _months(2024, 1, 6), 0.2, "万m³", no)
    x = p["绍兴安昌化工有限公司"]
    permit(x, dt.date(2021, 6, 1), dt.date(2026, 5, 31), status="吊销", status_date=dt.date(2024, 3, 15))
    daily(x.key, "MP3306040003", h1, 100.0)
    x = p["绍兴东湖洗涤有限公司"]
    c.add(
        "water_intake_works",
        works_code="QS-330602-0104",
        owner_name=x.name,
        owner_key=x.key,
        kind="水井",
        address="浙江省绍兴市越城区东湖街道洗涤厂院内",
        district=x.district,
        lon=offset(TOWN_LON, TOWN_LAT, 900, -700)[0],
        lat=offset(TOWN_LON, TOWN_LAT, 900, -700)[1],
        check_date=dt.date(2024, 5, 10),
        state="在用",
        capacity_m3_day=200.0,
        permit_no=None,
    )
    x = p["绍兴兰亭食品有限公司"]
    no = permit(x, dt.date(2019, 1, 1), dt.date(2023, 12, 31))
    permit(x, dt.date(2024, 1, 1), dt.date(2028, 12, 31), cert="9", number=no, late=True)
    daily(x.key, "MP3306040005", h1, 80.0)
    x = p["绍兴柯岩啤酒有限公司"]
    permit(x, dt.date(2022, 1, 1), dt.date(2026, 12, 31), source="地表水")
    for d in h1:
        c.add(
            "water_meter_readings",
            meter_code="MP3306040006",
            user_code=org_code(x.key).lower(),
            reading_date=d,
            period="日",
            volume=round(rng.uniform(200, 260), 1),
            unit="m³",
        )
    x = p["绍兴齐贤印染有限公司"]
    permit(x, dt.date(2020, 4, 1), dt.date(2025, 3, 31), status="注销", status_date=dt.date(2024, 4, 1))
    daily(x.key, "MP3306040007", _days(dt.date(2024, 1, 1), dt.date(2024, 3, 31)), 120.0)
    x = p["绍兴陶堰五金有限公司"]
    c.add(
        "water_intake_works",
        works_code="QS-330602-0108",
        owner_name=x.name,
        owner_key=x.key,
        kind="水井",
        address="浙江省绍兴市越城区陶堰街道五金厂内",
        district=x.district,
        lon=offset(TOWN_LON, TOWN_LAT, -1200, 400)[0],
        lat=offset(TOWN_LON, TOWN_LAT, -1200, 400)[1],
        check_date=dt.date(2024, 5, 10),
        state="已封填",
        capacity_m3_day=50.0,
        permit_no=None,
    )
    for name in (
        "绍兴鉴水酿造有限公司",
        "绍兴越兴纺织有限公司",
        "绍兴安昌化工有限公司",
        "绍兴东湖洗涤有限公司",
        "绍兴兰亭食品有限公司",
        "绍兴柯岩啤酒有限公司",
        "绍兴齐贤印染有限公司",
        "绍兴陶堰五金有限公司",
    ):
        x = p[name]
        enterprise(
            x.key,
            x.name,
            x.district,
            ("1512", "白酒制造")
            if "酿造" in name
            else ("1713", "棉印染精加工")
            if "印染" in name or "纺织" in name
            else ("2614", "有机化学原料制造")
            if "化工" in name
            else ("1522", "啤酒制造")
            if "啤酒" in name
            else ("8052", "洗染服务")
            if "洗涤" in name
            else ("1431", "米、面制品制造")
            if "食品" in name
            else ("3389", "其他金属制日用品制造"),
            "简化管理",
            *town(),
        )

    # -- 超定额低缴 --------------------------------------------------------------------------------
    slaughter = ("1351", "牲畜屠宰")
    x = p["绍兴城南生猪屠宰有限公司"]
    no = permit(x, dt.date(2021, 1, 1), dt.date(2025, 12, 31))
    for q in range(1, 5):
        bill(x.key, x.name, 2024, q, 2100.0)
    monthly(x, "JL-CN-01", _months(2024, 1, 12), 700.0, "m³", no)
    c.add(
        "enterprise_output",
        credit_code=x.key,
        name=x.name,
        year=2024,
        product="生猪屠宰",
        quantity=165635.0,
        unit="头",
    )
    enterprise(x.key, x.name, x.district, slaughter, "简化管理", *town())
    x = p["绍兴鉴湖肉类加工有限公司"]
    permit(x, dt.date(2022, 1, 1), dt.date(2026, 12, 31))
    for q in range(1, 5):
        bill(x.key, x.name, 2025, q, 3500.0, kind="水资源税")
    c.add(
        "enterprise_output",
        credit_code=x.key,
        name=x.name,
        year=2025,
        product="生猪屠宰",
        quantity=5.2,
        unit="万头",
    )
    enterprise(x.key, x.name, x.district, slaughter, "简化管理", *town())
    x = p["绍兴钱清屠宰有限公司"]
    permit(x, dt.date(2021, 1, 1), dt.date(2025, 12, 31))
    for q in range(1, 5):
        bill(x.key, x.name, 2024, q, 11250.0)
    c.add(
        "enterprise_output",
        credit_code=x.key,
        name=x.name,
        year=2024,
        product="生猪屠宰",
        quantity=80000.0,
        unit="头",
    )
    enterprise(x.key, x.name, x.district, slaughter, "简化管理", *town())
    x = p["绍兴马山屠宰有限公司"]
    permit(x, dt.date(2021, 1, 1), dt.date(2025, 12, 31))
    for q in range(1, 5):
        bill(x.key, x.name, 2024, q, 4250.0, by_org=True)
    c.add(
        "enterprise_output",
        credit_code=x.key,
        name=x.name,
        year=2024,
        product="生猪屠宰",
        quantity=3.1,
        unit="万头",
    )
    enterprise(x.key, x.name, x.district, slaughter, "简化管理", *town())

    # -- 水源保护区 ----------------------------------------------------------------------------------
    half1, half2, half3 = 600.0, 2000.0, 4000.0
    zone = dict(
        district="上虞区",
        approval_no="浙政函〔2019〕88号",
        approval_date=dt.date(2019, 6, 30),
        datum="cgcs2000",
    )
    for zone_code, level, half in (
        ("SY-QT-1", "一级", half1),
        ("SY-QT-2", "二级", half2),
        ("SY-QT-Z", "准保护区", half3),
    ):
        c.add(
            "water_protection_zones",
            zone_code=zone_code,
            source_name="青坛水库",
            level=level,
            polygon_wkt=square(ZONE_LON, ZONE_LAT, half),
            **zone,
        )
    c.add(
        "water_protection_zones",
        zone_code="YC-PS-2",
        source_name="平水江水库",
        level="二级",
        polygon_wkt=None,
        district="越城区",
        approval_no="浙政函〔2018〕51号",
        approval_date=dt.date(2018, 5, 20),
        datum="cgcs2000",
    )
    for i in range(5):
        a = math.radians(90 + 72 * i)
        lon, lat = offset(CORNER_LON, CORNER_LAT, 1000 * math.cos(a), 1000 * math.sin(a))
        c.add("water_zone_points", zone_code="YC-PS-2", point_no=i + 1, lon=lon, lat=lat, datum="cgcs2000")

    def at(
        name: str,
        industry: tuple[str, str],
        pollutant: str | None,
        east: float,
        north: float,
        lon0: float = ZONE_LON,
        lat0: float = ZONE_LAT,
        status: str = "存续",
    ) -> None:
        x = p[name]
        enterprise(
            x.key, x.name, x.district, industry, pollutant, *offset(lon0, lat0, east, north), status=status
        )

    at("绍兴青坛生猪养殖场有限公司", ("0313", "猪的饲养"), "登记管理", 200, 150)
    at("绍兴越丰印染有限公司", ("1713", "棉印染精加工"), "重点管理", -1200, 900)
    at(
        "绍兴平水电镀有限公司",
        ("3360", "金属表面处理及热处理加工"),
        "简化管理",
        100,
        -200,
        CORNER_LON,
        CORNER_LAT,
    )
    at("绍兴东关屠宰有限公司", slaughter, "简化管理", half2 - 150, -500)
    at("绍兴皋埠屠宰有限公司", slaughter, "简化管理", -half2 - 40, 300)
    at("绍兴道墟电镀有限公司", ("3360", "金属表面处理及热处理加工"), "重点管理", half2 + 40, 1000)
    at("绍兴青坛自来水有限公司", ("4610", "自来水生产和供应"), "登记管理", -100, -300)
    at("绍兴青坛超市有限公司", ("5211", "超级市场零售"), None, 800, -1400)
    at("绍兴汤浦化工有限公司", ("2614", "有机化学原料制造"), "重点管理", 3000, 2600)
    at("绍兴长塘化工有限公司", ("2614", "有机化学原料制造"), "重点管理", -600, -1500, status="注销")

    # -- honest background -------------------------------------------------------------------------
    industries = [
        ("1512", "白酒制造"),
        ("1713", "棉印染精加工"),
        ("1351", "牲畜屠宰"),
        ("2221", "机制纸及纸板制造"),
        ("1431", "米、面制品制造"),
        ("3360", "金属表面处理及热处理加工"),
        ("5211", "超级市场零售"),
    ]
    for i in range(40):
        key = _c(100 + i)
        place, word = rng.choice("越柯上嵊新诸"), rng.choice("华盛丰达宏信安泰")
        trade = rng.choice(("实业", "纺织", "食品", "化工", "制造", "科技"))
        name = f"绍兴{place}{word}{trade}{i:02d}有限公司"
        district = rng.choice(("越城区", "柯桥区", "上虞区"))
        who = (key, name, district)
        industry = industries[i % len(industries)]
        enterprise(
            key, name, district, industry, rng.choice(("重点管理", "简化管理", "登记管理", None)), *town()
        )
        if i < 30:
            no = permit(
                who, dt.date(rng.randrange(2019, 2023), rng.randrange(1, 13), 1), dt.date(2027, 12, 31)
            )
            if i < 6:
                daily(key, f"MP33060410{i:02d}", h1, rng.uniform(40, 300))
            else:
                vol = round(rng.uniform(300, 3000))
                monthly(who, f"JL-BG-{i:02d}", _months(2024, 1, 12), vol, "m³", no)
                for q in range(1, 5):
                    bill(key, name, 2024, q, vol * 3, by_org=i % 5 == 0)
            if industry[0] == "1351" and i >= 6:
                c.add(
                    "enterprise_output",
                    credit_code=key,
                    name=name,
                    year=2024,
                    product="生猪屠宰",
                    quantity=float(round(vol * 12 / 0.6 * rng.uniform(0.7, 1.0))),
                    unit="头",
                )
        if i >= 36:
            c.add(
                "water_intake_works",
                works_code=f"QS-330602-{200 + i:04d}",
                owner_name=name,
                owner_key=key,
                kind="水泵",
                address=f"浙江省绍兴市{district}河道取水口",
                district=district,
                lon=town()[0],
                lat=town()[1],
                check_date=dt.date(2024, 5, 10),
                state="停用",
                capacity_m3_day=100.0,
                permit_no=None,
            )
    # re-sent days (duplicates) and a meter reset (negative delta) in the online feed
    days = [r for r in c.tables["water_meter_readings"] if r["period"] == "日"]
    c.resent_days = [dict(r) for r in rng.sample(days, len(days) // 30)]
    c.resent_days.append({**days[10], "reading_date": dt.date(2024, 7, 1), "volume": -98765.0})
    return c


def dms(value: float) -> str:
    """Degrees as an approval's corner table prints them: 120°47′52.34″."""
    deg = int(value)
    rest = (value - deg) * 60
    minutes = int(rest)
    seconds = (rest - minutes) * 60
    if round(seconds, 2) >= 60:
        minutes, seconds = minutes + 1, 0.0
    return f"{deg}°{minutes:02d}′{seconds:05.2f}″"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


Row = dict[str, Any]
Column = tuple[str, str | Callable[[Row], Any]]  # header, and the row's field or a function of the row


@dataclass(frozen=True, slots=True)
class _Export:
    """One agency export file: its columns in order, the county rows it writes (one line each),
    its encoding, a title line above the headers and a footer line below the rows (by header)."""

    file: str
    columns: tuple[Column, ...]
    rows: list[Row]
    encoding: str = "utf-8"
    title: str | None = None
    footer: dict[str, Any] | None = None

    def write(self, out: Path) -> int:
        headers = [h for h, _ in self.columns]
        with (out / self.file).open("w", encoding=self.encoding, newline="") as fh:
            w = csv.writer(fh)
            if self.title:
                w.writerow([self.title] + [""] * (len(headers) - 1))
            w.writerow(headers)
            for r in self.rows:
                w.writerow([_cell(r[f] if isinstance(f, str) else f(r)) for _, f in self.columns])
            if self.footer:
                w.writerow([_cell(self.footer.get(h, "")) for h in headers])
        return len(self.rows)


def _gcj(lon: float, lat: float) -> tuple[float, float]:
    x, y = wgs84_to_gcj02(lon, lat)
    return round(x, 6), round(y, 6)


PERMITS_FILE = "取水许可证台账_2024.csv"
PERMITS_LATE = "WPC_INFO_延续补报_20240715.csv"
DAILY_FILE = "WR_MP_DAY_2024H1.csv"
DAILY_RESENT = "WR_MP_DAY_2024H1_重传.csv"
MONTHLY_FILE = "取水量月报_2023-2024.csv"
WORKS_FILE = "取水工程核查登记_2024.csv"
FEES_FILE = "水资源费征收台账_2024.csv"
TAX_FILE = "水资源税申报明细_2025.csv"
ENTERPRISES_FILE = "企业名录含坐标_2025.csv"
OUTPUT_FILE = "生猪屠宰量统计_2024-2025.csv"
ZONES_FILE = "饮用水水源保护区范围.csv"
POINTS_FILE = "平水江水库保护区拐点坐标.csv"


CERT_STATES = {"1": "新发", "8": "变更", "9": "延续"}
UNITS = {"m³": "立方米", "万m³": "万立方米"}


def _ymd(field: str) -> Callable[[Row], str]:
    return lambda r: r[field].strftime("%Y%m%d")


PERMIT_COLUMNS: tuple[Column, ...] = (
    ("许可证编号", "permit_no"),
    ("取水许可证代码", "permit_code"),
    ("取水权人名称", "holder_name"),
    ("统一社会信用代码", "holder_key"),
    ("取用水户代码", "user_code"),
    ("行政区划", "admin_code"),
    ("所属区县", "district"),
    ("取水地址", "intake_address"),
    ("取水口经度", "lon"),
    ("取水口纬度", "lat"),
    ("水源类型", "source_type"),
    ("取水方式", "intake_mode"),
    ("取水用途", "water_use"),
    ("取水行业", "industry"),
    ("年许可水量（万立方米）", lambda r: r["allowed_m3"] / 10000),
    ("有效期起", "valid_from"),
    ("有效期止", "valid_to"),
    ("证件状态", lambda r: CERT_STATES[r["cert_state"]]),
    ("许可状态", "status"),
    ("吊销注销日期", "status_date"),
)
LATE_PERMIT_COLUMNS: tuple[Column, ...] = (
    ("WPC_CD", "permit_code"),
    ("WPC_SN", "permit_no"),
    ("WRP_NM", "holder_name"),
    ("WIU_CD", lambda r: org_code(r["holder_key"])),
    ("AD_CD", "admin_code"),
    ("INT_BD", _ymd("valid_from")),
    ("INT_DL", _ymd("valid_to")),
    ("CERT_COND", "cert_state"),
)
DAILY_COLUMNS: tuple[Column, ...] = (
    ("MP_CD", "meter_code"),
    ("WIU_CD", "user_code"),
    ("DT", _ymd("reading_date")),
    ("DAY_W", "volume"),
)
MONTHLY_COLUMNS: tuple[Column, ...] = (
    ("计量点编码", "meter_code"),
    ("取用水户名称", "holder_name"),
    ("统一社会信用代码", "holder_key"),
    ("取水许可证编号", "permit_no"),
    ("所属区县", "district"),
    ("月份", "reading_date"),
    ("月取水量", "volume"),
    ("计量单位", lambda r: UNITS[r["unit"]]),
    ("水源类型", "source_type"),
)
WORKS_COLUMNS: tuple[Column, ...] = (
    ("设施编码", "works_code"),
    ("所有人", "owner_name"),
    ("统一社会信用代码", "owner_key"),
    ("设施类型", "kind"),
    ("位置", "address"),
    ("区县", "district"),
    ("经度", "lon"),
    ("纬度", "lat"),
    ("核查日期", lambda r: r["check_date"].strftime("%Y年%m月%d日")),
    ("运行状态", "state"),
    ("日最大取水能力（立方米）", "capacity_m3_day"),
    ("登记许可证号", "permit_no"),
)
FEE_COLUMNS: tuple[Column, ...] = (
    ("缴款书编号", "bill_no"),
    ("缴款单位", "payer_name"),
    ("统一社会信用代码", "payer_key"),
    ("取用水户代码", "user_code"),
    ("取水许可证编号", "permit_no"),
    ("水源类型", "source_type"),
    ("所属期起", "period_start"),
    ("所属期止", "period_end"),
    ("计征水量（立方米）", "billed_m3"),
    ("征收标准（元/立方米）", "rate"),
    ("应缴金额（元）", "amount"),
    ("缴款日期", "paid_date"),
)
TAX_COLUMNS: tuple[Column, ...] = (
    ("申报表编号", "bill_no"),
    ("纳税人识别号", "payer_key"),
    ("纳税人名称", "payer_name"),
    ("取水许可证编号", "permit_no"),
    ("取水口", lambda r: "1号取水井"),
    ("水源类型", "source_type"),
    ("所属期起", "period_start"),
    ("所属期止", "period_end"),
    ("实际取用水量", "billed_m3"),
    ("适用税额", "rate"),
    ("应纳税额", "amount"),
    ("申报日期", "paid_date"),
)
ENTERPRISE_COLUMNS: tuple[Column, ...] = (
    ("统一社会信用代码", "credit_code"),
    ("企业名称", "name"),
    ("行业代码", "industry_code"),
    ("行业名称", "industry_name"),
    ("排污许可管理类别", "pollutant_class"),
    ("住所", "address"),
    ("所属区县", "district"),
    ("经度", lambda r: _gcj(r["lon"], r["lat"])[0]),
    ("纬度", lambda r: _gcj(r["lon"], r["lat"])[1]),
    ("登记状态", "status"),
)
OUTPUT_COLUMNS: tuple[Column, ...] = (
    ("定点屠宰企业", "name"),
    ("统一社会信用代码", "credit_code"),
    ("年度", "year"),
    ("屠宰量", "quantity"),
    ("计量单位", "unit"),
)
ZONE_COLUMNS: tuple[Column, ...] = (
    ("保护区编码", "zone_code"),
    ("水源地名称", "source_name"),
    ("级别", lambda r: r["level"] if r["level"] == "准保护区" else r["level"] + "保护区"),
    ("区县", "district"),
    ("批复文号", "approval_no"),
    ("批复日期", "approval_date"),
    ("范围", "polygon_wkt"),
)
POINT_COLUMNS: tuple[Column, ...] = (
    ("保护区编码", "zone_code"),
    ("拐点编号", "point_no"),
    ("经度", lambda r: dms(r["lon"])),
    ("纬度", lambda r: dms(r["lat"])),
)


def _exports(county: WaterCounty) -> list[_Export]:
    """The agencies' export files of the county, in the order they are written."""
    t = county.tables
    readings = t["water_meter_readings"]
    fees = [r for r in t["water_fees"] if r["kind"] == "水资源费"]
    fee_total = {
        "缴款书编号": "合计",
        "计征水量（立方米）": sum(r["billed_m3"] for r in fees),
        "应缴金额（元）": round(sum(r["amount"] for r in fees), 2),
    }
    return [
        _Export(
            PERMITS_FILE,
            PERMIT_COLUMNS,
            t["water_permits"],
            "gb18030",
            title="绍兴市取水许可证台账（截至2024年6月30日）",
        ),
        _Export(PERMITS_LATE, LATE_PERMIT_COLUMNS, county.late_permits, "utf-8-sig"),
        _Export(DAILY_FILE, DAILY_COLUMNS, [r for r in readings if r["period"] == "日"]),
        _Export(DAILY_RESENT, DAILY_COLUMNS, county.resent_days),
        _Export(MONTHLY_FILE, MONTHLY_COLUMNS, [r for r in readings if r["period"] == "月"], "utf-8-sig"),
        _Export(WORKS_FILE, WORKS_COLUMNS, t["water_intake_works"]),
        _Export(FEES_FILE, FEE_COLUMNS, fees, footer=fee_total),
        _Export(TAX_FILE, TAX_COLUMNS, [r for r in t["water_fees"] if r["kind"] == "水资源税"], "gb18030"),
        _Export(ENTERPRISES_FILE, ENTERPRISE_COLUMNS, t["water_enterprises"], "utf-8-sig"),
        _Export(OUTPUT_FILE, OUTPUT_COLUMNS, t["enterprise_output"]),
        _Export(ZONES_FILE, ZONE_COLUMNS, t["water_protection_zones"], "utf-8-sig"),
        _Export(POINTS_FILE, POINT_COLUMNS, t["water_zone_points"]),
    ]


def write_exports(county: WaterCounty, out: Path) -> dict[str, int]:
    """Every water table as the agencies' export files under ``out`` (read back by the built-in
    sources); returns rows written per file."""
    out.mkdir(parents=True, exist_ok=True)
    return {e.file: e.write(out) for e in _exports(county)}
