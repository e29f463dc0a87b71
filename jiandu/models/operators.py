"""Operators: trusted code in the package that builds derived tables models read.

An operator names its inputs and outputs and builds its outputs on an `Engine` (so it runs on
DuckDB and Spark alike). `jiandu run` calls `update_derived` first, which runs the registered
operators in order and skips one whose inputs have the same row counts as at its last build
(canonical tables are insert-only, so equal counts mean equal data) unless an operator before it
rebuilt one of its inputs.

The registry holds the core's operators (entity resolution, party keys, party statistics),
then the operators of every domain declared in `jiandu.domains`, domain by domain
(`register_domains`, called once when ``jiandu.models`` is imported). To add an operator to a
domain: write a class with the attributes of `Operator` and a ``run(engine) -> int`` in the
domain's ``operators/`` package, declare its output tables in ``jiandu/schema/derived.yaml`` and
list it in the domain's ``OPERATORS``.

When a table ``party_entities`` (``doc_id, party_idx, entity_id``, built by entity resolution)
exists, `PartyKeys` keys each party mention by its entity, and `PartyStats` counts by that key.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import pyarrow as pa

from jiandu.documents.masked_names import masked_name_sql
from jiandu.domains import domain_operators
from jiandu.engines import textpool
from jiandu.engines.base import Engine
from jiandu.entities.resolve import EntityResolution
from jiandu.memory import release_memory
from jiandu.models import incremental as inc
from jiandu.models.store import rebuild_table
from jiandu.schema.derived import derived_table

ENTITY_TABLE = "party_entities"


class Operator(Protocol):
    """What `update_derived` needs to know about an operator."""

    @property
    def name(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def inputs(self) -> tuple[str, ...]:
        """Tables that must exist."""
        ...

    @property
    def optional_inputs(self) -> tuple[str, ...]:
        """Tables read when they exist (their presence changes the result)."""
        ...

    @property
    def outputs(self) -> tuple[str, ...]:
        """Derived tables it (re)builds."""
        ...

    def run(self, engine: Engine) -> int:
        """Build the outputs; return the rows written."""
        ...


# -- party keys --------------------------------------------------------------------

# A masked person name (张某, 张某某, 李某1, 王××, 张3) says nothing about who it is: each such
# mention gets its own key so that different 张某 are never counted as one plaintiff.
MASKED = masked_name_sql("p.name", "p.kind")
NORMALIZED = "replace(replace(replace(replace(trim(p.name), ' ', ''), '　', ''), '(', '（'), ')', '）')"


@dataclass(frozen=True)
class PartyKeys:
    """party_mentions: each party mention with the key that groups mentions of one party."""

    name: str = "party_keys"
    version: str = "2"
    inputs: tuple[str, ...] = ("parties",)
    optional_inputs: tuple[str, ...] = (ENTITY_TABLE,)
    outputs: tuple[str, ...] = ("party_mentions",)

    def sql(self, with_entities: bool) -> str:
        entity = "e.entity_id" if with_entities else "CAST(NULL AS VARCHAR)"
        join = (
            f"LEFT JOIN {ENTITY_TABLE} AS e ON e.doc_id = p.doc_id AND e.party_idx = p.party_idx"
            if with_entities
            else ""
        )
        return f"""
            SELECT p.doc_id, p.party_idx,
                CASE WHEN {entity} IS NOT NULL THEN {entity}
                     WHEN {MASKED} THEN 'masked:' || p.doc_id || ':' || CAST(p.party_idx AS VARCHAR)
                     ELSE 'name:' || {NORMALIZED} END AS party_key,
                CASE WHEN {entity} IS NOT NULL THEN 'entity'
                     WHEN {MASKED} THEN 'masked' ELSE 'name' END AS key_source,
                p.name, {NORMALIZED} AS normalized_name, p.kind, p.side, p.role,
                p.span_start, p.span_end
            FROM parties AS p {join}
            WHERE p.name IS NOT NULL AND {NORMALIZED} <> ''
        """

    def run(self, engine: Engine) -> int:
        return rebuild_table(
            engine, derived_table("party_mentions"), self.sql(engine.table_exists(ENTITY_TABLE))
        )

    def document_rows(self, engine: Engine, docs: str) -> dict[str, pa.Table]:
        """The party_mentions rows of the documents in ``docs`` (incremental runs)."""
        sql = self.sql(engine.table_exists(ENTITY_TABLE))
        where = f"{sql} AND p.doc_id IN (SELECT doc_id FROM {docs})"
        return {"party_mentions": inc.query_rows(engine, "party_mentions", where)}


# -- party lawsuit statistics --------------------------------------------------------

PARTY_STATS_SQL = """
WITH doc_flags AS (
    SELECT doc_id,
        max(CASE WHEN flag = 'withdrawal' AND value THEN 1 ELSE 0 END) AS withdrawal,
        max(CASE WHEN flag = 'defendant_absent' AND value THEN 1 ELSE 0 END) AS default_judgment,
        max(CASE WHEN flag = 'public_notice_service' AND value THEN 1 ELSE 0 END) AS public_notice,
        max(CASE WHEN flag = 'mediation' AND value THEN 1 ELSE 0 END) AS mediation
    FROM flags
    GROUP BY doc_id
),
suits AS (
    SELECT m.party_key, m.side, c.court, c.cause,
        coalesce(c.case_year, year(c.filing_date)) AS year,
        coalesce(c.case_number, m.doc_id) AS suit,
        min(m.key_source) AS key_source,
        min(m.normalized_name) AS party_name,
        min(m.kind) AS party_kind,
        count(DISTINCT m.doc_id) AS documents,
        min(c.filing_date) AS first_filing_date,
        max(c.filing_date) AS last_filing_date,
        max(coalesce(f.withdrawal, 0)) AS withdrawal,
        max(coalesce(f.default_judgment, 0)) AS default_judgment,
        max(coalesce(f.public_notice, 0)) AS public_notice,
        max(coalesce(f.mediation, 0)) AS mediation,
        max(c.claimed_principal) AS claimed_principal
    FROM party_mentions AS m
    JOIN cases AS c ON c.doc_id = m.doc_id
    LEFT JOIN doc_flags AS f ON f.doc_id = m.doc_id
    GROUP BY m.party_key, m.side, c.court, c.cause, coalesce(c.case_year, year(c.filing_date)),
        coalesce(c.case_number, m.doc_id)
)
SELECT party_key, min(key_source) AS key_source, min(party_name) AS party_name,
    min(party_kind) AS party_kind, side, court, cause, year,
    count(*) AS suits, sum(documents) AS documents,
    min(first_filing_date) AS first_filing_date, max(last_filing_date) AS last_filing_date,
    sum(withdrawal) AS withdrawals, sum(default_judgment) AS default_judgments,
    sum(public_notice) AS public_notice, sum(mediation) AS mediations,
    sum(claimed_principal) AS total_claimed_principal
FROM suits
GROUP BY party_key, side, court, cause, year
"""


@dataclass(frozen=True)
class PartyStats:
    """party_stats: suits per party key and side, by court, cause and year, with their flags."""

    name: str = "party_stats"
    version: str = "1"
    inputs: tuple[str, ...] = ("party_mentions", "cases", "flags")
    optional_inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ("party_stats",)
    key_column: str = "party_key"  # incremental runs recompute the keys a batch touches

    def run(self, engine: Engine) -> int:
        return rebuild_table(engine, derived_table("party_stats"), PARTY_STATS_SQL)

    def affected_keys_sql(self, docs: str, removed: Mapping[str, str]) -> str:
        """The party keys of the documents in ``docs``, and of party mentions taken out."""
        return inc.touched_keys_sql("party_mentions", "party_key", docs, removed)

    def key_rows(self, engine: Engine, keys: str) -> dict[str, pa.Table]:
        """The party_stats rows of the party keys in ``keys`` (column ``k``)."""
        rows = inc.rows_for_keys(engine, "party_stats", PARTY_STATS_SQL, "party_mentions", "party_key", keys)
        return {"party_stats": rows}


# -- registry and driver -------------------------------------------------------------

# entity resolution first: party keys are entity ids when it has run
OPERATORS: list[Operator] = [EntityResolution(), PartyKeys(), PartyStats()]


def register(operator: Operator, *, before: str | None = None) -> None:
    """Add an operator (replacing one of the same name), optionally before another."""
    OPERATORS[:] = [op for op in OPERATORS if op.name != operator.name]
    if before is None:
        OPERATORS.append(operator)
        return
    names = [op.name for op in OPERATORS]
    if before not in names:
        raise KeyError(f"no operator {before!r}; registered: {', '.join(names)}")
    OPERATORS.insert(names.index(before), operator)


def register_domains() -> None:
    """Append the operators of every declared domain (`jiandu.domains`), in their order."""
    for operator in domain_operators():
        register(operator)


@dataclass(frozen=True, slots=True)
class OperatorReport:
    name: str
    status: str  # built | incremental | up_to_date | skipped
    rows: int | None
    seconds: float
    message: str = ""


def _signature(engine: Engine, op: Operator) -> str:
    counts = {t: engine.count(t) for t in op.inputs}
    counts |= {t: engine.count(t) for t in op.optional_inputs if engine.table_exists(t)}
    return json.dumps({"version": op.version, "counts": counts}, sort_keys=True)


def _last_signature(engine: Engine, name: str) -> str | None:
    if not engine.table_exists("operator_runs"):
        return None
    safe = name.replace("'", "''")
    rows = engine.query(
        f"SELECT inputs_signature FROM operator_runs WHERE operator = '{safe}' ORDER BY built_at DESC LIMIT 1"
    ).to_pylist()
    return str(rows[0]["inputs_signature"]) if rows else None


def operators_for(tables: Iterable[str]) -> list[Operator]:
    """The registered operators that build ``tables``, and those their inputs (optional ones
    included) need in turn, in operator order. A model run builds only what its models read:
    e.g. ``party_stats`` waits for a model that reads it."""
    wanted = set(tables)
    chosen: list[Operator] = []
    for op in reversed(OPERATORS):  # an operator's producers come before it
        if wanted & set(op.outputs):
            chosen.append(op)
            wanted.update(op.inputs, op.optional_inputs)
    return chosen[::-1]


def update_derived(
    engine: Engine,
    *,
    run_id: str,
    operators: Sequence[Operator] | None = None,
    force: bool = False,
    incremental: bool = True,
) -> list[OperatorReport]:
    """Bring derived tables up to date, in operator order; report what each operator did.

    With ``incremental`` (the default), an operator that can (`jiandu.models.incremental`)
    processes only the documents of ingest runs it has not covered and the documents or keys
    whose input rows an operator before it changed; ``force`` rebuilds everything."""
    engine.ensure_tables([derived_table("operator_runs")])
    inc.drop_leftovers(engine)
    reports: list[OperatorReport] = []
    deltas: dict[str, inc.Delta | str] = {}  # tables changed in this run
    try:
        for op in OPERATORS if operators is None else operators:
            reports.append(_update_one(engine, op, run_id, force, incremental, deltas))
    finally:
        temps = {t for d in deltas.values() if isinstance(d, inc.Delta) for t in (d.docs, d.removed) if t}
        for t in temps:
            inc.drop_scratch(engine, t)
    return reports


def hand_back_memory(engine: Engine) -> None:
    """Between the steps of a run: stop the text workers (about 0.35 GiB each at 1M documents,
    idle until the next text operator starts them again), flush the store's freed pages and
    give this process's back (`jiandu.memory.release_memory`)."""
    textpool.shutdown()
    engine.release_memory()
    release_memory()


def _update_one(
    engine: Engine,
    op: Operator,
    run_id: str,
    force: bool,
    incremental: bool,
    deltas: dict[str, inc.Delta | str],
) -> OperatorReport:
    started = time.perf_counter()
    missing = [t for t in op.inputs if not engine.table_exists(t)]
    if missing:
        return OperatorReport(op.name, "skipped", None, 0.0, f"missing input tables {missing}")
    signature = _signature(engine, op)
    upstream = {t: d for t, d in deltas.items() if t in op.inputs + op.optional_inputs}
    outputs_exist = all(engine.table_exists(t) for t in op.outputs)
    last = _last_signature(engine, op.name)
    if not force and not upstream and outputs_exist and last == signature:
        return OperatorReport(op.name, "up_to_date", None, time.perf_counter() - started)
    increment = (
        inc.plan_increment(engine, op, last, signature, upstream)
        if incremental and not force and outputs_exist
        else None
    )
    if increment is not None:
        rows, changed = inc.apply_increment(engine, op, increment)
        deltas.update(changed)
        inc.record_changes(engine, changed, run_id)
        status, message = "incremental", f"{increment.documents} documents"
        if not any(isinstance(d, inc.Delta) and d.docs == increment.docs for d in changed.values()):
            inc.drop_scratch(engine, increment.docs)  # no delta hands it on (keyed outputs: FULL)
        covered = increment.runs
    else:
        copies = inc.snapshot_outputs(engine, op.outputs) if incremental and not force else {}
        compared = (
            inc.snapshot_small(engine, [t for t in op.outputs if t not in copies])
            if incremental and not force
            else {}
        )
        covered = inc.document_runs(engine)  # before the build: what it sees
        rows = op.run(engine)
        unchanged = [t for t, copy in compared.items() if inc.same_rows(engine, t, copy)]
        for t in op.outputs:
            if t not in unchanged:
                deltas[t] = inc.diff_documents(engine, t, copies[t]) if t in copies else inc.FULL
        inc.record_changes(engine, [t for t in op.outputs if t not in unchanged], run_id)
        status, message = "built", f"输出未变 unchanged: {', '.join(unchanged)}" if unchanged else ""
    hand_back_memory(engine)  # the next operator starts without this one's working set
    seconds = time.perf_counter() - started
    if isinstance(op, inc.INCREMENTAL_KINDS):
        inc.record_coverage(engine, op.name, op.version, covered, run_id)
    record = {
        "operator": op.name,
        "version": op.version,
        "inputs_signature": signature,
        "output_rows": rows,
        "built_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
        "seconds": seconds,
        "run_id": run_id,
    }
    schema = derived_table("operator_runs")
    engine.append(schema.name, schema.to_arrow([record]))
    return OperatorReport(op.name, status, rows, seconds, message)
