"""Fixtures of the entity-resolution tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from jiandu.engines import Engine, open_engine


@pytest.fixture
def duck(tmp_path: Path) -> Iterator[Engine]:
    """A fresh DuckDB store, for tests of logic that does not depend on the engine."""
    store = open_engine("duckdb", tmp_path / "workspace")
    try:
        yield store
    finally:
        store.close()
