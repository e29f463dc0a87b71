"""Synthetic clues in bulk, for load tests of the queue (e.g. 1M clues).

`bulk_load` writes rows straight into the clues table (one 'bulk_loaded' event for the batch,
not one per clue) spread over the existing county jurisdictions, with realistic score, band and
status mixes. Not for real data: use `sync_clues`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import time

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from jiandu.workflow.audit import record
from jiandu.workflow.tables import Clue, Jurisdiction

MODELS = (
    ("civil.repeat_plaintiff_basic", "1.0.0"),
    ("civil.false_litigation", "1.2.0"),
    ("enforcement.idle_execution", "0.9.0"),
    ("criminal.sentence_anomaly", "2.0.1"),
)
STATUSES = (
    ("new", 0.6),
    ("assigned", 0.15),
    ("verifying", 0.1),
    ("case_filed", 0.05),
    ("rejected", 0.06),
    ("closed", 0.04),
)


def bulk_load(session: Session, n: int, *, seed: int = 0, batch: int = 20_000, prefix: str = "syn") -> float:
    """Insert ``n`` synthetic clues; returns seconds taken."""
    started = time.perf_counter()
    rng = random.Random(seed)
    counties: list[str | None] = list(
        session.execute(
            select(Jurisdiction.code).where(Jurisdiction.level == "county").order_by(Jurisdiction.code)
        ).scalars()
    ) or [None]
    statuses, weights = zip(*STATUSES, strict=True)
    now = dt.datetime.now(dt.UTC)
    rows = []
    for i in range(n):
        score = round(rng.betavariate(2, 5) * 100, 2)
        band = "red" if score >= 70 else "yellow" if score >= 40 else "green"
        model_id, version = MODELS[i % len(MODELS)]
        status = rng.choices(statuses, weights)[0]
        rows.append(
            {
                "clue_id": hashlib.sha256(f"{prefix}:{seed}:{i}".encode()).hexdigest()[:32],
                "model_id": model_id,
                "model_version": version,
                "subject_type": "person",
                "subject_key": f"name:当事人{i}",
                "subject_name": f"当事人{i}",
                "score": score,
                "band": band,
                "explanation": f"合成线索 {i}：同一原告在一年内提起民间借贷诉讼{rng.randint(5, 40)}件。",
                "evidence": [],
                "features": {},
                "run_id": "synthetic",
                "first_run_id": "synthetic",
                "region": None,
                "jurisdiction_code": rng.choice(counties),
                "court": None,
                "status": status,
                "assignee": None,
                "created_at": now,
                "updated_at": now,
            }
        )
        if len(rows) >= batch:
            session.execute(insert(Clue), rows)
            rows = []
    if rows:
        session.execute(insert(Clue), rows)
    record(
        session,
        actor="system",
        kind="bulk_loaded",
        entity_type="store",
        entity_id=None,
        after={"clues": n, "seed": seed, "prefix": prefix},
    )
    return time.perf_counter() - started
