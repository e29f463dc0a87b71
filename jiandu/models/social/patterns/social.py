"""The social-security and sentence exports of the synthetic county, with planted positives and
near misses of the three social models (patterns ``social_benefits``, ``social_corrections``,
``social_penalties``; one writer per pattern, each writing its own agency files).

social_benefits (social.benefits_after_death_or_in_prison)
  strong    death       a retiree dead in spring (民政 火化 and 公安 注销 rows), paid to December;
                        a 15-digit number in the pension files
            prison      a retiree in prison since February, still paid every month
  medium    late        a rural pensioner dead in May whose death 卫健 registered in August: three
                        small months paid (yellow)
  near miss death_month paid for the month of death only
            corrected   a 民政 death date corrected months later by a new record: paid to the
                        corrected month only
            released    released from prison in March, paid again from March
            lag         dead in October, paid one month after (the tolerated registration lag)
social_corrections (social.community_correction_gaps)
  strong    never       a suspended sentence in force since April, never registered
            exit        registered, then leaves the country on a passport without leave (a
                        refused leave request in the register)
  medium    late        管制 reported on the 24th day
  near miss tenth_day   reported on the 10th day after the judgment took effect
            leave       leaves for Hong Kong on a permit inside an approved leave
            after_term  leaves the country after the correction term ended
social_penalties (social.property_penalty_unexecuted)
  strong    flat        a fine unpaid while a flat stays registered to the convict
            account     a fine unpaid while the prison account holds more than it
  medium    partial     a fine unpaid while the account holds part of it
  near miss instalments a fine paid in three instalments, each on time
            no_means    a fine unpaid by a convict with 120 yuan and no property

Background: ``max(200, documents // 50)`` pensioners paid for 2024 (some die or go to prison
and are stopped as the rules say), sentences reported in time, penalties paid. Files in the
agencies' layouts (brief sources.md §7): Chinese headers (人社, 民政, 监狱, 法院), pinyin (公安,
司法行政, 移民管理), two half-year pension files overlapping by June (UTF-8 with BOM and
GB18030: re-sent rows are duplicates), a GB18030 卫健 file, a late correction row.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jiandu.synth import courts as C
from jiandu.synth.county import County
from jiandu.synth.exports import PROPERTY_COLUMNS
from jiandu.synth.geography import DISTRICTS, District
from jiandu.synth.ids import resident_id
from jiandu.synth.names import NameMaker
from jiandu.synth.patterns import Instance
from jiandu.synth.people import Person
from jiandu.synth.registers import HOUSEHOLD_COLUMNS
from jiandu.synth.rng import stream

BENEFITS = "social_benefits"
CORRECTIONS = "social_corrections"
PENALTIES = "social_penalties"
MODEL_BENEFITS = "social.benefits_after_death_or_in_prison"
MODEL_CORRECTIONS = "social.community_correction_gaps"
MODEL_PENALTIES = "social.property_penalty_unexecuted"
YEAR = 2024

PAY_H1 = "养老金发放明细_2024年1-6月.csv"
PAY_H2 = "养老金发放明细_2024年6-12月.csv"
CREMATIONS = "殡葬火化登记_2024.csv"
CERTIFICATES = "死亡医学证明_2024.csv"
DEREGISTRATIONS = "户口注销_死亡_2024.csv"
PRISON = "服刑人员名册_2024.csv"
ACCOUNTS = "罪犯个人账户余额_2024.csv"
SENTENCES = "刑事判决生效信息_2024.csv"
CORRECTION_REG = "社区矫正对象信息_2024.csv"
LEAVES = "社区矫正请假外出_2024.csv"
CROSSINGS = "边检出入境记录_2024.csv"
DOCUMENTS = "出入境证件_社区矫正人员.csv"
PENALTY_FILE = "财产刑执行_2024.csv"
PAYMENTS = "财产刑缴款记录_2024.csv"
PROPERTY = "不动产登记_财产刑人员.csv"

HEADERS: dict[str, tuple[str, ...]] = {
    PAY_H1: (
        "社会保障号码",
        "姓名",
        "险种",
        "发放年月",
        "应发金额",
        "实发金额",
        "发放账号",
        "待遇状态",
        "暂停原因",
        "经办机构",
        "参保地",
    ),
    CREMATIONS: (
        "火化证明编号",
        "逝者姓名",
        "身份证号",
        "死亡日期",
        "死亡原因",
        "火化日期",
        "殡仪馆",
        "户籍地",
        "登记日期",
        "更正记录编号",
    ),
    CERTIFICATES: (
        "死亡医学证明编号",
        "姓名",
        "身份证件号码",
        "死亡时间",
        "死亡地点",
        "根本死因",
        "开具日期",
    ),
    DEREGISTRATIONS: ("ZXJLBH", "XM", "GMSFHM", "SWRQ", "ZXRQ", "ZXYY", "HJDZ"),
    PRISON: (
        "罪犯编号",
        "姓名",
        "身份证号",
        "刑种",
        "案号",
        "刑期起日",
        "刑期止日",
        "入监日期",
        "出监日期",
        "出监原因",
        "监狱名称",
        "户籍地",
    ),
    ACCOUNTS: ("罪犯编号", "姓名", "身份证号", "监狱名称", "余额日期", "账户余额", "本期收入"),
    SENTENCES: (
        "C_AH",
        "C_FYMC",
        "C_XM",
        "C_ZJHM",
        "C_ZX",
        "N_XQ",
        "C_SFHX",
        "N_HXKYQ",
        "N_FJ",
        "N_MSCC",
        "D_PJRQ",
        "D_SXRQ",
        "C_JZZXD",
    ),
    CORRECTION_REG: (
        "JZDXBH",
        "XM",
        "SFZH",
        "JZLB",
        "AH",
        "FLWSSDSJ",
        "BDRQ",
        "SQJZKSRQ",
        "SQJZJSRQ",
        "ZXD",
        "SFS",
        "JZZT",
    ),
    LEAVES: ("QJBH", "JZDXBH", "XM", "SFZH", "WCMDD", "WCSY", "WCKSRQ", "WCJSRQ", "SPJG", "SPRQ"),
    CROSSINGS: ("XM", "XB", "CSRQ", "GJ", "ZJZL", "ZJHM", "CRJBS", "CRJSJ", "KA", "JTGJ", "QWGJ"),
    DOCUMENTS: (
        "公民身份号码",
        "姓名",
        "性别",
        "出生日期",
        "证件种类",
        "证件号码",
        "签发日期",
        "有效期至",
        "证件状态",
    ),
    PENALTY_FILE: (
        "执行案号",
        "刑事案号",
        "执行法院",
        "被执行人",
        "身份证号",
        "财产刑种类",
        "期次",
        "应缴金额",
        "缴纳期限",
        "判决金额",
    ),
    PAYMENTS: ("票据号", "案号", "缴款人", "身份证号", "缴纳日期", "缴纳金额", "缴纳方式"),
    PROPERTY: PROPERTY_COLUMNS,
}
SCHEMES = {
    "enterprise": "企业职工基本养老保险",
    "rural": "城乡居民基本养老保险",
    "public": "机关事业单位养老保险",
}
PRISONS = ("浙江省第一监狱", "浙江省第四监狱", "浙江省十里坪监狱")
FUNERAL = {"yuecheng": "绍兴市殡仪馆", "keqiao": "柯桥区殡仪馆", "shangyu": "上虞区殡仪馆"}


def _d(day: dt.date | None) -> str:
    return "" if day is None else day.isoformat()


@dataclass(slots=True)
class _Rows:
    """Rows one instance (or the background) adds to the exports, by file."""

    files: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    def add(self, name: str, row: dict[str, str]) -> dict[str, str]:
        self.files.setdefault(name, []).append(row)
        return row


class _Maker:
    """People with unique ID numbers and serial numbers, from one random stream."""

    def __init__(self, county: County, rng: random.Random, tag: int) -> None:
        self.rng = rng
        self.names = NameMaker(rng)
        self.taken: set[str] = set(county.pop.by_key)
        self.tag = tag
        self.serial = 0

    def person(self, birth_year: int, male: bool | None = None, district: District | None = None) -> Person:
        d = district or self.rng.choices(DISTRICTS, weights=[x.weight for x in DISTRICTS])[0]
        male = self.rng.random() < 0.5 if male is None else male
        birth = dt.date(birth_year, self.rng.randint(1, 12), self.rng.randint(1, 28))
        region = d.new_code if birth.year >= d.renamed else d.old_code
        while True:  # each pattern and the background draw from their own hundred sequence codes
            key = resident_id(region, birth, (self.tag // 10 % 5) * 100 + self.rng.randint(0, 99), male)
            if key not in self.taken:
                self.taken.add(key)
                break
        street = self.rng.choice(d.streets)
        address = f"{d.prefix}{d.name}{street}{self.rng.randint(1, 200)}号"
        return Person(key, self.names.full(male), male, birth, "汉族", d.key, address, 0, "户主")

    def next(self) -> int:
        self.serial += 1
        return self.tag * 10_000 + self.serial


def district_of(p: Person) -> District:
    return next(d for d in DISTRICTS if d.key == p.district)


def short_id(key: str) -> str:
    """The 15-digit form of an 18-digit number born in the 1900s (as old records carry it)."""
    return key[:6] + key[8:17]


# -- pensions, deaths, prison -------------------------------------------------------------------


def _agency(d: District) -> str:
    return f"绍兴市{d.name}社会保险事业管理中心"


def pension_rows(
    rows: _Rows,
    p: Person,
    scheme: str,
    amount: float,
    months: range,
    *,
    written: str = "",
    stopped: str = "",
) -> None:
    """Monthly payments of 2024 for ``months`` (1..12); later months written as 暂停/终止 with
    nothing paid when ``stopped`` names the reason."""
    d = district_of(p)
    account = f"6228{zlib.crc32(p.key.encode()) % 10**12:012d}"
    for m in range(1, 13):
        paid = m in months
        if not paid and not stopped:
            continue
        status = "正常" if paid else ("终止" if stopped == "死亡" else "暂停")
        rows.add(
            PAY_H1,
            {
                "社会保障号码": written or p.key,
                "姓名": p.name,
                "险种": SCHEMES[scheme],
                "发放年月": f"{YEAR}{m:02d}",
                "应发金额": f"{amount:.2f}",
                "实发金额": f"{amount:.2f}" if paid else "0.00",
                "发放账号": account,
                "待遇状态": status,
                "暂停原因": "" if paid else stopped,
                "经办机构": _agency(d),
                "参保地": d.name,
            },
        )


def cremation_row(
    rows: _Rows, m: _Maker, p: Person, died: dt.date, recorded: dt.date, corrects: str = ""
) -> str:
    d = district_of(p)
    number = f"HH{YEAR}{m.next():07d}"
    rows.add(
        CREMATIONS,
        {
            "火化证明编号": number,
            "逝者姓名": p.name,
            "身份证号": p.key,
            "死亡日期": died.strftime("%Y年%m月%d日"),
            "死亡原因": m.rng.choice(("疾病", "疾病", "衰老", "意外")),
            "火化日期": _d(died + dt.timedelta(days=3)),
            "殡仪馆": FUNERAL.get(d.key, "绍兴市殡仪馆"),
            "户籍地": p.address,
            "登记日期": _d(recorded),
            "更正记录编号": corrects,
        },
    )
    return number


def certificate_row(rows: _Rows, m: _Maker, p: Person, died: dt.date, issued: dt.date) -> None:
    rows.add(
        CERTIFICATES,
        {
            "死亡医学证明编号": f"N33{m.next():08d}",
            "姓名": p.name,
            "身份证件号码": p.key,
            "死亡时间": f"{died.isoformat()} {m.rng.randint(0, 23):02d}:{m.rng.randint(0, 59):02d}:00",
            "死亡地点": m.rng.choice(("家中", "医疗卫生机构")),
            "根本死因": m.rng.choice(("脑梗死", "慢性阻塞性肺病", "冠心病", "肺恶性肿瘤")),
            "开具日期": _d(issued),
        },
    )


def deregistration_row(rows: _Rows, m: _Maker, p: Person, died: dt.date, done: dt.date) -> None:
    rows.add(
        DEREGISTRATIONS,
        {
            "ZXJLBH": f"ZX{m.next():08d}",
            "XM": p.name,
            "GMSFHM": p.key,
            "SWRQ": died.strftime("%Y%m%d"),
            "ZXRQ": done.strftime("%Y%m%d"),
            "ZXYY": "死亡",
            "HJDZ": p.address,
        },
    )


def prison_row(
    rows: _Rows, m: _Maker, p: Person, admitted: dt.date, released: dt.date | None, reason: str = ""
) -> str:
    number = f"33{m.next():08d}"
    court = m.rng.choice(C.BASIC_COURTS)
    start = admitted - dt.timedelta(days=m.rng.randint(30, 90))
    rows.add(
        PRISON,
        {
            "罪犯编号": number,
            "姓名": p.name,
            "身份证号": p.key,
            "刑种": "有期徒刑",
            "案号": f"（{admitted.year}）{court.code}刑初{8000 + m.next() % 1000}号",
            "刑期起日": _d(start),
            "刑期止日": _d(released or start + dt.timedelta(days=3 * 365)),
            "入监日期": _d(admitted),
            "出监日期": _d(released),
            "出监原因": reason,
            "监狱名称": m.rng.choice(PRISONS),
            "户籍地": p.address,
        },
    )
    return number


def _person_instance(
    pattern: str,
    copy: int,
    key: str,
    p: Person,
    positive: bool,
    strength: str,
    model: str,
    note: str,
    rows: _Rows,
) -> Instance:
    return Instance(
        pattern,
        f"{pattern}-{copy:02d}-{key}",
        positive,
        strength if positive else "near_miss",
        p,
        [key] if positive else [],
        note,
        figures={"rule": key},
        models=[model],
        rows={"files": [{"rows": rows}]},
    )


def plan_benefits(county: County, rng: random.Random, copy: int) -> list[Instance]:
    m = _Maker(county, rng, 10 + copy)
    out: list[Instance] = []

    def add(key: str, p: Person, positive: bool, strength: str, note: str, rows: _Rows) -> None:
        out.append(_person_instance(BENEFITS, copy, key, p, positive, strength, MODEL_BENEFITS, note, rows))

    # strong: dead on 12 March, paid to December (15-digit number in the pension files)
    r, p = _Rows(), m.person(rng.randint(1935, 1945))
    died = dt.date(YEAR, 3, 12)
    pension_rows(r, p, "enterprise", 3126.50, range(1, 13), written=short_id(p.key))
    cremation_row(r, m, p, died, died + dt.timedelta(days=4))
    deregistration_row(r, m, p, died, died + dt.timedelta(days=20))
    add("death", p, True, "strong", "dead in March, paid to December", r)

    # strong: in prison since 8 February, paid every month
    r, p = _Rows(), m.person(rng.randint(1955, 1962), male=True)
    pension_rows(r, p, "enterprise", 2890.00, range(1, 13))
    prison_row(r, m, p, dt.date(YEAR, 2, 8), None)
    add("prison", p, True, "strong", "in prison since February, paid every month", r)

    # medium: dead in May, registered by 卫健 only in August, paid June to August (small amounts)
    r, p = _Rows(), m.person(rng.randint(1938, 1948))
    died = dt.date(YEAR, 5, 17)
    pension_rows(r, p, "rural", 236.00, range(1, 9), stopped="死亡")
    certificate_row(r, m, p, died, dt.date(YEAR, 8, 26))
    add("late", p, True, "medium", "dead in May, registered in August, three months paid", r)

    # near miss: paid for the month of death only
    r, p = _Rows(), m.person(rng.randint(1935, 1948))
    died = dt.date(YEAR, 6, 20)
    pension_rows(r, p, "enterprise", 2710.00, range(1, 7), stopped="死亡")
    cremation_row(r, m, p, died, died + dt.timedelta(days=2))
    add("nm-death-month", p, False, "", "paid for the month of death itself", r)

    # near miss: a 民政 death date corrected months later (the first record was wrong)
    r, p = _Rows(), m.person(rng.randint(1935, 1948))
    wrong = cremation_row(r, m, p, dt.date(YEAR, 2, 10), dt.date(YEAR, 2, 14))
    cremation_row(r, m, p, dt.date(YEAR, 9, 3), dt.date(YEAR, 10, 9), corrects=wrong)
    pension_rows(r, p, "enterprise", 2980.00, range(1, 10), stopped="死亡")
    add("nm-corrected", p, False, "", "death record corrected from February to September", r)

    # near miss: released in March, paid again from March
    r, p = _Rows(), m.person(rng.randint(1955, 1962), male=True)
    prison_row(r, m, p, dt.date(YEAR - 1, 5, 20), dt.date(YEAR, 3, 15), "刑满释放")
    pension_rows(r, p, "enterprise", 2650.00, range(3, 13))
    add("nm-released", p, False, "", "released in March, paid from March", r)

    # near miss: dead in October, one month paid after (the tolerated registration lag)
    r, p = _Rows(), m.person(rng.randint(1935, 1948))
    died = dt.date(YEAR, 10, 28)
    pension_rows(r, p, "rural", 236.00, range(1, 12), stopped="死亡")
    deregistration_row(r, m, p, died, dt.date(YEAR, 11, 30))
    add("nm-lag", p, False, "", "dead in October, one month paid after", r)
    return out


# -- community correction ------------------------------------------------------------------------


def _court(rng: random.Random, d: District) -> C.Court:
    return C.COURT_OF_DISTRICT.get(d.key) or rng.choice(C.BASIC_COURTS)


def sentence_row(
    rows: _Rows,
    m: _Maker,
    p: Person,
    effective: dt.date,
    *,
    penalty: str = "有期徒刑",
    probation: bool = True,
    fine: int = 0,
) -> str:
    d = district_of(p)
    court = _court(m.rng, d)
    number = f"（{effective.year}）{court.code}刑初{9000 + m.next() % 1000}号"
    rows.add(
        SENTENCES,
        {
            "C_AH": number,
            "C_FYMC": court.name,
            "C_XM": p.name,
            "C_ZJHM": p.key,
            "C_ZX": penalty,
            "N_XQ": str(m.rng.choice((6, 8, 10, 12, 18))),
            "C_SFHX": "是" if probation else "否",
            "N_HXKYQ": str(m.rng.choice((12, 18, 24))) if probation else "",
            "N_FJ": str(fine) if fine else "",
            "N_MSCC": "",
            "D_PJRQ": _d(effective - dt.timedelta(days=12)),
            "D_SXRQ": _d(effective),
            "C_JZZXD": d.name,
        },
    )
    return number


def correction_row(
    rows: _Rows, m: _Maker, p: Person, case: str, effective: dt.date, reported: dt.date | None, category: str
) -> str:
    d = district_of(p)
    number = f"JZ{m.next():08d}"
    start = reported or effective
    rows.add(
        CORRECTION_REG,
        {
            "JZDXBH": number,
            "XM": p.name,
            "SFZH": p.key,
            "JZLB": {"管制": "1", "缓刑": "2", "假释": "3", "暂予监外执行": "4"}[category],
            "AH": case,
            "FLWSSDSJ": _d(effective + dt.timedelta(days=3)),
            "BDRQ": _d(reported),
            "SQJZKSRQ": _d(start),
            "SQJZJSRQ": _d(start + dt.timedelta(days=365)),
            "ZXD": d.name,
            "SFS": f"{m.rng.choice(d.streets)}司法所",
            "JZZT": "在矫",
        },
    )
    return number


def document_row(rows: _Rows, m: _Maker, p: Person, kind: str) -> str:
    prefix = {"414": "E", "516": "C"}[kind]
    number = f"{prefix}{m.next():08d}"
    rows.add(
        DOCUMENTS,
        {
            "公民身份号码": p.key,
            "姓名": p.name,
            "性别": "1" if p.male else "2",
            "出生日期": p.birth.strftime("%Y%m%d"),
            "证件种类": kind,
            "证件号码": number,
            "签发日期": "2019-04-02",
            "有效期至": "2029-04-01",
            "证件状态": "有效",
        },
    )
    return number


def crossing_rows(
    rows: _Rows, p: Person, kind: str, doc: str, out: dt.datetime, back: dt.datetime | None, where: str
) -> None:
    port, flight = ("萧山机场", "CA0707") if kind == "414" else ("罗湖口岸", "")
    for direction, when in (("1", out), ("2", back)):
        if when is None:
            continue
        rows.add(
            CROSSINGS,
            {
                "XM": p.name,
                "XB": "1" if p.male else "2",
                "CSRQ": p.birth.strftime("%Y%m%d"),
                "GJ": "CHN",
                "ZJZL": kind,
                "ZJHM": doc.lower() if direction == "2" else doc,  # entered in lower case once
                "CRJBS": direction,
                "CRJSJ": when.strftime("%Y-%m-%d %H:%M:%S"),
                "KA": port,
                "JTGJ": flight,
                "QWGJ": where,
            },
        )


def leave_row(
    rows: _Rows,
    m: _Maker,
    p: Person,
    correction: str,
    start: dt.date,
    end: dt.date,
    where: str,
    approved: bool,
) -> None:
    rows.add(
        LEAVES,
        {
            "QJBH": f"QJ{m.next():08d}",
            "JZDXBH": correction,
            "XM": p.name,
            "SFZH": p.key,
            "WCMDD": where,
            "WCSY": m.rng.choice(("探亲", "就医", "商务")),
            "WCKSRQ": _d(start),
            "WCJSRQ": _d(end),
            "SPJG": "批准" if approved else "不批准",
            "SPRQ": _d(start - dt.timedelta(days=5)),
        },
    )


def plan_corrections(county: County, rng: random.Random, copy: int) -> list[Instance]:
    m = _Maker(county, rng, 20 + copy)
    out: list[Instance] = []

    def add(key: str, p: Person, positive: bool, strength: str, note: str, rows: _Rows) -> None:
        out.append(
            _person_instance(CORRECTIONS, copy, key, p, positive, strength, MODEL_CORRECTIONS, note, rows)
        )

    def adult() -> Person:
        return m.person(rng.randint(1965, 1998))

    # strong: a suspended sentence in force since April, never registered
    r, p = _Rows(), adult()
    sentence_row(r, m, p, dt.date(YEAR, 4, 10))
    add("never", p, True, "strong", "suspended sentence never registered", r)

    # medium: 管制 reported on the 24th day
    r, p = _Rows(), adult()
    effective = dt.date(YEAR, 5, 6)
    case = sentence_row(r, m, p, effective, penalty="管制", probation=False)
    correction_row(r, m, p, case, effective, effective + dt.timedelta(days=24), "管制")
    add("late", p, True, "medium", "管制 reported on the 24th day", r)

    # strong: registered, then abroad on a passport without leave (the request was refused)
    r, p = _Rows(), adult()
    effective = dt.date(YEAR, 3, 4)
    case = sentence_row(r, m, p, effective)
    reg = correction_row(r, m, p, case, effective, effective + dt.timedelta(days=6), "缓刑")
    doc = document_row(r, m, p, "414")
    out_at = dt.datetime(YEAR, 8, 14, 9, 40)
    crossing_rows(r, p, "414", doc, out_at, out_at + dt.timedelta(days=11, hours=5), "泰国")
    leave_row(r, m, p, reg, dt.date(YEAR, 8, 13), dt.date(YEAR, 8, 25), "泰国", approved=False)
    add("exit", p, True, "strong", "abroad without leave (request refused)", r)

    # near miss: reported on the 10th day
    r, p = _Rows(), adult()
    effective = dt.date(YEAR, 6, 11)
    case = sentence_row(r, m, p, effective)
    correction_row(r, m, p, case, effective, effective + dt.timedelta(days=10), "缓刑")
    add("nm-tenth-day", p, False, "", "reported on the 10th day", r)

    # near miss: to Hong Kong on a permit inside an approved leave
    r, p = _Rows(), adult()
    effective = dt.date(YEAR, 2, 19)
    case = sentence_row(r, m, p, effective)
    reg = correction_row(r, m, p, case, effective, effective + dt.timedelta(days=3), "缓刑")
    doc = document_row(r, m, p, "516")
    out_at = dt.datetime(YEAR, 7, 2, 8, 15)
    leave_row(r, m, p, reg, dt.date(YEAR, 7, 1), dt.date(YEAR, 7, 6), "香港", approved=True)
    crossing_rows(r, p, "516", doc, out_at, out_at + dt.timedelta(days=3), "香港")
    add("nm-leave", p, False, "", "abroad inside an approved leave", r)

    # near miss: abroad after the correction term ended
    r, p = _Rows(), adult()
    effective = dt.date(YEAR - 1, 9, 1)
    case = sentence_row(r, m, p, effective)
    correction_row(r, m, p, case, effective, effective + dt.timedelta(days=5), "缓刑")  # a year's term
    doc = document_row(r, m, p, "414")
    out_at = dt.datetime(YEAR, 10, 20, 13, 5)
    crossing_rows(r, p, "414", doc, out_at, out_at + dt.timedelta(days=7), "日本")
    add("nm-after-term", p, False, "", "abroad after the term ended", r)
    return out


# -- property penalties ---------------------------------------------------------------------------


def penalty_rows(
    rows: _Rows, m: _Maker, p: Person, total: int, dues: list[tuple[int, dt.date]]
) -> tuple[str, str]:
    d = district_of(p)
    court = _court(m.rng, d)
    case = f"（{YEAR - 1}）{court.code}刑初{7000 + m.next() % 1000}号"
    execution = f"（{YEAR}）{court.code}执{5000 + m.next() % 1000}号"
    for i, (amount, due) in enumerate(dues, start=1):
        rows.add(
            PENALTY_FILE,
            {
                "执行案号": execution,
                "刑事案号": case,
                "执行法院": court.name,
                "被执行人": p.name,
                "身份证号": p.key,
                "财产刑种类": "罚金",
                "期次": str(i),
                "应缴金额": str(amount),
                "缴纳期限": _d(due),
                "判决金额": str(total),
            },
        )
    return case, court.name


def payment_row(rows: _Rows, m: _Maker, p: Person, case: str, paid: dt.date, amount: int) -> None:
    rows.add(
        PAYMENTS,
        {
            "票据号": f"FS{m.next():09d}",
            "案号": case,
            "缴款人": p.name,
            "身份证号": p.key,
            "缴纳日期": _d(paid),
            "缴纳金额": f"{amount:.2f}",
            "缴纳方式": m.rng.choice(("银行转账", "监狱账户划扣")),
        },
    )


def account_rows(
    rows: _Rows, m: _Maker, p: Person, inmate: str, balances: list[tuple[dt.date, float, float]]
) -> None:
    for when, balance, income in balances:
        rows.add(
            ACCOUNTS,
            {
                "罪犯编号": inmate,
                "姓名": p.name,
                "身份证号": p.key,
                "监狱名称": PRISONS[0],
                "余额日期": _d(when),
                "账户余额": f"{balance:.2f}",
                "本期收入": f"{income:.2f}",
            },
        )


def flat_row(rows: _Rows, m: _Maker, p: Person, when: dt.date) -> None:
    d = district_of(p)
    unit = f"{d.new_code}{m.next():06d}GB00001F{m.next():08d}"
    room = m.rng.randint(101, 1802)
    rows.add(
        PROPERTY,
        {
            "不动产单元号": unit,
            "不动产权证书号": f"浙({when.year})绍兴市不动产权第{m.next():07d}号",
            "权利人": p.name,
            "权利人证件号": p.key,
            "义务人": "",
            "义务人证件号": "",
            "共有情况": "单独所有",
            "坐落": f"{d.prefix}{d.name}{m.rng.choice(d.streets)}{m.rng.randint(1, 99)}幢{room}室",
            "权利类型": "国有建设用地使用权/房屋所有权",
            "登记类型": "首次登记",
            "登记时间": _d(when),
            "用途": "住宅",
            "建筑面积": f"{m.rng.randint(70, 140)}.{m.rng.randint(10, 99)}",
            "成交价格": "",
        },
    )


def plan_penalties(county: County, rng: random.Random, copy: int) -> list[Instance]:
    m = _Maker(county, rng, 30 + copy)
    out: list[Instance] = []

    def add(key: str, p: Person, positive: bool, strength: str, note: str, rows: _Rows) -> None:
        out.append(_person_instance(PENALTIES, copy, key, p, positive, strength, MODEL_PENALTIES, note, rows))

    def convict() -> tuple[Person, str, _Rows]:
        r, p = _Rows(), m.person(rng.randint(1965, 1990), male=True)
        inmate = prison_row(r, m, p, dt.date(YEAR - 1, 11, 2), None)
        return p, inmate, r

    end = dt.date(YEAR, 12, 31)
    # strong: a fine of 200,000 unpaid while a flat stays registered to the convict
    p, inmate, r = convict()
    penalty_rows(r, m, p, 200_000, [(200_000, dt.date(YEAR, 2, 28))])
    account_rows(r, m, p, inmate, [(end, 340.0, 300.0)])
    flat_row(r, m, p, dt.date(2016, 7, 12))
    add("flat", p, True, "strong", "fine unpaid, a flat registered to him", r)

    # strong: a fine of 20,000 unpaid while the prison account holds 26,400
    p, inmate, r = convict()
    penalty_rows(r, m, p, 20_000, [(20_000, dt.date(YEAR, 3, 31))])
    account_rows(r, m, p, inmate, [(dt.date(YEAR, 6, 30), 14_200.0, 12_000.0), (end, 26_400.0, 12_600.0)])
    add("account", p, True, "strong", "fine unpaid, the account holds more than it", r)

    # medium: a fine of 50,000, 5,000 paid, the account holds 8,600
    p, inmate, r = convict()
    case, _ = penalty_rows(r, m, p, 50_000, [(50_000, dt.date(YEAR, 4, 30))])
    payment_row(r, m, p, case, dt.date(YEAR, 4, 20), 5_000)
    account_rows(r, m, p, inmate, [(end, 8_600.0, 2_400.0)])
    add("partial", p, True, "medium", "fine part unpaid, the account holds part of it", r)

    # near miss: three instalments, each paid on time
    p, inmate, r = convict()
    dues = [(10_000, dt.date(YEAR, 3, 31)), (10_000, dt.date(YEAR, 6, 30)), (10_000, dt.date(YEAR, 9, 30))]
    case, _ = penalty_rows(r, m, p, 30_000, dues)
    for amount, due in dues:
        payment_row(r, m, p, case, due - dt.timedelta(days=rng.randint(0, 9)), amount)
    account_rows(r, m, p, inmate, [(end, 5_200.0, 1_800.0)])
    add("nm-instalments", p, False, "", "three instalments paid on time", r)

    # near miss: unpaid, without means
    p, inmate, r = convict()
    penalty_rows(r, m, p, 10_000, [(10_000, dt.date(YEAR, 5, 31))])
    account_rows(r, m, p, inmate, [(end, 120.0, 60.0)])
    add("nm-no-means", p, False, "", "fine unpaid, 120 yuan and no property", r)
    return out


# -- the background and the writer ----------------------------------------------------------------


def _background(county: County, rng: random.Random, pattern: str) -> _Rows:
    """Honest rows: pensioners paid as the rules say, sentences reported in time, penalties
    paid; for the files of ``pattern``."""
    m = _Maker(county, rng, 90 + [BENEFITS, CORRECTIONS, PENALTIES].index(pattern))
    r = _Rows()
    if pattern == BENEFITS:
        for _ in range(max(200, county.documents // 50)):
            p = m.person(rng.randint(1930, 1962))
            scheme = rng.choices(("enterprise", "rural", "public"), weights=(5, 8, 1))[0]
            amount = {"enterprise": 2400.0, "rural": 210.0, "public": 4800.0}[scheme] + rng.randint(
                0, 80
            ) * 10
            roll = rng.random()
            if roll < 0.04:  # dies; paid to the month of death, then stopped
                died = dt.date(YEAR, rng.randint(1, 11), rng.randint(1, 28))
                pension_rows(r, p, scheme, amount, range(1, died.month + 1), stopped="死亡")
                cremation_row(r, m, p, died, died + dt.timedelta(days=rng.randint(1, 30)))
                if rng.random() < 0.5:
                    deregistration_row(r, m, p, died, died + dt.timedelta(days=rng.randint(5, 60)))
            elif roll < 0.05:  # goes to prison; suspended from the next month
                admitted = dt.date(YEAR, rng.randint(1, 10), rng.randint(1, 28))
                pension_rows(r, p, scheme, amount, range(1, admitted.month + 1), stopped="服刑")
                prison_row(r, m, p, admitted, None)
            else:
                pension_rows(
                    r, p, scheme, amount, range(1, 13), written=short_id(p.key) if rng.random() < 0.03 else ""
                )
    elif pattern == CORRECTIONS:
        for _ in range(max(40, county.documents // 500)):
            p = m.person(rng.randint(1965, 2000))
            effective = dt.date(YEAR, rng.randint(1, 11), rng.randint(1, 28))
            penalty = "管制" if rng.random() < 0.15 else "有期徒刑"
            case = sentence_row(r, m, p, effective, penalty=penalty, probation=penalty != "管制")
            reported = effective + dt.timedelta(days=rng.randint(1, 9))
            correction_row(r, m, p, case, effective, reported, "管制" if penalty == "管制" else "缓刑")
            if rng.random() < 0.1:  # approved leave, a domestic trip
                leave_row(
                    r,
                    m,
                    p,
                    "",
                    reported + dt.timedelta(days=40),
                    reported + dt.timedelta(days=44),
                    "杭州市",
                    True,
                )
        for _ in range(max(30, county.documents // 800)):  # travellers never sentenced
            p = m.person(rng.randint(1960, 2000))
            doc = document_row(r, m, p, rng.choice(("414", "516")))
            out_at = dt.datetime(YEAR, rng.randint(1, 12), rng.randint(1, 20), rng.randint(6, 22), 0)
            crossing_rows(
                r,
                p,
                "414" if doc.startswith("E") else "516",
                doc,
                out_at,
                out_at + dt.timedelta(days=5),
                "日本",
            )
        # sentenced to prison (not community correction): no report is due
        for _ in range(10):
            p = m.person(rng.randint(1965, 2000))
            sentence_row(r, m, p, dt.date(YEAR, rng.randint(1, 11), rng.randint(1, 28)), probation=False)
    else:
        for _ in range(max(20, county.documents // 1000)):
            p = m.person(rng.randint(1965, 1990), male=rng.random() < 0.85)
            total = rng.randint(2, 40) * 1000
            due = dt.date(YEAR, rng.randint(1, 10), 28)
            case, _ = penalty_rows(r, m, p, total, [(total, due)])
            payment_row(r, m, p, case, due - dt.timedelta(days=rng.randint(0, 20)), total)
    return r


def _write_csv(path: Path, headers: tuple[str, ...], rows: list[dict[str, str]], encoding: str) -> int:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(headers), lineterminator="\r\n")
        w.writeheader()
        w.writerows(rows)
    return len(rows)


def _collect(instances: list[Instance], background: _Rows) -> dict[str, list[dict[str, str]]]:
    files: dict[str, list[dict[str, str]]] = {}
    for part in [r["rows"] for i in instances for r in i.rows.get("files", [])] + [background]:
        for name, rows in part.files.items():
            files.setdefault(name, []).extend(rows)
    return files


def _writer(pattern: str, names: tuple[str, ...]) -> Any:
    def write(out: Path, county: County, instances: list[Instance]) -> dict[str, int]:
        rng = stream(county.seed, f"registers:{pattern}")
        out.mkdir(parents=True, exist_ok=True)
        files = _collect(instances, _background(county, rng, pattern))
        counts: dict[str, int] = {}
        for name in names:
            rows = files.get(name, [])
            if name == PAY_H1:  # two half-year files overlapping by June; a share re-sent
                rows = sorted(rows, key=lambda x: (x["发放年月"], x["社会保障号码"]))
                first = [x for x in rows if x["发放年月"] <= f"{YEAR}06"]
                second = [x for x in rows if x["发放年月"] >= f"{YEAR}06"]
                again = [dict(x) for x in first[::37]]  # re-sent rows
                counts[PAY_H1] = _write_csv(out / PAY_H1, HEADERS[PAY_H1], first + again, "utf-8-sig")
                counts[PAY_H2] = _write_csv(out / PAY_H2, HEADERS[PAY_H1], second, "gb18030")
                continue
            encoding = "gb18030" if name in (CERTIFICATES, SENTENCES) else "utf-8"
            counts[name] = _write_csv(out / name, HEADERS[name], rows, encoding)
        counts["household"] = _register_households(out / "household.csv", county, pattern, instances)
        return counts

    return write


def _register_households(path: Path, county: County, pattern: str, instances: list[Instance]) -> int:
    """The planted people are county residents: each subject the population does not already
    hold is appended to the household register (户籍, ``household.csv`` written by the county) as
    the head of a household of their own, so every register names them as it names anyone."""
    people = {
        i.subject.key: i.subject
        for i in instances
        if isinstance(i.subject, Person) and i.subject.key not in county.pop.by_key
    }
    tag = zlib.crc32(pattern.encode("utf-8")) % 1000
    rows = [
        (f"HS{tag:03d}{n:05d}", p.key, p.name, p.sex, p.birth.isoformat(), p.ethnicity, p.relation,
         p.spouse or "", p.father or "", p.mother or "", p.address, p.key[:6])
        for n, p in enumerate(sorted(people.values(), key=lambda p: p.key))
    ]  # fmt: skip
    assert all(len(r) == len(HOUSEHOLD_COLUMNS) for r in rows)
    fresh = not path.exists()  # a folder of the social exports alone (tests) has no register yet
    with path.open("a", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        if fresh:
            w.writerow(HOUSEHOLD_COLUMNS)
        w.writerows(rows)
    return len(rows)


write_benefits = _writer(BENEFITS, (PAY_H1, CREMATIONS, CERTIFICATES, DEREGISTRATIONS, PRISON))
write_corrections = _writer(CORRECTIONS, (SENTENCES, CORRECTION_REG, LEAVES, CROSSINGS, DOCUMENTS))
write_penalties = _writer(PENALTIES, (PENALTY_FILE, PAYMENTS, ACCOUNTS, PROPERTY))
