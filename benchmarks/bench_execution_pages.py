"""Load times of the execution clue pages and the per-court 终本 view (docs/web.md, "Execution
clue pages").

Usage: ``python -m tests.web.execution_world /tmp/exec-ws`` (once), then
``.venv/bin/python benchmarks/bench_execution_pages.py /tmp/exec-ws [--user yc_pro] [--n 20]``:
loads the first clue of each execution model, a clue of another model (no panel) and the
per-court view through the ASGI test client, ``n`` times each after one warm-up, and prints p50
and p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from jiandu.web import create_app
from jiandu.web.security import COOKIE_NAME
from jiandu.workflow import Store
from jiandu.workflow.tables import Clue


def first_clue(root: Path, model_like: str, negate: bool = False) -> str | None:
    store = Store.for_workspace(root)
    try:
        with store.read() as s:
            condition = Clue.model_id.not_like(model_like) if negate else Clue.model_id.like(model_like)
            query = select(Clue.clue_id).where(condition).order_by(Clue.score.desc()).limit(1)
            return s.execute(query).scalar()
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--user", default="yc_pro")
    parser.add_argument("--n", type=int, default=20)
    args = parser.parse_args()
    pages = {
        "ban clue": first_clue(args.workspace, "execution.ban_violation"),
        "refusal clue": first_clue(args.workspace, "execution.refusal_to_execute"),
        "other clue (no panel)": first_clue(args.workspace, "execution.%", negate=True),
    }
    urls = {k: f"/clues/{v}" for k, v in pages.items() if v}
    urls["courts view"] = "/governance/execution-courts"
    app = create_app(args.workspace)
    try:
        client = TestClient(app)
        client.cookies.set(COOKIE_NAME, app.state.jiandu.sessions.new(args.user)[1])
        for name, url in urls.items():
            client.get(url)
            times = []
            for _ in range(args.n):
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            times.sort()
            p50, p95 = times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.95))]
            print(f"{name}: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    finally:
        app.state.jiandu.close()


if __name__ == "__main__":
    main()
