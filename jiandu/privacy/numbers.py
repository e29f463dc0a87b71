"""Masking ID numbers and phone numbers as `jiandu.privacy.rules` defines them (length kept)."""

from __future__ import annotations

import re

from jiandu.privacy.rules import (
    CASE_NUMBER,
    CHECK_X,
    COMPILED,
    DIGIT_VALUES,
    MASK,
    MIN_DIGITS,
    NUMBER,
    SEPARATORS,
    is_date_list,
)

_SEPARATOR_RUN = re.compile(f"[{re.escape(SEPARATORS)}]+")


def _value(ch: str) -> str:
    return "X" if ch in CHECK_X else DIGIT_VALUES[ch]


def hidden_offsets(number: str, rules: frozenset[str] | None = None) -> list[int]:
    """Offsets (into ``number``, one match of `rules.NUMBER`) of the digits a mask hides;
    ``rules`` limits the rules applied to those named (all by default)."""
    slots = [i for i, ch in enumerate(number) if ch in DIGIT_VALUES or ch in CHECK_X]
    if len(slots) < MIN_DIGITS:
        return []
    digits = "".join(_value(number[i]) for i in slots)
    groups = [g for g in _SEPARATOR_RUN.split(number) if g]
    if is_date_list(["".join(_value(c) for c in g if c in DIGIT_VALUES) for g in groups]):
        return []
    hidden: set[int] = set()
    for rule, pattern in COMPILED:
        if rules is not None and rule.name not in rules:
            continue
        if len(digits) < rule.min_digits or (rule.max_digits and len(digits) > rule.max_digits):
            continue
        found = [pattern.fullmatch(digits)] if rule.whole else list(pattern.finditer(digits))
        for m in found:
            if m is None or any(slots[k] in hidden for k in range(m.start(), m.end())):
                continue
            hidden.update(slots[k] for k in range(m.start("hide"), m.end("hide")))
    return sorted(hidden)


def mask_numbers(text: str, rules: frozenset[str] | None = None) -> str:
    """Hide the digits of ID numbers and phone numbers in ``text``; every other character stays.
    ``rules`` limits the masks to the rules of `rules.RULES` so named (all by default)."""
    if not text:
        return text
    out: list[str] | None = None
    cases: list[tuple[int, int]] | None = None  # spans of case numbers, found when first needed
    for m in NUMBER.finditer(text):
        if m.end() - m.start() < MIN_DIGITS:
            continue
        hide = hidden_offsets(m.group(0), rules)
        if not hide:
            continue
        if cases is None:
            cases = [c.span() for c in CASE_NUMBER.finditer(text)]
        if any(a <= m.start() and m.end() <= b for a, b in cases):
            continue
        if out is None:
            out = list(text)
        for k in hide:
            out[m.start() + k] = MASK
    return text if out is None else "".join(out)
