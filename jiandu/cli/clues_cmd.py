"""`jiandu clues list|show|export`: the clues models pushed, with their evidence."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich import box
from rich.cells import cell_len
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from jiandu.cli.audit_cmd import log_cli_export
from jiandu.cli.context import console, err_console, state
from jiandu.cli.progress import progress
from jiandu.models.clues import find_clue as lookup
from jiandu.models.clues import load_clues, to_csv, to_jsonl
from jiandu.models.spec import BAND_ZH
from jiandu.workflow.lifecycle import STATUS_NAMES_ZH, Status

app = typer.Typer(no_args_is_help=True)
BAND_STYLE = {"red": "bold red", "yellow": "bold yellow", "green": "green"}
FORMATS = ("jsonl", "csv", "table")
NOT_SYNCED = "未同步"  # a model-run clue not (yet) in the workflow store: `jiandu clues sync`


@dataclass(frozen=True, slots=True)
class Col:
    """A column of the clue table: fixed at its natural width, or flexible within [least, most]."""

    heading: str
    right: bool = False
    least: int | None = None  # None: fixed
    most: int | None = None  # None: no upper bound
    optional: bool = False  # dropped when the terminal is too narrow for it


COLUMNS = (
    Col("#", right=True),
    Col("编号"),
    Col("模型", least=6, most=32),
    Col("对象", least=6, most=32),
    Col("风险分", right=True),
    Col("等级"),
    Col("状态", least=6, most=12),
    Col("证据", right=True),
    Col("说明", least=24, optional=True),
)
FLEX_ORDER = ("对象", "模型", "状态")  # who gets spare cells first, one at a time in turn


def _status_zh(code: str | None) -> str:
    if code is None:
        return NOT_SYNCED
    try:
        return STATUS_NAMES_ZH[Status(code)]
    except ValueError:
        return code


def clue_rows(
    clues: Sequence[dict[str, Any]],
    model_names: dict[str, str],
    statuses: dict[str, str] | None,
    id_width: int,
) -> list[dict[str, str]]:
    """The cells of each clue, by heading (plain text; styles are added by `clue_table`)."""
    rows = []
    for i, c in enumerate(clues, 1):
        row = {
            "#": str(i),
            "编号": c["clue_id"][:id_width],
            "模型": model_names.get(c["model_id"], c["model_id"]),
            "对象": c["subject"]["name"] or c["subject"]["key"] or "",
            "风险分": f"{c['score']:.1f}",
            "等级": BAND_ZH.get(c["band"], c["band"]),
            "证据": str(c["evidence_count"]),
            "说明": (c["explanation"] or "").split("\n")[0],
            "_band": c["band"],
        }
        if statuses is not None:
            row["状态"] = _status_zh(statuses.get(c["clue_id"]))
        rows.append(row)
    return rows


def column_widths(columns: Sequence[Col], natural: dict[str, int], width: int) -> dict[str, int]:
    """Content width of each shown column so that a row fits in ``width`` cells.

    Fixed columns keep their natural width; flexible ones start at ``least`` (or less when their
    content is narrower) and share the spare cells one at a time up to ``most``; the optional
    explanation is kept only when its ``least`` fits, and takes what is left.
    """
    fixed = {c.heading: natural[c.heading] for c in columns if c.least is None}
    flex = [c for c in columns if c.least is not None and not c.optional]
    optional = [c for c in columns if c.optional]
    widths = dict(fixed)
    for c in flex:
        widths[c.heading] = min(c.least or 0, natural[c.heading])

    def spare(shown: int) -> int:
        return width - overhead(shown) - sum(widths.values())

    keep = [
        c for c in optional
        if spare(len(widths) + len(optional)) >= sum(o.least or 0 for o in optional)
    ]
    for c in keep:
        widths[c.heading] = c.least or 0
    wanting = {c.heading: min(natural[c.heading], c.most or natural[c.heading]) for c in flex}
    order = sorted(flex, key=lambda c: FLEX_ORDER.index(c.heading) if c.heading in FLEX_ORDER else 99)
    left = spare(len(widths))
    while left > 0 and any(widths[c.heading] < wanting[c.heading] for c in order):
        for c in order:
            if left > 0 and widths[c.heading] < wanting[c.heading]:
                widths[c.heading] += 1
                left -= 1
    for c in keep:
        grow = max(0, min(left, natural[c.heading] - widths[c.heading]))
        widths[c.heading] += grow
        left -= grow
    return widths


def overhead(columns: int) -> int:
    """Cells a table row needs besides its contents: one of padding per column and a (blank)
    rule between two columns."""
    return 2 * columns - 1


def clue_table(
    clues: Sequence[dict[str, Any]],
    title: str,
    *,
    width: int,
    model_names: dict[str, str] | None = None,
    statuses: dict[str, str] | None = None,
) -> Table:
    """Clues as a table one line per clue that fits ``width`` cells (CJK counted double width);
    long texts end in an ellipsis. ``statuses`` None: no workflow store, no status column."""
    id_width = 8 if width < 160 else 12
    rows = clue_rows(clues, model_names or {}, statuses, id_width)
    columns = [c for c in COLUMNS if statuses is not None or c.heading != "状态"]
    natural = {
        c.heading: max([cell_len(c.heading), *(cell_len(r[c.heading]) for r in rows)])
        for c in columns
    }
    widths = column_widths(columns, natural, width)
    shown = [c for c in columns if c.heading in widths]
    grid = Table(
        title=title,
        box=box.SIMPLE_HEAD,
        show_edge=False,
        padding=(0, 0, 0, 1),
    )
    for c in shown:
        grid.add_column(
            c.heading,
            width=widths[c.heading],
            no_wrap=True,
            overflow="ellipsis",
            justify="right" if c.right else "left",
        )
    for r in rows:
        grid.add_row(
            *[
                Text(r[c.heading], style=BAND_STYLE.get(r["_band"], "")) if c.heading == "等级"
                else r[c.heading]
                for c in shown
            ]
        )
    return grid


def model_names(root: Path) -> dict[str, str]:
    """Chinese name of every installed model (built-in and workspace), by model id."""
    from jiandu.models.library import Library

    return {model_id: loaded.spec.name_zh for model_id, loaded in Library.for_workspace(root).specs.items()}


def clue_statuses(root: Path, clue_ids: Iterable[str]) -> dict[str, str] | None:
    """Workflow status of the clues that are in the workspace's workflow store, by clue id;
    None when the workspace has no workflow store (or it cannot be read). Never creates one."""
    from sqlalchemy import select
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from jiandu.workflow.db import Store, StoreError, workflow_url
    from jiandu.workflow.tables import Clue

    url = workflow_url(root)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not (
        parsed.database and Path(parsed.database).is_file()
    ):
        return None
    ids = list(clue_ids)
    found: dict[str, str] = {}
    try:
        store = Store(url, migrate=False)
    except (SQLAlchemyError, StoreError):
        return None
    try:
        with store.read() as session:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                query = select(Clue.clue_id, Clue.status).where(Clue.clue_id.in_(chunk))
                found.update({clue_id: status for clue_id, status in session.execute(query)})
    except SQLAlchemyError:
        return None
    finally:
        store.close()
    return found


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
    root = state(ctx).workspace.root
    console.print(
        clue_table(
            clues,
            f"监督线索（前 {len(clues)} 条）",
            width=console.width,
            model_names=model_names(root),
            statuses=clue_statuses(root, [c["clue_id"] for c in clues]),
        )
    )


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
    root = st.workspace.root
    name = model_names(root).get(clue["model_id"], clue["model_id"])
    statuses = clue_statuses(root, [clue["clue_id"]])
    status = "" if statuses is None else f"  状态 {_status_zh(statuses.get(clue['clue_id']))}"
    band = f"[{BAND_STYLE.get(clue['band'], 'default')}]{BAND_ZH.get(clue['band'], clue['band'])}[/]"
    console.print(
        Panel(
            f"[bold]{escape(s['name'] or s['key'])}[/bold]（{s['type']}，键 {escape(s['key'])}）\n"
            f"模型 {escape(name)}（{clue['model_id']} {clue['model_version']}）  "
            f"风险分 {clue['score']:.1f}  等级 {band}{status}  运行 {clue['run_id']}"
            + (f"  地区 {escape(clue['region'])}" if clue["region"] else "")
            + f"\n\n{escape(clue['explanation'])}",
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
    root = state(ctx).workspace.root
    # no progress while the data itself streams to this same terminal
    with progress("导出线索", quiet=output is None and console.is_terminal) as bar:
        bar.update(note="读取线索与证据")
        clues = _load(ctx, model_ids=model, band=band)
        log_cli_export(ctx, fmt=fmt, clues=len(clues), models=model, band=band, output=output)
        bar.update(total=len(clues), completed=0, note="")
        if fmt == "table":
            table = clue_table(
                clues,
                "监督线索",
                width=200 if output is not None else console.width,
                model_names=model_names(root),
                statuses=clue_statuses(root, [c["clue_id"] for c in clues]),
            )
            if output is not None:
                from rich.console import Console

                output.parent.mkdir(parents=True, exist_ok=True)
                with output.open("w", encoding="utf-8") as handle:
                    Console(file=handle, width=200).print(table)
            else:
                console.print(table)
            bar.update(completed=len(clues))
            return
        rows = bar.track(clues)
        if output is None:
            _write(sys.stdout, fmt, rows)
            sys.stdout.flush()
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8", newline="") as handle:
            _write(handle, fmt, rows)
    err_console.print(f"已导出 {len(clues)} 条线索 wrote {len(clues)} clues to {output}")


def _write(handle: TextIO, fmt: str, clues: Iterable[dict[str, Any]]) -> None:
    """Clues as JSON lines (one written at a time) or CSV."""
    if fmt == "jsonl":
        for line in to_jsonl(clues):
            handle.write(line)
    else:
        handle.write(to_csv(clues))


# `jiandu clues sync` lives with the workflow store (jiandu/cli/workflow_cmd.py): it upserts the
# clues of model runs into the workflow store by clue id, keeping their workflow state.
from jiandu.cli.clue_sync import clues_sync  # noqa: E402

app.command("sync")(clues_sync)


@app.command("reidentify")
def reidentify_(
    ctx: typer.Context,
    clue_id: Annotated[str, typer.Argument(help="The clue (verified) whose pseudonyms to resolve.")],
    user: Annotated[str, typer.Option("--user", help="Acting user (role with clue.reidentify).")],
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded in the audit log).")],
    key_file: Annotated[Path, typer.Option("--key-file", help="Pseudonym key file (mode 0600).")],
    holdings: Annotated[
        Path | None, typer.Option("--holdings", help="Extra raw identifiers lawfully held, one a line.")
    ] = None,
    request_out: Annotated[
        Path | None, typer.Option("--request-out", help="Write the request to the agency here.")
    ] = None,
) -> None:
    """再识别: resolve the pseudonyms of a verified clue against raw identifiers the office holds
    (judgment parties, sources loaded raw, --holdings); audited; the rest as a request to the agency."""
    from itertools import chain

    from jiandu.cli.workflow_cmd import open_store
    from jiandu.ingest.pseudonymised import raw_holdings
    from jiandu.privacy.pseudonyms import KeyFileProblem, load_key_file
    from jiandu.sources.registry import catalogue
    from jiandu.workflow import WorkflowError, principal_for_username
    from jiandu.workflow.reidentify import reidentify

    st = state(ctx)
    try:
        ring = load_key_file(key_file)
        extra = holdings.read_text("utf-8").splitlines() if holdings else []
    except (KeyFileProblem, OSError) as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    engine = st.open_engine()
    store = open_store(ctx)
    try:
        held = chain((v.strip() for v in extra), raw_holdings(engine, catalogue(st.workspace.root)))
        with store.write() as session:
            principal = principal_for_username(session, user)
            result = reidentify(session, principal, clue_id, reason=reason, ring=ring, holdings=held)
    except WorkflowError as exc:
        err_console.print(f"[red]{getattr(exc, 'zh', None) or exc}[/red] ({exc})")
        raise typer.Exit(1) from None
    finally:
        store.close()
        engine.close()
    grid = Table(title=f"再识别 线索 {result.clue_id}（已记入审计日志）")
    grid.add_column("假名")
    grid.add_column("原始值")
    for pseudonym, raw in result.resolved.items():
        grid.add_row(pseudonym, escape(raw))
    for pseudonym in result.unresolved:
        grid.add_row(pseudonym, "（本院未持有，需向数据提供单位调取）")
    console.print(grid)
    if result.request_zh:
        if request_out:
            request_out.write_text(result.request_zh + "\n", encoding="utf-8")
            console.print(f"协查函已写入 {request_out}")
        else:
            console.print(Panel(escape(result.request_zh), title="协查函（草稿）"))
