"""civil.routine_loan_signs on both engines: one clue per case with two or more routine-loan
signs read from its text (IOU far above the transfer, cash not proven, interest deducted up
front, a rate far above the cap in force when the case was filed); one sign alone is not pushed.
Also the sign reader and the near-duplicate clustering on their own."""

from __future__ import annotations

import datetime as dt

from jiandu.documents.signs import find_signs
from jiandu.engines.base import Engine
from jiandu.models.civil.operators.loan_signs import document_signs
from jiandu.models.civil.operators.wording_clusters import wording_clusters
from tests.models.civil.support import STANDARD, Suit, assert_spans_quote_text, load, run_civil, summary

MODEL = "civil.routine_loan_signs"


def suits() -> list[Suit]:
    return [
        Suit("甲", 1, transfer=3_000.0, principal=30_000.0, flags=("defendant_absent",)),  # 10x + cash
        Suit("乙", 2, upfront=True, rate=("月利率5%", 0.6)),  # up front + 60% in 2019 (cap 24%)
        Suit(
            "丙", 3, cash_unproven=True, rate=("月利率3%", 0.36), year=2021, filing=dt.date(2021, 3, 1)
        ),  # 36% after the reform (cap 15.4%) + cash
        # near misses: one sign each
        Suit("丁", 4, transfer=40_000.0, principal=50_000.0),  # 1.25x, cash not proven: one sign
        Suit("戊", 5, rate=("月利率2%", 0.24), cash_unproven=True),  # 24% in 2019: at the cap
        Suit(
            "庚", 7, cash_unproven=True, rate=("月利率2%", 0.24), year=2021, filing=dt.date(2021, 3, 1)
        ),  # 24% after the reform: above 15.4% but not twice it
        Suit("己", 6, upfront=True),  # up front only (IOU 1.25x the transfer)
    ]


def test_routine_loan_cases_with_two_signs(engine: Engine) -> None:
    load(engine, suits())
    clues = run_civil(engine, MODEL)
    assert summary(clues) == [
        ("（2019）浙0602民初1号", 60.0, "red"),
        ("（2019）浙0602民初2号", 35.0, "yellow"),
        ("（2021）浙0602民初3号", 35.0, "yellow"),
    ]
    first = clues[0]
    assert first["subject"] == {
        "type": "case",
        "key": "case:（2019）浙0602民初1号",
        "name": "（2019）浙0602民初1号",
    }
    assert "借条金额30000元为实际交付3000元的10.0倍、主张现金交付但未能提供其他证据" in first["explanation"]
    assert "约定年利率36.0%，超过起诉时法定上限15.4%" in clues[2]["explanation"]
    assert "预先扣除利息（砍头息）、约定年利率60.0%，超过起诉时法定上限24.0%" in clues[1]["explanation"]
    assert {e["label"] for e in clues[1]["evidence"]} >= {"预先扣除利息", "利率超过法定上限", "原告"}
    assert_spans_quote_text(engine, clues)


def test_document_signs_read_the_wording() -> None:
    text = (
        "被告辩称：其实际仅收到借款3000元，借条系应原告要求按30000元出具。"
        "原告于当日通过微信转账方式向被告支付3000元，原告称其余27000元以现金方式交付，但未能提供相应证据。"
        "原告在出借时预先扣除利息2000元。被告称原告并非实际出借人，款项系由案外人转账支付。"
    )
    # the record's risk signs (one definition, jiandu.documents.signs) ...
    signs = {s.code: s for s in find_signs(text, claimed_principal=30_000.0)}
    assert {"iou_exceeds_delivery", "cash_delivery", "upfront_interest"} <= set(signs)
    inflated = signs["iou_exceeds_delivery"]
    assert (inflated.value, inflated.written, inflated.delivered) == (10.0, 30000.0, 3000.0)
    assert "3000元" in text[inflated.start : inflated.end]
    assert signs["upfront_interest"].value == 2000.0
    # ... and the two facts of the defence loan_signs reads itself
    assert {s["sign"] for s in document_signs(text)} == {"cash_unproven", "not_real_lender"}
    assert document_signs("原告于当日通过银行转账方式向被告交付了借款。") == []
    assert find_signs("原告于当日通过银行转账方式向被告交付了借款。") == []


def test_wording_clusters_find_one_plaintiffs_form_not_boilerplate() -> None:
    boiler = "本院认为，合法的借贷关系受法律保护，被告未按约归还借款，应承担相应的民事责任。"
    texts = {f"b{i}": boiler + f"第{i}号" for i in range(40)}  # shared by 40 plaintiffs
    texts |= {f"z{i}": STANDARD + f"第{i}号" for i in range(5)}
    authors = {k: k for k in texts} | {f"z{i}": "周建" for i in range(5)}
    clusters = wording_clusters(texts, authors)
    assert set(clusters) == {f"z{i}" for i in range(5)}
    assert {v[0] for v in clusters.values()} == {"z0"} and {v[1] for v in clusters.values()} == {5}
