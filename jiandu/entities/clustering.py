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

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")

LINKED = "linked"
REDUNDANT = "redundant"
APPLIED = (LINKED, REDUNDANT)


@dataclass(slots=True)
class Link:
    """A candidate link between mentions ``a`` and ``b`` (indices into the mention list)."""

    a: int
    b: int
    method: str  # judgement | exact_id | exact_org | probabilistic
    probability: float
    weight: float | None = None
    status: str = ""
    stage: int = 0


@dataclass(slots=True)
class MentionFacts:
    """What clustering needs of each mention (parallel lists, one entry per mention)."""

    doc_id: Sequence[str | None]
    id_key: Sequence[str | None]
    masked: Sequence[bool]


@dataclass(slots=True)
class Clusters:
    """Union-find over mentions with the sets that the merge checks need, per root."""

    facts: MentionFacts
    not_same: dict[int, set[int]] = field(default_factory=dict)
    parent: list[int] = field(default_factory=list)
    size: list[int] = field(default_factory=list)
    keys: dict[int, set[str]] = field(default_factory=dict)
    docs: dict[int, set[str]] = field(default_factory=dict)
    judged: dict[int, set[int]] = field(default_factory=dict)  # members with a not_same
    forbidden: dict[int, set[int]] = field(default_factory=dict)  # mentions kept out

    def __post_init__(self) -> None:
        # a single mention's key and document sets are made when first needed (`_own`): a
        # million one-element sets cost more memory than the mentions themselves
        n = len(self.facts.doc_id)
        self.parent = list(range(n))
        self.size = [1] * n
        for i, partners in self.not_same.items():
            self.judged[i] = {i}
            self.forbidden[i] = set(partners)

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
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

    def _own(self, sets: dict[int, set[str]], root: int, values: Sequence[str | None]) -> set[str] | None:
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

    def apply(self, link: Link, *, check_keys: bool, check_docs: bool) -> str:
        ra, rb = self.find(link.a), self.find(link.b)
        if ra == rb:
            link.status = REDUNDANT
            return link.status
        reason = self.conflict(ra, rb, check_keys=check_keys, check_docs=check_docs)
        if reason is not None:
            link.status = reason
            return reason
        self.union(ra, rb)
        link.status = LINKED
        return LINKED

    def roots(self) -> list[int]:
        return [self.find(i) for i in range(len(self.parent))]


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


def _order(link: Link) -> tuple[float, int, int]:
    return (-link.probability, link.a, link.b)


def cluster(
    facts: MentionFacts,
    judgements: Sequence[Link],
    exact: Sequence[Link],
    probabilistic: Sequence[Link],
    *,
    not_same: Sequence[tuple[int, int]],
    link_threshold: float,
    ambiguity_margin: float,
    masked_allowed: Sequence[bool],
) -> list[int]:
    """Cluster mentions; set each link's status; return the root of each mention.

    ``probabilistic[i]`` may be linked only if ``masked_allowed[i]`` (the masked-name rule,
    evaluated by the caller for every probabilistic link).
    """
    partners: dict[int, set[int]] = {}
    for a, b in not_same:
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    clusters = Clusters(facts, partners)
    for link in judgements:  # 1. reviewer judgements "same"
        link.stage = 1
        clusters.apply(link, check_keys=False, check_docs=False)
    for link in exact:  # 2. exact ID numbers, credit codes, organisation names
        link.stage = 2
        clusters.apply(link, check_keys=True, check_docs=False)

    masked = facts.masked
    plain: list[Link] = []
    to_masked: dict[int, list[Link]] = {}
    between_masked: list[Link] = []
    for link, allowed in zip(probabilistic, masked_allowed, strict=True):
        if link.probability < link_threshold:
            link.status = "below_threshold"
            continue
        if not allowed:
            link.status = "masked_rule"
            continue
        ma, mb = masked[link.a], masked[link.b]
        if not ma and not mb:
            plain.append(link)
        elif ma and mb:
            between_masked.append(link)
        else:
            to_masked.setdefault(link.a if ma else link.b, []).append(link)

    for link in sorted(plain, key=_order):  # 3. unmasked pairs, strongest first
        link.stage = 3
        clusters.apply(link, check_keys=True, check_docs=True)

    ambiguous: set[int] = set()
    for mention in sorted(to_masked):  # 4. masked mentions join one entity or none
        links = to_masked[mention]
        best: dict[int, Link] = {}
        for link in links:
            link.stage = 4
            other = link.b if link.a == mention else link.a
            root = clusters.find(other)
            held = best.get(root)
            if held is None or _order(link) < _order(held):
                best[root] = link
        own = clusters.find(mention)
        candidates = []
        for root, link in best.items():
            if root == own:
                continue
            reason = clusters.conflict(own, root, check_keys=True, check_docs=True)
            if reason is None:
                candidates.append(link)
            else:
                link.status = reason
        chosen: Link | None = None
        if candidates:
            candidates.sort(key=lambda lk: (-(lk.weight or 0.0), lk.a, lk.b))
            top = candidates[0]
            runner_up = candidates[1] if len(candidates) > 1 else None
            if runner_up is None or (top.weight or 0.0) - (runner_up.weight or 0.0) >= ambiguity_margin:
                chosen = top
            else:
                ambiguous.add(mention)
        if chosen is not None:
            clusters.apply(chosen, check_keys=True, check_docs=True)
        for link in links:
            if link.status:
                continue
            if link is chosen:
                continue
            other = link.b if link.a == mention else link.a
            if clusters.find(other) == clusters.find(mention):
                link.status = REDUNDANT
            else:
                link.status = "ambiguous" if mention in ambiguous else "not_best"

    for link in sorted(between_masked, key=_order):  # 5. masked with masked
        link.stage = 5
        if link.a in ambiguous or link.b in ambiguous:
            link.status = "ambiguous"
            continue
        clusters.apply(link, check_keys=True, check_docs=True)
    return clusters.roots()
