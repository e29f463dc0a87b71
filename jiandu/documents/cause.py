"""Cause of action (案由) for civil cases and charges (罪名) for criminal cases."""

from __future__ import annotations

import re

from .text import CJK

__all__ = ["find_charges", "find_civil_cause"]

_CIVIL_CAUSE_RE = re.compile(
    rf"([{CJK}、，,]{{2,40}}?(?:纠纷|争议|之诉))(?:一案|一审|二审|再审|执行|案|$)"
)
_CAUSE_CUT_RE = re.compile(r".*(?:诉|与|和|及|因|就|同|、|，|,|为)")
_CHARGE_RE = re.compile(
    rf"犯(?P<c>[{CJK}、]{{1,30}}?罪)(?=[，,。；;（(\s、]|判处|免予|免除|一案|，|$)"
)
_MORE_RE = re.compile(rf"、(?P<c>[{CJK}]{{2,20}}?罪)(?=[，,。；;（(\s、]|判处|免予|$)")
_BAD_CHARGE = re.compile(r"^(?:罪|数罪|前罪|新罪|本罪|此罪|犯罪)|[了其]")


def find_civil_cause(
    text: str, start: int, end: int, names: list[str]
) -> tuple[str, int, int] | None:
    """Cause such as 民间借贷纠纷 in "原告X诉被告Y民间借贷纠纷一案" (party names stripped)."""
    m = _CIVIL_CAUSE_RE.search(text, start, end)
    if not m:
        return None
    seg, s = m.group(1), m.start(1)
    cut = 0
    for name in names:
        if name:
            i = seg.rfind(name)
            if i >= 0:
                cut = max(cut, i + len(name))
    rest = seg[cut:]
    cm = _CAUSE_CUT_RE.match(rest)
    if cm:
        rest_cut = rest[cm.end() :]
        if len(rest_cut) >= 4:
            cut += cm.end()
            rest = rest_cut
    for prefix in ("原告", "被告", "上诉人", "申请人", "之间的", "间的", "的"):
        if rest.startswith(prefix):
            cut += len(prefix)
            rest = rest[len(prefix) :]
    if not (4 <= len(rest) <= 20):
        return None
    return rest, s + cut, s + cut + len(rest)


def find_charges(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """Charges named after 犯 in ``text[start:end]``: 犯诈骗罪 -> 诈骗罪; 、-joined kept whole."""
    out: list[tuple[str, int, int]] = []
    seen: set[str] = set()
    for m in _CHARGE_RE.finditer(text, start, end):
        c = m.group("c")
        if _BAD_CHARGE.search(c) or len(c) < 3:
            continue
        items = [(c, m.start("c"), m.end("c"))]
        pos = m.end("c")
        while (nm := _MORE_RE.match(text, pos, end)) is not None:
            items.append((nm.group("c"), nm.start("c"), nm.end("c")))
            pos = nm.end("c")
        for item in items:
            if item[0] not in seen and not _BAD_CHARGE.search(item[0]):
                seen.add(item[0])
                out.append(item)
    return out
