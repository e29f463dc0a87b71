"""The ``claim_wording`` operator: near-duplicate wording across suits.

Found with MinHash/LSH (datasketch, `wording_clusters`): the plaintiff's pleading (诉讼请求 …
事实和理由, quotations removed) and the IOU quoted in the document (借条载明：“…”) are hashed
separately (`claim_text`). Party names and numbers are blanked first, and only shingles written
by few plaintiffs (at most ``MAX_DF_SHARE`` of the distinct plaintiff names, and at least
``MIN_DF_CAP``; in at most ``MAX_DOC_SHARE`` of the documents) count, so the court's own
boilerplate, which every plaintiff's documents share, never makes two suits look alike; what is
left and still matches is one plaintiff's (or one gang's) own standard form. One row per
document in a cluster of two or more.

Every step over the corpus runs in the engine, so nothing proportional to it comes back to
this process: the regions and their shingles are written by `Engine.map_arrow` (per document,
on the workers or executors), the shingles' document counts and the author counts of the
shingles in many documents are SQL, the MinHash
band keys of each document with enough rare shingles are written by `map_arrow` again, and
the SQL joins documents sharing a band bucket. Only those joins (pairs of near-duplicate
documents, bounded by the documents that cluster, not by the corpus) and the rows of the
clustered documents are read here, to join the pairs into clusters; the texts of the clustered
documents are read again, a few thousand at a time, for the spans of their regions.

The shingle rows, each shingle's document count, the shingles that do not count and the band
keys are kept in the store (``claim_wording_shingles``, ``claim_wording_counts``,
``claim_wording_excluded``, ``claim_wording_bands``), so a daily batch
(`ClaimWording.add_documents`) shingles only its new documents and adds their counts to the
kept ones (at a million documents the shingle rows are 129M: counting them again took most of
an update). The authors are counted again only for the shingles in more documents than the
author cap, and the band keys are recomputed only for the new documents and for those holding a
shingle whose count crossed a cap (the caps grow with the corpus): the rows a full build gives,
for a share of its work.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

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
from jiandu.models.civil.operators.wording_clusters import (
    LSH_THRESHOLD,
    MAX_DF_SHARE,
    MAX_DOC_SHARE,
    MIN_DF_CAP,
    MIN_DOC_CAP,
    MIN_RARE_SHINGLES,
    NUM_PERM,
    SHINGLE,
)
from jiandu.models.incremental import only_documents, replace_where_query
from jiandu.models.shingles import codepoints, collapse_runs, shingle_ids_of
from jiandu.models.store import write_rows
from jiandu.schema.derived import derived_table
from jiandu.schema.registry import Column, TableSchema

__all__ = ["ClaimWording"]

_FIRST_INSTANCE_CIVIL = (
    "coalesce(d.case_category, 'civil') = 'civil' "
    "AND coalesce(c.trial_procedure, 'first_instance') = 'first_instance'"
)
# the civil first-instance documents that may hold a region, with their party names
TEXTS_SQL = f"""
WITH names AS (
    SELECT p.doc_id, list(p.name) AS names FROM parties AS p WHERE p.name IS NOT NULL GROUP BY p.doc_id
)
SELECT d.doc_id, d.text, n.names FROM documents AS d
JOIN cases AS c ON c.doc_id = d.doc_id
LEFT JOIN names AS n ON n.doc_id = d.doc_id
WHERE {_FIRST_INSTANCE_CIVIL} AND d.text IS NOT NULL AND {any_word_sql('d.text', CLAIM_WORDS)}
"""


def _scratch(name: str, description: str, *columns: tuple[str, str]) -> TableSchema:
    """A scratch table of a run (dropped at its end): ``columns`` are (name, type) pairs."""
    return TableSchema(name, description, (), tuple(Column(c, kind, "") for c, kind in columns))


_CLAIM_KINDS = ("pleading", "iou")
_KIND_STEP = 1 << 32  # shingle ids are 32-bit: a kind's shingles are kind_base + id

# Kept between runs (so a daily batch shingles only its new documents): one row per region
# (doc = the document's 64-bit key, shingle = -1 - the kind's position in _CLAIM_KINDS, doc_id)
# and one per distinct shingle of it (doc, shingle = kind_base + shingle id >= 0, doc_id NULL):
# the millions of shingle rows are two integers and a null each, so writing and counting them
# stays cheap (the regions' spans are read again for the few documents that cluster); the
# shingles that do not count; one row per document, kind and LSH band.
_SHINGLES = derived_table("claim_wording_shingles")
_COUNTS = derived_table("claim_wording_counts")
_EXCLUDED = derived_table("claim_wording_excluded")
_BANDS = derived_table("claim_wording_bands")
_KIND_OF_REGION = (  # the kind and kind_base of a region row ``s``
    "CASE s.shingle "
    + " ".join(f"WHEN {-1 - at} THEN '{kind}'" for at, kind in enumerate(_CLAIM_KINDS))
    + " END",
    f"(-1 - s.shingle) * {_KIND_STEP}",
)
_REGIONS = _scratch(
    "claim_wording__regions",
    "regions and their authors",
    ("doc_id", "VARCHAR"),
    ("kind", "VARCHAR"),
    ("kind_base", "BIGINT"),
    ("doc", "BIGINT"),
    ("author", "VARCHAR"),
)
# scratch tables of a build or an update (dropped at its end)
_BATCH = _scratch(
    "claim_wording__batch",
    "shingle rows of an update's documents",
    *((c.name, c.type) for c in _SHINGLES.columns),
)
_NEW_COUNTS = _scratch(
    "claim_wording__counts_new",
    "document counts of the shingles an update's documents hold",
    *((c.name, c.type) for c in _COUNTS.columns),
)
_COMMON = _scratch(
    "claim_wording__common",
    "shingles in more documents than their kind's author or document cap",
    ("shingle", "BIGINT"),
    ("docs", "BIGINT"),
    ("cap", "BIGINT"),
    ("doc_cap", "BIGINT"),
)
_NEW_EXCLUDED = _scratch("claim_wording__excluded_new", "shingles too common to count", ("shingle", "BIGINT"))
_NEW_BANDS = _scratch(
    "claim_wording__bands_new",
    "band keys of the documents an update recomputes",
    *((c.name, c.type) for c in _BANDS.columns),
)
_AFFECTED = _scratch(
    "claim_wording__affected", "document keys whose bands an update recomputes", ("doc", "BIGINT")
)
_NEW_KEYS = _scratch(
    "claim_wording__new_keys", "document keys of an update's documents", ("doc", "BIGINT")
)
_ENOUGH = _scratch(
    "claim_wording__enough",
    "regions with enough rare shingles",
    ("doc", "BIGINT"),
    ("kind_base", "BIGINT"),
    ("rare", "BIGINT"),
)
# The corpus-wide counts run in passes over shingles (then documents) of at most about this many
# shingle rows each, so DuckDB's hash tables and lists stay within its memory and spill limits
# (one pass holds about 125k documents' shingle rows: the 100k county has 12.8 million).
ROWS_PER_PASS = 16_000_000

# A document's author: its first plaintiff's name (documents share an author when the name is
# the same), or the document itself when it names no plaintiff.
_REGIONS_SQL = f"""
WITH plaintiffs AS (
    SELECT p.doc_id, arg_min(p.name, p.party_idx) AS author FROM parties AS p
    WHERE p.side = 'plaintiff' AND p.name IS NOT NULL AND p.name <> '' GROUP BY p.doc_id
)
SELECT s.doc_id, {_KIND_OF_REGION[0]} AS kind, {_KIND_OF_REGION[1]} AS kind_base, s.doc,
    coalesce(a.author, s.doc_id) AS author
FROM {_SHINGLES.name} AS s LEFT JOIN plaintiffs AS a ON a.doc_id = s.doc_id
WHERE s.shingle < 0
"""

_SHINGLE_ROWS_SQL = f"SELECT count(*) AS n FROM {_SHINGLES.name} WHERE shingle >= 0"


def _counts_sql(passes: int, at: int) -> str:
    """The document counts of the shingles of pass ``at`` (of ``passes``, split by shingle)."""
    return f"""
SELECT shingle, count(*) AS docs FROM {_SHINGLES.name}
WHERE shingle >= 0 AND shingle % {passes} = {at}
GROUP BY shingle
"""


# An update's documents' shingles with their counts: the batch's added to the kept ones.
_NEW_COUNTS_SQL = f"""
WITH batch AS (
    SELECT shingle, count(*) AS docs FROM {_BATCH.name} WHERE shingle >= 0 GROUP BY shingle
)
SELECT b.shingle, coalesce(c.docs, 0) + b.docs AS docs
FROM batch AS b LEFT JOIN {_COUNTS.name} AS c ON c.shingle = b.shingle
"""

# The shingles in more documents than their kind's author cap (1% of its authors, at least
# MIN_DF_CAP) or document cap (5% of its regions, at least MIN_DOC_CAP): a shingle's authors are
# at most its documents, so only these can be written by too many authors.
_COMMON_SQL = f"""
WITH caps AS (
    SELECT kind_base,
        greatest({MIN_DF_CAP}, CAST(floor({MAX_DF_SHARE} * count(DISTINCT author)) AS BIGINT)) AS cap,
        greatest({MIN_DOC_CAP}, CAST(floor({MAX_DOC_SHARE} * count(*)) AS BIGINT)) AS doc_cap
    FROM {_REGIONS.name} GROUP BY kind_base
)
SELECT c.shingle, c.docs, k.cap, k.doc_cap FROM {_COUNTS.name} AS c
JOIN caps AS k ON k.kind_base = c.shingle - c.shingle % {_KIND_STEP}
WHERE c.docs > k.cap OR c.docs > k.doc_cap
"""
# shingle rows whose authors are counted (`_excluded_sql`): the common shingles' documents
_AUTHOR_ROWS_SQL = f"SELECT sum(docs) AS n FROM {_COMMON.name} WHERE docs <= doc_cap"


def _excluded_sql(passes: int, at: int) -> str:
    """The common shingles (`_COMMON`) of pass ``at`` (of ``passes``, split by shingle) written by
    more authors than their kind's cap; those in more documents than its document cap are
    excluded without counting. Every shingle row has its region (`_REGIONS`, one per document
    key and kind: `_SHARED_KEYS_SQL`)."""
    return f"""
WITH authors AS (
    SELECT s.shingle, count(DISTINCT r.author) AS authors FROM {_SHINGLES.name} AS s
    JOIN {_REGIONS.name} AS r ON r.doc = s.doc AND r.kind_base = s.shingle - s.shingle % {_KIND_STEP}
    WHERE s.shingle IN (
        SELECT shingle FROM {_COMMON.name} WHERE docs <= doc_cap AND shingle % {passes} = {at}
    )
    GROUP BY s.shingle
)
SELECT a.shingle FROM authors AS a JOIN {_COMMON.name} AS c ON c.shingle = a.shingle
WHERE a.authors > c.cap
"""


def _enough_sql(excluded: str, only_affected: bool) -> str:
    """Per document key and kind with at least MIN_RARE_SHINGLES rare shingles (those not in
    table ``excluded``): how many; one scan of the shingle rows, grouped by region (so by the
    documents, not the shingle rows). With ``only_affected``, only the document keys in
    `_AFFECTED`."""
    only = f" AND s.doc IN (SELECT doc FROM {_AFFECTED.name})" if only_affected else ""
    return f"""
SELECT s.doc, s.shingle - s.shingle % {_KIND_STEP} AS kind_base, count(*) AS rare
FROM {_SHINGLES.name} AS s LEFT JOIN {excluded} AS x ON x.shingle = s.shingle
WHERE s.shingle >= 0 AND x.shingle IS NULL{only}
GROUP BY s.doc, s.shingle - s.shingle % {_KIND_STEP}
HAVING count(*) >= {MIN_RARE_SHINGLES}
"""


_RARE_ROWS_SQL = f"SELECT sum(rare) AS n FROM {_ENOUGH.name}"


def _rare_sql(passes: int, at: int, excluded: str) -> str:
    """Per document of pass ``at`` (of ``passes``, split by document key) and kind with enough
    rare shingles (`_ENOUGH`), the list of its rare shingles (those not in table ``excluded``)."""
    return f"""
SELECT g.doc_id, g.kind, list(s.shingle - g.kind_base) AS shingles FROM {_SHINGLES.name} AS s
JOIN {_ENOUGH.name} AS e ON e.doc = s.doc AND e.kind_base = s.shingle - s.shingle % {_KIND_STEP}
JOIN {_REGIONS.name} AS g ON g.doc = e.doc AND g.kind_base = e.kind_base
LEFT JOIN {excluded} AS x ON x.shingle = s.shingle
WHERE s.shingle >= 0 AND x.shingle IS NULL AND ((e.doc % {passes}) + {passes}) % {passes} = {at}
GROUP BY g.doc_id, g.kind
"""


# Two documents whose 64-bit keys collide (about one chance in 37 million at a million documents)
# would pool their shingles: the operator refuses to go on instead.
_SHARED_KEYS_SQL = f"""
SELECT count(*) AS shared FROM (
    SELECT doc, shingle FROM {_SHINGLES.name} WHERE shingle < 0
    GROUP BY doc, shingle HAVING count(*) > 1
) AS k
"""

# Documents sharing a bucket of one band are joined to the bucket's first document.
_PAIRS_SQL = f"""
WITH firsts AS (
    SELECT kind, band, bucket, min(doc_id) AS first FROM {_BANDS.name}
    GROUP BY kind, band, bucket HAVING count(*) > 1
)
SELECT DISTINCT b.kind, b.doc_id, f.first FROM {_BANDS.name} AS b
JOIN firsts AS f ON f.kind = b.kind AND f.band = b.band AND f.bucket = b.bucket
WHERE b.doc_id <> f.first
"""


# An update's documents whose bands change: its new documents, and those holding a shingle
# that started or stopped counting (its document or author counts crossed a cap).
_AFFECTED_SQL = f"""
WITH flipped AS (
    (SELECT shingle FROM {_EXCLUDED.name} EXCEPT SELECT shingle FROM {_NEW_EXCLUDED.name})
    UNION
    (SELECT shingle FROM {_NEW_EXCLUDED.name} EXCEPT SELECT shingle FROM {_EXCLUDED.name})
)
SELECT doc FROM {_NEW_KEYS.name}
UNION
SELECT s.doc FROM {_SHINGLES.name} AS s WHERE s.shingle IN (SELECT shingle FROM flipped)
"""
# the band rows of the affected documents (by their region rows' doc_id)
_AFFECTED_BANDS = (
    f"doc_id IN (SELECT s.doc_id FROM {_SHINGLES.name} AS s "
    f"WHERE s.shingle < 0 AND s.doc IN (SELECT doc FROM {_AFFECTED.name}))"
)
_SCRATCH = (_REGIONS, _ENOUGH, _NEW_EXCLUDED, _NEW_BANDS, _AFFECTED, _NEW_KEYS, _BATCH, _NEW_COUNTS, _COMMON)


@dataclass(frozen=True)
class ClaimWording:
    """claim_wording: documents whose pleading or quoted IOU is a near-duplicate of another's.

    A full build shingles and counts every document; a daily batch (`add_documents`) shingles
    only its new documents, adds their counts, decides again which shingles count, and
    recomputes the band keys of the documents that decision changed. Both give the same rows
    (tests/models/civil/test_claim_wording.py)."""

    name: str = "claim_wording"
    version: str = "4"
    inputs: tuple[str, ...] = ("documents", "cases", "parties")
    optional_inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = (
        "claim_wording", _SHINGLES.name, _COUNTS.name, _EXCLUDED.name, _BANDS.name,
    )

    def run(self, engine: Engine) -> int:
        with _kept_on_success(engine):
            engine.map_arrow(TEXTS_SQL, _shingles_of_batch, _SHINGLES)
            _check_keys(engine)
            _write_counts(engine)
            engine.materialize(_REGIONS.name, _REGIONS_SQL)
            _write_excluded(engine, _EXCLUDED)
            engine.materialize(_ENOUGH.name, _enough_sql(_EXCLUDED.name, only_affected=False))
            _write_bands(engine, _BANDS, _EXCLUDED.name)
            out = _cluster_rows(engine, _clusters(engine.query(_PAIRS_SQL)), {})
        return write_rows(engine, "claim_wording", out)

    def add_documents(self, engine: Engine, docs: str) -> int:
        """Bring the outputs up to date with the new documents in ``docs`` (daily batches)."""
        with _kept_on_success(engine):
            if _held_already(engine, docs):
                out = None
            else:
                _add_batch(engine, docs)
                out = _update_from_counts(engine)
        if out is None:
            # rows of these documents left by an update that stopped midway, before or after it
            # added them to the counts: which is not known, so build in full
            return self.run(engine)
        return write_rows(engine, "claim_wording", out)


def _held_already(engine: Engine, docs: str) -> bool:
    """Write the keys of the documents in ``docs`` (`_NEW_KEYS`); whether any has shingle rows."""
    ids = engine.query(f"SELECT DISTINCT doc_id FROM {docs}").column("doc_id").to_pylist()
    engine.drop_table(_NEW_KEYS.name, missing_ok=True)
    engine.create_table(_NEW_KEYS)
    engine.append(_NEW_KEYS.name, _NEW_KEYS.to_arrow([{"doc": _doc_key(d)} for d in ids]))
    held = f"SELECT count(*) AS n FROM {_SHINGLES.name} WHERE doc IN (SELECT doc FROM {_NEW_KEYS.name})"
    return bool(engine.query(held).column("n")[0].as_py())


def _add_batch(engine: Engine, docs: str) -> None:
    """Shingle the documents in ``docs`` and add them to the kept shingle rows and counts."""
    engine.map_arrow(only_documents(TEXTS_SQL, docs), _shingles_of_batch, _BATCH)
    engine.materialize(_NEW_COUNTS.name, _NEW_COUNTS_SQL)
    # the shingle rows first: an update stopped between the two leaves rows (`_held_already`)
    engine.insert_query(_SHINGLES.name, f"SELECT * FROM {_BATCH.name}")
    replace_where_query(
        engine,
        _COUNTS.name,
        f"shingle IN (SELECT shingle FROM {_NEW_COUNTS.name})",
        f"SELECT * FROM {_NEW_COUNTS.name}",
    )


def _update_from_counts(engine: Engine) -> list[dict[str, Any]]:
    """After an update's shingle rows and counts: the shingles that count decided again, the
    band keys of the documents that changed recomputed, and the clusters joined again."""
    _check_keys(engine)
    engine.materialize(_REGIONS.name, _REGIONS_SQL)
    _write_excluded(engine, _NEW_EXCLUDED)
    engine.materialize(_AFFECTED.name, _AFFECTED_SQL)
    engine.materialize(_ENOUGH.name, _enough_sql(_NEW_EXCLUDED.name, only_affected=True))
    _write_bands(engine, _NEW_BANDS, _NEW_EXCLUDED.name)
    replace_where_query(engine, _BANDS.name, _AFFECTED_BANDS, f"SELECT * FROM {_NEW_BANDS.name}")
    engine.materialize(_EXCLUDED.name, f"SELECT shingle FROM {_NEW_EXCLUDED.name}")
    return _cluster_rows(engine, _clusters(engine.query(_PAIRS_SQL)), _previous_spans(engine))


@contextmanager
def _kept_on_success(engine: Engine) -> Iterator[None]:
    """Drop the scratch tables at the end; on failure also the kept ones (shingles, counts,
    bands), so the next run builds in full rather than update from a half-made state."""
    try:
        yield
    except BaseException:
        for name in (_SHINGLES.name, _COUNTS.name, _EXCLUDED.name, _BANDS.name):
            engine.drop_table(name, missing_ok=True)
        raise
    finally:
        for schema in _SCRATCH:
            engine.drop_table(schema.name, missing_ok=True)


def _check_keys(engine: Engine) -> None:
    if engine.query(_SHARED_KEYS_SQL).column("shared")[0].as_py():
        raise RuntimeError("claim_wording: two documents share a 64-bit key; report this")


def _write_counts(engine: Engine) -> None:
    """Every shingle's document count (`_COUNTS`), in passes of about `ROWS_PER_PASS` shingle rows
    (split by shingle), so DuckDB's hash tables stay within its memory and spill limits."""
    passes = _passes(engine.query(_SHINGLE_ROWS_SQL).column("n")[0].as_py() or 0)
    engine.drop_table(_COUNTS.name, missing_ok=True)
    engine.create_table(_COUNTS)
    for at in range(passes):
        engine.insert_query(_COUNTS.name, _counts_sql(passes, at))


def _write_excluded(engine: Engine, target: TableSchema) -> None:
    """The shingles that do not count into ``target``: from the kept counts, the common shingles
    (`_COMMON_SQL`); those within their document cap have their authors counted in passes of
    about `ROWS_PER_PASS` of their shingle rows (split by shingle)."""
    engine.materialize(_COMMON.name, _COMMON_SQL)
    engine.drop_table(target.name, missing_ok=True)
    engine.create_table(target)
    engine.insert_query(target.name, f"SELECT shingle FROM {_COMMON.name} WHERE docs > doc_cap")
    passes = _passes(engine.query(_AUTHOR_ROWS_SQL).column("n")[0].as_py() or 0)
    for at in range(passes):
        engine.insert_query(target.name, _excluded_sql(passes, at))


def _write_bands(engine: Engine, target: TableSchema, excluded: str) -> None:
    """``target`` from the regions with enough rare shingles (`_ENOUGH`): their rare shingles
    (not in table ``excluded``) listed and hashed into bands, in passes of about
    `ROWS_PER_PASS` listed shingles (split by document; one pass unless the rare shingles of
    such regions are that many)."""
    passes = _passes(engine.query(_RARE_ROWS_SQL).column("n")[0].as_py() or 0)
    for at in range(passes):
        engine.map_arrow(_rare_sql(passes, at, excluded), _bands_of_batch, target, append=at > 0)


def _previous_spans(engine: Engine) -> dict[tuple[str, str], tuple[int, int]]:
    """(kind, doc_id) → span of the documents in the previous rows (a document's text does not
    change, so neither does its span)."""
    rows = engine.query("SELECT kind, doc_id, span_start, span_end FROM claim_wording")
    columns = (rows.column(c).to_pylist() for c in ("kind", "doc_id", "span_start", "span_end"))
    return {(k, d): (start, end) for k, d, start, end in zip(*columns, strict=True)}


def _passes(shingle_rows: int) -> int:
    """How many passes the counts over ``shingle_rows`` shingle rows take."""
    return max(1, -(-shingle_rows // ROWS_PER_PASS))


def _clusters(pairs: pa.Table) -> dict[tuple[str, str], tuple[str, int]]:
    """(kind, doc_id) → (smallest doc_id of its cluster, cluster size): the documents joined
    through shared buckets (``pairs``: kind, doc_id, first)."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(x: tuple[str, str]) -> tuple[str, str]:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    columns = (pairs.column(c).to_pylist() for c in ("kind", "doc_id", "first"))
    for kind, doc, first in zip(*columns, strict=True):
        a, b = find((kind, doc)), find((kind, first))
        if a != b:
            parent[max(a, b)] = min(a, b)
    members: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for key in list(parent):
        members[find(key)].append(key)
    out: dict[tuple[str, str], tuple[str, int]] = {}
    for group in members.values():
        cid = min(doc for _, doc in group)
        for key in group:
            out[key] = (cid, len(group))
    return out


def _cluster_rows(
    engine: Engine,
    clusters: dict[tuple[str, str], tuple[str, int]],
    known: dict[tuple[str, str], tuple[int, int]],
) -> list[dict[str, Any]]:
    """claim_wording rows of the clustered documents, with their spans and rare-shingle counts:
    the spans ``known`` from the previous rows, the others read from the texts (`_spans`)."""
    if not clusters:
        return []
    keys = pa.table(
        {"kind": [k for k, _ in clusters], "doc_id": [d for _, d in clusters]},
        schema=pa.schema([("kind", pa.string()), ("doc_id", pa.string())]),
    )
    with engine.temp_table(keys, "clustered") as wanted:
        found = engine.query(
            f"SELECT DISTINCT b.doc_id, b.kind, b.rare_shingles "
            f"FROM {_BANDS.name} AS b JOIN {wanted} AS w ON w.kind = b.kind AND w.doc_id = b.doc_id"
        )
    spans = dict(known)
    spans.update(_spans(engine, sorted({d for key, d in clusters if (key, d) not in known})))
    out = []
    for r in sorted(found.to_pylist(), key=lambda r: (_CLAIM_KINDS.index(r["kind"]), r["doc_id"])):
        cid, size = clusters[(r["kind"], r["doc_id"])]
        start, end = spans[(r["kind"], r["doc_id"])]
        out.append(
            {
                "doc_id": r["doc_id"],
                "kind": r["kind"],
                "cluster_id": f"{r['kind']}:{cid}",
                "cluster_size": size,
                "rare_shingles": r["rare_shingles"],
                "span_start": start,
                "span_end": min(end, start + 300),
            }
        )
    return out


_SPANS_TOGETHER = 2_000  # clustered documents whose texts are read at a time


def _spans(engine: Engine, doc_ids: list[str]) -> dict[tuple[str, str], tuple[int, int]]:
    """(kind, doc_id) → the span of the region shingled (`_first_regions`) of those documents,
    read again from their texts, a few thousand at a time."""
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for lo in range(0, len(doc_ids), _SPANS_TOGETHER):
        ids = pa.table({"doc_id": pa.array(doc_ids[lo : lo + _SPANS_TOGETHER], pa.string())})
        with engine.temp_table(ids, "spanned") as wanted:
            texts = engine.query(
                f"SELECT d.doc_id, d.text FROM documents AS d JOIN {wanted} AS w ON w.doc_id = d.doc_id"
            )
        columns = (texts.column(c).to_pylist() for c in ("doc_id", "text"))
        for doc_id, text in zip(*columns, strict=True):
            for kind, span in _first_regions(text).items():
                out[(kind, doc_id)] = span
    return out


_SHINGLED_TOGETHER = 2_000  # documents shingled at a time: the arrays of a slice are ~20 KB each


def _shingles_of_batch(table: pa.Table) -> pa.Table:
    """`_SHINGLES` rows of a batch of TEXTS_SQL, shingled a few thousand documents at a time so
    a worker's memory stays small; runs in a worker or on an executor."""
    pieces = [
        piece
        for lo in range(0, table.num_rows, _SHINGLED_TOGETHER)
        for piece in _shingle_rows(table.slice(lo, _SHINGLED_TOGETHER))
    ]
    return pa.concat_tables(pieces) if pieces else _SHINGLES.to_arrow([])


def _shingle_rows(table: pa.Table) -> list[pa.Table]:
    """Per kind, the region rows and shingle rows of a slice of TEXTS_SQL."""
    names = [n or [] for n in table.column("names").to_pylist()]
    part = _shingle_slice(
        pa.table(
            {
                "row": np.arange(table.num_rows, dtype=np.int64),
                "text": table.column("text"),
                "names": pa.array(names, pa.list_(pa.string())),
            }
        )
    )
    doc_ids = table.column("doc_id").combine_chunks()
    keys = np.array([_doc_key(d) for d in doc_ids.to_pylist()], dtype=np.int64)
    pieces = []
    for at, kind in enumerate(_CLAIM_KINDS):
        rows, doc, ids = part[kind]
        kind_base = at * _KIND_STEP
        regions = pa.table(  # one row per region; the document id as positions
            {
                "doc": keys[rows],
                "shingle": np.full(len(rows), -1 - at, dtype=np.int64),
                "doc_id": pa.DictionaryArray.from_arrays(pa.array(rows, pa.int32()), doc_ids),
            }
        )
        shingles = pa.table(  # one row per distinct shingle of a region: two integers
            {
                "doc": keys[rows[doc]] if len(rows) else doc,
                "shingle": ids.astype(np.int64) + kind_base,
                "doc_id": pa.DictionaryArray.from_arrays(pa.nulls(len(doc), pa.int32()), doc_ids),
            }
        )
        pieces += [regions, shingles]
    return pieces


def _doc_key(doc_id: str) -> int:
    """The document's 64-bit key in the shingle rows (the same in every process)."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode(), digest_size=8).digest(), "little", signed=True)


@cache
def _minhash_parts() -> tuple[Any, list[tuple[int, int]]]:
    """The MinHash every document starts from (its permutations drawn once) and the LSH bands."""
    from datasketch import MinHash, MinHashLSH

    first = MinHash(num_perm=NUM_PERM, seed=1)
    return first, list(MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM).hashranges)


def _bands_of_batch(table: pa.Table) -> pa.Table:
    """`_BANDS` rows of a batch of (doc_id, kind, shingles): the MinHash of each document's rare
    shingles cut into the LSH bands; runs in a worker or on an executor."""
    from datasketch import MinHash

    first, ranges = _minhash_parts()
    rows: list[dict[str, Any]] = []
    for doc_id, kind, shingles in zip(
        *(table.column(c).to_pylist() for c in ("doc_id", "kind", "shingles")), strict=True
    ):
        raw = np.array(shingles, dtype=np.int64).astype("<u4").tobytes()
        mh = MinHash(num_perm=NUM_PERM, seed=1, permutations=first.permutations, scheme=first.scheme)
        mh.update_batch([raw[j : j + 4] for j in range(0, len(raw), 4)])
        for band, (start, end) in enumerate(ranges):
            rows.append(
                {
                    "doc_id": doc_id,
                    "kind": kind,
                    "rare_shingles": len(shingles),
                    "band": band,
                    "bucket": mh.hashvalues[start:end].tobytes().hex(),
                }
            )
    return _BANDS.to_arrow(rows)


_SlicePart = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.uint32]]


def _first_regions(text: str) -> dict[str, tuple[int, int]]:
    """kind → (start, end) of the region of that kind shingled: the document's first."""
    out: dict[str, tuple[int, int]] = {}
    for kind, start, end in claim_regions(text):
        out.setdefault(kind, (start, end))
    return out


def _shingle_slice(table: pa.Table) -> dict[str, _SlicePart]:
    """Per kind: rows and shingle pairs of a slice of (row, text, names); runs in a worker. The
    first region of a kind in a document counts (`_first_regions`; its span is read again by
    `_spans` for the documents that cluster)."""
    texts: dict[str, list[str]] = {kind: [] for kind in _CLAIM_KINDS}
    rows: dict[str, list[int]] = {kind: [] for kind in _CLAIM_KINDS}
    for row, text, doc_names in zip(
        table.column("row").to_pylist(),
        table.column("text").to_pylist(),
        table.column("names").to_pylist(),
        strict=True,
    ):
        for kind, (start, end) in _first_regions(text).items():
            part = text[start:end]
            if kind == "pleading":
                part = QUOTE.sub("", part)
            texts[kind].append(names_blanked(part, doc_names))
            rows[kind].append(row)
    out: dict[str, _SlicePart] = {}
    for kind in _CLAIM_KINDS:
        numbers_blanked = collapse_runs(codepoints(texts[kind]), DIGITS, DIGIT_SEPARATORS, NUMERALS, "#")
        doc, ids = shingle_ids_of(numbers_blanked, SHINGLE)  # = shingles of normalised(...)
        out[kind] = (np.array(rows[kind], dtype=np.int64), doc, ids)
    return out
