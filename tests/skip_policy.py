"""A skipped test is a failed run, unless a developer opts out with ``JIANDU_ALLOW_SKIP=1``.

Tests skip when something they need is missing (PostgreSQL, Chromium, Spark/Java, the real
documents). In CI that would silently drop a whole suite, so this plugin turns any skip into a
failing exit status (1) and lists every skipped test with its reason. ``scripts/test`` and
``.ci/run`` never set the variable. Expected failures (``xfail``) are not skips and are
unaffected. Loaded by ``tests/conftest.py``; under pytest-xdist only the controller decides.
"""

from __future__ import annotations

import os

import pytest

ALLOW_SKIP = "JIANDU_ALLOW_SKIP"
PLUGIN_NAME = "jiandu-skip-policy"


def skips_allowed() -> bool:
    """True when the developer asked to let missing services skip their tests."""
    return os.environ.get(ALLOW_SKIP) == "1"


def _reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


class SkipPolicy:
    """Collects the skips of a session and fails the session when there are any."""

    def __init__(self) -> None:
        self.skipped: list[tuple[str, str]] = []

    def _note(self, report: pytest.TestReport | pytest.CollectReport) -> None:
        if report.skipped and not hasattr(report, "wasxfail"):
            self.skipped.append((report.nodeid or "<collection>", _reason(report)))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self._note(report)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        self._note(report)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        nothing_failed = (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED)
        if self.skipped and not skips_allowed() and session.exitstatus in nothing_failed:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.skipped:
            return
        if skips_allowed():
            terminalreporter.write_line(
                f"{len(self.skipped)} test(s) skipped, allowed by {ALLOW_SKIP}=1 (never set in CI)",
                yellow=True,
            )
            return
        terminalreporter.section("skipped tests fail this run", sep="=", red=True, bold=True)
        for nodeid, reason in self.skipped:
            terminalreporter.write_line(f"SKIPPED {nodeid}: {reason}")
        terminalreporter.write_line(
            f"{len(self.skipped)} test(s) skipped: the run fails (exit status 1). Provide what they "
            f"need, or set {ALLOW_SKIP}=1 to allow skips on a developer machine (never in CI).",
            red=True,
            bold=True,
        )


def pytest_configure(config: pytest.Config) -> None:
    """Register the policy once, on the process that reports (not on xdist workers)."""
    if hasattr(config, "workerinput") or config.pluginmanager.has_plugin(PLUGIN_NAME):
        return
    config.pluginmanager.register(SkipPolicy(), PLUGIN_NAME)
