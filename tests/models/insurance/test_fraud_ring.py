"""insurance.fraud_ring on hand-built claims, on DuckDB and Spark (the same clues on both).

Positive
  陈建国 (浙DA1001) is hit four times in six months by three different drivers, each fully
  liable; every claim is reported from one phone, every car goes to one shop (written three ways)
  and no accident was seen by the police → red
Near misses (no clue)
  the 孙 family: two real accidents a year apart (one shared liability), each determined by the
  police, repaired at two different shops
  a busy, honest repair shop: twenty unrelated customers with ordinary, mixed liabilities
"""

from __future__ import annotations

import datetime as dt

from jiandu.engines.base import Engine
from tests.models.insurance.support import Claims, P, run_insurance, summary

MODEL = "insurance.fraud_ring"

CHEN = P("陈建国", 11, phone="13905751234")
HU = P("胡小兵", 13)
LOU = P("楼海波", 15)
ZHU = P("朱立峰", 17)
SUN_F = P("孙伟明", 21, phone="13757500001")
SUN_M = P("孙丽娟", 22, phone="13757500001")
STRANGER_1 = P("韩志刚", 23)
STRANGER_2 = P("钱国良", 25)
RING_SHOP_NAMES = ("越城华丰汽修厂", "绍兴市越城区华丰汽车维修服务有限公司", "华丰汽车修理厂")


SHOPS = (
    ("91330602MA2BXXXX1A", "绍兴市越城区华丰汽车维修服务有限公司", "浙江省绍兴市越城区解放北路1号", "越城区"),
    ("91330602MA2BXXXX2B", "绍兴市越城区永盛汽车维修服务有限公司", "浙江省绍兴市越城区中兴路8号", "越城区"),
    ("91330602MA2BXXXX3C", "绍兴市柯桥区顺达汽车维修服务有限公司", "浙江省绍兴市柯桥区湖塘街道9号", "柯桥区"),
    ("91330602MA2BXXXX4D", "绍兴市上虞区安途汽车维修服务有限公司", "浙江省绍兴市上虞区百官街道2号", "上虞区"),
)


def county() -> Claims:
    c = Claims()
    for shop in SHOPS:
        c.shop(*shop)
    ring = [
        (dt.datetime(2021, 1, 10, 21, 5), HU, "浙DB2002"),
        (dt.datetime(2021, 3, 5, 22, 40), LOU, "浙DC3003"),
        (dt.datetime(2021, 5, 20, 20, 15), ZHU, "浙DD4004"),
        (dt.datetime(2021, 7, 2, 23, 30), HU, "浙DB2002"),
    ]
    for i, (when, driver, plate) in enumerate(ring):
        c.accident(
            when,
            driver,
            plate,
            CHEN,
            "浙DA1001",
            shop=RING_SHOP_NAMES[i % 3],
            phone=CHEN.phone,
            amount=18_000.0 + 1000 * i,
            payee_shop=True,
        )
    # the 孙 family: two real accidents a year apart, the police determined both
    c.accident(
        dt.datetime(2020, 4, 1, 8, 30),
        SUN_F,
        "浙DF5005",
        STRANGER_1,
        "浙DG6006",
        liability="同等",
        shop="永盛汽修",
        assessor="DS201",
        police=True,
    )
    c.accident(
        dt.datetime(2021, 4, 10, 17, 45),
        STRANGER_2,
        "浙DH7007",
        SUN_M,
        "浙DF5005",
        shop="绍兴顺达汽车修理厂",
        assessor="DS202",
        police=True,
    )
    # a busy, honest shop: twenty unrelated customers, ordinary liabilities
    for i in range(20):
        a = P(f"客户甲{i:02d}", 100 + 2 * i, dt.date(1975 + i % 20, 1 + i % 12, 3))
        b = P(f"客户乙{i:02d}", 200 + 2 * i, dt.date(1970 + i % 25, 1 + i % 12, 9))
        c.accident(
            dt.datetime(2019 + i % 5, 1 + i % 12, 1 + i % 27, 9 + i % 10, 0),
            a,
            f"浙D{10000 + i}",
            b,
            f"浙D{20000 + i}",
            liability=("全部", "主要", "同等", "全部")[i % 4],
            shop="安途汽车4S店",
            assessor=f"DS{300 + i}",
            police=i % 2 == 0,
        )
    return c


def test_fraud_ring_positive_and_near_misses(engine: Engine) -> None:
    county().load(engine)
    clues = run_insurance(engine, MODEL)
    assert summary(clues) == [("ring:RDAA2021000001", "陈建国等4人（4起事故）", 96.83, "red")]
    clue = clues[0]
    assert "陈建国等4人（4起事故）" in clue["explanation"]
    assert "修理厂绍兴市越城区华丰汽车维修服务有限公司承修8件" in clue["explanation"]
    labels = {e["label"] for e in clue["evidence"]}
    assert "关系图节点：人员 陈建国" in labels
    assert "关系图节点：电话 13905751234" in labels
    assert sum(1 for e in clue["evidence"] if e["label"].startswith("理赔：")) == 8


def test_graph_tables_hold_the_ring(engine: Engine) -> None:
    county().load(engine)
    run_insurance(engine, MODEL)
    communities = engine.rows("SELECT * FROM insurance_communities ORDER BY community_id")
    by_id = {c["community_id"]: c for c in communities}
    ring = by_id["ring:RDAA2021000001"]
    assert (ring["claims"], ring["accidents"], ring["people"], ring["vehicles"]) == (8, 4, 4, 4)
    assert (ring["one_sided_accidents"], ring["police_accidents"], ring["max_victim_accidents"]) == (4, 0, 4)
    assert (ring["top_shop_claims"], ring["shared_phone_claims"], ring["payee_shop_claims"]) == (8, 8, 8)
    # the family's two accidents form a community the model does not push; the busy shop's
    # customers form none: a shop is kept in the graph but links nobody
    family = [c for c in communities if c["community_name"].startswith(("孙", "韩", "钱"))]
    assert [(c["accidents"], c["one_sided_accidents"], c["police_accidents"]) for c in family] == [(2, 1, 2)]
    assert not [c for c in communities if "客户" in c["community_name"]]
    nodes = engine.rows(
        "SELECT node_id, node_type, accidents, victim_accidents, min_gap_days, hub FROM insurance_graph_nodes"
        " WHERE community_id = 'ring:RDAA2021000001' AND node_type IN ('person', 'vehicle')"
        " ORDER BY node_id"
    )
    chen = [n for n in nodes if n["node_id"] == "p:" + CHEN_KEY]
    assert chen == [
        {
            "node_id": "p:" + CHEN_KEY,
            "node_type": "person",
            "accidents": 4,
            "victim_accidents": 4,
            "min_gap_days": 43,
            "hub": False,
        }
    ]
    edges = engine.rows(
        "SELECT count(*) AS n, count(DISTINCT report_no) AS reports FROM insurance_graph_edges"
        " WHERE community_id = 'ring:RDAA2021000001'"
    )
    # each claim names 9 nodes: 3 people, 2 cars, phone, shop, assessor, surveyor
    assert edges == [{"n": 8 * 9, "reports": 4}]


CHEN_KEY = CHEN.key
