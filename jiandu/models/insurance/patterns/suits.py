"""Insurance suits behind one lawyer and one repair shop with inflated losses (the Shaoxing
pattern; pattern ``suit_anomaly``, model ``insurance.suit_anomaly``).

Planted (per copy)
  strong  ten owners sue their insurers for their cars' damage through one lawyer; every car was
          repaired at one shop (the judgments write its name one way, the claims another) and
          valued unilaterally by one appraiser at 2–3 times what the insurer assessed
  medium  six such suits, 1.6–1.9 times the insurer's assessment
Near miss
  a lawyer with twelve ordinary insurance suits: different shops, the insurer assessed each loss
  and the claim is within 10% of its assessment

The suits are judgments in the document stream (cause 财产保险合同纠纷); the insurer's own claim
for each car (商业险-车损, the same plate, the accident day, the insurer's 定损金额) goes into the
claim rows the ``fraud_ring`` pattern's writer exports (``Instance.rows["claims"]``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from pathlib import Path
from typing import Any

from jiandu.synth import courts as C
from jiandu.synth.background import plate as random_plate
from jiandu.synth.cases import JUDGMENT, MEDIATION, CaseSpec, Party, Representation
from jiandu.synth.companies import Agent, Organization
from jiandu.synth.county import County, day, rand_date, round_amount
from jiandu.synth.geography import DISTRICT_BY_KEY
from jiandu.synth.patterns import Instance
from jiandu.synth.people import Person
from jiandu.synth.rng import stream

from .claims import CLAIM_HEADERS, SHOP_HEADERS, Shop, _new_shop, _ring_subject, _write_csv, phone_of

PATTERN = "suit_anomaly"
MODELS = ["insurance.suit_anomaly"]  # what finds it (truth `models`)


def _agent_subject(agent: Agent, template: Person) -> Organization:
    """The lawyer as a truth subject (key ``agent:<name>|<firm>``, as the model keys lawyers)."""
    subject = _ring_subject(template, "lawyer")
    subject.key = f"agent:{agent.name}|{agent.firm}"
    subject.name = agent.name
    return subject


def _suit(
    county: County,
    rng: random.Random,
    owner: Person,
    lawyer: Agent,
    shop: Shop,
    shop_written: str,
    appraiser: Organization | None,
    court: C.Court,
    filing: dt.date,
    assessed: int,
    factor: float,
) -> tuple[CaseSpec, dict[str, Any]]:
    insurer = rng.choice(county.orgs.insurers)
    claimed = round_amount(rng, assessed * factor)
    spec = county.civil_case(
        rng,
        court=court,
        cause="财产保险合同纠纷",
        kind=JUDGMENT if rng.random() < 0.8 else MEDIATION,
        plaintiffs=[Party("原告", owner, [Representation(agent=lawyer)], "plaintiff")],
        defendants=[Party("被告", insurer, county.represent(rng, insurer, 0.8), "defendant")],
        filing=filing,
        principal=claimed,
        planted=True,
        absent=False,
        outcome="partial",
    )
    spec.judged = int(claimed * rng.uniform(0.5, 0.8) / 100) * 100
    spec.interest_claimed = False
    plate = random_plate(rng).replace("·", "")
    accident = day(filing, -rng.randint(40, 160))
    written = dataclasses.replace(_as_org(shop, county), name=shop_written)
    spec.extra.update(
        plate=plate, accident=accident, shop=written, appraiser=appraiser, no_assessment=appraiser is not None
    )
    claim = {
        "plate": plate,
        "owner": owner,
        "insurer": insurer.name,
        "when": dt.datetime(
            accident.year, accident.month, accident.day, rng.randint(7, 21), rng.randint(0, 59)
        ),
        "assessed": float(assessed),
        "shop": shop,
        "phone": phone_of(owner.key),
    }
    return spec, claim


def _as_org(shop: Shop, county: County) -> Organization:
    template = county.orgs.repair_shops[0]
    return dataclasses.replace(
        template, key=shop.credit_code, name=shop.name, district=shop.district, address=shop.address
    )


def plan(county: County, rng: random.Random, copy: int) -> list[Instance]:
    used = {s.name for s in county.orgs.repair_shops}
    out: list[Instance] = []
    for strength, n, lo, hi in (("strong", 10, 2.0, 3.0), ("medium", 6, 1.6, 1.9)):
        lawyer = county.orgs.lawyer(rng)
        shop = _new_shop(rng, used)
        trade_written = shop.variants[1 + rng.randrange(len(shop.variants) - 1)]
        appraiser = rng.choice(county.orgs.appraisers)
        court = C.COURT_OF_DISTRICT[shop.district]
        y0 = rng.choice((2018, 2019, 2020, 2021, 2022))
        specs: list[CaseSpec] = []
        claims: list[dict[str, Any]] = []
        for _ in range(n):
            owner = county.pop.pick(rng, shop.district)
            filing = rand_date(rng, dt.date(y0, 1, 5), dt.date(y0 + 1, 12, 20))
            spec, claim = _suit(
                county,
                rng,
                owner,
                lawyer,
                shop,
                trade_written,
                appraiser,
                court,
                filing,
                rng.randint(40, 120) * 100,
                rng.uniform(lo, hi),
            )
            specs.append(spec)
            claims.append(claim)
        shop_subject = dataclasses.replace(_as_org(shop, county), type="repair_shop")
        figures = {
            "suits": n,
            "lawyer": lawyer.name,
            "firm": lawyer.firm,
            "shop": shop.name,
            "factor": [lo, hi],
        }
        criteria = ["same_lawyer", "same_repair_shop", "claimed_above_insurer_assessment", f"suits:{n}"]
        note = (
            f"{n} insurance suits through lawyer {lawyer.name} ({lawyer.firm}), cars repaired at {shop.name} "
            f"(written {trade_written} in the judgments), claims {lo}-{hi} times the insurer's assessment"
        )
        out.append(
            Instance(
                PATTERN,
                f"{PATTERN}-{copy:02d}-{strength}-shop",
                True,
                strength,
                shop_subject,
                criteria,
                note,
                specs,
                figures=figures,
                rows={"claims": claims, "shops": [{"shop": shop}]},
            )
        )
        out.append(
            Instance(
                PATTERN,
                f"{PATTERN}-{copy:02d}-{strength}-lawyer",
                True,
                strength,
                _agent_subject(lawyer, claims[0]["owner"]),
                criteria,
                note,
                specs,
                figures=figures,
            )
        )
    # near miss: a lawyer with many ordinary insurance suits
    lawyer = county.orgs.lawyer(rng)
    specs = []
    claims = []
    shops = [_new_shop(rng, used) for _ in range(6)]
    for i in range(12):
        shop = shops[i % len(shops)]
        owner = county.pop.pick(rng, shop.district)
        filing = rand_date(rng, dt.date(2017, 3, 1), dt.date(2024, 6, 30))
        spec, claim = _suit(
            county,
            rng,
            owner,
            lawyer,
            shop,
            shop.name,
            None,
            C.COURT_OF_DISTRICT[shop.district],
            filing,
            rng.randint(30, 150) * 100,
            rng.uniform(1.0, 1.1),
        )
        specs.append(spec)
        claims.append(claim)
    out.append(
        Instance(
            PATTERN,
            f"{PATTERN}-{copy:02d}-nm-ordinary-lawyer",
            False,
            "near_miss",
            _agent_subject(lawyer, claims[0]["owner"]),
            [],
            f"lawyer {lawyer.name}: twelve ordinary insurance suits at six shops, claims near the assessment",
            specs, rows={"claims": claims, "shops": [{"shop": s} for s in shops]},
        )
    )  # fmt: skip
    for inst in out:
        inst.models = list(MODELS)
    return out


def write(out: Path, county: County, instances: list[Instance]) -> dict[str, int]:
    """The insurer's own-damage claims for the suits' cars (one more claim export) and the
    suits' repair shops (one more page of the register)."""
    rng = stream(county.seed, f"registers:{PATTERN}")
    rows, shops = [], {}
    seq = 0
    for inst in instances:
        for r in inst.rows.get("shops", []):
            shops[r["shop"].credit_code] = r["shop"]
        for c in inst.rows.get("claims", []):
            seq += 1
            when: dt.datetime = c["when"]
            owner: Person = c["owner"]
            shop: Shop = c["shop"]
            closed = when + dt.timedelta(days=rng.randint(20, 60))
            assessed = f"{c['assessed']:.2f}"
            rows.append(
                {
                    "报案号": f"RDAC{when.year}3306{seq:07d}",
                    "立案号": f"ADAC{when.year}3306{seq:07d}1",
                    "保单号": f"PDAC{when.year - 1}3306{seq:08d}",
                    "保险公司": c["insurer"],
                    "险种": "商业险-车损",
                    "被保险人": owner.name,
                    "被保险人证件号码": owner.key,
                    "车主": owner.name,
                    "车牌号码": c["plate"],
                    "号牌颜色": "",
                    "车架号": "",
                    "出险时间": when.strftime("%Y-%m-%d %H:%M:%S"),
                    "报案时间": (when + dt.timedelta(hours=rng.randint(1, 30))).strftime("%Y-%m-%d %H:%M:%S"),
                    "出险地点": "绍兴市",
                    "出险经过": "标的车与三者车辆发生碰撞",
                    "驾驶员": owner.name,
                    "驾驶员证件号码": owner.key,
                    "报案人电话": c["phone"],
                    "事故责任": rng.choice(("无责", "同等", "次要")),
                    "三者车牌": "",
                    "三者姓名": "",
                    "三者证件号码": "",
                    "查勘员": f"CK9{rng.randint(100, 999)}",
                    "定损员": f"DS9{rng.randint(100, 999)}",
                    "维修厂": rng.choice(shop.variants),
                    "定损金额": assessed,
                    "核损金额": assessed,
                    "赔款金额": "",
                    "领款人": "",
                    "结案时间": "",
                    "更新时间": closed.strftime("%Y-%m-%d %H:%M:%S"),
                }
            )
    shop_rows = [
        {
            "统一社会信用代码": s.credit_code,
            "企业名称": s.name,
            "经营类别": "二类",
            "经营地址": s.address,
            "所在区县": DISTRICT_BY_KEY[s.district].name,
            "法定代表人": s.rep,
            "联系电话": "",
            "备案日期": s.record_date.isoformat(),
            "经营状态": "在业",
        }
        for s in sorted(shops.values(), key=lambda s: s.credit_code)
    ]
    out.mkdir(parents=True, exist_ok=True)
    return {
        "车险理赔明细_车损未决.csv": _write_csv(
            out / "车险理赔明细_车损未决.csv", CLAIM_HEADERS, rows, "gb18030"
        ),
        "机动车维修经营者名录_新增.csv": _write_csv(
            out / "机动车维修经营者名录_新增.csv", SHOP_HEADERS, shop_rows, "utf-8"
        ),
    }
