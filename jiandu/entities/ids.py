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
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


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


def name_clusters(
    members: Mapping[int, Sequence[int]],
    mention_ids: Sequence[str],
    kinds: Sequence[str],
    id_keys: Sequence[str | None],
    previous: Mapping[str, str],
) -> dict[int, Named]:
    """An id for every cluster (root → `Named`).

    ``members`` maps a cluster root to its mention indices; ``previous`` maps mention ids to
    the entity ids of the previous run.
    """
    named: dict[int, Named] = {}
    used: set[str] = set()
    kind_of = {root: _cluster_kind(idx, kinds) for root, idx in members.items()}

    # clusters with keys: most mentions of the key first
    claims: list[tuple[int, str, str, int]] = []  # (-count, anchor, key, root)
    for root, idx in members.items():
        counts = Counter(id_keys[i] for i in idx if id_keys[i])
        if counts:
            key, count = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            anchor = min(mention_ids[i] for i in idx)
            claims.append((-count, anchor, key, root))
    for _, _, key, root in sorted(claims):
        entity_id = key_entity_id(key, kind_of[root])
        if entity_id not in used:
            named[root] = Named(entity_id, key, "key")
            used.add(entity_id)

    # clusters without (a free) key: carry over previous ids
    wants: list[tuple[int, str, int]] = []  # (-count, previous id, root)
    for root, idx in members.items():
        if root in named:
            continue
        counts = Counter(
            previous[mention_ids[i]] for i in idx
            if mention_ids[i] in previous and not is_key_id(previous[mention_ids[i]])
        )
        for entity_id, count in counts.items():
            wants.append((-count, entity_id, root))
    for _, entity_id, root in sorted(wants):
        if root in named or entity_id in used:
            continue
        named[root] = Named(entity_id, _cluster_key(members[root], id_keys), "carried")
        used.add(entity_id)

    for root, idx in members.items():
        if root in named:
            continue
        anchor = min(mention_ids[i] for i in idx)
        salt = 0
        entity_id = new_entity_id(anchor, kind_of[root])
        while entity_id in used:
            salt += 1
            entity_id = new_entity_id(anchor, kind_of[root], salt)
        named[root] = Named(entity_id, _cluster_key(idx, id_keys), "new")
        used.add(entity_id)
    return named


def _cluster_kind(idx: Sequence[int], kinds: Sequence[str]) -> str:
    counts = Counter(kinds[i] for i in idx)
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _cluster_key(idx: Sequence[int], id_keys: Sequence[str | None]) -> str | None:
    counts = Counter(id_keys[i] for i in idx if id_keys[i])
    if not counts:
        return None
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
