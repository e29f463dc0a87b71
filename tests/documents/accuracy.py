"""Per-field accuracy of the parser against hand-read expectations (names already resolved
from their spans by expectations.py)."""

from __future__ import annotations

from typing import Any

from jiandu.documents.record import JudgmentRecord

EXTRACT = {
    "case_number": lambda r: r.case_number,
    "court": lambda r: r.court,
    "judgment_date": lambda r: r.judgment_date,
    "cause": lambda r: r.cause,
    "claimed_principal": lambda r: r.claimed_principal,
    "parties": lambda r: [[p.role, p.name] for p in r.parties],
    "legal_representatives": lambda r: [[x.for_, x.name] for x in r.legal_representatives],
    "judges": lambda r: [[j.role, j.name] for j in r.judges],
    "clerks": lambda r: r.clerks,
}


def extract(rec: JudgmentRecord, field: str, label: Any) -> Any:
    if field == "agents":  # expectations give 4 or 5 columns
        width = len(label[0]) if label else 4
        return [[a.for_, a.name, a.law_firm, a.kind, a.role][:width] for a in rec.agents]
    return EXTRACT[field](rec)


def field_accuracy(pairs: list[tuple[dict[str, Any], JudgmentRecord]]) -> dict[str, float]:
    """Share of documents where each labelled field matches exactly."""
    hits: dict[str, list[bool]] = {}
    for label, rec in pairs:
        for field, expected in label.items():
            if field.startswith("_") or field == "id":
                continue
            hits.setdefault(field, []).append(extract(rec, field, expected) == expected)
    return {f: sum(v) / len(v) for f, v in hits.items()}
