"""Lodging places, a year of check-ins and the records beside them for the synthetic county, with
planted hotels for each rule of ``hotels.minor_check_in`` and near misses (pattern
``hotel_minors``).

Planted (per copy of the pattern; one hotel per instance, its band in ``figures["band"]``)
  red     girl_male   a girl of 13 sharing a room with an unrelated man (the room written 0812
                      and 812, his row sent twice)
          visitor     a girl of 12 alone in her room, visited at night by an unrelated man of 20
                      (her check-out never entered)
          incident    three boys of 16 in one room, one reported drunk to the police that night
  yellow  alone       a boy of 17 alone (masked ID number: only the birth year shows) and a girl
                      of 16 on a passport (age from the exported birth date)
          peers       a boy and a girl of 15 in one room (6-01 and 601)
          adult       a girl of 15 with an aunt, a boy of 17 with a male workmate
          girl_14     a girl of 14 years and one day with a male friend of 19: an adult who is
                      not a guardian (yellow), never the under-14 rule (red)
Near misses (no clue)
  guardians           a girl of 13 with her father, a boy of 10 with his grandmother (her number
                      masked in the check-in: matched on name and visible digits), a girl of 12
                      with her brother of 20 (all in the household register)
  no_overlap          a girl of 13 with her mother in a room a man left that morning (his
                      check-out first forgotten, then corrected) and another took after her
  adults              a guest of 18 years and one day alone, a masked ID number whose birth year
                      leaves the age at 17 or 18 (not provably a minor)

Background: ``max(30, documents // 600)`` hotels in the six districts with adults' stays (singles
and couples), and minors who travel with a registered parent (green: counted, never pushed).

The files are the police exports (brief sources.md §3): 旅馆基本情况 (register with district and
WGS-84 coordinates), 旅馆业入住登记 in two half-year files overlapping by June (UTF-8 with BOM and
GB18030: re-exported rows are duplicates), a correction file (late check-outs), 旅馆访客登记,
未成年人入住两问一报, 涉旅馆未成年人警情 and 常住人口 for the guests' families (pinyin columns).
Masked ID numbers for a share of adults, forgotten check-outs, room-number variants.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from jiandu.synth.companies import Organization
from jiandu.synth.county import County
from jiandu.synth.geography import DISTRICTS, District
from jiandu.synth.ids import resident_id
from jiandu.synth.names import NameMaker
from jiandu.synth.patterns import Instance
from jiandu.synth.rng import stream

PATTERN = "hotel_minors"
MODELS = ["hotels.minor_check_in"]
YEAR = 2024

HOTEL_FILE = "旅馆基本情况.csv"
STAYS_H1 = "旅馆业入住登记_2024年1-6月.csv"
STAYS_H2 = "旅馆业入住登记_2024年6-12月.csv"
STAYS_FIX = "旅馆业入住登记_更正.csv"
VISITS = "旅馆访客登记_2024.csv"
CHECKS = "未成年人入住两问一报_2024.csv"
REPORTS = "涉旅馆未成年人警情_2024.csv"
FAMILIES = "常住人口_旅馆住客家庭.csv"

HEADERS: dict[str, tuple[str, ...]] = {
    HOTEL_FILE: ("LGBM", "LGMC", "LGDZ", "LGDZQH", "SSQX", "TYSHXYDM", "LGLX", "XJ", "LXDH", "JD", "WD"),
    STAYS_H1: (
        "ZKLSH",
        "XM",
        "XB",
        "MZ",
        "CSRQ",
        "ZJLX",
        "ZJHM",
        "LGBM",
        "LGMC",
        "FH",
        "RZSJ",
        "LDSJ",
        "CJSJ",
    ),
    VISITS: ("FKLSH", "FKXM", "XB", "ZJLX", "ZJHM", "CSRQ", "LGBM", "FH", "BFZKLSH", "FKSJ", "LKSJ"),
    CHECKS: ("ZKLSH", "LGBM", "JHRXM", "JHRLXDH", "TZRYGX", "SFBG", "BGSJ"),
    REPORTS: ("JQBH", "JJSJ", "JQLB", "BJNR", "FSDD", "CSBM", "DSRXM", "DSRZJHM", "DSRXB", "DSRNL", "CJJG"),
    FAMILIES: ("HH", "GMSFHM", "XM", "XB", "CSRQ", "MZ", "YHZGX", "FQGMSFHM", "MQGMSFHM", "ZZ"),
}
# WGS-84 centres of the districts (approximate), hotels scattered within about 3 km
CENTRES = {
    "yuecheng": (120.582, 30.000),
    "keqiao": (120.495, 30.081),
    "shangyu": (120.868, 30.032),
    "zhuji": (120.236, 29.709),
    "shengzhou": (120.821, 29.587),
    "xinchang": (120.904, 29.500),
}
_TRADES = "越州鉴湖兰亭会稽稽山古越若耶东浦柯岩曹娥暨阳浣纱剡溪天姥沃洲大佛府山塔山迪荡镜湖书圣"
_KINDS = (("宾馆", 0), ("快捷酒店", 0), ("商务酒店", 3), ("民宿", 0), ("大酒店", 4), ("旅馆", 0))
_FMT = "%Y-%m-%d %H:%M:%S"


@dataclass(slots=True)
class Hotel:
    code: str
    name: str
    district: District
    address: str
    kind: str
    star: int
    lon: float
    lat: float


@dataclass(slots=True)
class Guest:
    name: str
    key: str  # the full ID number (the register's)
    male: bool
    birth: dt.date
    written: str = ""  # as the export writes it (masked, passport); "" = the full number
    id_type: str = "111"

    @property
    def number(self) -> str:
        return self.written or self.key


@dataclass(slots=True)
class _Plan:
    """What one planted hotel adds to the exports."""

    stays: list[dict[str, str]] = field(default_factory=list)
    visits: list[dict[str, str]] = field(default_factory=list)
    checks: list[dict[str, str]] = field(default_factory=list)
    reports: list[dict[str, str]] = field(default_factory=list)
    families: list[dict[str, str]] = field(default_factory=list)
    fixes: list[dict[str, str]] = field(default_factory=list)
    duplicates: list[dict[str, str]] = field(default_factory=list)


class _Maker:
    """People, hotels and rows with unique keys, from one random stream."""

    def __init__(self, county: County, rng: random.Random, copy: int) -> None:
        self.rng = rng
        self.names = NameMaker(rng)
        self.taken: set[str] = set(county.pop.by_key)
        self.copy = copy
        self.serial = 0
        self.hotels = 0
        self.households = 0

    def person(self, male: bool, birth: dt.date, district: District, surname: str | None = None) -> Guest:
        region = district.new_code if birth.year >= district.renamed else district.old_code
        while True:
            key = resident_id(region, birth, self.rng.randint(0, 499), male)
            if key not in self.taken:
                self.taken.add(key)
                return Guest(self.names.full(male, surname), key, male, birth)

    def hotel(self, district: District, n: int | None = None) -> Hotel:
        self.hotels += 1
        number = n if n is not None else 8000 + self.copy * 50 + self.hotels
        trade = _TRADES[(number * 2) % len(_TRADES) : (number * 2) % len(_TRADES) + 2]
        kind, star = _KINDS[number % len(_KINDS)]
        lon0, lat0 = CENTRES[district.key]
        street = self.rng.choice(district.streets)
        return Hotel(
            f"{district.new_code}{number:04d}",
            f"绍兴{trade}{kind}（{street}店{number}）",
            district,
            f"{district.prefix}{district.name}{street}{self.rng.randint(1, 300)}号",
            "民宿" if kind == "民宿" else ("酒店" if "酒店" in kind else "宾馆"),
            star,
            round(lon0 + self.rng.uniform(-0.03, 0.03), 6),
            round(lat0 + self.rng.uniform(-0.025, 0.025), 6),
        )

    def stay_id(self, hotel: Hotel, when: dt.datetime) -> str:
        self.serial += 1
        return f"{hotel.code}{when:%Y%m%d}{self.copy:02d}{self.serial:05d}"


def aged(day: dt.date, years: int, days: int = 0) -> dt.date:
    """The birth date of someone exactly ``years`` years and ``days`` days old on ``day``."""
    try:
        birthday = day.replace(year=day.year - years)
    except ValueError:  # 29 February
        birthday = day.replace(year=day.year - years, day=28)
    return birthday - dt.timedelta(days=days)


def stay_row(
    m: _Maker,
    guest: Guest,
    hotel: Hotel,
    room: str,
    checkin: dt.datetime,
    checkout: dt.datetime | None,
    *,
    stay_id: str | None = None,
) -> dict[str, str]:
    return {
        "ZKLSH": stay_id or m.stay_id(hotel, checkin),
        "XM": guest.name,
        "XB": "1" if guest.male else "2",
        "MZ": "01",
        "CSRQ": f"{guest.birth:%Y%m%d}",
        "ZJLX": guest.id_type,
        "ZJHM": guest.number,
        "LGBM": hotel.code,
        "LGMC": hotel.name,
        "FH": room,
        "RZSJ": checkin.strftime(_FMT),
        "LDSJ": checkout.strftime(_FMT) if checkout else "",
        "CJSJ": (checkin + dt.timedelta(minutes=m.rng.randint(1, 30))).strftime(_FMT),
    }


def family_row(
    household: str, p: Guest, relation: str, address: str, father: Guest | None, mother: Guest | None
) -> dict[str, str]:
    return {
        "HH": household,
        "GMSFHM": p.key,
        "XM": p.name,
        "XB": "1" if p.male else "2",
        "CSRQ": f"{p.birth:%Y%m%d}",
        "MZ": "01",
        "YHZGX": relation,
        "FQGMSFHM": father.key if father else "",
        "MQGMSFHM": mother.key if mother else "",
        "ZZ": address,
    }


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute)


def _subject(hotel: Hotel) -> Organization:
    return Organization(
        key=hotel.code,
        name=hotel.name,
        type="hotel",
        industry="住宿业",
        district=hotel.district.key,
        address=hotel.address,
        rep_name="",
        rep_key=None,
        rep_title="",
        rep_job="",
        established=dt.date(2010, 1, 1),
        capital=0,
    )


def _check(stay: dict[str, str], guardian: str, phone: str, relation: str, reported: bool) -> dict[str, str]:
    return {
        "ZKLSH": stay["ZKLSH"],
        "LGBM": stay["LGBM"],
        "JHRXM": guardian,
        "JHRLXDH": phone,
        "TZRYGX": relation,
        "SFBG": "是" if reported else "否",
        "BGSJ": stay["RZSJ"] if reported else "",
    }


def _family(m: _Maker, child: Guest, district: District, plan: _Plan, **kin: Guest) -> None:
    """The household rows of a child and its kin (father, mother, grandmother, sibling)."""
    m.households += 1
    household = f"{district.new_code}H{m.copy:02d}{m.households:05d}"
    address = f"{district.prefix}{district.name}{m.rng.choice(district.streets)}{m.rng.randint(1, 99)}号"
    father, mother = kin.get("father"), kin.get("mother")
    if father is not None:
        plan.families.append(family_row(household, father, "户主", address, None, None))
    if mother is not None:
        rel = "配偶" if father else "户主"
        plan.families.append(family_row(household, mother, rel, address, None, kin.get("grandmother")))
    plan.families.append(family_row(household, child, "子" if child.male else "女", address, father, mother))
    if "sibling" in kin:
        s = kin["sibling"]
        plan.families.append(family_row(household, s, "子" if s.male else "女", address, father, mother))
    if "grandmother" in kin:
        plan.families.append(family_row(household + "G", kin["grandmother"], "户主", address, None, None))


def plan(county: County, rng: random.Random, copy: int) -> list[Instance]:
    m = _Maker(county, rng, copy)
    start = dt.date(YEAR, 2, 1) + dt.timedelta(days=rng.randint(0, 30) + copy * 7)
    out: list[Instance] = []

    def day(offset: int) -> dt.date:
        return start + dt.timedelta(days=offset * 11)

    def district() -> District:
        return rng.choices(DISTRICTS, weights=[d.weight for d in DISTRICTS])[0]

    def instance(
        key: str, hotel: Hotel, positive: bool, band: str, rule: str, note: str, p: _Plan
    ) -> Instance:
        strength = {"red": "strong", "yellow": "medium"}.get(band, "near_miss") if positive else "near_miss"
        inst = Instance(
            PATTERN,
            f"{PATTERN}-{copy:02d}-{key}",
            positive,
            strength,
            _subject(hotel),
            [rule] if positive else [],
            note,
            figures={"band": band, "rule": rule},
            models=list(MODELS),
            rows={"hotels": [{"hotel": hotel}], "plan": [{"plan": p}]},
        )
        out.append(inst)
        return inst

    # red: a girl of 13 sharing a room with an unrelated man
    d = district()
    h, p, t = m.hotel(d), _Plan(), day(0)
    girl = m.person(False, aged(t, 13, 40), d)
    man = m.person(True, aged(t, 35, 100), d)
    man_row = stay_row(m, man, h, "812", _at(t, 21), _at(t + dt.timedelta(days=1), 10))
    girl_row = stay_row(m, girl, h, "0812", _at(t, 21, 10), _at(t + dt.timedelta(days=1), 10))
    p.stays += [man_row, girl_row]
    p.duplicates.append(dict(man_row))
    p.checks.append(_check(girl_row, "", "", "朋友", False))
    instance("red-girl-male", h, True, "red", "red_girl_male", "a girl of 13 with an unrelated man", p)

    # red: a girl of 12 visited at night by an unrelated man of 20
    d = district()
    h, p, t = m.hotel(d), _Plan(), day(1)
    girl = m.person(False, aged(t, 12, 200), d)
    visitor = m.person(True, aged(t, 20, 10), d)
    girl_row = stay_row(m, girl, h, "305", _at(t, 19), None)
    p.stays.append(girl_row)
    p.visits.append(
        {
            "FKLSH": f"FK{h.code}{t:%Y%m%d}01",
            "FKXM": visitor.name,
            "XB": "1",
            "ZJLX": "111",
            "ZJHM": visitor.key,
            "CSRQ": f"{visitor.birth:%Y%m%d}",
            "LGBM": h.code,
            "FH": "305",
            "BFZKLSH": girl_row["ZKLSH"],
            "FKSJ": _at(t, 22, 15).strftime(_FMT),
            "LKSJ": _at(t + dt.timedelta(days=1), 1, 40).strftime(_FMT),
        }
    )
    instance("red-visitor", h, True, "red", "red_girl_male", "a girl of 12 visited by an unrelated man", p)

    # red: three boys of 16, one reported drunk that night
    d = district()
    h, p, t = m.hotel(d), _Plan(), day(2)
    boys = [m.person(True, aged(t, 16, 30 + 20 * i), d) for i in range(3)]
    for i, b in enumerate(boys):
        p.stays.append(stay_row(m, b, h, "1203", _at(t, 20, 5 * i), _at(t + dt.timedelta(days=1), 11)))
    p.reports.append(
        {
            "JQBH": f"J{h.code}{t:%Y%m%d}001",
            "JJSJ": _at(t + dt.timedelta(days=1), 2, 10).strftime(_FMT),
            "JQLB": "醉酒",
            "BJNR": f"{h.name}1203房间有未成年人醉酒，呕吐不止",
            "FSDD": h.address,
            "CSBM": h.code,
            "DSRXM": boys[0].name,
            "DSRZJHM": boys[0].key,
            "DSRXB": "1",
            "DSRNL": "16",
            "CJJG": "已送医，通知监护人",
        }
    )
    instance("red-incident", h, True, "red", "red_incident", "boys of 16, one reported drunk", p)

    # yellow: a boy of 17 alone (masked number) and a girl of 16 on a passport
    d = district()
    h, p, t = m.hotel(d), _Plan(), day(3)
    boy = m.person(True, aged(t, 17, 250), d)
    boy.written = boy.key[:11] + "****" + boy.key[-4:]
    alone = stay_row(m, boy, h, "208", _at(t, 23), _at(t + dt.timedelta(days=1), 9))
    foreign = m.person(False, aged(t, 16, 90), d)
    foreign.written, foreign.id_type = f"E{rng.randint(10_000_000, 99_999_999)}", "414"
    p.stays += [alone, stay_row(m, foreign, h, "210", _at(t, 18), _at(t + dt.timedelta(days=2), 10))]
    p.checks.append(_check(alone, boy.name[0] + "某", "138****0000", "无同住人", False))
    instance(
        "yellow-alone", h, True, "yellow", "yellow_alone", "a boy of 17 alone; a girl of 16 on a passport", p
    )

    # yellow: a boy and a girl of 15 in one room
    d = district()
    h, p, t = m.hotel(d), _Plan(), day(4)
    boy, girl = m.person(True, aged(t, 15, 100), d), m.person(False, aged(t, 15, 60), d)
    p.stays += [
        stay_row(m, boy, h, "6-01", _at(t, 20), _at(t + dt.timedelta(days=1), 12)),
        stay_row(m, girl, h, "601", _at(t, 20, 2), _at(t + dt.timedelta(days=1), 12)),
    ]
    instance("yellow-peers", h, True, "yellow", "yellow_peers", "a boy and a girl of 15 together", p)

    # yellow: a girl of 15 with her aunt; a boy of 17 with a workmate
    d = district()
    h, p, t = m.hotel(d), _Plan(), day(5)
    girl, aunt = m.person(False, aged(t, 15, 10), d), m.person(False, aged(t, 41, 0), d)
    boy, mate = m.person(True, aged(t, 17, 5), d), m.person(True, aged(t, 30, 3), d)
    p.stays += [
        stay_row(m, aunt, h, "402", _at(t, 15), _at(t + dt.timedelta(days=2), 11)),
        stay_row(m, girl, h, "402", _at(t, 15, 1), _at(t + dt.timedelta(days=2), 11)),
        stay_row(m, mate, h, "515", _at(t, 22), _at(t + dt.timedelta(days=1), 7)),
        stay_row(m, boy, h, "515", _at(t, 22), _at(t + dt.timedelta(days=1), 7)),
    ]
    p.checks.append(_check(p.stays[1], aunt.name, "13905750000", "姑侄", True))
    instance("yellow-adult", h, True, "yellow", "yellow_adult", "minors with adults who are not guardians", p)

    # yellow (a near miss of red): a girl of 14 years and one day with a male friend of 19
    d = district()
    h, p, t = m.hotel(d), _Plan(), day(6)
    girl, friend = m.person(False, aged(t, 14, 1), d), m.person(True, aged(t, 19, 44), d)
    p.stays += [
        stay_row(m, friend, h, "1106", _at(t, 21), _at(t + dt.timedelta(days=1), 10)),
        stay_row(m, girl, h, "1106", _at(t, 21, 3), _at(t + dt.timedelta(days=1), 10)),
    ]
    instance(
        "yellow-girl-14", h, True, "yellow", "yellow_adult", "a girl of 14 years and one day with a man", p
    )

    # near miss: minors with guardians (father; grandmother; adult brother)
    d = district()
    h, p, t = m.hotel(d), _Plan(), day(7)
    father, mother = m.person(True, aged(t, 42, 5), d), m.person(False, aged(t, 40, 8), d)
    girl = m.person(False, aged(t, 13, 20), d, father.name[0])
    _family(m, girl, d, p, father=father, mother=mother)
    grandmother = m.person(False, aged(t, 66, 1), d)
    grandmother.written = grandmother.key[:11] + "****" + grandmother.key[-4:]  # matched on name + digits
    dad2, mum2 = m.person(True, aged(t, 38, 2), d), m.person(False, aged(t, 37, 9), d)
    boy = m.person(True, aged(t, 10, 70), d, dad2.name[0])
    _family(m, boy, d, p, father=dad2, mother=mum2, grandmother=grandmother)
    dad3 = m.person(True, aged(t, 50, 2), d)
    sister, brother = (
        m.person(False, aged(t, 12, 9), d, dad3.name[0]),
        m.person(True, aged(t, 20, 9), d, dad3.name[0]),
    )
    _family(m, sister, d, p, father=dad3, sibling=brother)
    p.stays += [
        stay_row(m, father, h, "701", _at(t, 19), _at(t + dt.timedelta(days=1), 9)),
        stay_row(m, girl, h, "701", _at(t, 19), _at(t + dt.timedelta(days=1), 9)),
        stay_row(m, grandmother, h, "702", _at(t, 14), _at(t + dt.timedelta(days=3), 10)),
        stay_row(m, boy, h, "702", _at(t, 14, 1), _at(t + dt.timedelta(days=3), 10)),
        stay_row(m, brother, h, "703", _at(t, 16), _at(t + dt.timedelta(days=1), 12)),
        stay_row(m, sister, h, "703", _at(t, 16), _at(t + dt.timedelta(days=1), 12)),
    ]
    instance(
        "nm-guardians", h, False, "green", "green_guardian", "minors with a parent, grandparent, brother", p
    )

    # near miss: a man left the room that morning, another took it after the girl and her mother
    d = district()
    h, p, t = m.hotel(d), _Plan(), day(8)
    mother = m.person(False, aged(t, 39, 30), d)
    girl = m.person(False, aged(t, 13, 150), d, mother.name[0])
    _family(m, girl, d, p, mother=mother)
    before, after = m.person(True, aged(t, 45, 1), d), m.person(True, aged(t, 33, 1), d)
    before_row = stay_row(m, before, h, "1001", _at(t - dt.timedelta(days=1), 20), None)
    fixed = dict(before_row, LDSJ=_at(t, 10, 30).strftime(_FMT))
    p.fixes.append(fixed)
    p.stays += [
        before_row,
        stay_row(m, mother, h, "1001", _at(t, 14), _at(t + dt.timedelta(days=1), 11)),
        stay_row(m, girl, h, "1001", _at(t, 14), _at(t + dt.timedelta(days=1), 11)),
        stay_row(m, after, h, "1001", _at(t + dt.timedelta(days=1), 15), _at(t + dt.timedelta(days=2), 11)),
    ]
    instance(
        "nm-no-overlap",
        h,
        False,
        "green",
        "green_guardian",
        "men in the room before and after, not during",
        p,
    )

    # near miss: adults who look young (18 and one day; a masked number of 17 or 18)
    d = district()
    h, p, t = m.hotel(d), _Plan(), day(9)
    adult = m.person(False, aged(t, 18, 1), d)
    unsure = m.person(True, dt.date(t.year - 18, 1, 15), d)
    unsure.written = unsure.key[:11] + "****" + unsure.key[-4:]
    p.stays += [
        stay_row(m, adult, h, "301", _at(t, 20), _at(t + dt.timedelta(days=1), 9)),
        stay_row(m, unsure, h, "302", _at(t, 20), _at(t + dt.timedelta(days=1), 9)) | {"CSRQ": ""},
    ]
    instance("nm-adults", h, False, "none", "adult", "an 18-year-old and a masked number of 17 or 18", p)
    return out


# -- the writer ------------------------------------------------------------------------------


def _write_csv(path: Path, headers: tuple[str, ...], rows: list[dict[str, str]], encoding: str) -> int:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(headers), lineterminator="\r\n")
        w.writeheader()
        w.writerows(rows)
    return len(rows)


def _background(
    county: County, rng: random.Random, planted: list[Hotel], taken: set[str]
) -> tuple[list[Hotel], _Plan]:
    """Honest hotels: adults alone or in couples, minors with a registered parent."""
    m = _Maker(county, rng, 99)
    m.taken |= taken
    p = _Plan()
    hotels = []
    for i in range(max(30, county.documents // 600)):
        d = rng.choices(DISTRICTS, weights=[x.weight for x in DISTRICTS])[0]
        hotels.append(m.hotel(d, 6000 + i))  # 6000+: apart from other exports of the same police
    n_stays = max(1500, county.documents // 4)
    first = dt.date(YEAR, 1, 1).toordinal()
    made = 0
    while made < n_stays:
        h = rng.choice(hotels)
        day = dt.date.fromordinal(first + rng.randint(0, 360))
        checkin = _at(day, rng.randint(12, 23), rng.randint(0, 59))
        nights = rng.choice((1, 1, 1, 2, 3))
        checkout = _at(day + dt.timedelta(days=nights), rng.randint(7, 12), rng.randint(0, 59))
        room_no = f"{rng.randint(1, 12)}{rng.randint(1, 30):02d}"
        room = f"0{room_no}" if len(room_no) == 3 and rng.random() < 0.1 else room_no
        d = h.district
        r = rng.random()
        if r < 0.01:  # a minor with a registered parent
            parent = m.person(rng.random() < 0.5, aged(day, rng.randint(30, 50), rng.randint(0, 300)), d)
            child = m.person(rng.random() < 0.5, aged(day, rng.randint(3, 17), rng.randint(0, 300)), d)
            kin = {"father": parent} if parent.male else {"mother": parent}
            _family(m, child, d, p, **kin)
            guests = [parent, child]
        elif r < 0.45:  # a couple
            guests = [
                m.person(True, aged(day, rng.randint(20, 65), rng.randint(0, 300)), d),
                m.person(False, aged(day, rng.randint(20, 65), rng.randint(0, 300)), d),
            ]
        else:
            guests = [m.person(rng.random() < 0.7, aged(day, rng.randint(19, 75), rng.randint(0, 300)), d)]
        for g in guests:
            if day.year - g.birth.year >= 20 and rng.random() < 0.05:
                g.written = g.key[:11] + "****" + g.key[-4:]
            forgot = rng.random() < 0.02
            row = stay_row(
                m, g, h, room, checkin + dt.timedelta(minutes=len(p.stays) % 3), None if forgot else checkout
            )
            if forgot and rng.random() < 0.5:
                row["LDSJ"] = row["RZSJ"]  # entered as the check-in time
            if forgot and rng.random() < 0.6:
                p.fixes.append(dict(row, LDSJ=checkout.strftime(_FMT)))
            if rng.random() < 0.03:
                p.duplicates.append(dict(row))
            p.stays.append(row)
            made += 1
    return hotels, p


def write(out: Path, county: County, instances: list[Instance]) -> dict[str, int]:
    """The police exports for every hotel, planted and background."""
    rng = stream(county.seed, f"registers:{PATTERN}")
    out.mkdir(parents=True, exist_ok=True)
    planted_hotels: list[Hotel] = [r["hotel"] for i in instances for r in i.rows.get("hotels", [])]
    plans: list[_Plan] = [r["plan"] for i in instances for r in i.rows.get("plan", [])]
    taken = {row["GMSFHM"] for pl in plans for row in pl.families} | {
        row["ZJHM"] for pl in plans for row in pl.stays
    }
    hotels, background = _background(county, rng, planted_hotels, taken)
    everything = [*plans, background]
    stays = sorted((r for pl in everything for r in pl.stays), key=lambda r: (r["RZSJ"], r["ZKLSH"]))
    first = [r for r in stays if r["RZSJ"][:7] <= f"{YEAR}-06"]
    second = [r for r in stays if r["RZSJ"][:7] >= f"{YEAR}-06"]  # June in both: re-exported rows
    dups = [r for pl in everything for r in pl.duplicates]
    fixes = [r for pl in everything for r in pl.fixes]
    hotel_rows = [
        {
            "LGBM": h.code,
            "LGMC": h.name,
            "LGDZ": h.address,
            "LGDZQH": h.district.new_code,
            "SSQX": h.district.name,
            "TYSHXYDM": "",
            "LGLX": h.kind,
            "XJ": {0: "未评定", 3: "三星级", 4: "四星级"}.get(h.star, str(h.star)),
            "LXDH": f"0575-8{rng.randint(1_000_000, 9_999_999)}",
            "JD": f"{h.lon:.6f}",
            "WD": f"{h.lat:.6f}",
        }
        for h in sorted(hotels + planted_hotels, key=lambda h: h.code)
    ]
    headers = HEADERS[STAYS_H1]
    counts = {
        HOTEL_FILE: _write_csv(out / HOTEL_FILE, HEADERS[HOTEL_FILE], hotel_rows, "utf-8-sig"),
        STAYS_H1: _write_csv(out / STAYS_H1, headers, first + dups, "utf-8-sig"),
        STAYS_H2: _write_csv(out / STAYS_H2, headers, second, "gb18030"),
        STAYS_FIX: _write_csv(out / STAYS_FIX, headers, fixes, "utf-8"),
    }
    for name, attr in ((VISITS, "visits"), (CHECKS, "checks"), (REPORTS, "reports"), (FAMILIES, "families")):
        rows = [r for pl in everything for r in getattr(pl, attr)]
        counts[name] = _write_csv(out / name, HEADERS[name], rows, "utf-8")
    return counts
