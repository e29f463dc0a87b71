"""What the execution patterns share: a planted execution case in the court's register, the
measures taken in it, and the subjects drawn from the reserved households."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from jiandu.synth import courts as C
from jiandu.synth.cases import Entity
from jiandu.synth.county import County, day
from jiandu.synth.people import Person

from .exports import Exports

STEPS = ("执行通知书", "报告财产令", "网络查控", "限制消费令", "约谈")


def subject(county: County, *, with_spouse: bool = True) -> list[Person]:
    """A reserved household (head first): its members get no background rows."""
    return county.pop.reserve_adult(with_spouse=with_spouse, max_birth_year=1985)


def execution_case(
    county: County,
    rng: random.Random,
    ex: Exports,
    debtor: Entity,
    filed: dt.date,
    *,
    mode: str | None = None,
    closed: dt.date | None = None,
    amount: int | None = None,
    court: C.Court | None = None,
    steps: Sequence[str] = STEPS,
    step_dates: dict[str, dt.date] | None = None,
) -> str:
    """A register row for a planted execution case and the measures written for it (``steps``
    dated after filing, the 约谈 just before closing unless ``step_dates`` says otherwise)."""
    court = court or rng.choice(C.BASIC_COURTS)
    number = county.case_number(rng, court, filed.year, "执", planted=True)
    basis = county.case_number(rng, court, day(filed, -rng.randint(60, 300)).year, "民初", planted=True)
    applicant = county.orgs.pick_company(rng)
    county.regs.add_execution(
        number,
        court.name,
        court.code,
        filed,
        applicant,
        debtor,
        "买卖合同纠纷",
        basis,
        "民事判决书",
        amount or rng.randint(8, 90) * 10_000,
        mode,
        closed,
    )
    dates = dict(step_dates or {})
    for i, step in enumerate(steps):
        when = dates.get(step)
        if when is None:
            when = day(closed, -rng.randint(1, 5)) if step == "约谈" and closed else day(filed, 2 + 4 * i)
        result = "未发现可供执行财产" if step == "网络查控" else ""
        ex.measure(number, debtor, step, when, result)
    return number
