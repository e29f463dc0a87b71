"""From links to entities: a constrained union-find that no link can talk out of its rules.

Links are applied in order of strength, and each merge of two clusters is checked first:

1. reviewer judgements ``same`` (latest judgement per pair; see ``judgements.py``);
2. exact links: the same valid ID number or credit code; organisations with the same
   normalised name;
3. probabilistic links between two unmasked person mentions, by falling probability;
4. masked mentions (张某) join the one entity their links point to: only links that pass the
   masked-name rule (``rules.py``) and the threshold count, and when they point to two or more
   entities whose best match weights are closer than ``ambiguity_margin`` bits, the mention
   joins none of them (status ``ambiguous``);
5. links between two masked mentions, neither of them ambiguous.

A merge is refused when it would put into one entity

* two mentions a reviewer judged ``not_same`` (for every kind of link, judgements included:
  so ``not_same`` cuts every path between the two mentions, and the cluster splits where the
  weakest links would have joined them);
* two different valid ID numbers or credit codes (machine links only: a reviewer's ``same``
  may join them);
* two different parties of one document (probabilistic links only: one document names each
  party once).

Every link ends with a status: ``linked`` (it merged two clusters), ``redundant`` (already in
one cluster), or why it was not applied: ``below_threshold``, ``masked_rule``, ``ambiguous``,
``not_best`` (a masked mention joined a better entity), ``conflict_not_same``,
``conflict_id``, ``conflict_document``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

T = TypeVar("T")

LINKED = "linked"
REDUNDANT = "redundant"
APPLIED = (LINKED, REDUNDANT)
# every status a link can end with, as the int8 codes of `Links.status` ("" = not yet decided)
STATUSES = ("", LINKED, REDUNDANT, "below_threshold", "masked_rule", "ambiguous", "not_best",
            "conflict_not_same", "conflict_id", "conflict_document")
CODE = {status: code for code, status in enumerate(STATUSES)}

Codes = Sequence[Hashable | None] | npt.NDArray[Any]
_CHUNK = 100_000  # links turned into Python ints at a time


@dataclass(slots=True)
class Links:
    """Candidate links as parallel arrays, one entry per link: mention rows ``a`` and ``b``
    (indices into the mention table), probability and match weight (NaN: none) as float64,
    and the status each link ends with (`STATUSES` codes, set by `cluster`).

    Arrays rather than one Python object per link: at a million documents there are millions
    of links.
    """

    a: npt.NDArray[np.int64]
    b: npt.NDArray[np.int64]
    probability: npt.NDArray[np.float64]
    weight: npt.NDArray[np.float64]
    status: npt.NDArray[np.int8]

    @classmethod
    def of(cls, a: Any, b: Any, probability: Any, weight: Any = None) -> Links:
        """Links from array-likes; ``probability`` may be one number for all of them."""
        a_ = np.asarray(a, dtype=np.int64).reshape(-1)
        n = len(a_)
        p = np.broadcast_to(np.asarray(probability, dtype=np.float64), (n,)).copy()
        w = np.full(n, np.nan) if weight is None else np.asarray(weight, dtype=np.float64)
        return cls(a_, np.asarray(b, dtype=np.int64).reshape(-1), p, w, np.zeros(n, np.int8))

    def __len__(self) -> int:
        return len(self.a)

    def statuses(self) -> list[str]:
        """The status of each link, as text."""
        return [STATUSES[c] for c in self.status.tolist()]


def _chunks(rows: npt.NDArray[np.int64], links: Links) -> Iterator[tuple[int, int, int]]:
    """(row, a, b) of the given link rows, in their order, as Python ints a chunk at a time."""
    for start in range(0, len(rows), _CHUNK):
        part = rows[start:start + _CHUNK]
        yield from zip(part.tolist(), links.a[part].tolist(), links.b[part].tolist(), strict=True)


@dataclass(slots=True)
class MentionFacts:
    """What clustering needs of each mention (parallel sequences, one entry per mention).

    ``doc_id`` and ``id_key`` may be any hashable codes with a false value for "none" (the
    caller passes integer codes, 0 for null, rather than millions of strings).
    """

    doc_id: Codes
    id_key: Codes
    masked: Sequence[bool] | npt.NDArray[np.bool_]


@dataclass(slots=True)
class Clusters:
    """Union-find over mentions with the sets that the merge checks need, per root."""

    facts: MentionFacts
    not_same: dict[int, set[int]] = field(default_factory=dict)
    parent: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    size: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    keys: dict[int, set[Any]] = field(default_factory=dict)
    docs: dict[int, set[Any]] = field(default_factory=dict)
    judged: dict[int, set[int]] = field(default_factory=dict)  # members with a not_same
    forbidden: dict[int, set[int]] = field(default_factory=dict)  # mentions kept out

    def __post_init__(self) -> None:
        # a single mention's key and document sets are made when first needed (`_own`): a
        # million one-element sets cost more memory than the mentions themselves
        n = len(self.facts.doc_id)
        self.parent = np.arange(n, dtype=np.int64)
        self.size = np.ones(n, dtype=np.int64)
        for i, partners in self.not_same.items():
            self.judged[i] = {i}
            self.forbidden[i] = set(partners)

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while (up := int(parent[root])) != root:
            root = up
        while (up := int(parent[i])) != root:
            parent[i] = root
            i = up
        return root

    def conflict(self, ra: int, rb: int, *, check_keys: bool, check_docs: bool) -> str | None:
        """Why clusters ``ra`` and ``rb`` may not merge, or None."""
        ja, jb = self.judged.get(ra), self.judged.get(rb)
        if ja or jb:
            fa, fb = self.forbidden.get(ra, set()), self.forbidden.get(rb, set())
            if (jb and not fa.isdisjoint(jb)) or (ja and not fb.isdisjoint(ja)):
                return "conflict_not_same"
        if check_keys:
            ka, kb = self._own(self.keys, ra, self.facts.id_key), self._own(self.keys, rb, self.facts.id_key)
            if ka and kb and ka != kb:
                return "conflict_id"
        if check_docs:
            da, db = self._own(self.docs, ra, self.facts.doc_id), self._own(self.docs, rb, self.facts.doc_id)
            if da and db:
                small, large = (da, db) if len(da) <= len(db) else (db, da)
                if not small.isdisjoint(large):
                    return "conflict_document"
        return None

    def _own(self, sets: dict[int, set[Any]], root: int, values: Codes
             ) -> set[Any] | None:
        """The set of root ``root`` (its keys or documents); a single mention's from its facts."""
        found = sets.get(root)
        if found is None and self.size[root] == 1:
            value = values[root]
            return {value} if value else None
        return found

    def union(self, ra: int, rb: int) -> None:
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        for sets, values in ((self.keys, self.facts.id_key), (self.docs, self.facts.doc_id)):
            for root in (ra, rb):
                value = values[root]
                if value and root not in sets and self.size[root] == 1:
                    sets[root] = {value}
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        _merge(self.keys, ra, rb)
        _merge(self.docs, ra, rb)
        _merge(self.judged, ra, rb)
        _merge(self.forbidden, ra, rb)

    def apply(self, a: int, b: int, *, check_keys: bool, check_docs: bool) -> str:
        """Merge the clusters of mentions ``a`` and ``b`` unless a rule forbids it; the status."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return REDUNDANT
        reason = self.conflict(ra, rb, check_keys=check_keys, check_docs=check_docs)
        if reason is not None:
            return reason
        self.union(ra, rb)
        return LINKED

    def roots(self) -> npt.NDArray[np.int64]:
        """The root of every mention."""
        parent = self.parent.copy()
        while True:  # pointer jumping: roots are the fixed points
            up = parent[parent]
            if np.array_equal(up, parent):
                return parent
            parent = up


def _merge(sets: dict[int, set[T]], ra: int, rb: int) -> None:
    """Move root ``rb``'s set into root ``ra``'s, the smaller into the larger."""
    other = sets.pop(rb, None)
    if not other:
        return
    mine = sets.get(ra)
    if mine is None:
        sets[ra] = other
    elif len(mine) >= len(other):
        mine |= other
    else:
        other |= mine
        sets[ra] = other


def _by_strength(links: Links, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The given link rows by falling probability, then ``a``, then ``b`` (stable)."""
    order = np.lexsort((links.b[rows], links.a[rows], -links.probability[rows]))
    return rows[order]


def _apply_all(clusters: Clusters, links: Links, rows: npt.NDArray[np.int64], *,
               check_keys: bool, check_docs: bool) -> None:
    for row, a, b in _chunks(rows, links):
        links.status[row] = CODE[clusters.apply(a, b, check_keys=check_keys,
                                                check_docs=check_docs)]


def _codes_array(values: Codes) -> npt.NDArray[np.integer[Any]] | None:
    return values if isinstance(values, np.ndarray) and values.dtype.kind in "iu" else None


def _link_stars(clusters: Clusters, links: Links) -> bool:
    """Apply exact links at once when the result is known without the union-find: every
    mention is still alone (no judgement merged or split anything), the links are stars (each
    ``b`` once, never an ``a``) and no star holds two different keys. Then every link is
    ``linked``, each ``b`` joins its ``a``, and each star's key and document sets are the
    union of its mentions' (what `Clusters.apply` would leave, link by link). False, with
    nothing changed, when one of these does not hold (the caller applies the links in turn).
    """
    keys, docs = _codes_array(clusters.facts.id_key), _codes_array(clusters.facts.doc_id)
    a, b = links.a, links.b
    if (keys is None or docs is None or clusters.judged or not len(a)
            or not np.all(clusters.size == 1)):
        return False
    if len(np.unique(b)) != len(b) or np.isin(b, a).any():
        return False
    owner = np.concatenate([a, a])
    value = np.concatenate([keys[a], keys[b]])
    known = value != 0
    owner, value = owner[known], value[known]
    order = np.lexsort((value, owner))
    owner, value = owner[order], value[order]
    if np.any((owner[1:] == owner[:-1]) & (value[1:] != value[:-1])):
        return False  # a star with two keys: conflicts are decided link by link
    anchors = np.unique(a)
    clusters.parent[b] = a
    clusters.size[anchors] += np.bincount(a)[anchors]
    members = np.concatenate([anchors, b])
    star = np.concatenate([anchors, a])
    for sets, values in ((clusters.keys, keys), (clusters.docs, docs)):
        mine = values[members]
        known = mine != 0
        for root, code in zip(star[known].tolist(), mine[known].tolist(), strict=True):
            found = sets.get(root)
            if found is None:
                sets[root] = {code}
            else:
                found.add(code)
    links.status[:] = CODE[LINKED]
    return True


def cluster(
    facts: MentionFacts,
    judgements: Links,
    exact: Sequence[Links],
    probabilistic: Links,
    *,
    not_same: Sequence[tuple[int, int]],
    link_threshold: float,
    ambiguity_margin: float,
    masked_allowed: npt.NDArray[np.bool_],
) -> npt.NDArray[np.int64]:
    """Cluster mentions; set each link's status; return the root of each mention.

    ``exact`` is applied group by group, in order. ``probabilistic`` row ``i`` may be linked
    only if ``masked_allowed[i]`` (the masked-name rule, evaluated by the caller for every
    probabilistic link).
    """
    partners: dict[int, set[int]] = {}
    for a, b in not_same:
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    clusters = Clusters(facts, partners)
    # 1. reviewer judgements "same"
    _apply_all(clusters, judgements, np.arange(len(judgements)), check_keys=False,
               check_docs=False)
    for group in exact:  # 2. exact ID numbers, credit codes, organisation names
        if not _link_stars(clusters, group):
            _apply_all(clusters, group, np.arange(len(group)), check_keys=True,
                       check_docs=False)

    links = probabilistic
    masked = np.asarray(facts.masked, dtype=bool)
    below = links.probability < link_threshold
    links.status[below] = CODE["below_threshold"]
    refused = ~below & ~np.asarray(masked_allowed, dtype=bool)
    links.status[refused] = CODE["masked_rule"]
    open_ = ~below & ~refused
    ma, mb = masked[links.a], masked[links.b]
    plain = np.flatnonzero(open_ & ~ma & ~mb)
    between_masked = np.flatnonzero(open_ & ma & mb)
    to_masked = np.flatnonzero(open_ & (ma ^ mb))

    # 3. unmasked pairs, strongest first
    _apply_all(clusters, links, _by_strength(links, plain), check_keys=True, check_docs=True)

    # 4. masked mentions join one entity or none
    ambiguous = _join_masked(clusters, links, to_masked, ma, ambiguity_margin)

    # 5. masked with masked
    for row, a, b in _chunks(_by_strength(links, between_masked), links):
        if a in ambiguous or b in ambiguous:
            links.status[row] = CODE["ambiguous"]
            continue
        links.status[row] = CODE[clusters.apply(a, b, check_keys=True, check_docs=True)]
    return clusters.roots()


def _join_masked(clusters: Clusters, links: Links, rows: npt.NDArray[np.int64],
                 a_masked: npt.NDArray[np.bool_], ambiguity_margin: float) -> set[int]:
    """Stage 4: each masked mention, by mention row, joins the one entity its links point to
    (the best link per entity; none when the two best are within ``ambiguity_margin`` bits).
    Returns the ambiguous mentions."""
    if not len(rows):
        return set()
    mention_of = np.where(a_masked[rows], links.a[rows], links.b[rows])
    order = np.argsort(mention_of, kind="stable")
    rows, mention_of = rows[order], mention_of[order]
    starts = np.flatnonzero(np.r_[True, mention_of[1:] != mention_of[:-1]])
    ends = np.r_[starts[1:], len(rows)]
    status = links.status
    ambiguous: set[int] = set()

    def order_key(row: int) -> tuple[float, int, int]:
        return (-float(links.probability[row]), int(links.a[row]), int(links.b[row]))

    def weight(row: int) -> float:
        w = float(links.weight[row])
        return 0.0 if w != w else w  # NaN: no weight

    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        group = rows[start:end].tolist()
        mention = int(mention_of[start])
        best: dict[int, int] = {}
        for row in group:
            a, b = int(links.a[row]), int(links.b[row])
            root = clusters.find(b if a == mention else a)
            held = best.get(root)
            if held is None or order_key(row) < order_key(held):
                best[root] = row
        own = clusters.find(mention)
        candidates = []
        for root, row in best.items():
            if root == own:
                continue
            reason = clusters.conflict(own, root, check_keys=True, check_docs=True)
            if reason is None:
                candidates.append(row)
            else:
                status[row] = CODE[reason]
        chosen: int | None = None
        if candidates:
            candidates.sort(key=lambda r: (-weight(r), int(links.a[r]), int(links.b[r])))
            top = candidates[0]
            runner_up = candidates[1] if len(candidates) > 1 else None
            if runner_up is None or weight(top) - weight(runner_up) >= ambiguity_margin:
                chosen = top
            else:
                ambiguous.add(mention)
        if chosen is not None:
            status[chosen] = CODE[clusters.apply(int(links.a[chosen]), int(links.b[chosen]),
                                                 check_keys=True, check_docs=True)]
        for row in group:
            if status[row] or row == chosen:
                continue
            a, b = int(links.a[row]), int(links.b[row])
            if clusters.find(b if a == mention else a) == clusters.find(mention):
                status[row] = CODE[REDUNDANT]
            else:
                status[row] = CODE["ambiguous" if mention in ambiguous else "not_best"]
    return ambiguous
