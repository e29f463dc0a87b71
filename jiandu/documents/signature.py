"""The signature block: judges (审判长, 审判员, 人民陪审员, 法官助理 ...), date, clerks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .numerals import CN_DATE_RE, parse_date
from .record import Judge
from .text import strip_ws

__all__ = ["Signature", "find_signature"]


def _spaced(word: str) -> str:
    return r"[ \u3000]*".join(word)


_JUDGE_ROLES = ["代理审判员", "助理审判员", "审判长", "审判员", "人民陪审员", "陪审员",
                "执行长", "执行员", "法官助理", "执行法官", "法官"]  # fmt: skip
_CLERK_ROLES = ["代理书记员", "见习书记员", "代书记员", "书记员", "速录员"]
ROLE_RE = re.compile(
    r"(?P<pre>[（(]代[）)])?(?P<role>"
    + "|".join(_spaced(r) for r in _JUDGE_ROLES + _CLERK_ROLES)
    + r")[ \u3000]*[:：]?"
)
_NAME_TOKEN_RE = re.compile(r"^[\u4e00-\u9fff×XＸ*＊·]{1,6}$")
_STOP_TOKEN_RE = re.compile(r"^(?:附|本案|本判决|本裁定|本调解书|法律|相关|注|此页|（|\(|\d)")
_PAREN_RE = re.compile(r"[（(][^）)]{0,6}[）)]")
_WINDOW = 260
_TOKEN_RE = re.compile(r"[^\s\u3000，,]+")
_GARBLED_DATE_RE = re.compile(r"[〇○零OΟ0-9一二三四五六七八九十×]+年[^\s]{0,8}$")
_CERTIFY_RE = re.compile(r"(?:本件|此件|本文|本页)?与原(?:本|件)核对无(?:异|误)")


@dataclass(slots=True)
class Signature:
    judges: list[Judge] = field(default_factory=list)
    clerks: list[str] = field(default_factory=list)
    date: str | None = None
    date_span: tuple[int, int] | None = None
    spans: dict[str, list[int]] = field(default_factory=dict)
    start: int | None = None  # where the signature block begins


def _names(text: str, a: int, b: int, single: bool) -> list[tuple[str, int, int]]:
    """Names written in ``text[a:b]``: one name (layout spaces allowed) or several tokens."""
    seg = text[a:b]
    stop = re.search(r"[。；;：:\n]", seg)
    if stop:
        seg = seg[: stop.start()]
    tokens = [(m.group(0), a + m.start(), a + m.end()) for m in _TOKEN_RE.finditer(seg)]
    out: list[tuple[str, int, int]] = []
    if not tokens:
        return out
    # layout spaces inside one name: 刘　萍 (every token one character)
    if len(tokens) > 1 and all(len(t[0]) == 1 for t in tokens[:3]):
        n = min(len(tokens), 3)
        name = "".join(t[0] for t in tokens[:n])
        if _NAME_TOKEN_RE.match(name):
            return [(name, tokens[0][1], tokens[n - 1][2])]
    for tok, s, e in tokens:
        if len(tok) > 3 and "附" in tok[2:]:  # 郭叶秋附相关法律条文
            cut = tok.index("附", 2)
            tok, e = tok[:cut], s + cut
        clean = _PAREN_RE.sub("", tok)
        if _STOP_TOKEN_RE.match(tok) or not _NAME_TOKEN_RE.match(clean):
            break
        if clean != tok:  # 李梦瑶（代）: span covers the name only
            e = s + tok.find(clean) + len(clean) if clean in tok else e
        out.append((clean, s, e))
        if single:
            break
    return out


def find_signature(text: str, end: int | None = None) -> Signature:
    """Locate the judgment date in Chinese numerals near the judges, and read names around it."""
    sig = Signature()
    end = len(text) if end is None else end
    anchor = None
    for m in CN_DATE_RE.finditer(text, 0, end):
        before = text[max(0, m.start() - 80) : m.start()]
        after = text[m.end() : m.end() + 40]
        if ROLE_RE.search(before) or ROLE_RE.search(after):
            anchor = m
    a_start: int
    if anchor is None:
        # no readable date (二○一七年十一月七无): anchor on the last clerk role instead
        clerk = None
        for rm in ROLE_RE.finditer(text, max(0, end - 1500), end):
            if strip_ws(rm.group("role")) in _CLERK_ROLES:
                clerk = rm
        if clerk is None:
            return sig
        a_start = a_end = clerk.start()
    else:
        sig.date = parse_date(anchor.group(0))
        sig.date_span = (anchor.start(), anchor.end())
        a_start, a_end = anchor.start(), anchor.end()
    # judges: walk back over role/name pairs that sit directly before the date
    lo = max(0, a_start - _WINDOW)
    roles = list(ROLE_RE.finditer(text, lo, a_start))
    accepted: list[tuple[str, str, int, int]] = []
    nxt = a_start
    for rm in reversed(roles):
        role = strip_ws(rm.group("role"))
        if role in _CLERK_ROLES:
            nxt = rm.start()
            continue
        gap = text[rm.end() : nxt]
        names = _names(text, rm.end(), nxt, single=True)
        leftover = strip_ws(gap)
        if names:
            leftover = strip_ws(text[names[0][2] : nxt])
        leftover = _GARBLED_DATE_RE.sub("", leftover) if anchor is None else leftover
        if leftover.strip("。.，,") not in ("", "（此页无正文）"):
            break
        accepted.append((role, *(names[0] if names else ("", rm.end(), rm.end()))))
        sig.start = rm.start()
        nxt = rm.start()
    for role, name, s, e in reversed(accepted):
        if name:
            sig.spans[f"judges.{len(sig.judges)}.name"] = [s, e]
            sig.judges.append(Judge(role=role, name=name))
    # clerks: role/name pairs after the date
    pos = a_end
    hi = min(len(text), a_end + 200)
    for rm in ROLE_RE.finditer(text, pos, hi):
        between = _CERTIFY_RE.sub("", strip_ws(text[pos : rm.start()])).strip("。.，,")
        if between:
            break
        role = strip_ws(rm.group("role"))
        nm = ROLE_RE.search(text, rm.end(), hi)
        stop = nm.start() if nm else hi
        names = _names(text, rm.end(), stop, single=False)
        if role in _CLERK_ROLES:
            for name, s, e in names:
                sig.spans[f"clerks.{len(sig.clerks)}"] = [s, e]
                sig.clerks.append(name)
        else:  # 法官助理 after the date
            for name, s, e in names[:1]:
                sig.spans[f"judges.{len(sig.judges)}.name"] = [s, e]
                sig.judges.append(Judge(role=role, name=name))
        if not names:
            break
        pos = names[-1][2]
    return sig
