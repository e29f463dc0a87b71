"""The parties of one document as the document-facts readers see them, and the facts they
produce.

Pure functions over a document's text and its parsed parties (no engine): the operator
``document_facts`` (``docfacts.py``) runs the readers (``docfacts_relations.py``,
``docfacts_executions.py``) on every candidate document.

A name in a fact is always a party of the document (the parser's party list): a reference is
a role word with a party's name (被告陈某), a party's name alone, a role word standing for the
only party of that side (原告, 被告), or a group word for exactly two parties (二被告, 原、被告).
Anything else before 系 (证明二被告…, 经查询未能查到…, an agent's line) is not a reference, so a
clause fragment never becomes a name (`Cast`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["ROLE_SIDES", "Cast", "ExecutionFact", "Party", "RelationFact", "party_position", "strip_lead"]


@dataclass(frozen=True, slots=True)
class Party:
    """A party of the document as parsed (``parties`` row)."""

    idx: int
    name: str
    side: str | None
    role: str | None = None
    kind: str | None = None
    address: str | None = None
    span_start: int | None = None
    span_end: int | None = None


@dataclass(frozen=True, slots=True)
class RelationFact:
    """Party ``a`` is ``relation`` to party ``b`` (both directions are added by the caller)."""

    a: int
    b: int
    relation: str
    confidence: float
    span_start: int
    span_end: int


@dataclass(frozen=True, slots=True)
class ExecutionFact:
    """An execution case against party ``respondent`` stated in a document."""

    kind: str  # ruling | cited_number | statement
    respondent: int
    applicant: int | None
    case_number: str | None
    filing_date: dt.date | None
    date_basis: str | None  # stated | ruling_date | cited_by | case_year
    basis_case_number: str | None
    closing_mode: str | None
    distribution_from_case: str | None
    listed_dishonest: bool
    span_start: int
    span_end: int


# -- references to parties -------------------------------------------------------------------

ROLE_SIDES = {
    "原告": "plaintiff",
    "原审原告": "plaintiff",
    "被告": "defendant",
    "原审被告": "defendant",
    "被告人": "defendant",
    "第三人": "third_party",
    "申请执行人": "applicant",
    "被执行人": "respondent",
    "上诉人": None,
    "被上诉人": None,
}
_ROLES = sorted(ROLE_SIDES, key=len, reverse=True)
_GROUPS = {
    "plaintiff": ("二原告", "两原告", "俩原告", "倆原告"),
    "defendant": ("二被告", "两被告", "俩被告", "倆被告", "二被告人", "两被告人"),
}
_BOTH = ("原、被告", "原被告", "原告与被告", "原、被告双方", "原被告双方", "双方")
_SEP = re.compile(r"与|和|同|及|、|,|，")


class Cast:
    """Who a reference in the text can be: the parties of one document."""

    def __init__(self, parties: Sequence[Party]) -> None:
        self.parties = list(parties)
        self.by_name: dict[str, list[int]] = {}
        for p in self.parties:
            self.by_name.setdefault(p.name, []).append(p.idx)
        self.names = sorted(self.by_name, key=len, reverse=True)

    def side(self, side: str) -> list[int]:
        return [p.idx for p in self.parties if p.side == side]

    def one(self, ref: str) -> int | None:
        """The single party ``ref`` (a role word, a name, or both) stands for, else None."""
        found = self.many(ref)
        return found[0] if found is not None and len(found) == 1 else None

    def many(self, ref: str) -> list[int] | None:
        """The parties ``ref`` stands for (one, or two for 二被告 / 原、被告), else None."""
        ref = ref.strip().strip("：:")
        if not ref:
            return None
        if ref in _BOTH:
            pl, df = self.side("plaintiff"), self.side("defendant")
            return [pl[0], df[0]] if len(pl) == 1 and len(df) == 1 else None
        for side, words in _GROUPS.items():
            if ref in words:
                members = self.side(side)
                return members if len(members) == 2 else None
        role = next((r for r in _ROLES if ref.startswith(r)), None)
        rest = ref[len(role) :] if role else ref
        if role and rest.startswith("人") and role == "被告":
            rest = rest[1:]
        role_side = ROLE_SIDES.get(role or "")
        if not rest:
            members = self.side(role_side) if role_side else []
            return members if len(members) == 1 else None
        idxs = self.by_name.get(rest)
        if not idxs or len(idxs) != 1:
            return None
        if role_side is not None:
            party = self.parties[[p.idx for p in self.parties].index(idxs[0])]
            if party.side is not None and party.side != role_side:
                return None
        return idxs

    def refs(self, text: str) -> list[int] | None:
        """The parties a list of references (A与B, A、B, 二被告) stands for, or None when any
        piece is not a reference."""
        whole = self.many(text)
        if whole is not None:
            return whole
        pieces = [piece for piece in _SEP.split(text) if piece.strip()]
        if len(pieces) < 2:
            return None
        out: list[int] = []
        for piece in pieces:
            found = self.many(piece)
            if found is None:
                return None
            out += found
        return out


def strip_lead(subject: str) -> str:
    """Drop what may precede a subject in its clause (另查明, 经审理查明, 事实和理由 …)."""
    return re.sub(r"^(?:另查明|又查明|再查明|经审理查明|本院查明|经查|另查|且|即|因|但)", "", subject)


def party_position(cast: Cast, idx: int) -> int:
    """Where party ``idx`` is in ``cast.parties``."""
    return [p.idx for p in cast.parties].index(idx)
