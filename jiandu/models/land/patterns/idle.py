"""闲置土地: parcels idle a full year or two by the holder's fault with neither the idle fee
collected nor the land taken back, and the near misses that must not fire.

Planted (per copy)
  two-years       agreed start three years before the as-of date, determined idle (企业原因),
                  no idle fee, not taken back (red)
  one-year        agreed start about 18 months before the as-of date, determined idle (企业原因),
                  no idle fee (yellow)
  late-start      no determination, but the recorded actual start is 400 days after the agreed
                  one and no idle fee was paid (green)
Near misses
  364-days        started 364 days after the agreed date (not a full year)
  government      determined idle for a government cause (交地延迟, 规划调整)
  fee-paid        determined idle a year, the 20% idle fee paid
  recovered       idle two years, taken back without compensation
  not-recorded    agreed start long past, 实际开工时间 empty (1900-01-01), no determination
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from jiandu.legal.enforcement import add_months
from jiandu.synth.county import County
from jiandu.synth.patterns import Instance
from jiandu.synth.rng import stream

from .common import AS_OF, LandMaker, Transfer, contract_row, instalment_rows, pay_all, payment_row

PATTERN = "land_idle"
MODEL = "land.idle_land"


def _finding(
    m: LandMaker, t: Transfer, day: dt.date, cause: str, detail: str, disposal: str, **kw: str
) -> dict[str, Any]:
    return {
        "认定书文号": f"绍自然资闲认〔{day.year}〕{m.document_no()}号",
        "电子监管号": t.supervision_no,
        "使用权人": t.grantee.name,
        "认定日期": day.isoformat(),
        "闲置原因": cause,
        "原因说明": detail,
        "处置方式": disposal,
        "处置决定日期": kw.get("disposal_date", ""),
        "收回决定日期": kw.get("recovered_date", ""),
    }


def plan(county: County, rng: random.Random, copy: int) -> list[Instance]:
    rng = stream(county.seed, f"land:{PATTERN}:{copy}")
    m = LandMaker(rng, 2, copy)
    out: list[Instance] = []

    def add(
        key: str, t: Transfer, positive: bool, strength: str, criteria: list[str], note: str, **rows: Any
    ) -> None:
        rows.setdefault("payments", [p for p in pay_all(m, t) if p["缴款日期"] <= AS_OF.isoformat()])
        out.append(
            Instance(
                PATTERN,
                f"{PATTERN}-{copy:02d}-{key}",
                positive,
                strength,
                t.subject(),
                criteria,
                note,
                figures={"supervision_no": t.supervision_no, "start_due": t.start_due.isoformat()},
                models=[MODEL],
                rows={
                    "contracts": [contract_row(t, empty_as_1900=rows.pop("as_1900", False))],
                    "instalments": instalment_rows(t),
                    **rows,
                },
            )
        )

    def signed_for(start_due: dt.date) -> dt.date:
        return add_months(start_due, -12)

    # agreed start three years before the as-of date
    t = m.transfer(signed_for(dt.date(2021, 9, 15) + dt.timedelta(days=copy)), periods=1)
    f = _finding(m, t, add_months(t.start_due, 14), "企业原因", "企业资金不足未动工", "征缴土地闲置费")
    add(
        "two-years",
        t,
        True,
        "strong",
        ["idle_two_years", "not_recovered", "no_idle_fee"],
        "约定开工满两年未动工（企业原因），未收回亦未征缴闲置费",
        findings=[f],
    )

    t = m.transfer(signed_for(dt.date(2023, 6, 20) + dt.timedelta(days=copy)), periods=2)
    f = _finding(m, t, add_months(t.start_due, 13), "企业原因", "市场原因暂缓开发", "征缴土地闲置费")
    add(
        "one-year",
        t,
        True,
        "medium",
        ["idle_one_year", "no_idle_fee"],
        "约定开工满一年未动工（企业原因），未征缴闲置费",
        findings=[f],
    )

    # 2,000万元: idle fee 400万元, a green clue (one year, no determination)
    t = m.transfer(signed_for(dt.date(2022, 4, 10) + dt.timedelta(days=copy)), price_wan=2000.0, periods=1)
    t.start_actual = t.start_due + dt.timedelta(days=400)
    add(
        "late-start",
        t,
        True,
        "weak",
        ["started_400_days_late", "no_idle_fee"],
        "实际开工较约定晚400日（登记在案），未认定、未征缴闲置费",
    )

    # near misses
    t = m.transfer(dt.date(2021, 3, 1), periods=1)  # start due 2022-03-01; 364 days → 2023-02-28
    t.start_actual = t.start_due + dt.timedelta(days=364)
    add("nm-364-days", t, False, "near_miss", ["started_364_days_late"], "约定开工后第364日开工，未满一年")

    t = m.transfer(signed_for(dt.date(2021, 11, 1) + dt.timedelta(days=copy)), periods=1)
    f = _finding(
        m,
        t,
        add_months(t.start_due, 15),
        "政府原因",
        "政府未按约定期限交付土地，规划调整",
        "延长开发期限",
        disposal_date=add_months(t.start_due, 16).isoformat(),
    )
    add(
        "nm-government",
        t,
        False,
        "near_miss",
        ["government_cause"],
        "闲置系政府原因（未按期交地）",
        findings=[f],
    )

    t = m.transfer(signed_for(dt.date(2023, 2, 1) + dt.timedelta(days=copy)), periods=1)
    f = _finding(
        m,
        t,
        add_months(t.start_due, 13),
        "企业原因",
        "企业原因",
        "征缴土地闲置费",
        disposal_date=add_months(t.start_due, 14).isoformat(),
    )
    fee = payment_row(m, t, t.price_wan * 10_000 * 0.2, add_months(t.start_due, 15), item="土地闲置费")
    pays = [p for p in pay_all(m, t) if p["缴款日期"] <= AS_OF.isoformat()]
    add(
        "nm-fee-paid",
        t,
        False,
        "near_miss",
        ["idle_fee_paid"],
        "闲置满一年，已缴纳20%土地闲置费",
        findings=[f],
        payments=[*pays, fee],
    )

    t = m.transfer(signed_for(dt.date(2020, 8, 1) + dt.timedelta(days=copy)), periods=1)
    f = _finding(
        m,
        t,
        add_months(t.start_due, 25),
        "企业原因",
        "企业原因",
        "无偿收回",
        disposal_date=add_months(t.start_due, 26).isoformat(),
        recovered_date=add_months(t.start_due, 26).isoformat(),
    )
    add("nm-recovered", t, False, "near_miss", ["recovered"], "闲置满两年，已无偿收回", findings=[f])

    t = m.transfer(signed_for(dt.date(2020, 5, 1) + dt.timedelta(days=copy)), periods=1)
    add(
        "nm-not-recorded",
        t,
        False,
        "near_miss",
        ["start_not_recorded"],
        "约定开工已过多年，实际开工时间未登记（1900-01-01），无闲置认定",
        as_1900=True,
    )
    return out
