"""The web-test workspace plus the planted oil and hotel counties (the domains' own test
fixtures) with their models run and their clues synced, for the map tests and screenshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jiandu.models.oil.patterns.fleet import oil_county
from jiandu.workflow import Store, sync_clues
from jiandu.workspace import Workspace
from tests.models.hotels.support import hotel_county, ingest, run_hotels
from tests.models.oil.support import load, run_oil
from tests.web.world import copy_workspace


def add_map_clues(root: Path) -> dict[str, list[dict[str, Any]]]:
    """Load both planted counties into the workspace's analytic store, run the oil and hotel
    models, sync their clues (region zhejiang: each lands where its evidence places it) and
    publish the snapshot the web reads. Returns the clues by model."""
    exports = root / "hotel-exports"
    hotel_county(exports)
    engine = Workspace(root).open_engine()
    try:
        ingest(engine, exports, root / "quarantine")
        hotels = run_hotels(engine)
        load(engine, oil_county())
        oil = run_oil(engine)
    finally:
        engine.close()  # publishes the snapshot
    clues = [dict(c, region="zhejiang") for c in oil + hotels]
    store = Store.for_workspace(root)
    try:
        with store.write() as s:
            sync_clues(s, clues)
    finally:
        store.close()
    return {"oil": oil, "hotels": hotels}


@pytest.fixture(scope="session")
def map_template(template_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The web-test workspace with the oil and hotel clues (built once per session)."""
    root = copy_workspace(template_workspace, tmp_path_factory.mktemp("map-template") / "ws")
    add_map_clues(root)
    return root


@pytest.fixture
def map_workspace(map_template: Path, tmp_path: Path) -> Path:
    return copy_workspace(map_template, tmp_path / "ws")
