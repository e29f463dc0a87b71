"""Reading clues back out of the store in the clue contract of ``architecture.md``.

One clue as a dict::

    {"clue_id", "model_id", "model_version", "subject": {"type", "key", "name"}, "score", "band",
     "explanation", "evidence": [{"kind", "source", "doc_id", "case_number", "span", "text",
     "label"}], "run_id", "region"}

``span`` is ``[start, end]`` (character offsets into the document text) or null. The dict also
carries ``features`` (the score features) and ``evidence_count``: how many distinct evidence items
the model found for the clue, which may exceed ``len(evidence)`` — a run keeps only the first
``evidence.max_items`` of its spec (default 30), so a page can say 显示前 30 项，共 N 项.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from jiandu.engines.base import Engine

BANDS = ("red", "yellow", "green")
CSV_COLUMNS = (
    "clue_id",
    "model_id",
    "model_version",
    "subject_type",
    "subject_key",
    "subject_name",
    "score",
    "band",
    "explanation",
    "evidence_count",
    "evidence",
    "run_id",
    "region",
)


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _where(model_ids: Sequence[str] | None, band: str | None, clue_ids: Sequence[str] | None) -> str:
    conditions = []
    if model_ids:
        conditions.append(f"model_id IN ({', '.join(_quote(m) for m in model_ids)})")
    if band:
        if band not in BANDS:
            raise ValueError(f"unknown band {band!r}; use one of {', '.join(BANDS)}")
        conditions.append(f"band = {_quote(band)}")
    if clue_ids:
        conditions.append(f"clue_id IN ({', '.join(_quote(c) for c in clue_ids)})")
    return ("WHERE " + " AND ".join(conditions)) if conditions else ""


_CHUNK = 10_000  # clues turned into dicts at once by `ClueRows`


class ClueRows:
    """Clues in the contract form, held as Arrow tables (clue rows by rank, evidence rows by clue)
    and turned into dicts ``chunk`` clues at a time while iterated: a whole run's clues without
    a Python object per clue and evidence item (issue 17: 1M judgments)."""

    def __init__(self, clues: pa.Table, evidence: pa.Table | None, *, chunk: int = _CHUNK) -> None:
        self.clues = clues
        self.evidence = evidence
        self.chunk = chunk
        self._where: dict[str, tuple[int, int]] = {}  # clue id → (first evidence row, end)
        if evidence is not None and evidence.num_rows:  # ordered by clue: one run of rows each
            runs = pc.run_end_encode(evidence.column("clue_id").combine_chunks())
            start = 0
            for clue_id, end in zip(runs.values.to_pylist(), runs.run_ends.to_pylist(), strict=True):
                self._where[clue_id] = (start, end)
                start = end

    def __len__(self) -> int:
        return self.clues.num_rows

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for start in range(0, self.clues.num_rows, self.chunk):
            rows = self.clues.slice(start, self.chunk).to_pylist()
            evidence = self._evidence([r["clue_id"] for r in rows])
            for r in rows:
                yield {
                    "clue_id": r["clue_id"],
                    "model_id": r["model_id"],
                    "model_version": r["model_version"],
                    "subject": {
                        "type": r["subject_type"],
                        "key": r["subject_key"],
                        "name": r["subject_name"],
                    },
                    "score": r["score"],
                    "band": r["band"],
                    "explanation": r["explanation"],
                    "features": json.loads(r["features"]) if r["features"] else {},
                    "evidence": evidence.get(r["clue_id"], []),
                    "evidence_count": r["evidence_count"],
                    "run_id": r["run_id"],
                    "region": r["region"],
                }

    def _evidence(self, clue_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {c: [] for c in clue_ids}
        if self.evidence is None:
            return out
        spans = [self._where[c] for c in out if c in self._where]
        if not spans:
            return out
        taken = self.evidence.take(pa.array([i for a, b in spans for i in range(a, b)], pa.int64()))
        for e in taken.to_pylist():
            span = [e["span_start"], e["span_end"]] if e["span_start"] is not None else None
            out[e["clue_id"]].append(
                {
                    "kind": e["kind"],
                    "source": e["source"],
                    "doc_id": e["doc_id"],
                    "case_number": e["case_number"],
                    "court": e["court"],
                    "span": span,
                    "text": e["text"],
                    "label": e["label"],
                }
            )
        return out


def read_clues(
    engine: Engine,
    *,
    model_ids: Sequence[str] | None = None,
    band: str | None = None,
    clue_ids: Sequence[str] | None = None,
    limit: int | None = None,
    with_evidence: bool = True,
) -> ClueRows:
    """Clues in the contract form, highest score first (ties by model and subject key), as
    `ClueRows`: read from the store now, turned into dicts when iterated."""
    if not engine.table_exists("clues"):
        return ClueRows(pa.table({"clue_id": pa.array([], pa.string())}), None)
    sql = (
        "SELECT clue_id, model_id, model_version, subject_type, subject_key, subject_name, score, "
        "band, explanation, features, evidence_count, run_id, region FROM clues "
        f"{_where(model_ids, band, clue_ids)} "
        "ORDER BY score DESC, model_id, subject_key"
    )
    if limit:
        sql += f" LIMIT {int(limit)}"
    clues = engine.query(sql)
    evidence = None
    if with_evidence and clues.num_rows and engine.table_exists("clue_evidence"):
        ids = pa.table({"k": pa.array(list(dict.fromkeys(clues.column("clue_id").to_pylist())), pa.string())})
        # the court as the document names it: old-style case numbers do not say where (jurisdictions)
        with_court = engine.table_exists("cases")
        court = "c.court" if with_court else "CAST(NULL AS VARCHAR)"
        court_join = "LEFT JOIN cases AS c ON c.doc_id = e.doc_id " if with_court else ""
        with engine.temp_table(ids, "clue_ids") as tmp:
            evidence = engine.query(
                "SELECT e.clue_id, e.evidence_idx, e.kind, e.source, e.doc_id, e.case_number, "
                f"e.span_start, e.span_end, e.text, e.label, {court} AS court FROM clue_evidence AS e "
                f"JOIN {tmp} AS x ON e.clue_id = x.k {court_join}"
                "ORDER BY e.clue_id, e.evidence_idx"
            )
    return ClueRows(clues, evidence)


def latest_runs(engine: Engine) -> dict[str, dict[str, Any]]:
    """Each model's latest run in ``model_runs``: model id → {run_id, status, finished_at}.

    Latest by when it finished, then started, then run id (a total order: two rows of one model
    never tie). A clue sync marks 未再命中 only for models whose latest run is ``ok``."""
    if not engine.table_exists("model_runs"):
        return {}
    rows = engine.query(
        "SELECT model_id, run_id, status, finished_at FROM ("
        "SELECT model_id, run_id, status, finished_at, row_number() OVER ("
        "PARTITION BY model_id ORDER BY finished_at DESC NULLS LAST, started_at DESC NULLS LAST, "
        "run_id DESC, status DESC) AS n FROM model_runs) AS r WHERE n = 1 ORDER BY model_id"
    ).to_pylist()
    return {
        r["model_id"]: {"run_id": r["run_id"], "status": r["status"], "finished_at": r["finished_at"]}
        for r in rows
    }


def load_clues(
    engine: Engine,
    *,
    model_ids: Sequence[str] | None = None,
    band: str | None = None,
    clue_ids: Sequence[str] | None = None,
    limit: int | None = None,
    with_evidence: bool = True,
) -> list[dict[str, Any]]:
    """Clues in the contract form, highest score first (ties by model and subject key)."""
    return list(
        read_clues(
            engine,
            model_ids=model_ids,
            band=band,
            clue_ids=clue_ids,
            limit=limit,
            with_evidence=with_evidence,
        )
    )


def find_clue(engine: Engine, prefix: str) -> dict[str, Any] | None:
    """One clue by id or unique id prefix (at least 6 characters); ValueError when ambiguous."""
    if not engine.table_exists("clues") or len(prefix) < 6 or not prefix.isalnum():
        return None
    ids = [
        r["clue_id"]
        for r in engine.query(
            f"SELECT clue_id FROM clues WHERE clue_id LIKE {_quote(prefix.lower() + '%')} "
            "ORDER BY clue_id LIMIT 3"
        ).to_pylist()
    ]
    if len(ids) > 1:
        raise ValueError(f"clue id prefix {prefix!r} is ambiguous; give more characters")
    if not ids:
        return None
    return load_clues(engine, clue_ids=ids)[0]


def to_jsonl(clues: Iterable[dict[str, Any]]) -> Iterable[str]:
    for clue in clues:
        yield json.dumps(clue, ensure_ascii=False) + "\n"


def to_csv(clues: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for c in clues:
        writer.writerow(
            [
                c["clue_id"],
                c["model_id"],
                c["model_version"],
                c["subject"]["type"],
                c["subject"]["key"],
                c["subject"]["name"],
                f"{c['score']:.2f}",
                c["band"],
                c["explanation"],
                c["evidence_count"],
                json.dumps(c["evidence"], ensure_ascii=False),
                c["run_id"],
                c["region"] or "",
            ]
        )
    return out.getvalue()
