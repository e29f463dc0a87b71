"""Shared fixtures: the real public data lives outside the repo in ../shared/data/real.

The expected values of those documents are in tests/fixtures/real_expectations/ with names as
spans into the texts (expectations.py); a missing data folder skips, and a skip fails the run
unless JIANDU_ALLOW_SKIP=1 (tests/skip_policy.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.paths import REAL


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"real data not available: {path} (set JIANDU_REAL_DATA to the folder)")
    return path


@pytest.fixture(scope="session")
def civil_full() -> dict[str, str]:
    d = _need(REAL / "civil" / "full")
    return {p.name.split("_")[0]: p.read_text(encoding="utf-8") for p in sorted(d.glob("*.txt"))}


@pytest.fixture(scope="session")
def cail_rows() -> list[dict[str, Any]]:
    p = _need(REAL / "civil" / "cail2019_scm_private_lending.jsonl")
    return [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="session")
def criminal_rows() -> list[dict[str, Any]]:
    p = _need(REAL / "criminal" / "judge_criminal.jsonl")
    return [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line]
