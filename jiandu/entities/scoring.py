"""Score pairs of person mentions with Splink, on the engine that holds the store.

* The model is fitted first (``training.py``: on the store's own records when there are
  enough, else the packaged reference model), always on a private DuckDB connection, so both
  engines score with the same weights.
* DuckDB: Splink's `DuckDBAPI` on a private in-memory DuckDB connection that reads the
  mentions as an Arrow table (zero copy). Splink creates many working tables; keeping them off
  the workspace database means a failed run leaves nothing behind in it.
* Spark: Splink's `SparkAPI` on the engine's own SparkSession, reading the mentions as a
  temporary view. Splink 5.0.0 runs on PySpark 4.3 here with two settings:
  ``break_lineage_method="persist"`` (its default, ``parquet``, needs a checkpoint folder) and
  ``register_udfs_automatically=False`` (its Scala UDF jar is for Spark 3; the comparisons
  here use plain SQL only).
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from jiandu.engines.base import Engine, temp_name
from jiandu.entities.model import COMPARISONS, SPLINK_COLUMNS, TF_COMPARISONS, Weights
from jiandu.entities.settings import ResolutionSettings
from jiandu.entities.training import fit

if TYPE_CHECKING:
    from splink.internals.database_api import DatabaseAPI

PAIR_COLUMNS = (
    "unique_id_l", "unique_id_r", "match_weight", "match_probability",
    *(f"gamma_{c.name}" for c in COMPARISONS),
    *(f"mw_tf_adj_{name}" for name in TF_COMPARISONS),
)


# the mention columns `splink_input` reads
INPUT_COLUMNS = (
    "mention_id", "kind", "masked", "normalized_name", "surname", "sex", "birth_date",
    "birth_year", "address", "district", "ethnicity", "id_key",
)


@dataclass(frozen=True, slots=True)
class Scored:
    """Scored pairs (`PAIR_COLUMNS`; the ids are rows of the mention table) and the weights
    that scored them."""

    pairs: pa.Table
    weights: Weights


def splink_input(mentions: pa.Table) -> pa.Table:
    """Person mentions in the columns of `model.SPLINK_COLUMNS` (``mentions`` needs
    `INPUT_COLUMNS`)."""
    persons = mentions.select(list(INPUT_COLUMNS)).filter(
        pc.equal(mentions.column("kind"), "person"))
    masked = persons.column("masked")
    names = persons.column("normalized_name")
    return pa.table(
        {
            "unique_id": persons.column("mention_id"),
            "full_name": pc.if_else(masked, pa.scalar(None, pa.string()), names),
            "normalized_name": names,
            "masked": masked,
            "surname": persons.column("surname"),
            "first_char": pc.utf8_slice_codeunits(names, 0, 1),
            "sex": persons.column("sex"),
            "birth_date": persons.column("birth_date"),
            "birth_year": persons.column("birth_year"),
            "address": _street_addresses(persons),
            "district": persons.column("district"),
            "ethnicity": persons.column("ethnicity"),
            "id_key": persons.column("id_key"),
        }
    ).select(list(SPLINK_COLUMNS))


def _street_addresses(persons: pa.Table, batch: int = 100_000) -> pa.Array:
    """Addresses that say more than their district (住浙江省绍兴市柯桥区 says no more than
    柯桥区, so two such addresses agreeing is only a district agreement); others null.
    Python strings are made a slice of rows at a time, not for every mention at once."""
    parts = [pa.array([], pa.string())]
    for start in range(0, persons.num_rows, batch):
        part = persons.slice(start, batch)
        out: list[str | None] = []
        for address, district in zip(part.column("address").to_pylist(),
                                     part.column("district").to_pylist(), strict=True):
            if address is None or (district is not None and address.endswith(district)):
                out.append(None)
            else:
                out.append(address)
        parts.append(pa.array(out, pa.string()))
    return pa.concat_arrays(parts)


def _empty_pairs(id_type: pa.DataType | None = None) -> pa.Table:
    """No pairs, in `PAIR_COLUMNS` and their types (ids: mention rows unless ``id_type``)."""
    id_type = id_type or pa.int64()
    fields = [
        pa.field("unique_id_l", id_type), pa.field("unique_id_r", id_type),
        pa.field("match_weight", pa.float64()), pa.field("match_probability", pa.float64()),
    ] + [pa.field(f"gamma_{c.name}", pa.int8()) for c in COMPARISONS] + [
        pa.field(f"mw_tf_adj_{name}", pa.float64()) for name in TF_COMPARISONS]
    return pa.schema(fields).empty_table()


class TermFrequencies:
    """Relative frequency of each value of the TF columns among the records given to Splink
    (Splink computes its TF tables the same way: count / non-null count)."""

    def __init__(self, records: pa.Table, weights: Weights) -> None:
        self._weights = weights
        self._freq: dict[str, dict[str, float]] = {}
        if not weights.term_frequencies:
            return
        for comparison in COMPARISONS:
            for level in comparison.levels:
                column = level.tf_column
                if column and column not in self._freq:
                    counts = pc.value_counts(records.column(column).drop_null()).to_pylist()
                    total = sum(c["counts"] for c in counts)
                    self._freq[column] = {c["values"]: c["counts"] / total for c in counts}

    def adjustment(self, comparison: str, gamma: int, value: str | None) -> float:
        """Splink's TF adjustment (bits) of an exact match on ``value``: log2(u_exact) −
        log2(tf), 0 when the level has no adjustment."""
        spec = next(c for c in COMPARISONS if c.name == comparison)
        index = spec.level_index(gamma)
        level = spec.levels[index]
        if not level.tf_column or level.tf_column not in self._freq or value is None:
            return 0.0
        tf = self._freq[level.tf_column].get(value)
        mu = self._weights.m_u(comparison, index)
        if tf is None or mu is None:
            return 0.0
        return math.log2(mu[1]) - math.log2(tf)


def _probability(weight: float) -> float:
    return 1.0 / (1.0 + 2.0 ** -weight) if weight >= 0 else 2.0 ** weight / (1.0 + 2.0 ** weight)


@dataclass(frozen=True, slots=True)
class SelfScores:
    """Records compared with identical copies of themselves: per record, the gamma of each
    comparison (``gammas[:, k]`` for `COMPARISONS[k]`), the match weight, its probability and
    the TF adjustment of each TF comparison."""

    gammas: npt.NDArray[np.int8]
    weight: npt.NDArray[np.float64]
    probability: npt.NDArray[np.float64]
    adjust: dict[str, npt.NDArray[np.float64]]


def _valid(records: pa.Table, column: str) -> npt.NDArray[np.bool_]:
    return pc.is_valid(records.column(column)).to_numpy(zero_copy_only=False)


def _per_value(codes: npt.NDArray[np.int64], value: Callable[[int], float]
               ) -> npt.NDArray[np.float64]:
    """``value(code)`` for each code, computed once per distinct code."""
    distinct, inverse = np.unique(codes, return_inverse=True)
    return np.array([value(int(c)) for c in distinct.tolist()], np.float64)[inverse]


def self_scores(records: pa.Table, weights: Weights, tf: TermFrequencies) -> SelfScores:
    """Every row of ``records`` (`SPLINK_COLUMNS`) scored against a copy of itself, a column
    at a time: what Splink's `score_pair` gives for the two (tests/entities/test_training.py).

    Each level's weight and each value's TF adjustment are computed once, and the weight is
    summed in Splink's order (prior, then each comparison's weight and adjustment), so a mention
    collapsed into its representative gets the same float on every run.
    """
    n = records.num_rows
    full = _valid(records, "full_name")
    gammas = np.empty((n, len(COMPARISONS)), np.int8)
    for k, comparison in enumerate(COMPARISONS):
        best = len(comparison.levels) - 2  # gamma of the strongest level
        if comparison.name == "name":
            gamma = np.where(full, best, -1)
        elif comparison.name == "masked_surname":
            gamma = np.where(_valid(records, "first_char") & ~full, best, -1)
        elif comparison.name == "birth_date":
            gamma = np.where(_valid(records, "birth_date"), best,
                             np.where(_valid(records, "birth_year"), best - 1, -1))
        elif comparison.name == "address":
            gamma = np.where(~_valid(records, "district"), -1,
                             np.where(_valid(records, "address"), best, best - 1))
        else:
            gamma = np.where(_valid(records, comparison.name), best, -1)
        gammas[:, k] = gamma
    weight = np.full(n, weights.prior_weight, np.float64)
    adjust: dict[str, npt.NDArray[np.float64]] = {}
    for k, comparison in enumerate(COMPARISONS):
        name = comparison.name
        weight += _per_value(gammas[:, k].astype(np.int64), functools.partial(weights.weight, name))
        if name in TF_COMPARISONS:
            encoded = records.column("full_name" if name == "name" else "first_char"
                                     ).combine_chunks().dictionary_encode()
            values = encoded.dictionary.to_pylist()
            value_code = pc.fill_null(encoded.indices.cast(pa.int64()), -1).to_numpy()
            # one code per (gamma, value): gammas are small, values < n
            codes = (gammas[:, k].astype(np.int64) + 1) * (len(values) + 1) + value_code + 1

            def adjustment(code: int, c: str = name, size: int = len(values) + 1,
                           values: list[Any] = values) -> float:
                gamma, value = divmod(code, size)
                return tf.adjustment(c, gamma - 1, values[value - 1] if value else None)

            adjust[name] = _per_value(codes, adjustment)
            weight += adjust[name]
    probability = np.array([_probability(w) for w in weight.tolist()], np.float64)
    return SelfScores(gammas, weight, probability, adjust)


@dataclass(frozen=True, slots=True)
class _Groups:
    """Records with identical comparison columns: the group of each row (groups numbered in
    order of first appearance), the first row of each group and its size, as arrays."""

    group: npt.NDArray[np.int64]
    first: npt.NDArray[np.int64]
    sizes: npt.NDArray[np.int64]

    @property
    def representatives(self) -> npt.NDArray[np.int64]:
        return np.sort(self.first)


def _groups(persons: pa.Table) -> _Groups:
    """Rows with equal values in every comparison column (null equal to null) form a group.

    The row's group number is built a column at a time: the number so far times the column's
    distinct values plus the value's code, renumbered densely by `dictionary_encode` (integers
    only: no string of all the columns per row, which cost about 0.8 GiB at a million
    documents). Dictionary indices count distinct values in order of first appearance, so
    groups are numbered in that order; rows are sorted by mention id, so a group's first row
    holds its smallest id.
    """
    signature = [c for c in SPLINK_COLUMNS if c != "unique_id"]
    group = np.zeros(persons.num_rows, np.int64)
    for name in signature:
        encoded = persons.column(name).combine_chunks().dictionary_encode()
        distinct = len(encoded.dictionary) + 1  # + null
        codes = pc.fill_null(encoded.indices, distinct - 1).to_numpy().astype(np.int64)
        del encoded
        # group < rows and distinct <= rows + 1: no overflow of int64 below 3e9 rows
        combined = pa.array(group * distinct + codes)
        group = combined.dictionary_encode().indices.to_numpy().astype(np.int64)
    _, first = np.unique(group, return_index=True)
    return _Groups(group, first.astype(np.int64), np.bincount(group).astype(np.int64))


def distinct_records(mentions: pa.Table) -> pa.Table:
    """The person records the model is fitted on: one per set of identical comparison columns."""
    persons = splink_input(mentions)
    return persons.take(pa.array(_groups(persons).representatives))


def _collapse(persons: pa.Table, groups: _Groups, weights: Weights,
              settings: ResolutionSettings) -> tuple[pa.Table, pa.Table]:
    """Records with identical comparison columns collapse into one (the smallest id).

    A person named in 300 documents the same way is one record for Splink, not 300, so blocks
    stay small. Returns the records to score and the links from each collapsed record to its
    representative, scored as the comparison of two identical records (a collapsed group whose
    self-comparison would not be linked is not collapsed).
    """
    collapsible = np.flatnonzero(groups.sizes > 1)
    if not len(collapsible):
        return persons, _empty_pairs()
    signature = [c for c in SPLINK_COLUMNS if c != "unique_id"]
    reps = persons.take(pa.array(groups.representatives))
    tf = TermFrequencies(reps, weights)
    records = persons.select(signature).take(pa.array(groups.first[collapsible]))
    scores = self_scores(records, weights, tf)
    masked_ok = ~pc.fill_null(records.column("masked"), False).to_numpy(zero_copy_only=False) | (
        _valid(records, "birth_date") & (_valid(records, "sex") | _valid(records, "district")))
    del records
    links = np.flatnonzero((scores.probability >= settings.link_threshold) & masked_ok)
    if not len(links):
        return persons, _empty_pairs()
    linked = collapsible[links]  # the groups that collapse, ascending
    is_linked = np.zeros(len(groups.sizes), dtype=bool)
    is_linked[linked] = True
    rows = np.arange(persons.num_rows, dtype=np.int64)
    collapsed = is_linked[groups.group] & (groups.first[groups.group] != rows)
    keep, rows = rows[~collapsed], rows[collapsed]
    pairs = _empty_pairs()
    if len(rows):
        group = groups.group[rows]
        at = np.searchsorted(linked, group)
        picked = links[at]  # the row of `scores` of each collapsed mention's group
        ids = persons.column("unique_id")
        columns: dict[str, Any] = {
            "unique_id_l": ids.take(pa.array(groups.first[group])),
            "unique_id_r": ids.take(pa.array(rows)),
            "match_weight": scores.weight[picked],
            "match_probability": scores.probability[picked],
        }
        for k, comparison in enumerate(COMPARISONS):
            columns[f"gamma_{comparison.name}"] = scores.gammas[picked, k]
        for name in TF_COMPARISONS:
            columns[f"mw_tf_adj_{name}"] = scores.adjust[name][picked]
        pairs = pa.table(columns, schema=pairs.schema)
    return persons.take(pa.array(keep)), pairs


def score_pairs(engine: Engine, mentions: pa.Table, settings: ResolutionSettings) -> Scored:
    """Pairs of person mentions with match probability ≥ store_threshold, and the weights.

    ``mentions`` has `INPUT_COLUMNS` of the mention table, whose rows are sorted by mention
    id. The model is fitted on the distinct records (identical records once: a person named
    the same way in 300 documents counts once for u, m and name frequencies). Identical records
    are then collapsed (`_collapse`): each collapsed mention is paired with its representative;
    the representatives are scored by Splink inside the blocks.

    Splink scores with the row number of each mention as its ``unique_id``: integers instead
    of the mention ids (strings) in its working tables and in the pairs it returns. Rows are in
    mention-id order, so ``l.unique_id < r.unique_id`` picks the same pair of each two as with
    the ids. Columns: `PAIR_COLUMNS`; ``unique_id_l < unique_id_r``, both rows of ``mentions``.
    """
    for name in ("splink", "py4j"):  # Splink warns of levels marked "not observed" (training.py)
        logging.getLogger(name).setLevel(logging.ERROR)
    is_person = pc.equal(mentions.column("kind").combine_chunks(), "person")
    rows = pc.indices_nonzero(is_person).cast(pa.int64())
    persons = splink_input(mentions)
    del mentions
    groups = _groups(persons)
    # fitted on the records with their mention ids, as `distinct_records` gives them
    weights = fit(persons.take(pa.array(groups.representatives)), settings)
    if persons.num_rows < 2:
        return Scored(_empty_pairs(), weights)
    persons = persons.set_column(persons.schema.get_field_index("unique_id"), "unique_id", rows)
    del rows
    records, self_pairs = _collapse(persons, groups, weights, settings)
    del persons, groups  # Splink holds the records it scores, not every person mention
    if records.num_rows < 2:
        scored = _empty_pairs()
    elif engine.name == "spark":
        scored = _score_spark(engine, records, weights, settings)
    else:
        scored = _score_duckdb(records, weights, settings)
    parts = [scored, self_pairs]
    del scored, self_pairs
    return Scored(_pairs(parts), weights)


def _score_duckdb(persons: pa.Table, weights: Weights, settings: ResolutionSettings) -> pa.Table:
    from splink import DuckDBAPI, Linker

    con = scoring_connection(settings)
    try:
        con.execute("SET TimeZone = 'UTC'")
        api = DuckDBAPI(con)
        frame = api.register(persons, dataset_display_name="mentions")
        linker = Linker(frame, weights.settings, log_level=logging.ERROR)
        result = linker.inference.predict(threshold_match_probability=settings.store_threshold)
        relation = result.as_duckdbpyrelation()
        return _select(relation.select(*_wanted(relation.columns)).to_arrow_table())
    finally:
        con.close()


_UNITS = {"bytes": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40,
          "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}


def _memory_limit(con: Any) -> float:
    """A DuckDB connection's memory limit in bytes (DuckDB shows it as e.g. "953.6 MiB")."""
    text = str(con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])
    number, _, unit = text.partition(" ")
    return float(number) * _UNITS.get(unit.strip(), 1)


def scoring_connection(settings: ResolutionSettings) -> Any:
    """A private in-memory DuckDB for Splink's scoring within the scratch memory budget, or
    ``settings.scoring_memory_mb`` when that is lower (it spills to the temp folder past it)."""
    from jiandu.engines.duckdb_engine import scratch_connection

    con = scratch_connection()
    if settings.scoring_memory_mb * 10**6 < _memory_limit(con):
        con.execute(f"SET memory_limit = '{settings.scoring_memory_mb}MB'")
    return con


def _score_spark(engine: Engine, persons: pa.Table, weights: Weights,
                 settings: ResolutionSettings) -> pa.Table:
    from splink import Linker, SparkAPI

    spark: Any = getattr(engine, "spark")  # noqa: B009 - only the Spark engine has it
    view = temp_name("er_persons")
    engine.register_temp(view, persons)
    api: DatabaseAPI[Any] | None = None
    try:
        api = SparkAPI(
            spark_session=spark, break_lineage_method="persist",
            register_udfs_automatically=False,
        )
        frame = api.register(view)  # the temporary view, by name
        linker = Linker(frame, weights.settings, log_level=logging.ERROR)
        result = linker.inference.predict(threshold_match_probability=settings.store_threshold)
        predicted = result.as_spark_dataframe()
        return _select(predicted.select(*_wanted(predicted.columns)).toArrow())
    finally:
        engine.drop_temp(view)
        spark.catalog.clearCache()


def _wanted(columns: list[str]) -> list[str]:
    """The `PAIR_COLUMNS` among Splink's output columns: only these leave the engine (Splink
    also retains every compared column of both sides and its intermediate factors)."""
    return [c for c in PAIR_COLUMNS if c in columns]


def _select(table: pa.Table) -> pa.Table:
    """Splink's predictions in `PAIR_COLUMNS` and types (TF adjustments 0 when absent; the
    ids as they were given)."""
    schema = _empty_pairs(table.schema.field("unique_id_l").type).schema
    columns = []
    for f in schema:
        if f.name in table.column_names:
            columns.append(pc.fill_null(table.column(f.name).cast(f.type), 0.0)
                           if f.name.startswith("mw_tf_adj_") else table.column(f.name).cast(f.type))
        else:
            columns.append(pa.array([0.0] * table.num_rows, f.type))
    return pa.table(columns, schema=schema)


def _pairs(parts: list[pa.Table]) -> pa.Table:
    """The pairs of ``parts`` (emptied as it goes) in `PAIR_COLUMNS`, the smaller row first in
    each pair, sorted by both rows. Built a column at a time, each column dropped from the parts
    once it is taken, so the pairs are held about once, not twice (4.9 million pairs at a
    million documents)."""
    def column(name: str) -> npt.NDArray[Any]:
        values = np.concatenate([p.column(name).to_numpy() for p in parts])
        parts[:] = [p.drop_columns([name]) for p in parts]
        return values

    left, right = column("unique_id_l"), column("unique_id_r")
    low, high = np.minimum(left, right), np.maximum(left, right)
    del left, right
    order = np.lexsort((high, low))
    columns: dict[str, Any] = {"unique_id_l": low[order], "unique_id_r": high[order]}
    del low, high
    for name in PAIR_COLUMNS[2:]:
        columns[name] = column(name)[order]
    return pa.table(columns, schema=_empty_pairs().schema)
