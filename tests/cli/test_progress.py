"""Long commands draw progress on standard error when it is a terminal, and nothing otherwise;
standard output stays what the command writes (tables, JSON lines, CSV)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from jiandu.cli import progress as progress_module
from jiandu.cli.main import app
from jiandu.cli.progress import progress, progress_enabled

runner = CliRunner()
TITLES = ("生成模拟县域数据", "导入裁判文书", "导入登记数据", "主体识别", "模型评估", "导出线索")


def _terminal(buffer: io.StringIO) -> Console:
    return Console(file=buffer, force_terminal=True, width=100, color_system=None)


def test_progress_is_drawn_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JIANDU_PROGRESS", raising=False)
    shown = io.StringIO()
    with progress("导出线索", console=_terminal(shown)) as bar:
        assert bar.shown
        bar.update(total=3, completed=0)
        assert list(bar.track("abc")) == ["a", "b", "c"]
    assert "导出线索" in shown.getvalue() and "3/3" in shown.getvalue()

    piped = io.StringIO()
    with progress("导出线索", console=Console(file=piped)) as bar:
        assert not bar.shown
        assert list(bar.track("abc")) == ["a", "b", "c"]
        bar.update(total=3, completed=3, note="x")
    assert piped.getvalue() == ""

    quiet = io.StringIO()
    with progress("导出线索", console=_terminal(quiet), quiet=True) as bar:
        assert not bar.shown
    assert quiet.getvalue() == ""


def test_a_spinner_shows_its_note_and_no_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JIANDU_PROGRESS", raising=False)
    shown = io.StringIO()
    with progress("导入裁判文书", console=_terminal(shown)) as bar:
        bar.update(note="已读 12 · 入库 10")
    last = shown.getvalue().rsplit("\r", 1)[-1]
    assert "导入裁判文书" in last and "已读 12 · 入库 10" in last and "1/1" not in last


def test_jiandu_progress_0_turns_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _terminal(io.StringIO())
    monkeypatch.setenv("JIANDU_PROGRESS", "0")
    assert not progress_enabled(terminal)
    monkeypatch.setenv("JIANDU_PROGRESS", "1")
    assert progress_enabled(terminal)
    assert not progress_enabled(Console(file=io.StringIO()))


def _invoke(*args: str) -> tuple[str, str]:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def test_long_commands_show_progress_on_stderr_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """synth → ingest judgments and registers → entities resolve → evaluate → clues export, once
    with a terminal on standard error (a Rich console standing in for it), once without."""
    monkeypatch.delenv("JIANDU_PROGRESS", raising=False)
    monkeypatch.delenv("JIANDU_WORKFLOW_URL", raising=False)
    drawn = io.StringIO()
    monkeypatch.setattr(progress_module, "stderr_console", lambda: _terminal(drawn))
    county, ws = tmp_path / "county", str(tmp_path / "ws")
    outputs = [
        _invoke("synth", str(county), "--documents", "40", "--seed", "5"),
        _invoke("-w", ws, "ingest", "judgments", str(county / "documents"), "--workers", "1"),
        _invoke("-w", ws, "ingest", "registers", str(county / "registers")),
        _invoke("-w", ws, "entities", "resolve"),
        _invoke("-w", ws, "evaluate", "--truth", str(county / "truth.jsonl"), "--json"),
        _invoke("-w", ws, "clues", "export", "-o", str(tmp_path / "clues.jsonl")),
    ]
    for title in TITLES:
        line = re.compile(re.escape(title) + r"[^\r\n]* \d:\d\d:\d\d")  # title … elapsed time
        assert line.search(drawn.getvalue()), title
        assert not any(line.search(out) or line.search(err) for out, err in outputs), title
    assert "40/40" in drawn.getvalue()  # synth counts documents
    assert json.loads(outputs[4][0])  # evaluate --json: standard output is the JSON alone

    # no terminal: nothing drawn anywhere, standard output unchanged
    monkeypatch.setattr(progress_module, "stderr_console", lambda: Console(file=io.StringIO()))
    out, err = _invoke("-w", ws, "evaluate", "--truth", str(county / "truth.jsonl"), "--json")
    assert out == outputs[4][0] and "模型评估" not in err
