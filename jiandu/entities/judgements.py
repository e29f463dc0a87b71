"""Reviewer judgements: pairwise decisions with who, when and why, never collapsed.

A judgement says two mentions are the ``same`` entity or ``not_same``. Every judgement is kept
as its own row of ``entity_judgements`` (a reviewer may change their mind; the history stays).
The latest judgement of a pair (by time; at equal times ``not_same`` wins) is the one applied
on every resolve:

* ``same`` links the two mentions before any machine link, whatever the evidence, even two
  different ID numbers (a misprinted ID) or a masked name with no other evidence;
* ``not_same`` keeps the two mentions in different entities: no chain of links may join them
  (see ``clustering.py``), so their cluster splits.

Pairs are stored with the smaller mention id first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jiandu.engines.base import Engine
from jiandu.schema.derived import derived_table

TABLE = "entity_judgements"
SAME, NOT_SAME = "same", "not_same"
JUDGEMENTS = (SAME, NOT_SAME)


@dataclass(frozen=True, slots=True)
class Judgement:
    mention_a: str
    mention_b: str
    judgement: str
    user: str
    at: dt.datetime
    reason: str | None


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def record_judgement(
    engine: Engine,
    mention_a: str,
    mention_b: str,
    judgement: str,
    *,
    user: str,
    reason: str | None = None,
    at: dt.datetime | None = None,
    check_mentions: bool = True,
) -> Judgement:
    """Store one judgement (a new row; earlier judgements of the pair stay)."""
    if judgement not in JUDGEMENTS:
        raise ValueError(f"judgement must be one of {', '.join(JUDGEMENTS)}, not {judgement!r}")
    if mention_a == mention_b:
        raise ValueError("a judgement needs two different mentions")
    if not user or not user.strip():
        raise ValueError("a judgement needs the user who made it")
    if check_mentions and engine.table_exists("entity_mentions"):
        wanted = [mention_a, mention_b]
        found = engine.existing_keys("entity_mentions", "mention_id", wanted)
        missing = [m for m in wanted if m not in found]
        if missing:
            raise KeyError(f"unknown mention(s): {', '.join(missing)} (see `jiandu entities show`)")
    a, b = sorted((mention_a, mention_b))
    when = at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    row = Judgement(a, b, judgement, user.strip(), when, reason)
    schema = derived_table(TABLE)
    engine.create_table(schema)
    engine.append(TABLE, schema.to_arrow([{
        "mention_a": row.mention_a, "mention_b": row.mention_b, "judgement": row.judgement,
        "user": row.user, "at": row.at, "reason": row.reason,
    }]))
    return row


def all_judgements(engine: Engine) -> list[Judgement]:
    """Every judgement, oldest first."""
    if not engine.table_exists(TABLE):
        return []
    rows = engine.rows(
        f'SELECT mention_a, mention_b, judgement, "user" AS judged_by, "at" AS judged_at, reason '
        f'FROM {TABLE} ORDER BY "at", mention_a, mention_b, judgement DESC'
    )
    return [
        Judgement(r["mention_a"], r["mention_b"], r["judgement"], r["judged_by"], r["judged_at"],
                  r["reason"])
        for r in rows
    ]


def effective_judgements(judgements: list[Judgement]) -> dict[tuple[str, str], Judgement]:
    """The judgement applied for each pair: the latest; at equal times ``not_same``."""
    latest: dict[tuple[str, str], Judgement] = {}
    for j in judgements:
        pair = (j.mention_a, j.mention_b)
        held = latest.get(pair)
        if held is None or j.at > held.at or (j.at == held.at and j.judgement == NOT_SAME):
            latest[pair] = j
    return latest


__all__ = [
    "JUDGEMENTS", "NOT_SAME", "SAME", "TABLE", "Judgement", "all_judgements",
    "effective_judgements", "record_judgement",
]
