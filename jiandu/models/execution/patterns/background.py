"""The honest background of the execution domain's agency files, and the writer each execution
pattern registers (`jiandu.synth.patterns.Pattern.registers`).

Each pattern's writer is called once, after the documents, when every register row of the
county is known. It writes one batch of the travel and registry exports: its instances' own
rows (`Instance.rows`) mixed with a third of the county's background, so no file holds only
planted rows. The background:

* the measures of every execution case the 终本 pattern did not plant (执行通知书 and 报告财产令,
  网络查控; for a 终本 case also its 限制消费令 and the 约谈 before closing): courts that follow
  the rules, so the 终本 model meets compliant cases by the thousand (written, with the lodging
  register, by the one writer asked for them); a share of the 失信 persons on the public list
  in its JSON layout (masked numbers);
* trips, stays, passports, property, vehicle and equity records of honest people, and of the
  county's restricted debtors only what a ban allows (trips before the ban or after it was
  lifted, D/C second class, ordinary trains, unrated guesthouses); debtors never buy or sell
  property, vehicles or shares in the background (that is the planted patterns' business);
  people of the reserved households (every planted subject) get no background rows, and nobody
  travels or stays before turning 18;
* export noise: exact duplicate rows (re-sent exports), refunds as their own rows, a hotel
  stay re-sent with a corrected checkout (same 住客流水号: the first one stands), a passport
  reported lost.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from functools import cache
from pathlib import Path

from jiandu.synth.companies import Organization
from jiandu.synth.county import END, County, day, rand_date
from jiandu.synth.patterns import Instance, RegisterWriter
from jiandu.synth.people import Person
from jiandu.synth.rng import stream

from .exports import FLIGHTS, MEASURES, PROPERTY, STAYS, TRAINS, VEHICLES, Exports, holder_text

START = dt.date(2016, 1, 1)
ZB = "终结本次执行程序"
BATCHES = 3  # the background is shared out over the writers of this many patterns


@cache
def hotels(seed: int) -> tuple[tuple[tuple[str, str, str, str, str], ...], tuple[str, ...], tuple[str, ...]]:
    """The lodging register (code, name, address, kind, star), star-rated codes, unrated codes."""
    rng = stream(seed, "execution.hotels")
    streets = ("鲁迅中路", "解放北路", "胜利东路", "中兴南路", "环城西路", "笛扬路", "人民中路", "延安路")
    rows: list[tuple[str, str, str, str, str]] = []
    star: list[str] = []
    plain: list[str] = []
    for i in range(1, 61):
        code = f"33060200{i:02d}"
        rating = "五星级" if i <= 2 else "四星级" if i <= 5 else "三星级" if i <= 9 else "无"
        if rating == "无":
            place = rng.choice(("越都", "兰亭", "稽山", "鉴湖", "府山", "仓桥", "书圣", "柯岩"))
            kind = rng.choice(("旅馆", "宾馆", "客栈", "招待所", "民宿"))
            name = f"绍兴{place}{kind}{i}"
        else:
            name = f"绍兴{rng.choice(('咸亨', '开元', '国际', '世茂', '君亭', '华美达'))}大酒店{i}"
            kind = "酒店"
        rows.append((code, name, f"绍兴市越城区{rng.choice(streets)}{rng.randint(1, 400)}号", kind, rating))
        (plain if rating == "无" else star).append(code)
    return tuple(rows), tuple(star), tuple(plain)


def hotel_of(seed: int, code: str) -> tuple[str, str]:
    row = next(r for r in hotels(seed)[0] if r[0] == code)
    return row[0], row[1]


def reserved(county: County, p: Person) -> bool:
    """People of the reserved households: planted subjects and their families."""
    return p.household < county.pop.reserved_households


def _batch(key: str) -> int:
    return zlib.crc32(key.encode()) % BATCHES + 1


def writer(batch: int, *, singles: bool = False) -> RegisterWriter:
    """The register writer of the pattern that writes batch ``batch`` (``singles``: also the
    lodging register and the measures of every execution case its own instances did not write:
    so only that pattern plants measures, the others' cases get the background's)."""

    def write(out: Path, county: County, instances: list[Instance]) -> dict[str, int]:
        ex = Exports(stream(county.seed, f"execution.registers.{batch}"))
        for inst in instances:
            ex.add_instance_rows(inst.rows)
        if singles:
            planted_cases = {row[0] for row in ex.rows_of(MEASURES)}
            _measures(county, ex, planted_cases)
            for row in hotels(county.seed)[0]:
                ex.hotel(*row)
        _published_list(county, ex, batch)
        _background(county, ex, batch)
        return ex.write(out, batch)

    return write


# -- background ------------------------------------------------------------------------------


def _restrictions(county: County) -> dict[str, tuple[dt.date, dt.date | None]]:
    """Every restricted person's earliest start and latest lift (None: in force)."""
    out: dict[str, tuple[dt.date, dt.date | None]] = {}
    reps = {o.key: o.rep_key for o in county.orgs.all if o.rep_key}

    def add(key: str, start: str, lifted: str) -> None:
        s = dt.date.fromisoformat(start)
        end = dt.date.fromisoformat(lifted) if lifted else None
        old = out.get(key)
        if old is None:
            out[key] = (s, end)
        else:
            ends = None if old[1] is None or end is None else max(old[1], end)
            out[key] = (min(old[0], s), ends)

    for row in county.regs.bans:  # name, key, kind, rep, case, court, issued, lifted
        key = row[1] if row[2] == "person" else reps.get(row[1])
        if key:
            add(key, row[6], row[7])
    for row in county.regs.dishonest:  # name, key, kind, ..., reg_date (9), ..., removed (13)
        if row[2] == "person":
            add(row[1], row[9], row[13])
    return out


def _measures(county: County, ex: Exports, planted_cases: set[str]) -> None:
    """One row per case and measure (naming the respondent when the case has only one)."""
    rng = ex.rng
    bans: dict[str, str] = {}
    for r in county.regs.bans:
        bans[r[4]] = min(bans.get(r[4], r[6]), r[6])
    orgs = {o.key: o for o in county.orgs.all}
    cases: dict[str, list[tuple[str, ...]]] = {}
    for row in county.regs.execution:
        if row[0] not in planted_cases:
            cases.setdefault(row[0], []).append(row)
    for number, rows in cases.items():
        filed_s, mode, closed_s = rows[0][3], rows[0][15], rows[0][16]
        keys = {r[8] for r in rows}
        who: Person | Organization | None = None
        if len(keys) == 1:
            key = rows[0][8]
            who = county.pop.by_key.get(key) or orgs.get(key)
        filed = dt.date.fromisoformat(filed_s)
        closed = dt.date.fromisoformat(closed_s) if closed_s else None
        notice = day(filed, rng.randint(1, 7))
        if closed is not None and notice > closed:
            notice = closed
        ex.measure(number, who, "执行通知书", notice)
        ex.measure(number, who, "报告财产令", notice)
        inquiry = day(filed, rng.randint(5, 40))
        if closed is None or inquiry <= closed:
            ex.measure(
                number,
                who,
                "网络查控",
                inquiry,
                rng.choice(("未发现可供执行财产", "冻结存款0.00元", "未发现")),
            )
        if mode != ZB or closed is None:
            continue
        issued = bans.get(number)
        if issued is None:
            ex.measure(number, who, "限制消费令", day(filed, rng.randint(8, 60)))
        elif rng.random() < 0.5:  # the court's own record of the order on the ban list
            ex.measure(number, who, "限制消费令", dt.date.fromisoformat(issued))
        ex.measure(number, who, "约谈", max(inquiry, day(closed, -rng.randint(1, 10))))


def _published_list(county: County, ex: Exports, batch: int) -> None:
    """A share of the county's 失信 persons as the public list serves them (masked numbers)."""
    for row in county.regs.dishonest:
        p = county.pop.by_key.get(row[1])
        if p is None or reserved(county, p) or _batch(p.key) != batch or ex.rng.random() >= 0.3:
            continue
        removed = dt.date.fromisoformat(row[13]) if row[13] else None
        ex.shixin(p, row[6], row[7], row[8], dt.date.fromisoformat(row[9]), removed)


def _background(county: County, ex: Exports, batch: int) -> None:
    rng = ex.rng
    restricted = _restrictions(county)
    debtors = {r[8] for r in county.regs.execution} | set(restricted)
    pop = county.pop
    adults = [pop.people[i] for i in pop.adults]
    travellers = [p for p in adults if _batch(p.key) == batch and p.key not in restricted]
    rng.shuffle(travellers)
    n = min(len(travellers), max(100, county.documents // (3 * BATCHES)))
    for p in travellers[:n]:
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            _trip(ex, county.seed, rng, p, rand_date(rng, dt.date(2018, 1, 1), END), allowed_only=False)
        if rng.random() < 0.04:
            ex.passport(p, _passport_no(rng), rand_date(rng, dt.date(2015, 1, 1), dt.date(2023, 12, 31)))
            if rng.random() < 0.15:
                issued = rand_date(rng, dt.date(2015, 1, 1), dt.date(2023, 12, 31))
                ex.passport(p, _passport_no(rng), issued, "挂失")
    for key, (start, lifted) in sorted(restricted.items()):
        debtor = pop.by_key.get(key)
        if debtor is None or reserved(county, debtor) or _batch(key) != batch:
            continue
        p = debtor
        for _ in range(rng.choice((0, 1, 1, 2))):  # before the ban: anything
            if start > dt.date(2016, 3, 1):
                _trip(ex, county.seed, rng, p, rand_date(rng, START, day(start, -1)), allowed_only=False)
        last = END if lifted is None else lifted
        for _ in range(rng.choice((0, 0, 1, 2))):  # while it holds: what a ban allows
            if last > day(start, 2):
                _trip(ex, county.seed, rng, p, rand_date(rng, day(start, 1), last), allowed_only=True)
        if lifted is not None and lifted < day(END, -30) and rng.random() < 0.5:
            _trip(ex, county.seed, rng, p, rand_date(rng, day(lifted, 1), END), allowed_only=False)
    honest = [p for p in adults if p.key not in debtors and _batch(p.key) == batch]
    _assets(county, ex, rng, honest, debtors)
    _noise(ex, rng)


def _passport_no(rng: random.Random) -> str:
    return rng.choice("EGP") + "".join(rng.choice("0123456789") for _ in range(8))


def _trip(
    ex: Exports, seed: int, rng: random.Random, p: Person, when: dt.date, *, allowed_only: bool
) -> None:
    _, star, plain = hotels(seed)
    x = rng.random()
    if when < dt.date(p.birth.year + 18, p.birth.month, min(p.birth.day, 28)):
        return  # the background plants no minor's trip or stay (the hotel domain plants those)
    if allowed_only:
        if x < 0.4:
            ex.train(p, when, f"D{rng.randint(2001, 3999)}", "O")
        elif x < 0.6:
            ex.train(p, when, f"K{rng.randint(101, 1999)}", rng.choice(("1", "3", "WZ")))
        elif x < 0.7:
            ex.train(p, when, f"G{rng.randint(1, 9999)}", "O", refunded=True)  # booked, refunded
        else:
            ex.stay(p, when, hotel_of(seed, rng.choice(plain)))
        return
    if x < 0.3:
        booking = rng.choices(("Y", "B", "M", "H", "K", "C", "J", "F"), weights=(30, 10, 10, 8, 8, 3, 2, 1))[
            0
        ]
        ex.flight(p, when, booking=booking, refunded=rng.random() < 0.05, boarded=rng.random() > 0.02)
    elif x < 0.65:
        code = rng.choices(("O", "M", "9"), weights=(85, 12, 3))[0]
        ex.train(p, when, f"{rng.choice('GGGDC')}{rng.randint(1, 9999)}", code, refunded=rng.random() < 0.04)
    else:
        code = rng.choice(star) if rng.random() < 0.25 else rng.choice(plain)
        ex.stay(p, when, hotel_of(seed, code))


def _assets(county: County, ex: Exports, rng: random.Random, honest: list[Person], debtors: set[str]) -> None:
    if len(honest) < 10:
        return
    k = max(10, county.documents // (60 * BATCHES))
    for _ in range(k):
        buyer = rng.choice(honest)
        when = rand_date(rng, dt.date(2017, 1, 1), END)
        if rng.random() < 0.5:
            ex.property(buyer, when, price=rng.randint(60, 400) * 10_000)
        else:
            seller = rng.choice(honest)
            if seller.key != buyer.key and seller.household != buyer.household:
                ex.property(buyer, when, transferor=seller, price=rng.randint(60, 400) * 10_000)
    for _ in range(k):
        owner = rng.choice(honest)
        when = rand_date(rng, dt.date(2017, 1, 1), END)
        if rng.random() < 0.7:
            ex.vehicle(owner, when, price=rng.randint(8, 60) * 10_000)
        else:
            prev = rng.choice(honest)
            if prev.key != owner.key and prev.household != owner.household:
                ex.vehicle(owner, when, prev=prev, first=day(when, -rng.randint(300, 2000)))
    companies = [o for o in county.orgs.companies if o.key not in debtors and o.rep_key not in debtors]
    for _ in range(min(len(companies), max(3, k // 3))):
        co = rng.choice(companies)
        a, b, c = rng.sample(honest, 3)
        if len({a.household, b.household, c.household}) < 3:
            continue
        ex.equity(
            co,
            rand_date(rng, dt.date(2017, 1, 1), END),
            holder_text([(a, 60), (b, 40)]),
            holder_text([(c, 60), (b, 40)]),
        )


def _noise(ex: Exports, rng: random.Random) -> None:
    for name in (FLIGHTS, TRAINS, STAYS, PROPERTY, VEHICLES):
        rows = ex.rows_of(name)
        if rows:
            rows.extend(rng.sample(rows, max(1, len(rows) // 33)))
    stays = ex.rows_of(STAYS)
    for row in rng.sample(stays, min(len(stays), max(1, len(stays) // 100))):
        if row[9]:
            stays.append((*row[:9], row[9][:11] + "12:00:00", row[10]))
