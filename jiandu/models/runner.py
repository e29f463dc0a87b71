"""`jiandu run`: bring derived tables up to date, run models, write scored and evidenced clues.

For each model: resolve parameters (defaults, then the region's values), bind them into the
checked SQL, check the bound SQL again, run it on the engine, score each row
(score = 100 × Σ w·f / Σ w over the spec's features, each clipped to [0, 1]), band it, explain it,
gather its evidence, and write clues keyed by ``clue_id = hash(model id + subject key)``: a
rerun replaces a clue's row and evidence instead of adding another. One row per model goes to
``model_runs`` with parameters, input row counts, timings and clue counts. A model whose inputs,
spec, parameters and region are as they were at its latest ok run keeps its clues and is not run
again (`jiandu.models.model_inputs`; not with ``rebuild``).

Model SQL (and evidence SQL) runs through `Engine.model_query`: inside the engine's sandbox (no
files, URLs or extensions) and under a per-model time limit (`DEFAULT_TIME_LIMIT`, overridden
by ``JIANDU_MODEL_TIME_LIMIT`` or ``jiandu run --time-limit``). A model past its limit is
interrupted and recorded as failed with the reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from jiandu.engines.base import Engine, QueryTimeout
from jiandu.memory import release_memory
from jiandu.models import template
from jiandu.models.clues import latest_runs
from jiandu.models.library import Library
from jiandu.models.model_inputs import InputStates, kept_run, record_state
from jiandu.models.operators import OperatorReport, hand_back_memory, operators_for, update_derived
from jiandu.models.parameters import ParamValue, bind, to_json
from jiandu.models.regions import Region
from jiandu.models.spec import BAND_ZH, EVIDENCE_SUBJECTS_TABLE, ModelSpec, empty_slots_message
from jiandu.models.sql_guard import check_sql
from jiandu.models.store import replace_rows
from jiandu.schema.derived import derived_table, known_tables

log = logging.getLogger(__name__)
MAX_QUOTE = 300  # characters of a document quoted as evidence
DEFAULT_TIME_LIMIT = 600.0  # seconds one model's queries may take together
TIME_LIMIT_ENV = "JIANDU_MODEL_TIME_LIMIT"
# a model whose inputs are as they were at its last ok run keeps that run's clues
KEPT_MESSAGE = "输入未变，沿用运行 {run_id} 的线索 (inputs unchanged since run {run_id}: its clues kept)"


def default_time_limit() -> float:
    """The per-model time limit in seconds: ``JIANDU_MODEL_TIME_LIMIT`` or 10 minutes."""
    text = os.environ.get(TIME_LIMIT_ENV)
    if not text:
        return DEFAULT_TIME_LIMIT
    try:
        seconds = float(text)
    except ValueError:
        raise ValueError(f"{TIME_LIMIT_ENV}={text[:40]!r}: expected a number of seconds") from None
    if not seconds > 0:
        raise ValueError(f"{TIME_LIMIT_ENV}={text[:40]!r}: the time limit must be positive")
    return seconds


class _Deadline:
    """What is left of a model's time limit."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def left(self) -> float:
        left = self._end - time.monotonic()
        if left <= 0:
            raise QueryTimeout(self.seconds)
        return left


def new_run_id(now: dt.datetime | None = None) -> str:
    when = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%S")
    return f"run-{when}-{secrets.token_hex(3)}"


def clue_id(model_id: str, subject_key: str) -> str:
    """Stable clue id: the same model and subject give the same id on every run and engine."""
    return hashlib.sha256(f"{model_id}\x1f{subject_key}".encode()).hexdigest()[:32]


@dataclass(slots=True)
class ModelReport:
    model_id: str
    version: str
    status: str  # ok | failed | skipped
    candidates: int = 0
    clues: int = 0
    new: int = 0
    updated: int = 0
    bands: dict[str, int] = field(default_factory=lambda: {"red": 0, "yellow": 0, "green": 0})
    seconds: float = 0.0
    message: str = ""
    kept_from: str | None = None  # the run whose clues were kept: the inputs had not changed


@dataclass(slots=True)
class RunReport:
    run_id: str
    region: str | None
    engine: str
    operators: list[OperatorReport]
    models: list[ModelReport]

    @property
    def ok(self) -> bool:
        return all(m.status != "failed" for m in self.models)


@dataclass(slots=True)
class Clue:
    """A scored row on its way to the clues table."""

    clue_id: str
    subject_key: str
    subject_name: str | None
    score: float
    band: str
    explanation: str
    features: dict[str, dict[str, float]]
    row: dict[str, Any]
    evidence: list[dict[str, Any]] = field(default_factory=list)
    evidence_total: int = 0  # distinct items found; `evidence` keeps the spec's first max_items


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _clip(value: Any) -> float:
    if value is None:
        return 0.0
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    if number != number:  # NaN
        return 0.0
    return round(min(1.0, max(0.0, number)), 6)


def score_row(spec: ModelSpec, row: dict[str, Any]) -> tuple[float, dict[str, dict[str, float]]]:
    """Weighted mean of the clipped features, 0-100, and each feature's value and weight."""
    features = {
        name: {"value": _clip(row.get(name)), "weight": f.weight} for name, f in spec.features.items()
    }
    total = sum(f["weight"] for f in features.values())
    score = 100.0 * sum(f["value"] * f["weight"] for f in features.values()) / total
    return round(score, 2), features


def explain(spec: ModelSpec, row: dict[str, Any], params: dict[str, ParamValue], clue: Clue) -> str:
    values: dict[str, Any] = {**row, **params}
    values |= {
        "score": clue.score,
        "band": clue.band,
        "band_zh": BAND_ZH[clue.band],
        "subject_key": clue.subject_key,
        "subject_name": clue.subject_name,
        "model_name": spec.name_zh,
    }
    text = template.render(spec.explanation_zh, values)
    parts = [
        f"{spec.features[name].description_zh} {f['value']:.2f}（权重{f['weight']:g}）"
        for name, f in clue.features.items()
    ]
    return f"{text}\n风险分 {clue.score:.1f}（{BAND_ZH[clue.band]}）；评分依据：{'、'.join(parts)}。"


def _scalar_table(rows: list[dict[str, Any]]) -> pa.Table:
    """The scalar columns of result rows as Arrow (lists dropped, all-null columns as text)."""
    if not rows:
        return pa.table({"subject_key": pa.array([], pa.string())})
    names = [k for k, v in rows[0].items() if not isinstance(v, list | dict | tuple)]
    names = [n for n in names if all(not isinstance(r.get(n), list | dict | tuple) for r in rows)]
    columns = {}
    for name in names:
        array = pa.array([r.get(name) for r in rows])
        columns[name] = array.cast(pa.string()) if pa.types.is_null(array.type) else array
    return pa.table(columns)


def _document_details(
    engine: Engine, items: Iterable[dict[str, Any]]
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Case number, and the quoted span, for each (doc_id, span_start, span_end)."""
    keys = sorted(
        {(i["doc_id"], i["span_start"], i["span_end"]) for i in items if i["kind"] == "document"},
        key=lambda k: (k[0], -1 if k[1] is None else k[1], -1 if k[2] is None else k[2]),
    )
    if not keys:
        return {}
    spans = pa.table(
        {
            "doc_id": pa.array([k[0] for k in keys], pa.string()),
            "span_start": pa.array([k[1] for k in keys], pa.int64()),
            "span_end": pa.array([k[2] for k in keys], pa.int64()),
        }
    )
    has_docs = engine.table_exists("documents")
    has_cases = engine.table_exists("cases")
    quote = (
        f"CASE WHEN s.span_start IS NOT NULL AND s.span_end > s.span_start THEN "
        f"substring(d.text, s.span_start + 1, least(s.span_end - s.span_start, {MAX_QUOTE})) "
        "ELSE d.title END"
        if has_docs
        else "CAST(NULL AS VARCHAR)"
    )
    case_number = "c.case_number" if has_cases else "CAST(NULL AS VARCHAR)"
    with engine.temp_table(spans, "spans") as tmp:
        sql = (
            f"SELECT s.doc_id, s.span_start, s.span_end, {case_number} AS case_number, "
            f"{quote} AS text "
            f"FROM {tmp} AS s"
            + (" LEFT JOIN documents AS d ON d.doc_id = s.doc_id" if has_docs else "")
            + (" LEFT JOIN cases AS c ON c.doc_id = s.doc_id" if has_cases else "")
        )
        found = engine.query(sql).to_pylist()
    return {(r["doc_id"], r["span_start"], r["span_end"]): r for r in found}


def collect_evidence(
    engine: Engine,
    spec: ModelSpec,
    params: dict[str, ParamValue],
    clues: list[Clue],
    *,
    time_limit: float | None = None,
) -> None:
    """Fill each clue's evidence: documents with quoted spans, and data rows.

    The spec's evidence SQL runs in the engine's sandbox within `time_limit` seconds.
    """
    by_key = {c.subject_key: c for c in clues}
    raw: dict[str, list[dict[str, Any]]] = {k: [] for k in by_key}
    ev = spec.evidence
    if ev.doc_ids_column:
        for clue in clues:
            for doc_id in clue.row.get(ev.doc_ids_column) or []:
                if doc_id is not None:
                    raw[clue.subject_key].append(
                        {
                            "kind": "document",
                            "source": "documents",
                            "doc_id": str(doc_id),
                            "span_start": None,
                            "span_end": None,
                            "label": None,
                            "text": None,
                        }
                    )
    checked = spec.checked_evidence_sql()
    if checked is not None and clues:
        rows = [{**c.row, "subject_key": c.subject_key} for c in clues]
        sql = bind(checked.tree, params).sql(dialect="duckdb")
        check_sql(sql, [*known_tables(), EVIDENCE_SUBJECTS_TABLE], model=spec.id, what="evidence SQL")
        engine.register_temp(EVIDENCE_SUBJECTS_TABLE, _scalar_table(rows))
        try:
            found = engine.model_query(sql, time_limit=time_limit).to_pylist()
        finally:
            engine.drop_temp(EVIDENCE_SUBJECTS_TABLE)
        for r in found:
            key = None if r.get("subject_key") is None else str(r["subject_key"])
            if key not in raw:
                continue
            doc_id = r.get("doc_id")
            raw[key].append(
                {
                    "kind": "document" if doc_id is not None else "row",
                    "source": r.get("source"),
                    "doc_id": None if doc_id is None else str(doc_id),
                    "span_start": r.get("span_start"),
                    "span_end": r.get("span_end"),
                    "label": r.get("label"),
                    "text": r.get("text"),
                }
            )
    details = _document_details(engine, [i for items in raw.values() for i in items])
    for key, items in raw.items():
        unique: dict[tuple[Any, ...], dict[str, Any]] = {}
        for item in items:
            if item["kind"] == "document":
                d = details.get((item["doc_id"], item["span_start"], item["span_end"]), {})
                item["case_number"] = d.get("case_number")
                item["text"] = d.get("text")
            else:
                item["case_number"] = None
                item["text"] = item["text"] if item["text"] is not None else item["label"]
            ident = (
                item["kind"],
                item["source"],
                item["doc_id"],
                item["span_start"],
                item["span_end"],
                item["label"],
                # two register rows under one label are two facts (their text is the row)
                item["text"] if item["kind"] == "row" else None,
            )
            unique.setdefault(ident, item)
        ordered = sorted(
            unique.values(),
            key=lambda i: (
                i["kind"] != "document",
                i["case_number"] or "",
                i["doc_id"] or "",
                -1 if i["span_start"] is None else i["span_start"],
                -1 if i["span_end"] is None else i["span_end"],  # every field of `ident`: no tie
                i["label"] or "",
                i["source"] or "",
                i["text"] or "",
            ),
        )
        by_key[key].evidence = ordered[: ev.max_items]
        by_key[key].evidence_total = len(ordered)


def _row_order(row: dict[str, Any]) -> str:
    """A total order over result rows: of a subject's rows with the best score, the first by it
    makes the clue, whatever order the model's SQL returned them in."""
    return json.dumps(row, sort_keys=True, default=str, ensure_ascii=False)


def build_clues(spec: ModelSpec, rows: list[dict[str, Any]], params: dict[str, ParamValue]) -> list[Clue]:
    """Scored, banded, explained clues from the model's result rows (one per subject)."""
    best: dict[str, Clue] = {}
    for row in rows:
        key = row.get(spec.subject.key_column)
        if key is None or str(key) == "":
            continue
        key = str(key)
        score, features = score_row(spec, row)
        band = spec.scoring.bands.band(score)
        if band is None:
            continue
        name = row.get(spec.subject.name_column)
        clue = Clue(
            clue_id(spec.id, key),
            key,
            None if name is None else str(name),
            score,
            band,
            "",
            features,
            row,
        )
        current = best.get(key)
        if (
            current is None
            or score > current.score
            or (score == current.score and _row_order(row) < _row_order(current.row))
        ):
            best[key] = clue
    clues = sorted(best.values(), key=lambda c: (-c.score, c.subject_key))
    for clue in clues:
        clue.explanation = explain(spec, clue.row, params, clue)
    return clues


def _write(
    engine: Engine,
    spec: ModelSpec,
    clues: list[Clue],
    *,
    run_id: str,
    region: str | None,
    now: dt.datetime,
) -> tuple[int, int]:
    """Write clues and evidence (replacing earlier versions of the same clues); (new, updated).

    The model's clues this run did not produce again are taken out with their evidence: the
    data no longer supports them, and left in place they would be read and synced as current."""
    ids = [c.clue_id for c in clues]
    stored = _stored_clues(engine, spec.id)
    previous = {i: stored[i] for i in ids if i in stored}
    stale = sorted(set(stored) - set(ids))
    clue_rows = []
    evidence_rows = []
    for c in clues:
        before = previous.get(c.clue_id)
        clue_rows.append(
            {
                "clue_id": c.clue_id,
                "model_id": spec.id,
                "model_version": spec.version,
                "subject_type": spec.subject.type,
                "subject_key": c.subject_key,
                "subject_name": c.subject_name,
                "score": c.score,
                "band": c.band,
                "explanation": c.explanation,
                "features": json.dumps(c.features, ensure_ascii=False, sort_keys=True),
                # every item found, also those past the spec's max_items (not stored)
                "evidence_count": max(c.evidence_total, len(c.evidence)),
                "region": region,
                "run_id": run_id,
                "first_run_id": before["first_run_id"] if before else run_id,
                "first_seen_at": before["first_seen_at"] if before else now,
                "updated_at": now,
            }
        )
        for idx, item in enumerate(c.evidence):
            evidence_rows.append(
                {
                    "clue_id": c.clue_id,
                    "evidence_idx": idx,
                    "kind": item["kind"],
                    "source": item["source"],
                    "doc_id": item["doc_id"],
                    "case_number": item["case_number"],
                    "span_start": item["span_start"],
                    "span_end": item["span_end"],
                    "text": item["text"],
                    "label": item["label"],
                }
            )
    _replace_clues(engine, clue_rows, evidence_rows, ids + stale)
    return len(ids) - len(previous), len(previous)


def _stored_clues(engine: Engine, model_id: str) -> dict[str, dict[str, Any]]:
    """The stored clues of ``model_id``: id → when and by which run each was first seen (a clue
    id is a hash of the model id, so this run's clues that exist already are among them)."""
    if not engine.table_exists("clues"):
        return {}
    rows = engine.query(
        "SELECT clue_id, first_run_id, first_seen_at FROM clues WHERE model_id = ?", [model_id]
    ).to_pylist()
    return {r["clue_id"]: r for r in rows}


def _replace_clues(
    engine: Engine, clue_rows: list[dict[str, Any]], evidence_rows: list[dict[str, Any]], ids: list[str]
) -> None:
    """Replace the clues and evidence of ``ids`` with the rows given (none: delete them)."""
    clues_schema = derived_table("clues")
    evidence_schema = derived_table("clue_evidence")
    replace_rows(engine, clues_schema, "clue_id", clues_schema.to_arrow(clue_rows), keys=ids)
    replace_rows(engine, evidence_schema, "clue_id", evidence_schema.to_arrow(evidence_rows), keys=ids)


def run_model(
    engine: Engine,
    spec: ModelSpec,
    params: dict[str, ParamValue],
    *,
    run_id: str,
    region: str | None = None,
    time_limit: float | None = None,
    input_state: str | None = None,
) -> ModelReport:
    """Run one model and record it in model_runs (and, when it is ok, the ``input_state`` it
    ran on: `jiandu.models.model_inputs`); failures are reported, not raised.

    The model's queries get `time_limit` seconds together (default `default_time_limit()`);
    past it the query is interrupted and the run recorded as failed.
    """
    started_at = _utcnow()
    t0 = time.perf_counter()
    report = ModelReport(spec.id, spec.version, "ok")
    deadline = _Deadline(time_limit if time_limit is not None else default_time_limit())
    counts: dict[str, int] = {}
    try:
        missing = [t for t in spec.inputs if not engine.table_exists(t)]
        if missing:
            report.status = "skipped"
            report.message = f"input tables {missing} do not exist yet (ingest data or run operators)"
        else:
            counts = {t: engine.count(t) for t in spec.inputs}
            slot_counts = {
                s.table: counts[s.table] if s.table in counts else engine.count(s.table)
                for s in spec.input_slots()
                if s.table in counts or engine.table_exists(s.table)
            }
            empty = spec.empty_slots(slot_counts)
            if empty:  # it still runs (documents may suffice), but says why it may find nothing
                report.message = empty_slots_message(empty)
            sql = bind(spec.checked_sql().tree, params).sql(dialect="duckdb")
            check_sql(sql, known_tables(), model=spec.id)  # the bound SQL, once more
            rows = engine.model_query(sql, time_limit=deadline.left()).to_pylist()
            report.candidates = len(rows)
            clues = build_clues(spec, rows, params)
            collect_evidence(engine, spec, params, clues, time_limit=deadline.left())
            report.new, report.updated = _write(
                engine, spec, clues, run_id=run_id, region=region, now=started_at
            )
            report.clues = len(clues)
            for c in clues:
                report.bands[c.band] += 1
    except QueryTimeout:
        limit = deadline.seconds  # the model's limit, not what was left for its last query
        log.error("model %s stopped at its time limit of %g s", spec.id, limit)
        report.status = "failed"
        report.message = (
            f"模型运行超过时间限制 {limit:g} 秒，已中止 "
            f"(the model ran past its time limit of {limit:g} s and was interrupted)"
        )
    except Exception as exc:  # one broken model must not stop the others; the run records why
        log.exception("model %s failed", spec.id)
        report.status = "failed"
        report.message = f"{type(exc).__name__}: {exc}"
    report.seconds = time.perf_counter() - t0
    _record_run(engine, spec, report, run_id=run_id, region=region, parameters=params,
                counts=counts, started_at=started_at, input_state=input_state)
    return report


def _parameters_json(params: dict[str, ParamValue]) -> dict[str, Any]:
    return {k: to_json(v) for k, v in params.items()}


def _record_run(
    engine: Engine,
    spec: ModelSpec,
    report: ModelReport,
    *,
    run_id: str,
    region: str | None,
    parameters: dict[str, ParamValue],
    counts: dict[str, int],
    started_at: dt.datetime,
    input_state: str | None,
) -> None:
    """One row of ``model_runs`` for the report, and the input state it depended on."""
    schema = derived_table("model_runs")
    engine.append(
        schema.name,
        schema.to_arrow(
            [
                {
                    "run_id": run_id,
                    "model_id": spec.id,
                    "model_version": spec.version,
                    "spec_hash": spec.content_hash(),
                    "region": region,
                    "parameters": json.dumps(
                        _parameters_json(parameters), ensure_ascii=False, sort_keys=True
                    ),
                    "input_counts": json.dumps(counts, sort_keys=True),
                    "engine": engine.name,
                    "started_at": started_at,
                    "finished_at": _utcnow(),
                    "seconds": report.seconds,
                    "candidates": report.candidates,
                    "clues": report.clues,
                    "new_clues": report.new,
                    "updated_clues": report.updated,
                    "red": report.bands["red"],
                    "yellow": report.bands["yellow"],
                    "green": report.bands["green"],
                    "status": report.status,
                    "message": report.message or None,
                }
            ]
        ),
    )
    if report.status == "ok":
        record_state(engine, run_id, spec.id, input_state)


def keep_model(
    engine: Engine,
    spec: ModelSpec,
    params: dict[str, ParamValue],
    previous: dict[str, Any],
    *,
    run_id: str,
    region: str | None,
    input_state: str,
) -> ModelReport:
    """Record that the model's inputs are as they were at its run ``previous`` (a ``model_runs``
    row, `kept_run`): its clues stand, so it does not run again."""
    started_at = _utcnow()
    t0 = time.perf_counter()
    report = ModelReport(
        spec.id,
        spec.version,
        "ok",
        candidates=int(previous["candidates"] or 0),
        clues=int(previous["clues"] or 0),
        bands={band: int(previous[band] or 0) for band in ("red", "yellow", "green")},
        message=KEPT_MESSAGE.format(run_id=previous["run_id"]),
        kept_from=str(previous["run_id"]),
    )
    counts = json.loads(previous["input_counts"] or "{}")
    report.seconds = time.perf_counter() - t0
    _record_run(engine, spec, report, run_id=run_id, region=region, parameters=params,
                counts=counts, started_at=started_at, input_state=input_state)
    return report


def run(
    engine: Engine,
    library: Library,
    model_ids: Sequence[str] | None = None,
    *,
    region: Region | None = None,
    run_id: str | None = None,
    update_operators: bool = True,
    rebuild: bool = False,
    time_limit: float | None = None,
    on_stage: Callable[[str], None] | None = None,
    on_model: Callable[[ModelReport], None] | None = None,
) -> RunReport:
    """Run the named models (default: every enabled model) after updating the derived tables
    they read (and the tables those are built from). ``on_stage`` hears each stage's Chinese
    name before it starts, ``on_model`` each model's report when it is done (for progress).

    Raises KeyError for an unknown model id and RegionError for region values that do not fit,
    before anything runs. `time_limit` is each model's limit in seconds (default
    `default_time_limit()`). ``rebuild`` rebuilds every derived table it needs in full instead of
    updating them incrementally, and runs every model even when its inputs did not change.
    """
    time_limit = time_limit if time_limit is not None else default_time_limit()
    specs = [library.get(m) for m in model_ids] if model_ids else library.enabled()
    params = {s.id: (region.parameters_for(s) if region else s.resolve()) for s in specs}
    run_id = run_id or new_run_id()
    engine.ensure_tables([derived_table(t) for t in ("clues", "clue_evidence", "model_runs")])
    needed = operators_for(t for spec in specs for t in spec.inputs)
    if update_operators and on_stage:
        on_stage("更新派生表")
    operators = (
        update_derived(engine, run_id=run_id, operators=needed, force=rebuild)
        if update_operators
        else []
    )
    # also what update_derived freed after its last operator (its scratch tables), before the
    # models' SQL locks the store's configuration
    hand_back_memory(engine)
    reports = []
    region_name = region.region if region else None
    latest = {} if rebuild else latest_runs(engine)
    states = InputStates(engine)
    for spec in specs:
        state = states.of(spec, _parameters_json(params[spec.id]), region_name)
        previous = kept_run(engine, spec.id, latest, state)
        if previous is not None and state is not None:
            report = keep_model(engine, spec, params[spec.id], previous, run_id=run_id,
                                region=region_name, input_state=state)
            reports.append(report)
            if on_model:
                on_model(report)
            continue
        if on_stage:
            on_stage(f"运行 {spec.name_zh}")
        report = run_model(
            engine,
            spec,
            params[spec.id],
            run_id=run_id,
            region=region_name,
            time_limit=time_limit,
            input_state=state,
        )
        reports.append(report)
        release_memory()
        if on_model:
            on_model(report)
    return RunReport(run_id, region.region if region else None, engine.name, operators, reports)
