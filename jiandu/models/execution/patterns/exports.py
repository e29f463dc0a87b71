"""The agencies' export layouts the synthetic county writes for the execution domain, read by
the declared sources in ``jiandu/sources/builtin`` (brief: sources.md §1): Chinese or pinyin
headers, the agencies' codes, one GB18030 file. `Exports` collects rows (a planted instance's
own, kept in `Instance.rows`, or a background share) and writes them: travel and registry
exports arrive in batches (``民航旅客乘机记录_2.csv``), one per pattern that writes them.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jiandu.synth.cases import Entity
from jiandu.synth.companies import Organization
from jiandu.synth.exports import PROPERTY_COLUMNS
from jiandu.synth.people import Person

MEASURES = "执行措施记录.csv"
FLIGHTS = "民航旅客乘机记录.csv"
TRAINS = "铁路旅客乘车记录.csv"  # GB18030, as a desktop export
HOTELS = "旅馆业场所信息.csv"
STAYS = "旅馆住宿登记.csv"
PROPERTY = "不动产登记信息.csv"
VEHICLES = "机动车登记信息.csv"
EQUITY = "企业变更记录.csv"
PASSPORTS = "出入境证件信息.csv"
SHIXIN = "shixin_list.json"  # the public list's JSON layout, masked ID numbers

HEADERS: dict[str, tuple[str, ...]] = {
    MEASURES: ("案号", "被执行人证件号码", "措施类型", "措施日期", "结果", "实施单位"),
    FLIGHTS: (
        "旅客姓名",
        "证件类型",
        "证件号码",
        "航空公司",
        "航班号",
        "舱位",
        "起飞机场",
        "到达机场",
        "航班日期",
        "起飞时间",
        "票号",
        "PNR",
        "登机状态",
        "客票状态",
    ),
    TRAINS: (
        "乘车人",
        "证件类型",
        "证件号码",
        "车次",
        "乘车日期",
        "发站",
        "到站",
        "开车时间",
        "席别",
        "车厢号",
        "席位号",
        "票价",
        "票状态",
    ),
    HOTELS: ("LGBM", "LGMC", "LGDZ", "LGDZQH", "LGLX", "XJ"),
    STAYS: ("ZKLSH", "XM", "XB", "ZJLX", "ZJHM", "LGBM", "LGMC", "FH", "RZSJ", "LDSJ", "CJSJ"),
    PROPERTY: PROPERTY_COLUMNS,
    VEHICLES: (
        "HPHM",
        "HPZL",
        "CLSBDH",
        "CLLX",
        "CLPP",
        "SYR",
        "SFZMMC",
        "SFZMHM",
        "YSYR",
        "YSFZMHM",
        "SYXZ",
        "ZT",
        "YWLX",
        "DJRQ",
        "CCDJRQ",
        "GCJG",
    ),
    EQUITY: ("企业名称", "统一社会信用代码", "变更事项", "变更前内容", "变更后内容", "变更日期"),
    PASSPORTS: (
        "姓名",
        "性别",
        "出生日期",
        "公民身份号码",
        "证件种类",
        "证件号码",
        "签发日期",
        "有效期至",
        "证件状态",
    ),
    SHIXIN: (
        "type",
        "iname",
        "sexy",
        "age",
        "cardNum",
        "caseCode",
        "courtName",
        "areaName",
        "regDate",
        "publishDate",
        "exitDate",
        "gistId",
        "gistUnit",
        "performance",
        "disruptTypeName",
        "duty",
        "loc",
    ),
}
ENCODINGS = {TRAINS: "gb18030"}
SINGLE = (MEASURES, HOTELS)  # one file per county; the others come in batches
AIRPORTS = ("HGH", "PEK", "PVG", "SHA", "CAN", "SZX", "CTU", "XIY", "KMG", "XMN", "TAO", "WUH")
CARRIERS = ("CA", "MU", "CZ", "HU", "ZH", "MF", "3U", "HO")
STATIONS = ("绍兴北", "绍兴", "杭州东", "上海虹桥", "宁波", "南京南", "北京南", "诸暨", "嵊州新昌", "义乌")
BRANDS = (
    "大众帕萨特",
    "丰田凯美瑞",
    "本田雅阁",
    "别克君越",
    "宝马530Li",
    "奔驰E300L",
    "比亚迪汉",
    "特斯拉Model 3",
)


def d(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else ""


def compact(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def masked_id(key: str) -> str:
    """The public list's form: 11 visible, ****, the last four."""
    return key[:11] + "****" + key[14:]


def holder_text(holders: list[tuple[Entity, int]]) -> str:
    """How a change record lists shareholders: name, number as published (region, stars, last
    four; a company's credit code in full), subscribed capital and share."""
    total = sum(share for _, share in holders) or 1
    parts = []
    for e, amount in holders:
        number = e.key if isinstance(e, Organization) else e.key[:6] + "********" + e.key[14:]
        parts.append(f"{e.name}（{number}）认缴出资{amount}万元，持股{round(100 * amount / total)}%")
    return "；".join(parts)


@dataclass(slots=True)
class Exports:
    """Rows by export file; `write` puts them on disk, sorted (the order reveals nothing)."""

    rng: random.Random
    files: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    serial: int = 0

    def rows_of(self, name: str) -> list[tuple[str, ...]]:
        return self.files.setdefault(name, [])

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    def as_instance_rows(self) -> dict[str, list[dict[str, Any]]]:
        """The rows as `Instance.rows` keeps them (by file, each row keyed by its header)."""
        return {
            name: [dict(zip(HEADERS[name], row, strict=True)) for row in rows]
            for name, rows in self.files.items()
        }

    def take(self) -> dict[str, list[dict[str, Any]]]:
        """The rows collected since the last call, as `Instance.rows` keeps them."""
        rows = self.as_instance_rows()
        self.files.clear()
        return rows

    def add_instance_rows(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        for name, items in rows.items():
            self.rows_of(name).extend(tuple(str(item[h]) for h in HEADERS[name]) for item in items)

    def write(self, out: Path, batch: int) -> dict[str, int]:
        """Write every file under ``out`` (batch files named ``…_<batch>.csv``); row counts."""
        out.mkdir(parents=True, exist_ok=True)
        counts: dict[str, int] = {}
        for name, rows in sorted(self.files.items()):
            stem, _, suffix = name.rpartition(".")
            target = name if name in SINGLE else f"{stem}_{batch}.{suffix}"
            encoding = ENCODINGS.get(name, "utf-8")
            ordered = sorted(rows)
            if name.endswith(".json"):
                records = [{k: v for k, v in zip(HEADERS[name], row, strict=True) if v} for row in ordered]
                (out / target).write_text(
                    json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding=encoding
                )
            else:
                with (out / target).open("w", encoding=encoding, newline="") as fh:
                    w = csv.writer(fh, lineterminator="\r\n" if encoding == "gb18030" else "\n")
                    w.writerow(HEADERS[name])
                    w.writerows(ordered)
            counts[target] = len(rows)
        return counts

    # -- rows ------------------------------------------------------------------------------
    def measure(
        self, case_number: str, who: Entity | None, measure: str, day: dt.date, result: str = ""
    ) -> None:
        unit = self.rng.choice(("执行局", "执行一庭", "执行指挥中心"))
        self.rows_of(MEASURES).append(
            (case_number, who.key if who else "", measure, compact(day), result, unit)
        )

    def flight(
        self,
        p: Person,
        day: dt.date,
        *,
        booking: str = "Y",
        doc_no: str | None = None,
        boarded: bool = True,
        refunded: bool = False,
    ) -> None:
        r = self.rng
        carrier = r.choice(CARRIERS)
        number = f"{carrier}{r.randint(1001, 9899)}"
        dep, arr = r.sample(AIRPORTS, 2)
        ticket = f"{r.randint(100, 999)}-{r.randint(10**9, 10**10 - 1)}"
        pnr = "".join(r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))
        passport = doc_no is not None
        name = _latin(p.name) if passport else p.name
        when = f"{d(day)} {r.randint(6, 21):02d}:{r.choice((0, 15, 30, 45)):02d}:00"
        base = (
            name,
            "1" if passport else "0",
            doc_no or p.key,
            carrier,
            number,
            booking,
            dep,
            arr,
            d(day),
            when,
            ticket,
            pnr,
        )
        rows = self.rows_of(FLIGHTS)
        if refunded:
            rows.append((*base, "未登机", "已出票"))
            rows.append((*base, "未登机", "已退票"))  # the refund arrives as its own row
        else:
            rows.append((*base, "已登机" if boarded else "未登机", "已使用" if boarded else "已出票"))

    def train(
        self, p: Person, day: dt.date, train_no: str, seat_code: str, *, refunded: bool = False
    ) -> None:
        r = self.rng
        a, b = r.sample(STATIONS, 2)
        base = (
            p.name,
            "1",
            p.key,
            train_no,
            d(day),
            a,
            b,
            f"{d(day)} {r.randint(6, 21):02d}:{r.randint(0, 59):02d}",
            seat_code,
            f"{r.randint(1, 16):02d}",
            f"{r.randint(1, 20):02d}{r.choice('ABCDF')}",
            f"{r.randint(20, 600)}.5",
        )
        rows = self.rows_of(TRAINS)
        rows.append((*base, "已出票"))
        if refunded:
            rows.append((*base, "已退票"))

    def hotel(self, code: str, name: str, address: str, kind: str, star: str) -> None:
        self.rows_of(HOTELS).append((code, name, address, "330602", kind, star))

    def stay(self, p: Person, day: dt.date, hotel: tuple[str, ...]) -> None:
        r = self.rng
        checkin = dt.datetime(day.year, day.month, day.day, r.randint(12, 23), r.randint(0, 59))
        nights = r.choice((1, 1, 1, 2, 3))
        checkout = (
            "" if r.random() < 0.05 else str(checkin + dt.timedelta(days=nights, hours=-r.randint(1, 8)))
        )
        stay_id = f"{hotel[0]}{day:%Y%m%d}{self.next_serial():06d}"
        room = f"{r.randint(1, 12)}{r.randint(1, 30):02d}"
        self.rows_of(STAYS).append(
            (
                stay_id,
                p.name,
                "1" if p.male else "2",
                "111",
                p.key,
                hotel[0],
                hotel[1],
                room,
                str(checkin),
                checkout,
                str(checkin + dt.timedelta(minutes=r.randint(1, 30))),
            )
        )

    def property(
        self,
        holder: Entity,
        day: dt.date,
        *,
        transferor: Entity | None = None,
        price: int | None = None,
        address: str | None = None,
    ) -> None:
        r = self.rng
        n = self.next_serial()
        unit = f"330602{r.randint(1, 12):03d}{r.randint(1, 30):03d}GB{n:05d}F{r.randint(1, 99_999_999):08d}"
        cert = f"浙({day.year})绍兴市不动产权第{n:07d}号"
        road = r.choice(("胜利", "中兴", "解放", "人民", "城南", "迪荡"))
        place = address or f"绍兴市越城区{road}路{r.randint(1, 500)}号"
        kind = "转移登记" if transferor is not None else "首次登记"
        self.rows_of(PROPERTY).append(
            (
                unit,
                cert,
                holder.name,
                holder.key,
                transferor.name if transferor else "",
                transferor.key if transferor else "",
                "单独所有",
                place,
                "国有建设用地使用权/房屋所有权",
                kind,
                d(day),
                r.choice(("住宅", "住宅", "住宅", "商业")),
                f"{r.randint(45, 180)}.{r.randint(0, 99):02d}",
                "" if price is None else str(price),
            )
        )

    def vehicle(
        self,
        owner: Entity,
        day: dt.date,
        *,
        prev: Entity | None = None,
        price: int | None = None,
        first: dt.date | None = None,
        use: str = "A",
    ) -> None:
        r = self.rng
        n = self.next_serial()
        plate = f"浙D{r.choice('ABCDEFGHJK')}{n % 10000:04d}{r.choice('0123456789')}"
        plate = plate[:3] + "·" + plate[3:] if r.random() < 0.3 else plate
        vin = f"LSV{r.choice('ABCDEFGH')}A{n:06d}{r.randint(0, 99_999_999):08d}"[:17]
        owner_doc = "N" if isinstance(owner, Organization) else "A"
        self.rows_of(VEHICLES).append(
            (
                plate,
                "02",
                vin,
                "K33",
                r.choice(BRANDS),
                owner.name,
                owner_doc,
                owner.key,
                prev.name if prev else "",
                prev.key if prev else "",
                use,
                "A",
                "B" if prev else "A",
                compact(day),
                compact(first or day),
                "" if price is None else str(price),
            )
        )

    def equity(self, company: Organization, day: dt.date, before: str, after: str) -> None:
        self.rows_of(EQUITY).append((company.name, company.key, "股东变更", before, after, d(day)))

    def passport(self, p: Person, number: str, issued: dt.date, status: str = "有效") -> None:
        expiry = dt.date(issued.year + 10, issued.month, min(issued.day, 28))
        self.rows_of(PASSPORTS).append(
            (
                p.name,
                "1" if p.male else "2",
                compact(p.birth),
                p.key,
                "414",
                number,
                d(issued),
                d(expiry),
                status,
            )
        )

    def shixin(
        self,
        p: Person,
        case_number: str,
        court: str,
        basis: str,
        reg: dt.date,
        removed: dt.date | None = None,
    ) -> None:
        """A 失信 entry as the public list serves it: masked number, half-width brackets,
        court short name, dates in two styles, the removal date (exitDate) once removed."""
        short = court.replace("浙江省绍兴市", "").replace("人民法院", "法院")
        age = reg.year - p.birth.year
        self.rows_of(SHIXIN).append(
            (
                "失信被执行人名单",
                p.name,
                p.sex,
                str(age),
                masked_id(p.key),
                case_number.replace("（", "(").replace("）", ")"),
                short,
                "浙江",
                compact(reg),
                f"{reg.year}年{reg.month:02d}月{min(reg.day + 3, 28):02d}日",
                compact(removed) if removed else "",
                basis,
                court,
                "全部未履行",
                "有履行能力而拒不履行生效法律文书确定义务",
                "偿还借款本金及利息……",
                f"shixin.court.gov.cn/detail?id={self.next_serial()}",
            )
        )


_PINYIN = {
    "王": "WANG",
    "李": "LI",
    "张": "ZHANG",
    "刘": "LIU",
    "陈": "CHEN",
    "杨": "YANG",
    "黄": "HUANG",
    "赵": "ZHAO",
    "吴": "WU",
    "周": "ZHOU",
    "徐": "XU",
    "孙": "SUN",
    "马": "MA",
    "朱": "ZHU",
    "胡": "HU",
    "郭": "GUO",
    "何": "HE",
    "高": "GAO",
    "林": "LIN",
    "罗": "LUO",
    "郑": "ZHENG",
    "梁": "LIANG",
    "谢": "XIE",
    "宋": "SONG",
    "唐": "TANG",
    "许": "XU",
    "韩": "HAN",
    "冯": "FENG",
    "邓": "DENG",
    "曹": "CAO",
    "彭": "PENG",
    "曾": "ZENG",
    "沈": "SHEN",
    "钱": "QIAN",
    "蒋": "JIANG",
}


def _latin(name: str) -> str:
    """A passport name as a booking shows it (surname/given); unknown characters as X."""
    surname = _PINYIN.get(name[0], "X")
    return f"{surname}/{'X' * max(1, len(name) - 1)}"
