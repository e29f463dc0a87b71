"""civil.serial_suit on both engines: a Zhou-like plaintiff (many suits, withdrawals, default
judgments, public notice, execution rulings, one pleading wording, IOUs ten times the transfer)
ranks first; a plaintiff with only one hard anomaly, a bank, and a small but anomalous series
are not pushed."""

from __future__ import annotations

from jiandu.engines.base import Engine
from jiandu.models.clues import load_clues
from jiandu.models.library import Library
from jiandu.models.runner import run_model
from tests.models.civil.support import (
    OTHER_STANDARD,
    STANDARD,
    assert_spans_quote_text,
    load,
    run_civil,
    series,
    summary,
)

MODEL = "civil.serial_suit"
ABSENT = ("defendant_absent",)
NOTICE = ("defendant_absent", "public_notice_service")


def suits() -> list:
    return [
        # the Zhou-like plaintiff: 30 suits, 12 withdrawn, the rest mostly default judgments
        *series("周建", 12, 100, flags=("withdrawal",), wording=STANDARD, principal=30_000.0),
        *series(
            "周建",
            6,
            120,
            flags=NOTICE,
            wording=STANDARD,
            transfer=3_000.0,
            principal=30_000.0,
            executed=True,
        ),
        *series("周建", 8, 130, flags=ABSENT, wording=STANDARD, executed=True),
        *series("周建", 4, 140, year=2020),
        # withdrawals and one wording: pushed, lower
        *series("何平", 4, 300, flags=("withdrawal",), wording=OTHER_STANDARD),
        *series("何平", 8, 310, first_wording=(2, OTHER_STANDARD)),
        # near misses
        *series("林峰", 4, 400, flags=("withdrawal",)),  # 33% withdrawn but nothing else
        *series("林峰", 8, 410, flags=ABSENT, executed=True),
        *series("马强", 15, 500, flags=ABSENT),  # many suits, no hard anomaly
        *series(
            "黄磊",
            4,
            600,
            flags=("withdrawal",),
            wording=STANDARD + "此致",
            transfer=1_000.0,
            principal=20_000.0,
        ),  # every anomaly, too few suits
        *series("黄磊", 4, 610, wording=STANDARD + "此致", transfer=1_000.0, principal=20_000.0),
        *series(
            "绍兴鉴湖农村商业银行股份有限公司",
            20,
            700,
            kind="organization",
            first_flags=(8, ("withdrawal",)),
            wording=OTHER_STANDARD + "银行",
        ),
    ]


def test_serial_suits_rank_the_zhou_pattern_first(engine: Engine) -> None:
    load(engine, suits())
    clues = run_civil(engine, MODEL)
    assert summary(clues) == [("周建", 87.21, "red"), ("何平", 28.07, "green")]  # both engines
    zhou = clues[0]
    text = zhou["explanation"]
    assert "作为原告提起民间借贷诉讼30件" in text and "撤诉12件（40%）" in text
    assert "缺席判决14件（占未撤诉案件78%）" in text and "公告送达6件" in text
    assert "申请强制执行14件" in text and "26件起诉状文本雷同" in text
    assert "6件借条金额远高于实际交付，最高为实际交付的10.0倍" in text and "硬性异常3项" in text
    labels = [e["label"] for e in zhou["evidence"]]
    assert labels.count("撤诉") == 12 and labels.count("公告送达") == 6
    assert labels.count("借条金额远高于实际交付") == 6 and labels.count("雷同起诉状") == 26
    assert labels.count("申请执行") == 14
    assert_spans_quote_text(engine, clues)
    inflated = [e for e in zhou["evidence"] if e["label"] == "借条金额远高于实际交付"]
    # the evidence is the clause that states the gap (the record's iou_exceeds_delivery sign)
    assert all("实际仅收到3000元" in e["text"] for e in inflated)

    # a region that asks for one hard anomaly pushes 林峰 too, but never the bank
    spec = Library().get(MODEL)
    run_model(engine, spec, spec.resolve({"min_anomalies": 1}), run_id="region")
    names = {c["subject"]["name"] for c in load_clues(engine) if c["model_id"] == MODEL}
    assert names == {"周建", "何平", "林峰"}
