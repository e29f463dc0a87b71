"""Workflow-store commands: users, jurisdictions, governance, and the store itself.

`jiandu users add|list|token`, `jiandu jurisdictions add|list|defaults|court|resolve`,
`jiandu governance groups|draft|template`,
`jiandu workflow info|load-synthetic|bench`; `models_stats` (``jiandu models stats``) is
registered on the model framework's group. The audit commands are in `jiandu.cli.audit_cmd`,
`jiandu clues sync` in `jiandu.cli.clue_sync`.

The command line is trusted: whoever can run it can open the workflow database, so commands act
as an administrator over every jurisdiction (events name the actor ``cli:<login>``).
"""

from __future__ import annotations

import getpass
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jiandu.cli.context import console, err_console, state
from jiandu.workflow import (
    ClueFilter,
    Principal,
    Store,
    WorkflowError,
    add_court,
    add_jurisdiction,
    add_user,
    create_token,
    governance_groups,
    install_defaults,
    list_clues,
    list_jurisdictions,
    list_users,
    model_stats,
    reresolve_clues,
    suggestion_draft,
    system_principal,
)
from jiandu.workflow.authz import ROLE_NAMES_ZH, Role
from jiandu.workflow.db import StoreError, current_revision
from jiandu.workflow.jurisdictions import BASIS_NAMES_ZH
from jiandu.workflow.stats import FUNNEL_NAMES_ZH, StatsRow, funnel
from jiandu.workflow.tables import Clue
from jiandu.workflow.template import default_template

users_app = typer.Typer(no_args_is_help=True)
jurisdictions_app = typer.Typer(no_args_is_help=True)
governance_app = typer.Typer(no_args_is_help=True)
workflow_app = typer.Typer(no_args_is_help=True)

T = TypeVar("T")


def open_store(ctx: typer.Context) -> Store:
    st = state(ctx)
    st.ensure_workspace()
    try:
        return Store.for_workspace(st.workspace.root)
    except StoreError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


def cli_principal(session: Session) -> Principal:
    return system_principal(session, name=f"cli:{getpass.getuser()}"[:64])


@contextmanager
def workflow(ctx: typer.Context, *, write: bool) -> Iterator[tuple[Session, Principal]]:
    """A session on the workspace's workflow store and the command line's principal."""
    store = open_store(ctx)
    try:
        with store.write() if write else store.read() as session:
            yield session, cli_principal(session)
    except WorkflowError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    finally:
        store.close()


# ------------------------------------------------------------------ users


@users_app.command("add")
def users_add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Login name (letters, digits, _ . -).")],
    role: Annotated[str, typer.Option(help="admin, analyst, prosecutor, auditor or viewer.")],
    jurisdiction: Annotated[str, typer.Option(help="Jurisdiction code, e.g. 330602.")],
    name: Annotated[str | None, typer.Option(help="Display name, e.g. 张检察官.")] = None,
    password: Annotated[
        str | None, typer.Option(help="Password (asked for when omitted; at least 8 characters).")
    ] = None,
    no_password: Annotated[bool, typer.Option("--no-password", help="API tokens only, no login.")] = False,
) -> None:
    """Add a user with a role in a jurisdiction."""
    if password is None and not no_password:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with workflow(ctx, write=True) as (s, p):
        user = add_user(
            s, p, username, role=role, jurisdiction_code=jurisdiction, password=password, display_name=name
        )
    console.print(f"added user [bold]{user.username}[/bold] ({user.role}) in {user.jurisdiction_code}")


@users_app.command("list")
def users_list(ctx: typer.Context) -> None:
    """List users with role and jurisdiction."""
    with workflow(ctx, write=False) as (s, p):
        users = list_users(s, p)
    grid = Table(title=f"用户 Users: {len(users)}")
    for heading in ("用户名", "姓名", "角色", "辖区", "状态"):
        grid.add_column(heading)
    for u in users:
        grid.add_row(
            u.username,
            u.display_name or "",
            f"{u.role}（{ROLE_NAMES_ZH[Role(u.role)]}）",
            u.jurisdiction_code,
            "启用" if u.active else "停用",
        )
    console.print(grid)


@users_app.command("token")
def users_token(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="User the token acts as.")],
    label: Annotated[str | None, typer.Option(help="What the token is for.")] = None,
) -> None:
    """Create an API token for a user; it is printed once and stored only as a hash."""
    with workflow(ctx, write=True) as (s, p):
        token = create_token(s, p, username, label=label)
    sys.stdout.write(token + "\n")


# ------------------------------------------------------------------ jurisdictions


@jurisdictions_app.command("add")
def jurisdictions_add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Six-digit code, e.g. 330602.")],
    name: Annotated[str, typer.Argument(help="Office name, e.g. 绍兴市越城区人民检察院.")],
    parent: Annotated[str | None, typer.Option(help="Parent code (none: a province).")] = None,
    level: Annotated[
        str | None, typer.Option(help="province, city or county (default: from the parent).")
    ] = None,
) -> None:
    """Add a jurisdiction to the tree."""
    with workflow(ctx, write=True) as (s, p):
        j = add_jurisdiction(s, p, code, name, parent_code=parent, level=level)
    console.print(f"added {j.code} {j.name} ({j.level})")


@jurisdictions_app.command("court")
def jurisdictions_court(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Court code as in case numbers, e.g. 浙0602.")],
    name: Annotated[str, typer.Argument(help="Court name.")],
    jurisdiction: Annotated[str, typer.Option(help="Jurisdiction code that supervises it.")],
) -> None:
    """Map a court (its case-number code) to a jurisdiction."""
    with workflow(ctx, write=True) as (s, p):
        add_court(s, p, code, name, jurisdiction)
    console.print(f"court {code} {name} → {jurisdiction}")


def _unresolved(session: Session) -> int:
    return session.execute(
        select(func.count()).select_from(Clue).where(Clue.jurisdiction_code.is_(None))
    ).scalar_one()


@jurisdictions_app.command("defaults")
def jurisdictions_defaults(ctx: typer.Context) -> None:
    """Install the default tree: 浙江省 → 绍兴市 → its six counties, with their courts; clues
    without a jurisdiction are then re-resolved."""
    with workflow(ctx, write=True) as (s, p):
        added = install_defaults(s, actor=p.username)
        unresolved = _unresolved(s)
    console.print(f"added {added} jurisdictions; {unresolved} clues without a jurisdiction (未定辖区)")


@jurisdictions_app.command("resolve")
def jurisdictions_resolve(
    ctx: typer.Context,
    all_clues: Annotated[
        bool,
        typer.Option(
            "--all", help="Every clue, moved wherever it now resolves (default: unresolved or coarser ones)."
        ),
    ] = False,
) -> None:
    """Re-resolve clues' jurisdictions (court, parties' addresses, execution court); audited."""
    with workflow(ctx, write=True) as (s, p):
        r = reresolve_clues(s, p, all_clues=all_clues)
        unresolved = _unresolved(s)
    basis = "，".join(f"{BASIS_NAMES_ZH.get(k, k)} {n}" for k, n in sorted(r.by_basis.items()))
    console.print(
        f"辖区重新解析 re-resolved: {r.examined} examined, {r.changed} changed"
        + (f"（{basis}）" if basis else "")
        + f", {r.kept} kept (assignee elsewhere); {unresolved} clues without a jurisdiction (未定辖区)"
    )


@jurisdictions_app.command("list")
def jurisdictions_list(ctx: typer.Context) -> None:
    """The jurisdiction tree, with the clues of each jurisdiction and of its subtree."""
    with workflow(ctx, write=False) as (s, p):
        rows = list_jurisdictions(s, p)
        own: dict[str | None, int] = {
            code: n
            for code, n in s.execute(
                select(Clue.jurisdiction_code, func.count()).group_by(Clue.jurisdiction_code)
            )
        }
    if not rows:
        console.print("暂无辖区 No jurisdictions; run `jiandu jurisdictions defaults` or `add`.")
        return
    parent = {j.code: j.parent_code for j in rows}
    below = dict.fromkeys(parent, 0)  # clues of each jurisdiction and everything under it
    for code in parent:
        up: str | None = code
        while up in below:
            below[up] += own.get(code, 0)
            up = parent[up]
    for j in rows:
        counts = f"线索 {own.get(j.code, 0)}，含下级 {below.get(j.code, 0)}"
        console.print(
            f"{'  ' * j.depth}{j.code}  {j.name}  [dim]{j.level}[/dim]  {counts}",
            highlight=False,
        )
    if p.sees_unassigned:
        console.print(f"未定辖区 (no jurisdiction)  线索 {own.get(None, 0)}", highlight=False)


# ------------------------------------------------------------------ governance


def _model_title(ctx: typer.Context, model_id: str) -> str | None:
    try:
        from jiandu.models.library import Library

        loaded = Library.for_workspace(state(ctx).workspace.root).specs.get(model_id)
        return loaded.spec.name_zh if loaded else None
    except Exception:  # the model library is optional here: fall back to the id
        return None


@governance_app.command("groups")
def governance_list(
    ctx: typer.Context,
    min_clues: Annotated[int, typer.Option(help="Only groups with at least this many clues.")] = 1,
) -> None:
    """Confirmed clues grouped by model, court and jurisdiction (class cases)."""
    with workflow(ctx, write=False) as (s, p):
        groups = governance_groups(s, p, min_clues=min_clues)
    if not groups:
        console.print("暂无已确认线索 No confirmed clues yet.")
        return
    grid = Table(title=f"类案 Class cases: {len(groups)}")
    for heading in ("分组键 key", "模型", "法院", "辖区", "线索", "案件", "年份"):
        grid.add_column(heading, overflow="fold")
    for g in groups:
        years = f"{g.first_year}–{g.last_year}" if g.first_year else ""
        grid.add_row(
            g.key,
            g.model_id,
            g.court_name or g.court or "",
            g.jurisdiction_name or "",
            str(g.clues),
            str(len(g.case_numbers)),
            years,
        )
    console.print(grid)


@governance_app.command("draft")
def governance_draft(
    ctx: typer.Context,
    group: Annotated[str, typer.Argument(help="Group key from `jiandu governance groups`.")],
    output: Annotated[Path, typer.Option("--output", "-o", help=".docx file to write.")],
    template: Annotated[
        Path | None,
        typer.Option(
            help="A .docx template (default: <workspace>/templates/suggestion.docx, else built in)."
        ),
    ] = None,
) -> None:
    """Write a procuratorial suggestion draft (检察建议书, .docx) for one group."""
    chosen = template
    if chosen is None:
        candidate = state(ctx).workspace.root / "templates" / "suggestion.docx"
        chosen = candidate if candidate.is_file() else None
    title = _model_title(ctx, group.split("|", 1)[0])
    with workflow(ctx, write=True) as (s, p):
        data = suggestion_draft(s, p, group, model_title=title, template=chosen)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    err_console.print(f"wrote {output}")


@governance_app.command("template")
def governance_template(
    output: Annotated[Path, typer.Option("--output", "-o", help=".docx file to write.")],
) -> None:
    """Write the built-in 检察建议书 template, to restyle it (docxtpl variables inside)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(default_template())
    err_console.print(f"wrote {output}")


# ------------------------------------------------------------------ the store


@workflow_app.command("info")
def workflow_info(ctx: typer.Context) -> None:
    """Which database holds the workflow store (password masked) and its schema revision."""
    store = open_store(ctx)
    try:
        console.print(f"workflow store: {store.safe_url}", soft_wrap=True)
        console.print(f"schema revision: {current_revision(store.engine)}")
    finally:
        store.close()


@workflow_app.command("load-synthetic")
def workflow_load_synthetic(
    ctx: typer.Context,
    n: Annotated[int, typer.Argument(help="How many synthetic clues to add.")],
    seed: Annotated[int, typer.Option(help="Random seed (different seeds add different clues).")] = 0,
) -> None:
    """Add N synthetic clues (for load tests; not real data)."""
    from jiandu.workflow.synthetic import bulk_load

    with workflow(ctx, write=True) as (s, _):
        install_defaults(s)
        seconds = bulk_load(s, n, seed=seed)
    console.print(f"loaded {n} synthetic clues in {seconds:.1f} s")


def _timed(call: Callable[[], T], repeat: int) -> tuple[T, list[float]]:
    times = []
    result: Any = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    return result, sorted(times)


@workflow_app.command("bench")
def workflow_bench(
    ctx: typer.Context,
    repeat: Annotated[int, typer.Option(help="Repetitions per query.")] = 20,
    user: Annotated[
        str | None, typer.Option(help="Measure as this user (default: the command line).")
    ] = None,
) -> None:
    """Measure clue-queue latency (first page, deep keyset pages, filters) on this store."""
    from jiandu.workflow import principal_for_username

    store = open_store(ctx)
    grid = Table(title="clue queue latency (ms)")
    for heading in ("query", "p50", "p95", "max"):
        grid.add_column(heading, justify="right" if heading != "query" else "left")
    try:
        with store.read() as s:
            p = principal_for_username(s, user) if user else cli_principal(s)
            page = list_clues(s, p, limit=50)
            cursor = page.next_cursor
            for _ in range(200):  # walk 10,000 rows deep
                if cursor is None:
                    break
                cursor = list_clues(s, p, limit=50, cursor=cursor).next_cursor
            cases: list[tuple[str, Callable[[], Any]]] = [
                ("first page (50)", lambda: list_clues(s, p, limit=50)),
                ("page after 10,000 rows", lambda: list_clues(s, p, limit=50, cursor=cursor)),
                ("status = verifying", lambda: list_clues(s, p, ClueFilter(status="verifying"), limit=50)),
                ("band = red", lambda: list_clues(s, p, ClueFilter(band="red"), limit=50)),
                (
                    "model filter",
                    lambda: list_clues(s, p, ClueFilter(model_id="civil.false_litigation"), limit=50),
                ),
                (
                    "jurisdiction 330602",
                    lambda: list_clues(s, p, ClueFilter(jurisdiction_code="330602"), limit=50),
                ),
                ("status + band", lambda: list_clues(s, p, ClueFilter(status="new", band="red"), limit=50)),
            ]
            for label, call in cases:
                _, times = _timed(call, repeat)
                grid.add_row(
                    label,
                    f"{times[len(times) // 2]:.1f}",
                    f"{times[int(len(times) * 0.95) - 1]:.1f}",
                    f"{times[-1]:.1f}",
                )
    finally:
        store.close()
    console.print(grid)


# ------------------------------------------------------------------ on the model framework's groups


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def stats_table(rows: list[StatsRow]) -> Table:
    grid = Table(title="模型反馈 Model feedback（精准率 = 属实或有价值 / 已有结论；转化率 = 立案 / 线索）")
    for heading in (
        "模型",
        "版本",
        "辖区",
        *FUNNEL_NAMES_ZH.values(),
        "属实",
        "有价值",
        "误报",
        "精准率",
        "转化率",
    ):
        grid.add_column(
            heading, overflow="fold", justify="left" if heading in ("模型", "版本", "辖区") else "right"
        )
    for r in rows:
        grid.add_row(
            r.model_id,
            r.model_version,
            r.jurisdiction_name or r.jurisdiction_code or "全部",
            *(str(getattr(r, stage)) for stage in FUNNEL_NAMES_ZH),
            str(r.confirmed),
            str(r.valuable),
            str(r.false_positive),
            _pct(r.precision),
            _pct(r.conversion),
        )
    if rows:
        total = funnel(rows)
        grid.add_section()
        grid.add_row("合计", "", "", *(str(total[stage]) for stage in FUNNEL_NAMES_ZH), "", "", "", "", "")
    return grid


def models_stats(
    ctx: typer.Context,
    model: Annotated[str | None, typer.Option("--model", "-m", help="Only this model.")] = None,
    by_jurisdiction: Annotated[
        bool,
        typer.Option("--by-jurisdiction/--overall", help="One row per jurisdiction, or per version only."),
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
) -> None:
    """Precision and conversion per model, version and jurisdiction, from recorded outcomes."""
    with workflow(ctx, write=False) as (s, p):
        rows = model_stats(s, p, model_id=model, by_jurisdiction=by_jurisdiction)
    if as_json:
        for r in rows:
            sys.stdout.write(json.dumps(r.as_dict(), ensure_ascii=False) + "\n")
        return
    if not rows:
        console.print("暂无线索 No clues in the workflow store yet; run `jiandu clues sync`.")
        return
    console.print(stats_table(rows))


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users", help="Users of the workflow store: add, list, API tokens.")
    app.add_typer(jurisdictions_app, name="jurisdictions", help="The jurisdiction tree and court mapping.")
    app.add_typer(governance_app, name="governance", help="Class cases and procuratorial suggestion drafts.")
    app.add_typer(workflow_app, name="workflow", help="The workflow store: info, synthetic load, latency.")
