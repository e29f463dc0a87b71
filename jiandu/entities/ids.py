"""Stable entity ids.

* A cluster holding a valid ID number or credit code is named after it:
  ``pk_`` / ``ok_`` (person / organisation) + the first 20 hex characters of
  sha256("key:" + key). The same person gets the same id on every run, on every engine and in
  every office, and the ID number itself is not shown in the id. When several clusters hold
  the same key (a reviewer's ``not_same`` split them), the one with most mentions of that key
  gets this id; the others are named as clusters without a key.
* A cluster without a key keeps the id of the previous run's entity that holds most of its
  mentions (``carried``), provided that id is free and not a key id; among several clusters
  wanting one previous id, the one holding most of its mentions wins. So adding documents
  grows an entity without renaming it, and a split leaves the id with the larger part.
* Otherwise the id is new: ``pm_`` / ``om_`` + sha256("mention:" + smallest mention id),
  which is what a first run gives for the same data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True, slots=True)
class Named:
    entity_id: str
    id_key: str | None
    id_source: str  # key | carried | new


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def key_entity_id(key: str, kind: str) -> str:
    """The id of the entity holding a valid ID number or credit code."""
    return f"{'o' if kind == 'organization' else 'p'}k_{_digest('key:' + key)}"


def new_entity_id(anchor_mention: str, kind: str, salt: int = 0) -> str:
    text = "mention:" + anchor_mention + (f"#{salt}" if salt else "")
    return f"{'o' if kind == 'organization' else 'p'}m_{_digest(text)}"


def is_key_id(entity_id: str) -> bool:
    return entity_id[1:3] == "k_"


def first_per_group(table: pa.Table, group: str, order: list[tuple[str, str]]) -> pa.Table:
    """The first row of each group after sorting by ``group`` then ``order``."""
    table = table.sort_by([(group, "ascending"), *order])
    groups = table.column(group).combine_chunks()
    if len(groups) == 0:
        return table
    changed = pc.not_equal(groups.slice(1), groups.slice(0, len(groups) - 1))
    return table.filter(pa.concat_arrays([pa.array([True]), changed]))


def _previous_table(previous: Mapping[str, str] | pa.Table) -> pa.Table:
    if isinstance(previous, pa.Table):
        return previous
    return pa.table({"mention_id": pa.array(list(previous), pa.string()),
                     "entity_id": pa.array(list(previous.values()), pa.string())})


def name_clusters(members: pa.Table, previous: Mapping[str, str] | pa.Table) -> dict[int, Named]:
    """An id for every cluster (root → `Named`).

    ``members`` has one row per mention: ``root`` (cluster), ``mention_id``, ``kind``,
    ``id_key``; ``previous`` gives the entity ids of the previous run by mention id (a mapping,
    or a table of ``mention_id`` and ``entity_id`` with one row per mention id).
    """
    previous = _previous_table(previous)
    named: dict[int, Named] = {}
    used: set[str] = set()
    kind_counts = members.group_by(["root", "kind"], use_threads=False).aggregate(
        [("mention_id", "count")])
    kinds = first_per_group(kind_counts, "root",
                            [("mention_id_count", "descending"), ("kind", "ascending")])
    kind_of = dict(zip(kinds.column("root").to_pylist(), kinds.column("kind").to_pylist(),
                       strict=True))
    anchors = members.group_by("root", use_threads=False).aggregate([("mention_id", "min")])
    anchor_of = dict(zip(anchors.column("root").to_pylist(),
                         anchors.column("mention_id_min").to_pylist(), strict=True))

    # clusters with keys: the most frequent key of each; most mentions of the key first
    keyed = members.filter(pc.is_valid(members.column("id_key")))
    key_counts = keyed.group_by(["root", "id_key"], use_threads=False).aggregate(
        [("mention_id", "count")])
    best = first_per_group(key_counts, "root",
                           [("mention_id_count", "descending"), ("id_key", "ascending")])
    key_of = dict(zip(best.column("root").to_pylist(), best.column("id_key").to_pylist(),
                      strict=True))
    claims = sorted(
        (-count, anchor_of[root], key, root)
        for root, key, count in zip(best.column("root").to_pylist(),
                                    best.column("id_key").to_pylist(),
                                    best.column("mention_id_count").to_pylist(), strict=True)
    )
    for _, _, key, root in claims:
        entity_id = key_entity_id(key, kind_of[root])
        if entity_id not in used:
            named[root] = Named(entity_id, key, "key")
            used.add(entity_id)

    # clusters without (a free) key: carry over previous ids
    if previous.num_rows:
        found = pc.index_in(members.column("mention_id"), value_set=previous.column("mention_id"))
        prev = pc.take(previous.column("entity_id"), found)
        is_key = pc.equal(pc.utf8_slice_codeunits(prev, 1, 3), "k_")  # `is_key_id`
        prev = pc.if_else(pc.fill_null(is_key, False), pa.scalar(None, pa.string()), prev)
        with_prev = members.select(["root", "mention_id"]).append_column(
            "previous", prev.cast(pa.string()))
        with_prev = with_prev.filter(pc.is_valid(with_prev.column("previous")))
        wants = with_prev.group_by(["root", "previous"], use_threads=False).aggregate(
            [("mention_id", "count")]).sort_by(
            [("mention_id_count", "descending"), ("previous", "ascending"), ("root", "ascending")])
        for root, entity_id in zip(wants.column("root").to_pylist(),
                                   wants.column("previous").to_pylist(), strict=True):
            if root in named or entity_id in used:
                continue
            named[root] = Named(entity_id, key_of.get(root), "carried")
            used.add(entity_id)

    for root in sorted(anchor_of):
        if root in named:
            continue
        anchor = anchor_of[root]
        salt = 0
        entity_id = new_entity_id(anchor, kind_of[root])
        while entity_id in used:
            salt += 1
            entity_id = new_entity_id(anchor, kind_of[root], salt)
        named[root] = Named(entity_id, key_of.get(root), "new")
        used.add(entity_id)
    return named
