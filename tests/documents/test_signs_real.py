"""The risk signs on the real private-lending texts, against labels made by reading
(tests/fixtures/sign_labels). The floors are the figures measured when the patterns were last
changed (docs/benchmarks.md): the held-out ("test") half is the honest one and is far from 0.90 for
some signs; these floors catch a regression, they do not claim a target."""

from __future__ import annotations

import json

import pytest

from benchmarks.bench_signs import Tally, measure
from jiandu.documents import parse_document
from tests.paths import CAIL_SCM, CIVIL_FULL, REAL, needs_real

pytestmark = needs_real

# (precision, recall) floors per half, measured 2026-12-03 (benchmarks/bench_signs.py)
FLOORS = {
    ("dev", "cash_delivery"): (0.97, 0.94),
    ("test", "cash_delivery"): (0.86, 0.96),
    ("dev", "interest_above_cap"): (1.0, 1.0),
    ("test", "interest_above_cap"): (0.97, 0.92),
    ("dev", "debt_assignment"): (1.0, 0.98),
    ("test", "debt_assignment"): (0.98, 0.90),
    ("dev", "defendant_absent"): (1.0, 1.0),
    ("test", "defendant_absent"): (1.0, 0.93),
    ("dev", "public_notice_service"): (0.90, 0.94),
    ("test", "public_notice_service"): (0.96, 1.0),
    ("dev", "defendant_admits_all"): (0.94, 0.76),
    ("test", "defendant_admits_all"): (0.53, 0.43),
    ("dev", "iou_exceeds_delivery"): (0.88, 1.0),
    ("test", "iou_exceeds_delivery"): (0.33, 0.25),
    ("dev", "rollover"): (1.0, 1.0),
    ("test", "rollover"): (0.40, 0.33),
    ("dev", "upfront_interest"): (1.0, 1.0),
    ("test", "upfront_interest"): (0.66, 0.5),
}


@pytest.fixture(scope="module")
def tallies() -> dict[tuple[str, str], Tally]:
    found, n, _ = measure(REAL)
    assert n == 382  # every real private-lending text is labelled
    return found


@pytest.mark.parametrize("half, code", sorted(FLOORS))
def test_sign_figures_hold_on_the_labelled_real_texts(
    tallies: dict[tuple[str, str], Tally], half: str, code: str
) -> None:
    tally = tallies[(half, code)]
    precision, recall = FLOORS[(half, code)]
    assert tally.precision is not None and tally.precision >= precision, (tally.false, tally.misses)
    assert tally.recall is not None and tally.recall >= recall, tally.misses


def _scm(doc_id: str) -> str:
    with CAIL_SCM.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["id"] == doc_id:
                return str(row["text"])
    raise KeyError(doc_id)


# Read from the documents: the clause each sign must quote (phrasings the issue names).
@pytest.mark.parametrize(
    "doc_id, code, words",
    [
        ("scm-0160", "upfront_interest", "预先扣除4000.00元利息后"),
        ("scm-0049", "upfront_interest", "已扣除利息4100元"),
        ("scm-0226", "upfront_interest", "预先扣除2个月的利息"),
        ("scm-0226", "iou_exceeds_delivery", "实际给被告借款240000元"),
        ("scm-0147", "interest_above_cap", "月息3％"),
        ("scm-0063", "cash_delivery", "原告以现金方式将借款交付被告"),
        ("scm-0210", "defendant_admits_all", "对原告诉讼请求均无异议"),
        ("scm-0200", "rollover", "重新向原告出具了一张87000元的借条"),
    ],
)
def test_sign_quotes_the_real_clause(doc_id: str, code: str, words: str) -> None:
    text = _scm(doc_id)
    signs = [s for s in parse_document(text).signs if s.code == code]
    assert any(words in s.text for s in signs), [s.text for s in parse_document(text).signs]
    for s in signs:
        assert text[s.start : s.end] == s.text


def test_full_judgments_state_their_signs() -> None:
    hukou = (CIVIL_FULL / "hukou_2018_gan0429minchu914.txt").read_text(encoding="utf-8")
    record = parse_document(hukou)
    assert record.defendant_absent is True and record.cash_delivery is True
    assert any(s.code == "cash_delivery" and "现金" in s.text for s in record.signs)
    baohe = (CIVIL_FULL / "baohe_2016_wan0111minchu3584.txt").read_text(encoding="utf-8")
    assert parse_document(baohe).signs == []  # transfer by bank, defendant present: no sign
