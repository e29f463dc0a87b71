"""Reading the analytic store for pages: judgment texts, parties, model runs.

The web server only reads, and never the live file: DuckDB lets one process write a database
file or several read it, never both, so even a short read-only connection to ``jiandu.duckdb``
would make `jiandu run` fail. Writers publish a read snapshot when they finish
(`jiandu.engines.snapshot`); reads here go through one pooled read-only connection to the
current snapshot (`jiandu.engines.snapshot.ReadPool`: a cursor per request; DuckDB's catalog and
buffer pool stay warm between requests; a newly published snapshot is used from the next request
on). Opening the file afresh for every request cost 3–30 ms and cold reads. Pages therefore show
the last finished run, never half a run, and never keep a run waiting. A workspace on the Spark
engine is read through one shared engine (opened on first use, under a lock).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import duckdb

from jiandu.engines import snapshot
from jiandu.workflow.firms import RowSource
from jiandu.workspace import Workspace, WorkspaceError

DUCKDB_FILE = "jiandu.duckdb"


log = logging.getLogger(__name__)
UPDATING = "分析库正在更新，暂无可读的版本，请稍后刷新"
NOT_BUILT = "分析库尚未建立（未导入文书）"
_READ_TABLES = ("documents", "parties", "cases", "model_runs", "clues")


def _tables_named(sql: str) -> set[str]:
    """The store tables a page query reads (they may not exist before the first ingest/run)."""
    return {t for t in _READ_TABLES if f" {t} " in f" {sql} "}


READ_THREADS = 1  # DuckDB threads of the pooled snapshot connection (page queries are small)
DOCUMENT_CHUNK = 100  # documents per query (bound parameters per statement stay small)


def _chunks(doc_ids: Sequence[str]) -> Iterator[tuple[list[str], str]]:
    """The distinct non-empty ids in chunks of ``DOCUMENT_CHUNK``, each with its ``?, ?`` marks."""
    ids = list(dict.fromkeys(d for d in doc_ids if d))
    for start in range(0, len(ids), DOCUMENT_CHUNK):
        chunk = ids[start : start + DOCUMENT_CHUNK]
        yield chunk, ", ".join("?" for _ in chunk)


def _present(rows: _Rows, doc_ids: Sequence[str]) -> set[str]:
    """Which of ``doc_ids`` the store holds (ids only: cheap for hundreds)."""
    held: set[str] = set()
    for chunk, marks in _chunks(doc_ids):
        held |= {r["doc_id"] for r in rows(f"SELECT doc_id FROM documents WHERE doc_id IN ({marks})", chunk)}
    return held


def _documents(rows: _Rows, doc_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    docs: dict[str, dict[str, Any]] = {}
    for chunk, marks in _chunks(doc_ids):
        for r in rows(f"SELECT doc_id, title, text FROM documents WHERE doc_id IN ({marks})", chunk):
            docs[r["doc_id"]] = dict(r, parties=[])
        for r in rows(f"SELECT doc_id, case_number, court FROM cases WHERE doc_id IN ({marks})", chunk):
            if r["doc_id"] in docs:
                docs[r["doc_id"]].update(case_number=r["case_number"], court=r["court"])
        parties = (
            "SELECT doc_id, party_idx, role, side, name, kind FROM parties "
            f"WHERE doc_id IN ({marks}) ORDER BY doc_id, party_idx"
        )
        for r in rows(parties, chunk):
            if r["doc_id"] in docs:
                docs[r["doc_id"]]["parties"].append(r)
    return docs


class AnalyticUnavailable(Exception):
    """The analytic store cannot be read right now (missing, or held by a writer)."""


class AnalyticQueryFailed(AnalyticUnavailable):
    """A page's query failed; logged with its cause, shown to the user as an error notice."""

    def __init__(self) -> None:
        super().__init__("分析库查询出错，已记入日志，请联系管理员 (an analytic query failed; see the log)")


class _Rows(Protocol):
    def __call__(self, sql: str, params: Sequence[Any] = ...) -> list[dict[str, Any]]: ...


class _CursorSource:
    """A `RowSource` over a snapshot cursor whose tables are known."""

    def __init__(self, con: duckdb.DuckDBPyConnection, tables: frozenset[str]) -> None:
        self._con = con
        self._tables = tables

    def table_exists(self, name: str) -> bool:
        return name in self._tables

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self._con.execute(sql, list(params))
        names = [d[0] for d in cur.description or []]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


class AnalyticReader:
    """Read-only queries for the pages of one workspace."""

    def __init__(self, workspace_root: Path) -> None:
        self.root = workspace_root
        self._lock = threading.Lock()
        self._spark: Any = None
        self._pool = snapshot.ReadPool(workspace_root / DUCKDB_FILE, threads=READ_THREADS)

    def _kind(self) -> str:
        try:
            return str(Workspace(self.root).config().get("engine") or "duckdb")
        except WorkspaceError:
            return "duckdb"

    @contextmanager
    def _open(self) -> Iterator[_Rows]:
        if self._kind() == "spark":
            yield self._spark_rows
            return
        with self._snapshot_cursor() as (con, tables):

            def rows(sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
                if not _tables_named(sql) <= tables:
                    return []  # not loaded yet: nothing to show
                try:
                    cur = con.execute(sql, list(params))
                except duckdb.Error as exc:
                    log.exception("analytic query failed on DuckDB")
                    raise AnalyticQueryFailed() from exc
                names = [d[0] for d in cur.description or []]
                return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

            yield rows

    @contextmanager
    def _snapshot_cursor(self) -> Iterator[tuple[duckdb.DuckDBPyConnection, frozenset[str]]]:
        """A cursor of the pooled read-only connection to the published snapshot, and the
        snapshot's tables (see the module docstring)."""
        live = self.root / DUCKDB_FILE
        try:
            lease = self._pool.lease()
        except snapshot.SnapshotVanished as exc:
            log.warning("%s; giving up for this request", exc)
            raise AnalyticUnavailable(UPDATING) from exc
        except duckdb.Error as exc:
            log.exception("cannot open the read snapshot of %s", live)
            raise AnalyticUnavailable(UPDATING) from exc
        if lease is None:
            raise AnalyticUnavailable(UPDATING if live.is_file() else NOT_BUILT)
        with lease:
            yield lease.cursor, lease.tables

    @contextmanager
    def source(self) -> Iterator[RowSource | None]:
        """The analytic store as a `RowSource` (related clues, classes): the pooled snapshot on
        DuckDB, the shared engine on Spark; None before anything was published."""
        if self._kind() == "spark":
            with self._lock:
                if self._spark is None:
                    self._spark = Workspace(self.root).open_engine()
                engine = self._spark
            yield engine
            return
        with self._pool.cursor() as lease:
            yield None if lease is None else _CursorSource(lease.cursor, lease.tables)

    def _spark_rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._lock:
            if self._spark is None:
                self._spark = Workspace(self.root).open_engine()
            engine = self._spark
        if not all(engine.table_exists(t) for t in _tables_named(sql)):
            return []  # not loaded yet: nothing to show
        try:
            return list(engine.rows(sql, params))  # '?' bound by Spark, never pasted in
        except Exception as exc:
            log.exception("analytic query failed on Spark")
            raise AnalyticQueryFailed() from exc

    def documents(self, doc_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """doc_id → {text, title, case_number, court, parties: [...]} for every given document
        (asked for in chunks of ``DOCUMENT_CHUNK``; none is left out)."""
        with self._open() as rows:
            return _documents(rows, doc_ids)

    def cited_documents(
        self, shown: Sequence[str], cited: Sequence[str]
    ) -> tuple[dict[str, dict[str, Any]], set[str]]:
        """`documents` of ``shown`` and which of ``cited`` the store holds, on one connection."""
        with self._open() as rows:
            return _documents(rows, shown), _present(rows, cited)

    def evidence_total(self, clue_id: str) -> int | None:
        """How many evidence items the model found for a clue (``clues.evidence_count``: also
        those past its spec's ``evidence.max_items``, which the clue does not keep); None when
        the analytic store does not know the clue or cannot be read."""
        try:
            with self._open() as rows:
                found = rows("SELECT evidence_count FROM clues WHERE clue_id = ?", [clue_id])
        except AnalyticUnavailable:
            return None
        value = found[0]["evidence_count"] if found else None
        return None if value is None else int(value)

    def model_runs(self, model_id: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
        where, params = ("WHERE model_id = ? ", [model_id]) if model_id else ("", [])
        with self._open() as rows:
            found = rows(
                "SELECT run_id, model_id, model_version, region, parameters, engine, started_at, seconds, "
                f"candidates, clues, new_clues, red, yellow, green, status, message FROM model_runs {where}"
                f"ORDER BY started_at DESC LIMIT {int(limit)}",
                params,
            )
        for r in found:
            try:
                r["parameters"] = json.loads(r["parameters"]) if r.get("parameters") else {}
            except (TypeError, ValueError):
                r["parameters"] = {}
        return found

    def close(self) -> None:
        self._pool.close()
        with self._lock:
            if self._spark is not None:
                self._spark.close()
                self._spark = None
