"""Serial plaintiffs (the Zhou pattern): one plaintiff files many suits with the same wording;
a high share is withdrawn after filing, most of the rest end in default judgments, often after
service by public notice, and about two thirds go on to execution; some IOUs are ten times the
money actually transferred (3,000 yuan sent, a 30,000 yuan IOU).

Near misses: a bank and a licensed small-loan company that also sue many borrowers, default
and public notice included, but lawfully."""

from __future__ import annotations

import random

from jiandu.models.civil.patterns.lending import SERIAL_WORDINGS, lending_series
from jiandu.synth import courts as C
from jiandu.synth.cases import JUDGMENT, WITHDRAWAL
from jiandu.synth.county import County
from jiandu.synth.patterns import Instance

PATTERN = "serial_plaintiff"


def _figures(specs: list, key: str) -> dict[str, object]:
    suits = [s for s in specs if s.type_code == "民初" and s.plaintiffs[0].entity.key == key]
    n = len(suits)
    judgments = [s for s in suits if s.kind == JUDGMENT]
    filed_exec = {s.basis for s in specs if s.type_code == "执"}
    return {
        "suits": n,
        "withdrawn": sum(1 for s in suits if s.kind == WITHDRAWAL),
        "default_judgments": sum(1 for s in judgments if s.defendant_absent),
        "public_notice": sum(1 for s in suits if s.public_notice),
        "iou_above_transfer": sum(1 for s in suits if s.loan and s.loan.iou > s.loan.transfer),
        "decided": sum(1 for s in suits if s.kind != WITHDRAWAL),
        "execution_applications": sum(1 for s in suits if "execution_case" in s.extra),
        "published_execution_rulings": len(filed_exec),
    }


def plan(county: County, rng: random.Random, copy: int) -> list[Instance]:
    out: list[Instance] = []
    pid = f"{PATTERN}-{copy:02d}-"
    basic = list(C.BASIC_COURTS)
    rng.shuffle(basic)
    y0 = rng.choice((2016, 2017, 2018, 2019, 2020, 2021))

    def add(iid, positive, strength, subject, criteria, note, specs, **kw) -> Instance:
        inst = Instance(PATTERN, pid + iid, positive, strength, subject, criteria, note, specs, **kw)
        inst.figures.update(_figures(specs, subject.key))
        from .professional_lender import _counts

        inst.figures["suits_by_court_year"] = _counts(specs, subject.key)
        out.append(inst)
        return inst

    # strong: the Zhou case, ~100 suits in 3 years, one court (+ a few at a neighbour)
    p = county.pop.reserve_adult(max_birth_year=1985)[0]
    lawyer = county.orgs.lawyer(rng)
    wording = rng.choice(SERIAL_WORDINGS)
    blocks = [
        (basic[0], y0, 30),
        (basic[0], y0 + 1, 38),
        (basic[0], y0 + 2, 26),
        (basic[1], y0 + 1, 6),
    ]
    specs = lending_series(
        county,
        rng,
        p,
        blocks,
        principal=(10_000, 60_000),
        withdraw=0.42,
        mediate=0.03,
        absent=0.9,
        notice=0.4,
        execution=0.65,
        agent=lawyer,
        wording=wording,
        iou_ratio=10.0,
        inflated_share=0.3,
    )
    add(
        "zhou-strong",
        True,
        "strong",
        p,
        [
            "many_suits",
            "high_withdrawal_share",
            "default_judgments",
            "public_notice_service",
            "execution_applications",
            "iou_tenfold_transfer",
            "standard_wording",
        ],
        "about 100 suits in 3 years with the same wording, ~40% withdrawn, default judgments and "
        "public notice, ~65% of decided suits sent to execution, IOUs ten times the transfer",
        specs,
        also=[pid.replace(PATTERN, "professional_lender") + "serial-strong"],
    )

    # medium: 40 suits, a third withdrawn
    p = county.pop.reserve_adult(max_birth_year=1985)[0]
    specs = lending_series(
        county,
        rng,
        p,
        [(basic[2], y0 + 1, 22), (basic[2], y0 + 2, 18)],
        principal=(10_000, 80_000),
        withdraw=0.32,
        mediate=0.05,
        absent=0.8,
        notice=0.3,
        execution=0.5,
        agent=county.orgs.lawyer(rng),
        wording=rng.choice(SERIAL_WORDINGS),
        iou_ratio=3.0,
        inflated_share=0.15,
    )
    add(
        "medium",
        True,
        "medium",
        p,
        ["many_suits", "high_withdrawal_share", "default_judgments", "standard_wording"],
        "40 suits in 2 years with the same wording, a third withdrawn, mostly default judgments",
        specs,
        also=[pid.replace(PATTERN, "professional_lender") + "serial-medium"],
    )

    # weak: 15 suits, some withdrawn, a few IOUs double the transfer
    p = county.pop.reserve_adult(max_birth_year=1985)[0]
    specs = lending_series(
        county,
        rng,
        p,
        [(basic[3], y0 + 2, 15)],
        principal=(10_000, 50_000),
        withdraw=0.27,
        mediate=0.05,
        absent=0.7,
        notice=0.2,
        execution=0.4,
        agent=county.orgs.lawyer(rng),
        wording=rng.choice(SERIAL_WORDINGS),
        iou_ratio=2.0,
        inflated_share=0.2,
    )
    add(
        "weak",
        True,
        "weak",
        p,
        ["many_suits", "high_withdrawal_share", "iou_above_transfer"],
        "15 suits in one year, a quarter withdrawn, some IOUs double the transfer",
        specs,
        also=[pid.replace(PATTERN, "professional_lender") + "serial-weak"],
    )

    # near misses: a bank and a licensed small-loan company suing many borrowers
    bank = county.orgs.banks[1 + copy % (len(county.orgs.banks) - 1)]
    court = C.COURT_OF_DISTRICT[bank.district]
    specs = lending_series(
        county,
        rng,
        bank,
        [(court, y0, 20), (court, y0 + 1, 25), (court, y0 + 2, 15)],
        principal=(30_000, 500_000),
        withdraw=0.08,
        mediate=0.1,
        absent=0.7,
        notice=0.35,
        execution=0.5,
        cause="金融借款合同纠纷",
    )
    for s in specs:
        s.extra["loan_date"] = s.loan.loan_date if s.loan else s.filing
    add(
        "nm-bank",
        False,
        "near_miss",
        bank,
        [],
        "a bank branch (financial licence) suing 60 borrowers in 3 years: lawful mass suits",
        specs,
        also=[pid.replace(PATTERN, "professional_lender") + "nm-bank"],
    )
    lender = county.orgs.small_loans[copy % len(county.orgs.small_loans)]
    court = C.COURT_OF_DISTRICT[lender.district]
    specs = lending_series(
        county,
        rng,
        lender,
        [(court, y0 + 1, 18), (court, y0 + 2, 12)],
        principal=(20_000, 200_000),
        withdraw=0.1,
        mediate=0.1,
        absent=0.6,
        notice=0.3,
        execution=0.5,
        cause="小额借款合同纠纷",
    )
    for s in specs:
        s.extra["loan_date"] = s.loan.loan_date if s.loan else s.filing
    add(
        "nm-small-loan",
        False,
        "near_miss",
        lender,
        [],
        "a licensed small-loan company suing 30 borrowers in 2 years",
        specs,
        also=[pid.replace(PATTERN, "professional_lender") + "nm-small-loan"],
    )
    return out


def professional_lender_views(instances: list[Instance]) -> list[Instance]:
    """The same subjects seen by the professional-lender criteria: the strong and medium
    serial plaintiffs meet them (positive); bank and small-loan company are licensed (negative)."""
    out = []
    for inst in instances:
        if not inst.also:
            continue
        iid = inst.also[0]
        positive = inst.positive
        v = Instance(
            "professional_lender",
            iid,
            positive,
            inst.strength if positive else "near_miss",
            inst.subject,
            ["basic_court_1y>=10", "basic_court_3y>=20"] if positive else [],
            (
                "serial plaintiff seen by the professional-lender criteria"
                if positive
                else "licensed lender: many suits but excluded by the criteria"
            ),
            inst.specs,
            figures={"suits_by_court_year": inst.figures.get("suits_by_court_year", {})},
            also=[inst.instance_id],
        )
        out.append(v)
    return out
