"""`jiandu synth OUT --seed N --documents N`: a synthetic county with planted truth."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from jiandu.cli.context import console
from jiandu.cli.progress import progress


def synth(
    out: Annotated[Path, typer.Argument(help="Folder to write the county to (replaced if it holds one).")],
    seed: Annotated[int, typer.Option(help="Random seed: the same seed and size give identical files.")] = 1,
    documents: Annotated[int, typer.Option(help="Number of court documents to write.")] = 20_000,
) -> None:
    """Generate a synthetic county: judgments, agency registers and the truth of planted patterns."""
    from jiandu.synth import generate

    with progress("生成模拟县域数据", total=documents) as bar:
        summary = generate(out, seed, documents, progress=lambda n: bar.update(completed=n))
        bar.update(completed=documents)
    grid = Table(title=f"模拟县域 Synthetic county {out} (seed {seed})")
    grid.add_column("what")
    grid.add_column("count", justify="right")
    for kind, n in sorted(summary.by_kind.items()):
        grid.add_row(f"document: {kind}", str(n))
    for fmt, n in sorted(summary.by_format.items()):
        grid.add_row(f"format: {fmt}", str(n))
    grid.add_row("damaged on purpose", str(sum(summary.damaged.values())))
    for pattern, counts in sorted(summary.patterns.items()):
        grid.add_row(
            f"planted {pattern}", f"{counts.get('positive', 0)} + {counts.get('negative', 0)} near misses"
        )
    for name, n in sorted(summary.registers.items()):
        grid.add_row(f"register: {name}", str(n))
    console.print(grid)
    console.print(
        f"{summary.documents} documents in {summary.seconds:.1f} s; truth: {summary.paths['truth']}"
    )


def register(app: typer.Typer) -> None:
    app.command("synth")(synth)
