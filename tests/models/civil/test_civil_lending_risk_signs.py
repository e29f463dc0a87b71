"""civil.lending_risk_signs: one judgment scored by the risk signs its text states.

Planted positives and near misses on both engines (hand-built suits whose sign rows come from the
one definition, jiandu.documents.signs), and the real documents end to end: ingest
../shared/data/real/civil, run the model, and check a handful of clues by document — their
evidence is the sign text itself."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from jiandu.engines.base import Engine
from jiandu.engines.duckdb_engine import DuckDBEngine
from jiandu.ingest.pipeline import ingest_judgments
from jiandu.models.clues import load_clues
from jiandu.models.library import Library
from jiandu.models.runner import run
from tests.models.civil.support import Suit, assert_spans_quote_text, load, run_civil, summary
from tests.paths import CAIL_SCM, REAL, needs_real

MODEL = "civil.lending_risk_signs"
TOTAL = 16.5  # the sum of the spec's feature weights


def score(*weights: float) -> float:
    return round(100 * sum(weights) / TOTAL, 2)


def suits() -> list[Suit]:
    return [
        # interest deducted up front (3), the IOU above what was paid (3), 60% a year (2): red
        Suit("甲", 1, upfront=True, rate=("月利率5%", 0.6)),
        # cash (1.5), the defence that only 3000 of 30000 arrived (3), default judgment (1): yellow
        Suit("乙", 2, transfer=3_000.0, principal=30_000.0, flags=("defendant_absent",)),
        # cash (1.5) and 36% after the reform, above 4 x LPR at filing (2): green
        Suit("丙", 3, cash_unproven=True, rate=("月利率3%", 0.36), year=2021, filing=dt.date(2021, 3, 1)),
        # near misses: a bank transfer and nothing else; cash alone (1.5); a rate at the cap;
        # default judgment and public notice only (2)
        Suit("丁", 4),
        Suit("戊", 5, cash_unproven=True),
        Suit("己", 6, rate=("月利率2%", 0.24)),
        Suit("庚", 7, flags=("defendant_absent", "public_notice_service")),
    ]


def test_one_judgment_scored_by_its_signs(engine: Engine) -> None:
    load(engine, suits())
    clues = run_civil(engine, MODEL)
    assert summary(clues) == [
        ("（2019）浙0602民初1号", score(3, 3, 2), "red"),
        ("（2019）浙0602民初2号", score(1.5, 3, 1), "yellow"),
        ("（2021）浙0602民初3号", score(1.5, 2), "green"),
    ]
    first = clues[0]
    assert "预扣利息（砍头息）" in first["explanation"] and "借据金额高于实际交付" in first["explanation"]
    assert "年化约60.0%" in first["explanation"]
    labels = {e["label"] for e in first["evidence"]}
    assert labels == {"预扣利息（砍头息）", "借据金额高于实际交付", "约定或主张利率超过法定上限"}
    assert_spans_quote_text(engine, clues)


def _scm_ids() -> dict[str, str]:
    """doc_id (as ingest computes it) → CAIL id of the real excerpts."""
    from jiandu.documents import document_id

    out: dict[str, str] = {}
    with CAIL_SCM.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            out[document_id(row["text"])] = row["id"]
    return out


@needs_real
def test_real_judgments_yield_clues_whose_evidence_is_the_sign_text(tmp_path: Path) -> None:
    engine = DuckDBEngine(tmp_path / "jiandu.duckdb")
    try:
        ingest_judgments(engine, tmp_path / "quarantine", [REAL / "civil"], workers=1)
        report = run(engine, Library(), [MODEL])
        assert [r.status for r in report.models] == ["ok"]
        clues = [c for c in load_clues(engine) if c["model_id"] == MODEL]
        signs = {
            (r["doc_id"], r["span_start"], r["span_end"]): r["text"]
            for r in engine.rows("SELECT doc_id, span_start, span_end, text FROM signs")
        }
        assert_spans_quote_text(engine, clues)
    finally:
        engine.close()
    assert len(clues) >= 40  # 58 when measured; every one on a real text
    for clue in clues:
        for e in clue["evidence"]:
            assert signs[(e["doc_id"], e["span"][0], e["span"][1])] == e["text"]
    by_scm = {_scm_ids().get(c["subject"]["key"].removeprefix("doc:")): c for c in clues}
    # read from the documents: what each states
    expected = {
        "scm-0160": ("预扣利息（砍头息）", "预先扣除4000.00元利息后"),
        "scm-0226": ("预扣利息（砍头息）", "预先扣除了10000元的利息"),
        "scm-0147": ("约定或主张利率超过法定上限", "月息3％"),
        "scm-0200": ("借新还旧/利息计入本金", "87000元的借条"),
    }
    for scm_id, (label, words) in expected.items():
        assert scm_id in by_scm, scm_id
        quoted = [e["text"] for e in by_scm[scm_id]["evidence"] if e["label"] == label]
        assert any(words in q for q in quoted), (scm_id, quoted)
