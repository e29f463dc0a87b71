"""未再命中 (no longer found): clues the model's latest successful run no longer produces.

The analytic store takes a clue out when its model's latest successful run does not produce it
again (`jiandu.models.runner`); the workflow store keeps every clue, because the prosecutors'
work on it (status, assignee, outcome) must not be lost. So that a prosecutor does not take such a
clue for current, the full sync from the analytic store (`jiandu clues sync`, the end of
`jiandu run`) calls `mark_not_found` with the ids of every clue the analytic store holds and the
latest run of every model:

- a model whose latest run has status ``ok``: each of its workflow clues that is not among the
  synced ids is marked not found by that run (``not_found_run_id``, ``not_found_at`` = when the
  run finished), with a 'not_found' event; a clue already marked keeps its mark: it names the
  first run that no longer found it, and a daily run that still does not find it adds nothing
  to its timeline;
- a model without a run, or whose latest run failed or was skipped, marks nothing: its clues
  stay in the analytic store until a successful run decides about them;
- a marked clue that is among the synced ids again is unmarked with a 'found_again' event.

Status, assignee and outcome are never touched, nor ``updated_at`` (the trends count finished
clues by it). A sync of a partial list (the API's `sync_clues_as`) must never call this: a clue
missing from a partial list says nothing about the runs.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jiandu.workflow.audit import chain, flush_chain
from jiandu.workflow.tables import Clue

NOT_FOUND_NOTICE = "最近一次模型运行未再命中此线索，数据已不再支持；请核实后决定是否继续办理"
# the queue's filter on the mark: value → its Chinese name (page, workbook and API alike)
NOT_FOUND_FILTERS = {"only": "只看未再命中", "hide": "不看未再命中"}
NOT_FOUND = "not_found"  # event kinds (Chinese names in jiandu.web.labels)
FOUND_AGAIN = "found_again"
BATCH = 1000  # clue ids per UPDATE … WHERE clue_id IN (…), within every database's parameter limit
MODELS_PER_QUERY = 200


@dataclass(frozen=True, slots=True)
class LatestRun:
    """A model's latest run in the analytic store's ``model_runs``."""

    run_id: str
    status: str  # ok | failed | skipped
    finished_at: dt.datetime | None = None


@dataclass(slots=True)
class NotFoundResult:
    marked: int = 0
    found_again: int = 0


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """The analytic store gives naive UTC timestamps; the workflow store keeps them aware."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _chunks(ids: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def mark_not_found(
    session: Session,
    found_clue_ids: Iterable[str],
    latest_runs: Mapping[str, LatestRun],
    *,
    actor: str = "system",
) -> NotFoundResult:
    """Mark the clues the latest successful run of their model no longer produced, and unmark
    those found again (see the module). ``found_clue_ids`` must be every clue of the analytic
    store, ``latest_runs`` each model's latest run there. Idempotent; run in `Store.write()`."""
    found = set(found_clue_ids)
    writer = chain(session)  # lock the chain head first: every writer takes the locks in one order
    session.flush()  # the clues a sync just inserted or changed are in the queries below
    now = dt.datetime.now(dt.UTC)
    result = NotFoundResult()

    # found again: few clues are marked at a time; their index answers this
    marked = session.execute(
        select(Clue.clue_id, Clue.not_found_run_id, Clue.run_id).where(Clue.not_found_run_id.is_not(None))
    ).all()
    again = sorted((r for r in marked if r.clue_id in found), key=lambda r: r.clue_id)
    for r in again:
        writer.append(
            actor=actor,
            kind=FOUND_AGAIN,
            entity_type="clue",
            entity_id=r.clue_id,
            reason="模型运行重新命中此线索",
            before={"not_found_run_id": r.not_found_run_id},
            after={"not_found_run_id": None, "run_id": r.run_id},
            at=now,
        )
    for ids in _chunks([r.clue_id for r in again]):
        session.execute(
            update(Clue).where(Clue.clue_id.in_(ids)).values(not_found_run_id=None, not_found_at=None)
        )
    result.found_again = len(again)

    # not found: the clues of models whose latest run succeeded, by id and mark only
    ok = {m: r for m, r in latest_runs.items() if r.status == "ok" and r.run_id}
    models = sorted(ok)
    to_mark: dict[str, list[tuple[str, str | None]]] = defaultdict(list)  # (clue id, last run)
    for start in range(0, len(models), MODELS_PER_QUERY):
        rows = session.execute(
            select(Clue.clue_id, Clue.model_id, Clue.not_found_run_id, Clue.run_id)
            .where(Clue.model_id.in_(models[start : start + MODELS_PER_QUERY]))
            .order_by(Clue.model_id, Clue.clue_id)
        ).all()
        for row in rows:
            if row.clue_id not in found and row.not_found_run_id is None:
                to_mark[row.model_id].append((row.clue_id, row.run_id))
    for model_id, clues in to_mark.items():
        run = ok[model_id]
        finished = _utc(run.finished_at) or now
        for clue_id, last_found in clues:
            writer.append(
                actor=actor,
                kind=NOT_FOUND,
                entity_type="clue",
                entity_id=clue_id,
                reason="模型最近一次成功运行未再命中此线索：数据已不再支持",
                before={"not_found_run_id": None, "run_id": last_found},
                after={"not_found_run_id": run.run_id},
                at=now,
            )
        for ids in _chunks([c[0] for c in clues]):
            session.execute(
                update(Clue)
                .where(Clue.clue_id.in_(ids))
                .values(not_found_run_id=run.run_id, not_found_at=finished)
            )
        result.marked += len(clues)
    writer.flush()
    flush_chain(session)
    return result
