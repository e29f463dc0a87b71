"""Collusive suits to evade debts (恶意串通虚假诉讼): a debtor already in execution (and on the
dishonest-debtor list) admits or mediates a large "debt" to a relative or an employee shortly
after; the relative then joins the distribution of the debtor's seized assets.

Near misses: a relative's honest loan to a debtor who is not in execution; an unrelated
creditor suing a debtor in execution in an ordinary contested case; a relative's mediation
that comes before the debtor's troubles."""

from __future__ import annotations

import datetime as dt
import random

from jiandu.models.civil.patterns.lending import relation_of
from jiandu.synth import courts as C
from jiandu.synth.cases import EXEC_DISTRIBUTION, JUDGMENT, MEDIATION, CaseSpec, Entity, LoanFacts, Party
from jiandu.synth.county import County, day, rand_date, round_amount
from jiandu.synth.geography import DISTRICT_BY_KEY
from jiandu.synth.patterns import Instance
from jiandu.synth.people import Person

PATTERN = "collusive_suit"


def _first_creditor_case(
    county: County, rng: random.Random, debtor: Person, court: C.Court, filing: dt.date
) -> tuple[CaseSpec, str, dt.date, CaseSpec | None]:
    """An ordinary creditor's judgment against the debtor, its execution case (with ban and
    listing) and maybe a published 终本 ruling. Returns (judgment, exec case number, exec
    filing date, ruling or None)."""
    creditor = county.orgs.pick_company(rng) if rng.random() < 0.5 else county.pop.pick(rng)
    amount = round_amount(rng, rng.uniform(150_000, 600_000))
    loan = LoanFacts(
        loan_date=day(filing, -rng.randint(200, 500)),
        term_months=6,
        monthly_rate=0.01,
        delivery="bank",
        transfer=amount,
        iou=amount,
    )
    cause = "民间借贷纠纷" if not hasattr(creditor, "rep_name") else "买卖合同纠纷"
    spec = county.civil_case(
        rng,
        court=court,
        cause=cause,
        kind=JUDGMENT,
        plaintiffs=[Party("原告", creditor, county.represent(rng, creditor, 0.8), "plaintiff")],
        defendants=[Party("被告", debtor, [], "defendant")],
        filing=filing,
        principal=amount,
        planted=True,
        absent=True,
        loan=loan if cause == "民间借贷纠纷" else None,
    )
    if cause == "买卖合同纠纷":
        spec.extra["goods"] = "纺织面料"
        spec.interest_claimed = False
    mark = len(county.regs.execution)
    ex = county.execution(
        rng,
        spec,
        planted=True,
        filed_after=(20, 40),
        mode="终结本次执行程序",
        publish=0.5,
        list_prob=1.0,
    )
    row = county.regs.execution[mark]
    exec_number, exec_filed = row[0], dt.date.fromisoformat(row[3])
    return spec, exec_number, exec_filed, ex


def _relative_suit(
    county: County,
    rng: random.Random,
    relative: Person,
    debtor: Person,
    court: C.Court,
    filing: dt.date,
    amount: int,
    kind: str,
    days: int,
    cash: bool,
) -> CaseSpec:
    loan = LoanFacts(
        loan_date=day(filing, -rng.randint(300, 900)),
        term_months=12,
        monthly_rate=0.0,
        delivery="cash" if cash else "bank",
        transfer=amount,
        iou=amount,
        purpose="经营需要",
    )
    spec = county.civil_case(
        rng,
        court=court,
        cause="民间借贷纠纷",
        kind=kind,
        plaintiffs=[Party("原告", relative, [], "plaintiff")],
        defendants=[Party("被告", debtor, [], "defendant")],
        filing=filing,
        principal=amount,
        planted=True,
        absent=False,
        loan=loan,
        duration=days,
        procedure="simple",
    )
    spec.defence = "collusive"
    spec.interest_claimed = False
    return spec


def _distribution(
    county: County,
    rng: random.Random,
    basis: CaseSpec,
    seized_case: str,
    relative: Person,
    debtor: Person,
) -> CaseSpec | None:
    filed = day(basis.decided, rng.randint(10, 40))
    closing = day(filed, rng.randint(100, 200))
    if closing > dt.date(2024, 12, 31):
        return None
    number = county.case_number(rng, basis.court, filed.year, "执", planted=True)
    share = int(basis.judged * rng.uniform(0.3, 0.7) / 100) * 100
    county.regs.add_execution(
        number,
        basis.court.name,
        basis.court.code,
        filed,
        relative,
        debtor,
        basis.cause,
        basis.case_number,
        "民事调解书" if basis.kind == MEDIATION else "民事判决书",
        basis.judged,
        "终结本次执行程序",
        closing,
        seized_case,
    )
    spec = CaseSpec(
        court=basis.court,
        case_number=number,
        type_code="执",
        cause=basis.cause,
        kind=EXEC_DISTRIBUTION,
        plaintiffs=[Party("申请执行人", relative, [], "applicant")],
        defendants=[Party("被执行人", debtor, [], "respondent")],
        filing=filed,
        decided=closing,
        basis=basis.case_number,
        basis_kind="民事调解书" if basis.kind == MEDIATION else "民事判决书",
        exec_amount=basis.judged,
        exec_filing=filed,
        principal=basis.principal,
        judged=basis.judged,
        stable=rng.randrange(1 << 30),
    )
    spec.extra.update(
        seized_case=seized_case,
        asset=rng.choice(("房产", "车辆", "厂房")),
        share=share,
        listed=True,
    )
    return spec


def _debtor_with_relative(county: County) -> tuple[Person, str, Person]:
    while True:
        hh = county.pop.reserve_adult(max_birth_year=1985)
        debtor = hh[0]
        rels = relation_of(county, debtor)
        sibs = [r for r in rels if r[0] == "sibling"]
        if sibs:
            return debtor, sibs[0][0], sibs[0][1]
        if rels:
            return debtor, rels[0][0], rels[0][1]


def plan(county: County, rng: random.Random, copy: int) -> list[Instance]:
    out: list[Instance] = []
    pid = f"{PATTERN}-{copy:02d}-"
    variants = (
        # id, strength, kind, days to decision, amount range, cash, link
        ("strong", "strong", MEDIATION, (6, 12), (1_500_000, 3_000_000), True, "family"),
        ("medium", "medium", JUDGMENT, (15, 25), (600_000, 1_000_000), False, "family"),
        ("weak", "weak", MEDIATION, (25, 40), (400_000, 700_000), False, "employee"),
    )
    for iid, strength, kind, days, amounts, cash, link in variants:
        debtor, relation, relative = _debtor_with_relative(county)
        court = C.COURT_OF_DISTRICT[debtor.district]
        t0 = rand_date(rng, dt.date(2016, 3, 1), dt.date(2021, 6, 30))
        judgment, exec_no, exec_filed, ex = _first_creditor_case(county, rng, debtor, court, t0)
        related: list[tuple[str, Entity]] = []
        if link == "employee":
            # the plaintiff works for the debtor's company
            company = county.orgs.new("company", DISTRICT_BY_KEY[debtor.district], rep=debtor)
            plaintiff = county.pop.reserve_adult(max_birth_year=1995)[0]
            county.regs.add_employment(plaintiff, company, day(t0, -rng.randint(400, 1500)), None, "财务")
            relation = "employee_of_debtor_company"
            related.append(("company_of_debtor", company))
        else:
            plaintiff = relative
            if strength == "strong":
                plaintiff.address = debtor.address  # moved in with the debtor
        related.insert(0, (relation, plaintiff))
        filing = day(exec_filed, rng.randint(40, 200))
        amount = round_amount(rng, rng.uniform(*amounts))
        suit = _relative_suit(
            county, rng, plaintiff, debtor, court, filing, amount, kind, rng.randint(*days), cash
        )
        specs = [judgment] + ([ex] if ex else []) + [suit]
        dist = _distribution(county, rng, suit, exec_no, plaintiff, debtor)
        if dist is not None:
            specs.append(dist)
        criteria = [
            "defendant_in_execution_before_suit",
            "defendant_dishonest_listed",
            f"related_parties:{relation}",
            "mediation" if kind == MEDIATION else "admission_judgment",
            f"days_filing_to_decision:{(suit.decided - suit.filing).days}",
            "joins_distribution" if dist is not None else "no_distribution_yet",
        ]
        if cash:
            criteria.append("cash_delivery")
        out.append(
            Instance(
                PATTERN,
                pid + iid,
                True,
                strength,
                debtor,
                criteria,
                f"debtor in execution since {exec_filed.isoformat()} ({exec_no}); "
                f"{relation} obtains "
                f"a {amount} yuan {'mediation' if kind == MEDIATION else 'judgment'} in "
                f"{(suit.decided - suit.filing).days} days and joins the distribution",
                specs,
                figures={
                    "first_execution_case": exec_no,
                    "first_execution_filed": exec_filed.isoformat(),
                    "collusive_case": suit.case_number,
                    "amount": amount,
                    "distribution_case": dist.case_number if dist else None,
                },
                related=related,
            )
        )

    # near miss 1: a sibling's honest loan to a debtor who is not in execution
    debtor, relation, relative = _debtor_with_relative(county)
    court = C.COURT_OF_DISTRICT[debtor.district]
    filing = rand_date(rng, dt.date(2017, 1, 1), dt.date(2023, 6, 30))
    suit = _relative_suit(
        county,
        rng,
        relative,
        debtor,
        court,
        filing,
        round_amount(rng, rng.uniform(80_000, 300_000)),
        JUDGMENT,
        rng.randint(50, 90),
        False,
    )
    suit.defence = "partial_paid"
    suit.outcome = "partial"
    suit.judged = int(suit.principal * 0.8 / 100) * 100
    out.append(
        Instance(
            PATTERN,
            pid + "nm-relative-honest",
            False,
            "near_miss",
            debtor,
            [],
            "a relative's loan to a debtor with no execution case, contested and decided in the usual time",
            [suit],
            related=[(relation, relative)],
        )
    )
    # near miss 2: an unrelated creditor sues a debtor already in execution, contested
    debtor = county.pop.reserve_adult(max_birth_year=1985)[0]
    court = C.COURT_OF_DISTRICT[debtor.district]
    t0 = rand_date(rng, dt.date(2016, 3, 1), dt.date(2021, 6, 30))
    judgment, exec_no, exec_filed, ex = _first_creditor_case(county, rng, debtor, court, t0)
    other = county.pop.pick(rng, debtor.district)
    suit = _relative_suit(
        county,
        rng,
        other,
        debtor,
        court,
        day(exec_filed, rng.randint(60, 300)),
        round_amount(rng, rng.uniform(50_000, 200_000)),
        JUDGMENT,
        rng.randint(50, 100),
        False,
    )
    suit.defence = "usury"
    suit.outcome = "partial"
    suit.judged = int(suit.principal * 0.9 / 100) * 100
    specs = [judgment] + ([ex] if ex else []) + [suit]
    out.append(
        Instance(
            PATTERN,
            pid + "nm-unrelated-creditor",
            False,
            "near_miss",
            debtor,
            [],
            "a debtor in execution sued by an unrelated creditor in an ordinary contested case",
            specs,
            related=[("unrelated_plaintiff", other)],
        )
    )
    # near miss 3: relative's mediation before the debtor's first execution case
    debtor, relation, relative = _debtor_with_relative(county)
    court = C.COURT_OF_DISTRICT[debtor.district]
    filing = rand_date(rng, dt.date(2016, 3, 1), dt.date(2019, 6, 30))
    suit = _relative_suit(
        county,
        rng,
        relative,
        debtor,
        court,
        filing,
        round_amount(rng, rng.uniform(100_000, 300_000)),
        MEDIATION,
        rng.randint(20, 45),
        False,
    )
    judgment, exec_no, exec_filed, ex = _first_creditor_case(
        county, rng, debtor, court, day(suit.decided, rng.randint(200, 500))
    )
    specs = [suit, judgment] + ([ex] if ex else [])
    out.append(
        Instance(
            PATTERN,
            pid + "nm-before-execution",
            False,
            "near_miss",
            debtor,
            [],
            "a relative's mediation that precedes the debtor's first execution case",
            specs,
            related=[(relation, relative)],
        )
    )
    return out
