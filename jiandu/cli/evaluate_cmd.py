"""`jiandu evaluate --truth truth.jsonl`: precision, recall and ranks of planted instances."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from jiandu.cli.context import console, err_console, state
from jiandu.models.clues import load_clues
from jiandu.models.evaluate import (
    PatternResult,
    TruthError,
    evaluate,
    models_to_measure,
    parse_mapping,
    read_truth,
)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def print_results(results: list[PatternResult], *, instances: bool) -> None:
    grid = Table(title="模型评估 Evaluation")
    for heading in (
        "pattern",
        "models",
        "正例",
        "检出",
        "recall",
        "线索",
        "命中",
        "precision",
        "近似负例误报",
        "正例排名",
    ):
        grid.add_column(heading, overflow="fold")
    for r in results:
        ranks = sorted(i.rank for i in r.instances if i.positive and i.rank is not None)
        grid.add_row(
            r.pattern,
            ", ".join(r.models) or "(none mapped)",
            str(r.positives),
            str(r.found),
            _pct(r.recall),
            str(r.clues),
            str(r.true_clues),
            _pct(r.precision),
            f"{r.near_misses_flagged}/{r.near_misses}",
            ", ".join(map(str, ranks[:20])) + (" …" if len(ranks) > 20 else ""),
        )
    console.print(grid)
    if instances:
        detail = Table(title="实例 Instances")
        for heading in (
            "pattern",
            "instance",
            "正例",
            "strength",
            "subject",
            "rank",
            "score",
            "band",
        ):
            detail.add_column(heading, overflow="fold")
        for r in results:
            for i in r.instances:
                detail.add_row(
                    r.pattern,
                    i.instance_id,
                    "是" if i.positive else "否",
                    i.strength or "",
                    i.subject_name or "",
                    "" if i.rank is None else str(i.rank),
                    "" if i.score is None else f"{i.score:.1f}",
                    i.band or "",
                )
        console.print(detail)


def evaluate_cmd(
    ctx: typer.Context,
    truth: Annotated[Path, typer.Option(help="Truth file: JSON lines of planted or labelled instances.")],
    map_: Annotated[
        list[str] | None,
        typer.Option("--map", help="pattern=model_id[,model_id] (repeatable; overrides defaults)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON for machines instead of tables.")
    ] = False,
    instances: Annotated[bool, typer.Option(help="Also list every instance with its rank.")] = False,
) -> None:
    """Measure the stored clues against a truth file, per pattern."""
    try:
        items = read_truth(truth)
        mapping = parse_mapping(map_ or [])
    except (OSError, TruthError, ValueError) as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    st = state(ctx)
    engine = st.open_engine()
    try:
        # only the measured models' clues; with evidence, as masked-only subjects are matched by
        # the documents their clue cites
        measured = models_to_measure(items, mapping)
        clues = load_clues(engine, model_ids=measured) if measured else []
    finally:
        engine.close()
    results = evaluate(clues, items, mapping)
    if as_json:
        typer.echo(json.dumps([r.to_json() for r in results], ensure_ascii=False, indent=2))
        return
    print_results(results, instances=instances)


def register(app: typer.Typer) -> None:
    app.command("evaluate")(evaluate_cmd)
