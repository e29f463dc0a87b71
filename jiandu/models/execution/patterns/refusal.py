"""拒执线索: a judgment debtor who, while the execution against them is unperformed, moves
property, a car or shares to a relative or to a company they control (刑法第三百一十三条 and its
2002 interpretation: 隐藏、转移财产 … 致使判决、裁定无法执行).

Positives: a flat transferred to the spouse with no price; a car transferred to the debtor's
own company; shares handed to a sibling (or the spouse) in a change record.
Near misses: the spouse buys a flat from a stranger (not the debtor's asset); the debtor sells a
flat to an unrelated buyer at a market price; the debtor gave a flat to the spouse long before
any case was filed.
"""

from __future__ import annotations

import datetime as dt
import random

from jiandu.synth.county import County, day, rand_date
from jiandu.synth.geography import DISTRICT_BY_KEY
from jiandu.synth.patterns import Instance
from jiandu.synth.people import Person

from .background import ZB
from .common import execution_case, subject
from .exports import Exports, holder_text

PATTERN = "refusal_to_execute"
MODEL = "execution.refusal_to_execute"


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
        related: list[tuple[str, Person]] | None = None,
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
            related=list(related or []),
            models=[MODEL],
            rows=ex.take(),
        )

    def filed() -> dt.date:
        return rand_date(rng, dt.date(2018, 1, 4), dt.date(2022, 12, 31))

    def couple() -> tuple[Person, Person]:
        while True:
            household = subject(county, with_spouse=True)
            head = household[0]
            spouse = next((m for m in household if m.key == head.spouse), None)
            if spouse is not None:
                return head, spouse

    # 1. flat to the spouse, no price
    p, spouse = couple()
    f = filed()
    n = execution_case(county, rng, ex, p, f, steps=())
    moved = day(f, rng.randint(30, 400))
    ex.property(spouse, moved, transferor=p)
    out.append(
        inst(
            "flat-to-spouse",
            True,
            "strong",
            p,
            ["transfer_after_judgment", "spouse", "no_price"],
            "执行立案后将房产无偿转移登记至配偶名下",
            [("spouse", spouse)],
            case=n,
            transferred=moved.isoformat(),
        )
    )

    # 2. car to the debtor's own company (the case later closed as 终本)
    household = subject(county)
    p = household[0]
    district = DISTRICT_BY_KEY.get(p.district) or DISTRICT_BY_KEY["yuecheng"]
    company = county.orgs.new("company", district, rep=p)
    f = filed()
    moved = day(f, rng.randint(20, 200))
    closed = day(moved, rng.randint(60, 200))
    n = execution_case(county, rng, ex, p, f, mode=ZB, closed=closed, steps=())
    ex.vehicle(company, moved, prev=p, first=day(f, -rng.randint(300, 1500)))
    out.append(
        inst(
            "car-to-company",
            True,
            "medium",
            p,
            ["transfer_after_judgment", "own_company"],
            f"执行期间将车辆转移登记至本人任法定代表人的{company.name}",
            case=n,
            transferred=moved.isoformat(),
        )
    )

    # 3. shares to a sibling (or the spouse)
    p, spouse = couple()
    siblings = [s for s in county.pop.siblings(p) if s.birth.year <= 1995]
    to = siblings[0] if siblings else spouse
    partner = county.pop.pick(rng)
    company = county.orgs.new(
        "company", DISTRICT_BY_KEY.get(p.district) or DISTRICT_BY_KEY["yuecheng"], rep=partner
    )
    f = filed()
    moved = day(f, rng.randint(30, 300))
    share = rng.choice((30, 51, 60, 70))
    ex.equity(
        company,
        moved,
        holder_text([(p, share), (partner, 100 - share)]),
        holder_text([(to, share), (partner, 100 - share)]),
    )
    n = execution_case(county, rng, ex, p, f, steps=())
    relation = "sibling" if siblings else "spouse"
    out.append(
        inst(
            "shares-to-relative",
            True,
            "medium",
            p,
            ["transfer_after_judgment", relation, "equity"],
            f"执行期间将所持{company.name}股权变更至{'兄弟姐妹' if siblings else '配偶'}名下",
            [(relation, to)],
            case=n,
            transferred=moved.isoformat(),
        )
    )

    # near misses ------------------------------------------------------------------------------
    p, spouse = couple()
    f = filed()
    n = execution_case(county, rng, ex, p, f, steps=())
    ex.property(
        spouse,
        day(f, rng.randint(30, 300)),
        transferor=county.pop.pick(rng),
        price=rng.randint(80, 250) * 10_000,
    )
    out.append(
        inst(
            "spouse-buys",
            False,
            "near_miss",
            p,
            ["relative_buys_from_stranger"],
            "配偶向他人购房，非被执行人财产转移",
            [("spouse", spouse)],
            case=n,
        )
    )

    p = subject(county)[0]
    buyer = county.pop.pick(rng)
    f = filed()
    n = execution_case(county, rng, ex, p, f, steps=())
    ex.property(buyer, day(f, rng.randint(30, 300)), transferor=p, price=rng.randint(80, 250) * 10_000)
    out.append(
        inst(
            "sold-to-stranger",
            False,
            "near_miss",
            p,
            ["sale_to_unrelated_buyer"],
            "被执行人按市场价向无关联第三人出售房产",
            case=n,
        )
    )

    p, spouse = couple()
    f = filed()
    ex.property(spouse, day(f, -rng.randint(400, 900)), transferor=p)
    n = execution_case(county, rng, ex, p, f, steps=())
    out.append(
        inst(
            "before-duty",
            False,
            "near_miss",
            p,
            ["transfer_before_case"],
            "立案前一年以上已将房产转至配偶名下",
            [("spouse", spouse)],
            case=n,
        )
    )
    return out
