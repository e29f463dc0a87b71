"""Agent and defender lines: name(s), law firm, kind (lawyer, trainee, legal worker, citizen)."""

from __future__ import annotations

import re

from .text import CJK

__all__ = ["AGENT_LINE_RE", "REP_LINE_RE", "agent_details", "split_names"]

_PARTY_ROLES = (
    "原告|被告人|被告|上诉人|被上诉人|申请执行人|被执行人|申请人|被申请人|第三人|原审原告|原审被告"
)
AGENT_LINE_RE = re.compile(
    r"^(?P<pre>(?:以上|上述|上列|前列|[二两三四五六七八九十])?[名位个]?"
    rf"(?P<prole>{_PARTY_ROLES})?(?:共同|均|之|的)*(?:共同)?)"
    r"(?P<role>委托诉讼代理人|委托代理人|诉讼代理人|特别授权代理人|指定代理人|代理人|"
    r"指定辩护人|委托辩护人|辩护人)"
    r"(?:[（(][^）)]{0,12}[）)])?[ \u3000]*[:：]?[ \u3000]*"
)
REP_LINE_RE = re.compile(
    r"^(?P<role>法定代表人|法定代理人|主要负责人|负责人|经营者|投资人|执行事务合伙人|诉讼代表人)"
    r"[ \u3000]*[:：]?[ \u3000]*"
)
_FIRM_RE = re.compile(
    rf"[{CJK}（）()·]{{2,40}}?(?:律师事务所|法律事务所|法律服务所|法律服务中心)"
)
_AID_RE = re.compile(rf"[{CJK}]{{2,30}}?法律援助中心")
_RELATION_RE = re.compile(
    rf"(?:系|是|为)?(?:{_PARTY_ROLES}|其)[{CJK}]{{0,4}}?(?:之|的)?"
    r"(?P<rel>父亲|母亲|丈夫|妻子|儿子|女儿|哥哥|弟弟|姐姐|妹妹|儿媳|女婿|侄子|侄女|外甥|"
    r"祖父|祖母|孙子|孙女|配偶|近亲属|亲属|朋友|同事|员工|职工|父|母|夫|妻|子|女|兄|弟|姐|妹)"
)
_CITIZEN_HINT = re.compile(r"(?:^|[，,])(?:男|女)(?:[，,]|$)|出生|公民|推荐|职工|员工|住")
_NAME_SPLIT = re.compile(r"[、]")


def split_names(s: str) -> list[tuple[int, int]]:
    """Offsets of the names in ``刘爱玲、周涛`` (split on 、)."""
    out: list[tuple[int, int]] = []
    pos = 0
    for part in _NAME_SPLIT.split(s):
        a = pos + (len(part) - len(part.lstrip()))
        b = pos + len(part.rstrip())
        if b > a:
            out.append((a, b))
        pos += len(part) + 1
    return out


def agent_details(rest: str) -> tuple[str | None, int, str | None, str | None]:
    """(law_firm, firm offset in ``rest``, kind, relation) from the text after the name."""
    firm: str | None = None
    firm_at = -1
    after = rest
    m = _FIRM_RE.search(rest)
    if m is None:
        m = _AID_RE.search(rest)
    if m:
        firm, firm_at = m.group(0), m.start()
        firm = re.split(r"的|指派|系|为|是", firm)[-1]
        firm_at = m.end() - len(firm)
        after = rest[m.end() :]
    relation = None
    rm = _RELATION_RE.search(rest)
    if rm and firm is None:
        relation = rm.group("rel")
    kind: str | None
    if "实习律师" in after or (firm is None and "实习律师" in rest):
        kind = "trainee_lawyer"
    elif (firm and firm.endswith(("法律服务所", "法律服务中心"))) or "法律工作者" in rest:
        kind = "legal_worker"
    elif "律师" in after or (firm is None and "律师" in rest):
        kind = "lawyer"
    elif relation or (firm is None and _CITIZEN_HINT.search(rest)):
        kind = "citizen"
    else:
        kind = None
    return firm, firm_at, kind, relation
