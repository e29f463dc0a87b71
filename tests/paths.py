"""Where the shared real documents live (outside the repository, never shipped)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REAL = (REPO / ".." / "shared" / "data" / "real").resolve()
CIVIL_FULL = REAL / "civil" / "full"
CAIL_SCM = REAL / "civil" / "cail2019_scm_private_lending.jsonl"
CRIMINAL = REAL / "criminal" / "judge_criminal.jsonl"

needs_real = pytest.mark.skipif(not REAL.is_dir(), reason=f"real documents not found at {REAL}")
