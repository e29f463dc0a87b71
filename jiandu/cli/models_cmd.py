"""`jiandu models list|show|validate|export|import`: the model library, and sharing specs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table

from jiandu.cli.context import console, err_console, state
from jiandu.models.library import Library, bundle, dump_yaml, read_spec_file
from jiandu.models.parameters import to_json
from jiandu.models.regions import RegionError, check_region, load_region, parse_region
from jiandu.models.spec import ModelSpec, SpecError, load_yaml

app = typer.Typer(no_args_is_help=True)


def library(ctx: typer.Context) -> Library:
    lib = Library.for_workspace(state(ctx).workspace.root)
    for problem in lib.problems:
        err_console.print(f"[yellow]skipped a spec that does not load:[/yellow] {problem}")
    return lib


def regions_dir(ctx: typer.Context) -> Path:
    return state(ctx).workspace.root / "regions"


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """List installed models (built-in and workspace) with their version and state."""
    lib = library(ctx)
    grid = Table(title=f"监督模型 Models: {len(lib.specs)}")
    for heading in ("编号 id", "名称", "版本", "领域", "来源", "启用", "监督点"):
        grid.add_column(heading, overflow="fold")
    for model_id, loaded in sorted(lib.specs.items()):
        s = loaded.spec
        grid.add_row(
            model_id,
            s.name_zh,
            s.version,
            s.domain,
            "内置" if loaded.origin == "builtin" else "本院导入",
            "是" if s.enabled else "否",
            s.supervision_point,
        )
    console.print(grid)


@app.command("show")
def show(
    ctx: typer.Context,
    model_id: Annotated[str, typer.Argument(help="Model id, e.g. civil.repeat_plaintiff_basic.")],
    region: Annotated[str | None, typer.Option(help="Show parameter values of this region.")] = None,
) -> None:
    """Show a model: supervision point, legal basis, parameters, features, bands, SQL."""
    lib = library(ctx)
    try:
        loaded = lib.specs[model_id]
    except KeyError:
        err_console.print(f"[red]no model {model_id!r}[/red]; see `jiandu models list`")
        raise typer.Exit(1) from None
    s = loaded.spec
    values = {}
    if region:
        try:
            values = load_region(region, regions_dir(ctx)).parameters_for(s)
        except RegionError as exc:
            err_console.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from None
    basis = "\n".join(f"·{b.law}{b.article or ''}{'：' + b.text if b.text else ''}" for b in s.legal_basis)
    console.print(
        Panel(
            f"[bold]{s.name_zh}[/bold]  {s.name_en}\n"
            f"编号 {s.id}  版本 {s.version}  领域 {s.domain}  "
            f"{'启用' if s.enabled else '停用'}  来源 {loaded.origin} ({loaded.path})\n\n"
            f"[bold]监督点[/bold] {s.supervision_point}\n"
            + (f"{s.description_zh}\n" if s.description_zh else "")
            + f"\n[bold]法律依据[/bold]\n{basis}\n\n[bold]输入表[/bold] {', '.join(s.inputs)}\n"
            f"[bold]线索对象[/bold] {s.subject.type}"
            f"（键 {s.subject.key_column}，名称 {s.subject.name_column}）\n"
            f"[bold]分级[/bold] 红色 ≥{s.scoring.bands.red:g}  黄色 ≥{s.scoring.bands.yellow:g}  "
            f"绿色 ≥{s.scoring.bands.green:g}\n[bold]内容哈希[/bold] {s.content_hash()}",
            title="监督模型 Model",
        )
    )
    params = Table(title="参数 Parameters" + (f"（{region}）" if region else ""))
    for heading in ("参数", "类型", "默认值", *(["本地区取值"] if region else []), "范围", "说明"):
        params.add_column(heading, overflow="fold")
    for name, p in s.parameters.items():
        low = "" if p.min is None else f"{p.min:g}"
        high = "" if p.max is None else f"{p.max:g}"
        bounds = "" if p.min is None and p.max is None else f"{low}..{high}"
        row = [name, p.type, json.dumps(to_json(p.coerce(p.default)), ensure_ascii=False)]
        if region:
            row.append(json.dumps(to_json(values[name]), ensure_ascii=False))
        params.add_row(*row, bounds, p.description_zh)
    console.print(params)
    features = Table(title="评分特征 Features (score = 100 × Σ w·f / Σ w)")
    for heading in ("特征", "权重", "说明"):
        features.add_column(heading)
    for name, f in s.features.items():
        features.add_row(name, f"{f.weight:g}", f.description_zh)
    console.print(features)
    console.print(slots_table(ctx, s))
    console.print(Panel(Syntax(s.sql, "sql", word_wrap=True), title="SQL"))
    console.print(Panel(s.explanation_zh, title="说明模板 Explanation"))


def slots_table(ctx: typer.Context, spec: ModelSpec) -> Table:
    """The model's input slots: which sources feed each and what this workspace holds."""
    from jiandu.models.operators import operators_for
    from jiandu.models.spec import InputSlot
    from jiandu.schema import canonical_tables
    from jiandu.sources.model import register_tables
    from jiandu.sources.registry import catalogue

    st = state(ctx)
    sources = catalogue(st.workspace.root)
    slots = spec.input_slots()
    # canonical tables behind the derived tables it reads (e.g. execution_cases behind
    # execution_cases_all): shown as optional slots, "via" the derived table
    declared = {s.table for s in slots}
    via: dict[str, str] = {}
    for derived in (t for t in spec.inputs if t not in canonical_tables()):
        for op in operators_for([derived]):
            for table in (*op.inputs, *op.optional_inputs):
                if table in canonical_tables() and table not in declared:
                    via.setdefault(table, derived)
    slots = [*slots, *(InputSlot(table=t, required=False) for t in via)]
    held: dict[str, dict[str, int]] = {}  # table → rows per source id
    if st.workspace.exists():
        engine = st.open_engine()
        try:
            for slot in slots:
                if not engine.table_exists(slot.table):
                    continue
                if "source_id" in engine.stored_schema(slot.table).names:
                    rows = engine.query(
                        f"SELECT coalesce(source_id, '') AS s, count(*) AS n FROM \"{slot.table}\" GROUP BY 1"
                    ).to_pylist()
                    held[slot.table] = {r["s"]: int(r["n"]) for r in rows}
                else:
                    held[slot.table] = {"": engine.count(slot.table)}
        finally:
            engine.close()
    grid = Table(title="输入槽 Input slots (数据来源 sources feeding each, in this workspace)")
    for heading in ("标准表 table", "必需", "数据源 sources", "本工作区 rows here", "状态 state"):
        grid.add_column(heading, overflow="fold")
    for slot in slots:
        title = canonical_tables()[slot.table].title_zh
        if slot.table in via:
            title += f"\n（经 via {via[slot.table]}）"
        rows = held.get(slot.table, {})
        total = sum(rows.values())
        if slot.table in register_tables():
            feeding = sources.for_table(slot.table)
            names = [
                f"{f.source.id}（{f.source.agency}·{f.source.dataset}）: {rows.get(f.source.id, 0):,}"
                for f in feeding
            ] or ["（未登记数据源 no source declared）"]
            missing = [f.source.id for f in feeding if not rows.get(f.source.id)]
        else:
            names = ["裁判文书导入 jiandu ingest judgments"]
            missing = []
        if total:
            state_text = "[green]有数据[/green]" + (
                f"；未导入 not loaded here: {', '.join(missing)}" if missing else ""
            )
        elif not st.workspace.exists():
            state_text = "（无工作区 no workspace）"
        else:
            state_text = (
                "[red]缺失 missing: 无数据，模型无法产生线索[/red]" if slot.required else "无数据（可选）"
            )
        grid.add_row(
            f"{slot.table}\n{title}",
            "是" if slot.required else "否",
            "\n".join(names),
            f"{total:,}",
            state_text,
        )
    return grid


@app.command("validate")
def validate(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A spec, an export bundle, or a region file (YAML).")],
) -> None:
    """Check a spec (fields, SQL guard, known tables) or a region file, without installing it."""
    try:
        data = load_yaml(file)
        if isinstance(data, dict) and "region" in data and "sql" not in data:
            region = parse_region(data, source=str(file))
            problems = check_region(region, library(ctx).all())
            if problems:
                for p in problems:
                    err_console.print(f"[red]{p}[/red]")
                raise typer.Exit(1)
            console.print(
                f"[green]valid region[/green] {region.region} ({region.name_zh}): {len(region.models)} models"
            )
            return
        spec, meta = read_spec_file(file)
    except (SpecError, RegionError) as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    origin = " (export bundle, hash verified)" if meta else ""
    console.print(f"[green]valid[/green] {spec.id} {spec.version}{origin}  sha256 {spec.content_hash()}")


@app.command("export")
def export(
    ctx: typer.Context,
    model_id: Annotated[str, typer.Argument(help="Model id.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    office: Annotated[str | None, typer.Option(help="Exporting office, recorded in the file.")] = None,
) -> None:
    """Write one self-contained YAML file (spec + content hash + exporter) for another office."""
    lib = library(ctx)
    try:
        spec = lib.get(model_id)
    except KeyError as exc:
        err_console.print(f"[red]{exc.args[0]}[/red]")
        raise typer.Exit(1) from None
    text = dump_yaml(bundle(spec, office=office))
    if output is None:
        typer.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    err_console.print(f"exported {spec.id} {spec.version} to {output}")


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="An export bundle or a plain spec file.")],
    replace: Annotated[bool, typer.Option(help="Overwrite an installed model with the same id.")] = False,
    override_builtin: Annotated[
        bool,
        typer.Option(
            help="Allow a spec to replace a built-in model of the same id (recorded in the audit log)."
        ),
    ] = False,
) -> None:
    """Validate a shared spec (hash, fields, SQL guard) and install it in the workspace."""
    st = state(ctx)
    st.ensure_workspace()
    lib = library(ctx)
    try:
        spec, _ = read_spec_file(file)
        builtin = lib.replaces_builtin(spec)
        chosen = builtin if override_builtin else None  # without the flag the library refuses it
        _install_audited(ctx, lib, file, spec, replace=replace, builtin=chosen)
    except SpecError as exc:
        err_console.print(f"[red]refused:[/red] {exc}")
        raise typer.Exit(1) from None
    console.print(f"[green]installed[/green] {spec.id} {spec.version} → {lib.specs[spec.id].path}")


def _install_audited(
    ctx: typer.Context, lib: Library, file: Path, spec: ModelSpec, *, replace: bool, builtin: ModelSpec | None
) -> None:
    """Install a spec with its audit event in the same transaction: ``model_imported``, or
    ``model_builtin_overridden`` when ``builtin`` (the built-in model it replaces) is given; a
    spec that claims a built-in's id without ``builtin`` is refused by the library."""
    from jiandu.cli.workflow_cmd import workflow
    from jiandu.workflow import audit

    previous = builtin or (lib.specs[spec.id].spec if spec.id in lib.specs else None)
    before = {"version": previous.version, "sha256": previous.content_hash()} if previous else None
    after = {"version": spec.version, "sha256": spec.content_hash(), "file": file.name[:200]}
    if builtin is not None:
        kind, reason = "model_builtin_overridden", "jiandu models import --override-builtin"
        del after["version"]
    else:
        kind, reason = "model_imported", "jiandu models import" + (" --replace" if replace else "")
    with workflow(ctx, write=True) as (session, principal):
        audit.record(
            session,
            actor=principal.username,
            kind=kind,
            entity_type="model",
            entity_id=spec.id,
            reason=reason,
            before=before,
            after=after,
        )
        installed = lib.install(file, replace=replace, override_builtin=builtin is not None)
        if installed.content_hash() != spec.content_hash():  # the file changed between the two reads
            raise SpecError(f"{file.name[:80]}: changed while it was imported; try again")
    if builtin is not None:
        err_console.print(f"[yellow]已替换内置模型 {builtin.id}（已记入审计日志）[/yellow]")


# `jiandu models stats` lives with the workflow store (jiandu/cli/workflow_cmd.py): precision and
# conversion per model, version and jurisdiction from the outcomes prosecutors record.
from jiandu.cli.workflow_cmd import models_stats  # noqa: E402

app.command("stats")(models_stats)
