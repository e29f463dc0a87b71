"""The web-test workspace plus the execution models' hand-built county (tests/models/execution
/support.py): the agencies' exports loaded through the declared sources, the four execution
models run on DuckDB and their clues synced into the workflow store, so the execution clue pages
(timeline, passports, asset transfers) and the per-court 终本 view have real clues to show.

``python -m tests.web.execution_world DIR`` builds such a workspace in DIR (for screenshots).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from jiandu.models.clues import load_clues
from jiandu.models.library import Library
from jiandu.models.runner import run
from jiandu.workflow import Store, sync_clues
from jiandu.workspace import Workspace
from tests.models.execution import support as S

BAN = "execution.ban_violation"
FINAL = "execution.final_closure_compliance"
REFUSAL = "execution.refusal_to_execute"
BATCH = "execution.batch_anomaly"
MODELS = [BAN, FINAL, REFUSAL, BATCH]


def add_execution(root: Path) -> dict[str, dict[str, str]]:
    """Load the county into the workspace at ``root``, run the models, sync their clues; the clue
    ids by model and subject key."""
    engine = Workspace(root).open_engine()
    try:
        S.load(engine, root / "execution-exports", root / "execution-quarantine")
        run(engine, Library(), MODELS, run_id="execution")
        clues: list[dict[str, Any]] = [c for c in load_clues(engine) if c["model_id"] in MODELS]
    finally:
        engine.close()  # publishes the snapshot the web reads
    store = Store.for_workspace(root)
    try:
        with store.write() as s:
            sync_clues(s, clues)
    finally:
        store.close()
    out: dict[str, dict[str, str]] = {m: {} for m in MODELS}
    for c in clues:
        out[c["model_id"]][c["subject"]["key"]] = c["clue_id"]
    return out


if __name__ == "__main__":
    from tests.web.world import build_workspace

    target = Path(sys.argv[1])
    build_workspace(target)
    print(add_execution(target))
