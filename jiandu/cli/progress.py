"""Progress of long commands, on standard error.

A Rich progress line when standard error is a terminal; nothing at all otherwise (pipes, files,
tests), so that standard output stays machine-readable and logs stay clean. ``JIANDU_PROGRESS=0``
turns it off in a terminal too.

Use::

    with progress("导入裁判文书") as bar:          # unknown total: a spinner and a counter
        ingest(..., on_progress=lambda r: bar.update(note=f"已读 {r.read}"))

    with progress("导出线索", total=len(clues)) as bar:
        for clue in bar.track(clues): ...
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from rich.console import Console, RenderableType
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Column
from rich.text import Text

from jiandu.cli import context

T = TypeVar("T")
ENV = "JIANDU_PROGRESS"


def stderr_console() -> Console:
    """The console progress is drawn on (standard error of the command)."""
    return context.err_console


def progress_enabled(console: Console | None = None) -> bool:
    """Whether to draw progress: standard error is a real terminal and JIANDU_PROGRESS is not 0."""
    if os.environ.get(ENV, "").strip().lower() in ("0", "no", "false", "off"):
        return False
    console = console or stderr_console()
    return console.is_terminal and not console.is_dumb_terminal


class Bar:
    """One task of a progress display; every method does nothing when progress is off."""

    def __init__(self, progress: Progress | None, task: TaskID | None) -> None:
        self._progress = progress
        self._task = task

    @property
    def shown(self) -> bool:
        return self._progress is not None

    def update(
        self,
        *,
        completed: float | None = None,
        total: float | None = None,
        note: str | None = None,
    ) -> None:
        """Set the count done, the total (when it becomes known) and the note after the bar."""
        if self._progress is None or self._task is None:
            return
        fields: dict[str, object] = {}
        if completed is not None:
            fields["completed"] = completed
        if total is not None:
            fields["total"] = total
            fields["counted"] = True
        if note is not None:
            fields["note"] = note
        self._progress.update(self._task, **fields)  # type: ignore[arg-type]

    def advance(self, step: float = 1, *, note: str | None = None) -> None:
        if self._progress is None or self._task is None:
            return
        self._progress.advance(self._task, step)
        if note is not None:
            self._progress.update(self._task, note=note)

    def track(self, items: Iterable[T]) -> Iterator[T]:
        """Yield ``items``, advancing by one for each."""
        for item in items:
            yield item
            self.advance()


class CountColumn(ProgressColumn):
    """``done/total`` once a total is known, nothing before (nor for a spinner-only task)."""

    def render(self, task: Task) -> Text:
        if task.total is None or not task.fields.get("counted"):
            return Text("")
        return Text(f"{int(task.completed)}/{int(task.total)}", style="progress.download")


class CountedBarColumn(ProgressColumn):
    """The bar of a counted task; a spinner-only task leaves the room to its note."""

    def __init__(self, bar_width: int) -> None:
        super().__init__()
        self._bar = BarColumn(bar_width=bar_width)

    def render(self, task: Task) -> RenderableType:
        return self._bar.render(task) if task.fields.get("counted") else Text("")


def _columns() -> list[ProgressColumn]:
    return [
        SpinnerColumn(),
        TextColumn("[bold]{task.description}[/bold]", table_column=Column(no_wrap=True)),
        CountedBarColumn(bar_width=20),
        CountColumn(),
        TextColumn(
            "{task.fields[note]}",
            table_column=Column(no_wrap=True, overflow="ellipsis", ratio=1),
        ),
        TimeElapsedColumn(),
    ]


@contextmanager
def progress(
    title: str,
    *,
    total: float | None = None,
    console: Console | None = None,
    quiet: bool = False,
) -> Iterator[Bar]:
    """A progress line titled ``title`` (Chinese, for the user) on standard error.

    ``total`` None: a pulsing bar with the note (counts so far) until `Bar.update` sets a total.
    Standard output is never redirected: what a command prints there stays where it was going.
    ``quiet`` turns the display off (e.g. while data streams to the same terminal on stdout).
    """
    console = console or stderr_console()
    if quiet or not progress_enabled(console):
        yield Bar(None, None)
        return
    with Progress(
        *_columns(),
        console=console,
        transient=False,
        redirect_stdout=False,
        redirect_stderr=False,
        expand=True,
    ) as display:
        task = display.add_task(title, total=total, note="", counted=total is not None)
        yield Bar(display, task)
        if display.tasks[0].total is None:  # done: a full bar, not a pulse
            display.update(task, total=1, completed=1)
