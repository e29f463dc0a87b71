"""Masking passport and permit numbers as `jiandu.privacy.rules.DOCUMENT_RULES` defines them.

A candidate is a run of digits (any Unicode decimal digits, separators and invisible characters
between them as for every number) that either starts with one or two Latin letters standing on
their own, or follows a word naming a travel document (`DOCUMENT_WORDS`). The run is cut at its
visible separators and each prefix of whole groups is tried, shortest first, so a number followed
by a year or a count (E12345678 2019年) is still found. Case numbers, dates and amounts stay.
"""

from __future__ import annotations

import re

from jiandu.privacy.rules import (
    CASE_NUMBER,
    DIGIT_VALUES,
    DOCUMENT_HEAD,
    DOCUMENT_REACH,
    DOCUMENT_RULES,
    DOCUMENT_TAIL,
    DOCUMENT_WORDS,
    GAP,
    INVISIBLE,
    LATIN,
    MASK,
    SEPARATORS,
    DocumentRule,
    is_date_list,
)

# Decimal digits only: Chinese numerals are ordinary words next to a document number (E12345678一本).
_DECIMAL = frozenset(c for c in DIGIT_VALUES if c.isdecimal())
_DIGIT = "[" + re.escape("".join(sorted(_DECIMAL))) + "]"
_LETTER = f"[{LATIN}]"
_LETTERS = frozenset(
    chr(c)
    for lo, hi in (("A", "Z"), ("a", "z"), ("Ａ", "Ｚ"), ("ａ", "ｚ"))
    for c in range(ord(lo), ord(hi) + 1)
)
_GLUED = _LETTERS | _DECIMAL  # a character that makes the number part of a longer word
_GLUED_CLASS = "[" + re.escape("".join(sorted(_GLUED))) + "]"
_SUFFIX = f"[{INVISIBLE}]*[(（][{INVISIBLE}]*{_LETTER}[{INVISIBLE}]*[)）]"  # old 台胞证: 0312345678(B)
_RUN = f"{_DIGIT}(?:{GAP}{_DIGIT})*(?P<suffix>{_SUFFIX})?"
LETTERED = re.compile(  # the letter, then a look back past it (faster than a look-behind first)
    f"(?P<number>{_LETTER}(?<!{_GLUED_CLASS}.)(?:{GAP}(?P<second>{_LETTER}))?{GAP}{_RUN})"
)
LABELLED = re.compile(
    f"(?:{'|'.join(DOCUMENT_WORDS)})[^期{re.escape(''.join(sorted(_DECIMAL)))}]{{0,{DOCUMENT_REACH}}}?"
    f"(?<!{_GLUED_CLASS})(?P<number>{_RUN})"
)
# A unit right after a labelled number makes it an amount, a year or a count (费用12345678元).
_UNIT = re.compile(f"[{re.escape(SEPARATORS)}]*[元万亿年月日次件份张本人个%％]")
_SEPARATOR_RUN = re.compile(f"[{re.escape(SEPARATORS)}]+")
Rules = tuple[tuple[DocumentRule, re.Pattern[str]], ...]
_LETTERED_RULES: Rules = tuple((r, re.compile(r.pattern)) for r in DOCUMENT_RULES if not r.labelled)
_LABELLED_RULES: Rules = tuple((r, re.compile(r.pattern)) for r in DOCUMENT_RULES if r.labelled)


def _ascii(ch: str) -> str:
    if ch in DIGIT_VALUES:
        return DIGIT_VALUES[ch]
    if "Ａ" <= ch <= "Ｚ" or "ａ" <= ch <= "ｚ":
        ch = chr(ord(ch) - 0xFEE0)
    return ch.upper()


def _slots(text: str) -> list[int]:
    """Offsets of the characters that make the number (letters and digits)."""
    return [i for i, ch in enumerate(text) if ch in _GLUED]


def _hidden_range(count: int) -> range:
    """Which of ``count`` characters a document mask hides (the first and last ones stay)."""
    if count <= DOCUMENT_HEAD + DOCUMENT_TAIL:
        return range(count)
    return range(DOCUMENT_HEAD, count - DOCUMENT_TAIL)


def mask_document_number(number: str) -> str:
    """A value known to be a passport or permit number (a register column), masked whatever its
    form: its first `DOCUMENT_HEAD` and last `DOCUMENT_TAIL` letters or digits stay, the others
    become ``*`` (length kept); a number of at most four such characters is hidden whole."""
    slots = _slots(number) or [i for i, ch in enumerate(number) if not ch.isspace()]
    out = list(number)
    for k in _hidden_range(len(slots)):
        out[slots[k]] = MASK
    return "".join(out)


def _hidden(text: str, start: int, end: int, suffix: int | None, labelled: bool) -> list[int]:
    """Offsets into ``text`` hidden for the candidate ``text[start:end]`` (``suffix``: where its
    bracketed letter starts); empty when no rule takes it."""
    core_end = end if suffix is None else suffix
    cuts = [m.start() for m in _SEPARATOR_RUN.finditer(text, start, core_end)] + [core_end]
    tries = [(cut, cut) for cut in cuts] + ([(core_end, end)] if suffix is not None else [])
    for cut, after in sorted(tries, key=lambda t: (t[0], -t[1])):  # shortest first, with the suffix
        if after < len(text) and text[after] in _GLUED:
            continue
        if labelled and _UNIT.match(text, after):
            continue
        piece = text[start:cut]
        slots = _slots(piece)
        value = "".join(_ascii(piece[i]) for i in slots)
        value += "".join(_ascii(c) for c in text[cut:after] if c not in INVISIBLE)
        if not any(p.fullmatch(value) for _, p in (_LABELLED_RULES if labelled else _LETTERED_RULES)):
            continue
        groups = [g for g in _SEPARATOR_RUN.split(piece) if g]
        if is_date_list(["".join(_ascii(c) for c in g if c in _DECIMAL) for g in groups]):
            return []
        return [start + slots[k] for k in _hidden_range(len(slots))]
    return []


def mask_documents(text: str, onto: str | None = None) -> str:
    """Hide passport and permit numbers in ``text`` (`DOCUMENT_RULES`); every other character
    stays. With ``onto`` (``text`` already masked otherwise, same length) the numbers are hidden
    in that copy instead, so both masks hold whichever would have found a number first."""
    base = text if onto is None else onto
    if not text:
        return base
    found: list[tuple[re.Match[str], bool]] = [(m, False) for m in LETTERED.finditer(text)]
    if any(word in text for word in DOCUMENT_WORDS):
        found += [(m, True) for m in LABELLED.finditer(text)]
    if not found:
        return base
    cases = [c.span() for c in CASE_NUMBER.finditer(text)]
    out: list[str] | None = None
    for m, labelled in found:
        start, end = m.span("number")
        if any(a <= start and end <= b for a, b in cases):
            continue
        suffix = m.start("suffix") if m.group("suffix") else None
        hidden = _hidden(text, start, end, suffix, labelled)
        if not hidden and not labelled and m.group("second") and text[m.start("second") - 1] not in _GLUED:
            hidden = _hidden(text, m.start("second"), end, suffix, labelled)  # "A E12345678"
        for k in hidden:
            out = out or list(base)
            out[k] = MASK
    return base if out is None else "".join(out)
