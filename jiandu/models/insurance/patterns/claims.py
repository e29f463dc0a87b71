"""Motor claims, accident determinations and repair shops for the synthetic county, with planted
fraud rings and near misses (pattern ``fraud_ring``, model ``insurance.fraud_ring``).

Planted (per copy of the patterns)
  strong  six staged accidents in seven months: two ring cars are hit again and again by four
          rotating drivers, each fully liable; every claim reported from the organiser's phone,
          every car repaired at the ring's own shop (written three ways), paid to the shop, no
          police record
  medium  four accidents in ten months, one car the victim three times; the ring shop for three,
          the organiser's phone for two, one accident determined by the police
  weak    three accidents within a year, the same victim car each time; the ring shop for two;
          each driver reports from his own phone; one police record
Near misses
  family  a couple's car in two real accidents a year apart (shared liability once, the victim
          once), both determined by the police, repaired at two shops
  shop    a busy but honest repair shop: eighteen unrelated customers' accidents (full or main
          liability, half determined by the police), every car repaired there

Background: honest accidents between cars drawn from a pool six times larger than the number of
accidents (so a car seldom has two), 交强险 and 商业险 claims on the liable side's policy (both
sides' policies under shared liability), police determinations for about 55% of accidents.

The files are the agencies' exports (brief sources.md §2): 车险理赔明细 in two period files (UTF-8
with BOM, and GB18030) that overlap by a month (re-exported rows), a later correction file (paid
amounts changed, later 更新时间), masked third-party ID numbers in a third of the claims, shop names
written as the claims handler typed them, 同等 sometimes 对等 and 全部 sometimes 全责;
交通事故认定 with GA 36 号牌种类 codes; the 机动车维修经营者 register.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jiandu.synth.background import plate as random_plate
from jiandu.synth.companies import Organization
from jiandu.synth.county import County
from jiandu.synth.geography import DISTRICT_BY_KEY, DISTRICTS
from jiandu.synth.ids import credit_code, resident_id
from jiandu.synth.names import NameMaker
from jiandu.synth.patterns import Instance
from jiandu.synth.people import Person
from jiandu.synth.rng import stream

PATTERN = "fraud_ring"
MODELS = ["insurance.fraud_ring"]  # what finds it (truth `models`)
CLAIM_HEADERS = (
    "报案号",
    "立案号",
    "保单号",
    "保险公司",
    "险种",
    "被保险人",
    "被保险人证件号码",
    "车主",
    "车牌号码",
    "号牌颜色",
    "车架号",
    "出险时间",
    "报案时间",
    "出险地点",
    "出险经过",
    "驾驶员",
    "驾驶员证件号码",
    "报案人电话",
    "事故责任",
    "三者车牌",
    "三者姓名",
    "三者证件号码",
    "查勘员",
    "定损员",
    "维修厂",
    "定损金额",
    "核损金额",
    "赔款金额",
    "领款人",
    "结案时间",
    "更新时间",
)
ACCIDENT_HEADERS = (
    "事故编号",
    "事故发生时间",
    "事故地点",
    "处理程序",
    "当事人序号",
    "当事人姓名",
    "身份证明号码",
    "驾驶证号",
    "号牌号码",
    "号牌种类",
    "保险公司",
    "保险凭证号",
    "事故责任",
    "受伤人数",
    "死亡人数",
    "认定书编号",
    "认定日期",
    "办案民警",
)
SHOP_HEADERS = (
    "统一社会信用代码",
    "企业名称",
    "经营类别",
    "经营地址",
    "所在区县",
    "法定代表人",
    "联系电话",
    "备案日期",
    "经营状态",
)
_TRADE_TEXT = (
    "华丰永盛顺达安途通利鑫源恒通宏昌金桥瑞丰路达大成明辉嘉诚越野驰骋新越东方兴隆利民"
    "卓越诚信飞达天诚同心汇通盛达快捷鉴湖稽山兰亭会稽古越浙东万通腾达佳程畅行安达荣盛"
)
_TRADES = tuple(_TRADE_TEXT[i : i + 2] for i in range(0, len(_TRADE_TEXT), 2))
_OTHER = {"全部": "无责", "主要": "次要", "同等": "同等", "次要": "主要", "无责": "全部"}
_PLACES = ("路口", "停车场", "小区门口", "加油站旁", "高架匝道", "菜场门口", "隧道口", "环岛")
_DESCS = {
    "全部": "驾驶员倒车时未注意观察，与三者车辆发生碰撞",
    "主要": "驾驶员变道时未让行，与三者车辆发生碰撞",
    "同等": "双方车辆会车时均未减速让行，发生碰撞",
}


def phone_of(key: str) -> str:
    """A person's mobile number, stable for the ID number."""
    digits = str(int(hashlib.sha256(key.encode()).hexdigest()[:12], 16))[-9:]
    return "13" + digits


def _digits(text: str) -> str:
    return f"{int(hashlib.md5(text.encode()).hexdigest(), 16) % 10**8:08d}"


def masked(key: str) -> str:
    """The published masked form: 11 visible + **** + the last 4."""
    return key[:11] + "****" + key[14:] if len(key) == 18 else key


@dataclass(slots=True)
class Shop:
    credit_code: str
    name: str
    district: str
    address: str
    rep: str
    record_date: dt.date
    variants: tuple[str, ...]  # how claims handlers write it

    @staticmethod
    def from_org(org: Organization) -> Shop:
        return Shop(
            org.key, org.name, org.district, org.address, org.rep_name, org.established, _variants(org.name)
        )


def _variants(name: str) -> tuple[str, ...]:
    trade = name
    for prefix in ("绍兴市", "诸暨市", "嵊州市", "新昌县", "绍兴", "浙江"):
        trade = trade.removeprefix(prefix)
    for d in DISTRICTS:
        trade = trade.removeprefix(d.name)
    trade = trade.removesuffix("汽车维修服务有限公司").removesuffix("有限公司")
    return (name, f"{trade}汽修厂", f"{trade}汽车修理厂", f"绍兴{trade}汽车维修有限公司")


@dataclass(slots=True)
class Side:
    person: Person
    plate: str
    phone: str


@dataclass(slots=True)
class Accident:
    """One accident between two cars; ``liability`` is the first side's."""

    when: dt.datetime
    first: Side
    second: Side
    liability: str
    district: str
    shop_first: Shop | None  # where the first side's car is repaired
    shop_second: Shop | None
    police: bool
    reporter: str | None = None  # phone that reports every claim (a ring's); else each side's own
    payee_shop: bool = False
    amount: float = 6000.0
    seq: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _new_shop(rng: random.Random, used: set[str], district: str | None = None) -> Shop:
    d = DISTRICT_BY_KEY[district] if district else rng.choice(DISTRICTS)
    while True:
        trade = rng.choice(_TRADES) + (rng.choice(_TRADES)[0] if rng.random() < 0.5 else "")
        place = f"绍兴市{d.name}" if d.prefix.endswith("绍兴市") else d.name
        name = f"{place}{trade}汽车维修服务有限公司"
        if name not in used:
            used.add(name)
            break
    street = rng.choice(d.streets)
    return Shop(
        credit_code(rng, d.new_code, "91", True),
        name,
        d.key,
        f"{d.prefix}{d.name}{street}{rng.randint(1, 999)}号",
        "",
        dt.date(rng.randint(2005, 2015), rng.randint(1, 12), rng.randint(1, 28)),
        _variants(name),
    )


def _night(rng: random.Random, day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, rng.choice((20, 21, 22, 23)), rng.randint(0, 59))


class _People:
    """Fresh motorists for one planner call (never a party of the court documents, never twice)."""

    def __init__(self, county: County, rng: random.Random) -> None:
        self.rng = rng
        self.names = NameMaker(rng)
        self.taken: set[str] = set(county.pop.by_key)

    def side(self) -> Side:
        p = _motorist(self.rng, self.names, self.taken)
        return Side(p, random_plate(self.rng).replace("·", ""), phone_of(p.key))


def _ring(
    people: _People,
    rng: random.Random,
    copy: int,
    strength: str,
    shop: Shop,
    used: set[str],
    start: dt.date,
) -> Instance:
    organiser = people.side()
    partner = people.side()
    drivers = [people.side() for _ in range(4 if strength == "strong" else 3)]
    other_shop = _new_shop(rng, used, shop.district)
    gaps: tuple[int, ...]
    victims: tuple[Side, ...]
    shops: tuple[Shop, ...]
    reporters: tuple[str | None, ...]
    police: tuple[bool, ...]
    at_fault: tuple[Side, ...]
    if strength == "strong":
        gaps, victims, shops, reporters, police = (
            (0, 38, 33, 41, 29, 45),
            (organiser, partner, organiser, organiser, partner, organiser),
            (shop,) * 6,
            (organiser.phone,) * 6,
            (False,) * 6,
        )
        at_fault = (drivers[0], drivers[1], drivers[2], drivers[0], drivers[3], drivers[1])
    elif strength == "medium":
        gaps, victims, shops, reporters, police = (
            (0, 95, 80, 110),
            (organiser, organiser, partner, organiser),
            (shop, shop, other_shop, shop),
            (organiser.phone, None, organiser.phone, None),
            (False, True, False, False),
        )
        at_fault = (drivers[0], drivers[1], drivers[2], drivers[0])
    else:
        gaps, victims, shops, reporters, police = (
            (0, 150, 170),
            (organiser, organiser, organiser),
            (shop, other_shop, shop),
            (None, None, None),
            (False, True, False),
        )
        at_fault = tuple(drivers[:3])
    accidents = []
    day = start
    for i, gap in enumerate(gaps):
        day = day + dt.timedelta(days=gap)
        accidents.append(
            Accident(
                _night(rng, day),
                at_fault[i],
                victims[i],
                "全部",
                shop.district,
                None,
                shops[i],
                police[i],
                reporters[i],
                payee_shop=shops[i] is shop,
                amount=float(rng.randint(15, 32) * 1000 + rng.choice((0, 500))),
            )
        )
    subject = _ring_subject(organiser.person, strength)
    members = {s.person.key: s.person for a in accidents for s in (a.first, a.second)}
    return Instance(
        PATTERN,
        f"{PATTERN}-{copy:02d}-{strength}",
        True,
        strength,
        subject,
        [
            f"accidents:{len(accidents)}",
            "same_victim_recurs",
            "other_side_fully_liable",
            "one_repair_shop",
            *(["shared_reporter_phone"] if any(reporters) else []),
        ],
        f"{len(accidents)} staged accidents around {organiser.person.name}'s cars, the other side always "
        f"fully liable, repaired at {shop.name}",
        figures={"accidents": len(accidents), "shop": shop.name, "organiser": organiser.person.name},
        related=[("member", p) for p in members.values()],
        rows={
            "accidents": [{"accident": a} for a in accidents],
            "shops": [{"shop": shop}, {"shop": other_shop}],
        },
    )


def _ring_subject(organiser: Person, strength: str) -> Organization:
    """The ring as a truth subject: its key is filled in by the writer (ring: + its first
    report number), its name says whose ring it is."""
    return Organization(
        key="",
        name=f"{organiser.name}团伙（{strength}）",
        type="ring",
        industry="",
        district=organiser.district,
        address="",
        rep_name=organiser.name,
        rep_key=organiser.key,
        rep_title="",
        rep_job="",
        established=dt.date(2000, 1, 1),
        capital=0,
    )


def plan(county: County, rng: random.Random, copy: int) -> list[Instance]:
    used: set[str] = {s.name for s in county.orgs.repair_shops}
    people = _People(county, rng)
    out = []
    for strength, year in (("strong", 2021), ("medium", 2019), ("weak", 2022)):
        shop = _new_shop(rng, used)
        start = dt.date(year, rng.randint(1, 4), rng.randint(1, 28))
        out.append(_ring(people, rng, copy, strength, shop, used, start))
    # near miss: a family with two real accidents a year apart
    fam_h = people.side()
    husband = fam_h.person
    wife = _motorist(rng, people.names, people.taken)
    fam_w = Side(wife, fam_h.plate, fam_h.phone)  # the family car, one household phone
    shop_a, shop_b = _new_shop(rng, used), _new_shop(rng, used)
    day = dt.date(2020, rng.randint(3, 6), rng.randint(1, 28))
    first = dt.datetime(day.year, day.month, day.day, 8, 20)
    second = dt.datetime(day.year + 1, day.month, day.day, 17, 40) + dt.timedelta(days=12)
    family = [
        Accident(first, fam_h, people.side(), "同等", husband.district, shop_a, shop_b, True, amount=4200.0),
        Accident(second, people.side(), fam_w, "全部", wife.district, None, shop_a, True, amount=5600.0),
    ]
    out.append(
        Instance(
            PATTERN,
            f"{PATTERN}-{copy:02d}-nm-family",
            False,
            "near_miss",
            _ring_subject(husband, "family"),
            [],
            "a couple's car in two real accidents a year apart, both determined by the police",
            rows={
                "accidents": [{"accident": a} for a in family],
                "shops": [{"shop": shop_a}, {"shop": shop_b}],
            },
        )
    )
    # near miss: a busy, honest repair shop (below the hub limit, so its customers are one community)
    busy = _new_shop(rng, used)
    customers = []
    for i in range(18):
        day = dt.date(2017 + i % 7, 1 + (i * 5) % 12, 1 + (i * 7) % 28)
        customers.append(
            Accident(
                dt.datetime(day.year, day.month, day.day, 9 + i % 9, rng.randint(0, 59)),
                people.side(),
                people.side(),
                "全部" if i % 3 else "主要",
                busy.district,
                None,
                busy,
                i % 2 == 0,
                amount=float(rng.randint(2, 9) * 1000),
            )
        )
    out.append(
        Instance(
            PATTERN,
            f"{PATTERN}-{copy:02d}-nm-busy-shop",
            False,
            "near_miss",
            _ring_subject(customers[0].first.person, "shop"),
            [],
            f"a busy, honest repair shop ({busy.name}): eighteen unrelated customers' ordinary accidents",
            rows={"accidents": [{"accident": a} for a in customers], "shops": [{"shop": busy}]},
        )
    )
    for inst in out:
        inst.models = list(MODELS)
    return out


# -- the writer ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Staff:
    insurers: list[str]
    assessors: list[str]
    surveyors: list[str]


def _motorist(rng: random.Random, names: NameMaker, taken: set[str]) -> Person:
    """A car owner of the county who need not appear in any court document (the population of
    the court documents is far smaller than a county's drivers)."""
    while True:
        d = rng.choices(DISTRICTS, weights=[x.weight for x in DISTRICTS])[0]
        male = rng.random() < 0.7
        birth = dt.date(rng.randint(1955, 2002), rng.randint(1, 12), rng.randint(1, 28))
        key = resident_id(d.old_code, birth, rng.randint(0, 499), male)
        if key not in taken:
            taken.add(key)
            break
    return Person(key, names.full(male), male, birth, "汉族", d.key, f"{d.prefix}{d.name}", -1, "户主")


def _background(rng: random.Random, n: int, taken: set[str], shops: list[Shop]) -> list[Accident]:
    """Honest accidents between cars from a pool six times the accidents (a car seldom has
    two), owned by people of their own."""
    names = NameMaker(rng)
    pool: list[Side] = []
    for _ in range(6 * n):
        p = _motorist(rng, names, taken)
        pool.append(Side(p, random_plate(rng).replace("·", ""), phone_of(p.key)))
    shop_of: dict[str, Shop] = {}
    out = []
    start, end = dt.date(2016, 1, 1).toordinal(), dt.date(2024, 12, 31).toordinal()
    for _ in range(n):
        a, b = rng.sample(pool, 2)
        day = dt.date.fromordinal(rng.randint(start, end))
        when = dt.datetime(day.year, day.month, day.day, rng.choice(range(6, 23)), rng.randint(0, 59))
        liability = rng.choices(("全部", "主要", "同等"), weights=(0.55, 0.2, 0.25))[0]
        for side in (a, b):
            if side.plate not in shop_of:
                shop_of[side.plate] = rng.choice(shops)
        out.append(
            Accident(
                when,
                a,
                b,
                liability,
                a.person.district,
                shop_of[a.plate],
                shop_of[b.plate],
                rng.random() < 0.55,
                amount=float(max(800, int(rng.lognormvariate(8.4, 0.7) / 100) * 100)),
            )
        )
    return out


def _claims(acc: Accident, staff: _Staff, rng: random.Random, report_seq: int) -> list[dict[str, str]]:
    """The claim rows of one accident: the liable side's policy pays the other side (both under
    shared liability)."""
    rows = []
    payers = [(acc.first, acc.second, acc.liability, acc.shop_second)]
    if acc.liability in ("同等", "主要"):
        payers.append((acc.second, acc.first, _OTHER[acc.liability], acc.shop_first))
    for n, (payer, victim, liability, shop) in enumerate(payers):
        year = acc.when.year
        report = f"RDAA{year}3306{report_seq:07d}{n}"
        insurer = staff.insurers[int(hashlib.md5(payer.plate.encode()).hexdigest(), 16) % len(staff.insurers)]
        surveyor = rng.choice(staff.surveyors)
        assessor = rng.choice(staff.assessors)
        reported = acc.when + dt.timedelta(minutes=rng.randint(10, 300))
        closed = acc.when + dt.timedelta(days=rng.randint(8, 60))
        total = acc.amount if n == 0 else round(acc.amount * 0.6, -2)
        parts = [("交强险", min(2000.0, total))]
        if total > 2000:
            parts.append(("商业险-三者", total - 2000.0))
        tp_key = masked(victim.person.key) if rng.random() < 0.33 else victim.person.key
        shop_name = rng.choice(shop.variants) if shop is not None else ""
        district = DISTRICT_BY_KEY[acc.district]
        place = f"{district.prefix}{district.name}{rng.choice(_PLACES)}"
        for i, (coverage, paid) in enumerate(parts):
            claim_no = f"ADAA{year}3306{report_seq:07d}{n}{i + 1}"
            rows.append(
                {
                    "报案号": report,
                    "立案号": claim_no,
                    "保单号": ("PDZA" if coverage == "交强险" else "PDAA")
                    + f"{year - 1}3306{_digits(payer.plate)}",
                    "保险公司": insurer,
                    "险种": coverage,
                    "被保险人": payer.person.name,
                    "被保险人证件号码": payer.person.key,
                    "车主": payer.person.name,
                    "车牌号码": payer.plate
                    if rng.random() < 0.8
                    else payer.plate[:2] + "·" + payer.plate[2:],
                    "号牌颜色": "" if rng.random() < 0.7 else rng.choice(("蓝", "蓝色", "2")),
                    "车架号": "",
                    "出险时间": acc.when.strftime("%Y-%m-%d %H:%M:%S") + (".0" if rng.random() < 0.2 else ""),
                    "报案时间": reported.strftime("%Y-%m-%d %H:%M:%S"),
                    "出险地点": place,
                    "出险经过": _DESCS.get(liability, "三者车辆未按规定让行，与标的车发生碰撞"),
                    "驾驶员": payer.person.name,
                    "驾驶员证件号码": payer.person.key,
                    "报案人电话": acc.reporter or payer.phone,
                    "事故责任": {"同等": "对等", "全部": "全责"}.get(liability, liability)
                    if rng.random() < 0.15
                    else liability,
                    "三者车牌": victim.plate,
                    "三者姓名": victim.person.name,
                    "三者证件号码": tp_key,
                    "查勘员": surveyor,
                    "定损员": assessor,
                    "维修厂": shop_name,
                    "定损金额": f"{paid:,.2f}" if rng.random() < 0.3 else f"{paid:.2f}",
                    "核损金额": f"{paid:.2f}",
                    "赔款金额": f"{paid:.2f}",
                    "领款人": shop_name if acc.payee_shop and shop_name else victim.person.name,
                    "结案时间": closed.strftime("%Y-%m-%d %H:%M:%S"),
                    "更新时间": closed.strftime("%Y-%m-%d %H:%M:%S"),
                }
            )
    return rows


def _determinations(acc: Accident, seq: int, rng: random.Random, staff: _Staff) -> list[dict[str, str]]:
    number = f"330602{acc.when.year}{seq:06d}"
    rows = []
    for i, (side, liability) in enumerate(
        ((acc.first, acc.liability), (acc.second, _OTHER[acc.liability])), 1
    ):
        rows.append(
            {
                "事故编号": number,
                "事故发生时间": acc.when.strftime("%Y-%m-%d %H:%M:%S"),
                "事故地点": f"{DISTRICT_BY_KEY[acc.district].name}{rng.choice(_PLACES)}",
                "处理程序": "简易" if rng.random() < 0.8 else "一般",
                "当事人序号": str(i),
                "当事人姓名": side.person.name,
                "身份证明号码": side.person.key,
                "驾驶证号": side.person.key,
                "号牌号码": side.plate,
                "号牌种类": "02" if rng.random() < 0.9 else "52",
                "保险公司": staff.insurers[
                    int(hashlib.md5(side.plate.encode()).hexdigest(), 16) % len(staff.insurers)
                ],
                "保险凭证号": "",
                "事故责任": "对等" if liability == "同等" and rng.random() < 0.3 else liability,
                "受伤人数": "0",
                "死亡人数": "0",
                "认定书编号": f"第{number}号",
                "认定日期": (acc.when + dt.timedelta(days=rng.randint(0, 10))).strftime("%Y%m%d"),
                "办案民警": f"J{rng.randint(1000, 9999)}",
            }
        )
    return rows


def _write_csv(path: Path, headers: tuple[str, ...], rows: list[dict[str, str]], encoding: str) -> int:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(headers), lineterminator="\r\n")
        w.writeheader()
        w.writerows(rows)
    return len(rows)


def write(out: Path, county: County, instances: list[Instance]) -> dict[str, int]:
    """The three agencies' files; fills in each planted instance's subject key (its ring id)."""
    rng = stream(county.seed, f"registers:{PATTERN}")
    out.mkdir(parents=True, exist_ok=True)
    used = {s.name for s in county.orgs.repair_shops}
    shops: list[Shop] = [Shop.from_org(o) for o in county.orgs.repair_shops]
    n_background = max(1000, county.documents // 6)
    for _ in range(max(20, n_background // 60)):
        shops.append(_new_shop(rng, used))
    planted_shops = [r["shop"] for inst in instances for r in inst.rows.get("shops", [])]
    planted_keys = {
        s.person.key
        for inst in instances
        for r in inst.rows.get("accidents", [])
        for s in (r["accident"].first, r["accident"].second)
    }
    taken = planted_keys | set(county.pop.by_key)
    background = _background(rng, n_background, taken, shops)
    n_claims = int(n_background * 2.6)
    staff = _Staff(
        [o.name for o in county.orgs.insurers],
        [f"DS{i:04d}" for i in range(max(4, n_claims // 200))],
        [f"CK{i:04d}" for i in range(max(4, n_claims // 200))],
    )
    planted = [(inst, r["accident"]) for inst in instances for r in inst.rows.get("accidents", [])]
    everything = [(None, a) for a in background] + planted
    order = sorted(range(len(everything)), key=lambda i: (everything[i][1].when, i))
    claims: list[dict[str, str]] = []
    determinations: list[dict[str, str]] = []
    first_report: dict[str, str] = {}
    police_seq = 0
    for seq, i in enumerate(order, 1):
        inst, acc = everything[i]
        rows = _claims(acc, staff, rng, seq)
        claims += rows
        if inst is not None:
            report = min(r["报案号"] for r in rows)
            first_report[inst.instance_id] = min(first_report.get(inst.instance_id, report), report)
        if acc.police:
            police_seq += 1
            determinations += _determinations(acc, police_seq, rng, staff)
    for inst in instances:
        if inst.instance_id in first_report:
            inst.subject.key = "ring:" + first_report[inst.instance_id]
    # the exports: two period files overlapping by a month, then a correction file
    early = [r for r in claims if r["出险时间"][:4] <= "2020"]
    late = [r for r in claims if r["出险时间"][:4] > "2020"]
    overlap = [r for r in early if r["出险时间"][:7] == "2020-12"]
    corrections = []
    for r in rng.sample(claims, max(1, len(claims) // 100)):
        fixed = dict(r)
        paid = float(r["赔款金额"]) * rng.choice((0.9, 0.95, 1.05))
        fixed["赔款金额"] = f"{paid:.2f}"
        fixed["更新时间"] = (
            dt.datetime.fromisoformat(r["更新时间"]) + dt.timedelta(days=rng.randint(30, 200))
        ).strftime("%Y-%m-%d %H:%M:%S")
        corrections.append(fixed)
    counts = {
        "车险理赔明细_2016-2020.csv": _write_csv(
            out / "车险理赔明细_2016-2020.csv", CLAIM_HEADERS, early, "utf-8-sig"
        ),
        "车险理赔明细_2021-2024.csv": _write_csv(
            out / "车险理赔明细_2021-2024.csv", CLAIM_HEADERS, overlap + late, "gb18030"
        ),
        "车险理赔明细_更正.csv": _write_csv(
            out / "车险理赔明细_更正.csv", CLAIM_HEADERS, corrections, "utf-8"
        ),
        "交通事故认定_2016-2024.csv": _write_csv(
            out / "交通事故认定_2016-2024.csv", ACCIDENT_HEADERS, determinations, "utf-8"
        ),
    }
    register = {s.credit_code: s for s in shops + planted_shops}
    shop_rows = [
        {
            "统一社会信用代码": s.credit_code,
            "企业名称": s.name,
            "经营类别": "二类" if rng.random() < 0.7 else "一类",
            "经营地址": s.address,
            "所在区县": DISTRICT_BY_KEY[s.district].name,
            "法定代表人": s.rep,
            "联系电话": "0575-8" + str(rng.randint(1000000, 9999999)),
            "备案日期": s.record_date.isoformat(),
            "经营状态": "在业",
        }
        for s in sorted(register.values(), key=lambda s: s.credit_code)
    ]
    counts["机动车维修经营者名录.csv"] = _write_csv(
        out / "机动车维修经营者名录.csv", SHOP_HEADERS, shop_rows, "utf-8"
    )
    return counts
