"""Clustering gives the same entities and link statuses whichever way stage 2 applies its
exact links: all at once (`_link_stars`, when nothing is merged yet) or link by link."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiandu.entities import clustering
from jiandu.entities.clustering import CODE, LINKED, Links, MentionFacts, cluster
from jiandu.entities.resolve import _star


@dataclass(frozen=True)
class Problem:
    id_key: list[int]  # codes, 0: none
    doc_id: list[int]
    masked: list[bool]
    name: list[int]  # organisation-name codes, 0: none
    probable: list[tuple[int, int, float]]
    same: list[tuple[int, int]]
    not_same: list[tuple[int, int]]


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    n = draw(st.integers(2, 40))
    codes = st.lists(st.integers(0, 4), min_size=n, max_size=n)
    pair = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1])
    return Problem(
        id_key=draw(codes), doc_id=draw(codes),
        masked=draw(st.lists(st.booleans(), min_size=n, max_size=n)),
        name=draw(st.lists(st.integers(0, 6), min_size=n, max_size=n)),
        probable=draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1),
                                         st.floats(0.5, 1.0)).filter(lambda p: p[0] != p[1]),
                               max_size=3 * n)),
        same=draw(st.lists(pair, max_size=2)),
        not_same=draw(st.lists(pair, max_size=2)),
    )


def _run(problem: Problem, *, stars: bool, monkeypatch: pytest.MonkeyPatch
         ) -> tuple[list[int], list[list[int]]]:
    id_key = np.array(problem.id_key, np.int32)
    facts = MentionFacts(doc_id=np.array(problem.doc_id, np.int32), id_key=id_key,
                         masked=np.array(problem.masked, bool))
    exact = [_star(pa.array([v or None for v in problem.id_key], pa.int64())),
             _star(pa.array([v or None for v in problem.name], pa.int64()))]
    probable = problem.probable
    probabilistic = Links.of([a for a, _, _ in probable], [b for _, b, _ in probable],
                             [p for _, _, p in probable], [10 * p for _, _, p in probable])
    judgements = Links.of([a for a, _ in problem.same], [b for _, b in problem.same], 1.0)
    with monkeypatch.context() as patch:
        if not stars:
            patch.setattr(clustering, "_link_stars", lambda clusters, links: False)
        roots = cluster(facts, judgements, exact, probabilistic, not_same=problem.not_same,
                        link_threshold=0.9, ambiguity_margin=3.0,
                        masked_allowed=np.ones(len(probabilistic), bool))
    statuses = [links.status.tolist() for links in (judgements, *exact, probabilistic)]
    return roots.tolist(), statuses


@settings(max_examples=300, deadline=None)
@given(problems())
def test_stars_at_once_cluster_as_link_by_link(problem: Problem) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert _run(problem, stars=True, monkeypatch=monkeypatch) == _run(
            problem, stars=False, monkeypatch=monkeypatch)


def test_id_number_stars_are_linked_at_once_when_nothing_is_merged_yet() -> None:
    facts = MentionFacts(doc_id=np.array([1, 2, 3, 4], np.int32),
                         id_key=np.array([7, 7, 0, 7], np.int32),
                         masked=np.zeros(4, bool))
    links = Links.of([0, 0], [1, 3], 1.0)
    clusters = clustering.Clusters(facts)
    assert clustering._link_stars(clusters, links)
    assert links.statuses() == [LINKED, LINKED]
    assert clusters.roots().tolist() == [0, 0, 2, 0]
    assert clusters.keys == {0: {7}} and clusters.docs == {0: {1, 2, 4}}
    # two keys in one star (an organisation name shared by two credit codes): link by link
    two = MentionFacts(doc_id=np.array([1, 2], np.int32), id_key=np.array([7, 8], np.int32),
                       masked=np.zeros(2, bool))
    links = Links.of([0], [1], 1.0)
    assert not clustering._link_stars(clustering.Clusters(two), links)
    assert links.status.tolist() == [0]
    assert CODE[LINKED] != 0
