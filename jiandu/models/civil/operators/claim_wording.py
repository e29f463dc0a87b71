"""The ``claim_wording`` operator: near-duplicate wording across suits.

Found with MinHash/LSH (datasketch, `wording_clusters`): the plaintiff's pleading (诉讼请求 …
事实和理由, quotations removed) and the IOU quoted in the document (借条载明：“…”) are hashed
separately (`claim_text`). Party names and numbers are blanked first, and only shingles written
by few plaintiffs (at most ``MAX_DF_SHARE`` of the distinct plaintiff names, and at least
``MIN_DF_CAP``; in at most ``MAX_DOC_SHARE`` of the documents) count, so the court's own
boilerplate, which every plaintiff's documents share, never makes two suits look alike; what is
left and still matches is one plaintiff's (or one gang's) own standard form. One row per
document in a cluster of two or more.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from jiandu.engines.base import Engine
from jiandu.models.civil.operators.claim_text import (
    CLAIM_WORDS,
    DIGIT_SEPARATORS,
    DIGITS,
    NUMERALS,
    QUOTE,
    claim_regions,
    names_blanked,
)
from jiandu.models.civil.operators.loan_signs import any_word_sql
from jiandu.models.civil.operators.wording_clusters import SHINGLE, shingle_clusters
from jiandu.models.shingles import codepoints, collapse_runs, shingle_ids_of
from jiandu.models.store import write_rows
from jiandu.models.textpool import map_slices, warm

__all__ = ["ClaimWording"]


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
            f"AND {any_word_sql('d.text', CLAIM_WORDS)}"
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
        return write_rows(engine, "claim_wording", out)


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
                part = QUOTE.sub("", part)
            texts[kind].append(names_blanked(part, doc_names))
            rows[kind].append(row)
            spans[kind].append((start, end))
    out: dict[str, _SlicePart] = {}
    for kind in _CLAIM_KINDS:
        numbers_blanked = collapse_runs(codepoints(texts[kind]), DIGITS, DIGIT_SEPARATORS, NUMERALS, "#")
        doc, ids = shingle_ids_of(numbers_blanked, SHINGLE)  # = shingles of normalised(...)
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
