"""The entity-resolution operator: mentions → links → entities, on either engine.

`resolve(engine)` reads the canonical tables (parties, and the registers that are loaded) and
reviewer judgements, and rebuilds ``entity_mentions``, ``entities``, ``entity_links`` and
``party_entities``. `EntityResolution` wraps it as an operator that `jiandu run` calls before
``party_keys`` (see ``jiandu/models/operators.py``).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from jiandu.engines.base import Engine
from jiandu.entities import judgements as jd
from jiandu.entities.clustering import APPLIED, REDUNDANT, Link, MentionFacts, cluster
from jiandu.entities.ids import first_per_group, name_clusters
from jiandu.entities.mentions import ORGANIZATION, SOURCE_TABLES, build_mentions
from jiandu.entities.model import COMPARISONS, TF_COMPARISONS, Weights, explain
from jiandu.entities.rules import masked_rule
from jiandu.entities.scoring import score_pairs
from jiandu.entities.settings import ResolutionSettings
from jiandu.schema.derived import derived_table

log = logging.getLogger(__name__)

OUTPUTS = ("entity_mentions", "entities", "entity_links", "party_entities")


@dataclass(slots=True)
class ResolveReport:
    mentions: int = 0
    entities: int = 0
    links: Counter[str] = field(default_factory=Counter)  # method:status → count
    seconds: dict[str, float] = field(default_factory=dict)
    weights: Weights | None = None  # the fitted model (source, m, u, prior)


def _previous_ids(engine: Engine) -> dict[str, str]:
    if not engine.table_exists("entity_mentions"):
        return {}
    table = engine.query(
        "SELECT mention_id, entity_id FROM entity_mentions WHERE entity_id IS NOT NULL"
    )
    return dict(zip(table.column("mention_id").to_pylist(), table.column("entity_id").to_pylist(),
                    strict=True))


def _positions(mentions: pa.Table, wanted: set[str]) -> dict[str, int]:
    """The row of each wanted mention id that exists (no dictionary over every mention)."""
    if not wanted:
        return {}
    names = sorted(wanted)
    rows = pc.index_in(pa.array(names, pa.string()), value_set=mentions.column("mention_id"))
    return {m: r for m, r in zip(names, rows.to_pylist(), strict=True) if r is not None}


def _star(values: pa.Array, method: str) -> list[Link]:
    """Star links over rows sharing a non-null value: each row to the group's first row."""
    rows = pa.table({"v": values, "row": pa.array(range(len(values)), pa.int64())})
    rows = rows.filter(pc.is_valid(rows.column("v"))).sort_by([("v", "ascending"),
                                                                ("row", "ascending")])
    if rows.num_rows < 2:
        return []
    v = rows.column("v").combine_chunks()
    start = pa.concat_arrays([pa.array([True]), pc.not_equal(v.slice(1), v.slice(0, len(v) - 1))])
    row = rows.column("row").combine_chunks()
    anchor = pc.fill_null_forward(pc.if_else(start, row, pa.scalar(None, pa.int64())))
    member = pc.invert(start)
    return [Link(a, b, method, 1.0) for a, b in zip(pc.filter(anchor, member).to_pylist(),
                                                   pc.filter(row, member).to_pylist(), strict=True)]


def _exact_links(mentions: pa.Table) -> list[Link]:
    """Star links: each mention to the first mention (by id) with its key or organisation name."""
    is_org = pc.equal(mentions.column("kind"), ORGANIZATION)
    org_names = pc.if_else(is_org, mentions.column("normalized_name"), pa.scalar(None, pa.string()))
    return _star(mentions.column("id_key").combine_chunks(), "exact_id") + _star(
        org_names.combine_chunks() if isinstance(org_names, pa.ChunkedArray) else org_names,
        "exact_org",
    )


def _write(engine: Engine, name: str, rows: pa.Table) -> None:
    schema = derived_table(name)
    engine.drop_table(name, missing_ok=True)
    engine.create_table(schema)
    engine.append(name, schema.conform(rows))


def resolve(engine: Engine, settings: ResolutionSettings | None = None) -> ResolveReport:
    """Resolve every mention in the store into entities; rebuild the output tables."""
    settings = settings or ResolutionSettings()
    report = ResolveReport()
    clock = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        report.seconds[step] = round(now - clock, 3)
        clock = now

    mentions = build_mentions(engine)
    n = mentions.num_rows
    report.mentions = n
    ids: list[str] = mentions.column("mention_id").to_pylist()
    previous = _previous_ids(engine)
    lap("mentions")

    # judgements: the latest per pair, for mentions that exist
    judgement_links: list[Link] = []
    not_same: list[tuple[int, int]] = []
    judged = jd.effective_judgements(jd.all_judgements(engine))
    judgement_rows: dict[tuple[int, int], jd.Judgement] = {}
    index = _positions(mentions, {m for pair in judged for m in pair})
    for (a, b), j in sorted(judged.items()):
        if a not in index or b not in index:
            continue
        ia, ib = index[a], index[b]
        judgement_rows[(ia, ib)] = j
        if j.judgement == jd.SAME:
            judgement_links.append(Link(ia, ib, "judgement", 1.0))
        else:
            not_same.append((ia, ib))

    exact = _exact_links(mentions)
    lap("exact")

    scored = score_pairs(engine, mentions, settings)
    pairs = scored.pairs
    report.weights = scored.weights
    lap("score")

    id_array = mentions.column("mention_id")
    left = pc.index_in(pairs.column("unique_id_l"), value_set=id_array)
    right = pc.index_in(pairs.column("unique_id_r"), value_set=id_array)
    probabilistic = [
        Link(a, b, "probabilistic", p, w)
        for a, b, p, w in zip(left.to_pylist(), right.to_pylist(),
                              pairs.column("match_probability").to_pylist(),
                              pairs.column("match_weight").to_pylist(), strict=True)
    ]
    allowed = masked_rule(mentions, left, right)

    facts = MentionFacts(
        doc_id=mentions.column("doc_id").to_pylist(),
        id_key=mentions.column("id_key").to_pylist(),
        masked=mentions.column("masked").to_pylist(),
    )
    roots = cluster(
        facts, judgement_links, exact, probabilistic, not_same=not_same,
        link_threshold=settings.link_threshold, ambiguity_margin=settings.ambiguity_margin,
        masked_allowed=allowed,
    )
    lap("cluster")

    members = mentions.select(
        ["mention_id", "kind", "id_key", "normalized_name", "masked", "doc_id", "source"]
    ).append_column("root", pa.array(roots, pa.int64()))
    named = name_clusters(members, previous)
    entity_of = [named[root].entity_id for root in roots]
    report.entities = len(named)

    _write(engine, "entity_mentions", mentions.append_column("entity_id", pa.array(entity_of)))
    _write(engine, "entities", _entities(members, named))
    parties = pc.equal(mentions.column("source"), "parties")
    party_rows = mentions.filter(parties).select(["doc_id", "party_idx"])
    party_rows = party_rows.append_column(
        "entity_id", pa.array(entity_of, pa.string()).filter(parties)
    )
    _write(engine, "party_entities", party_rows)
    links, report.links = _links_table(
        ids, entity_of, judgement_links, not_same, judgement_rows, exact, probabilistic, pairs,
        scored.weights,
    )
    _write(engine, "entity_links", links)
    lap("write")
    return report


def _entities(members: pa.Table, named: dict[int, Any]) -> pa.Table:
    """One row per cluster: its id, kind, display name, key and counts."""
    stats = members.group_by("root", use_threads=False).aggregate([
        ("mention_id", "count"), ("doc_id", "count_distinct"),
        ("masked", "sum"), ("source", "distinct"),
    ])
    # display name: the most frequent unmasked name, else the most frequent name
    names = members.group_by(["root", "normalized_name", "masked"], use_threads=False).aggregate(
        [("mention_id", "count")])
    names = first_per_group(names, "root", [("masked", "ascending"),
                                            ("mention_id_count", "descending"),
                                            ("normalized_name", "ascending")])
    name_of = dict(zip(names.column("root").to_pylist(),
                       names.column("normalized_name").to_pylist(), strict=True))
    kinds = members.group_by(["root", "kind"], use_threads=False).aggregate(
        [("mention_id", "count")])
    kinds = first_per_group(kinds, "root", [("mention_id_count", "descending"),
                                            ("kind", "ascending")])
    kind_of = dict(zip(kinds.column("root").to_pylist(), kinds.column("kind").to_pylist(),
                       strict=True))
    roots = stats.column("root").to_pylist()
    entity = [named[r] for r in roots]
    table = pa.table({
        "entity_id": [e.entity_id for e in entity],
        "kind": [kind_of[r] for r in roots],
        "name": [name_of[r] for r in roots],
        "id_key": [e.id_key for e in entity],
        "id_source": [e.id_source for e in entity],
        "mentions": stats.column("mention_id_count"),
        "documents": stats.column("doc_id_count_distinct"),
        "masked_mentions": pc.fill_null(stats.column("masked_sum"), 0),
        "sources": [",".join(sorted(v)) for v in stats.column("source_distinct").to_pylist()],
    })
    return derived_table("entities").conform(table.sort_by("entity_id"))


def _links_table(
    ids: Sequence[str],
    entity_of: Sequence[str],
    judgement_links: Sequence[Link],
    not_same: Sequence[tuple[int, int]],
    judgement_rows: dict[tuple[int, int], jd.Judgement],
    exact: Sequence[Link],
    probabilistic: Sequence[Link],
    pairs: pa.Table,
    weights: Weights,
) -> tuple[pa.Table, Counter[str]]:
    """The links to keep: judgements, and machine links that merged clusters or were refused.

    Machine links that were redundant (both mentions already in one entity) are only counted:
    the kept links form a spanning tree of each entity, which is what explains it.
    """
    out: dict[str, list[Any]] = {c: [] for c in derived_table("entity_links").column_names}
    counts: Counter[str] = Counter()

    def add(a: int, b: int, method: str, status: str, probability: float,
            weight: float | None, explanation: str, detail: str | None) -> None:
        first, second = (a, b) if ids[a] <= ids[b] else (b, a)
        out["mention_a"].append(ids[first])
        out["mention_b"].append(ids[second])
        out["method"].append(method)
        out["status"].append(status)
        out["applied"].append(status in APPLIED)
        out["probability"].append(probability)
        out["match_weight"].append(weight)
        out["explanation"].append(explanation)
        out["detail"].append(detail)
        out["entity_id"].append(entity_of[first])

    def judged(a: int, b: int) -> str:
        j = judgement_rows[(a, b)]
        text = "审查人员判定为同一主体" if j.judgement == jd.SAME else "审查人员判定为不同主体"
        return f"{text}（{j.user}，{j.at:%Y-%m-%d %H:%M}{'：' + j.reason if j.reason else ''}）"

    for link in judgement_links:
        counts[f"judgement:{link.status}"] += 1
        add(link.a, link.b, "judgement", link.status, 1.0, None, judged(link.a, link.b), None)
    for a, b in not_same:
        status = "linked" if entity_of[a] == entity_of[b] else "not_same"
        counts[f"judgement:{status}"] += 1
        add(a, b, "judgement", status, 0.0, None, judged(a, b), None)
    for link in exact:
        counts[f"{link.method}:{link.status}"] += 1
        if link.status == REDUNDANT:
            continue
        text = "统一社会信用代码或身份证号码相同" if link.method == "exact_id" else "单位名称相同"
        add(link.a, link.b, link.method, link.status, 1.0, None, text, None)
    levels = [pairs.column(f"gamma_{c.name}").to_pylist() for c in COMPARISONS]
    tf = {name: pairs.column(f"mw_tf_adj_{name}").to_pylist() for name in TF_COMPARISONS}
    # few distinct (levels, adjustments) among the pairs: each is explained once
    explained: dict[tuple[Any, ...], tuple[str, str]] = {}
    for row, link in enumerate(probabilistic):
        counts[f"probabilistic:{link.status}"] += 1
        if link.status == REDUNDANT:
            continue
        gammas = tuple(column[row] for column in levels)
        adjust = {name: tf[name][row] for name in tf}
        key = (gammas, *adjust.values())
        found = explained.get(key)
        if found is None:
            found = explained[key] = explain(weights, gammas, adjust)
        text, detail = found
        add(link.a, link.b, "probabilistic", link.status, link.probability, link.weight,
            f"{text}；匹配权重{link.weight:.1f}，概率{link.probability:.3f}", detail)
    return pa.table(out), counts


@dataclass(frozen=True)
class EntityResolution:
    """Operator: resolve party mentions and register rows into entities."""

    name: str = "entity_resolution"
    version: str = "2"
    inputs: tuple[str, ...] = ("parties",)
    optional_inputs: tuple[str, ...] = (
        *[t for t in SOURCE_TABLES if t != "parties"], "cases", jd.TABLE,
    )
    outputs: tuple[str, ...] = OUTPUTS
    settings: ResolutionSettings = field(default_factory=ResolutionSettings)

    def run(self, engine: Engine) -> int:
        report = resolve(engine, self.settings)
        log.info("entity resolution: %s mentions → %s entities in %s (model: %s)",
                 report.mentions, report.entities, report.seconds,
                 report.weights.source if report.weights else "none")
        return report.entities
