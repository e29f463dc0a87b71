"""The README's demo flow, in the order that once left every clue in 未定辖区: a small synthetic
county is generated, ingested and run (clues synced into a store without a jurisdiction tree),
then `jiandu users demo` installs the tree and the logins. The county prosecutor then logs in and
sees the county's clues, the city prosecutor the city's, and the re-resolution is in the audit
log, whose chain verifies."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from jiandu.cli.main import app as cli
from jiandu.web import create_app
from jiandu.workflow import Store
from jiandu.workflow.jurisdictions import subtree
from jiandu.workflow.tables import Clue, Event
from tests.web.conftest import login

pytestmark = pytest.mark.slow

COUNTY, CITY = "330602", "330600"
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "demo"


@dataclass
class Demo:
    root: Path
    passwords: dict[str, str]
    before_users_demo: dict[str, str | None]  # clue id → jurisdiction right after the run


def _run(root: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["-w", str(root), *args])
    assert result.exit_code == 0, f"jiandu {' '.join(args)}: {result.output}\n{result.exception!r}"
    return result.output


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("JIANDU_WORKFLOW_URL", raising=False)
        mp.setenv("COLUMNS", "200")
        root = tmp_path_factory.mktemp("demo") / "ws"
        county = root / "county"
        _run(root, "init")
        _run(root, "synth", str(county), "--seed", "1", "--documents", "600")
        _run(root, "ingest", "judgments", str(county / "documents"))
        _run(root, "ingest", "registers", str(county / "registers"))
        _run(root, "run")
        store = Store.for_workspace(root)
        try:
            with store.read() as s:
                before = {c: j for c, j in s.execute(select(Clue.clue_id, Clue.jurisdiction_code))}
        finally:
            store.close()
        logins = _run(root, "users", "demo")
        passwords = {
            m.group(1): m.group(2) for m in re.finditer(r"^\s*(demo_\w+)\s.*\s(\S{12,})\s*$", logins, re.M)
        }
        yield Demo(root, passwords, before)


@pytest.fixture(scope="module")
def web(demo: Demo) -> Iterator[FastAPI]:
    application = create_app(demo.root)
    yield application
    application.state.jiandu.close()


def _logged_in(web: FastAPI, demo: Demo, username: str) -> TestClient:
    client = TestClient(web, follow_redirects=False)
    assert login(client, username, demo.passwords[username]) == 303
    return client


def _queue(client: TestClient) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    cursor = None
    while True:
        page = client.get("/api/clues", params={"limit": 500} | ({"cursor": cursor} if cursor else {}))
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if not cursor:
            return items


def _placed(demo: Demo) -> dict[str, str | None]:
    store = Store.for_workspace(demo.root)
    try:
        with store.read() as s:
            return {c: j for c, j in s.execute(select(Clue.clue_id, Clue.jurisdiction_code))}
    finally:
        store.close()


def _subtree(demo: Demo, code: str) -> frozenset[str]:
    store = Store.for_workspace(demo.root)
    try:
        with store.read() as s:
            return subtree(s, code)
    finally:
        store.close()


def test_the_run_synced_clues_before_the_tree_existed(demo: Demo) -> None:
    assert len(demo.before_users_demo) > 20
    assert set(demo.before_users_demo.values()) == {None}  # the order the demo once had
    assert {"demo_prosecutor", "demo_city_prosecutor", "demo_auditor"} <= set(demo.passwords)


def test_the_county_prosecutor_sees_the_county(web: FastAPI, demo: Demo) -> None:
    placed = _placed(demo)
    assert None not in placed.values()
    county = _subtree(demo, COUNTY)
    expected = {c for c, j in placed.items() if j in county}
    assert expected, "no clue of the county"

    client = _logged_in(web, demo, "demo_prosecutor")
    items = _queue(client)
    assert {str(c["clue_id"]) for c in items} == expected
    assert all(c["jurisdiction_code"] in county for c in items)
    page = client.get("/clues")
    assert page.status_code == 200
    assert any(f'href="/clues/{c}"' in page.text for c in expected)

    # the clue's history says how it got its jurisdiction
    events = client.get(f"/api/clues/{sorted(expected)[0]}/events").json()
    changed = [e for e in events if e["kind"] == "jurisdiction_changed"]
    assert len(changed) == 1 and changed[0]["reason"].startswith("辖区重新解析：")
    assert changed[0]["after"]["jurisdiction_code"] == COUNTY


def test_the_city_prosecutor_sees_the_city(web: FastAPI, demo: Demo) -> None:
    placed = _placed(demo)
    city = _subtree(demo, CITY)
    expected = {c for c, j in placed.items() if j in city}
    items = _queue(_logged_in(web, demo, "demo_city_prosecutor"))
    assert {str(c["clue_id"]) for c in items} == expected
    assert len({c["jurisdiction_code"] for c in items}) > 1  # several counties of the city
    county = {c for c, j in placed.items() if j == COUNTY}
    assert county < expected


def test_re_resolving_is_audited_and_the_chain_verifies(web: FastAPI, demo: Demo) -> None:
    store = Store.for_workspace(demo.root)
    try:
        with store.read() as s:
            events = list(s.execute(select(Event).where(Event.kind == "jurisdiction_changed")).scalars())
    finally:
        store.close()
    assert sorted(str(e.entity_id) for e in events) == sorted(demo.before_users_demo)
    assert all(e.before and e.before["jurisdiction_code"] is None for e in events)
    assert {e.actor for e in events} == {"demo-setup"}
    verified = _logged_in(web, demo, "demo_auditor").get("/api/audit/verify")
    assert verified.status_code == 200 and verified.json()["ok"] is True, verified.text


def test_scripts_demo_installs_the_tree_before_the_run() -> None:
    """Both orders work; the script takes the direct one (clues placed as they are synced)."""
    lines = [line.strip() for line in SCRIPT.read_text(encoding="utf-8").splitlines()]
    assert lines.index('"$jiandu" jurisdictions defaults') < lines.index('"$jiandu" run')
    assert lines.index('"$jiandu" run') < lines.index('"$jiandu" users demo')


def test_search_finds_the_county_clues_the_run_indexed(web: FastAPI, demo: Demo) -> None:
    """`jiandu run` rebuilt the search index at its clue sync; `users demo` then placed the clues,
    and the index followed them: the county prosecutor finds a county clue by its subject."""
    client = _logged_in(web, demo, "demo_prosecutor")
    named = [c for c in _queue(client) if len(str(c["subject"]["name"] or "")) >= 3]  # type: ignore[index]
    assert named, "no county clue with a searchable name"
    clue = named[0]
    page = client.get("/search", params={"q": clue["subject"]["name"]})  # type: ignore[index]
    assert page.status_code == 200
    assert f'/clues/{clue["clue_id"]}' in page.text
