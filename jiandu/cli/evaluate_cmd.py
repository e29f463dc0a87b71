"""`jiandu evaluate --truth truth.jsonl`: precision, recall and ranks of planted instances, each
with a 95% Wilson score interval; on a synthetic county also the generator version and seed, and
the risk-sign detector against the signs planted in its documents (``index.jsonl``).

Synthetic figures are a regression check of the code against the generator; the real figures
of the risk signs are those of ``benchmarks/bench_signs.py`` (docs/benchmarks.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from jiandu.cli.context import console, err_console, state
from jiandu.cli.progress import progress
from jiandu.documents.signs import SIGN_CODES
from jiandu.engines.base import Engine
from jiandu.models.clues import load_clues
from jiandu.models.evaluate import (
    CountyInfo,
    Interval,
    PatternResult,
    SignFigure,
    TruthError,
    county_info,
    evaluate,
    models_to_measure,
    parse_mapping,
    read_index,
    read_truth,
    sign_figures,
)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _ci(interval: Interval | None) -> str:
    return "—" if interval is None else f"[{interval[0]:.3f}, {interval[1]:.3f}]"


def print_county(info: CountyInfo | None) -> None:
    if info is None:
        return
    console.print(
        f"合成县 synthetic county: generator {info.generator_version or '?'}, seed {info.seed}, "
        f"{info.documents} documents ({info.manifest})"
    )
    if not info.frozen:
        console.print(
            "[yellow]not the frozen evaluation county of this generator version "
            "(jiandu.synth.EVALUATION_SEED / EVALUATION_DOCUMENTS): compare figures only between "
            "runs on the same county[/yellow]"
        )
    console.print(
        "合成数据评分仅为回归检查；真实文书上的指标见 benchmarks/bench_signs.py（docs/benchmarks.md）。"
    )


def print_results(results: list[PatternResult], *, instances: bool) -> None:
    grid = Table(title="模型评估 Evaluation")
    for heading in (
        "pattern",
        "models",
        "正例",
        "检出",
        "recall",
        "recall 95% CI",
        "线索",
        "命中",
        "precision",
        "precision 95% CI",
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
            _ci(r.recall_ci),
            str(r.clues),
            str(r.true_clues),
            _pct(r.precision),
            _ci(r.precision_ci),
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


def print_signs(figures: list[SignFigure], *, variants: bool) -> None:
    grid = Table(title="风险特征检出（合成县，文书级）Risk signs vs planted")
    for heading in (
        "sign",
        "文书",
        "植入",
        "检出",
        "TP",
        "FP",
        "FN",
        "recall",
        "recall 95% CI",
        "precision",
        "precision 95% CI",
        "近似负例误报",
    ):
        grid.add_column(heading, overflow="fold")
    for f in figures:
        grid.add_row(
            f.code,
            str(f.documents),
            str(f.planted),
            str(f.detected),
            str(f.tp),
            str(f.fp),
            str(f.fn),
            _pct(f.recall),
            _ci(f.recall_ci),
            _pct(f.precision),
            _ci(f.precision_ci),
            f"{f.near_flagged}/{f.near_misses} {_ci(f.near_flag_rate_ci)}",
        )
    console.print(grid)
    detail = Table(title="措辞变体 Variants (span found / planted; near misses flagged / planted)")
    for heading in ("sign", "variant", "kind", "found", "of"):
        detail.add_column(heading)
    rows = 0
    for f in figures:
        for kind, table in (("sign", f.variants), ("near miss", f.near_variants)):
            for variant, (hit, n) in table.items():
                bad = hit < n if kind == "sign" else hit > 0
                if variants or bad:
                    detail.add_row(f.code, variant, kind, str(hit), str(n))
                    rows += 1
    if rows:
        console.print(detail)


def _stored_signs(engine: Engine) -> tuple[dict[str, list[tuple[str, int, int]]], dict[str, str]]:
    """Detected signs per stored document (every civil document, with or without signs) and
    the texts their spans index."""
    texts = {
        r["doc_id"]: r["text"]
        for r in engine.query("SELECT doc_id, text FROM documents").to_pylist()
        if r["text"] is not None
    }
    detected: dict[str, list[tuple[str, int, int]]] = {d: [] for d in texts}
    if engine.table_exists("signs"):
        for r in engine.query("SELECT doc_id, code, span_start, span_end FROM signs").to_pylist():
            detected.setdefault(r["doc_id"], []).append((r["code"], r["span_start"], r["span_end"]))
    return detected, texts


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
    variants: Annotated[
        bool, typer.Option(help="List every phrasing variant of the risk signs, not only the missed.")
    ] = False,
    signs_out: Annotated[
        Path | None,
        typer.Option(help="Write the per-sign figures of a synthetic county to this JSON file."),
    ] = None,
) -> None:
    """Measure the stored clues against a truth file, per pattern; on a synthetic county, also
    the risk signs read from its documents against the signs planted in them."""
    try:
        items = read_truth(truth)
        mapping = parse_mapping(map_ or [])
    except (OSError, TruthError, ValueError) as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    info = county_info(truth)
    index = truth.parent / "index.jsonl"
    st = state(ctx)
    engine = st.open_engine()
    figures: list[SignFigure] = []
    try:
        with_signs = info is not None and index.is_file() and engine.table_exists("documents")
        with progress("模型评估", total=4 if with_signs else 2) as bar:
            # only the measured models' clues; with evidence, as masked-only subjects are matched
            # by the documents their clue cites
            bar.update(note="读取线索")
            measured = models_to_measure(items, mapping)
            clues = load_clues(engine, model_ids=measured) if measured else []
            bar.advance()
            if with_signs:
                bar.update(note="读取文书与风险特征")
                detected, texts = _stored_signs(engine)
                bar.advance(note="比对植入的风险特征")
                figures = sign_figures(read_index(index), detected, SIGN_CODES, texts)
                bar.advance()
            bar.update(note="比对真值")
            results = evaluate(clues, items, mapping)
            bar.advance(note="")
    finally:
        engine.close()
    county = (
        None
        if info is None
        else {
            "generator_version": info.generator_version,
            "seed": info.seed,
            "documents": info.documents,
            "frozen": info.frozen,
        }
    )
    if signs_out is not None and figures:
        signs_out.write_text(
            json.dumps(
                {"county": county, "signs": [f.to_json() for f in figures]}, ensure_ascii=False, indent=2
            )
            + "\n",
            encoding="utf-8",
        )
    if as_json:
        typer.echo(
            json.dumps([{**r.to_json(), "county": county} for r in results], ensure_ascii=False, indent=2)
        )
        return
    print_county(info)
    print_results(results, instances=instances)
    if figures:
        print_signs(figures, variants=variants)


def register(app: typer.Typer) -> None:
    app.command("evaluate")(evaluate_cmd)
