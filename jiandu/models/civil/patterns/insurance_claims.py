"""Insurance-claim suits by a repair shop's employees (Shaoxing vehicle insurance): car owners
assign their claims to employees of one repair shop, who sue the insurers again and again;
one appraiser values every loss and the insurer never assessed it.

Near misses: owners of cars repaired at one shop who sue in their own name after the insurer
assessed the loss; a single assignment suit by one employee."""

from __future__ import annotations

import datetime as dt
import random

from jiandu.synth import courts as C
from jiandu.synth.cases import JUDGMENT, MEDIATION, WITHDRAWAL, CaseSpec, Entity, Party
from jiandu.synth.companies import Organization
from jiandu.synth.county import County, day, rand_date, round_amount
from jiandu.synth.geography import DISTRICT_BY_KEY
from jiandu.synth.patterns import Instance
from jiandu.synth.people import Person

PATTERN = "insurance_claims"


def _suit(
    county: County,
    rng: random.Random,
    plaintiff: Person,
    owner: Person | None,
    shop: Organization,
    appraiser: Organization | None,
    court: C.Court,
    filing: dt.date,
) -> CaseSpec:
    from jiandu.synth.background import plate

    insurer = rng.choice(county.orgs.insurers)
    amount = round_amount(rng, rng.uniform(8_000, 60_000))
    x = rng.random()
    kind = JUDGMENT if x < 0.7 else (MEDIATION if x < 0.95 else WITHDRAWAL)
    spec = county.civil_case(
        rng,
        court=court,
        cause="财产保险合同纠纷",
        kind=kind,
        plaintiffs=[Party("原告", plaintiff, [], "plaintiff")],
        defendants=[Party("被告", insurer, county.represent(rng, insurer, 0.7), "defendant")],
        filing=filing,
        principal=amount,
        planted=True,
        absent=False,
        outcome="partial" if rng.random() < 0.5 else "full",
    )
    if spec.outcome == "partial":
        spec.judged = int(amount * rng.uniform(0.6, 0.9) / 100) * 100
    spec.interest_claimed = False
    spec.extra.update(
        plate=plate(rng),
        accident=day(filing, -rng.randint(30, 150)),
        shop=shop,
        appraiser=appraiser,
        no_assessment=appraiser is not None,
    )
    if owner is not None:
        spec.extra["owner"] = owner
    return spec


def plan(county: County, rng: random.Random, copy: int) -> list[Instance]:
    out: list[Instance] = []
    pid = f"{PATTERN}-{copy:02d}-"
    for iid, strength, employees, per in (
        ("strong", "strong", 4, 10),
        ("medium", "medium", 3, 5),
        ("weak", "weak", 2, 3),
    ):
        owner_p = county.pop.reserve_adult(max_birth_year=1985)[0]
        district = DISTRICT_BY_KEY[owner_p.district]
        shop = county.orgs.new("repair_shop", district, rep=owner_p, industry="汽车维修")
        appraiser = rng.choice(county.orgs.appraisers)
        court = C.COURT_OF_DISTRICT[owner_p.district]
        y0 = rng.choice((2017, 2018, 2019, 2020, 2021))
        staff = [county.pop.reserve_adult(max_birth_year=1998)[0] for _ in range(employees)]
        for e in staff:
            county.regs.add_employment(
                e,
                shop,
                dt.date(y0 - rng.randint(1, 3), rng.randint(1, 12), 1),
                None,
                rng.choice(("维修工", "业务员", "前台接待")),
            )
        specs = []
        for e in staff:
            for _ in range(per):
                filing = rand_date(rng, dt.date(y0, 1, 5), dt.date(y0 + 1, 12, 20))
                specs.append(
                    _suit(
                        county,
                        rng,
                        e,
                        county.pop.pick(rng, owner_p.district),
                        shop,
                        appraiser,
                        court,
                        filing,
                    )
                )
        related: list[tuple[str, Entity]] = [("employee", e) for e in staff]
        related += [("legal_representative", owner_p), ("appraiser", appraiser)]
        out.append(
            Instance(
                PATTERN,
                pid + iid,
                True,
                strength,
                shop,
                [
                    "plaintiffs_employed_by_repair_shop",
                    "plaintiff_not_car_owner",
                    "same_appraiser",
                    "no_insurer_assessment",
                    f"employees:{employees}",
                    f"suits:{employees * per}",
                ],
                f"{employees} employees of one repair shop bring {employees * per} claims "
                "assigned by "
                "car owners, all valued by one appraiser",
                specs,
                figures={"employees": employees, "suits": employees * per},
                related=related,
            )
        )
    # near miss 1: owners sue in their own name; cars repaired at one shop; insurer assessed
    owner_p = county.pop.reserve_adult(max_birth_year=1985)[0]
    district = DISTRICT_BY_KEY[owner_p.district]
    shop = county.orgs.new("repair_shop", district, rep=owner_p, industry="汽车维修")
    court = C.COURT_OF_DISTRICT[owner_p.district]
    specs = []
    for _ in range(8):
        owner = county.pop.pick(rng, owner_p.district)
        filing = rand_date(rng, dt.date(2017, 1, 5), dt.date(2023, 12, 20))
        specs.append(_suit(county, rng, owner, None, shop, None, court, filing))
    out.append(
        Instance(
            PATTERN,
            pid + "nm-owners-sue",
            False,
            "near_miss",
            shop,
            [],
            "eight owners of cars repaired at one shop sue their insurers in their own "
            "name; the insurer assessed the losses",
            specs,
        )
    )
    # near miss 2: one employee, one assignment
    owner_p = county.pop.reserve_adult(max_birth_year=1985)[0]
    district = DISTRICT_BY_KEY[owner_p.district]
    shop = county.orgs.new("repair_shop", district, rep=owner_p, industry="汽车维修")
    e = county.pop.reserve_adult(max_birth_year=1998)[0]
    county.regs.add_employment(e, shop, dt.date(2016, 3, 1), None, "维修工")
    court = C.COURT_OF_DISTRICT[owner_p.district]
    spec = _suit(
        county,
        rng,
        e,
        county.pop.pick(rng, owner_p.district),
        shop,
        rng.choice(county.orgs.appraisers),
        court,
        rand_date(rng, dt.date(2018, 1, 5), dt.date(2023, 12, 20)),
    )
    out.append(
        Instance(
            PATTERN,
            pid + "nm-single",
            False,
            "near_miss",
            shop,
            [],
            "a single assigned claim by one repair-shop employee",
            [spec],
            related=[("employee", e)],
        )
    )
    return out
