"""What a model's clues depend on, and whether it changed since the model's last run.

A daily batch of judgments leaves most models' inputs as they were: the hotel, fuel, water,
land and social-insurance models read agency registers and the tables built from them only.
Such a model need not run again: its clues would be the ones it already wrote. `jiandu run`
(without ``--full``) keeps them, and records the run as ``ok`` with a message saying so, when the
state below equals the one recorded by the model's latest run, which must have been ``ok``:

* the spec's content hash (its SQL, features, thresholds, version), the parameter values, the
  region and the engine, and the fingerprint of jiandu's code (`code_fingerprint`: the code that
  scores and explains, whether or not its version number changed);
* every input table, and the tables evidence is read from (``documents``, ``cases``) when the
  model's evidence may name documents (`may_cite_documents`): a
  canonical table by its row count (canonical tables are insert-only, the rule the incremental
  operators rely on, `jiandu.models.incremental`); a derived table by the runs that changed it
  (``table_changes``: every build or update of it, except a full build that left exactly the rows
  it had; in a store from before that table, the builds of the operator that writes it).

A model whose SQL reads the clock (``current_date`` and the like) or a derived table that no
operator writes always runs. The state is kept per run and model in ``model_run_inputs``.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from sqlglot import exp

import jiandu
from jiandu.engines.base import Engine
from jiandu.models.incremental import stamps, table_stamps
from jiandu.models.operators import OPERATORS
from jiandu.models.spec import EVIDENCE_SUBJECTS_TABLE, ModelSpec
from jiandu.schema.derived import derived_table
from jiandu.schema.registry import canonical_tables

TABLE = "model_run_inputs"
EVIDENCE_TABLES = ("documents", "cases")  # read for every document evidence item (runner.py)
# functions whose value depends on when the query runs
_CLOCK = (exp.CurrentDate, exp.CurrentDatetime, exp.CurrentTime, exp.CurrentTimestamp)
_CLOCK_NAMES = frozenset({"now", "today", "current_date", "current_timestamp", "get_current_time",
                          "current_localtimestamp", "localtimestamp", "localtime"})


# the files of the package that can change a clue: code, specs, schemas, word lists, the fitted
# entity-resolution model (not the web pages' templates, styles and scripts)
_CODE_SUFFIXES = frozenset({".py", ".yaml", ".yml", ".json", ".txt"})


def source_fingerprint(root: Path) -> str:
    """A SHA-256 over the relative paths and contents of the files under ``root`` whose suffix is
    in `_CODE_SUFFIXES` (compiled caches aside)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix not in _CODE_SUFFIXES or "__pycache__" in path.parts or not path.is_file():
            continue
        name = path.relative_to(root).as_posix().encode()
        body = path.read_bytes()
        digest.update(len(name).to_bytes(4, "little") + name + len(body).to_bytes(8, "little") + body)
    return digest.hexdigest()


@cache
def code_fingerprint() -> str:
    """The fingerprint of the running jiandu package (`source_fingerprint`), read once per process:
    an upgrade or a local change to its code makes every model run again, even when the version
    number stayed (it is not bumped for every change)."""
    return source_fingerprint(Path(jiandu.__file__).resolve().parent)


def reads_clock(spec: ModelSpec) -> bool:
    """Whether the spec's SQL or evidence SQL calls a function of the current date or time."""
    trees = [spec.checked_sql().tree]
    evidence = spec.checked_evidence_sql()
    if evidence is not None:
        trees.append(evidence.tree)
    for tree in trees:
        for node in tree.find_all(exp.Func):
            if isinstance(node, _CLOCK):
                return True
            name = node.name.lower() if isinstance(node, exp.Anonymous) else ""
            if name in _CLOCK_NAMES:
                return True
    return False


def _null(node: exp.Expr) -> bool:
    """A NULL literal, or a cast of one."""
    while isinstance(node, exp.Alias | exp.Cast | exp.TryCast | exp.Paren):
        node = node.this
    return isinstance(node, exp.Null)


def _branches(tree: exp.Expr) -> list[exp.Expr]:
    """The SELECTs of a query's top-level UNION (the query itself when it is one SELECT)."""
    if isinstance(tree, exp.SetOperation):
        return _branches(tree.left) + _branches(tree.right)
    while isinstance(tree, exp.Subquery):
        tree = tree.this
    return [tree]


def may_cite_documents(spec: ModelSpec) -> bool:
    """Whether the model's evidence may name documents, whose case numbers and quotes are read
    from ``documents`` and ``cases``: a document-id column, or evidence SQL whose ``doc_id`` is not
    NULL in every branch (the register models write ``CAST(NULL AS VARCHAR) AS doc_id``)."""
    if spec.evidence.doc_ids_column:
        return True
    evidence = spec.checked_evidence_sql()
    if evidence is None:
        return False
    for branch in _branches(evidence.tree):
        if not isinstance(branch, exp.Select):
            return True
        named = [e for e in branch.expressions if e.alias_or_name == "doc_id"]
        if len(named) != 1 or not _null(named[0]):
            return True
    return False


def _tables(spec: ModelSpec) -> list[str]:
    read = set(spec.inputs) | {s.table for s in spec.input_slots()}
    if may_cite_documents(spec):
        read |= set(EVIDENCE_TABLES)
    return sorted(read - {EVIDENCE_SUBJECTS_TABLE})


class InputStates:
    """The input states of the models of one run. The stores' tables do not change while the
    models run (they write only clues and run records), so each table's count and the change
    logs are read once for all of them, not once per model."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._writers = {table: op.name for op in OPERATORS for table in op.outputs}
        self._canonical = canonical_tables()
        self._counts: dict[str, int] = {}
        self._changes: dict[str, str] | None = None
        self._builds: dict[str, str] | None = None

    def _stamp(self, name: str) -> Any:
        """A table's stamp (None: it cannot be known)."""
        engine = self._engine
        if name in self._canonical:
            if name not in self._counts:
                self._counts[name] = engine.count(name)
            return self._counts[name]
        if self._changes is None:
            self._changes = table_stamps(engine)
        if name in self._changes:
            return f"changed@{self._changes[name]}"
        writer = self._writers.get(name)  # a store from before table_changes: the writer's builds
        if writer is None:
            return None
        if self._builds is None:
            self._builds = stamps(engine, "operator_runs", "operator", "built_at")
        return f"{writer}@{self._builds[writer]}" if writer in self._builds else None

    def of(self, spec: ModelSpec, parameters: dict[str, Any], region: str | None) -> str | None:
        """The state the model's clues depend on, as JSON; None when it cannot be known (the SQL
        reads the clock, an input table is missing, or a derived input has no operator)."""
        if reads_clock(spec):
            return None
        tables: dict[str, Any] = {}
        for name in _tables(spec):
            stamp = self._stamp(name) if self._engine.table_exists(name) else None
            if stamp is None:
                return None
            tables[name] = stamp
        return json.dumps(
            {
                "spec": spec.content_hash(),
                "parameters": parameters,
                "region": region,
                "engine": self._engine.name,
                "jiandu": jiandu.__version__,
                "code": code_fingerprint(),
                "tables": tables,
            },
            ensure_ascii=False,
            sort_keys=True,
            default=str,
        )


def kept_run(
    engine: Engine, model_id: str, latest: dict[str, dict[str, Any]], state: str | None
) -> dict[str, Any] | None:
    """The ``model_runs`` row of the model's latest run (``latest``: `latest_runs`) when it was
    ``ok`` and recorded the same input state ``state``: its clues are still the model's clues.
    None when the model must run."""
    previous = latest.get(model_id)
    if state is None or previous is None or previous["status"] != "ok" or not engine.table_exists(TABLE):
        return None
    key = [str(previous["run_id"]), model_id]
    where = "run_id = ? AND model_id = ?"
    states = engine.query(f"SELECT state FROM {TABLE} WHERE {where}", key).to_pylist()
    if not states or states[0]["state"] != state:
        return None
    rows = engine.query(f"SELECT * FROM model_runs WHERE {where} AND status = 'ok'", key).to_pylist()
    return rows[0] if rows else None


def record_state(engine: Engine, run_id: str, model_id: str, state: str | None) -> None:
    """Keep the input state of one model run (nothing when it could not be known)."""
    if state is None:
        return
    schema = derived_table(TABLE)
    engine.create_table(schema)
    engine.append(TABLE, schema.to_arrow([{"run_id": run_id, "model_id": model_id, "state": state}]))
