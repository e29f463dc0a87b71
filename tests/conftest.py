"""Shared fixtures. Engine parametrisation lives in engine_support.py; the skip policy (a
skipped test fails the run unless JIANDU_ALLOW_SKIP=1) lives in skip_policy.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # lets test modules import engine_support

from engine_support import engine, engine_kind  # noqa: F401  (fixtures used by name)
from pg_support import pg_server_url, pg_url, workflow_db_url  # noqa: F401  (workflow store on SQLite and PostgreSQL)
from skip_policy import pytest_configure  # noqa: F401  (hook: a skipped test fails the run)
