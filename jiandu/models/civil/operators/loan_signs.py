"""The ``loan_signs`` operator: signs of a routine loan (套路贷) read from each civil document.

One row per document and sign, with the span of the wording that states it: the IOU above the
money actually transferred (``iou_above_transfer``, value = IOU / transfer), cash delivery
(``cash_delivery``) and cash delivery the plaintiff could not prove (``cash_unproven``),
interest deducted up front (``upfront_interest``, 砍头息), and the defence that the plaintiff is
not the real lender or the money came from a third party (``not_real_lender``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from jiandu.documents.spans import sentence_bounds
from jiandu.engines.base import Engine
from jiandu.models.incremental import append_query, only_documents
from jiandu.models.store import rebuild_table
from jiandu.models.textscan import clause_finditer
from jiandu.schema.derived import derived_table

__all__ = ["LOAN_SIGN_WORDS", "LoanSigns", "any_word_sql", "document_signs", "may_hold_loan_sign"]

# The risk signs of the parse record (canonical table ``signs``, one definition in
# jiandu.documents.signs) that loan_signs carries under the names its models use.
_FROM_SIGNS = {
    "cash_delivery": "cash_delivery",
    "upfront_interest": "upfront_interest",
    "iou_exceeds_delivery": "iou_above_transfer",
}
# Two facts of the defence and the evidence that are not risk signs of the record, read here:
# cash delivery the plaintiff could not prove, and the defence that the plaintiff is not the
# real lender. Neither repeats a sign's pattern.
_CASH_UNPROVEN_RE = re.compile(
    r"现金(?:方式)?[^。；，,]{0,4}?(?:交付|支付|给付|出借)[^。；]{0,20}?(?:未能|未|无法|不能|没有)(?:提供|举证)"
    r"|(?:仅有|只有|仅凭)借条[^。；]{0,12}?(?:无|没有)(?:其他|其它)?(?:证据|转账|交付凭证)"
)
_NOT_LENDER_RE = re.compile(
    r"(?:原告|其)(?:并)?(?:非|不是)(?:实际|真正的?|真实的?)?出借人"
    r"|(?:系|是|均)由(?:案外人|第三人)[^。；，]{0,6}?(?:转账|支付|出借|交付)"
    r"|(?:出借人|借款人)(?:另有其人|系案外人)"
)
_NOT_LENDER_WORDS = ("出借人", "借款人另有其人", "借款人系案外人", "由案外人", "由第三人")
# every match of the two patterns holds one of these words; a text holding none is not fetched
LOAN_SIGN_WORDS = ("现金", "仅有借条", "只有借条", "仅凭借条", *_NOT_LENDER_WORDS)
_CASH_UNPROVEN_CLAUSES = ("。；", (("现金", "借条"),))
_NOT_LENDER_CLAUSES = ("，。；", (_NOT_LENDER_WORDS,))
_LOAN_SIGN_FILTER = "|".join(re.escape(w) for w in LOAN_SIGN_WORDS)


def any_word_sql(column: str, words: tuple[str, ...]) -> str:
    """SQL that is true when ``column`` holds one of ``words`` (plain words, no quotes)."""
    return "(" + " OR ".join(f"strpos({column}, '{w}') > 0" for w in words) + ")"


def may_hold_loan_sign(text: str) -> bool:
    """What the loan_signs text query asks of a text: false means `document_signs` finds nothing."""
    return any(w in text for w in LOAN_SIGN_WORDS)


def document_signs(text: str) -> list[dict[str, Any]]:
    """The loan_signs rows read from text (cash_unproven, not_real_lender), with spans."""
    out: list[dict[str, Any]] = []
    unproven = next(clause_finditer(_CASH_UNPROVEN_RE, text, *_CASH_UNPROVEN_CLAUSES), None)
    if unproven:
        s, e = sentence_bounds(text, unproven.start(), unproven.end())
        out.append({"sign": "cash_unproven", "value": None, "span_start": s, "span_end": e})
    lender = next(clause_finditer(_NOT_LENDER_RE, text, *_NOT_LENDER_CLAUSES), None)
    if lender:
        s, e = sentence_bounds(text, lender.start(), lender.end())
        out.append({"sign": "not_real_lender", "value": None, "span_start": s, "span_end": e})
    return out


def _signs_of_batch(table: pa.Table) -> pa.Table:
    """loan_signs rows of a batch of (doc_id, text); runs in a worker or on an executor."""
    rows: list[dict[str, Any]] = []
    texts = table.column("text").to_pylist()
    for doc_id, text in zip(table.column("doc_id").to_pylist(), texts, strict=True):
        for sign in document_signs(text):
            rows.append({"doc_id": doc_id, **sign})
    return derived_table("loan_signs").to_arrow(rows)


_SIGN_NAME = " ".join(f"WHEN '{code}' THEN '{sign}'" for code, sign in _FROM_SIGNS.items())
# loan_signs rows from the record's risk signs: per document and sign, the strongest one (a
# ratio is reported, so an IOU sign without amounts to compare is left out; ties go to the first
# sign of the document, sign_idx, not to row order)
RECORD_SIGNS_SQL = f"""
SELECT doc_id, sign, value, iou_amount, transfer_amount, span_start, span_end FROM (
    SELECT s.doc_id, CASE s.code {_SIGN_NAME} END AS sign, s.value,
        s.written_amount AS iou_amount, s.delivered_amount AS transfer_amount,
        s.span_start, s.span_end,
        row_number() OVER (PARTITION BY s.doc_id, s.code
                           ORDER BY s.value DESC NULLS LAST, s.span_start, s.sign_idx) AS pick
    FROM signs AS s JOIN documents AS d ON d.doc_id = s.doc_id
    WHERE coalesce(d.case_category, 'civil') = 'civil'
      AND s.code IN ({", ".join(f"'{c}'" for c in _FROM_SIGNS)})
      AND NOT (s.code = 'iou_exceeds_delivery' AND s.value IS NULL)
) AS ranked WHERE pick = 1
"""

TEXTS_SQL = (
    "SELECT d.doc_id, d.text FROM documents AS d "
    "WHERE coalesce(d.case_category, 'civil') = 'civil' AND d.text IS NOT NULL "
    f"AND regexp_matches(d.text, '{_LOAN_SIGN_FILTER}')"
)


@dataclass(frozen=True)
class LoanSigns:
    """loan_signs: routine-loan signs of each civil document, with spans: the record's risk signs
    (table ``signs``) and two facts of the defence read from the text."""

    name: str = "loan_signs"
    version: str = "3"
    inputs: tuple[str, ...] = ("documents", "signs")
    optional_inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ("loan_signs",)

    def run(self, engine: Engine) -> int:
        schema = derived_table("loan_signs")
        record = rebuild_table(engine, schema, RECORD_SIGNS_SQL)
        return record + engine.map_arrow(TEXTS_SQL, _signs_of_batch, schema, append=True)

    def append_documents(self, engine: Engine, docs: str) -> int:
        """Add the rows of the documents in ``docs`` (incremental runs)."""
        record = append_query(engine, "loan_signs", only_documents(RECORD_SIGNS_SQL, docs))
        texts = only_documents(TEXTS_SQL, docs)
        return record + engine.map_arrow(texts, _signs_of_batch, derived_table("loan_signs"), append=True)
