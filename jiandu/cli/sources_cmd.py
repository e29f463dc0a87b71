"""`jiandu sources list|show|validate|add`: the declared sources (数据源登记) of a workspace."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.panel import Panel
from rich.table import Table

from jiandu.cli.context import console, err_console, state
from jiandu.sources.model import REFRESH_ZH, SENSITIVITY_ZH, SourceError
from jiandu.sources.registry import Catalogue, add_source, catalogue, read_source_file

app = typer.Typer(no_args_is_help=True)


def _catalogue(ctx: typer.Context) -> Catalogue:
    found = catalogue(state(ctx).workspace.root)
    for problem in found.problems:
        err_console.print(f"[yellow]skipped a source that does not load:[/yellow] {problem}")
    return found


def loaded_rows(ctx: typer.Context, table: str) -> dict[str, int] | None:
    """Rows per source id in ``table`` of this workspace; None without a workspace or table."""
    st = state(ctx)
    if not st.workspace.exists():
        return None
    engine = st.open_engine()
    try:
        if not engine.table_exists(table):
            return None
        names = engine.stored_schema(table).names
        if "source_id" not in names:
            return {"(before sources were declared)": engine.count(table)}
        rows = engine.query(
            f"SELECT coalesce(source_id, '(none)') AS s, count(*) AS n FROM \"{table}\" GROUP BY 1"
        ).to_pylist()
        return {r["s"]: int(r["n"]) for r in rows}
    finally:
        engine.close()


def past_retention(ctx: typer.Context, table: str, source_id: str, days: int) -> int | None:
    """Rows of ``source_id`` in ``table`` loaded more than ``days`` ago (by their load's
    ingest_runs row); None without a workspace, table or provenance."""
    st = state(ctx)
    if not st.workspace.exists():
        return None
    engine = st.open_engine()
    try:
        if not engine.table_exists(table) or not engine.table_exists("ingest_runs"):
            return None
        if "load_id" not in engine.stored_schema(table).names:
            return None
        cutoff = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=days)
        rows = engine.query(
            f'SELECT count(*) AS n FROM "{table}" AS t JOIN ingest_runs AS r ON r.run_id = t.load_id '
            "WHERE t.source_id = ? AND r.started_at < ?",
            [source_id, cutoff],
        ).to_pylist()
        return int(rows[0]["n"])
    finally:
        engine.close()


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """List the declared sources: this workspace's own, then the built-in ones."""
    found = _catalogue(ctx)
    grid = Table(title=f"数据源 Sources: {len(found.sources)}")
    for heading in (
        "编号 id",
        "机关 agency",
        "数据集 dataset",
        "标准表 table",
        "来源",
        "密级",
        "更新",
        "文件 files",
    ):
        grid.add_column(heading, overflow="fold")
    for loaded in found.sources:
        s = loaded.source
        grid.add_row(
            s.id,
            s.agency,
            s.dataset,
            s.table,
            "内置" if loaded.origin == "builtin" else "本院登记",
            SENSITIVITY_ZH[s.sensitivity],
            REFRESH_ZH[s.refresh],
            f"{'/'.join(s.files.format)}: {', '.join(s.files.names)}",
        )
    console.print(grid)


@app.command("show")
def show(
    ctx: typer.Context,
    source_id: Annotated[str, typer.Argument(help="Source id, e.g. court.shixin_list.")],
) -> None:
    """Show a source: agency, legal basis, sensitivity, retention, files and column mapping."""
    found = _catalogue(ctx)
    try:
        loaded = found.get(source_id)
    except KeyError as exc:
        err_console.print(f"[red]{exc.args[0]}[/red]")
        raise typer.Exit(1) from None
    s = loaded.source
    basis = "\n".join(f"·{b.law}{b.article or ''}{'：' + b.text if b.text else ''}" for b in s.legal_basis)
    files = s.files
    rows = loaded_rows(ctx, s.table)
    here = "（本工作区尚无该表）" if rows is None else f"{rows.get(s.id, 0):,} 行 rows"
    old = past_retention(ctx, s.table, s.id, s.retention_days)
    if old:
        here += f"，其中 {old:,} 行已超过保存期限 (past retention)"
    console.print(
        Panel(
            f"[bold]{s.dataset}[/bold]  {s.agency}\n"
            f"编号 {s.id}  版本 {s.version}  来源 {loaded.origin} ({loaded.path})\n"
            + (f"{s.description}\n" if s.description else "")
            + f"\n[bold]法律依据 legal basis[/bold]\n{basis}\n\n"
            f"[bold]密级 sensitivity[/bold] {SENSITIVITY_ZH[s.sensitivity]} ({s.sensitivity})  "
            f"[bold]保存期限 retention[/bold] {s.retention_days} 天  "
            f"[bold]更新 refresh[/bold] {REFRESH_ZH[s.refresh]} ({s.refresh})\n"
            f"[bold]标准表 table[/bold] {s.table}（{s.table_schema.title_zh}）  本工作区已导入 {here}\n"
            f"[bold]文件 files[/bold] {'/'.join(files.format)}: {', '.join(files.names)}；"
            f"编码 {files.encoding}；表头 {files.header_rows} 行；标题行 {files.title_rows}"
            + (f"；工作表 {files.sheet}" if files.sheet else "")
            + f"\n[bold]时区 time zone[/bold] {s.time_zone}  [bold]坐标系 datum[/bold] {s.coordinate_system}",
            title="数据源 Source",
        )
    )
    grid = Table(title="字段映射 Column mapping")
    for heading in ("标准列 column", "导出列 export column(s)", "代码表 codes", "转换 transform"):
        grid.add_column(heading, overflow="fold")
    for name, mapping in s.columns.items():
        origin = " | ".join(mapping.from_) if mapping.from_ else f"= {mapping.value}"
        codes = ", ".join(f"{k}→{v}" for k, v in list((mapping.codes or {}).items())[:8])
        if mapping.codes and len(mapping.codes) > 8:
            codes += f" …(+{len(mapping.codes) - 8})"
        transform = mapping.transform or ""
        if mapping.scale:
            transform = f"{transform} ×{mapping.scale:g}".strip()
        grid.add_row(name, origin, codes, transform)
    console.print(grid)


@app.command("validate")
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Source declarations (.yaml) to check.")],
) -> None:
    """Check declarations without installing them; exit 1 if any is invalid."""
    bad = 0
    for path in paths:
        try:
            source = read_source_file(path)
        except SourceError as exc:
            bad += 1
            err_console.print(f"[red]✗[/red] {exc}")
            continue
        console.print(
            f"[green]✓[/green] {path}: {source.id} → {source.table} ({len(source.columns)} columns)"
        )
    if bad:
        raise typer.Exit(1)


@app.command("add")
def add(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A source declaration (.yaml).")],
) -> None:
    """Validate a declaration and copy it into this workspace's sources folder."""
    st = state(ctx)
    st.ensure_workspace()
    try:
        loaded = add_source(st.workspace.root, path)
    except SourceError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    console.print(
        f"登记 Added source {loaded.source.id} ({loaded.source.agency} · {loaded.source.dataset}) "
        f"→ {loaded.source.table}: {loaded.path}"
    )


@app.command("pseudonymise")
def pseudonymise(
    ctx: typer.Context,
    source_id: Annotated[str, typer.Argument(help="The declared source the export belongs to.")],
    input_path: Annotated[Path, typer.Argument(help="The agency's export (.csv, .xlsx, .json, .jsonl).")],
    output: Annotated[Path, typer.Argument(help="Where to write it (.csv, .xlsx, .json, .jsonl).")],
    key_file: Annotated[Path, typer.Option("--key-file", help="Key file (JSON, mode 0600), never the key.")],
    key_id: Annotated[str | None, typer.Option("--key-id", help="Key to use (default newest).")] = None,
) -> None:
    """假名化: replace the identifier columns the source declares by keyed pseudonyms, on the
    agency's side, before the file is handed over; writes OUTPUT and OUTPUT.manifest.json."""
    from jiandu.privacy.pseudonyms import KeyFileProblem, Pseudonymiser, load_key_file
    from jiandu.sources.pseudonymise import PseudonymiseError, pseudonymise_file

    try:
        source = _catalogue(ctx).get(source_id).source
    except KeyError as exc:
        err_console.print(f"[red]{exc.args[0]}[/red]")
        raise typer.Exit(1) from None
    try:
        ring = load_key_file(key_file)
        key = ring.get(key_id) if key_id else ring.current
        report = pseudonymise_file(source, Pseudonymiser(key), input_path, output)
    except (KeyFileProblem, PseudonymiseError) as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    for rejected in report.rejected:
        err_console.print(f"{input_path}: row {rejected.row}, column {rejected.column}: {rejected.reason}")
    console.print(
        f"假名化 {input_path.name} → {output.name}: "
        f"{report.rows_written} of {report.rows_read} rows written, "
        f"{report.rejected_count} rejected; key {key.id}; columns "
        + ", ".join(f"{h} ({k})" for h, k in report.columns.items())
        + f"; {report.seconds:.1f} s; manifest {output.name}.manifest.json"
    )
    if report.rejected_count:
        raise typer.Exit(1)


@app.command("pseudonym-key")
def pseudonym_key(
    key_file: Annotated[Path, typer.Argument(help="Key file to create, or to add a key to (rotation).")],
    key_id: Annotated[str, typer.Option("--key-id", help="Id: 1-16 upper-case letters/digits.")],
) -> None:
    """Create a pseudonym key (256 random bits) in KEY_FILE (mode 0600); the secret is never printed."""
    from jiandu.privacy.pseudonyms import KeyFileProblem, add_key

    try:
        key = add_key(key_file, key_id)
    except KeyFileProblem as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    console.print(f"密钥 key {key.id} created {key.created.isoformat()} in {key_file}")
