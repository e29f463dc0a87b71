"""The search index rebuild of a real workspace, phase by phase (issue 17).

    .venv/bin/python -m benchmarks.bench_search_index --workspace DIR

The workspace must have been run and synced (`jiandu run`, or `jiandu run --no-sync` then
`jiandu clues sync`): its workflow store holds the clues and its analytic store a published
snapshot. The script drains each generator of index rows on its own (clues, entities, case
numbers: the Python side of `rebuild_search_index`), then rebuilds the whole index once, as the
sync does: on a synced workspace it writes nothing, as its rows are the stored ones. Prints rows,
seconds and rows per second per phase, what the rebuild wrote and how long it held the store's
write lock, and the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from jiandu.workflow import Store
from jiandu.workflow.jurisdictions import Resolver
from jiandu.workflow.search import (
    _case_entries,
    _clue_entries,
    _entity_entries,
    analytic_source,
    rebuild_search_index,
)


def _line(name: str, rows: int, seconds: float) -> None:
    rate = rows / max(seconds, 1e-9)
    print(f"{name:<28} {rows:>10,} rows {seconds:>8.1f} s {rate:>10,.0f} rows/s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workspace", type=Path, required=True)
    parser.add_argument("--rebuild-only", action="store_true", help="skip the phases; time the rebuild alone")
    args = parser.parse_args()
    root: Path = args.workspace
    store = Store.for_workspace(root)
    with analytic_source(root) as source:
        if source is None:
            raise SystemExit(f"{root}: no published analytic store; run `jiandu run` first")
        with store.read() as session:
            resolver = Resolver(session)
            phases: list[tuple[str, Callable[[], Iterator[dict[str, Any]]]]] = [
                ("clue rows", lambda: _clue_entries(session)),
                ("entity rows", lambda: _entity_entries(source, resolver)),
                ("case-number rows", lambda: _case_entries(source, resolver)),
            ]
            for name, rows in [] if args.rebuild_only else phases:
                start = time.perf_counter()
                count = sum(1 for _ in rows())
                _line(name, count, time.perf_counter() - start)
        start = time.perf_counter()
        result = rebuild_search_index(store, source)
        _line("rebuild_search_index", result.rows, time.perf_counter() - start)
        applied = result.applied
        print(
            f"  kept {applied.kept:,}, deleted {applied.deleted:,}, inserted {applied.inserted:,}"
            f"{', table replaced' if applied.replaced else ''}; "
            f"write lock held {result.locked_seconds:.1f} s",
            flush=True,
        )
    store.close()
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


if __name__ == "__main__":
    main()
