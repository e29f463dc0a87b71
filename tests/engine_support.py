"""Run one test on every engine, as Splink's test decorator does.

Use the ``engine`` fixture (a fresh, empty store per test, once per engine) or decorate a test
with `@all_engines` to ask for it explicitly. The Spark case carries the ``spark`` and ``slow``
marks, so ``pytest -m "not spark"`` runs DuckDB only. The SparkSession is started once per test
process; each test gets a fresh warehouse folder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from jiandu.engines import Engine, open_engine

ENGINE_PARAMS = [
    pytest.param("duckdb", id="duckdb"),
    pytest.param("spark", id="spark", marks=[pytest.mark.spark, pytest.mark.slow]),
]

F = TypeVar("F", bound=Callable[..., Any])


def all_engines(test: F) -> F:
    """Parametrise a test that takes ``engine`` over every engine (same as the fixture)."""
    return pytest.mark.parametrize("engine", ENGINE_PARAMS, indirect=True)(test)


def make_engine(kind: str, workspace: Path) -> Engine:
    """A fresh store of one kind in an empty workspace folder."""
    return open_engine(kind, workspace)


@pytest.fixture(params=ENGINE_PARAMS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A fresh, empty analytic store, once per engine."""
    store = make_engine(request.param, tmp_path / "workspace")
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(params=ENGINE_PARAMS)
def engine_kind(request: pytest.FixtureRequest) -> str:
    """The name of each engine, for tests that open stores themselves."""
    return str(request.param)


def sorted_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows in a canonical order, for comparing results whose order is not defined."""
    return sorted(rows, key=lambda row: [(v is None, str(type(v)), repr(v)) for v in row.values()])
