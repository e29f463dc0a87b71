"""The honest background of the land exports and the register writers of the three patterns.

Background (batch 1): ``max(40, documents // 250)`` transfers in the six districts, every
instalment paid on or before its due day — by the grantee with the 电子监管号 on the payment, by
its credit code alone, or by its name alone with half-width brackets —, construction started
within the year (a fifth with 实际开工时间 left empty or 1900-01-01, never determined idle), a few
determinations for a government cause. 3% of payments re-sent (duplicates), a payment dated
`AS_OF`. Background (batch 3): ``max(30, documents // 400)`` penalty decisions, each paid, applied
to court in time (some in the 补报 file) or still within its window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jiandu.legal.enforcement import add_months
from jiandu.synth.county import County
from jiandu.synth.patterns import Instance
from jiandu.synth.rng import stream

from .common import AS_OF, LandMaker, contract_row, instalment_rows, pay_all
from .exports import write_batch
from .penalties import action, court_case, decision, last_day

Writer = Callable[[Path, County, list[Instance]], dict[str, int]]


def transfers(county: County) -> dict[str, list[dict[str, Any]]]:
    rng = stream(county.seed, "land:background:transfers")
    m = LandMaker(rng, 4, 0)
    rows: dict[str, list[dict[str, Any]]] = {
        "contracts": [],
        "instalments": [],
        "payments": [],
        "findings": [],
    }
    for i in range(max(40, county.documents // 250)):
        signed = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 6 * 365 - 120))
        t = m.transfer(signed, periods=rng.choice((1, 2, 2, 3, 4)), start_months=rng.choice((6, 12, 18)))
        if t.start_due < AS_OF:
            t.start_actual = t.start_due + dt.timedelta(days=rng.randint(-60, 300))
            if t.start_actual > AS_OF:
                t.start_actual = None
        empty = rng.random() < 0.2
        if empty:
            t.start_actual = None
        rows["contracts"].append(contract_row(t, excel_serial=i % 9 == 0, empty_as_1900=empty and i % 2 == 0))
        rows["instalments"].extend(instalment_rows(t))
        way = rng.random()
        kw: dict[str, Any] = {}
        if way < 0.3:
            kw = {"with_ref": False}
        elif way < 0.45:
            kw = {"with_ref": False, "with_key": False}
        early = {p: -rng.randint(0, 20) for p, _, _ in t.instalments}
        for p in pay_all(m, t, late_days=early, **kw):
            if p["缴款日期"] > AS_OF.isoformat():
                continue
            if not kw.get("with_key", True) and rng.random() < 0.5:
                p["缴款人名称"] = p["缴款人名称"].replace("有限公司", "有限公司 ")
            rows["payments"].append(p)
        if (
            t.start_actual is None
            and not empty
            and rng.random() < 0.5
            and t.start_due < AS_OF - dt.timedelta(days=400)
        ):
            day = add_months(t.start_due, 13)
            rows["findings"].append(
                {
                    "认定书文号": f"绍自然资闲认〔{day.year}〕{m.document_no()}号",
                    "电子监管号": t.supervision_no,
                    "使用权人": t.grantee.name,
                    "认定日期": day.isoformat(),
                    "闲置原因": "政府原因",
                    "原因说明": "因规划调整不具备动工开发条件",
                    "处置方式": "延长开发期限",
                    "处置决定日期": add_months(day, 1).isoformat(),
                    "收回决定日期": "",
                }
            )
    last = rows["payments"][-1] if rows["payments"] else None
    if last is not None:
        rows["payments"].append(
            dict(
                last,
                缴款书号=m.payment_no(),
                缴款日期=AS_OF.isoformat(),
                入库日期=AS_OF.isoformat(),
                收入项目="国有土地使用权出让价款",
                **{"金额(元)": "0.00"},
            )
        )
    return rows


def penalties(county: County) -> dict[str, list[dict[str, Any]]]:
    rng = stream(county.seed, "land:background:penalties")
    m = LandMaker(rng, 5, 0)
    rows: dict[str, list[dict[str, Any]]] = {"penalties": [], "actions": [], "actions_late": []}
    for _ in range(max(30, county.documents // 400)):
        served = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 5 * 365 + 300))
        row, _name = decision(m, served, person=rng.random() < 0.3)
        rows["penalties"].append(row)
        no = row["决定书文号"]
        deadline = last_day(served)
        r = rng.random()
        if deadline > AS_OF and r < 0.5:
            continue  # still within the window
        if r < 0.6:
            where = "actions_late" if rng.random() < 0.2 else "actions"
            rows[where].append(
                action(
                    no, "缴纳罚款", served + dt.timedelta(days=rng.randint(3, 60)), float(row["罚款金额(元)"])
                )
            )
            rows[where].append(
                action(no, "已履行（自行拆除并退还土地）", served + dt.timedelta(days=rng.randint(10, 90)))
            )
        else:
            day = min(AS_OF, deadline - dt.timedelta(days=rng.randint(0, 80)))
            rows["actions"].append(
                action(
                    no,
                    "申请人民法院强制执行",
                    day,
                    court="绍兴市越城区人民法院",
                    case_no=court_case(m, day),
                    ruling="准予执行",
                )
            )
    rows["actions"].append(action(rows["penalties"][0]["决定书文号"], "催告", AS_OF))
    for kind in ("actions", "actions_late"):  # nothing after the data's last day
        rows[kind] = [a for a in rows[kind] if a["日期"] <= AS_OF.isoformat()]
    return rows


def writer(
    batch: int, background: Callable[[County], dict[str, list[dict[str, Any]]]] | None = None
) -> Writer:
    """The register writer of one land pattern: its batch of the exports, with the background."""

    def write(out: Path, county: County, instances: list[Instance]) -> dict[str, int]:
        rng = stream(county.seed, f"land:registers:{batch}")
        extra = background(county) if background else {}
        return write_batch(out, batch, instances, extra, lambda _row: rng.random() < 0.03)

    return write
