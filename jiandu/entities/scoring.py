"""Score pairs of person mentions with Splink, on the engine that holds the store.

* DuckDB: Splink's `DuckDBAPI` on a private in-memory DuckDB connection that reads the
  mentions as an Arrow table (zero copy). Splink creates many working tables; keeping them off
  the workspace database means a failed run leaves nothing behind in it.
* Spark: Splink's `SparkAPI` on the engine's own SparkSession, reading the mentions as a
  temporary view. Splink 5.0.0 runs on PySpark 4.3 here with two settings:
  ``break_lineage_method="persist"`` (its default, ``parquet``, needs a checkpoint folder) and
  ``register_udfs_automatically=False`` (its Scala UDF jar is for Spark 3; the comparisons
  here use plain SQL only).

The model is fixed (``model.py``), nothing is trained, so both engines give the same weights.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from jiandu.engines.base import Engine, temp_name
from jiandu.entities.model import COMPARISONS, SPLINK_COLUMNS, splink_settings
from jiandu.entities.settings import ResolutionSettings

if TYPE_CHECKING:
    from splink.internals.database_api import DatabaseAPI

PAIR_COLUMNS = ("unique_id_l", "unique_id_r", "match_weight", "match_probability") + tuple(
    f"gamma_{c.name}" for c in COMPARISONS
)


def splink_input(mentions: pa.Table) -> pa.Table:
    """Person mentions in the columns of `model.SPLINK_COLUMNS`."""
    persons = mentions.filter(pc.equal(mentions.column("kind"), "person"))
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
            "address": pa.array(_street_addresses(persons), pa.string()),
            "district": persons.column("district"),
            "ethnicity": persons.column("ethnicity"),
            "id_key": persons.column("id_key"),
        }
    ).select(list(SPLINK_COLUMNS))


def _street_addresses(persons: pa.Table) -> list[str | None]:
    """Addresses that say more than their district (住浙江省绍兴市柯桥区 says no more than
    柯桥区, so two such addresses agreeing is only a district agreement); others null."""
    out: list[str | None] = []
    for address, district in zip(persons.column("address").to_pylist(),
                                 persons.column("district").to_pylist(), strict=True):
        if address is None or (district is not None and address.endswith(district)):
            out.append(None)
        else:
            out.append(address)
    return out


def _empty_pairs() -> pa.Table:
    fields = [
        pa.field("unique_id_l", pa.string()), pa.field("unique_id_r", pa.string()),
        pa.field("match_weight", pa.float64()), pa.field("match_probability", pa.float64()),
    ] + [pa.field(f"gamma_{c.name}", pa.int64()) for c in COMPARISONS]
    return pa.schema(fields).empty_table()


def score_pairs(engine: Engine, mentions: pa.Table, settings: ResolutionSettings) -> pa.Table:
    """Pairs of person mentions inside the blocks with match probability ≥ store_threshold.

    Columns: `PAIR_COLUMNS`; ``unique_id_l < unique_id_r``.
    """
    from splink import Linker

    persons = splink_input(mentions)
    if persons.num_rows < 2:
        return _empty_pairs()
    for name in ("splink", "py4j"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if engine.name == "spark":
        return _score_spark(engine, persons, settings)
    import duckdb
    from splink import DuckDBAPI

    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        api = DuckDBAPI(con)
        frame = api.register(persons, dataset_display_name="mentions")
        linker = Linker(frame, splink_settings(settings), log_level=logging.WARNING)
        result = linker.inference.predict(threshold_match_probability=settings.store_threshold)
        return _pairs(result.as_pyarrow_table())
    finally:
        con.close()


def _score_spark(engine: Engine, persons: pa.Table, settings: ResolutionSettings) -> pa.Table:
    from splink import Linker, SparkAPI

    spark: Any = getattr(engine, "spark")
    view = temp_name("er_persons")
    engine.register_temp(view, persons)
    api: DatabaseAPI[Any] | None = None
    try:
        api = SparkAPI(
            spark_session=spark, break_lineage_method="persist",
            register_udfs_automatically=False,
        )
        frame = api.register(view)  # the temporary view, by name
        linker = Linker(frame, splink_settings(settings), log_level=logging.WARNING)
        result = linker.inference.predict(threshold_match_probability=settings.store_threshold)
        return _pairs(result.as_pyarrow_table())
    finally:
        engine.drop_temp(view)
        spark.catalog.clearCache()


def _pairs(table: pa.Table) -> pa.Table:
    """Splink's predictions in `PAIR_COLUMNS`, ids ordered within each pair, sorted."""
    left, right = table.column("unique_id_l"), table.column("unique_id_r")
    swap = pc.greater(left, right)
    columns: dict[str, Any] = {
        "unique_id_l": pc.if_else(swap, right, left),
        "unique_id_r": pc.if_else(swap, left, right),
        "match_weight": table.column("match_weight").cast(pa.float64()),
        "match_probability": table.column("match_probability").cast(pa.float64()),
    }
    for comparison in COMPARISONS:
        columns[f"gamma_{comparison.name}"] = table.column(f"gamma_{comparison.name}").cast(
            pa.int64()
        )
    pairs = pa.table(columns)
    return pairs.sort_by([("unique_id_l", "ascending"), ("unique_id_r", "ascending")])
