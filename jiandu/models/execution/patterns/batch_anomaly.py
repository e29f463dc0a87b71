"""执行批量异常: an applicant whose execution cases look like a collection line — a licensed
small-loan company enforcing notarised debt instruments (公证债权文书) against many borrowers,
filed in a same-day batch. Near miss: a bank branch with as many cases in a year, each on a
judgment, filed over the year (volume alone is lawful).

Register rows only (the execution register of `jiandu.synth.registers`); the measures of these
cases are the background's (compliant), so no other model sees them as irregular.
"""

from __future__ import annotations

import datetime as dt
import random

from jiandu.synth import courts as C
from jiandu.synth.county import County, day, rand_date
from jiandu.synth.geography import DISTRICT_BY_KEY
from jiandu.synth.patterns import Instance

PATTERN = "batch_anomaly"
MODEL = "execution.batch_anomaly"


def plan(county: County, rng: random.Random, copy: int) -> list[Instance]:
    pid = f"{PATTERN}-{copy:02d}-"
    court = rng.choice(C.BASIC_COURTS)
    district = DISTRICT_BY_KEY.get(court.district or "yuecheng") or DISTRICT_BY_KEY["yuecheng"]
    year = rng.randint(2018, 2023)
    out = []

    lender = county.orgs.new("small_loan", district, licence=True)
    batch_day = rand_date(rng, dt.date(year, 2, 1), dt.date(year, 5, 31))
    n = rng.randint(24, 32)
    batch = rng.randint(8, 12)
    for i in range(n):
        filed = batch_day if i < batch else rand_date(rng, day(batch_day, 1), dt.date(year, 12, 20))
        number = county.case_number(rng, court, year, "执", planted=True)
        notary = f"（{year}）浙绍{rng.choice(('越', '柯', '虞'))}证执字第{rng.randint(100, 999)}号"
        county.regs.add_execution(
            number,
            court.name,
            court.code,
            filed,
            lender,
            county.pop.pick(rng, court.district),
            "借款合同纠纷",
            notary,
            "公证债权文书",
            rng.randint(2, 20) * 10_000,
            None,
            None,
        )
    out.append(
        Instance(
            PATTERN,
            pid + "notarised-batches",
            True,
            "strong",
            lender,
            ["many_cases", "notarised_instruments", "same_day_batch"],
            f"小额贷款公司一年申请执行{n}件，均为公证债权文书，其中{batch}件同日立案",
            figures={"cases": n, "batch": batch, "batch_day": batch_day.isoformat()},
            models=[MODEL],
        )
    )

    bank = county.orgs.new("bank", district, licence=True)
    n = rng.randint(24, 32)
    for i in range(n):
        filed = day(dt.date(year, 1, 5), i * 11 + rng.randint(0, 5))
        number = county.case_number(rng, court, year, "执", planted=True)
        basis = county.case_number(rng, court, year - 1, "民初", planted=True)
        county.regs.add_execution(
            number,
            court.name,
            court.code,
            filed,
            bank,
            county.pop.pick(rng, court.district),
            "金融借款合同纠纷",
            basis,
            "民事判决书",
            rng.randint(5, 50) * 10_000,
            None,
            None,
        )
    out.append(
        Instance(
            PATTERN,
            pid + "bank-volume",
            False,
            "near_miss",
            bank,
            ["many_cases_on_judgments"],
            f"银行一年申请执行{n}件，均依生效判决、分散立案（量大但合法）",
            figures={"cases": n},
            models=[MODEL],
        )
    )
    return out
