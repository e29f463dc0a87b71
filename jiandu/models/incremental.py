"""Incremental updates of derived tables: a daily batch re-runs only what it touches.

`update_derived` (``operators.py``) asks this module, per operator, whether the inputs that
changed since the operator's last build changed only for known documents. Canonical tables
are insert-only and their document tables (`DOCUMENT_TABLES`) grow only with the documents of
new ingest runs, so their change is "the documents of ingest runs this operator has not
covered" (`operator_coverage` records, per operator and version, the ingest runs it covered).
A derived table an operator rebuilt in this run changed either completely (`FULL`) or for the
documents of a `Delta` (an incremental operator's, or a full build whose output is keyed by
document and was compared with the previous rows, `DIFFED_OUTPUTS`).

Two kinds of operator can use a delta:

- a `DocumentOperator` (output rows belong to one document, computed from that document's
  rows alone) replaces the rows of the affected documents (`run_documents`);
- a `KeyedOperator` (output rows grouped by a key such as ``party_key``) recomputes the keys
  the affected documents touch, before and after the change (`run_keys`).

Two kinds of operator take only the documents of new ingest runs (and no delta of a derived
table): an `AppendingOperator` adds the new documents' rows; a `CorpusOperator`, whose outputs
depend on the whole corpus, keeps what it computed per document in tables of its own and updates
its outputs from the new documents' share (every output then counts as changed, `FULL`).

Anything else, a changed register, a version or parameter change, a missing output, or
``force``, rebuilds in full as before. The result is the same rows as a full rebuild over the
same inputs (tests/models/test_incremental.py).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Protocol, runtime_checkable

import pyarrow as pa

from jiandu.engines.base import Engine, temp_name
from jiandu.schema.derived import derived_table
from jiandu.schema.registry import TableSchema, canonical_tables

__all__ = [
    "COVERAGE_TABLE",
    "DIFFED_OUTPUTS",
    "FULL",
    "CorpusOperator",
    "Delta",
    "DocumentOperator",
    "KeyedOperator",
    "covered_runs",
    "diff_documents",
    "document_tables",
    "query_rows",
    "record_coverage",
    "replace_documents",
    "replace_keys",
    "snapshot_outputs",
    "uncovered_documents",
]

COVERAGE_TABLE = "operator_coverage"
CHANGES_TABLE = "table_changes"  # which run changed which derived table (`record_changes`)
COPY_SUFFIX = "__before"  # a copy of an output taken before its full build
# A full build's outputs up to this many rows are compared with their rows before it: an output
# the build left as it was hands no change on (its readers stay up to date, the models reading it
# keep their clues). Larger outputs count as changed (the copy would cost more than it saves).
COMPARED_ROWS = 1_000_000
FULL = "full"  # a table rebuilt with no known delta: everything downstream rebuilds

# Outputs of full builds compared with their previous rows, so that what reads them sees only
# the documents whose rows changed (entity resolution keeps entity ids stable, so a batch
# changes few documents' rows): table → (key column, the columns compared, SQL of the documents
# of the changed keys in the table named {keys} (column ``k``), or None when the key is the
# document). `entities` is compared on the columns its one reading operator, party_fact_keys,
# reads (a bank's mention counts change with every batch; tests/models/test_incremental.py
# fails when another operator starts reading it).
DIFFED_OUTPUTS: Mapping[str, tuple[str, str, str | None]] = {
    "party_entities": ("doc_id", "*", None),
    "entities": (
        "entity_id",
        "entity_id, name, id_key",
        "SELECT DISTINCT doc_id FROM party_entities WHERE entity_id IN (SELECT k FROM {keys})",
    ),
}
ENTITY_READERS = frozenset({"party_fact_keys"})  # operators that read `entities`


@cache
def document_tables() -> frozenset[str]:
    """Canonical tables whose rows belong to a document and come with its ingest run."""
    return frozenset(
        name
        for name, schema in canonical_tables().items()
        if name != "quarantine" and "doc_id" in {c.name for c in schema.columns}
    )


@dataclass(frozen=True, slots=True)
class Delta:
    """How a table changed in this run: the rows of the documents in ``docs`` (a table with a
    ``doc_id`` column) were replaced; ``removed`` (a table with the table's columns) holds the
    rows taken out, for keyed operators that must also recompute the keys those rows had."""

    docs: str
    removed: str | None = None


@runtime_checkable
class DocumentOperator(Protocol):
    """An operator whose output rows belong each to one document (column ``doc_id``) and depend
    only on that document's rows of its inputs."""

    def document_rows(self, engine: Engine, docs: str) -> Mapping[str, pa.Table]:
        """Per output table, its rows for the documents in table ``docs`` (column ``doc_id``)."""
        ...


@runtime_checkable
class AppendingOperator(Protocol):
    """An operator whose output rows belong each to one document and depend only on that
    document's rows of canonical tables: new documents' rows are appended (streaming, e.g.
    through `Engine.map_arrow` with ``append=True``)."""

    def append_documents(self, engine: Engine, docs: str) -> int:
        """Add the output rows of the documents in the stored table ``docs`` (which have none
        yet); return the rows added."""
        ...


@runtime_checkable
class CorpusOperator(Protocol):
    """An operator whose outputs depend on the whole corpus (counts over every document) and
    which keeps, in outputs of its own, what it computed per document: new documents' share is
    computed and the outputs brought up to date from it, giving the rows a full build gives."""

    def add_documents(self, engine: Engine, docs: str) -> int:
        """Bring the outputs up to date with the documents in the stored table ``docs`` (which
        the operator has not seen yet); return the rows of its main output."""
        ...


@runtime_checkable
class KeyedOperator(Protocol):
    """An operator whose output rows are grouped by one key column (``key_column``), each group
    computed over all the input rows with that key."""

    @property
    def key_column(self) -> str: ...

    def affected_keys_sql(self, docs: str, removed: Mapping[str, str]) -> str:
        """SQL of the keys (one column ``k``) the documents in ``docs`` touch; ``removed``
        names, per input table, a table of that input's rows taken out in this run."""
        ...

    def key_rows(self, engine: Engine, keys: str) -> Mapping[str, pa.Table]:
        """Per output table, its rows for the keys in table ``keys`` (column ``k``)."""
        ...


# the operators an increment can bring up to date (`plan_increment`)
INCREMENTAL_KINDS = (DocumentOperator, KeyedOperator, AppendingOperator, CorpusOperator)


# -- coverage ----------------------------------------------------------------------------


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def covered_runs(engine: Engine, operator: str, version: str) -> dict[str, int] | None:
    """The ingest runs ``operator`` at ``version`` has covered, each with how many documents it
    held then; None when it never recorded any (built before coverage existed, or at another
    version): it must build in full."""
    if not engine.table_exists(COVERAGE_TABLE):
        return None
    rows = engine.query(
        f"SELECT ingest_run_id, max(documents) AS documents FROM {COVERAGE_TABLE} "
        f"WHERE operator = {_quote(operator)} AND version = {_quote(version)} GROUP BY ingest_run_id"
    ).to_pylist()
    return {str(r["ingest_run_id"]): int(r["documents"] or 0) for r in rows} if rows else None


def document_runs(engine: Engine) -> dict[str, int]:
    """The ingest runs of the stored documents ('' for documents without one) and their counts."""
    if not engine.table_exists("documents"):
        return {}
    rows = engine.query(
        "SELECT coalesce(ingest_run_id, '') AS r, count(*) AS n FROM documents GROUP BY 1"
    ).to_pylist()
    return {str(r["r"]): int(r["n"]) for r in rows}


def grown_runs(covered: Mapping[str, int], current: Mapping[str, int]) -> set[str]:
    """Covered runs that hold other documents than when covered (documents stored under a run
    id used before): which of their documents are new is unknown, so they force a full build."""
    return {r for r, n in covered.items() if current.get(r, 0) != n}


def record_coverage(
    engine: Engine, operator: str, version: str, runs: Mapping[str, int] | None, run_id: str
) -> None:
    """Record that ``operator`` covered ``runs`` (run → documents; default: every ingest run in
    documents now)."""
    schema = derived_table(COVERAGE_TABLE)
    engine.ensure_tables([schema])
    have = covered_runs(engine, operator, version) or {}
    runs = document_runs(engine) if runs is None else runs
    new = sorted((r, n) for r, n in runs.items() if have.get(r) != n)
    if not new:
        return
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    engine.append(
        schema.name,
        schema.to_arrow(
            [
                {"operator": operator, "version": version, "ingest_run_id": r, "documents": n,
                 "covered_at": now, "run_id": run_id}
                for r, n in new
            ]
        ),
    )


def uncovered_documents(
    engine: Engine, covered: Mapping[str, int], current: Mapping[str, int]
) -> tuple[str, dict[str, int]]:
    """A temp table of the documents of ingest runs not in ``covered``, and those runs."""
    runs = {r: n for r, n in current.items() if r not in covered}
    name = temp_name("newdocs")
    if runs:
        values = ", ".join(_quote(r) for r in sorted(runs))
        ids = engine.query(
            f"SELECT doc_id FROM documents WHERE coalesce(ingest_run_id, '') IN ({values})"
        )
    else:
        ids = pa.table({"doc_id": pa.array([], pa.string())})
    engine.register_temp(name, ids)
    return name, runs


AFFECTED_PREFIX = "incremental_docs_"


def union_documents(engine: Engine, tables: Iterable[str]) -> str:
    """A table (a stored one: `Engine.map_arrow` reads it from another connection) of the
    distinct doc_ids of ``tables``; `drop_scratch` drops it."""
    parts = [f"SELECT doc_id FROM {t}" for t in tables]
    name = AFFECTED_PREFIX + uuid.uuid4().hex[:16]  # a stored table's name (no leading _)
    engine.materialize(
        name,
        "SELECT DISTINCT CAST(doc_id AS VARCHAR) AS doc_id FROM (" + " UNION ALL ".join(parts) + ") AS u"
        if parts
        else "SELECT CAST(NULL AS VARCHAR) AS doc_id WHERE FALSE",
    )
    return name


def drop_leftovers(engine: Engine) -> None:
    """Drop the stored scratch tables a run stopped midway left behind (affected documents,
    copies of outputs before a build)."""
    for name in engine.tables():
        if name.startswith(AFFECTED_PREFIX) or name.endswith(COPY_SUFFIX):
            engine.drop_table(name, missing_ok=True)


def drop_scratch(engine: Engine, name: str) -> None:
    """Drop a table of affected documents (stored) or any other table of a run (temporary)."""
    if name.startswith(AFFECTED_PREFIX):
        engine.drop_table(name, missing_ok=True)
    else:
        engine.drop_temp(name)


def only_documents(select_sql: str, docs: str) -> str:
    """``select_sql`` with each aliased document table (``documents AS d``, ``parties AS p``,
    ...) narrowed to the documents in ``docs``."""
    names = "|".join(sorted(document_tables()))
    return re.sub(
        rf"\b({names}) AS (\w+)\b",
        lambda m: f"(SELECT * FROM {m[1]} WHERE doc_id IN (SELECT doc_id FROM {docs})) AS {m[2]}",
        select_sql,
    )


def append_query(engine: Engine, table: str, select_sql: str) -> int:
    """Add the rows of a query (cast to the declared columns) to the derived table ``table``."""
    before = engine.count(table)
    engine.insert_query(table, _select_cast(derived_table(table), select_sql))
    return engine.count(table) - before


# -- writing ------------------------------------------------------------------------------


def _select_cast(schema: TableSchema, select_sql: str) -> str:
    casts = ", ".join(f"CAST(src.{c.name} AS {c.type}) AS {c.name}" for c in schema.columns)
    return f"SELECT {casts} FROM ({select_sql}) AS src"


def query_rows(engine: Engine, table: str, select_sql: str) -> pa.Table:
    """The rows of a query cast to the declared columns of the derived table ``table``."""
    return engine.query(_select_cast(derived_table(table), select_sql))


def touched_keys_sql(table: str, key_column: str, docs: str, removed: Mapping[str, str]) -> str:
    """SQL of the keys (column ``k``) of ``table``'s rows for the documents in ``docs`` and of
    its rows taken out in this run (``removed``), for a `KeyedOperator`."""
    sql = f"SELECT {key_column} AS k FROM {table} WHERE doc_id IN (SELECT doc_id FROM {docs})"
    if table in removed:
        sql += f" UNION SELECT {key_column} AS k FROM {removed[table]}"
    return sql


def rows_for_keys(
    engine: Engine, output: str, select_sql: str, table: str, key_column: str, keys: str
) -> pa.Table:
    """The rows of ``select_sql`` (which reads ``table`` and groups by its ``key_column``)
    computed over only the rows of ``table`` with a key in ``keys``, cast to ``output``."""
    sub = temp_name(table)
    engine.register_temp(
        sub, engine.query(f"SELECT * FROM {table} WHERE {key_column} IN (SELECT k FROM {keys})")
    )
    try:
        return query_rows(engine, output, re.sub(rf"\b{table}\b", sub, select_sql))
    finally:
        engine.drop_temp(sub)


def _replace_where(
    engine: Engine, schema: TableSchema, column: str, keys: str, key_column: str, rows: pa.Table
) -> tuple[int, str]:
    """Take out the rows whose ``column`` is in ``keys`` (column ``key_column``), keep them in a
    temp table (returned), add ``rows``; return the rows added."""
    condition = f"{column} IN (SELECT {key_column} FROM {keys})"
    removed = temp_name(f"{schema.name}_removed")
    engine.register_temp(removed, engine.query(f"SELECT * FROM {schema.name} WHERE {condition}"))
    new_rows = schema.conform(rows)
    with engine.temp_table(new_rows, f"{schema.name}_added") as added:
        replace_where_query(engine, schema.name, condition, f"SELECT * FROM {added}")
    return new_rows.num_rows, removed


def replace_documents(
    engine: Engine, schema: TableSchema, docs: str, rows: pa.Table
) -> tuple[int, str]:
    """Replace the rows of the documents in ``docs`` with ``rows`` (only those documents' rows);
    return the rows written and a temp table of the rows taken out."""
    return _replace_where(engine, schema, "doc_id", docs, "doc_id", rows)


def replace_where_query(engine: Engine, name: str, condition: str, select_sql: str) -> None:
    """In table ``name``, replace the rows where ``condition`` holds (SQL over its columns, never
    NULL) by the rows of ``select_sql`` (the table's columns, in order), in the store."""
    if engine.name == "duckdb":
        engine.execute(f"DELETE FROM {name} WHERE {condition}")
        engine.insert_query(name, select_sql)
        return
    # no row-level DELETE: the kept rows and the new ones replace the table at once
    staging = f"{name}__staging"
    engine.materialize(
        staging, f"SELECT * FROM {name} WHERE NOT ({condition}) UNION ALL {select_sql}"
    )
    engine.materialize(name, f"SELECT * FROM {staging}")
    engine.drop_table(staging, missing_ok=True)


def replace_keys(
    engine: Engine, schema: TableSchema, key_column: str, keys: str, rows: pa.Table
) -> int:
    """Replace the rows whose ``key_column`` is in ``keys`` (column ``k``) with ``rows``."""
    written, removed = _replace_where(engine, schema, key_column, keys, "k", rows)
    engine.drop_temp(removed)
    return written


# -- diffing full builds -------------------------------------------------------------------


def snapshot_outputs(engine: Engine, outputs: Iterable[str]) -> dict[str, str]:
    """Copy the `DIFFED_OUTPUTS` among ``outputs`` before a full build; return table → copy."""
    copies: dict[str, str] = {}
    for name in outputs:
        if name in DIFFED_OUTPUTS and engine.table_exists(name):
            copy = f"{name}{COPY_SUFFIX}"
            engine.materialize(copy, f"SELECT {DIFFED_OUTPUTS[name][1]} FROM {name}")
            copies[name] = copy
    return copies


def snapshot_small(engine: Engine, outputs: Iterable[str]) -> dict[str, str]:
    """Copy the outputs of at most `COMPARED_ROWS` rows before a full build, to tell afterwards
    whether the build changed them (`same_rows`); return table → copy."""
    copies: dict[str, str] = {}
    for name in outputs:
        if engine.table_exists(name) and engine.count(name) <= COMPARED_ROWS:
            copy = f"{name}{COPY_SUFFIX}"
            engine.materialize(copy, f"SELECT * FROM {name}")
            copies[name] = copy
    return copies


def same_rows(engine: Engine, name: str, copy: str) -> bool:
    """Whether table ``name`` holds exactly the rows of its copy ``copy`` (dropped after)."""
    try:
        differ = engine.query(
            f"SELECT count(*) AS n FROM ((SELECT * FROM {name} EXCEPT ALL SELECT * FROM {copy}) "
            f"UNION ALL (SELECT * FROM {copy} EXCEPT ALL SELECT * FROM {name})) AS d"
        )
        return differ.column("n")[0].as_py() == 0
    except Exception:  # another shape (a new operator version's columns): changed
        return False
    finally:
        engine.drop_table(copy, missing_ok=True)


def record_changes(engine: Engine, tables: Iterable[str], run_id: str) -> None:
    """Note that this run changed ``tables`` (`CHANGES_TABLE`), for `table_stamps`."""
    names = sorted(set(tables))
    if not names:
        return
    schema = derived_table(CHANGES_TABLE)
    engine.create_table(schema)
    at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    engine.append(CHANGES_TABLE, schema.to_arrow(
        [{"table_name": n, "run_id": run_id, "changed_at": at} for n in names]
    ))


def stamps(engine: Engine, table: str, key: str, at: str) -> dict[str, str]:
    """Per ``key`` of an append-only log ``table``, a stamp of its rows so far: the last one's
    time (column ``at``) and how many. A new row for a key changes its stamp."""
    if not engine.table_exists(table):
        return {}
    rows = engine.query(
        f"SELECT {key} AS k, max({at}) AS last, count(*) AS n FROM {table} GROUP BY {key}"
    ).to_pylist()
    return {r["k"]: f"{r['last'].isoformat()}#{r['n']}" for r in rows}


def table_stamps(engine: Engine) -> dict[str, str]:
    """Per derived table an operator changed, a stamp of its changes so far: equal stamps, the
    same rows."""
    return stamps(engine, CHANGES_TABLE, "table_name", "changed_at")


def diff_documents(engine: Engine, name: str, copy: str) -> Delta:
    """The documents whose rows of ``name`` differ from its copy ``copy`` (dropped after); when
    the table is keyed by document, the copy's rows of those documents are the removed rows."""
    key, columns, to_docs = DIFFED_OUTPUTS[name]
    changed = engine.query(
        f"SELECT DISTINCT {key} AS k FROM ("
        f"(SELECT {columns} FROM {name} EXCEPT ALL SELECT {columns} FROM {copy}) UNION ALL "
        f"(SELECT {columns} FROM {copy} EXCEPT ALL SELECT {columns} FROM {name})) AS d"
    )
    keys = temp_name(f"{name}_changed")
    engine.register_temp(keys, changed)
    docs = temp_name(f"{name}_docs")
    removed: str | None = None
    if to_docs is None:
        engine.register_temp(docs, changed.rename_columns(["doc_id"]))
        removed = temp_name(f"{name}_removed")
        engine.register_temp(
            removed, engine.query(f"SELECT * FROM {copy} WHERE {key} IN (SELECT k FROM {keys})")
        )
    else:
        engine.register_temp(docs, engine.query(to_docs.format(keys=keys)))
    engine.drop_temp(keys)
    engine.drop_table(copy, missing_ok=True)
    return Delta(docs, removed)


def changed_inputs(previous_signature: str | None, signature: str) -> set[str] | None:
    """Input tables whose row counts differ between two signatures; None when the version or
    the set of inputs differs (a full build)."""
    if previous_signature is None:
        return None
    before, now = json.loads(previous_signature), json.loads(signature)
    if before.get("version") != now.get("version"):
        return None
    a, b = before.get("counts", {}), now.get("counts", {})
    if set(a) != set(b):
        return None
    return {t for t in b if a[t] != b[t]}


# -- planning and applying an increment ------------------------------------------------------


class _Named(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def inputs(self) -> tuple[str, ...]: ...
    @property
    def optional_inputs(self) -> tuple[str, ...]: ...
    @property
    def outputs(self) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class Increment:
    """What an incremental build of one operator covers."""

    docs: str  # temp table of the affected documents
    removed: dict[str, str]  # input table → temp table of its rows taken out in this run
    runs: dict[str, int]  # the ingest runs it newly covers, with their documents
    documents: int  # how many affected documents


def plan_increment(
    engine: Engine,
    op: _Named,
    previous_signature: str | None,
    signature: str,
    deltas: Mapping[str, Delta | str],
) -> Increment | None:
    """The increment that brings ``op``'s outputs up to date, or None when it must build in
    full. ``deltas`` are the tables changed earlier in this run."""
    if not isinstance(op, INCREMENTAL_KINDS):
        return None
    covered = covered_runs(engine, op.name, op.version)
    changed = changed_inputs(previous_signature, signature)
    if covered is None or changed is None:
        return None
    current = document_runs(engine)
    if grown_runs(covered, current):
        return None
    reads = set(op.inputs) | {t for t in op.optional_inputs if engine.table_exists(t)}
    doc_inputs = reads & document_tables()
    parts: list[str] = []
    removed: dict[str, str] = {}
    for t in sorted((changed | set(deltas)) & reads):
        delta = deltas.get(t)
        if delta == FULL:
            return None
        if isinstance(delta, Delta):
            parts.append(delta.docs)
            if delta.removed:
                removed[t] = delta.removed
        elif t not in doc_inputs:  # a register, or a derived table changed outside this run
            return None
    appending = not isinstance(op, DocumentOperator | KeyedOperator)
    if appending and parts:  # documents that have rows already: only a full build replaces them
        return None
    new_docs, runs = uncovered_documents(engine, covered, current)
    if doc_inputs:
        parts.append(new_docs)
    docs = union_documents(engine, parts)
    engine.drop_temp(new_docs)
    return Increment(docs, removed, runs, engine.count(docs))


def apply_increment(
    engine: Engine, op: _Named, increment: Increment
) -> tuple[int, dict[str, Delta | str]]:
    """Build ``op``'s outputs for the increment; return the rows written and each output's
    delta for the operators after it."""
    written = 0
    out: dict[str, Delta | str] = {}
    if isinstance(op, CorpusOperator):
        written = op.add_documents(engine, increment.docs)
        return written, dict.fromkeys(op.outputs, FULL)
    if isinstance(op, AppendingOperator) and not isinstance(op, DocumentOperator | KeyedOperator):
        written = op.append_documents(engine, increment.docs)
        return written, {t: Delta(increment.docs) for t in op.outputs}
    if isinstance(op, DocumentOperator):
        for table, new in op.document_rows(engine, increment.docs).items():
            rows, gone = replace_documents(engine, derived_table(table), increment.docs, new)
            written += rows
            out[table] = Delta(increment.docs, gone)
        return written, out
    assert isinstance(op, KeyedOperator)
    keys = temp_name("keys")
    engine.register_temp(
        keys, engine.query(op.affected_keys_sql(increment.docs, increment.removed))
    )
    for table, new in op.key_rows(engine, keys).items():
        written += replace_keys(engine, derived_table(table), op.key_column, keys, new)
        out[table] = FULL  # keyed by something else than documents
    engine.drop_temp(keys)
    return written, out
