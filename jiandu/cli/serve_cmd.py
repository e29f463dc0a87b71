"""`jiandu serve`: the web UI and JSON API for the workspace; `jiandu users demo`: demo logins.

jiandu serve [--host 127.0.0.1] [--port 8000] [--secure-cookies/--no-secure-cookies]
jiandu users demo [--reset]
"""

from __future__ import annotations

import gc
import ipaddress
from typing import Annotated

import typer

from jiandu.cli.context import console, err_console, state
from jiandu.workflow.authz import ROLE_NAMES_ZH, Role
from jiandu.workspace import Workspace, WorkspaceError


def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    secure_cookies: Annotated[
        bool | None,
        typer.Option(
            "--secure-cookies/--no-secure-cookies",
            help="Mark the session cookie Secure (default: when the request came over https).",
        ),
    ] = None,
    proxy_headers: Annotated[
        bool, typer.Option(help="Trust X-Forwarded-Proto/For from a TLS proxy in front (on 127.0.0.1).")
    ] = False,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "warning",
) -> None:
    """Serve the web UI (Chinese) and the JSON API (/api/) for the workspace."""
    import uvicorn

    from jiandu.web import WebConfig, create_app

    st = state(ctx)
    st.ensure_workspace()
    publish_if_stale(st.workspace)
    app = create_app(st.workspace.root, WebConfig(secure_cookies=secure_cookies))
    # What start-up built (modules, templates, the model library) lives as long as the server:
    # out of the cyclic collector's way, whose full passes over it took 0.1-0.2 s of a request
    # (docs/benchmarks.md, "Pages on 100k clues")
    gc.collect()
    gc.freeze()
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    console.print(
        f"jiandu 网页服务 web UI: {url}  (workspace {st.workspace.root}; Ctrl+C 停止)", soft_wrap=True
    )
    console.print(f"API: {url}api/  (OpenAPI: {url}api/openapi.json)", soft_wrap=True)
    if not loopback:
        err_console.print(
            "[yellow]listening beyond this machine: put an https proxy in front "
            "(and use --proxy-headers) so passwords and session cookies are encrypted[/yellow]"
        )
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=log_level,
        proxy_headers=proxy_headers,
        forwarded_allow_ips="127.0.0.1" if proxy_headers else None,
        server_header=False,
    )


def publish_if_stale(workspace: Workspace) -> None:
    """Publish the web's read snapshot when the live store changed since the last one.

    Writers publish when they finish; this covers a store written before snapshots existed or
    by a tool that does not publish. A store held by a writer right now is left alone: that
    writer publishes when it finishes.
    """
    from jiandu.engines import DUCKDB_FILE, snapshot
    from jiandu.engines.duckdb_engine import DuckDBEngine
    from jiandu.locks import StoreBusy

    try:
        if workspace.config().get("engine", "duckdb") != "duckdb":
            return
    except WorkspaceError:
        return
    live = workspace.root / DUCKDB_FILE
    published = snapshot.current(live)
    if not live.is_file() or (published and published.matches(live) and published.path.is_file()):
        return
    try:
        engine = DuckDBEngine(live, publish_snapshots=True, lock_wait=0)
    except StoreBusy as exc:
        err_console.print(
            f"[yellow]分析库正被 {exc.holder} 写入，网页将在其结束后显示新数据 "
            f"(the analytic store is being written by {exc.holder}; pages show its data once it finishes)"
            "[/yellow]",
            soft_wrap=True,
        )
        return
    engine.close()  # publishes


def users_demo(
    ctx: typer.Context,
    reset: Annotated[bool, typer.Option(help="Give existing demo users new passwords (shown once).")] = False,
) -> None:
    """Create demo users (one per role) with random passwords, printed once. Idempotent."""
    from rich.cells import cell_len

    from jiandu.web.demo import create_demo_users
    from jiandu.workflow import Store

    st = state(ctx)
    st.ensure_workspace()
    store = Store.for_workspace(st.workspace.root)
    try:
        logins = create_demo_users(store, reset=reset)
    finally:
        store.close()
    console.print("演示账号 Demo logins（密码只显示这一次 passwords are shown once）:")
    for d in logins:
        password = d.password or "（已存在，密码未改 exists, unchanged; --reset gives a new one）"
        role = f"{ROLE_NAMES_ZH[Role(d.role)]} {d.role}"
        role += " " * max(0, 22 - cell_len(role))  # Chinese characters take two columns
        console.print(
            f"  {d.username:<22} {role} {d.jurisdiction_code}  {password}",
            soft_wrap=True,
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    from jiandu.cli.workflow_cmd import users_app

    app.command("serve")(serve)
    users_app.command("demo")(users_demo)
