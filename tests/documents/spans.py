"""Helpers for span checks: resolve a span path to a record value and verify the span text."""

from __future__ import annotations

import re
from typing import Any

from jiandu.documents.case_number import normalise_case_number
from jiandu.documents.numerals import parse_amount, parse_date
from jiandu.documents.record import JudgmentRecord


def resolve(rec: JudgmentRecord, path: str) -> Any:
    """Value at a dotted path such as ``parties.0.name`` or ``flags.defendant_absent``."""
    parts = path.split(".")
    if parts[0] == "flags":
        return getattr(rec, parts[1])
    value: Any = rec
    for part in parts:
        value = value[int(part)] if part.isdigit() else getattr(value, "for_" if part == "for" else part)
    return value


def span_problems(text: str, rec: JudgmentRecord) -> list[str]:
    """Every span that is out of range or does not point at the value it claims."""
    bad: list[str] = []
    for path, (s, e) in rec.spans.items():
        if not (0 <= s <= e <= len(text)):
            bad.append(f"{path}: out of range {s},{e}")
            continue
        surface = text[s:e]
        value = resolve(rec, path)
        leaf = path.rsplit(".", 1)[-1]
        if path == "case_number":
            ok = normalise_case_number(surface) == value
        elif path.endswith("_date"):
            ok = parse_date(surface) == value
        elif path == "claimed_principal" or path.endswith(".value"):
            ok = parse_amount(surface) == value
        elif path.startswith("flags."):
            ok = value is True and e > s
        elif leaf in ("name", "law_firm", "court", "title", "text") or path.startswith(
            ("clerks.", "cause")
        ):
            ok = re.sub(r"\s", "", surface) == value
        else:
            ok = True
        if not ok:
            bad.append(f"{path}: {surface!r} != {value!r}")
    return bad
