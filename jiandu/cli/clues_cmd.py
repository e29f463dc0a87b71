"""`jiandu clues list|show|export`: the clues models pushed, with their evidence."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.panel import Panel
from rich.table import Table

from jiandu.cli.context import console, err_console, state
from jiandu.models.clues import find_clue as lookup
from jiandu.models.clues import load_clues, to_csv, to_jsonl

app = typer.Typer(no_args_is_help=True)
BAND_STYLE = {
    "red": "[bold red]红[/bold red]",
    "yellow": "[bold yellow]黄[/bold yellow]",
    "green": "[green]绿[/green]",
}
FORMATS = ("jsonl", "csv", "table")


def _load(ctx: typer.Context, **kwargs: Any) -> list[dict[str, Any]]:
    st = state(ctx)
    engine = st.open_engine()
    try:
        return load_clues(engine, **kwargs)
    except ValueError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    finally:
        engine.close()


def clue_table(clues: list[dict[str, Any]], title: str) -> Table:
    grid = Table(title=title)
    for heading in ("序号", "线索编号", "模型", "对象", "风险分", "等级", "证据", "说明"):
        grid.add_column(
            heading,
            overflow="fold",
            justify="right" if heading in ("序号", "风险分", "证据") else "left",
        )
    for i, c in enumerate(clues, 1):
        grid.add_row(
            str(i),
            c["clue_id"][:12],
            c["model_id"],
            c["subject"]["name"] or c["subject"]["key"],
            f"{c['score']:.1f}",
            BAND_STYLE.get(c["band"], c["band"]),
            str(c["evidence_count"]),
            c["explanation"].split("\n")[0][:120],
        )
    return grid


@app.command("list")
def list_(
    ctx: typer.Context,
    model: Annotated[
        list[str] | None, typer.Option("--model", "-m", help="Only these models (repeatable).")
    ] = None,
    band: Annotated[str | None, typer.Option(help="Only this band: red, yellow or green.")] = None,
    limit: Annotated[int, typer.Option(help="Clues to show (0: all).")] = 50,
) -> None:
    """Clues ranked by score, highest first."""
    clues = _load(ctx, model_ids=model, band=band, limit=limit or None, with_evidence=False)
    if not clues:
        console.print("暂无线索 No clues yet; run `jiandu run`.")
        return
    console.print(clue_table(clues, f"监督线索 Clues（前 {len(clues)} 条）"))


@app.command("show")
def show(
    ctx: typer.Context,
    clue_id: Annotated[str, typer.Argument(help="Clue id or a unique prefix of it (≥6 characters).")],
) -> None:
    """One clue: subject, score, explanation and every piece of evidence."""
    st = state(ctx)
    engine = st.open_engine()
    try:
        clue = lookup(engine, clue_id)
    except ValueError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    finally:
        engine.close()
    if clue is None:
        err_console.print(f"[red]no clue {clue_id!r}[/red]")
        raise typer.Exit(1)
    s = clue["subject"]
    console.print(
        Panel(
            f"[bold]{s['name'] or s['key']}[/bold]（{s['type']}，键 {s['key']}）\n"
            f"模型 {clue['model_id']} {clue['model_version']}  风险分 {clue['score']:.1f}  "
            f"等级 {BAND_STYLE.get(clue['band'], clue['band'])}  运行 {clue['run_id']}"
            + (f"  地区 {clue['region']}" if clue["region"] else "")
            + f"\n\n{clue['explanation']}",
            title=f"线索 {clue['clue_id']}",
        )
    )
    grid = Table(title=f"证据 Evidence（{len(clue['evidence'])}）")
    for heading in ("#", "类型", "案号", "来源", "事实", "位置", "原文"):
        grid.add_column(heading, overflow="fold")
    for i, e in enumerate(clue["evidence"], 1):
        span = f"{e['span'][0]}-{e['span'][1]}" if e["span"] else ""
        grid.add_row(
            str(i),
            "文书" if e["kind"] == "document" else "数据",
            e["case_number"] or "",
            e["source"] or "",
            e["label"] or "",
            span,
            e["text"] or "",
        )
    console.print(grid)


@app.command("export")
def export(
    ctx: typer.Context,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="jsonl (the clue contract), csv or table.")
    ] = "jsonl",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    model: Annotated[
        list[str] | None, typer.Option("--model", "-m", help="Only these models (repeatable).")
    ] = None,
    band: Annotated[str | None, typer.Option(help="Only this band.")] = None,
) -> None:
    """Export clues with evidence: JSON lines to standard output unless --output FILE."""
    if fmt not in FORMATS:
        err_console.print(f"[red]unknown format {fmt!r}; use one of {', '.join(FORMATS)}[/red]")
        raise typer.Exit(2)
    clues = _load(ctx, model_ids=model, band=band)
    if fmt == "table":
        if output is not None:
            from rich.console import Console

            with output.open("w", encoding="utf-8") as handle:
                Console(file=handle, width=200).print(clue_table(clues, "监督线索 Clues"))
        else:
            console.print(clue_table(clues, "监督线索 Clues"))
        return
    text = "".join(to_jsonl(clues)) if fmt == "jsonl" else to_csv(clues)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    err_console.print(f"wrote {len(clues)} clues to {output}")


# `jiandu clues sync` lives with the workflow store (jiandu/cli/workflow_cmd.py): it upserts the
# clues of model runs into the workflow store by clue id, keeping their workflow state.
from jiandu.cli.clue_sync import clues_sync  # noqa: E402

app.command("sync")(clues_sync)
