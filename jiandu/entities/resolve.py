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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from jiandu.engines.base import Engine
from jiandu.entities import judgements as jd
from jiandu.entities.clustering import APPLIED, CODE, REDUNDANT, STATUSES, Links, MentionFacts, cluster
from jiandu.entities.ids import first_per_group, name_clusters
from jiandu.entities.mentions import ORGANIZATION, SOURCE_TABLES, build_mentions
from jiandu.entities.model import COMPARISONS, TF_COMPARISONS, Weights, explain
from jiandu.entities.rules import masked_rule
from jiandu.entities.scoring import INPUT_COLUMNS, score_pairs
from jiandu.entities.settings import ResolutionSettings
from jiandu.entities.spill import MentionFile, spilled
from jiandu.memory import release_memory
from jiandu.schema.derived import derived_table

log = logging.getLogger(__name__)

OUTPUTS = ("entity_mentions", "entities", "entity_links", "party_entities")
_WRITE_ROWS = 50_000  # output rows built and appended at a time (200,000: +190 MiB at 100k)


@dataclass(slots=True)
class ResolveReport:
    mentions: int = 0
    entities: int = 0
    links: Counter[str] = field(default_factory=Counter)  # method:status → count
    seconds: dict[str, float] = field(default_factory=dict)
    weights: Weights | None = None  # the fitted model (source, m, u, prior)


def _previous_ids(engine: Engine) -> pa.Table:
    """The previous run's (mention_id, entity_id), as Arrow (no Python dictionary)."""
    if not engine.table_exists("entity_mentions"):
        return pa.table({"mention_id": pa.array([], pa.string()),
                         "entity_id": pa.array([], pa.string())})
    return engine.query(
        "SELECT mention_id, entity_id FROM entity_mentions WHERE entity_id IS NOT NULL"
    )


def _positions(ids: pa.Array, wanted: set[str]) -> dict[str, int]:
    """The row of each wanted mention id that exists (no dictionary over every mention)."""
    if not wanted:
        return {}
    names = sorted(wanted)
    rows = pc.index_in(pa.array(names, pa.string()), value_set=ids)
    return {m: r for m, r in zip(names, rows.to_pylist(), strict=True) if r is not None}


def _star(values: pa.Array) -> Links:
    """Star links over rows sharing a non-null value: each row to the group's first row."""
    rows = pa.table({"v": values, "row": pa.array(np.arange(len(values), dtype=np.int64))})
    rows = rows.filter(pc.is_valid(rows.column("v"))).sort_by([("v", "ascending"),
                                                                ("row", "ascending")])
    if rows.num_rows < 2:
        return Links.of([], [], 1.0)
    v = rows.column("v").combine_chunks()
    start = pa.concat_arrays([pa.array([True]), pc.not_equal(v.slice(1), v.slice(0, len(v) - 1))])
    row = rows.column("row").combine_chunks()
    anchor = pc.fill_null_forward(pc.if_else(start, row, pa.scalar(None, pa.int64())))
    member = pc.invert(start)
    return Links.of(pc.filter(anchor, member).to_numpy(), pc.filter(row, member).to_numpy(), 1.0)


def _exact_links(mentions: pa.Table) -> list[tuple[str, Links]]:
    """Star links: each mention to the first mention (by id) with its key or organisation name."""
    is_org = pc.equal(mentions.column("kind"), ORGANIZATION)
    org_names = pc.if_else(is_org, mentions.column("normalized_name"), pa.scalar(None, pa.string()))
    return [
        ("exact_id", _star(mentions.column("id_key").combine_chunks())),
        ("exact_org", _star(org_names.combine_chunks() if isinstance(org_names, pa.ChunkedArray)
                            else org_names)),
    ]


def _codes(column: pa.ChunkedArray) -> npt.NDArray[np.int32]:
    """Integer codes of a string column for clustering: equal values, equal codes; 0 for null
    or empty (what clustering treats as "none")."""
    encoded = column.combine_chunks().dictionary_encode()
    codes = pc.fill_null(pc.add(encoded.indices.cast(pa.int32()), 1), 0).to_numpy().copy()
    empty = pc.index(encoded.dictionary, "").as_py()
    if empty >= 0:
        codes[codes == empty + 1] = 0
    return codes


def _create(engine: Engine, name: str) -> None:
    engine.drop_table(name, missing_ok=True)
    engine.create_table(derived_table(name))


def _write_parts(engine: Engine, name: str, parts: Iterable[pa.Table]) -> None:
    """Replace a table by ``parts``, each made to the table's types on its own when it is
    reached (the whole table is never converted at once), appended with `Engine.append_all`."""
    _create(engine, name)
    schema = derived_table(name)
    engine.append_all(name, (schema.conform(part) for part in parts))


def _write(engine: Engine, name: str, rows: pa.Table) -> None:
    """Replace a table by ``rows``, a slice at a time (`_write_parts`)."""
    _write_parts(engine, name, (rows.slice(start, _WRITE_ROWS)
                                for start in range(0, rows.num_rows, _WRITE_ROWS)))


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

    with spilled(lambda: build_mentions(engine)) as mentions:
        _resolve(engine, mentions, settings, report, lap)
    return report


def _resolve(engine: Engine, mentions: MentionFile, settings: ResolutionSettings,
             report: ResolveReport, lap: Callable[[str], None]) -> None:
    """`resolve` with the mention table in a file: each step reads the columns it needs."""
    report.mentions = mentions.num_rows
    previous = _previous_ids(engine)
    release_memory()
    lap("mentions")

    # judgements: the latest per pair, for mentions that exist
    same: list[tuple[int, int]] = []
    not_same: list[tuple[int, int]] = []
    judged = jd.effective_judgements(jd.all_judgements(engine))
    judgement_rows: dict[tuple[int, int], jd.Judgement] = {}
    index = _positions(mentions.column("mention_id"), {m for pair in judged for m in pair})
    for (a, b), j in sorted(judged.items()):
        if a not in index or b not in index:
            continue
        ia, ib = index[a], index[b]
        judgement_rows[(ia, ib)] = j
        (same if j.judgement == jd.SAME else not_same).append((ia, ib))
    judgement_links = Links.of([a for a, _ in same], [b for _, b in same], 1.0)

    exact = _exact_links(mentions.read(["kind", "normalized_name", "id_key"]))
    lap("exact")

    scored = score_pairs(engine, mentions.read(INPUT_COLUMNS), settings)
    weights = report.weights = scored.weights
    # the pairs keep only what explains them; their ids are mention rows
    pairs = scored.pairs
    left, right = pairs.column("unique_id_l").to_numpy(), pairs.column("unique_id_r").to_numpy()
    probabilistic = Links.of(left, right, pairs.column("match_probability").to_numpy(),
                             pairs.column("match_weight").to_numpy())
    pairs = pairs.select([f"gamma_{c.name}" for c in COMPARISONS]
                         + [f"mw_tf_adj_{name}" for name in TF_COMPARISONS])
    del scored
    release_memory()
    lap("score")

    allowed = masked_rule(mentions.read(["masked", "birth_date", "sex", "district", "surname",
                                         "normalized_name"]), pa.array(left), pa.array(right))
    del left, right
    facts_columns = mentions.read(["doc_id", "id_key", "masked"])
    facts = MentionFacts(
        doc_id=_codes(facts_columns.column("doc_id")),
        id_key=_codes(facts_columns.column("id_key")),
        masked=pc.fill_null(facts_columns.column("masked"), False).to_numpy(),
    )
    del facts_columns
    roots = cluster(
        facts, judgement_links, [links for _, links in exact], probabilistic,
        not_same=not_same, link_threshold=settings.link_threshold,
        ambiguity_margin=settings.ambiguity_margin, masked_allowed=allowed,
    )
    del facts, allowed
    release_memory()
    lap("cluster")

    members = mentions.read(
        ["mention_id", "kind", "id_key", "normalized_name", "masked", "doc_id", "source"]
    ).append_column("root", pa.array(roots, pa.int64()))
    named = name_clusters(members, previous)
    del previous
    distinct = np.unique(roots)
    entity_ids = pa.array([named[r].entity_id for r in distinct.tolist()], pa.string())
    entity_of = entity_ids.take(pa.array(np.searchsorted(distinct, roots)))
    del roots, distinct, entity_ids
    report.entities = len(named)

    _write(engine, "entities", _entities(members, named))
    del members, named
    release_memory()

    def mention_rows() -> Iterator[pa.Table]:
        start = 0
        for part in mentions.slices(_WRITE_ROWS):
            yield part.append_column("entity_id", entity_of.slice(start, part.num_rows))
            start += part.num_rows

    _write_parts(engine, "entity_mentions", mention_rows())
    party_rows = mentions.read(["source", "doc_id", "party_idx"])
    parties = pc.equal(party_rows.column("source"), "parties")
    party_rows = party_rows.filter(parties).select(["doc_id", "party_idx"])
    party_rows = party_rows.append_column("entity_id", entity_of.filter(parties))
    _write(engine, "party_entities", party_rows)
    del party_rows, parties
    ids = mentions.column("mention_id")
    _write_parts(engine, "entity_links", _link_chunks(
        ids, entity_of, judgement_links, not_same, judgement_rows, exact, probabilistic, pairs,
        weights, report.links))
    lap("write")


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


def _status_text(codes: npt.NDArray[np.int8]) -> pa.Array:
    return pa.array(STATUSES, pa.string()).take(pa.array(codes))


def _link_rows(ids: pa.Array, entity_of: pa.Array, a: npt.NDArray[np.int64],
               b: npt.NDArray[np.int64], method: str, status: pa.Array,
               probability: Any, weight: Any, explanation: Any, detail: Any) -> pa.Table:
    """Rows of ``entity_links`` for links between mention rows ``a`` and ``b``: the smaller
    mention id first, the entity of that mention."""
    id_a, id_b = ids.take(pa.array(a)), ids.take(pa.array(b))
    swap = pc.greater(id_a, id_b)
    first = np.where(swap.to_numpy(zero_copy_only=False), b, a)
    n = len(a)

    def column(value: Any, type_: pa.DataType) -> pa.Array:
        if isinstance(value, (pa.Array, pa.ChunkedArray)):
            return value.cast(type_)
        return pa.array(value, type_) if isinstance(value, (list, np.ndarray)) else pa.array(
            [value] * n, type_)

    return pa.table({
        "mention_a": pc.if_else(swap, id_b, id_a),
        "mention_b": pc.if_else(swap, id_a, id_b),
        "method": pa.array([method] * n, pa.string()),
        "status": status,
        "applied": pc.is_in(status, pa.array(APPLIED, pa.string())),
        "probability": column(probability, pa.float64()),
        "match_weight": column(weight, pa.float64()),
        "explanation": column(explanation, pa.string()),
        "detail": column(detail, pa.string()),
        "entity_id": entity_of.take(pa.array(first)),
    })


def _count(counts: Counter[str], method: str, status: npt.NDArray[np.int8]) -> None:
    for code in dict.fromkeys(status.tolist()):  # in order of first occurrence
        counts[f"{method}:{STATUSES[code]}"] += int(np.count_nonzero(status == code))


def _link_chunks(
    ids: pa.Array,
    entity_of: pa.Array,
    judgement_links: Links,
    not_same: list[tuple[int, int]],
    judgement_rows: dict[tuple[int, int], jd.Judgement],
    exact: list[tuple[str, Links]],
    probabilistic: Links,
    pairs: pa.Table,
    weights: Weights,
    counts: Counter[str],
) -> Iterator[pa.Table]:
    """The links to keep, a chunk of rows at a time: judgements, and machine links that merged
    clusters or were refused; ``counts`` gets every link's method and status.

    Machine links that were redundant (both mentions already in one entity) are only counted:
    the kept links form a spanning tree of each entity, which is what explains it.
    """
    def judged(a: int, b: int) -> str:
        j = judgement_rows[(a, b)]
        text = "审查人员判定为同一主体" if j.judgement == jd.SAME else "审查人员判定为不同主体"
        return f"{text}（{j.user}，{j.at:%Y-%m-%d %H:%M}{'：' + j.reason if j.reason else ''}）"

    _count(counts, "judgement", judgement_links.status)
    if len(judgement_links):
        yield _link_rows(ids, entity_of, judgement_links.a, judgement_links.b, "judgement",
                         _status_text(judgement_links.status), 1.0, None,
                         [judged(a, b) for a, b in zip(judgement_links.a.tolist(),
                                                       judgement_links.b.tolist(), strict=True)],
                         None)
    if not_same:
        a = np.array([p[0] for p in not_same], np.int64)
        b = np.array([p[1] for p in not_same], np.int64)
        together = pc.equal(entity_of.take(pa.array(a)), entity_of.take(pa.array(b)))
        status = pc.if_else(together, "linked", "not_same")
        for text in status.to_pylist():
            counts[f"judgement:{text}"] += 1
        yield _link_rows(ids, entity_of, a, b, "judgement", status, 0.0, None,
                         [judged(x, y) for x, y in not_same], None)
    for method, links in exact:
        _count(counts, method, links.status)
        kept = np.flatnonzero(links.status != CODE[REDUNDANT])
        text = "统一社会信用代码或身份证号码相同" if method == "exact_id" else "单位名称相同"
        for start in range(0, len(kept), _WRITE_ROWS):
            rows = kept[start:start + _WRITE_ROWS]
            yield _link_rows(ids, entity_of, links.a[rows], links.b[rows], method,
                             _status_text(links.status[rows]), 1.0, None, text, None)
    _count(counts, "probabilistic", probabilistic.status)
    kept = np.flatnonzero(probabilistic.status != CODE[REDUNDANT])
    # few distinct (levels, adjustments) among the pairs: each is explained once
    explained: dict[tuple[Any, ...], tuple[str, str]] = {}
    columns = [f"gamma_{c.name}" for c in COMPARISONS] + [f"mw_tf_adj_{n}" for n in TF_COMPARISONS]
    for start in range(0, len(kept), _WRITE_ROWS):
        rows = kept[start:start + _WRITE_ROWS]
        part = pairs.take(pa.array(rows))
        values = np.column_stack([part.column(c).to_numpy() for c in columns]).astype(np.float64)
        distinct, which = np.unique(values, axis=0, return_inverse=True)
        texts, details = [], []
        for row in distinct.tolist():
            gammas = tuple(int(g) for g in row[:len(COMPARISONS)])
            adjust = dict(zip(TF_COMPARISONS, row[len(COMPARISONS):], strict=True))
            key = (gammas, *adjust.values())
            found = explained.get(key)
            if found is None:
                found = explained[key] = explain(weights, gammas, adjust)
            texts.append(found[0])
            details.append(found[1])
        which = which.reshape(-1)
        probability = probabilistic.probability[rows]
        weight = probabilistic.weight[rows]
        explanation = [f"{texts[k]}；匹配权重{w:.1f}，概率{p:.3f}" for k, w, p in zip(
            which.tolist(), weight.tolist(), probability.tolist(), strict=True)]
        yield _link_rows(ids, entity_of, probabilistic.a[rows], probabilistic.b[rows],
                         "probabilistic", _status_text(probabilistic.status[rows]), probability, weight,
                         explanation, pa.array(details, pa.string()).take(pa.array(which)))


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
