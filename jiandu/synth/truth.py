"""truth.jsonl: one line per planted instance (positive) and per near miss (negative), with
the subject, the documents (case number, file, record, name as written) and the evidence
figures. Documents are attached while they are written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .cases import CaseSpec
from .patterns.base import Instance
from .people import Person


class Truth:
    def __init__(self, instances: list[Instance]) -> None:
        self.instances = instances
        self._docs: dict[str, list[dict[str, Any]]] = {i.instance_id: [] for i in instances}
        self._by_id = {i.instance_id: i for i in instances}

    def attach(self, spec: CaseSpec, expected: dict[str, Any], placed: dict[str, Any]) -> None:
        for iid in spec.tags:
            inst = self._by_id.get(iid)
            if inst is None:
                continue
            keys = {inst.subject.key} | {e.key for _, e in inst.related}
            names = [
                {"role": p["role"], "name": p["name"], "key": p["key"]}
                for p in expected["parties"]
                if p["key"] in keys
            ]
            names += [
                {"role": "mentioned:" + m["role"], "name": m["name"], "key": m["key"]}
                for m in expected.get("mentions", [])
                if m["key"] in keys
            ]
            self._docs[iid].append(
                {
                    "case_number": spec.case_number,
                    "doc_type": expected.get("doc_type"),
                    "court": spec.court.name,
                    **placed,
                    "parties_as_written": names,
                }
            )

    def documents_of(self, iid: str) -> list[dict[str, Any]]:
        return self._docs[iid]

    def write(self, path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            for inst in self.instances:
                docs = self._docs[inst.instance_id]
                related = [
                    {
                        "relation": rel,
                        "type": "person" if isinstance(e, Person) else "organization",
                        "name": e.name,
                        "key": e.key,
                    }
                    for rel, e in inst.related
                ]
                names = sorted(
                    {n["name"] for d in docs for n in d["parties_as_written"] if n["key"] == inst.subject.key}
                )
                subject: dict[str, Any] = dict(inst.subject_dict())
                subject["names_as_written"] = names
                line = {
                    "pattern": inst.pattern,
                    "instance_id": inst.instance_id,
                    "positive": inst.positive,
                    "strength": inst.strength,
                    "subject": subject,
                    "criteria": inst.criteria,
                    "note": inst.note,
                    "figures": inst.figures,
                    "related": related,
                    "see_also": inst.also,
                    "documents": docs,
                }
                if inst.models:
                    line["models"] = inst.models
                fh.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
