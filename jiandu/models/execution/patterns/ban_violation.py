"""限高/失信违规消费 (Yixing: 6,103 banned, 502 travelling, 111 on five or more passports): a
debtor under a consumption ban or on the dishonest list who flies, takes G trains or first-class
seats, stays in star hotels, or buys property or a car after the ban date.

Positives: a banned debtor who flies (once on a second passport the ban never named) and stays
in a five-star hotel; a debtor on the published list (masked ID number) riding G trains; the
legal representative of a restricted company buying a car; a banned debtor buying a flat.
Near misses: a debtor who flew only before the ban; one who flew after the ban was lifted; the
spouse of a banned debtor flying business class; a banned debtor taking only what the ban allows
(D-train second class, an ordinary train, a guesthouse) and a flight refunded.
"""

from __future__ import annotations

import datetime as dt
import random

from jiandu.synth import courts as C
from jiandu.synth.county import END, County, day, rand_date
from jiandu.synth.geography import DISTRICT_BY_KEY
from jiandu.synth.patterns import Instance
from jiandu.synth.people import Person

from .background import hotel_of, hotels
from .common import execution_case, subject
from .exports import Exports

PATTERN = "ban_violation"
MODEL = "execution.ban_violation"


def _ban(
    county: County,
    rng: random.Random,
    ex: Exports,
    debtor: Person,
    start: dt.date,
    lifted: dt.date | None = None,
) -> str:
    court = rng.choice(C.BASIC_COURTS)
    number = execution_case(county, rng, ex, debtor, day(start, -rng.randint(10, 40)), court=court, steps=())
    county.regs.add_ban(debtor, number, court.name, start, lifted)
    return number


def _after(rng: random.Random, start: dt.date, lo: int = 15, hi: int = 700) -> dt.date:
    return rand_date(rng, day(start, lo), min(day(start, hi), END))


def plan(county: County, rng: random.Random, copy: int) -> list[Instance]:
    ex = Exports(rng)
    pid = f"{PATTERN}-{copy:02d}-"
    out: list[Instance] = []

    def inst(
        iid: str,
        positive: bool,
        strength: str,
        who: Person,
        criteria: list[str],
        note: str,
        **figures: object,
    ) -> Instance:
        return Instance(
            PATTERN,
            pid + iid,
            positive,
            strength,
            who,
            criteria,
            note,
            figures=dict(figures),
            models=[MODEL],
            rows=ex.take(),
        )

    def start_date() -> dt.date:
        return rand_date(rng, dt.date(2019, 1, 1), dt.date(2022, 6, 30))

    # 1. banned, flies (economy twice, business once on a second passport), five-star hotel
    p = subject(county)[0]
    s = start_date()
    case = _ban(county, rng, ex, p, s)
    ex.flight(p, day(s, -rng.randint(30, 200)))  # before the ban: not a violation
    for _ in range(2):
        ex.flight(p, _after(rng, s))
    first = f"E{rng.randint(10**7, 10**8 - 1)}"
    second = f"E{rng.randint(10**7, 10**8 - 1)}"
    ex.passport(p, first, day(s, -900))
    ex.passport(p, second, day(s, 30))
    ex.flight(p, _after(rng, s, 40), booking="C", doc_no=second)
    ex.stay(p, _after(rng, s), hotel_of(county.seed, rng.choice(hotels(county.seed)[1])))
    out.append(
        inst(
            "strong",
            True,
            "strong",
            p,
            ["flights_after_ban", "second_passport", "star_hotel"],
            "限消后乘机三次（一次持新护照、公务舱）并入住五星级酒店",
            case=case,
            ban_date=s.isoformat(),
            events=4,
        )
    )

    # 2. on the public list (masked number), G trains
    p = subject(county)[0]
    s = start_date()
    court = rng.choice(C.BASIC_COURTS)
    number = execution_case(county, rng, ex, p, day(s, -rng.randint(30, 90)), court=court, steps=())
    basis = county.case_number(rng, court, day(s, -200).year, "民初", planted=True)
    ex.shixin(p, number, court.name, basis, s)
    for _ in range(2):
        ex.train(p, _after(rng, s), f"G{rng.randint(1, 9999)}", "O")
    out.append(
        inst(
            "listed-masked",
            True,
            "medium",
            p,
            ["listed_dishonest", "masked_id", "g_train"],
            "失信名单公布脱敏身份证号，列入后两次乘坐G字头列车二等座",
            case=number,
            listed=s.isoformat(),
            events=2,
        )
    )

    # 3. the legal representative of a restricted company buys a car
    household = subject(county)
    p = household[0]
    district = DISTRICT_BY_KEY.get(p.district) or DISTRICT_BY_KEY["yuecheng"]
    company = county.orgs.new("company", district, rep=p)
    s = start_date()
    court = rng.choice(C.BASIC_COURTS)
    number = execution_case(county, rng, ex, company, day(s, -rng.randint(10, 40)), court=court, steps=())
    county.regs.add_ban(company, number, court.name, s, None)
    ex.vehicle(p, _after(rng, s), price=rng.randint(25, 80) * 10_000)
    out.append(
        inst(
            "company-rep-car",
            True,
            "medium",
            p,
            ["company_restricted", "legal_rep", "vehicle"],
            f"{company.name}被限制消费后，其法定代表人购置车辆",
            case=number,
            ban_date=s.isoformat(),
            events=1,
        )
    )

    # 4. banned, buys a flat
    p = subject(county)[0]
    s = start_date()
    case = _ban(county, rng, ex, p, s)
    ex.property(p, _after(rng, s), price=rng.randint(80, 300) * 10_000)
    out.append(
        inst(
            "property",
            True,
            "weak",
            p,
            ["property_after_ban"],
            "限消后购买不动产",
            case=case,
            ban_date=s.isoformat(),
            events=1,
        )
    )

    # near misses ------------------------------------------------------------------------------
    p = subject(county)[0]
    s = start_date()
    case = _ban(county, rng, ex, p, s)
    for _ in range(3):
        ex.flight(p, rand_date(rng, day(s, -400), day(s, -1)), booking=rng.choice("YCF"))
    out.append(
        inst(
            "before-ban",
            False,
            "near_miss",
            p,
            ["flights_before_ban"],
            "仅在限消之前乘机",
            case=case,
            ban_date=s.isoformat(),
        )
    )

    p = subject(county)[0]
    s = start_date()
    lifted = day(s, rng.randint(90, 200))
    case = _ban(county, rng, ex, p, s, lifted)
    for _ in range(2):
        ex.flight(p, rand_date(rng, day(lifted, 5), min(day(lifted, 400), END)))
    out.append(
        inst(
            "after-lifted",
            False,
            "near_miss",
            p,
            ["flights_after_lift"],
            "限消解除后乘机",
            case=case,
            ban_date=s.isoformat(),
            lifted=lifted.isoformat(),
        )
    )

    household = subject(county, with_spouse=True)
    p = household[0]
    spouse = next((m for m in household if m.key == p.spouse), None)
    s = start_date()
    case = _ban(county, rng, ex, p, s)
    if spouse is not None:
        ex.flight(spouse, _after(rng, s), booking="C")
        ex.stay(spouse, _after(rng, s), hotel_of(county.seed, rng.choice(hotels(county.seed)[1])))
    out.append(
        inst(
            "spouse-travels",
            False,
            "near_miss",
            p,
            ["relative_travels"],
            "被执行人配偶乘机、入住星级酒店，本人未出行",
            case=case,
            ban_date=s.isoformat(),
        )
    )

    p = subject(county)[0]
    s = start_date()
    case = _ban(county, rng, ex, p, s)
    ex.train(p, _after(rng, s), f"D{rng.randint(2001, 3999)}", "O")
    ex.train(p, _after(rng, s), f"K{rng.randint(101, 1999)}", "3")
    ex.train(p, _after(rng, s), f"G{rng.randint(1, 9999)}", "M", refunded=True)
    ex.flight(p, _after(rng, s), refunded=True)
    ex.stay(p, _after(rng, s), hotel_of(county.seed, rng.choice(hotels(county.seed)[2])))
    out.append(
        inst(
            "allowed-only",
            False,
            "near_miss",
            p,
            ["allowed_travel", "refunded"],
            "限消后仅乘坐动车二等座、普速硬卧，入住无星级旅馆，所订高铁一等座与航班均已退票",
            case=case,
            ban_date=s.isoformat(),
        )
    )
    return out
