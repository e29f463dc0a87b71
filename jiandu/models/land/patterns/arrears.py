"""出让金欠缴: transfers with instalments unpaid or paid late and no late fee collected, and the
near misses that must not fire.

Planted (per copy)
  unpaid-long     the second instalment never paid, due more than 60 days before the as-of date (red)
  late-no-fee     the first instalment paid 45 days late by a payer named without 电子监管号 or
                  credit code (matched by the grantee's name, half-width brackets), no late fee
  refunded        both instalments paid on time, the second refunded (退库) in a later correction
                  file: unpaid since its due date
Near misses
  due-day         every instalment paid on its due day (no late day)
  fee-collected   the first instalment 30 days late, the late fee (1‰ × 30 days) collected
  project-company paid on time by the grantee's project company, the 电子监管号 on the payment
  not-yet-due     the second instalment due after the as-of date, not paid yet
"""

from __future__ import annotations

import datetime as dt
import random

from jiandu.synth.county import County
from jiandu.synth.patterns import Instance
from jiandu.synth.rng import stream

from .common import AS_OF, LandMaker, Transfer, contract_row, instalment_rows, pay_all, payment_row

PATTERN = "land_arrears"
MODEL = "land.transfer_fee_arrears"


def _instance(
    key: str,
    t: Transfer,
    positive: bool,
    strength: str,
    criteria: list[str],
    note: str,
    copy: int,
    **rows: list,
) -> Instance:
    return Instance(
        PATTERN,
        f"{PATTERN}-{copy:02d}-{key}",
        positive,
        strength,
        t.subject(),
        criteria,
        note,
        figures={"supervision_no": t.supervision_no},
        models=[MODEL],
        rows={"contracts": [contract_row(t)], "instalments": instalment_rows(t), **rows},
    )


def plan(county: County, rng: random.Random, copy: int) -> list[Instance]:
    rng = stream(county.seed, f"land:{PATTERN}:{copy}")
    m = LandMaker(rng, 1, copy)
    out: list[Instance] = []
    signed = dt.date(2023, 3, 1) + dt.timedelta(days=rng.randint(0, 60) + copy * 3)

    t = m.transfer(signed, periods=2)
    first = pay_all(m, t)[:1]
    out.append(
        _instance(
            "unpaid-long",
            t,
            True,
            "strong",
            ["instalment_unpaid", "over_60_days"],
            "第二期出让价款逾期未缴超过60日，未追缴",
            copy,
            payments=first,
        )
    )

    t = m.transfer(signed + dt.timedelta(days=7), periods=2)
    paid = pay_all(m, t, late_days={1: 45}, with_ref=False, with_key=False)
    for row in paid:
        row["缴款人名称"] = row["缴款人名称"].replace("（", "(").replace("）", ")") + " "
    out.append(
        _instance(
            "late-no-fee",
            t,
            True,
            "weak",
            ["paid_late", "late_fee_not_collected"],
            "首期出让价款逾期45日缴纳（缴款书未载电子监管号及识别号），未收取违约金",
            copy,
            payments=paid,
        )
    )

    t = m.transfer(signed + dt.timedelta(days=14), periods=2)
    paid = pay_all(m, t)
    refund = dict(paid[1])
    refund.update(
        {
            "缴款书号": m.payment_no(),
            "收入项目": "国有土地使用权出让价款（退库）",
            "金额(元)": f"-{refund['金额(元)']}",
            "缴款日期": (t.instalments[1][1] + dt.timedelta(days=20)).isoformat(),
            "入库日期": (t.instalments[1][1] + dt.timedelta(days=20)).isoformat(),
        }
    )
    out.append(
        _instance(
            "refunded",
            t,
            True,
            "strong",
            ["instalment_refunded"],
            "第二期按期缴纳后办理退库（更正文件），实际欠缴",
            copy,
            payments=paid,
            payments_fix=[refund],
        )
    )

    t = m.transfer(signed + dt.timedelta(days=21), periods=3)
    out.append(
        _instance(
            "nm-due-day",
            t,
            False,
            "near_miss",
            ["paid_on_due_day"],
            "每期均于约定支付日当日缴纳",
            copy,
            payments=pay_all(m, t),
        )
    )

    t = m.transfer(signed + dt.timedelta(days=28), periods=2)
    paid = pay_all(m, t, late_days={1: 30})
    due_1 = t.instalments[0]
    fee = round(due_1[2] * 10_000 * 30 * 0.001, 2)
    fee_row = payment_row(m, t, fee, due_1[1] + dt.timedelta(days=40), item="国有土地使用权出让金滞纳金")
    out.append(
        _instance(
            "nm-fee-collected",
            t,
            False,
            "near_miss",
            ["paid_late", "late_fee_collected"],
            "首期逾期30日缴纳，已按日1‰足额收取违约金",
            copy,
            payments=[*paid, fee_row],
        )
    )

    t = m.transfer(signed + dt.timedelta(days=35), periods=2)
    project_company = m.company(t.district)
    out.append(
        _instance(
            "nm-project-company",
            t,
            False,
            "near_miss",
            ["payer_not_grantee"],
            "由受让人设立的项目公司按期缴纳，缴款书载明电子监管号",
            copy,
            payments=pay_all(m, t, payer=project_company),
        )
    )

    late_signed = AS_OF - dt.timedelta(days=rng.randint(60, 90))
    t = m.transfer(late_signed, periods=2)
    assert t.instalments[1][1] > AS_OF
    out.append(
        _instance(
            "nm-not-yet-due",
            t,
            False,
            "near_miss",
            ["instalment_not_due"],
            "第二期约定支付日期在数据截止日之后，尚未到期",
            copy,
            payments=pay_all(m, t)[:1],
        )
    )
    return out
