"""`jiandu clues sync` (also the end of `jiandu run`): model-run clues into the workflow store.

All or nothing: every clue and every event of a sync go into the workflow store in one
transaction (`Store.write`). If anything fails — a malformed clue, the store locked by another
writer for longer than JIANDU_LOCK_WAIT, a lost database connection — the transaction is rolled
back, the store stays as it was, and the command says so in Chinese and English (the full
traceback goes to the workspace log), exiting with status 1.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

import typer
from sqlalchemy.exc import OperationalError

from jiandu.cli.context import console, err_console, state
from jiandu.cli.workflow_cmd import cli_principal, open_store
from jiandu.workflow import LatestRun, Store, mark_not_found, sync_clues
from jiandu.workflow.errors import WorkflowError
from jiandu.workflow.views import SyncResult

if TYPE_CHECKING:
    from jiandu.engines.base import Engine
    from jiandu.models.clues import ClueRows

log = logging.getLogger(__name__)


def latest_model_runs(engine: Engine) -> dict[str, LatestRun]:
    """Each model's latest run in the analytic store's ``model_runs`` (for 未再命中)."""
    from jiandu.models.clues import latest_runs

    return {
        model_id: LatestRun(run_id=r["run_id"], status=r["status"], finished_at=r["finished_at"])
        for model_id, r in latest_runs(engine).items()
    }


def load_run_clues(ctx: typer.Context) -> tuple[ClueRows, dict[str, LatestRun]]:
    """Every clue of the analytic store in the contract form (the store is opened and closed),
    as `ClueRows` (Arrow tables, turned into dicts a chunk at a time while the sync reads them),
    and each model's latest run, read in the same opening of the store."""
    from jiandu.models.clues import read_clues

    engine = state(ctx).open_engine()
    try:
        return read_clues(engine), latest_model_runs(engine)
    finally:
        engine.close()


def _clue_ids(clues: ClueRows | Collection[dict[str, Any]]) -> list[str]:
    table = getattr(clues, "clues", None)  # ClueRows: the ids straight from its Arrow table
    if table is not None:
        return [str(i) for i in table.column("clue_id").to_pylist()] if table.num_rows else []
    return [str(c["clue_id"]) for c in clues]


def _reason(exc: Exception) -> str:
    if isinstance(exc, OperationalError) and "locked" in str(exc).lower():
        return (
            "工作流库正被另一写入占用，等待超时 (the workflow store stayed locked by another writer; "
            "set JIANDU_LOCK_WAIT to wait longer)"
        )
    if isinstance(exc, WorkflowError):
        return str(exc)
    return f"{type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"


def sync_into_store(
    ctx: typer.Context,
    clues: ClueRows | Collection[dict[str, Any]],
    latest_runs: Mapping[str, LatestRun] | None = None,
) -> SyncResult:
    """Upsert the clues in one transaction of the workflow store; on failure roll back and exit 1.

    With ``latest_runs`` the clues are every clue of the analytic store (a full sync): the
    workflow clues of a model whose latest run succeeded but did not produce them are marked
    未再命中, marked clues produced again are unmarked (`jiandu.workflow.mark_not_found`)."""
    store = open_store(ctx)
    try:
        with store.write() as session:  # one transaction: commits at the end or rolls back
            actor = cli_principal(session).username
            result = sync_clues(session, clues, actor=actor)
            if latest_runs is not None:
                marks = mark_not_found(session, _clue_ids(clues), latest_runs, actor=actor)
                result.not_found, result.found_again = marks.marked, marks.found_again
    except Exception as exc:  # every failure: the transaction was rolled back, nothing was kept
        log.info("clue sync failed and was rolled back", exc_info=True)  # to the log file, not the screen
        err_console.print(
            f"[red]线索同步失败，已全部回滚，工作流库未改动：{_reason(exc)}\n"
            f"clue sync failed and was rolled back; the workflow store is unchanged "
            f"({len(clues)} clues not synced). Fix the cause and run `jiandu clues sync`.[/red]",
            soft_wrap=True,
        )
        raise typer.Exit(1) from None
    else:
        _rebuild_search(ctx, store)  # never raises: the sync stands whatever happens to search
    finally:
        store.close()
    console.print(
        f"synced {len(clues)} clues: {result.new} new, {result.rescored} rescored, {result.updated} updated, "
        f"{result.unchanged} unchanged, {result.not_found} no longer found (未再命中), "
        f"{result.found_again} found again"
    )
    return result


def _rebuild_search(ctx: typer.Context, store: Store) -> None:
    """Bring the web's search index up to date after a sync; a failure here keeps the sync."""
    from jiandu.workflow.search import analytic_source, rebuild_search_index

    try:
        with analytic_source(state(ctx).workspace.root) as source:
            index = rebuild_search_index(store, source)
        written = index.applied
        console.print(
            f"检索索引已更新 search index: {index.rows:,} 行 rows, 删除 {written.deleted:,} deleted, "
            f"新增 {written.inserted:,} inserted{'（整表重写 whole table）' if written.replaced else ''}, "
            f"写锁 write lock {index.locked_seconds:.1f} s"
        )
    except Exception:  # the clues are synced; search lags until `jiandu search reindex`
        log.warning("search index not rebuilt after the clue sync", exc_info=True)
        err_console.print("[yellow]检索索引未更新（线索已同步），请运行 jiandu search reindex[/yellow]")


def clues_sync(ctx: typer.Context) -> None:
    """Load the clues of model runs (analytic store) into the workflow store, by clue id."""
    clues, latest_runs = load_run_clues(ctx)
    sync_into_store(ctx, clues, latest_runs)
