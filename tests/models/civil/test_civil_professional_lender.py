"""civil.professional_lender on both engines: the Zhejiang counts, halving with two aggravating
signs, linked plaintiffs from the household register, amount criteria, licensed lenders never
flagged (by name and by the company register), near misses just under every threshold."""

from __future__ import annotations

import datetime as dt

from jiandu.engines.base import Engine
from jiandu.models.clues import load_clues
from jiandu.models.library import Library
from jiandu.models.runner import run_model
from tests.models.civil.support import (
    KEQIAO,
    STANDARD,
    assert_spans_quote_text,
    load,
    run_civil,
    series,
    summary,
)

MODEL = "civil.professional_lender"


def suits() -> list:
    return [
        # positives
        *series("王大成", 12, 100),  # 12 at one basic court in one year (≥10)
        *series("赵强", 4, 200, year=2018, upfront=True),
        *series("赵强", 4, 210, year=2019, first_upfront=(2, True), cash_unproven=True),
        *series("赵强", 3, 220, year=2020, cash_unproven=True, wording=STANDARD),  # 11 in 3y, 2+ signs
        *series("钱多多", 5, 300, year=2020, principal=240_000.0),  # 5 in a year, 1.2M
        *series("陈丽", 6, 400),  # 6 + 5 with her husband 周强 (one household)
        *series("周强", 5, 450),
        *series("孙立", 8, 500, year=2018),  # area: 8 + 8 at two courts in 2018 (15 across the area)
        *series("孙立", 8, 520, year=2018, court=KEQIAO),
        # near misses
        *series("李小明", 9, 600),  # 9 in a year
        *series("吴四", 4, 650, principal=400_000.0),  # 4 suits over 1M: one short
        *series("郑一", 4, 700, year=2018, cash_unproven=True),  # 11 in 3y with one sign only
        *series("郑一", 4, 710, year=2019, cash_unproven=True),
        *series("郑一", 3, 720, year=2020, cash_unproven=True),
        *series("浙江绍兴农村商业银行股份有限公司", 25, 800, kind="organization"),  # licensed by name
        *series("绍兴汇金投资有限公司", 15, 900, kind="organization"),  # licensed in the register
    ]


REGISTERS = {
    "household": [
        {
            "household_id": "H001",
            "person_id": "330602198001010011",
            "name": "周强",
            "sex": "男",
            "birth_date": dt.date(1980, 1, 1),
            "relation_to_head": "户主",
        },
        {
            "household_id": "H001",
            "person_id": "330602198202020020",
            "name": "陈丽",
            "sex": "女",
            "birth_date": dt.date(1982, 2, 2),
            "relation_to_head": "配偶",
        },
        {
            "household_id": "H002",
            "person_id": "330602197003030031",
            "name": "李小明",
            "sex": "男",
            "birth_date": dt.date(1970, 3, 3),
            "relation_to_head": "户主",
        },
    ],
    "companies": [
        {
            "credit_code": "91330602MA2BXXXX1X",
            "name": "绍兴汇金投资有限公司",
            "type": "company",
            "financial_licence": True,
        },
    ],
}

EXPECTED = [
    ("赵强", 51.91, "yellow"),
    ("王大成", 38.84, "green"),
    ("陈丽", 37.09, "green"),
    ("孙立", 36.48, "green"),
    ("钱多多", 35.19, "green"),
]


def test_professional_lender_counts_links_halves_and_excludes(engine: Engine) -> None:
    load(engine, suits(), REGISTERS)
    clues = run_civil(engine, MODEL)
    assert summary(clues) == EXPECTED  # the same on DuckDB and Spark
    by_name = {c["subject"]["name"]: c for c in clues}

    zhao = by_name["赵强"]["explanation"]
    assert "件数标准减半" in zhao and "2018—2020年11件（同一基层法院连续3年≥10件）" in zhao
    assert "主张现金交付（45%）、预先扣除利息（55%）" in zhao
    assert "格式化借条或雷同起诉状" not in zhao  # 3 of 11 suits share a wording: under 30%
    assert "2019年12件（同一基层法院一年≥10件）" in by_name["王大成"]["explanation"]
    assert "诉请本金合计1200000元（一年≥5件且≥1000000元）" in by_name["钱多多"]["explanation"]
    assert "辖区一年≥15件" in by_name["孙立"]["explanation"]

    linked = by_name["陈丽"]  # named after the member with the most suits
    assert linked["subject"]["key"] == "household:H001"
    assert "关联原告：周强（5件）、陈丽（6件）" in linked["explanation"]
    names = {e["text"] for e in linked["evidence"] if e["label"] == "原告"}
    assert names == {"陈丽", "周强"}

    # never: banks and licensed lenders; near misses just under each threshold
    flagged = {c["subject"]["name"] for c in clues}
    assert not flagged & {
        "浙江绍兴农村商业银行股份有限公司",
        "绍兴汇金投资有限公司",
        "李小明",
        "吴四",
        "郑一",
    }
    assert_spans_quote_text(engine, clues)
    signs = [e for e in by_name["赵强"]["evidence"] if e["label"] == "预先扣除利息"]
    assert len(signs) == 6 and all("原告在出借时预先扣除利息" in e["text"] for e in signs)

    # lower counts (as in regions/demo_lower_counts.yaml) pushes the near misses 李小明
    # (9 suits ≥ 8) and 吴四 (4 suits over 1M), never the licensed lenders
    spec = Library().get(MODEL)
    run_model(engine, spec, spec.resolve({"basic_court_one_year": 8, "amount_suits": 4}), run_id="region")
    flagged = {c["subject"]["name"] for c in load_clues(engine) if c["model_id"] == MODEL}
    assert {"李小明", "吴四"} <= flagged
    assert not flagged & {"浙江绍兴农村商业银行股份有限公司", "绍兴汇金投资有限公司"}
