"""A synthetic fleet, stations, invoices and returns with the oil model's planted cases.

`oil_county(seed)` builds, deterministically, the rows of the six oil register tables for two
months (March and April 2024) around a county seat, with:

Positive
  鉴湖加油站 (tin ``OIL_POSITIVE``): 24 tanker unloadings of 40 minutes (no waybills: the load
  comes from the status bits, 满 for most, not reported for some), 100 t of diesel and 200 t of
  ``*非成品油*复合柴油`` on its purchase invoices, 40 t declared. Its register row is in GCJ-02
  (the fence misses every stop unless converted), one of its tankers reports in GCJ-02, and one
  unloading carries a GPS spike 2 km away in the middle (it must not split the stop).
Near misses (no clue)
  城东加油站   20 unloadings on waybills (25 t each), 500 t of diesel invoiced (in litres),
               480 t declared: properly invoiced.
  河滨加油站   10 invoiced unloadings; an oil depot 250 m away where tankers dwell an hour 30
               times (a depot next to a station keeps its own stops).
  路口加油站   4 invoiced unloadings (100 t); 30 laden tankers passing through the fence at
               50 km/h, 20 queuing 3 minutes at the traffic light 60 m away, 3 that stop at the
               light, lose the GPS feed for 50 minutes and stop again (a gap is not dwell), and 4
               spikes of tankers parked elsewhere landing on the station.

Every track is sampled every 15 s while moving and every 30 s while standing, with 10 m parked
jitter and a few duplicated fixes (reconnects). `tests/models/oil` loads these rows on DuckDB
and Spark. The rows are in canonical columns; `write_exports` writes them as the agencies'
export files (Chinese headers of sources.md §4) for the declared sources.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coordTransform import wgs84_to_gcj02
from stdnum.cn import uscc

__all__ = [
    "OIL_DEPOT",
    "OIL_NEAR_MISSES",
    "OIL_POSITIVE",
    "OilCounty",
    "oil_county",
    "write_exports",
]

LON0, LAT0 = 120.58, 30.00  # county seat (WGS-84)
M_PER_DEG = 111319.49


def _code(body: str) -> str:
    """A unified social credit code with its check character (GB 32100-2015)."""
    return body + uscc.calc_check_digit(body)


OIL_POSITIVE = _code("91330602MA2BJH001")
OIL_NEAR_MISSES = {
    "城东加油站": _code("91330602MA2BJH002"),
    "河滨加油站": _code("91330602MA2BJH003"),
    "路口加油站": _code("91330602MA2BJH004"),
}
OIL_DEPOT = _code("91330602MA2BJH006")
SELLER = _code("91330600MA2D8CFX1")
CARRIER = _code("91330602MA2C0YA5X")
LADEN = 3 + (3 << 8)  # ACC on, fixed, load bits 11 满
EMPTY = 3
STEP_MOVING = 15
STEP_STANDING = 30


def xy_to_lonlat(x: float, y: float) -> tuple[float, float]:
    """Metres east and north of the county seat → WGS-84."""
    return LON0 + x / (M_PER_DEG * math.cos(math.radians(LAT0))), LAT0 + y / M_PER_DEG


@dataclass
class Track:
    """One vehicle's fixes, built leg by leg."""

    plate: str
    datum: str
    rng: random.Random
    t: dt.datetime
    x: float
    y: float
    rows: list[dict[str, Any]] = field(default_factory=list)

    def _fix(self, x: float, y: float, speed: float, status: int | None) -> None:
        lon, lat = xy_to_lonlat(x, y)
        if self.datum == "gcj02":
            lon, lat = wgs84_to_gcj02(lon, lat)
        self.rows.append(
            {
                "plate": self.plate,
                "plate_colour": "黄",
                "fix_time": self.t,
                "lon": round(lon, 6),
                "lat": round(lat, 6),
                "datum": self.datum,
                "speed_kmh": round(speed, 1),
                "heading": 0,
                "status_bits": status,
            }
        )

    def drive(self, x: float, y: float, kmh: float, status: int | None) -> None:
        dist = math.hypot(x - self.x, y - self.y)
        steps = max(1, int(dist / (kmh / 3.6 * STEP_MOVING)))
        x0, y0 = self.x, self.y
        for i in range(1, steps + 1):
            self.t += dt.timedelta(seconds=STEP_MOVING)
            self._fix(x0 + (x - x0) * i / steps, y0 + (y - y0) * i / steps, kmh, status)
        self.x, self.y = x, y

    def stand(
        self, minutes: float, status_in: int | None, status_out: int | None, spike: bool = False
    ) -> None:
        n = int(minutes * 60 / STEP_STANDING)
        for i in range(n + 1):
            status = status_in if i < n // 2 else status_out
            jx, jy = self.rng.uniform(-10, 10), self.rng.uniform(-10, 10)
            if spike and i == n // 3:
                self._fix(self.x + 2000, self.y + 1500, 0.0, status)
            else:
                self._fix(self.x + jx, self.y + jy, self.rng.uniform(0, 2), status)
            if i < n:
                self.t += dt.timedelta(seconds=STEP_STANDING)

    def gap(self, minutes: float) -> None:
        self.t += dt.timedelta(minutes=minutes)

    def duplicate_last(self) -> None:
        self.rows.append(dict(self.rows[-1]))


@dataclass
class OilCounty:
    """The rows of each oil register table, and what was planted."""

    tables: dict[str, list[dict[str, Any]]]
    positives: list[str]
    near_misses: list[str]


STATIONS = {  # name: (tin, x, y, facility type)
    "鉴湖加油站": (OIL_POSITIVE, 0.0, 0.0, "加油站"),
    "城东加油站": (OIL_NEAR_MISSES["城东加油站"], 6000.0, 1000.0, "加油站"),
    "河滨加油站": (OIL_NEAR_MISSES["河滨加油站"], -5000.0, 3000.0, "加油站"),
    "越州油库": (OIL_DEPOT, -5000.0, 3250.0, "油库"),
    "路口加油站": (OIL_NEAR_MISSES["路口加油站"], 2000.0, -6000.0, "加油站"),
}
YARD = (12000.0, 12000.0)  # the carriers' yard, far from every station


def _day(rng: random.Random, month: int, i: int) -> dt.datetime:
    return dt.datetime(2024, month, 1 + i % 28, rng.randint(6, 14), rng.randint(0, 59), 0)


def _unloading(
    rng: random.Random,
    plate: str,
    datum: str,
    when: dt.datetime,
    station: str,
    *,
    status_in: int | None = LADEN,
    minutes: float = 40,
    spike: bool = False,
) -> Track:
    _, sx, sy, _ = STATIONS[station]
    tr = Track(plate, datum, rng, when, YARD[0] / 3 + sx, YARD[1] / 3 + sy)
    tr.drive(sx + 20, sy + 15, 40, status_in)
    tr.stand(minutes, status_in, EMPTY if status_in is not None else None, spike=spike)
    tr.duplicate_last()
    tr.drive(sx + 3000, sy - 2000, 45, EMPTY if status_in is not None else None)
    return tr


def oil_county(seed: int = 7) -> OilCounty:
    """The planted oil county (see the module docstring)."""
    rng = random.Random(seed)
    gps: list[dict[str, Any]] = []
    waybills: list[dict[str, Any]] = []
    vehicles: list[dict[str, Any]] = []
    plates = [f"浙D{n:05d}" for n in range(60101, 60121)]
    for i, p in enumerate(plates):
        vehicles.append(
            {
                "plate": p,
                "plate_colour": "黄",
                "vin": f"LZZ1CLVB{i:09d}",
                "owner_name": "绍兴越安危险品运输有限公司",
                "cargo_class": "3",
                "tank_m3": 30.0,
                "rated_load_kg": 25500.0,
            }
        )

    # positive: 24 unloadings at 鉴湖, no waybills; plate 0 reports in GCJ-02; 4 without load bits
    for k in range(24):
        month = 3 + k % 2
        plate = plates[k % 4]
        status = None if k % 6 == 5 else LADEN
        tr = _unloading(
            rng,
            plate,
            "gcj02" if plate == plates[0] else "wgs84",
            _day(rng, month, k),
            "鉴湖加油站",
            status_in=status,
            spike=(k == 3),
        )
        gps += tr.rows

    def invoiced_trips(station: str, n: int, first_plate: int) -> None:
        tin = STATIONS[station][0]
        for k in range(n):
            month = 3 + k % 2
            plate = plates[first_plate + k % 3]
            when = _day(rng, month, k)
            gps.extend(_unloading(rng, plate, "wgs84", when, station).rows)
            waybills.append(
                {
                    "waybill_no": f"YD{tin[-4:]}{k:04d}",
                    "tractor_plate": plate,
                    "shipper": "中化绍兴石油储运有限公司",
                    "consignee": station,
                    "consignee_tin": tin,
                    "carrier": "绍兴越安危险品运输有限公司",
                    "un_no": "1202",
                    "proper_name": "柴油",
                    "hazard_class": "3",
                    "qty": 25.0,
                    "qty_unit": "吨",
                    "load_addr": "越州油库",
                    "unload_addr": station,
                    "depart_time": when - dt.timedelta(minutes=30),
                    "arrive_time": when + dt.timedelta(minutes=20),
                }
            )

    invoiced_trips("城东加油站", 20, 4)
    invoiced_trips("河滨加油站", 10, 7)
    invoiced_trips("路口加油站", 4, 10)

    # depot next to 河滨: tankers load there for an hour, 250 m from the station
    _, dx, dy, _ = STATIONS["越州油库"]
    for k in range(30):
        tr = Track(
            plates[13 + k % 3],
            "wgs84",
            rng,
            _day(rng, 3 + k % 2, k) + dt.timedelta(hours=3),
            dx + 4000,
            dy + 2000,
        )
        tr.drive(dx + 10, dy - 5, 40, EMPTY)
        tr.stand(60, EMPTY, LADEN)
        tr.drive(dx - 3000, dy + 4000, 40, LADEN)
        gps += tr.rows

    # 路口加油站: passing through, queuing at the light, gaps, spikes
    _, lx, ly, _ = STATIONS["路口加油站"]
    for k in range(30):
        tr = Track(
            plates[16 + k % 2],
            "wgs84",
            rng,
            _day(rng, 3 + k % 2, k) + dt.timedelta(hours=5),
            lx - 3000,
            ly + 40,
        )
        tr.drive(lx + 3000, ly + 40, 50, LADEN)
        gps += tr.rows
    for k in range(20):
        tr = Track(
            plates[18], "wgs84", rng, _day(rng, 3 + k % 2, k) + dt.timedelta(hours=6), lx - 2000, ly + 60
        )
        tr.drive(lx + 60, ly + 60, 40, LADEN)
        tr.stand(3, LADEN, LADEN)
        tr.drive(lx + 3000, ly + 60, 40, LADEN)
        gps += tr.rows
    for k in range(3):
        tr = Track(
            plates[19], "wgs84", rng, _day(rng, 3 + k % 2, k) + dt.timedelta(hours=7), lx - 2000, ly + 80
        )
        tr.drive(lx + 80, ly + 80, 40, LADEN)
        tr.stand(2, LADEN, LADEN)
        tr.gap(50)
        tr.stand(2, LADEN, LADEN)
        tr.drive(lx + 3000, ly + 80, 40, LADEN)
        gps += tr.rows
    for k in range(4):  # parked at the yard for an hour; one fix lands on the station
        tr = Track(plates[12], "wgs84", rng, _day(rng, 3 + k % 2, k) + dt.timedelta(hours=8), *YARD)
        tr.stand(60, EMPTY, EMPTY)
        lon, lat = xy_to_lonlat(lx + 5, ly - 5)
        tr.rows[len(tr.rows) // 2].update(lon=round(lon, 6), lat=round(lat, 6))
        gps += tr.rows
    # an unfixed (0, 0) point
    gps.append(
        {**gps[100], "lon": 0.0, "lat": 0.0, "fix_time": gps[100]["fix_time"] + dt.timedelta(seconds=1)}
    )

    stations = []
    for name, (tin, x, y, kind) in STATIONS.items():
        lon, lat = xy_to_lonlat(x, y)
        datum = "wgs84"
        if name == "鉴湖加油站":
            lon, lat = wgs84_to_gcj02(lon, lat)
            datum = "gcj02"
        stations.append(
            {
                "station_name": name,
                "legal_name": f"绍兴{name.removesuffix('加油站')}石化销售有限公司",
                "tin": tin,
                "facility_type": kind,
                "retail_permit_no": f"油零售证书第33D{tin[-3:]}号" if kind == "加油站" else None,
                "brand": "民营",
                "address": f"浙江省绍兴市越城区{name}路{int(abs(x)) % 97 + 1}号",
                "district": "越城区",
                "lon": round(lon, 6),
                "lat": round(lat, 6),
                "datum": datum,
                "tank_m3": 120.0,
                "dispensers": 6,
            }
        )

    invoices: list[dict[str, Any]] = []

    def invoice(buyer: str, n: int, item: str, code: str, unit: str, qty: float, month: int) -> None:
        tin = OIL_POSITIVE if buyer == "鉴湖加油站" else OIL_NEAR_MISSES[buyer]
        invoices.append(
            {
                "invoice_no": f"2433200000{len(invoices):010d}",
                "line_no": 1,
                "invoice_type": "81",
                "special_kind": "01" if code.startswith("10701010") else None,
                "issue_time": dt.datetime(2024, month, 10 + n % 15, 10, 0, 0),
                "seller_name": "中化绍兴石油储运有限公司",
                "seller_tin": SELLER,
                "buyer_name": buyer,
                "buyer_tin": tin,
                "item_name": item,
                "tax_code": code,
                "unit": unit,
                "qty": qty,
                "unit_price": 7200.0,
                "amount": 7200.0 * qty,
                "tax_rate": 0.13,
                "tax": 0.13 * 7200.0 * qty,
                "status": "正常",
            }
        )

    for m in (3, 4):
        invoice("鉴湖加油站", m, "*柴油*0号柴油", "1070101030100000000", "吨", 50.0, m)
        for k in range(4):
            invoice("鉴湖加油站", k, "*非成品油*复合柴油", "1070214990000000000", "吨", 25.0, m)
        for k in range(10):  # 城东: 250 t a month, invoiced in litres
            invoice("城东加油站", k, "*柴油*0号柴油", "1070101030100000000", "升", 25.0 * 1176 / 1, m)
        invoice("河滨加油站", m, "*柴油*0号柴油", "1070101030100000000", "吨", 125.0, m)
        invoice("路口加油站", m, "*柴油*0号柴油", "1070101030100000000", "吨", 50.0, m)
    invoices.append({**invoices[0], "invoice_no": "24332000009999999999", "status": "作废", "qty": 900.0})

    returns: list[dict[str, Any]] = []
    declared = {"鉴湖加油站": 20.0, "城东加油站": 240.0, "河滨加油站": 122.0, "路口加油站": 49.0}
    for name, tonnes in declared.items():
        tin = STATIONS[name][0]
        for m in (3, 4):
            start = dt.date(2024, m, 1)
            end = dt.date(2024, m + 1, 1) - dt.timedelta(days=1)
            returns.append(
                {
                    "tin": tin,
                    "taxpayer_name": name,
                    "period_start": start,
                    "period_end": end,
                    "filed_date": end + dt.timedelta(days=15),
                    "return_type": "成品油购销存",
                    "item": "柴油",
                    "qty_unit": "吨",
                    "opening_qty": 30.0,
                    "purchased_qty": tonnes,
                    "sold_qty": tonnes,
                    "closing_qty": 30.0,
                    "sales_amount": tonnes * 8000.0,
                }
            )

    return OilCounty(
        tables={
            "tanker_gps": gps,
            "hazmat_vehicles": vehicles,
            "hazmat_waybills": waybills,
            "fuel_stations": stations,
            "vat_invoices": invoices,
            "tax_returns": returns,
        },
        positives=[OIL_POSITIVE],
        near_misses=sorted(OIL_NEAR_MISSES.values()),
    )


# The agencies' export files (Chinese headers of sources.md §4, as the built-in sources read them):
# table → [(file name, datum of the rows it holds or None for all, canonical column → header)]
GPS_HEADERS = {
    "plate": "车牌号",
    "plate_colour": "车牌颜色",
    "fix_time": "定位时间",
    "lon": "经度",
    "lat": "纬度",
    "speed_kmh": "速度",
    "heading": "方向",
    "status_bits": "状态",
}
EXPORTS: dict[str, list[tuple[str, str | None, dict[str, str]]]] = {
    "tanker_gps": [
        ("危货车辆定位数据_2024年3-4月.csv", "wgs84", GPS_HEADERS),
        ("危货车辆定位火星坐标_2024年3-4月.csv", "gcj02", GPS_HEADERS),
    ],
    "hazmat_vehicles": [
        (
            "危货车辆登记.csv",
            None,
            {
                "plate": "车牌号",
                "plate_colour": "车牌颜色",
                "vin": "车架号",
                "owner_name": "业户名称",
                "owner_tin": "统一社会信用代码",
                "cargo_class": "经营范围",
                "tank_m3": "罐体容积（立方米）",
                "rated_load_kg": "核定载质量（千克）",
            },
        ),
    ],
    "hazmat_waybills": [
        (
            "危险货物电子运单_2024年3-4月.csv",
            None,
            {
                "waybill_no": "运单编号",
                "tractor_plate": "牵引车号牌",
                "shipper": "托运人",
                "consignee": "收货人",
                "consignee_tin": "收货人统一社会信用代码",
                "carrier": "承运人",
                "un_no": "UN编号",
                "proper_name": "正式运输名称",
                "hazard_class": "类别",
                "qty": "数量",
                "qty_unit": "单位",
                "load_addr": "装货地址",
                "unload_addr": "卸货地址",
                "depart_time": "起运时间",
                "arrive_time": "到达时间",
            },
        ),
    ],
    "fuel_stations": [
        (
            "加油站登记.csv",
            "gcj02",
            {
                "station_name": "站名",
                "legal_name": "经营主体",
                "tin": "统一社会信用代码",
                "facility_type": "场所类型",
                "retail_permit_no": "成品油零售经营批准证书编号",
                "brand": "品牌",
                "address": "地址",
                "district": "区县",
                "lon": "经度",
                "lat": "纬度",
                "tank_m3": "油罐容积",
                "dispensers": "加油机数",
            },
        ),
    ],
    "vat_invoices": [
        (
            "增值税发票明细_成品油_2024年3-4月.csv",
            None,
            {
                "invoice_no": "发票号码",
                "line_no": "行号",
                "invoice_type": "发票类型",
                "special_kind": "特定要素",
                "issue_time": "开票日期",
                "seller_name": "销售方名称",
                "seller_tin": "销售方纳税人识别号",
                "buyer_name": "购买方名称",
                "buyer_tin": "购买方纳税人识别号",
                "item_name": "货物或应税劳务、服务名称",
                "tax_code": "税收分类编码",
                "unit": "单位",
                "qty": "数量",
                "unit_price": "单价",
                "amount": "金额",
                "tax_rate": "税率",
                "tax": "税额",
                "status": "状态",
            },
        ),
    ],
    "tax_returns": [
        (
            "纳税申报_成品油购销存_2024年3-4月.csv",
            None,
            {
                "tin": "纳税人识别号",
                "taxpayer_name": "纳税人名称",
                "period_start": "所属期起",
                "period_end": "所属期止",
                "filed_date": "申报日期",
                "return_type": "申报表",
                "item": "项目",
                "qty_unit": "单位",
                "opening_qty": "期初库存",
                "purchased_qty": "本期购进",
                "sold_qty": "本期销售",
                "closing_qty": "期末库存",
                "sales_amount": "销售额",
            },
        ),
    ],
}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def write_exports(county: OilCounty, out: Path) -> dict[str, int]:
    """Every oil table as the agencies' export CSVs (UTF-8) under ``out``, read back by the
    built-in sources; the station register in GCJ-02 (as commerce.fuel_stations declares),
    GCJ-02 tanker fixes in their own file. Returns rows written per file."""
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    for table, files in EXPORTS.items():
        for name, datum, headers in files:
            rows = county.tables[table]
            if table == "tanker_gps":
                rows = [r for r in rows if r["datum"] == datum]
            elif table == "fuel_stations":
                rows = [_as_gcj02(r) for r in rows]
            with (out / name).open("w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(list(headers.values()))
                for r in rows:
                    w.writerow([_cell(r.get(c)) for c in headers])
            written[name] = len(rows)
    return written


def _as_gcj02(row: dict[str, Any]) -> dict[str, Any]:
    if row["datum"] == "gcj02":
        return row
    lon, lat = wgs84_to_gcj02(row["lon"], row["lat"])
    return {**row, "lon": round(lon, 6), "lat": round(lat, 6), "datum": "gcj02"}
