"""Bounded load test of the web UI: N concurrent users browse the clue queue and clue pages.

Starts `jiandu serve` on 127.0.0.1 (a separate process) for a workspace, logs the users in
through the login form, then for ``--duration`` seconds each user repeats: the first page of the
queue, the next page (keyset cursor), a filtered queue (status, band, model or county), and the
page of one clue from it. Reports p50/p95/p99/max latency per kind of page, throughput and
errors (any non-200 answer or failed request).

    python benchmarks/bench_web_load.py --workspace /tmp/wf1m-web --users 20 --duration 60

Make a large workspace first, e.g. ``jiandu -w /tmp/wf1m workflow load-synthetic 1000000``.
The script adds two users to the workspace's workflow store if missing (bench_county: a
prosecutor of 越城 330602; bench_city: a prosecutor of 绍兴 330600, who sees every county) and
gives them a fresh password each run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import httpx

from jiandu.workflow import Store, add_user, install_defaults, set_password, system_principal
from jiandu.workflow.users import principal_for_username

USERS = (("bench_county", "prosecutor", "330602"), ("bench_city", "prosecutor", "330600"))
FILTERS = (
    "status=new",
    "status=verifying",
    "band=red",
    "band=yellow",
    "model=civil.false_litigation",
    "jurisdiction=330603",
    "status=new&band=red",
)
CLUE_LINK = re.compile(r'href="/clues/([0-9a-z]{16,64})"')
NEXT_LINK = re.compile(r'href="([^"]+)" rel="next"')
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def prepare_users(root: Path) -> str:
    password = secrets.token_urlsafe(16)
    store = Store.for_workspace(root)
    try:
        with store.write() as s:
            install_defaults(s)
            system = system_principal(s, name="bench")
            for username, role, code in USERS:
                try:
                    principal_for_username(s, username)
                    set_password(s, system, username, password)
                except Exception:
                    add_user(s, system, username, role=role, jurisdiction_code=code, password=password)
    finally:
        store.close()
    return password


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(root: Path, port: int) -> subprocess.Popen[bytes]:
    jiandu = Path(sys.executable).with_name("jiandu")
    proc = subprocess.Popen(
        [str(jiandu), "-w", str(root), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=os.environ | {"PYTHONUNBUFFERED": "1"},
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the server did not start")


async def login(client: httpx.AsyncClient, username: str, password: str) -> None:
    page = await client.get("/login")
    token = CSRF.search(page.text)
    assert token, "no CSRF token on the login page"
    r = await client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token.group(1)}
    )
    if r.status_code != 303:
        raise SystemExit(f"login of {username} failed: {r.status_code}")


async def user_loop(
    client: httpx.AsyncClient,
    until: float,
    think: float,
    rng: random.Random,
    timings: dict[str, list[float]],
    errors: dict[str, int],
) -> None:
    async def get(kind: str, url: str) -> str | None:
        started = time.perf_counter()
        try:
            r = await client.get(url)
        except httpx.HTTPError:
            errors[kind] += 1
            return None
        timings[kind].append((time.perf_counter() - started) * 1000)
        if r.status_code != 200:
            errors[kind] += 1
            return None
        if think:
            await asyncio.sleep(rng.uniform(0, 2 * think))
        return r.text

    while time.monotonic() < until:
        first = await get("queue: first page", "/clues")
        if first and (nxt := NEXT_LINK.search(first)):
            await get("queue: next page (cursor)", nxt.group(1).replace("&amp;", "&"))
        filtered = await get("queue: filtered", "/clues?" + rng.choice(FILTERS))
        ids = CLUE_LINK.findall(filtered or first or "")
        if ids:
            await get("clue page", f"/clues/{rng.choice(ids)}")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


async def run(base: str, users: int, duration: float, think: float, password: str) -> dict[str, object]:
    timings: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=4)
    clients = [httpx.AsyncClient(base_url=base, timeout=30, limits=limits) for _ in range(users)]
    try:
        for i, client in enumerate(clients):  # log in sequentially (argon2 is slow on purpose)
            await login(client, USERS[i % len(USERS)][0], password)
        for client in clients[:2]:  # warm caches (model list) before measuring
            await client.get("/clues")
        started = time.monotonic()
        until = started + duration
        await asyncio.gather(
            *(user_loop(c, until, think, random.Random(i), timings, errors) for i, c in enumerate(clients))
        )
        elapsed = time.monotonic() - started
    finally:
        for client in clients:
            await client.aclose()
    total = sum(len(v) for v in timings.values())
    report: dict[str, object] = {
        "users": users,
        "duration_s": round(elapsed, 1),
        "think_s": think,
        "requests": total,
        "throughput_rps": round(total / elapsed, 1),
        "errors": sum(errors.values()),
        "pages": {
            kind: {
                "n": len(v),
                "p50_ms": round(statistics.median(v), 1),
                "p95_ms": round(pct(v, 0.95), 1),
                "p99_ms": round(pct(v, 0.99), 1),
                "max_ms": round(max(v), 1),
                "errors": errors.get(kind, 0),
            }
            for kind, v in sorted(timings.items())
        },
    }
    all_queue = [x for k, v in timings.items() if k.startswith("queue") for x in v]
    if all_queue:
        report["queue_p50_ms"] = round(statistics.median(all_queue), 1)
        report["queue_p95_ms"] = round(pct(all_queue, 0.95), 1)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workspace", type=Path, required=True)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--think", type=float, default=0.0, help="mean think time between pages (s)")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args()
    root = args.workspace.resolve()
    password = prepare_users(root)
    port = args.port or free_port()
    server = start_server(root, port)
    try:
        report = asyncio.run(run(f"http://127.0.0.1:{port}", args.users, args.duration, args.think, password))
    finally:
        server.terminate()
        server.wait(timeout=20)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print(
        f"{report['users']} users, {report['duration_s']} s, think {report['think_s']} s: "
        f"{report['requests']} requests, {report['throughput_rps']} req/s, {report['errors']} errors"
    )
    print(f"{'page':<28}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}")
    for kind, row in report["pages"].items():  # type: ignore[union-attr]
        print(
            f"{kind:<28}{row['n']:>7}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['p99_ms']:>9}"
            f"{row['max_ms']:>9}{row['errors']:>8}"
        )
    print(f"queue pages overall: p50 {report.get('queue_p50_ms')} ms, p95 {report.get('queue_p95_ms')} ms")


if __name__ == "__main__":
    main()
