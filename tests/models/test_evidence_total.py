"""A clue keeps the first ``evidence.max_items`` items of its evidence but records how many the
model found (``evidence_count``), the same on every engine, and the clue page says so:
显示前 N 项，共 M 项."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jiandu.engines.base import Engine
from jiandu.models.clues import load_clues
from jiandu.models.library import Library, LoadedSpec
from jiandu.models.runner import run
from jiandu.models.spec import parse_spec
from tests.models import county
from tests.models.helpers import EXAMPLE, example_data, framework_only

WANG = "name:王大成"
FOUND = 14 + 10 + 8 + 6  # 王大成's evidence items in the baseline county (test_runner)
SHOWN = 10


@pytest.fixture(autouse=True)
def _framework_only(monkeypatch: pytest.MonkeyPatch) -> None:
    framework_only(monkeypatch)


def capped_library(max_items: int) -> Library:
    data: dict[str, Any] = example_data()
    data["evidence"]["max_items"] = max_items
    lib = Library()
    lib.specs[EXAMPLE] = LoadedSpec(parse_spec(data), "workspace", Path(f"{EXAMPLE}.yaml"))
    return lib


def test_a_clue_with_more_items_than_max_items_records_the_true_total(engine: Engine) -> None:
    county.load(engine, county.baseline())
    assert run(engine, capped_library(SHOWN), [EXAMPLE]).ok
    wang = {c["subject"]["key"]: c for c in load_clues(engine)}[WANG]
    assert len(wang["evidence"]) == SHOWN
    assert wang["evidence_count"] == FOUND
    stored = engine.rows("SELECT count(*) AS n FROM clue_evidence WHERE clue_id = ?", [wang["clue_id"]])
    assert stored == [{"n": SHOWN}]


def test_without_a_cut_the_total_is_the_items_kept(engine: Engine) -> None:
    county.load(engine, county.baseline())
    assert run(engine, capped_library(500), [EXAMPLE]).ok
    wang = {c["subject"]["key"]: c for c in load_clues(engine)}[WANG]
    assert wang["evidence_count"] == len(wang["evidence"]) == FOUND


def test_the_clue_page_states_the_true_total(tmp_path: Path) -> None:
    import warnings

    warnings.filterwarnings("ignore", message=".*httpx.*")
    from fastapi.testclient import TestClient

    from jiandu.web import create_app
    from jiandu.web.security import COOKIE_NAME
    from jiandu.workflow import Store, add_user, install_defaults, sync_clues, system_principal
    from jiandu.workspace import Workspace

    root = tmp_path / "ws"
    Workspace(root).init(engine="duckdb")
    engine = Workspace(root).open_engine()
    try:
        county.load(engine, county.baseline())
        assert run(engine, capped_library(SHOWN), [EXAMPLE]).ok
        clues = load_clues(engine)
    finally:
        engine.close()  # publishes the read snapshot the web reads
    store = Store.for_workspace(root)
    try:
        with store.write() as s:
            install_defaults(s)
            add_user(s, system_principal(s), "zj_pro", role="prosecutor", jurisdiction_code="330000")
            sync_clues(s, clues)
    finally:
        store.close()
    wang = next(c for c in clues if c["subject"]["key"] == WANG)
    other = next(c for c in clues if c["subject"]["key"] != WANG)
    assert len(other["evidence"]) == other["evidence_count"] <= SHOWN
    app = create_app(root)
    try:
        client = TestClient(app)
        client.cookies.set(COOKIE_NAME, app.state.jiandu.sessions.new("zj_pro")[1])
        page = client.get(f"/clues/{wang['clue_id']}")
        assert page.status_code == 200
        assert f"证据（显示前 {SHOWN} 项，共 {FOUND} 项，" in page.text
        assert f"模型共找到 {FOUND} 项证据，按模型设定只保存并显示前 {SHOWN} 项" in page.text
        page = client.get(f"/clues/{other['clue_id']}")  # nothing was cut: no such statement
        assert page.status_code == 200
        assert f"证据（{len(other['evidence'])} 条，" in page.text and "evidence-cut" not in page.text
    finally:
        app.state.jiandu.close()
