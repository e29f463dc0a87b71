"""Where the shared real documents live (outside the repository, never shipped).

``JIANDU_REAL_DATA`` wins (scripts/test sets it); otherwise ``../shared/data/real`` next to the
repository. Tests that need the data skip with the path they looked at when it is missing, and
a skip fails the run unless ``JIANDU_ALLOW_SKIP=1`` (tests/skip_policy.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REAL = Path(os.environ.get("JIANDU_REAL_DATA") or (REPO / ".." / "shared" / "data" / "real")).resolve()
CIVIL_FULL = REAL / "civil" / "full"
CAIL_SCM = REAL / "civil" / "cail2019_scm_private_lending.jsonl"
CRIMINAL = REAL / "criminal" / "judge_criminal.jsonl"

needs_real = pytest.mark.skipif(
    not REAL.is_dir(), reason=f"real documents not found at {REAL} (set JIANDU_REAL_DATA to the folder)"
)
