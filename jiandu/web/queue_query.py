"""The clue queue's filters as the queue page and its Excel export read them from the URL."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import Query

from jiandu.workflow import ClueFilter, InvalidInput, Principal
from jiandu.workflow.not_found import NOT_FOUND_FILTERS


def blank_to_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def min_score_of(value: str | None) -> float | None:
    """The minimum score a user typed (None when blank); a Chinese refusal when not a finite number."""
    if not blank_to_none(value):
        return None
    try:
        number = float(str(value))
    except ValueError:
        raise InvalidInput(f"最低分值应为数字：{value!r}") from None
    if not math.isfinite(number):
        raise InvalidInput("最低分值应为有限数字")
    return number




def not_found_of(value: str | None) -> str | None:
    """The 未再命中 filter a user chose (None: all clues); a Chinese refusal for anything else."""
    if value is None:
        return None
    if value not in NOT_FOUND_FILTERS:
        raise InvalidInput(f"未再命中筛选应为“只看”或“不看”：{value!r}")
    return value


class QueueQuery:
    """A FastAPI dependency: the queue's filter fields from the query string (``assignee=me``
    stands for the user asking; ``overdue=1`` past their deadline; ``pending=1`` awaiting
    approval; ``not_found=only|hide`` only or no clues the latest run no longer found, 未再命中)."""

    def __init__(
        self,
        model: Annotated[str | None, Query(max_length=200)] = None,
        band: Annotated[str | None, Query(max_length=20)] = None,
        status: Annotated[str | None, Query(max_length=40)] = None,
        jurisdiction: Annotated[str | None, Query(max_length=12)] = None,
        assignee: Annotated[str | None, Query(max_length=64)] = None,
        min_score: Annotated[str | None, Query(max_length=20)] = None,
        overdue: Annotated[str | None, Query(max_length=1)] = None,
        pending: Annotated[str | None, Query(max_length=1)] = None,
        not_found: Annotated[str | None, Query(max_length=10)] = None,
    ) -> None:
        self.fields = {
            "model": model,
            "band": band,
            "status": status,
            "jurisdiction": jurisdiction,
            "assignee": assignee,
            "min_score": min_score,
            "overdue": overdue,
            "pending": pending,
            "not_found": not_found,
        }

    def params(self) -> dict[str, str]:
        """The filled-in fields, for links that keep the same filters."""
        return {k: v for k, v in self.fields.items() if v is not None and blank_to_none(v)}

    def clue_filter(self, principal: Principal) -> ClueFilter:
        f = {k: blank_to_none(v) for k, v in self.fields.items()}
        return ClueFilter(
            model_id=f["model"],
            band=f["band"],
            status=f["status"],
            jurisdiction_code=f["jurisdiction"],
            assignee=principal.username if f["assignee"] == "me" else f["assignee"],
            min_score=min_score_of(f["min_score"]),
            overdue=f["overdue"] == "1",
            pending_approval=f["pending"] == "1",
            not_found=not_found_of(f["not_found"]),
        )
