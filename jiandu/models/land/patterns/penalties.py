"""裁而不执: land penalty decisions neither performed, enforced nor taken to court in time, and the
near misses that must not fire. The last day to apply is the law's (`jiandu.legal.enforcement`).

Planted (per copy)
  never-applied   a fine and an order to return the land, served in 2022, nothing since (red)
  partial         a person paid a third of the fine, nothing else (red; the ID number masked)
  applied-late    the application to court filed the day after the last day
Near misses
  last-day        the application filed on the last day
  paid-late-file  the fine paid within the period, reported only in the later file (补报)
  pending         served in autumn 2024: the window to apply is still open on the as-of date
  challenged      the party sued (行政诉讼): the periods run from the judgment
  enforced        demolition enforced by the bureau (代履行 of a removal order)
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from jiandu.legal.enforcement import enforcement_deadlines
from jiandu.synth.companies import Organization
from jiandu.synth.county import County
from jiandu.synth.patterns import Instance
from jiandu.synth.rng import stream

from .common import AS_OF, LandMaker

PATTERN = "land_penalties"
MODEL = "land.penalty_not_enforced"
_FACTS = (
    "未经批准擅自占用集体土地建设厂房",
    "非法占用耕地建设仓库",
    "未经批准占用土地建设停车场",
    "擅自将农用地改为建设用地堆放建材",
)


def decision(
    m: LandMaker, served: dt.date, *, person: bool = False, fine: float | None = None
) -> tuple[dict[str, Any], str]:
    """A penalty decision row and the party's name."""
    d = m.district()
    no = f"{d.name[0]}自然资罚〔{served.year}〕{m.document_no()}号"
    if person:
        name = m.names.full(True)
        key = m.person_key(d)
        key = key[:11] + "****" + key[-4:]
    else:
        c = m.company(d)
        name, key = c.name, c.key
    area = round(m.rng.uniform(200, 5000), 1)
    amount = fine if fine is not None else round(area * m.rng.choice((10, 20, 30)), 2)
    decided = served - dt.timedelta(days=m.rng.randint(1, 7))
    return (
        {
            "决定书文号": no,
            "作出机关": f"绍兴市自然资源和规划局{d.name[:2]}分局",
            "行政区": d.name,
            "当事人": name,
            "证件号码": key,
            "违法事实": f"{m.rng.choice(_FACTS)}（{d.name}{m.rng.choice(d.streets)}）",
            "面积(平方米)": f"{area}",
            "地类": m.rng.choice(("耕地", "园地", "其他农用地", "建设用地")),
            "处罚内容": "责令退还非法占用的土地，限期拆除新建建筑物和其他设施，并处罚款",
            "罚款金额(元)": f"{amount:.2f}",
            "决定日期": decided.isoformat(),
            "送达日期": served.isoformat(),
            "履行期限": (served + dt.timedelta(days=15)).isoformat(),
        },
        name,
    )


def action(no: str, what: str, day: dt.date, amount: float | None = None, **kw: str) -> dict[str, Any]:
    return {
        "决定书文号": no,
        "执行情况": what,
        "日期": day.isoformat(),
        "金额(元)": f"{amount:.2f}" if amount is not None else "",
        "受理法院": kw.get("court", ""),
        "非诉执行案号": kw.get("case_no", ""),
        "裁定结果": kw.get("ruling", ""),
    }


def last_day(served: dt.date) -> dt.date:
    found = enforcement_deadlines(served)
    assert found is not None
    return found.apply_deadline


def court_case(m: LandMaker, day: dt.date) -> str:
    return f"（{day.year}）浙0602行审{m.next() % 1000}号"


def plan(county: County, rng: random.Random, copy: int) -> list[Instance]:
    rng = stream(county.seed, f"land:{PATTERN}:{copy}")
    m = LandMaker(rng, 3, copy)
    out: list[Instance] = []

    def add(
        key: str, row: dict[str, Any], name: str, positive: bool, strength: str, note: str, **rows: Any
    ) -> None:
        subject = Organization(
            key=row["决定书文号"],
            name=f"{row['决定书文号']}（{name}）",
            type="decision",
            industry="",
            district="",
            address="",
            rep_name="",
            rep_key=None,
            rep_title="",
            rep_job="",
            established=dt.date.fromisoformat(row["决定日期"]),
            capital=0,
        )
        out.append(
            Instance(
                PATTERN,
                f"{PATTERN}-{copy:02d}-{key}",
                positive,
                strength,
                subject,
                [key],
                note,
                figures={"apply_deadline": last_day(dt.date.fromisoformat(row["送达日期"])).isoformat()},
                models=[MODEL],
                rows={"penalties": [row], **rows},
            )
        )

    served = dt.date(2022, 3, 10) + dt.timedelta(days=rng.randint(0, 60) + copy)
    row, name = decision(m, served)
    add("never-applied", row, name, True, "strong", "处罚决定送达后未履行、未申请法院强制执行")

    served = dt.date(2022, 9, 5) + dt.timedelta(days=rng.randint(0, 60) + copy)
    row, name = decision(m, served, person=True, fine=60_000.0)
    add(
        "partial",
        row,
        name,
        True,
        "strong",
        "当事人仅缴纳部分罚款，余款未申请强制执行",
        actions=[action(row["决定书文号"], "缴纳罚款（部分）", served + dt.timedelta(days=20), 20_000.0)],
    )

    served = dt.date(2023, 1, 16) + dt.timedelta(days=rng.randint(0, 30) + copy)
    row, name = decision(m, served)
    late = last_day(served) + dt.timedelta(days=1)
    add(
        "applied-late",
        row,
        name,
        True,
        "weak",
        "超过申请期限一日才申请人民法院强制执行",
        actions=[
            action(
                row["决定书文号"],
                "申请人民法院强制执行",
                late,
                court="绍兴市越城区人民法院",
                case_no=court_case(m, late),
                ruling="不予受理",
            )
        ],
    )

    served = dt.date(2023, 2, 13) + dt.timedelta(days=rng.randint(0, 30) + copy)
    row, name = decision(m, served)
    on_time = last_day(served)
    add(
        "nm-last-day",
        row,
        name,
        False,
        "near_miss",
        "在申请期限最后一日申请人民法院强制执行",
        actions=[
            action(
                row["决定书文号"],
                "申请人民法院强制执行",
                on_time,
                court="绍兴市越城区人民法院",
                case_no=court_case(m, on_time),
                ruling="准予执行",
            )
        ],
    )

    served = dt.date(2022, 6, 1) + dt.timedelta(days=rng.randint(0, 30) + copy)
    row, name = decision(m, served)
    add(
        "nm-paid-late-file",
        row,
        name,
        False,
        "near_miss",
        "期限内缴清罚款，补报文件载明",
        actions_late=[
            action(row["决定书文号"], "缴纳罚款", served + dt.timedelta(days=12), float(row["罚款金额(元)"]))
        ],
    )

    served = dt.date(2024, 9, 2) + dt.timedelta(days=rng.randint(0, 20) + copy)
    row, name = decision(m, served)
    assert last_day(served) > AS_OF
    add("nm-pending", row, name, False, "near_miss", "申请期限尚未届满")

    served = dt.date(2022, 11, 1) + dt.timedelta(days=rng.randint(0, 30) + copy)
    row, name = decision(m, served)
    add(
        "nm-challenged",
        row,
        name,
        False,
        "near_miss",
        "当事人提起行政诉讼",
        actions=[
            action(
                row["决定书文号"],
                "当事人提起行政诉讼",
                served + dt.timedelta(days=50),
                court="绍兴市越城区人民法院",
            )
        ],
    )

    served = dt.date(2022, 4, 1) + dt.timedelta(days=rng.randint(0, 30) + copy)
    row, name = decision(m, served)
    add(
        "nm-enforced",
        row,
        name,
        False,
        "near_miss",
        "已依法强制拆除（代履行）",
        actions=[action(row["决定书文号"], "行政强制执行（代履行拆除）", served + dt.timedelta(days=90))],
    )
    return out
