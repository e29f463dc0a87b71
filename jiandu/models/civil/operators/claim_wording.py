"""Operators for the civil false-litigation models (professional lender, serial suit, routine loan).

They read the canonical tables (and, when loaded, the agency registers) and build four derived
tables, declared in ``jiandu/schema/derived.yaml``:

``loan_signs``
    Signs of a routine loan (套路贷) read from each civil document's own text, one row per
    document and sign, with the span of the wording that states it: the IOU above the money
    actually transferred (``iou_above_transfer``, value = IOU / transfer), cash delivery
    (``cash_delivery``) and cash delivery the plaintiff could not prove (``cash_unproven``),
    interest deducted up front (``upfront_interest``, 砍头息), and the defence that the plaintiff is
    not the real lender or the money came from a third party (``not_real_lender``).
``claim_wording``
    Near-duplicate wording across suits, found with MinHash/LSH (datasketch): the plaintiff's
    pleading (诉讼请求 … 事实和理由, quotations removed) and the IOU quoted in the document
    (借条载明：“…”) are hashed separately. Party names and numbers are blanked first, and only
    shingles written by few plaintiffs (at most ``MAX_DF_SHARE`` of the distinct plaintiff
    names, and at least ``MIN_DF_CAP``; in at most ``MAX_DOC_SHARE`` of the documents) count, so
    the court's own boilerplate, which every plaintiff's documents share, never makes two suits
    look alike; what is left and still matches is one
    plaintiff's (or one gang's) own standard form. One row per document in a cluster of two or
    more.
``party_links``
    Plaintiffs that count together: a person matched (by name, and birth date when printed) to
    exactly one person of the household register is linked to the household; an organisation
    matched to the company register is linked to its legal representative's household (or to the
    representative). ``licensed`` marks banks and licensed lenders of the company register.
``execution_applications``
    Execution cases applied for by each party key: from the execution register (its basis case
    number names the suit, whose plaintiff applied) and from published execution rulings
    (申请执行人).

Registers are optional inputs: without them ``party_links`` keys each plaintiff to itself and
``execution_applications`` counts only published rulings.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from jiandu.documents.masked_names import masked_name_sql
from jiandu.documents.spans import sentence_bounds
from jiandu.engines.base import Engine
from jiandu.models.operators import NORMALIZED, register
from jiandu.models.shingles import codepoints, collapse_runs, shingle_ids, shingle_ids_of
from jiandu.models.store import rebuild_table
from jiandu.models.textpool import map_slices, warm
from jiandu.models.textscan import anchored_finditer, clause_finditer
from jiandu.schema.derived import derived_table

__all__ = [
    "ClaimWording",
    "ExecutionApplications",
    "LoanSigns",
    "PartyLinks",
    "claim_regions",
    "document_signs",
    "may_hold_loan_sign",
    "wording_clusters",
]


def _write(engine: Engine, name: str, rows: list[dict[str, Any]]) -> int:
    schema = derived_table(name)
    engine.drop_table(name, missing_ok=True)
    engine.create_table(schema)
    if rows:
        engine.append(name, schema.to_arrow(rows))
    return len(rows)


# -- loan signs --------------------------------------------------------------------------

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


def _any_word_sql(column: str, words: tuple[str, ...]) -> str:
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


def _signs_of_slice(table: pa.Table) -> list[dict[str, Any]]:
    """loan_signs rows of a slice of (doc_id, text); runs in a worker."""
    rows: list[dict[str, Any]] = []
    texts = table.column("text").to_pylist()
    for doc_id, text in zip(table.column("doc_id").to_pylist(), texts, strict=True):
        for sign in document_signs(text):
            rows.append({"doc_id": doc_id, **sign})
    return rows


def _record_sign_rows(engine: Engine) -> list[dict[str, Any]]:
    """loan_signs rows from the record's risk signs: per document and sign, the strongest one."""
    codes = ", ".join(f"'{c}'" for c in _FROM_SIGNS)
    table = engine.query(
        "SELECT s.doc_id, s.code, s.value, s.written_amount, s.delivered_amount, s.span_start, s.span_end "
        "FROM signs AS s JOIN documents AS d ON d.doc_id = s.doc_id "
        f"WHERE coalesce(d.case_category, 'civil') = 'civil' AND s.code IN ({codes}) "
        "ORDER BY s.doc_id, s.code, s.value DESC NULLS LAST, s.span_start"
    )
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for r in table.to_pylist():
        sign = _FROM_SIGNS[r["code"]]
        if sign == "iou_above_transfer" and r["value"] is None:
            continue  # no amounts to compare: the sign holds, but loan_signs reports a ratio
        rows.setdefault(
            (r["doc_id"], sign),
            {
                "doc_id": r["doc_id"],
                "sign": sign,
                "value": r["value"],
                "iou_amount": r["written_amount"],
                "transfer_amount": r["delivered_amount"],
                "span_start": r["span_start"],
                "span_end": r["span_end"],
            },
        )
    return list(rows.values())


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
        warm(engine.count("documents"))  # the workers start while the texts are read
        table = engine.query(
            "SELECT d.doc_id, d.text FROM documents AS d "
            "WHERE coalesce(d.case_category, 'civil') = 'civil' AND d.text IS NOT NULL "
            f"AND regexp_matches(d.text, '{_LOAN_SIGN_FILTER}')"
        )
        rows = _record_sign_rows(engine)
        for found in map_slices(_signs_of_slice, table):
            rows.extend(found)
        return _write(engine, "loan_signs", rows)


# -- near-duplicate wording ------------------------------------------------------------------

SHINGLE = 5  # characters per shingle
MAX_DF_SHARE = 0.01  # a shingle written by more than 1% of the plaintiffs is boilerplate
MIN_DF_CAP = 10  # ... but a shingle written by at most 10 plaintiffs never is
MAX_DOC_SHARE = 0.05  # nor may it be in more than 5% of the documents (a bank's mass-suit form)
MIN_DOC_CAP = 200  # ... counted only once a corpus is large enough for 5% to mean something
MIN_RARE_SHINGLES = 15  # fewer rare shingles than this: nothing to compare
LSH_THRESHOLD = 0.8  # estimated Jaccard similarity of the rare shingles
NUM_PERM = 64
_SHINGLE_CHUNK = 20_000  # texts shingled together

_CLAIM_START = re.compile(r"诉讼请求|诉称")
_CLAIM_END = re.compile(
    r"辩称|未到庭|未作答辩|未提交(?:书面)?答辩|本院经审理|根据原告的陈述|经本院主持调解|本案审理过程中"
    r"|审理过程中|本院认为|提出撤诉|申请撤回|经审理查明"
)
_QUOTE = re.compile(r"“[^”]{0,600}”")
_IOU_QUOTE = re.compile(
    r"(?:借条|欠条|借据|借款协议)(?:上)?(?:载明|内容为|写明|约定)[：:，,]?“(?P<q>[^”]{10,600})”"
)
_IOU_WORDS = ("借条", "欠条", "借据", "借款协议")  # every _IOU_QUOTE match starts with one
# Numbers are blanked to one "#": a run of digits (with the separators written inside numbers),
# or a run of Chinese numerals. _NUMBERS is the definition; the workers apply it in bulk with
# `collapse_runs`.
_DIGITS = "0123456789０１２３４５６７８９"
_DIGIT_SEPARATORS = ".,，"
_NUMERALS = "零〇○一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億"
_NUMBERS = re.compile(f"[{_DIGITS}][{_DIGITS}{_DIGIT_SEPARATORS}]*|[{_NUMERALS}]+")
_MAX_CLAIM = 1500
# a text holding none of these has neither a pleading nor a quoted IOU (see claim_regions)
CLAIM_WORDS = ("诉讼请求", "诉称", "借条", "欠条", "借据", "借款协议")


def claim_regions(text: str) -> list[tuple[str, int, int]]:
    """The pleading (诉讼请求 … before the defence or findings) and every quoted IOU:
    (kind, start, end)."""
    out: list[tuple[str, int, int]] = []
    m = _CLAIM_START.search(text)
    if m:
        e = _CLAIM_END.search(text, m.end())
        end = min(e.start() if e else len(text), m.end() + _MAX_CLAIM)
        out.append(("pleading", m.start(), end))
    if "“" in text:  # every quoted IOU opens a quotation; most texts quote nothing
        for q in anchored_finditer(_IOU_QUOTE, text, _IOU_WORDS):
            out.append(("iou", q.start("q"), q.end("q")))
    return out


def _normalised(text: str, names: list[str]) -> str:
    """A claim region as it is compared: party names blanked to 某, numbers to #."""
    return _NUMBERS.sub("#", _names_blanked(text, names))


def _names_blanked(text: str, names: list[str]) -> str:
    for name in sorted(set(names), key=len, reverse=True):
        if name:
            text = text.replace(name, "某")
    return text


def wording_clusters(
    texts: dict[str, str],
    authors: dict[str, str] | None = None,
    *,
    shingle: int = SHINGLE,
    max_df_share: float = MAX_DF_SHARE,
    threshold: float = LSH_THRESHOLD,
) -> dict[str, tuple[str, int, int]]:
    """Near-duplicate clusters over rare shingles: key → (cluster id, size, rare shingles).

    ``authors`` names who wrote each text (the plaintiff); a shingle's frequency is the number of
    distinct authors using it (each text is its own author when not given).
    """
    keys = sorted(texts)
    # distinct (text, shingle) pairs, a chunk of texts at a time to bound memory
    doc_parts, id_parts = [], []
    for lo in range(0, len(keys), _SHINGLE_CHUNK):
        chunk = keys[lo : lo + _SHINGLE_CHUNK]
        d, h = shingle_ids([texts[k] for k in chunk], shingle)
        doc_parts.append(d + lo)
        id_parts.append(h)
    codes: dict[str, int] = {}
    author = np.fromiter(
        (codes.setdefault((authors or {}).get(k) or k, len(codes)) for k in keys),
        dtype=np.int64,
        count=len(keys),
    )
    return shingle_clusters(keys, doc_parts, id_parts, author, max_df_share=max_df_share, threshold=threshold)


def _rare_pairs(
    doc_parts: list[npt.NDArray[np.int64]],
    id_parts: list[npt.NDArray[np.uint32]],
    author: npt.NDArray[np.int64],
    cap: int,
    doc_cap: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint32]]:
    """The (doc, shingle) pairs whose shingle is held by at most ``doc_cap`` documents and used by
    at most ``cap`` authors (``author[doc]``), ordered by doc.

    Counted by an in-memory DuckDB. Documents are counted first, over every pair; distinct
    authors only over the pairs that pass (at 1M documents, 10M of 123M pairs): counting distinct
    (author, shingle) over every pair took three times as long.
    """
    from jiandu.engines.duckdb_engine import DuckDBEngine

    batches = [
        pa.record_batch({"doc": d, "id": i}) for d, i in zip(doc_parts, id_parts, strict=True) if len(d)
    ]
    if not batches:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint32)
    scratch = DuckDBEngine()  # in memory, with the engine's memory limit and spill folder
    try:
        scratch.con.register("pairs", pa.Table.from_batches(batches))
        scratch.con.register(
            "authors", pa.table({"doc": np.arange(len(author), dtype=np.int64), "author": author})
        )
        rare = scratch.con.sql(
            f"""
            WITH held AS (SELECT id FROM pairs GROUP BY id HAVING count(*) <= {int(doc_cap)}),
                 candidate AS (SELECT doc, id FROM pairs SEMI JOIN held USING (id)),
                 rare AS (SELECT id FROM candidate JOIN authors USING (doc) GROUP BY id
                          HAVING count(DISTINCT author) <= {int(cap)})
            SELECT doc, id FROM candidate SEMI JOIN rare USING (id) ORDER BY doc
            """
        ).to_arrow_table()
    finally:
        scratch.close()
    return (
        rare.column("doc").to_numpy().astype(np.int64, copy=False),
        rare.column("id").to_numpy().astype(np.uint32, copy=False),
    )


def shingle_clusters(
    keys: list[str],
    doc_parts: list[npt.NDArray[np.int64]],
    id_parts: list[npt.NDArray[np.uint32]],
    author: npt.NDArray[np.int64],
    *,
    max_df_share: float = MAX_DF_SHARE,
    threshold: float = LSH_THRESHOLD,
) -> dict[str, tuple[str, int, int]]:
    """`wording_clusters` from shingles already hashed: ``keys[doc]`` holds shingle ``id`` for
    every (doc, id) pair of the parts (each pair once), and was written by author
    ``author[doc]`` (a code)."""
    from datasketch import MinHash, MinHashLSH

    n_authors = len(np.unique(author))
    cap = max(MIN_DF_CAP, int(max_df_share * n_authors))
    doc_cap = max(MIN_DOC_CAP, int(MAX_DOC_SHARE * len(keys)))
    rare_doc, rare_ids = _rare_pairs(doc_parts, id_parts, author, cap, doc_cap)
    counts = np.bincount(rare_doc, minlength=len(keys))
    bounds = np.concatenate([[0], np.cumsum(counts)])
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)  # for its bands only
    first = MinHash(num_perm=NUM_PERM, seed=1)  # its permutations are drawn once, not per text
    hashes: dict[str, MinHash] = {}
    rare_count: dict[str, int] = {}
    for i in np.flatnonzero(counts >= MIN_RARE_SHINGLES):
        k = keys[i]
        raw = rare_ids[bounds[i] : bounds[i + 1]].astype("<u4").tobytes()
        mh = MinHash(num_perm=NUM_PERM, seed=1, permutations=first.permutations, scheme=first.scheme)
        mh.update_batch([raw[j : j + 4] for j in range(0, len(raw), 4)])
        hashes[k] = mh
        rare_count[k] = int(counts[i])
    parent = {k: k for k in hashes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    # An LSH query returns every key sharing a band bucket with the query, so the clusters are
    # the keys joined through shared buckets: join each key to the first key of its buckets
    # (linear in the keys, where querying every key is quadratic in a large cluster's size).
    first_in_bucket: dict[tuple[int, bytes], str] = {}
    for k, mh in hashes.items():
        for band, (start, end) in enumerate(lsh.hashranges):
            other = first_in_bucket.setdefault((band, mh.hashvalues[start:end].tobytes()), k)
            if other != k:
                a, b = find(k), find(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    members: dict[str, list[str]] = defaultdict(list)
    for k in hashes:
        members[find(k)].append(k)
    out: dict[str, tuple[str, int, int]] = {}
    for group in members.values():
        if len(group) < 2:
            continue
        cid = min(group)
        for k in group:
            out[k] = (cid, len(group), rare_count[k])
    return out


@dataclass(frozen=True)
class ClaimWording:
    """claim_wording: documents whose pleading or quoted IOU is a near-duplicate of another's."""

    name: str = "claim_wording"
    version: str = "2"
    inputs: tuple[str, ...] = ("documents", "cases", "parties")
    optional_inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ("claim_wording",)

    def run(self, engine: Engine) -> int:
        warm(engine.count("documents"))  # the workers start while the texts are read
        docs = engine.query(
            "SELECT d.doc_id, d.text FROM documents AS d JOIN cases AS c ON c.doc_id = d.doc_id "
            "WHERE coalesce(d.case_category, 'civil') = 'civil' AND d.text IS NOT NULL "
            "AND coalesce(c.trial_procedure, 'first_instance') = 'first_instance' "
            f"AND {_any_word_sql('d.text', CLAIM_WORDS)}"
        )
        parties = engine.query(  # of the civil first-instance documents: only they are read
            "SELECT p.doc_id, p.name, p.side FROM parties AS p WHERE p.name IS NOT NULL "
            "AND p.doc_id IN (SELECT d.doc_id FROM documents AS d "
            "JOIN cases AS c ON c.doc_id = d.doc_id "
            "WHERE coalesce(d.case_category, 'civil') = 'civil' "
            "AND coalesce(c.trial_procedure, 'first_instance') = 'first_instance') "
            "ORDER BY p.doc_id, p.party_idx"
        )
        doc_ids = docs.column("doc_id").combine_chunks()
        names, author = _names_and_authors(doc_ids, parties)
        slices = pa.table(
            {
                "row": np.arange(docs.num_rows, dtype=np.int64),
                "text": docs.column("text"),
                "names": names,
            }
        )
        shingled = {kind: _Shingled() for kind in _CLAIM_KINDS}
        for part in map_slices(_shingle_slice, slices):
            for kind, piece in part.items():
                shingled[kind].add(*piece)
        keys = doc_ids.to_pylist()
        out = []
        for kind in _CLAIM_KINDS:
            done = shingled[kind]
            rows = np.concatenate(done.rows) if done.rows else np.zeros(0, dtype=np.int64)
            kind_keys = [keys[r] for r in rows]
            clusters = shingle_clusters(kind_keys, done.doc_parts, done.id_parts, author[rows])
            span_of = dict(zip(kind_keys, done.spans, strict=True))
            for doc_id, (cid, size, rare) in sorted(clusters.items()):
                start, end = span_of[doc_id]
                out.append(
                    {
                        "doc_id": doc_id,
                        "kind": kind,
                        "cluster_id": f"{kind}:{cid}",
                        "cluster_size": size,
                        "rare_shingles": rare,
                        "span_start": start,
                        "span_end": min(end, start + 300),
                    }
                )
        return _write(engine, "claim_wording", out)


def _names_and_authors(doc_ids: pa.Array, parties: pa.Table) -> tuple[pa.ListArray, npt.NDArray[np.int64]]:
    """Per document of ``doc_ids``: its party names, and its author's code (documents share a
    code when their first plaintiff's name is the same; a document without a plaintiff is its
    own author). ``parties`` (doc_id, name, side) is ordered by document and party index."""
    party_doc = parties.column("doc_id").combine_chunks()
    starts = _run_starts(party_doc)
    offsets = pa.array(np.append(starts, len(party_doc)).astype(np.int32))
    by_named = pa.ListArray.from_arrays(offsets, parties.column("name").combine_chunks())
    at = pc.index_in(doc_ids, value_set=party_doc.take(starts))
    names = pc.if_else(pc.is_null(at), pa.scalar([], type=by_named.type), by_named.take(at))
    # the first plaintiff of each document: the first of its run among the plaintiff rows
    plaintiff_rows = parties.filter(
        pc.and_(pc.equal(parties.column("side"), "plaintiff"), pc.not_equal(parties.column("name"), ""))
    )
    plaintiff_doc = plaintiff_rows.column("doc_id").combine_chunks()
    firsts = _run_starts(plaintiff_doc)
    first_plaintiff = plaintiff_rows.column("name").combine_chunks().take(firsts)
    at = pc.index_in(doc_ids, value_set=plaintiff_doc.take(firsts))
    author_name = pc.coalesce(first_plaintiff.take(at), doc_ids)
    codes = pc.dictionary_encode(author_name).indices
    return names, codes.to_numpy(zero_copy_only=False).astype(np.int64)


def _run_starts(values: pa.Array) -> pa.Array:
    """Where each run of equal neighbours starts in ``values`` (int64 positions)."""
    n = len(values)
    if n == 0:
        return pa.array([], type=pa.int64())
    changed = pc.not_equal(values.slice(1), values.slice(0, n - 1)).to_numpy(zero_copy_only=False)
    return pa.array(np.concatenate([[0], np.flatnonzero(changed) + 1]), type=pa.int64())


_CLAIM_KINDS = ("pleading", "iou")
_SlicePart = tuple[
    npt.NDArray[np.int64], list[tuple[int, int]], npt.NDArray[np.int64], npt.NDArray[np.uint32]
]


def _shingle_slice(table: pa.Table) -> dict[str, _SlicePart]:
    """Per kind: rows, region spans and shingle pairs of a slice of (row, text, names); runs in a
    worker. The first region of a kind in a document counts."""
    texts: dict[str, list[str]] = {kind: [] for kind in _CLAIM_KINDS}
    rows: dict[str, list[int]] = {kind: [] for kind in _CLAIM_KINDS}
    spans: dict[str, list[tuple[int, int]]] = {kind: [] for kind in _CLAIM_KINDS}
    for row, text, doc_names in zip(
        table.column("row").to_pylist(),
        table.column("text").to_pylist(),
        table.column("names").to_pylist(),
        strict=True,
    ):
        seen: set[str] = set()
        for kind, start, end in claim_regions(text):
            if kind in seen:
                continue
            seen.add(kind)
            part = text[start:end]
            if kind == "pleading":
                part = _QUOTE.sub("", part)
            texts[kind].append(_names_blanked(part, doc_names))
            rows[kind].append(row)
            spans[kind].append((start, end))
    out: dict[str, _SlicePart] = {}
    for kind in _CLAIM_KINDS:
        numbers_blanked = collapse_runs(codepoints(texts[kind]), _DIGITS, _DIGIT_SEPARATORS, _NUMERALS, "#")
        doc, ids = shingle_ids_of(numbers_blanked, SHINGLE)  # = shingles of _normalised(...)
        out[kind] = (np.array(rows[kind], dtype=np.int64), spans[kind], doc, ids)
    return out


class _Shingled:
    """Shingle pairs of one region kind gathered from the slices, numbered across slices."""

    def __init__(self) -> None:
        self.count = 0
        self.rows: list[npt.NDArray[np.int64]] = []
        self.spans: list[tuple[int, int]] = []
        self.doc_parts: list[npt.NDArray[np.int64]] = []
        self.id_parts: list[npt.NDArray[np.uint32]] = []

    def add(
        self,
        rows: npt.NDArray[np.int64],
        spans: list[tuple[int, int]],
        doc: npt.NDArray[np.int64],
        ids: npt.NDArray[np.uint32],
    ) -> None:
        self.doc_parts.append(doc + self.count)
        self.id_parts.append(ids)
        self.rows.append(rows)
        self.spans.extend(spans)
        self.count += len(rows)


# -- linked plaintiffs -------------------------------------------------------------------------

_SIDES = "('plaintiff', 'applicant')"
_MASKED_M = masked_name_sql("m.name", "m.kind")
_NORM_H = NORMALIZED.replace("p.name", "h.name")
_NORM_C = NORMALIZED.replace("p.name", "co.name")


def party_links_sql(with_household: bool, with_companies: bool) -> str:
    keys = f"""
        SELECT m.party_key, m.normalized_name AS name, min(m.kind) AS kind,
            min(p.birth_date) AS birth_date
        FROM party_mentions AS m
        JOIN parties AS p ON p.doc_id = m.doc_id AND p.party_idx = m.party_idx
        WHERE m.side IN {_SIDES} AND m.key_source <> 'masked' AND NOT ({_MASKED_M})
        GROUP BY m.party_key, m.normalized_name
    """
    if with_household:
        persons = f"""
            SELECT k.party_key, min(h.household_id) AS household_id,
                min(h.person_id) AS person_id
            FROM keys AS k JOIN household AS h
              ON {_NORM_H} = k.name AND (k.birth_date IS NULL OR h.birth_date = k.birth_date)
            WHERE coalesce(k.kind, 'person') <> 'organization'
            GROUP BY k.party_key
            HAVING count(DISTINCT h.person_id) = 1
        """
    else:
        persons = (
            "SELECT CAST(NULL AS VARCHAR) AS party_key, CAST(NULL AS VARCHAR) AS household_id, "
            "CAST(NULL AS VARCHAR) AS person_id FROM keys WHERE 1 = 0"
        )
    if with_companies:
        rep_household = (
            "(SELECT min(h.household_id) FROM household AS h WHERE h.person_id = co.legal_rep_id)"
            if with_household
            else "CAST(NULL AS VARCHAR)"
        )
        companies = f"""
            SELECT k.party_key, min(co.credit_code) AS credit_code,
                min(co.legal_rep_id) AS legal_rep_id, min({rep_household}) AS rep_household,
                max(CASE WHEN coalesce(co.financial_licence, false)
                          OR co.type IN ('bank', 'small_loan') THEN 1 ELSE 0 END) AS licensed
            FROM keys AS k JOIN companies AS co ON {_NORM_C} = k.name
            GROUP BY k.party_key
        """
    else:
        companies = (
            "SELECT CAST(NULL AS VARCHAR) AS party_key, CAST(NULL AS VARCHAR) AS credit_code, "
            "CAST(NULL AS VARCHAR) AS legal_rep_id, CAST(NULL AS VARCHAR) AS rep_household, "
            "0 AS licensed FROM keys WHERE 1 = 0"
        )
    return f"""
        WITH keys AS ({keys}),
        persons AS ({persons}),
        companies AS ({companies}),
        names AS (SELECT party_key, min(name) AS name FROM keys GROUP BY party_key)
        SELECT n.party_key,
            CASE WHEN ps.household_id IS NOT NULL THEN 'household:' || ps.household_id
                 WHEN co.rep_household IS NOT NULL THEN 'household:' || co.rep_household
                 WHEN co.legal_rep_id IS NOT NULL THEN 'representative:' || co.legal_rep_id
                 ELSE n.party_key END AS link_key,
            CASE WHEN ps.household_id IS NOT NULL THEN 'household'
                 WHEN co.rep_household IS NOT NULL THEN 'company_household'
                 WHEN co.legal_rep_id IS NOT NULL THEN 'company_representative'
                 ELSE 'self' END AS link_kind,
            n.name AS party_name,
            coalesce(ps.person_id, co.credit_code) AS register_key,
            coalesce(co.licensed, 0) = 1 AS licensed
        FROM names AS n
        LEFT JOIN persons AS ps ON ps.party_key = n.party_key
        LEFT JOIN companies AS co ON co.party_key = n.party_key
    """


@dataclass(frozen=True)
class PartyLinks:
    """party_links: each plaintiff key with the key of the linked group it counts with."""

    name: str = "party_links"
    version: str = "2"
    inputs: tuple[str, ...] = ("party_mentions", "parties")
    optional_inputs: tuple[str, ...] = ("household", "companies")
    outputs: tuple[str, ...] = ("party_links",)

    def run(self, engine: Engine) -> int:
        sql = party_links_sql(engine.table_exists("household"), engine.table_exists("companies"))
        return rebuild_table(engine, derived_table("party_links"), sql)


# -- execution applications --------------------------------------------------------------------


def execution_sql(with_register: bool) -> str:
    rulings = """
        SELECT m.party_key, coalesce(c.case_number, m.doc_id) AS exec_case_number,
            CAST(NULL AS VARCHAR) AS basis_case_number, m.doc_id AS exec_doc_id,
            'ruling' AS source
        FROM party_mentions AS m JOIN cases AS c ON c.doc_id = m.doc_id
        WHERE m.side = 'applicant' AND strpos(coalesce(c.case_type_code, ''), '执') > 0
    """
    if not with_register:
        return rulings
    register = f"""
        SELECT m.party_key, x.case_number AS exec_case_number,
            x.basis_case_number, CAST(NULL AS VARCHAR) AS exec_doc_id, 'register' AS source
        FROM execution_cases AS x
        JOIN cases AS c ON c.case_number = x.basis_case_number
        JOIN party_mentions AS m ON m.doc_id = c.doc_id AND m.side = 'plaintiff'
        UNION ALL
        SELECT m.party_key, x.case_number AS exec_case_number,
            x.basis_case_number, CAST(NULL AS VARCHAR) AS exec_doc_id, 'register' AS source
        FROM execution_cases AS x
        JOIN (  -- one row per key and name: a bank's name is on thousands of mentions
            SELECT DISTINCT party_key, normalized_name FROM party_mentions
            WHERE side IN {_SIDES} AND key_source <> 'masked'
        ) AS m ON m.normalized_name = x.applicant_name
    """
    return f"""
        WITH a AS ({rulings} UNION ALL {register})
        SELECT party_key, exec_case_number, min(basis_case_number) AS basis_case_number,
            min(exec_doc_id) AS exec_doc_id, min(source) AS source
        FROM a GROUP BY party_key, exec_case_number
    """


@dataclass(frozen=True)
class ExecutionApplications:
    """execution_applications: execution cases each party key applied for."""

    name: str = "execution_applications"
    version: str = "1"
    inputs: tuple[str, ...] = ("party_mentions", "cases")
    optional_inputs: tuple[str, ...] = ("execution_cases",)
    outputs: tuple[str, ...] = ("execution_applications",)

    def run(self, engine: Engine) -> int:
        sql = execution_sql(engine.table_exists("execution_cases"))
        return rebuild_table(engine, derived_table("execution_applications"), sql)


CIVIL_OPERATORS = (LoanSigns(), ClaimWording(), PartyLinks(), ExecutionApplications())
for _op in CIVIL_OPERATORS:
    register(_op)
