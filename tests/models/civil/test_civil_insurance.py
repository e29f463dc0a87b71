"""civil.insurance_claim_suits on a hand-built county, on DuckDB and Spark; and the insurance
mention extractor on its own.

Positive
  蓝海汽车维修   two of its employees (employment register) sue insurers three times each on
                 claims assigned by car owners; one appraiser; the insurer never assessed → red
Near misses (no clue)
  百川汽车维修   four owners sue in their own name about cars it repaired; the insurer assessed
  金鼎汽车维修   one assigned claim by one employee
"""

from __future__ import annotations

import datetime as dt

from jiandu.engines.base import Engine
from jiandu.models.civil.operators.mentions_text import insurance_mentions
from tests.models.civil.collusion_support import (
    County,
    Doc,
    Org,
    Person,
    check_evidence,
    run_models,
    summary,
)

MODEL = "civil.insurance_claim_suits"

LANHAI = Org("绍兴蓝海汽车维修服务有限公司", 10, type="repair_shop")
BAICHUAN = Org("绍兴百川凯汽车维修服务有限公司", 11, type="repair_shop")
JINDING = Org("浙江金鼎汽车维修服务有限公司", 12, type="repair_shop")
APPRAISER = Org("绍兴兰亭机动车鉴定评估有限公司", 13, type="appraiser")
INSURER = Org("中鼎财产保险股份有限公司绍兴中心支公司", 14, type="insurer")
HU = Person("胡刚炳", dt.date(1988, 3, 1), True, 61)
ZHENG = Person("郑琳", dt.date(1976, 11, 13), False, 62)
QIAN = Person("钱莉", dt.date(1976, 5, 17), False, 63)
OWNERS = [
    Person(n, dt.date(1960 + i, 1 + i, 1 + i), i % 2 == 0, 70 + i)
    for i, n in enumerate(("宣根良", "陈海", "王丽", "徐明", "沈芳", "孙强", "李娟", "赵刚", "周敏"))
]

STORY_ASSIGNED = (
    "事实和理由：{owner}所有的浙D{plate}号小型轿车在被告处投保了机动车损失保险，保险期间内该车发生交通事故受损。"
    "事故车辆由{shop}进行修理。经{appraiser}评估，车辆损失为13000元。{owner}将上述保险理赔款请求权转让给原告，"
    "并通知了被告。被告至今未予理赔。"
)
STORY_OWN = (
    "事实和理由：{owner}所有的浙D{plate}号小型轿车在被告处投保了机动车损失保险，保险期间内该车发生交通事故受损。"
    "事故车辆由{shop}进行修理。车辆维修费用为14000元。原告向被告申请理赔，被告至今未予理赔。"
)


def claim(seq: int, plaintiff: Person, written: str, owner: Person, shop: Org, assigned: bool) -> Doc:
    doc = Doc(
        f"（2019）浙0602民初{5000 + seq}号",
        cause="财产保险合同纠纷",
        filing=dt.date(2019, 3, 1),
        judgment=dt.date(2019, 5, 1),
        principal=13_000.0,
    )
    doc.party("原告", "plaintiff", plaintiff, written).party("被告", "defendant", INSURER)
    story = STORY_ASSIGNED if assigned else STORY_OWN
    doc.line(
        f"原告{written}向本院提出诉讼请求：1.判令被告支付保险金1.3万元；2.本案诉讼费用由被告负担。"
        + story.format(owner=owner.name, plate=f"A{seq:03d}Q", shop=shop.name, appraiser=APPRAISER.name)
    )
    if assigned:
        doc.line(
            f"被告{INSURER.name}辩称：对保险合同关系及事故发生无异议，但事故发生后原告未通知被告定损，"
            "单方委托评估，评估金额明显过高，不予认可。"
        )
    else:
        doc.line(f"被告{INSURER.name}辩称：对保险合同关系无异议，定损金额应以被告核定为准。")
    return doc


def county() -> County:
    c = County()
    c.household("H1", HU, ZHENG, QIAN, *OWNERS)
    for org in (LANHAI, BAICHUAN, JINDING, APPRAISER, INSURER):
        c.company(org)
    for person, shop in ((HU, LANHAI), (ZHENG, LANHAI), (QIAN, JINDING)):
        c.row(
            "employment",
            person_id=person.key,
            name=person.name,
            employer_credit_code=shop.key,
            employer_name=shop.name,
            start_date=dt.date(2016, 3, 1),
            job="维修工",
        )
    seq = 0
    for person, written in ((HU, "胡刚炳"), (ZHENG, "郑某")):
        for _ in range(3):
            c.add(claim(seq, person, written, OWNERS[seq % 5], LANHAI, True))
            seq += 1
    for owner in OWNERS[5:9]:
        c.add(claim(seq, owner, owner.masked(), owner, BAICHUAN, False))
        seq += 1
    c.add(claim(seq, QIAN, "钱××", OWNERS[0], JINDING, True))
    return c


def test_insurance_mentions_read_owner_shop_appraiser_assignment() -> None:
    text = (
        "事实和理由：宣根良所有的浙DM743Y号小型轿车在被告处投保了机动车损失保险。事故车辆由绍兴越华汽车维修服务有限公司"
        "进行修理。经绍兴瑞丰鼎机动车鉴定评估有限公司评估，车辆损失为13000元。宣根良将上述保险理赔款请求权转让给原告，"
        "并通知了被告。被告辩称：事故发生后原告未通知被告定损，单方委托评估。"
    )
    found = {(m.kind, m.name, m.value) for m in insurance_mentions(text)}
    assert found == {
        ("insured_owner", "宣根良", "浙DM743Y"),
        ("repair_shop", "绍兴越华汽车维修服务有限公司", None),
        ("appraiser", "绍兴瑞丰鼎机动车鉴定评估有限公司", None),
        ("claim_assignor", "宣根良", None),
        ("no_insurer_assessment", None, "未通知被告定损"),  # the first such phrase of the document
    }
    for m in insurance_mentions(text):
        assert text[m.span_start : m.span_end] == (m.name or m.value)
    # a shop whose name holds 维修, repaired "维修" at the end of the clause
    (shop,) = [
        m
        for m in insurance_mentions("事故车辆由嵊州市万象汽车维修服务有限公司维修。")
        if m.kind == "repair_shop"
    ]
    assert shop.name == "嵊州市万象汽车维修服务有限公司"


def test_insurance_claim_suits_positive_and_near_misses(engine: Engine) -> None:
    county().load(engine)
    clues = run_models(engine, MODEL)
    assert summary(clues) == [(LANHAI.key, LANHAI.name, 100.0, "red")]  # not 百川 (owners), 金鼎 (one suit)
    (clue,) = clues
    assert clue["subject"]["type"] == "organization"
    text = clue["explanation"]
    assert (
        "原告以受让的保险金请求权起诉6件" in text
        and "涉及原告2人，其中2人起诉2件以上、2人在社保登记中受雇于该修理厂" in text
    )
    assert "保险人未定损、单方委托评估6件" in text and f"评估机构{APPRAISER.name}评估6件" in text
    check_evidence(engine, clue)
    labels = {(e["source"], e["label"]) for e in clue["evidence"]}
    assert {
        ("document_mentions", "修理厂"),
        ("document_mentions", "评估机构"),
        ("parties", "原告（受让人）"),
    } <= labels
    assert ("document_mentions", "保险金请求权转让人（车主）") in labels
    assert {("employment", "原告受雇于修理厂：胡刚炳"), ("employment", "原告受雇于修理厂：郑琳")} <= labels
    employed = {e["text"] for e in clue["evidence"] if e["source"] == "employment"}
    assert employed == {
        f"胡刚炳（{HU.key}）自 2016-03-01 在 {LANHAI.name}（{LANHAI.key}）参保，岗位 维修工",
        f"郑琳（{ZHENG.key}）自 2016-03-01 在 {LANHAI.name}（{LANHAI.key}）参保，岗位 维修工",
    }
