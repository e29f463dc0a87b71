"""Relations between the parties of one document, read from its text.

Relations (`relation_facts`) are what party *a* is to party *b*, each with a confidence:

=====================  ==============================================  ==========
relation               wording read                                    confidence
=====================  ==============================================  ==========
spouse                 A与B系夫妻关系; A系B之妻/的妻子/丈夫; 二被告系夫妻     0.9
                       原系夫妻 (former spouses)                          0.7
child / parent         A系B之子/的女儿; A系B之父/母亲 (either direction)    0.9
parent_child           A与B系父子/母女关系 (who is the parent is unsaid)  0.9
sibling                A与B系兄弟/姐妹; A系B之兄/的妹妹                     0.9
relative               亲戚/亲属/远亲; in-laws (女婿, 儿媳, 舅舅 …)          0.7
partner                A与B系同居关系                                      0.8
employee_of            A系B(公司)员工/职工/会计; A在B处工作/上班               0.8
                       A曾为B员工, A原系B员工                               0.7
colleague              A与B系同事关系                                      0.7
same_address_surname   two persons of one document, same surname, the     0.5
                       same street address (住址同上 included)
=====================  ==============================================  ==========

A party line's own note (被告：翁江艳（邵某1之妻）, 被告马某1，女，…，系被告闫某1之妻) relates
that party; the note of an agent or representative (委托诉讼代理人…系原告之子) is cut off and
never read as a relation between parties.

"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from jiandu.models.civil.operators.docfacts_parties import Cast, Party, RelationFact, strip_lead

__all__ = ["address_relations", "relation_facts", "reverse"]


# -- relations ---------------------------------------------------------------------------------

_CLAUSE_START = re.compile(r"[。；;：:，,\n（(）)]")
_PAIR_WORDS: dict[str, tuple[str, float]] = {
    "夫妻": ("spouse", 0.9),
    "配偶": ("spouse", 0.9),
    "父子": ("parent_child", 0.9),
    "父女": ("parent_child", 0.9),
    "母子": ("parent_child", 0.9),
    "母女": ("parent_child", 0.9),
    "兄弟": ("sibling", 0.9),
    "姐妹": ("sibling", 0.9),
    "兄妹": ("sibling", 0.9),
    "姐弟": ("sibling", 0.9),
    "亲兄弟": ("sibling", 0.9),
    "亲姐妹": ("sibling", 0.9),
    "同居": ("partner", 0.8),
    "亲戚": ("relative", 0.7),
    "亲属": ("relative", 0.7),
    "远亲": ("relative", 0.7),
    "祖孙": ("relative", 0.8),
    "叔侄": ("relative", 0.8),
    "舅甥": ("relative", 0.8),
    "同事": ("colleague", 0.7),
}
# what A is to B in "A系B之X"
_OF_WORDS: dict[str, tuple[str, float]] = {
    **{w: ("spouse", 0.9) for w in ("妻子", "妻", "丈夫", "夫", "爱人", "配偶")},
    **{w: ("child", 0.9) for w in ("儿子", "女儿", "长子", "次子", "长女", "次女", "子", "女")},
    **{w: ("parent", 0.9) for w in ("父亲", "母亲", "父", "母")},
    **{
        w: ("sibling", 0.9)
        for w in ("哥哥", "弟弟", "姐姐", "妹妹", "胞兄", "胞弟", "胞姐", "胞妹", "兄", "弟", "姐", "妹")
    },
    **{w: ("relative", 0.8) for w in ("女婿", "儿媳", "岳父", "岳母", "舅舅", "叔叔", "侄子", "外甥")},
    **{w: ("employee_of", 0.8) for w in ("员工", "职工", "雇员", "工作人员", "会计", "出纳")},
}
_REVERSE = {
    "spouse": "spouse",
    "child": "parent",
    "parent": "child",
    "sibling": "sibling",
    "parent_child": "parent_child",
    "relative": "relative",
    "partner": "partner",
    "colleague": "colleague",
    "employee_of": "employer_of",
    "same_address_surname": "same_address_surname",
}
_LINK = r"(?P<link>原系|曾系|曾为|原为|均系|系|是|为|互为)"
_PAIR_RE = re.compile(
    _LINK + r"(?:亲|远房)?(?P<word>" + "|".join(sorted(_PAIR_WORDS, key=len, reverse=True)) + r")(?:关系)?"
)
_OF_RE = re.compile(
    _LINK + r"(?P<b>[^，。；：、,;:（）()\s系是为]{1,40}?)(?:公司|厂|单位)?(?:的|之)?"
    r"(?P<word>" + "|".join(sorted(_OF_WORDS, key=len, reverse=True)) + r")(?=[，。；;,、）)\s]|关系|$)"
)
# The work and pronoun wordings open with a lazy subject of up to 40 characters, which Python's
# engine tries at every character of the text (nearly all of the operator's time, 1.3 ms a
# document). Each ``_HINT`` is a part every match contains, found by a fast scan: a text without
# it has no match, so the full pattern runs only on the few texts that have it.
_WORK_TAIL = r"在(?P<b>[^，。；：、,;:（）()\s]{1,40}?)(?:处|公司|厂|单位)(?:工作|上班|务工|打工|任职)"
_WORK_RE = re.compile(r"(?P<a>[^，。；：、,;:（）()\s]{1,40}?)(?:[^，。；]{0,20}?)" + _WORK_TAIL)
_WORK_HINT = re.compile(_WORK_TAIL)
_PRONOUN_LINK = r"(?:及|与|和|、)其(?P<word>妻子|妻|丈夫|夫|儿子|女儿|子|女|父亲|母亲|兄|弟|姐|妹)"
_PRONOUN_RE = re.compile(
    r"(?P<a>[^，。；：、,;:（）()\s]{1,40}?)"
    + _PRONOUN_LINK
    + r"(?P<b>[^，。；：、,;:（）()\s]{1,40}?)(?=[，。；;,、向以在于共因])"
)
_PRONOUN_HINT = re.compile(_PRONOUN_LINK)
# where a party line's own note ends: the agents and representatives listed under it
_NOTE_END = re.compile(r"委托|代理人|法定代表人|负责人|法定代理人|辩护人|近亲属|监护人|经营者")
# a note right after the name (翁江艳（邵某1之妻）) or closing a clause of the line: it starts at
# the line's start or at a clause mark (the search tries only those places); the lookahead after
# the name, the first characters the rest can start with, spares trying each word at each length
_HEADER_NOTE = re.compile(
    r"(?:^|(?=[，,。（(]))[（(，,。]?\s*(?:系|是)?(?P<b>[^，。；：、,;:（）()\s系是]{1,40}?)"
    r"(?=[的之" + "".join(sorted({w[0] for w in _OF_WORDS})) + r"])(?:的|之)?"
    r"(?P<word>" + "|".join(sorted(_OF_WORDS, key=len, reverse=True)) + r")[）)，,。；]"
)
_NEGATED = re.compile(r"不是|并非|非|否认|未能|不能|无法|是否|证明|欲证明|拟证明|主张|称")


def _clause_before(text: str, at: int, limit: int = 60) -> tuple[int, str]:
    """(offset, text) of the clause that ends at ``at``: from the last clause mark before it."""
    lo = max(0, at - limit)
    window = text[lo:at]
    marks = list(_CLAUSE_START.finditer(window))
    start = lo + (marks[-1].end() if marks else 0)
    return start, text[start:at]


def _pairs(a: int, b: int, relation: str, confidence: float, start: int, end: int) -> list[RelationFact]:
    if a == b:
        return []
    return [RelationFact(a, b, relation, confidence, start, end)]


def _header_notes(text: str, cast: Cast) -> Iterator[RelationFact]:
    located = sorted((p for p in cast.parties if p.span_end is not None), key=lambda p: p.span_start or 0)
    for i, party in enumerate(located):
        assert party.span_end is not None
        stop = located[i + 1].span_start if i + 1 < len(located) else None
        segment_end = min(len(text), party.span_end + 160, stop if stop is not None else len(text))
        segment = text[party.span_end : segment_end]
        cut = _NOTE_END.search(segment)
        if cut:
            segment = segment[: cut.start()]
        # the first note, from the left, that names a party
        note = _HEADER_NOTE.search(segment)
        while note is not None:
            b = cast.one(note.group("b"))
            if b is not None:
                relation, confidence = _OF_WORDS[note.group("word")]
                start = party.span_end + note.start()
                yield from _pairs(party.idx, b, relation, confidence, start, party.span_end + note.end())
                break
            note = _HEADER_NOTE.search(segment, note.start() + 1)


def relation_facts(text: str, parties: Sequence[Party]) -> list[RelationFact]:
    """Relations between parties of one document that its text states, one per pair, relation
    and direction (the strongest wording kept)."""
    cast = Cast(parties)
    found: list[RelationFact] = list(_header_notes(text, cast))
    for m in _PAIR_RE.finditer(text):
        start, subject = _clause_before(text, m.start())
        subject = strip_lead(subject)
        if _NEGATED.search(subject):
            continue
        who = cast.refs(subject)
        if who is None or len(who) != 2:
            continue
        relation, confidence = _PAIR_WORDS[m.group("word")]
        if m.group("link") in ("原系", "曾系", "曾为", "原为"):
            confidence = min(confidence, 0.7)
        found += _pairs(who[0], who[1], relation, confidence, start, m.end())
    for m in _OF_RE.finditer(text):
        start, subject = _clause_before(text, m.start())
        subject = strip_lead(subject)
        if _NEGATED.search(subject):
            continue
        a = cast.one(subject)
        b = cast.one(m.group("b"))
        if a is None or b is None:
            continue
        relation, confidence = _OF_WORDS[m.group("word")]
        if m.group("link") in ("原系", "曾系", "曾为", "原为"):
            confidence = min(confidence, 0.7)
        found += _pairs(a, b, relation, confidence, start, m.end())
    for m in _WORK_RE.finditer(text) if _WORK_HINT.search(text) else ():
        start, _ = _clause_before(text, m.start() + 1)
        a = _lead_ref(cast, strip_lead(text[start : m.start("b") - 1]))
        b = cast.one(m.group("b"))
        if a is None or b is None or _NEGATED.search(text[start : m.start("b")]):
            continue
        if re.search(r"未|没有|不", text[m.end("a") : m.start("b")]):
            continue
        found += _pairs(a, b, "employee_of", 0.8, start, m.end())
    for m in _PRONOUN_RE.finditer(text) if _PRONOUN_HINT.search(text) else ():
        start, _ = _clause_before(text, m.start() + 1)
        a = cast.one(strip_lead(text[start : m.end("a")]))
        b = cast.one(m.group("b"))
        if a is None or b is None:
            continue
        relation, confidence = _OF_WORDS[m.group("word")]
        # "A及其妻B": B is A's wife → B spouse of A; "A及其子B": B is A's child
        found += _pairs(b, a, relation, confidence, start, m.end())
    return _strongest(found)


def _lead_ref(cast: Cast, clause: str) -> int | None:
    """The party the longest reference at the head of ``clause`` stands for (原告自2015年起… → 原告)."""
    for end in range(min(len(clause), 40), 0, -1):
        who = cast.one(clause[:end])
        if who is not None:
            return who
    return None


def _strongest(found: list[RelationFact]) -> list[RelationFact]:
    best: dict[tuple[int, int, str], RelationFact] = {}
    for f in sorted(found, key=lambda f: (f.span_start, -f.confidence)):
        key = (f.a, f.b, f.relation)
        if key not in best or f.confidence > best[key].confidence:
            best[key] = f
    return sorted(best.values(), key=lambda f: (f.span_start, f.a, f.b, f.relation))


def reverse(relation: str) -> str:
    """What b is to a when a is ``relation`` to b."""
    return _REVERSE.get(relation, relation)


# -- same address and surname -----------------------------------------------------------------

_ADDRESS_LEAD = re.compile(r"^(?:户籍所在地|户籍地|现住址|现住|住址|住所地|住所|住|居住地|暂住)[：:为在]?")
_STREET = re.compile(r"[0-9０-９一二三四五六七八九十百]+(?:号|室|幢|栋|弄|组|单元)|村")
_SAME = ("同上", "住址同上", "住同上", "同原告", "同被告")


def address_relations(text: str, parties: Sequence[Party]) -> list[RelationFact]:
    """Two persons of one document with the same surname and the same street address (住址同上
    means the address of the party above): a weak relation (0.5)."""
    located = sorted(parties, key=lambda p: (p.span_start is None, p.span_start or 0, p.idx))
    resolved: list[tuple[Party, str]] = []
    previous: str | None = None
    for p in located:
        raw = (p.address or "").strip()
        address = _ADDRESS_LEAD.sub("", raw).replace(" ", "")
        if address in _SAME or address.endswith("同上"):
            address = previous or ""
        if address:
            previous = address
        if p.kind == "person" and address and _STREET.search(address):
            resolved.append((p, address))
    out: list[RelationFact] = []
    for i, (a, addr_a) in enumerate(resolved):
        for b, addr_b in resolved[i + 1 :]:
            if addr_a != addr_b or a.name[:1] != b.name[:1] or a.name == b.name:
                continue
            at = text.find(addr_b, b.span_end or 0) if b.span_end is not None else -1
            if at < 0 and b.span_end is not None:
                at = text.find("同上", b.span_end, b.span_end + 120)
                end = at + 2
            else:
                end = at + len(addr_b)
            if at < 0:
                if b.span_start is None or b.span_end is None:
                    continue
                at, end = b.span_start, b.span_end
            out += _pairs(a.idx, b.idx, "same_address_surname", 0.5, at, end)
    return out
