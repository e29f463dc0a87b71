"""What every planted pattern produces: instances (positive, with a strength) and near misses
(negative), each with its subject, the case specs to plant and the evidence figures; and what a
domain declares for each pattern it plants (`Pattern`)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..cases import CaseSpec, Entity
from ..county import County
from ..people import Person


@dataclass(slots=True)
class Instance:
    pattern: str
    instance_id: str
    positive: bool
    strength: str  # strong | medium | weak for positives; near_miss for negatives
    subject: Entity
    criteria: list[str]
    note: str
    specs: list[CaseSpec] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    related: list[tuple[str, Entity]] = field(default_factory=list)  # (relation, entity)
    register_refs: list[dict[str, str]] = field(default_factory=list)
    also: list[str] = field(default_factory=list)  # other instance ids about the same subject
    models: list[str] = field(default_factory=list)  # models meant to find it (truth `models`)
    # register rows the instance plants, by table, for its pattern's `registers` writer (never
    # written to truth.jsonl)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def tag(self) -> None:
        for s in self.specs:
            if self.instance_id not in s.tags:
                s.tags.append(self.instance_id)

    def subject_dict(self) -> dict[str, str]:
        kind = "person" if isinstance(self.subject, Person) else "organization"
        return {"type": kind, "name": self.subject.name, "key": self.subject.key}


Planner = Callable[[County, random.Random, int], list[Instance]]
Views = Callable[[list[Instance]], list[Instance]]
RegisterWriter = Callable[[Path, County, list[Instance]], dict[str, int]]


@dataclass(frozen=True, slots=True)
class Pattern:
    """One pattern a domain plants: its name (the ``pattern`` of its instances and of
    ``truth.jsonl``), its planner, and optionally ``views``: more instances about the same
    planted cases seen by another pattern's criteria, added once the planted cases fit the
    county's budget (they plant nothing of their own); and ``registers``: a writer of the
    register files the domain's models read (agency export layouts), called once after the
    documents with the registers folder, the county and this pattern's accepted instances
    (their ``rows``), returning the rows written per file (the manifest's ``registers``)."""

    name: str
    plan: Planner
    views: Views | None = None
    registers: RegisterWriter | None = None
