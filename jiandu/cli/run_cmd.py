"""`jiandu run [MODEL...] [--region R]`: update derived tables, run models, write clues.

While `jiandu serve` is up: the web reads published snapshots, never the live store, so a run
never finds the store held by the web; a run that finds it held by another writer waits up to
JIANDU_LOCK_WAIT seconds. Closing the store after the run publishes the new snapshot, and the
clue sync that follows is one transaction of the workflow store (`jiandu.cli.clue_sync`).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from jiandu.cli.context import console, err_console, state
from jiandu.cli.models_cmd import library, regions_dir
from jiandu.cli.progress import progress
from jiandu.memory import release_memory
from jiandu.models.clues import ClueRows, read_clues
from jiandu.models.regions import RegionError, load_region
from jiandu.models.runner import RunReport, new_run_id, run

STATUS_ZH = {
    "built": "已重建",
    "incremental": "增量更新",
    "up_to_date": "无需更新",
    "skipped": "跳过",
    "ok": "完成",
    "failed": "失败",
}
KEPT_ZH = "输入未变"  # a model that kept its last run's clues (jiandu.models.model_inputs)


def print_run(report: RunReport) -> None:
    if report.operators:
        ops = Table(title="派生表 Derived tables")
        for heading in ("operator", "状态", "rows", "seconds", "note"):
            ops.add_column(heading)
        for op in report.operators:
            ops.add_row(
                op.name,
                STATUS_ZH.get(op.status, op.status),
                "" if op.rows is None else str(op.rows),
                f"{op.seconds:.2f}",
                op.message,
            )
        console.print(ops)
    grid = Table(
        title=f"模型运行 Run {report.run_id}" + (f"（地区 {report.region}）" if report.region else "")
    )
    for heading in (
        "模型 model",
        "版本",
        "状态",
        "候选",
        "线索",
        "新增",
        "更新",
        "红",
        "黄",
        "绿",
        "秒",
    ):
        grid.add_column(
            heading,
            justify="right"
            if heading in ("候选", "线索", "新增", "更新", "红", "黄", "绿", "秒")
            else "left",
        )
    for m in report.models:
        grid.add_row(
            m.model_id,
            m.version,
            KEPT_ZH if m.kept_from else STATUS_ZH.get(m.status, m.status),
            str(m.candidates),
            str(m.clues),
            str(m.new),
            str(m.updated),
            str(m.bands["red"]),
            str(m.bands["yellow"]),
            str(m.bands["green"]),
            f"{m.seconds:.2f}",
        )
    console.print(grid)
    kept = [m.model_id for m in report.models if m.kept_from]
    if kept:
        console.print(
            f"{len(kept)} 个模型的输入自上次运行以来未变，沿用其线索、未重新运行 "
            f"({len(kept)} models kept their clues, their inputs unchanged): {', '.join(kept)}"
        )
    for m in report.models:
        if m.message and not m.kept_from:
            (err_console if m.status == "failed" else console).print(f"{m.model_id}: {m.message}")


def run_models(
    ctx: typer.Context,
    models: Annotated[
        list[str] | None, typer.Argument(help="Model ids (default: every enabled model).")
    ] = None,
    region: Annotated[
        str | None, typer.Option(help="Region whose parameter values to use (name or YAML file).")
    ] = None,
    skip_operators: Annotated[bool, typer.Option(help="Do not update derived tables first.")] = False,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Rebuild every derived table the models read from scratch and run every model "
            "(default: only what new ingest runs touch; a model whose inputs did not change "
            "keeps its clues).",
        ),
    ] = False,
    sync: Annotated[
        bool, typer.Option(help="Upsert the clues into the workflow store afterwards (by clue id).")
    ] = True,
    time_limit: Annotated[
        float | None,
        typer.Option(
            min=0.001,
            help="Seconds each model may run before it is stopped and recorded as failed "
            "(default: JIANDU_MODEL_TIME_LIMIT or 600).",
        ),
    ] = None,
) -> None:
    """Bring derived tables up to date, run supervision models and write scored clues."""
    from jiandu.cli.clue_sync import latest_model_runs, sync_into_store  # the workflow store's code

    st = state(ctx)
    st.ensure_workspace()
    lib = library(ctx)
    try:
        chosen = load_region(region, regions_dir(ctx)) if region else None
    except RegionError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    run_id = new_run_id()
    st.start_log("run", run_id)
    # waits (JIANDU_LOCK_WAIT) while another process writes the store, then stops with a clear message
    engine = st.open_engine()
    try:
        total = len(models) if models else len(lib.enabled())
        with progress("运行监督模型", total=total) as bar:
            report = run(
                engine,
                lib,
                models or None,
                region=chosen,
                run_id=run_id,
                update_operators=not skip_operators,
                rebuild=full,
                time_limit=time_limit,
                on_stage=lambda stage: bar.update(note=stage),
                on_model=lambda _: bar.advance(),
            )
        clues: ClueRows | list[dict[str, Any]] = read_clues(engine) if sync else []  # Arrow until synced
        latest_runs = latest_model_runs(engine) if sync else {}  # for 未再命中: read with the clues
    except (KeyError, RegionError) as exc:
        err_console.print(f"[red]{exc.args[0] if isinstance(exc, KeyError) else exc}[/red]")
        raise typer.Exit(2) from None
    finally:
        engine.close()  # a finished run publishes the web's read snapshot here
        release_memory()  # DuckDB's buffer pool is gone: the sync starts without it
    print_run(report)
    if sync:
        # after the snapshot: the web has the documents new clues cite
        sync_into_store(ctx, clues, latest_runs)
    if not report.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("run")(run_models)
