"""Shared fixtures. Engine parametrisation lives in engine_support.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # lets test modules import engine_support

from engine_support import engine, engine_kind  # noqa: F401  (fixtures used by name)
