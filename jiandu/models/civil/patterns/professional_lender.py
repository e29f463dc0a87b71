"""Professional lenders (职业放贷人) around the Zhejiang 2018 criteria: ≥20 private-lending
suits at one basic court over 3 consecutive years (≥30 across the intermediate court's area);
≥10 in one year at one basic court (≥15 across the area); ≥5 in one year totalling ≥1M yuan;
≥3 in one year totalling ≥10M; half the counts with two or more aggravating signs. The same
or linked plaintiffs count together.

Positives cover each criterion at different strengths; near misses sit just under them."""

from __future__ import annotations

import random

from jiandu.models.civil.patterns.lending import STANDARD_IOUS, lending_series
from jiandu.synth import courts as C
from jiandu.synth.county import County
from jiandu.synth.patterns import Instance
from jiandu.synth.people import Person

PATTERN = "professional_lender"


def _lender(county: County, with_spouse: bool = False) -> Person:
    return county.pop.reserve_adult(with_spouse=with_spouse, max_birth_year=1988)[0]


def _counts(specs: list, key: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in specs:
        if s.type_code != "民初":
            continue
        for p in s.plaintiffs:
            if p.entity.key == key:
                k = f"{s.court.code}:{s.filing.year}"
                out[k] = out.get(k, 0) + 1
    return dict(sorted(out.items()))


def plan(county: County, rng: random.Random, copy: int) -> list[Instance]:
    out: list[Instance] = []
    basic = list(C.BASIC_COURTS)
    rng.shuffle(basic)
    y0 = rng.choice((2016, 2017, 2018, 2019, 2020, 2021))
    pid = f"{PATTERN}-{copy:02d}-"

    def add(iid: str, positive: bool, strength: str, subject, criteria, note, specs, **kw) -> None:
        inst = Instance(PATTERN, pid + iid, positive, strength, subject, criteria, note, specs, **kw)
        inst.figures.setdefault("suits_by_court_year", _counts(specs, subject.key))
        inst.figures.setdefault("total_claimed", sum(s.principal for s in specs if s.type_code == "民初"))
        out.append(inst)

    # 1. strong: 24 suits at one court over 3 years, standard-form IOUs and cash delivery
    p = _lender(county)
    wording = rng.choice(STANDARD_IOUS)
    specs = lending_series(
        county,
        rng,
        p,
        [(basic[0], y0, 8), (basic[0], y0 + 1, 9), (basic[0], y0 + 2, 7)],
        principal=(20_000, 200_000),
        signs=frozenset({"standard_form", "cash"}),
        wording=wording,
        agent=county.orgs.lawyer(rng),
        withdraw=0.2,
        absent=0.65,
        notice=0.2,
    )
    add(
        "strong-3y",
        True,
        "strong",
        p,
        ["basic_court_3y>=20", "aggravating:standard_form_iou", "aggravating:cash_delivery"],
        "24 private-lending suits at one basic court in 3 consecutive years, standard-form IOUs, "
        "cash delivery",
        specs,
    )

    # 2. 12 suits in one year at one court
    p = _lender(county)
    specs = lending_series(
        county,
        rng,
        p,
        [(basic[1], y0 + 1, 12)],
        principal=(10_000, 120_000),
        agent=county.orgs.lawyer(rng),
    )
    add(
        "yearly",
        True,
        "medium",
        p,
        ["basic_court_1y>=10"],
        "12 private-lending suits at one basic court in one year",
        specs,
    )

    # 3. a consulting company: 6 suits in one year totalling well over 1M
    d = county.pop.reserve_adult(max_birth_year=1985)[0]
    court = basic[2]
    from jiandu.synth.geography import DISTRICT_BY_KEY

    company = county.orgs.new(
        "consulting", DISTRICT_BY_KEY[court.district or "yuecheng"], rep=d, industry="投资咨询"
    )
    specs = lending_series(
        county,
        rng,
        company,
        [(court, y0 + 2, 6)],
        principal=(220_000, 400_000),
        agent=county.orgs.lawyer(rng),
        withdraw=0.0,
        mediate=0.3,
    )
    add(
        "amount-1m",
        True,
        "medium",
        company,
        ["1y>=5_and_total>=1M"],
        "an unlicensed investment-consulting company: 6 suits in one year totalling over 1M yuan",
        specs,
        related=[("legal_representative", d)],
    )

    # 4. 3 suits in one year totalling over 10M
    p = _lender(county)
    specs = lending_series(
        county,
        rng,
        p,
        [(basic[3], y0 + 1, 3)],
        principal=(3_600_000, 4_500_000),
        agent=county.orgs.lawyer(rng),
        withdraw=0.0,
        mediate=0.3,
        absent=0.3,
        execution=0.6,
    )
    add(
        "amount-10m",
        True,
        "medium",
        p,
        ["1y>=3_and_total>=10M"],
        "3 suits in one year totalling over 10M yuan",
        specs,
    )

    # 5. weak: 11 suits over 3 years with three aggravating signs (half threshold)
    p = _lender(county)
    specs = lending_series(
        county,
        rng,
        p,
        [(basic[4], y0, 4), (basic[4], y0 + 1, 4), (basic[4], y0 + 2, 3)],
        principal=(20_000, 100_000),
        signs=frozenset({"standard_form", "upfront", "cash"}),
        wording=rng.choice(STANDARD_IOUS),
        agent=county.orgs.lawyer(rng),
    )
    add(
        "half-with-signs",
        True,
        "weak",
        p,
        [
            "half_threshold_3y>=10",
            "aggravating:standard_form_iou",
            "aggravating:upfront_interest",
            "aggravating:cash_delivery",
        ],
        "11 suits in 3 years at one court (half the 20) with standard-form IOUs, interest deducted "
        "up front and cash delivery",
        specs,
    )

    # 6. weak: linked plaintiffs, husband and wife 12 + 10 in 3 years at one court
    hh = county.pop.reserve_adult(with_spouse=True, max_birth_year=1985)
    husband = hh[0]
    wife = county.pop.by_key[husband.spouse or ""]
    lawyer = county.orgs.lawyer(rng)
    specs = lending_series(
        county,
        rng,
        husband,
        [(basic[5], y0, 4), (basic[5], y0 + 1, 4), (basic[5], y0 + 2, 4)],
        principal=(20_000, 150_000),
        agent=lawyer,
    )
    specs += lending_series(
        county,
        rng,
        wife,
        [(basic[5], y0, 3), (basic[5], y0 + 1, 4), (basic[5], y0 + 2, 3)],
        principal=(20_000, 150_000),
        agent=lawyer,
    )
    inst_specs = specs
    add(
        "linked-spouses",
        True,
        "weak",
        husband,
        ["linked_plaintiffs_3y>=20"],
        "spouses (one household) who each stay under 20 suits but together bring 22 at one court "
        "in 3 years, with the same lawyer",
        inst_specs,
        related=[("spouse", wife)],
        figures={
            "suits_by_court_year": _counts(specs, husband.key),
            "spouse_suits_by_court_year": _counts(specs, wife.key),
        },
    )

    # 7. medium: 32 suits across four basic courts in 3 years (area-wide), 8 at each
    p = _lender(county)
    blocks = []
    for c in basic[:4]:
        per_year = [3, 3, 2]
        rng.shuffle(per_year)
        blocks += [(c, y0 + i, n) for i, n in enumerate(per_year)]
    specs = lending_series(county, rng, p, blocks, principal=(20_000, 150_000), agent=county.orgs.lawyer(rng))
    add(
        "area-3y",
        True,
        "medium",
        p,
        ["area_3y>=30"],
        "32 suits across four basic courts in 3 years, at most 8 at any one court",
        specs,
    )

    # near misses
    p = _lender(county)
    specs = lending_series(
        county,
        rng,
        p,
        [(basic[0], y0, 7), (basic[0], y0 + 1, 6), (basic[0], y0 + 2, 6)],
        principal=(20_000, 150_000),
    )
    add(
        "nm-19-in-3y",
        False,
        "near_miss",
        p,
        [],
        "19 suits at one court in 3 years, no aggravating sign: just under 20",
        specs,
    )
    p = _lender(county)
    specs = lending_series(county, rng, p, [(basic[1], y0 + 2, 9)], principal=(20_000, 90_000))
    add(
        "nm-9-in-1y",
        False,
        "near_miss",
        p,
        [],
        "9 suits at one court in one year: just under 10",
        specs,
    )
    p = _lender(county)
    specs = lending_series(
        county, rng, p, [(basic[2], y0 + 1, 4)], principal=(300_000, 380_000), withdraw=0.0
    )
    add(
        "nm-4-over-1m",
        False,
        "near_miss",
        p,
        [],
        "4 suits in one year totalling over 1M yuan: one suit short of 5",
        specs,
    )
    p = _lender(county)
    specs = lending_series(
        county,
        rng,
        p,
        [(basic[3], y0, 4), (basic[3], y0 + 1, 4), (basic[3], y0 + 2, 3)],
        principal=(20_000, 100_000),
        signs=frozenset({"cash"}),
    )
    add(
        "nm-half-one-sign",
        False,
        "near_miss",
        p,
        [],
        "11 suits in 3 years at one court with only one aggravating sign (cash delivery)",
        specs,
    )
    # a person who lent to relatives and friends: 3 honest suits
    p = _lender(county)
    specs = lending_series(
        county,
        rng,
        p,
        [(basic[4], y0, 2), (basic[4], y0 + 2, 1)],
        principal=(30_000, 200_000),
        absent=0.2,
        execution=0.2,
    )
    add(
        "nm-acquaintance",
        False,
        "near_miss",
        p,
        [],
        "an ordinary person who sued three acquaintances over several years",
        specs,
    )
    return out
