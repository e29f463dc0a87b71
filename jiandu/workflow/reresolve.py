"""Re-resolving clues' jurisdictions after the tree, a court or a region alias changed.

Clues are given a jurisdiction when they are synced (`jurisdictions.Resolver`); if the tree was
not installed yet, or a court was mapped later, they stay without one (未定辖区) or with a
coarser one (the province, from the run's region). `reresolve` runs the resolver again:

- by default (after every change of the tree, courts or aliases) on clues that have no
  jurisdiction or one with jurisdictions below it, and moves a clue only down the tree (from none,
  or from an ancestor of the new one): an office never loses a clue it could see;
- with ``all_clues`` (``jiandu jurisdictions resolve --all``) on every clue, moving it wherever
  the resolver now puts it (e.g. after a court was mapped to another office).

A clue whose resolver finds nothing keeps its jurisdiction; so does a clue assigned to someone
whose jurisdiction would not cover the new one (counted as ``kept``). Each change appends a
``jurisdiction_changed`` event (before/after jurisdiction and main court, the basis of the new
one; reason 辖区重新解析：…) to the audit chain in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, or_, select, update
from sqlalchemy.orm import Session

from jiandu.workflow.audit import chain, flush_chain
from jiandu.workflow.authz import Permission, Principal, require
from jiandu.workflow.jurisdictions import BASIS_NAMES_ZH, Resolver
from jiandu.workflow.tables import Clue, SearchEntry, User, clue_target

BATCH = 1000
EVENT_KIND = "jurisdiction_changed"
_COLUMNS = (
    Clue.clue_id,
    Clue.evidence,
    Clue.region,
    Clue.subject_type,
    Clue.subject_key,
    Clue.subject_name,
    Clue.jurisdiction_code,
    Clue.court,
    Clue.assignee,
)


@dataclass(slots=True)
class ReresolveResult:
    """What a re-resolution did: clues looked at, moved (by basis), kept, still unresolved."""

    examined: int = 0
    changed: int = 0
    kept: int = 0  # the assignee's jurisdiction (or the caller's scope) would not cover the new one
    unresolved: int = 0  # still without a jurisdiction
    by_basis: Counter[str] = field(default_factory=Counter)


def _clue_dict(c: Row[Any]) -> dict[str, object]:
    return {
        "evidence": c.evidence or [],
        "region": c.region,
        "subject": {"type": c.subject_type, "key": c.subject_key, "name": c.subject_name},
    }


def reresolve(
    session: Session,
    *,
    actor: str,
    trigger: str,
    all_clues: bool = False,
    scope: frozenset[str] | None = None,
) -> ReresolveResult:
    """Re-resolve clues (see the module docstring); ``trigger`` says why, in Chinese, for the
    events' reason (安装默认辖区); ``scope`` limits it to clues whose current and new jurisdictions
    are both in it (None: every clue)."""
    resolver = Resolver(session)
    result = ReresolveResult()
    if not resolver.parent:
        return result
    query = select(Clue.clue_id).order_by(Clue.clue_id)
    if not all_clues:
        inner = sorted({p for p in resolver.parent.values() if p is not None})
        query = query.where(or_(Clue.jurisdiction_code.is_(None), Clue.jurisdiction_code.in_(inner)))
    if scope is not None:
        query = query.where(Clue.jurisdiction_code.in_(sorted(scope)))
    writer = chain(session)  # lock the chain head first, as every writer does
    ids = list(session.execute(query).scalars())
    homes = {u: j for u, j in session.execute(select(User.username, User.jurisdiction_code))}
    now = dt.datetime.now(dt.UTC)
    for start in range(0, len(ids), BATCH):
        rows = session.execute(select(*_COLUMNS).where(Clue.clue_id.in_(ids[start : start + BATCH]))).all()
        changes = []
        for clue in rows:
            result.examined += 1
            found = resolver.resolution(_clue_dict(clue))
            old, new = clue.jurisdiction_code, found.jurisdiction
            if new is None:
                result.unresolved += old is None
                continue
            if new == old or (not all_clues and old is not None and not resolver.is_below(new, old)):
                continue
            home = homes.get(clue.assignee or "")
            if (scope is not None and new not in scope) or (
                clue.assignee and (home is None or (home != new and not resolver.is_below(new, home)))
            ):
                result.kept += 1
                continue
            writer.append(
                actor=actor,
                kind=EVENT_KIND,
                entity_type="clue",
                entity_id=clue.clue_id,
                reason=f"辖区重新解析：{trigger}（依据{BASIS_NAMES_ZH.get(found.basis or '', '')}）",
                before={"jurisdiction_code": old, "court": clue.court},
                after={"jurisdiction_code": new, "court": found.court, "basis": found.basis},
                at=now,
            )
            changes.append(
                {"clue_id": clue.clue_id, "jurisdiction_code": new, "court": found.court, "updated_at": now}
            )
            result.changed += 1
            result.by_basis[found.basis or ""] += 1
        if changes:  # by primary key, in one statement per batch
            session.execute(update(Clue), changes)
            _move_search_entries(session, changes)
    flush_chain(session)
    return result


def _move_search_entries(session: Session, changes: list[dict[str, Any]]) -> None:
    """The search index follows each clue to its new jurisdiction (one statement per
    jurisdiction of the batch), so a county user finds the clues just placed there."""
    by_code: dict[str, list[str]] = {}
    for c in changes:
        by_code.setdefault(str(c["jurisdiction_code"]), []).append(clue_target(str(c["clue_id"])))
    for code, targets in by_code.items():
        session.execute(
            update(SearchEntry)
            .where(SearchEntry.kind == "clue", SearchEntry.target.in_(targets))
            .values(jurisdiction_code=code, fingerprint=None)  # the next rebuild rewrites them
        )


def reresolve_clues(session: Session, principal: Principal, *, all_clues: bool = False) -> ReresolveResult:
    """`reresolve` on a user's request (permission jurisdiction.admin): a principal at a root of the
    tree re-resolves every clue; any other only clues within its scope, and only into it."""
    require(principal, Permission.JURISDICTION_ADMIN)
    scope = None if principal.sees_unassigned else principal.scope
    return reresolve(
        session, actor=principal.username, trigger="手动重新解析", all_clues=all_clues, scope=scope
    )
