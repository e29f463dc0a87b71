"""`jiandu entities resolve|show|judge|stats|evaluate`: resolved people and companies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from jiandu.cli.context import console, err_console, state
from jiandu.cli.progress import progress
from jiandu.engines.base import Engine

app = typer.Typer(no_args_is_help=True)


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _need(engine: Engine) -> None:
    if not engine.table_exists("entity_mentions"):
        err_console.print("[red]尚未进行主体识别 No entities yet: run `jiandu entities resolve`.[/red]")
        raise typer.Exit(2)


@app.command("resolve")
def resolve_cmd(ctx: typer.Context) -> None:
    """Resolve party mentions and register rows into entities (also run by `jiandu run`)."""
    from jiandu.entities import resolve

    engine = state(ctx).open_engine()
    try:
        if not engine.table_exists("parties"):
            err_console.print("[red]No parties: ingest judgments first (`jiandu ingest judgments`).[/red]")
            raise typer.Exit(2)
        with progress("主体识别") as bar:
            bar.update(note="比对当事人提及与登记数据，聚合为主体")
            report = resolve(engine)
    finally:
        engine.close()
    console.print(f"主体识别完成 Resolved {report.mentions:,} mentions into {report.entities:,} entities")
    grid = Table(title="关联 Links")
    for heading in ("method", "status", "links"):
        grid.add_column(heading, justify="right" if heading == "links" else "left")
    for key, count in sorted(report.links.items()):
        method, status = key.split(":", 1)
        grid.add_row(method, status, f"{count:,}")
    console.print(grid)
    console.print("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in report.seconds.items()))


@app.command("show")
def show(
    ctx: typer.Context,
    entity: Annotated[str, typer.Argument(help="Entity id, or a mention id (P:<doc_id>:<idx>).")],
    links: Annotated[int, typer.Option(help="Links to list.")] = 50,
) -> None:
    """An entity: its mentions and the links that explain it."""
    engine = state(ctx).open_engine()
    try:
        _need(engine)
        entity_id = entity
        if not entity.startswith(("pk_", "pm_", "ok_", "om_")):
            found = engine.rows(
                f"SELECT entity_id FROM entity_mentions WHERE mention_id = {_text(entity)}"
            )
            if not found:
                err_console.print(f"[red]No entity or mention {entity!r}.[/red]")
                raise typer.Exit(1)
            entity_id = found[0]["entity_id"]
        head = engine.rows(f"SELECT * FROM entities WHERE entity_id = {_text(entity_id)}")
        if not head:
            err_console.print(f"[red]No entity {entity_id!r}.[/red]")
            raise typer.Exit(1)
        mentions = engine.rows(
            "SELECT mention_id, source, name, sex, birth_date, address, id_key, court, role "
            f"FROM entity_mentions WHERE entity_id = {_text(entity_id)} ORDER BY mention_id"
        )
        found_links = engine.rows(
            "SELECT mention_a, mention_b, method, status, probability, explanation "
            f"FROM entity_links WHERE entity_id = {_text(entity_id)} "
            f"ORDER BY method, mention_a, mention_b LIMIT {int(links)}"
        )
    finally:
        engine.close()
    e = head[0]
    console.print(
        f"[bold]{e['name']}[/bold]  {e['entity_id']}  ({e['kind']}; id {e['id_key'] or '-'}, "
        f"{e['id_source']}; {e['mentions']} mentions in {e['documents']} documents, "
        f"{e['masked_mentions']} masked; {e['sources']})"
    )
    grid = Table(title="提及 Mentions")
    for heading in ("mention", "source", "name", "sex", "birth", "address", "key", "court", "role"):
        grid.add_column(heading, overflow="fold")
    for m in mentions:
        grid.add_row(*[str(m[k]) if m[k] is not None else "" for k in (
            "mention_id", "source", "name", "sex", "birth_date", "address", "id_key", "court",
            "role")])
    console.print(grid)
    lt = Table(title="关联 Links (spanning links and refused candidates)")
    for heading in ("a", "b", "method", "status", "p", "why"):
        lt.add_column(heading, overflow="fold")
    for lk in found_links:
        lt.add_row(lk["mention_a"], lk["mention_b"], lk["method"], lk["status"],
                   f"{lk['probability']:.3f}", lk["explanation"])
    console.print(lt)


@app.command("judge")
def judge(
    ctx: typer.Context,
    mention_a: Annotated[str, typer.Argument(help="A mention id (see `jiandu entities show`).")],
    mention_b: Annotated[str, typer.Argument(help="Another mention id.")],
    judgement: Annotated[str, typer.Argument(help="same | not_same")],
    by: Annotated[str, typer.Option("--by", help="Who judges (kept with the judgement).")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why.")] = None,
) -> None:
    """Record a reviewer's judgement; it overrides the model from the next resolve on."""
    from jiandu.entities import record_judgement

    engine = state(ctx).open_engine()
    try:
        row = record_judgement(engine, mention_a, mention_b, judgement, user=by, reason=reason)
    except (KeyError, ValueError) as exc:
        err_console.print(f"[red]{exc.args[0] if exc.args else exc}[/red]")
        raise typer.Exit(2) from None
    finally:
        engine.close()
    console.print(
        f"已记录 Recorded: {row.mention_a} {row.judgement} {row.mention_b} by {row.user} at "
        f"{row.at:%Y-%m-%d %H:%M:%S}. Run `jiandu entities resolve` (or `jiandu run`) to apply it."
    )


@app.command("stats")
def stats(ctx: typer.Context) -> None:
    """Counts of mentions, entities and links."""
    engine = state(ctx).open_engine()
    try:
        _need(engine)
        by_source = engine.rows(
            "SELECT source, kind, count(*) AS mentions, sum(CASE WHEN masked THEN 1 ELSE 0 END) "
            "AS masked, count(id_key) AS with_key FROM entity_mentions GROUP BY source, kind "
            "ORDER BY source, kind"
        )
        by_entity = engine.rows(
            "SELECT kind, id_source, count(*) AS entities, sum(mentions) AS mentions "
            "FROM entities GROUP BY kind, id_source ORDER BY kind, id_source"
        )
        by_link = engine.rows(
            "SELECT method, status, count(*) AS links FROM entity_links GROUP BY method, status "
            "ORDER BY method, status"
        )
        judgements = engine.count("entity_judgements") if engine.table_exists(
            "entity_judgements") else 0
    finally:
        engine.close()
    for title, rows in (("提及 Mentions", by_source), ("主体 Entities", by_entity),
                        ("关联 Stored links", by_link)):
        grid = Table(title=title)
        for heading in rows[0] if rows else []:
            grid.add_column(heading)
        for r in rows:
            grid.add_row(*[str(v) for v in r.values()])
        console.print(grid)
    console.print(f"审查判定 Judgements: {judgements}")


@app.command("evaluate")
def evaluate(
    ctx: typer.Context,
    index: Annotated[Path, typer.Argument(help="index.jsonl of a synthetic county (true keys).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Pairwise precision and recall of the resolved entities against true party keys."""
    from jiandu.entities.evaluate import format_scores, load_truth, pairwise_scores

    engine = state(ctx).open_engine()
    try:
        _need(engine)
        with progress("主体识别评估"):
            scores = pairwise_scores(engine, load_truth(index))
    finally:
        engine.close()
    if as_json:
        console.print_json(json.dumps([
            {"category": s.category, "true_pairs": s.true_pairs,
             "predicted_pairs": s.predicted_pairs, "correct_pairs": s.correct_pairs,
             "precision": s.precision, "recall": s.recall} for s in scores]))
    else:
        console.print(format_scores(scores))
