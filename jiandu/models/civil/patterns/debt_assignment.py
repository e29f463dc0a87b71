"""Debt assignment after listing (Changshu): a person or company on the dishonest-debtor list
assigns a claim to someone else, who then sues the debtor of that claim — the assignor's own
creditors never see the money. Strength grows with the time since listing and the closeness
of assignor and assignee.

Near misses: an assignment made before the assignor was listed; a bank selling a bad loan to
an asset management company; an assignor whose listing was removed before the assignment."""

from __future__ import annotations

import datetime as dt
import random

from jiandu.models.civil.patterns.lending import relation_of
from jiandu.synth import courts as C
from jiandu.synth.cases import JUDGMENT, MEDIATION, CaseSpec, Entity, LoanFacts, Party
from jiandu.synth.county import County, day, rand_date, round_amount
from jiandu.synth.geography import DISTRICT_BY_KEY
from jiandu.synth.patterns import Instance
from jiandu.synth.people import Person

PATTERN = "debt_assignment"


def _listing(
    county: County,
    rng: random.Random,
    assignor: Entity,
    court: C.Court,
    listed: dt.date,
    removed: dt.date | None = None,
) -> str:
    """The assignor's own creditor's execution case and dishonest listing (register rows)."""
    creditor = county.orgs.pick_company(rng)
    filed = day(listed, -rng.randint(30, 90))
    number = county.case_number(rng, court, filed.year, "执", planted=True)
    basis = county.case_number(rng, court, day(filed, -200).year, "民初", planted=True)
    amount = round_amount(rng, rng.uniform(200_000, 900_000))
    county.regs.add_execution(
        number,
        court.name,
        court.code,
        filed,
        creditor,
        assignor,
        "买卖合同纠纷",
        basis,
        "民事判决书",
        amount,
        "终结本次执行程序",
        day(filed, rng.randint(120, 200)),
    )
    county.regs.add_ban(assignor, number, court.name, day(filed, 10), removed)
    county.regs.add_dishonest(
        assignor,
        number,
        court.name,
        basis,
        listed,
        day(listed, rng.randint(1, 10)),
        removed,
        "有履行能力而拒不履行生效法律文书确定义务",
    )
    return number


def _assignee_suit(
    county: County,
    rng: random.Random,
    assignee: Entity,
    assignor: Entity,
    court: C.Court,
    assign_date: dt.date,
    amount: int,
    third_party: bool,
    cause: str = "民间借贷纠纷",
) -> CaseSpec:
    borrower = county.pop.pick(rng, court.district or "yuecheng")
    loan = LoanFacts(
        loan_date=day(assign_date, -rng.randint(200, 700)),
        term_months=12,
        monthly_rate=0.01,
        delivery="bank",
        transfer=amount,
        iou=amount,
    )
    filing = day(assign_date, rng.randint(20, 90))
    spec = county.civil_case(
        rng,
        court=court,
        cause=cause,
        kind=JUDGMENT if rng.random() < 0.7 else MEDIATION,
        plaintiffs=[Party("原告", assignee, county.represent(rng, assignee, 0.8), "plaintiff")],
        defendants=[Party("被告", borrower, [], "defendant")],
        filing=filing,
        principal=amount,
        planted=True,
        absent=rng.random() < 0.5,
        loan=loan,
    )
    spec.extra["assignor"] = assignor
    spec.extra["assign_date"] = assign_date
    if third_party:
        spec.third_parties.append(Party("第三人", assignor, [], "third_party"))
    return spec


def plan(county: County, rng: random.Random, copy: int) -> list[Instance]:
    out: list[Instance] = []
    pid = f"{PATTERN}-{copy:02d}-"
    variants = (
        ("strong", "strong", (365, 700), "relative", True),
        ("medium", "medium", (90, 180), "unrelated", False),
        ("weak", "weak", (15, 40), "company", False),
        ("company-assignor", "medium", (120, 300), "relative", True),
    )
    # Assignors are strangers to each other: drawn from one clan, a masked 宣某某 could not be
    # told apart from the pattern's other listed 宣 at the same court.
    surnames: set[str] = set()
    for iid, strength, gap, assignee_kind, third in variants:
        hh = county.pop.reserve_adult(max_birth_year=1985, avoid_surnames=surnames)
        person = hh[0]
        surnames.add(person.name[0])
        assignor: Entity = person
        if iid == "company-assignor":
            assignor = county.orgs.new("company", DISTRICT_BY_KEY[person.district], rep=person)
        court = C.COURT_OF_DISTRICT[person.district]
        listed = rand_date(rng, dt.date(2016, 6, 1), dt.date(2021, 12, 31))
        exec_no = _listing(county, rng, assignor, court, listed)
        assign_date = day(listed, rng.randint(*gap))
        related: list[tuple[str, Entity]] = []
        if assignee_kind == "relative":
            rels = relation_of(county, person)
            assignee: Entity = rels[0][1] if rels else county.pop.reserve_adult()[0]
            related.append((rels[0][0] if rels else "associate", assignee))
        elif assignee_kind == "company":
            assignee = county.orgs.pick_company(rng)
            related.append(("assignee_company", assignee))
        else:
            assignee = county.pop.reserve_adult()[0]
            related.append(("assignee", assignee))
        if isinstance(assignor, Person) is False:
            related.append(("legal_representative", person))
        suit = _assignee_suit(
            county,
            rng,
            assignee,
            assignor,
            court,
            assign_date,
            round_amount(rng, rng.uniform(100_000, 800_000)),
            third,
        )
        out.append(
            Instance(
                PATTERN,
                pid + iid,
                True,
                strength,
                assignor,
                [
                    "assignor_dishonest_listed_before_assignment",
                    f"days_listing_to_assignment:{(assign_date - listed).days}",
                    f"assignee:{assignee_kind}",
                ]
                + (["assignor_third_party"] if third else []),
                f"assignor listed {listed.isoformat()} ({exec_no}), assigns a claim on "
                f"{assign_date.isoformat()}; the assignee sues",
                [suit],
                figures={
                    "listed": listed.isoformat(),
                    "assigned": assign_date.isoformat(),
                    "listing_case": exec_no,
                },
                related=related,
            )
        )

    # near miss 1: assignment before listing
    person = county.pop.reserve_adult(max_birth_year=1985, avoid_surnames=surnames)[0]
    surnames.add(person.name[0])
    court = C.COURT_OF_DISTRICT[person.district]
    assign_date = rand_date(rng, dt.date(2016, 6, 1), dt.date(2021, 6, 30))
    listed = day(assign_date, rng.randint(150, 400))
    exec_no = _listing(county, rng, person, court, listed)
    assignee = county.pop.reserve_adult()[0]
    suit = _assignee_suit(
        county,
        rng,
        assignee,
        person,
        court,
        assign_date,
        round_amount(rng, rng.uniform(100_000, 500_000)),
        False,
    )
    out.append(
        Instance(
            PATTERN,
            pid + "nm-before-listing",
            False,
            "near_miss",
            person,
            [],
            "the assignment came months before the assignor was listed",
            [suit],
            figures={
                "listed": listed.isoformat(),
                "assigned": assign_date.isoformat(),
                "listing_case": exec_no,
            },
            related=[("assignee", assignee)],
        )
    )
    # near miss 2: bank sells a bad loan to an asset management company
    bank = county.orgs.banks[(copy + 2) % len(county.orgs.banks)]
    court = C.COURT_OF_DISTRICT.get(bank.district) or C.BASIC_COURTS[0]
    assign_date = rand_date(rng, dt.date(2016, 6, 1), dt.date(2022, 6, 30))
    suit = _assignee_suit(
        county,
        rng,
        county.orgs.amc,
        bank,
        court,
        assign_date,
        round_amount(rng, rng.uniform(300_000, 2_000_000)),
        False,
        cause="债权转让合同纠纷",
    )
    out.append(
        Instance(
            PATTERN,
            pid + "nm-bank-npl",
            False,
            "near_miss",
            bank,
            [],
            "a bank assigns a non-performing loan to a licensed asset management "
            "company; the bank was never listed",
            [suit],
            related=[("assignee", county.orgs.amc)],
        )
    )
    # near miss 3: listing removed before the assignment
    person = county.pop.reserve_adult(max_birth_year=1985, avoid_surnames=surnames)[0]
    surnames.add(person.name[0])
    court = C.COURT_OF_DISTRICT[person.district]
    listed = rand_date(rng, dt.date(2016, 6, 1), dt.date(2019, 12, 31))
    removed = day(listed, rng.randint(100, 300))
    exec_no = _listing(county, rng, person, court, listed, removed=removed)
    assign_date = day(removed, rng.randint(60, 300))
    assignee = county.pop.reserve_adult()[0]
    suit = _assignee_suit(
        county,
        rng,
        assignee,
        person,
        court,
        assign_date,
        round_amount(rng, rng.uniform(100_000, 500_000)),
        False,
    )
    out.append(
        Instance(
            PATTERN,
            pid + "nm-delisted",
            False,
            "near_miss",
            person,
            [],
            "the assignor had paid and was removed from the list before the assignment",
            [suit],
            figures={
                "listed": listed.isoformat(),
                "removed": removed.isoformat(),
                "assigned": assign_date.isoformat(),
                "listing_case": exec_no,
            },
            related=[("assignee", assignee)],
        )
    )
    return out
