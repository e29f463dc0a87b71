"""`jiandu ingest judgments PATH...`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from jiandu.cli.context import console, err_console, state
from jiandu.cli.progress import progress
from jiandu.ingest.pipeline import IngestReport, ingest_judgments, new_run_id
from jiandu.ingest.sources import DEFAULT_TEXT_FIELDS
from jiandu.ingest.units import MAX_FILES, TARGET_BYTES

app = typer.Typer(no_args_is_help=True)


def print_report(report: IngestReport) -> None:
    """The counts a data engineer checks after a load."""
    grid = Table(title=f"导入结果 Ingest {report.run_id}")
    grid.add_column("读取 read", justify="right")
    grid.add_column("解析入库 parsed", justify="right")
    grid.add_column("重复 duplicates", justify="right")
    grid.add_column("隔离 quarantined", justify="right")
    grid.add_column("seconds", justify="right")
    grid.add_column("docs/s", justify="right")
    rate = report.read / report.seconds if report.seconds else 0.0
    grid.add_row(
        str(report.read),
        str(report.parsed),
        str(report.duplicates),
        str(report.quarantined),
        f"{report.seconds:.1f}",
        f"{rate:.0f}",
    )
    console.print(grid)
    if report.by_type:
        kinds = Table(title="新文书类型 New documents by type")
        kinds.add_column("category/type")
        kinds.add_column("documents", justify="right")
        for kind, n in report.by_type.most_common():
            kinds.add_row(kind, str(n))
        console.print(kinds)
    if report.reasons:
        reasons = Table(title="隔离原因 Quarantine reasons (see `jiandu quarantine list`)")
        reasons.add_column("reason")
        reasons.add_column("records", justify="right")
        for code, n in report.reasons.most_common():
            reasons.add_row(code, str(n))
        console.print(reasons)


@app.command("judgments")
def judgments(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Files and folders: .txt .html .json .jsonl .zip.")],
    text_field: Annotated[
        list[str] | None,
        typer.Option(
            "--text-field",
            help=f"JSON field holding the text (repeatable; default {', '.join(DEFAULT_TEXT_FIELDS)}).",
        ),
    ] = None,
    workers: Annotated[int | None, typer.Option(help="Parsing processes (default: all cores).")] = None,
    batch_size: Annotated[
        int,
        typer.Option(
            help="Most input files in one work unit, the share a parsing process reads at a time "
            f"(a unit also ends at about {TARGET_BYTES // 2**20} MB of input; a JSON-lines file over "
            f"twice that is cut into line ranges instead).",
        ),
    ] = MAX_FILES,
) -> None:
    """Parse court documents and store them in the canonical tables (idempotent)."""
    st = state(ctx)
    st.ensure_workspace()
    run_id = new_run_id()
    log_path = st.start_log("ingest judgments", run_id)
    engine = st.open_engine()
    try:
        with progress("导入裁判文书") as bar:

            def show(report: IngestReport) -> None:
                bar.update(
                    note=f"已读 {report.read} · 入库 {report.parsed} · 重复 {report.duplicates} · "
                    f"隔离 {report.quarantined}"
                )

            report = ingest_judgments(
                engine,
                st.workspace.quarantine_dir,
                paths,
                text_fields=tuple(text_field) if text_field else DEFAULT_TEXT_FIELDS,
                workers=workers,
                batch_size=batch_size,
                on_progress=show,
                run_id=run_id,
            )
        print_report(report)
        console.print(f"Log: {log_path}")
    finally:
        engine.close()


@app.command("registers")
def registers(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(help="Register files or folders: .csv, .xlsx, .parquet, .json, .jsonl."),
    ],
    source: Annotated[
        str | None,
        typer.Option(help="Read every file with this declared source (default: by file name)."),
    ] = None,
) -> None:
    """Validate and load agency registers through their declared sources (`jiandu sources list`)."""
    from jiandu.ingest.registers import RegisterReport, ingest_registers
    from jiandu.sources.registry import catalogue

    st = state(ctx)
    st.ensure_workspace()
    sources = catalogue(st.workspace.root)
    for problem in sources.problems:
        err_console.print(f"[yellow]skipped a source that does not load:[/yellow] {problem}")
    if source is not None:
        try:
            sources.get(source)
        except KeyError as exc:
            err_console.print(f"[red]{exc.args[0]}[/red]")
            raise typer.Exit(1) from None
    run_id = new_run_id("registers")
    log_path = st.start_log("ingest registers", run_id)
    engine = st.open_engine()
    try:
        with progress("导入登记数据") as bar:

            def show(report: RegisterReport) -> None:
                bar.update(
                    note=f"已读 {sum(report.read.values())} 行 · 入库 {sum(report.loaded.values())} · "
                    f"隔离 {sum(report.quarantined.values())}"
                )

            report = ingest_registers(
                engine,
                st.workspace.quarantine_dir,
                paths,
                on_progress=show,
                run_id=run_id,
                sources=sources,
                source_id=source,
            )
        grid = Table(title=f"登记数据导入 Registers {report.run_id}")
        for column in ("file", "source", "table", "read", "loaded", "duplicates", "quarantined"):
            grid.add_column(column, justify="right" if column not in {"file", "source", "table"} else "left")
        for item in report.files:
            grid.add_row(
                Path(item.file).name,
                item.source,
                item.table,
                *(str(n) for n in (item.read, item.loaded, item.duplicates, item.quarantined)),
            )
        console.print(grid)
        read = sum(report.read.values())
        console.print(
            f"{read:,} rows in {report.seconds:.1f} s ({read / (report.seconds or 1e-9):,.0f} rows/s)"
        )
        for item in report.files:
            if item.ignored_columns:
                ignored = ", ".join(item.ignored_columns)
                console.print(f"{Path(item.file).name}: columns no canonical column reads: {ignored}")
        if report.reasons:
            console.print(
                "隔离 Quarantined: "
                + ", ".join(f"{code} {n}" for code, n in report.reasons.most_common())
                + " (see `jiandu quarantine list`)"
            )
        console.print(f"Log: {log_path}")
    finally:
        engine.close()
