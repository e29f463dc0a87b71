"""`jiandu search reindex|find`: the search index of the web's 检索 (issue 13 §3)."""

from __future__ import annotations

from typing import Annotated

import typer

from jiandu.cli.context import console, err_console, state

app = typer.Typer(no_args_is_help=True)


@app.command("reindex")
def reindex(ctx: typer.Context) -> None:
    """Rebuild the search index from the clues and the analytic store's entities and cases."""
    from jiandu.workflow import Store, StoreError
    from jiandu.workflow.search import analytic_source, rebuild_search_index

    root = state(ctx).workspace.root
    try:
        store = Store.for_workspace(root)
    except StoreError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    try:
        with analytic_source(root) as source:
            result = rebuild_search_index(store, source)
    finally:
        store.close()
    if not result.analytic:
        console.print("分析库尚无可读版本，仅索引线索 (no analytic snapshot yet: clues only).")
    console.print(
        f"检索索引已重建 Search index rebuilt: 线索 {result.clues}，人员 {result.people}，"
        f"单位 {result.organizations}，案件 {result.cases}"
    )


@app.command("find")
def find(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Words to look for (names, case numbers, ...).")],
    user: Annotated[str, typer.Option("--as", help="Search as this user (jurisdiction and masking).")],
) -> None:
    """Search the index as a user would in the web (jurisdiction-filtered, masked)."""
    from jiandu.workflow import AuthenticationFailed, Store, principal_for_username
    from jiandu.workflow.search import KIND_NAMES_ZH, search

    store = Store.for_workspace(state(ctx).workspace.root)
    try:
        with store.read() as s:
            try:
                principal = principal_for_username(s, user)
            except AuthenticationFailed:
                err_console.print(f"[red]无此用户 No such user: {user}[/red]")
                raise typer.Exit(2) from None
            found = search(s, principal, query)
    finally:
        store.close()
    for kind, hits in found.groups.items():
        for hit in hits:
            console.print(
                f"{KIND_NAMES_ZH[kind]}\t{hit.title}\t{hit.summary[:60]}\t{hit.target}", soft_wrap=True
            )
    if not found.total:
        console.print("未找到 Nothing found.")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="search", help="Search index: reindex, find.")
