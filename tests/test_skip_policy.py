"""The skip policy (tests/skip_policy.py): a run with a skipped test fails unless
JIANDU_ALLOW_SKIP=1. Each case runs pytest in a subprocess on a tiny throwaway test folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from skip_policy import ALLOW_SKIP

TESTS = Path(__file__).resolve().parent

CONFTEST = f"""
import sys
sys.path.insert(0, {str(TESTS)!r})
from skip_policy import pytest_configure  # noqa: F401
"""


def _run(folder: Path, body: str, *, allow: str | None) -> subprocess.CompletedProcess[str]:
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (folder / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    (folder / "test_tiny.py").write_text(body, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != ALLOW_SKIP}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # faster; the policy comes from conftest.py
    if allow is not None:
        env[ALLOW_SKIP] = allow
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


SKIPS = """
import pytest

def test_passes():
    assert True

def test_needs_a_server():
    pytest.skip("no server here")
"""


def test_a_skipped_test_fails_the_run_and_is_listed(tmp_path: Path) -> None:
    result = _run(tmp_path, SKIPS, allow=None)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "skipped tests fail this run" in result.stdout
    assert "SKIPPED test_tiny.py::test_needs_a_server: no server here" in result.stdout
    assert ALLOW_SKIP in result.stdout


def test_the_opt_out_lets_skips_pass(tmp_path: Path) -> None:
    result = _run(tmp_path, SKIPS, allow="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"allowed by {ALLOW_SKIP}=1" in result.stdout


def test_only_the_value_1_opts_out(tmp_path: Path) -> None:
    assert _run(tmp_path, SKIPS, allow="0").returncode == 1


def test_a_module_skipped_at_collection_fails_the_run(tmp_path: Path) -> None:
    body = 'import pytest\npytest.skip("no java", allow_module_level=True)\n\ndef test_x():\n    pass\n'
    result = _run(tmp_path, body, allow=None)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "no java" in result.stdout


def test_expected_failures_and_clean_runs_still_pass(tmp_path: Path) -> None:
    body = (
        "import pytest\n\n"
        "@pytest.mark.xfail(strict=True, reason='known parser gap')\n"
        "def test_gap():\n    assert False\n\n"
        "def test_ok():\n    assert True\n"
    )
    result = _run(tmp_path, body, allow=None)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "skipped tests fail" not in result.stdout
