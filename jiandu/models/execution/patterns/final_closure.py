"""终本合规: execution cases closed as 终结本次执行程序 without the steps the 2016 provisions
require, or before three months; and 终本 cases whose debtor later acquired assets while the
case was never resumed.

Positives: a case closed without 网络查控 and without hearing the applicant (约谈); a case closed
two months after filing with every step done; a case closed without the 限制消费令 and the
property-report order; a compliant case whose debtor registers a new car a year later (the car
also breaks the ban: a view of the ban-violation pattern about the same person).
Near misses: a case closed exactly three months after filing with every step done; a compliant
case whose debtor buys a car and whose execution was resumed (执恢) after it; a compliant case
whose debtor's spouse buys a flat.
"""

from __future__ import annotations

import datetime as dt
import random

from jiandu.synth import courts as C
from jiandu.synth.county import County, day, rand_date
from jiandu.synth.patterns import Instance
from jiandu.synth.people import Person

from .background import ZB
from .common import STEPS, execution_case, subject
from .exports import Exports

PATTERN = "final_closure"
MODEL = "execution.final_closure_compliance"


def _months_later(d: dt.date, months: int) -> dt.date:
    m = d.month - 1 + months
    return dt.date(d.year + m // 12, m % 12 + 1, min(d.day, 28))


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

    def filed() -> dt.date:
        return rand_date(rng, dt.date(2018, 1, 4), dt.date(2022, 6, 28))

    # 1. no 网络查控, no 约谈
    p = subject(county)[0]
    f = filed()
    closed = day(f, rng.randint(120, 300))
    n = execution_case(
        county, rng, ex, p, f, mode=ZB, closed=closed, steps=("执行通知书", "报告财产令", "限制消费令")
    )
    out.append(
        inst(
            "no-inquiry-interview",
            True,
            "strong",
            p,
            ["no_network_inquiry", "no_interview"],
            "终本前未网络查控、未约谈申请执行人",
            case=n,
            filed=f.isoformat(),
            closed=closed.isoformat(),
        )
    )

    # 2. closed two months after filing, every step done
    p = subject(county)[0]
    f = filed()
    closed = _months_later(f, 2)
    step_dates = {s: day(f, 2 + 3 * i) for i, s in enumerate(STEPS)}
    n = execution_case(county, rng, ex, p, f, mode=ZB, closed=closed, step_dates=step_dates)
    out.append(
        inst(
            "early",
            True,
            "medium",
            p,
            ["closed_before_three_months"],
            "立案后两个月即终本",
            case=n,
            filed=f.isoformat(),
            closed=closed.isoformat(),
        )
    )

    # 3. no 限制消费令, no 报告财产令
    p = subject(county)[0]
    f = filed()
    closed = day(f, rng.randint(100, 250))
    n = execution_case(
        county, rng, ex, p, f, mode=ZB, closed=closed, steps=("执行通知书", "网络查控", "约谈")
    )
    out.append(
        inst(
            "no-ban-report",
            True,
            "medium",
            p,
            ["no_consumption_ban", "no_report_order"],
            "终本前未发限制消费令、未责令报告财产",
            case=n,
            filed=f.isoformat(),
            closed=closed.isoformat(),
        )
    )

    # 4. compliant, then a new car, never resumed (and the car breaks the ban)
    p = subject(county)[0]
    f = filed()
    closed = day(f, rng.randint(120, 250))
    court = rng.choice(C.BASIC_COURTS)
    n = execution_case(county, rng, ex, p, f, mode=ZB, closed=closed, court=court)
    ban = day(f, 14)
    county.regs.add_ban(p, n, court.name, ban, None)
    bought = day(closed, rng.randint(200, 500))
    ex.vehicle(p, bought, price=rng.randint(15, 60) * 10_000)
    out.append(
        inst(
            "assets-after",
            True,
            "medium",
            p,
            ["acquired_after_closure", "not_resumed"],
            "终本后被执行人新登记机动车，未恢复执行",
            case=n,
            closed=closed.isoformat(),
            acquired=bought.isoformat(),
        )
    )
    view = Instance(
        "ban_violation",
        f"ban_violation-{copy:02d}-from-final-closure",
        True,
        "weak",
        p,
        ["vehicle_after_ban"],
        "限消后购置车辆（终本后取得财产的同一事实）",
        figures={"case": n, "ban_date": ban.isoformat(), "events": 1},
        also=[pid + "assets-after"],
        models=["execution.ban_violation"],
    )
    out[-1].also.append(view.instance_id)
    out.append(view)

    # near misses ------------------------------------------------------------------------------
    p = subject(county)[0]
    f = rand_date(rng, dt.date(2018, 1, 4), dt.date(2022, 6, 28))
    f = dt.date(f.year, f.month, min(f.day, 28))
    closed = _months_later(f, 3)
    step_dates = {s: day(f, 2 + 4 * i) for i, s in enumerate(STEPS)}
    step_dates["约谈"] = day(closed, -2)
    n = execution_case(county, rng, ex, p, f, mode=ZB, closed=closed, step_dates=step_dates)
    out.append(
        inst(
            "exactly-three-months",
            False,
            "near_miss",
            p,
            ["three_months_all_steps"],
            "立案满三个月当日终本，各项步骤齐全",
            case=n,
            filed=f.isoformat(),
            closed=closed.isoformat(),
        )
    )

    p = subject(county)[0]
    f = filed()
    closed = day(f, rng.randint(120, 250))
    court = rng.choice(C.BASIC_COURTS)
    n = execution_case(county, rng, ex, p, f, mode=ZB, closed=closed, court=court)
    bought = day(closed, rng.randint(200, 400))
    ex.vehicle(p, bought, use="F")  # a lorry for the debtor's trade
    resumed = county.case_number(rng, court, day(bought, 30).year, "执恢", planted=True)
    county.regs.add_execution(
        resumed,
        court.name,
        court.code,
        day(bought, 30),
        county.orgs.pick_company(rng),
        p,
        "买卖合同纠纷",
        n,
        "民事判决书",
        rng.randint(8, 90) * 10_000,
        None,
        None,
    )
    out.append(
        inst(
            "resumed",
            False,
            "near_miss",
            p,
            ["acquired_after_closure", "resumed"],
            "终本后取得车辆，法院已恢复执行",
            case=n,
            resumed=resumed,
        )
    )

    household = subject(county, with_spouse=True)
    p = household[0]
    spouse = next((m for m in household if m.key == p.spouse), None)
    f = filed()
    closed = day(f, rng.randint(120, 250))
    n = execution_case(county, rng, ex, p, f, mode=ZB, closed=closed)
    if spouse is not None:
        ex.property(
            spouse,
            day(closed, rng.randint(100, 400)),
            transferor=county.pop.pick(rng),
            price=rng.randint(80, 200) * 10_000,
        )
    out.append(
        inst(
            "spouse-buys",
            False,
            "near_miss",
            p,
            ["relative_acquires"],
            "终本后被执行人配偶购房，本人未取得财产",
            case=n,
            closed=closed.isoformat(),
        )
    )
    return out
