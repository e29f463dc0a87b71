"""Near-duplicate clusters of texts (MinHash/LSH with datasketch) over the shingles few
authors use, so that boilerplate every author shares never makes two texts look alike."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from jiandu.models.shingles import shingle_ids

__all__ = [
    "LSH_THRESHOLD",
    "MAX_DF_SHARE",
    "MAX_DOC_SHARE",
    "MIN_DF_CAP",
    "MIN_DOC_CAP",
    "MIN_RARE_SHINGLES",
    "NUM_PERM",
    "SHINGLE",
    "shingle_clusters",
    "wording_clusters",
]

SHINGLE = 5  # characters per shingle
MAX_DF_SHARE = 0.01  # a shingle written by more than 1% of the plaintiffs is boilerplate
MIN_DF_CAP = 10  # ... but a shingle written by at most 10 plaintiffs never is
MAX_DOC_SHARE = 0.05  # nor may it be in more than 5% of the documents (a bank's mass-suit form)
MIN_DOC_CAP = 200  # ... counted only once a corpus is large enough for 5% to mean something
MIN_RARE_SHINGLES = 15  # fewer rare shingles than this: nothing to compare
LSH_THRESHOLD = 0.8  # estimated Jaccard similarity of the rare shingles
NUM_PERM = 64
_SHINGLE_CHUNK = 20_000  # texts shingled together


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
