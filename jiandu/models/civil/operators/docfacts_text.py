"""Execution cases and relations between parties, read from the text of one document.

Pure functions over a document's text and its parsed parties (no engine): the operator
``document_facts`` (``docfacts.py``) runs them on every candidate document.

A name in a fact is always a party of the document (the parser's party list): a reference is
a role word with a party's name (被告陈某), a party's name alone, a role word standing for the
only party of that side (原告, 被告), or a group word for exactly two parties (二被告, 原、被告).
Anything else before 系 (证明二被告…, 经查询未能查到…, an agent's line) is not a reference, so a
clause fragment never becomes a name.

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

Executions (`execution_facts`): the document's own case when it is an execution case (ruling
or notice), execution case numbers cited with the party they are against (（2019）浙0602执1234号,
执恢, 执异, 执保, old style 清民执字第12号), and statements that a party is a judgment debtor or
that a judgment against a party was applied for execution.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from jiandu.documents.case_number import normalise_case_number
from jiandu.documents.flags import TERMINATED_RE
from jiandu.documents.numerals import calendar_date

__all__ = [
    "ExecutionFact",
    "Party",
    "RelationFact",
    "address_relations",
    "execution_facts",
    "relation_facts",
]


@dataclass(frozen=True, slots=True)
class Party:
    """A party of the document as parsed (``parties`` row)."""

    idx: int
    name: str
    side: str | None
    role: str | None = None
    kind: str | None = None
    address: str | None = None
    span_start: int | None = None
    span_end: int | None = None


@dataclass(frozen=True, slots=True)
class RelationFact:
    """Party ``a`` is ``relation`` to party ``b`` (both directions are added by the caller)."""

    a: int
    b: int
    relation: str
    confidence: float
    span_start: int
    span_end: int


@dataclass(frozen=True, slots=True)
class ExecutionFact:
    """An execution case against party ``respondent`` stated in a document."""

    kind: str  # ruling | cited_number | statement
    respondent: int
    applicant: int | None
    case_number: str | None
    filing_date: dt.date | None
    date_basis: str | None  # stated | ruling_date | cited_by | case_year
    basis_case_number: str | None
    closing_mode: str | None
    distribution_from_case: str | None
    listed_dishonest: bool
    span_start: int
    span_end: int


# -- references to parties -------------------------------------------------------------------

ROLE_SIDES = {
    "原告": "plaintiff",
    "原审原告": "plaintiff",
    "被告": "defendant",
    "原审被告": "defendant",
    "被告人": "defendant",
    "第三人": "third_party",
    "申请执行人": "applicant",
    "被执行人": "respondent",
    "上诉人": None,
    "被上诉人": None,
}
_ROLES = sorted(ROLE_SIDES, key=len, reverse=True)
_GROUPS = {
    "plaintiff": ("二原告", "两原告", "俩原告", "倆原告"),
    "defendant": ("二被告", "两被告", "俩被告", "倆被告", "二被告人", "两被告人"),
}
_BOTH = ("原、被告", "原被告", "原告与被告", "原、被告双方", "原被告双方", "双方")
_SEP = re.compile(r"与|和|同|及|、|,|，")


class Cast:
    """Who a reference in the text can be: the parties of one document."""

    def __init__(self, parties: Sequence[Party]) -> None:
        self.parties = list(parties)
        self.by_name: dict[str, list[int]] = {}
        for p in self.parties:
            self.by_name.setdefault(p.name, []).append(p.idx)
        self.names = sorted(self.by_name, key=len, reverse=True)

    def side(self, side: str) -> list[int]:
        return [p.idx for p in self.parties if p.side == side]

    def one(self, ref: str) -> int | None:
        """The single party ``ref`` (a role word, a name, or both) stands for, else None."""
        found = self.many(ref)
        return found[0] if found is not None and len(found) == 1 else None

    def many(self, ref: str) -> list[int] | None:
        """The parties ``ref`` stands for (one, or two for 二被告 / 原、被告), else None."""
        ref = ref.strip().strip("：:")
        if not ref:
            return None
        if ref in _BOTH:
            pl, df = self.side("plaintiff"), self.side("defendant")
            return [pl[0], df[0]] if len(pl) == 1 and len(df) == 1 else None
        for side, words in _GROUPS.items():
            if ref in words:
                members = self.side(side)
                return members if len(members) == 2 else None
        role = next((r for r in _ROLES if ref.startswith(r)), None)
        rest = ref[len(role) :] if role else ref
        if role and rest.startswith("人") and role == "被告":
            rest = rest[1:]
        role_side = ROLE_SIDES.get(role or "")
        if not rest:
            members = self.side(role_side) if role_side else []
            return members if len(members) == 1 else None
        idxs = self.by_name.get(rest)
        if not idxs or len(idxs) != 1:
            return None
        if role_side is not None:
            party = self.parties[[p.idx for p in self.parties].index(idxs[0])]
            if party.side is not None and party.side != role_side:
                return None
        return idxs

    def refs(self, text: str) -> list[int] | None:
        """The parties a list of references (A与B, A、B, 二被告) stands for, or None when any
        piece is not a reference."""
        whole = self.many(text)
        if whole is not None:
            return whole
        pieces = [piece for piece in _SEP.split(text) if piece.strip()]
        if len(pieces) < 2:
            return None
        out: list[int] = []
        for piece in pieces:
            found = self.many(piece)
            if found is None:
                return None
            out += found
        return out


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
_WORK_RE = re.compile(
    r"(?P<a>[^，。；：、,;:（）()\s]{1,40}?)(?:[^，。；]{0,20}?)在(?P<b>[^，。；：、,;:（）()\s]{1,40}?)"
    r"(?:处|公司|厂|单位)(?:工作|上班|务工|打工|任职)"
)
_PRONOUN_RE = re.compile(
    r"(?P<a>[^，。；：、,;:（）()\s]{1,40}?)(?:及|与|和|、)其(?P<word>妻子|妻|丈夫|夫|儿子|女儿|子|女|父亲|母亲|兄|弟|姐|妹)"
    r"(?P<b>[^，。；：、,;:（）()\s]{1,40}?)(?=[，。；;,、向以在于共因])"
)
# where a party line's own note ends: the agents and representatives listed under it
_NOTE_END = re.compile(r"委托|代理人|法定代表人|负责人|法定代理人|辩护人|近亲属|监护人|经营者")
_HEADER_NOTE = re.compile(
    r"[（(，,。]?\s*(?:系|是)?(?P<b>[^，。；：、,;:（）()\s系是]{1,40}?)(?:的|之)?"
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


def _strip_lead(subject: str) -> str:
    """Drop what may precede a subject in its clause (另查明, 经审理查明, 事实和理由 …)."""
    return re.sub(r"^(?:另查明|又查明|再查明|经审理查明|本院查明|经查|另查|且|即|因|但)", "", subject)


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
        # the note sits right after the name (翁江艳（邵某1之妻）) or closes a clause of the line
        for m in re.finditer(r"(?:^|[，,。（(])", segment):
            note = _HEADER_NOTE.match(segment, m.start() if m.group(0) else 0)
            if note is None:
                continue
            b = cast.one(note.group("b"))
            if b is None:
                continue
            relation, confidence = _OF_WORDS[note.group("word")]
            start = party.span_end + note.start()
            yield from _pairs(party.idx, b, relation, confidence, start, party.span_end + note.end())
            break


def relation_facts(text: str, parties: Sequence[Party]) -> list[RelationFact]:
    """Relations between parties of one document that its text states, one per pair, relation
    and direction (the strongest wording kept)."""
    cast = Cast(parties)
    found: list[RelationFact] = list(_header_notes(text, cast))
    for m in _PAIR_RE.finditer(text):
        start, subject = _clause_before(text, m.start())
        subject = _strip_lead(subject)
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
        subject = _strip_lead(subject)
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
    for m in _WORK_RE.finditer(text):
        start, _ = _clause_before(text, m.start() + 1)
        a = _lead_ref(cast, _strip_lead(text[start : m.start("b") - 1]))
        b = cast.one(m.group("b"))
        if a is None or b is None or _NEGATED.search(text[start : m.start("b")]):
            continue
        if re.search(r"未|没有|不", text[m.end("a") : m.start("b")]):
            continue
        found += _pairs(a, b, "employee_of", 0.8, start, m.end())
    for m in _PRONOUN_RE.finditer(text):
        start, _ = _clause_before(text, m.start() + 1)
        a = cast.one(_strip_lead(text[start : m.end("a")]))
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


# -- executions --------------------------------------------------------------------------------

EXEC_NUMBER = re.compile(
    r"[（(]\d{4}[）)][^（()）\s，。；、：:“”《》]{0,12}?执(?:恢|异|保|复|监|协|外)?字?第?\d+(?:-\d+)?号"
)
CASE_NUMBER = re.compile(r"[（(]\d{4}[）)][^（()）\s，。；、：:“”《》]{1,16}?第?\d+(?:-\d+)?号")
_SENTENCE = re.compile(r"[^。；;\n]+")
_FILED = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日[^。；，]{0,16}?(?:立案|申请(?:强制)?执行|受理)")
_RESP_NAMED = re.compile(
    r"被执行人(?:为|系|是)?[：:]?(?P<r>[^，。；：、,;:（）()\s与和及的]{1,40}?)(?=[，。；、,;（(与和及的名所在]|$)"
)
_RESP_IS = re.compile(r"(?:系|为|是|作为|已是|已系)[^。；，]{0,40}?(?P<listed>失信)?被执行人")
_RESP_LISTED = re.compile(r"(?:被列为|列为|纳入)(?P<listed>失信)?被执行人")
_FAILED = re.compile(r"因(?P<r>[^，。；：、,;:（）()\s]{1,40}?)(?:未|拒不|没有)(?:按期|按时|如期|全部)?履行")
_AGAINST = re.compile(
    r"(?:对|申请执行|申请强制执行)(?P<r>[^，。；：、,;:（）()\s的]{1,40}?)(?:申请(?:强制)?执行|的财产|名下)"
)
_APPLIED = re.compile(
    r"(?:已|业已|于\d{4}年\d{1,2}月\d{1,2}日)[^。；]{0,20}?向[^。；，]{0,16}?申请(?:强制)?执行"
)
_APPLICANT = re.compile(
    r"申请执行人[：:]?(?P<r>[^，。；：、,;:（）()\s与和及]{1,40}?)(?=[，。；、,;（(与和及向申于]|$)"
)
_CONDITIONAL = re.compile(r"如果|如|若|可以|可向|有权|逾期不|届满后")
_NOT_DEBTOR = re.compile(r"不是|并非|不属于|未被|没有被|尚未")
_DISTRIBUTION = re.compile(r"参与分配")
_REFUSAL = re.compile(r"拒不执行判决")


def _date_of(m: re.Match[str]) -> dt.date | None:
    return calendar_date(m.group(1), m.group(2), m.group(3))


def _known_by(number: str | None, cited_on: dt.date | None) -> tuple[dt.date | None, str | None]:
    """The latest date an execution case cited without its filing date certainly existed: the
    day before the document that cites it, or the last day of its case-number year."""
    dates: list[tuple[dt.date, str]] = []
    if cited_on is not None:
        dates.append((cited_on - dt.timedelta(days=1), "cited_by"))
    if number:
        year = int(number[1:5])
        if 1980 <= year <= 2100:
            dates.append((dt.date(year, 12, 31), "case_year"))
    if not dates:
        return None, None
    return min(dates)


def _respondents(sentence: str, offset: int, cast: Cast) -> list[tuple[int, bool, int, int]]:
    """(party, listed as dishonest, start, end) for each party a sentence names as judgment
    debtor."""
    out: list[tuple[int, bool, int, int]] = []
    for m in _RESP_NAMED.finditer(sentence):
        who = cast.one(m.group("r"))
        if who is not None and not _NOT_DEBTOR.search(sentence[max(0, m.start() - 6) : m.start()]):
            out.append(
                (
                    who,
                    "失信" in sentence[max(0, m.start() - 3) : m.start()],
                    offset + m.start("r"),
                    offset + m.end("r"),
                )
            )
    for regex in (_RESP_IS, _RESP_LISTED):
        for m in regex.finditer(sentence):
            head = sentence[: m.start()]
            if _NOT_DEBTOR.search(sentence[max(0, m.start() - 4) : m.end()]):
                continue
            clause_start = max((head.rfind(c) for c in "，,：:"), default=-1) + 1
            subject = _strip_lead(head[clause_start:])
            if not re.sub(r"^(?:已|并|且|均|后|现|遂)+", "", subject):  # 被告X因…，已被列为…
                clause_start = 0
                subject = _strip_lead(head[: max(head.find("，"), 0) or len(head)])
            # the subject may run on to a case number: 被告X系本院（…）执…号案件的被执行人
            subject = re.split(r"[（(]|本院|因|在|于|已", subject)[0]
            who = cast.one(subject)
            if who is not None:
                s = offset + clause_start + head[clause_start:].find(subject)
                out.append((who, bool(m.group("listed")), s, s + len(subject)))
    for regex in (_FAILED, _AGAINST):
        for m in regex.finditer(sentence):
            who = cast.one(m.group("r"))
            if who is not None:
                out.append((who, False, offset + m.start("r"), offset + m.end("r")))
    seen: set[int] = set()
    unique = []
    for item in out:
        if item[0] not in seen:
            seen.add(item[0])
            unique.append(item)
    return unique


def _applicant(sentence: str, cast: Cast, respondent: int) -> int | None:
    for named in _APPLICANT.finditer(sentence):
        who = cast.one(named.group("r"))
        if who is not None and who != respondent:
            return who
    m = _APPLIED.search(sentence)
    if m is not None:
        head = sentence[: m.start()]
        clause_start = max((head.rfind(c) for c in "，,：:"), default=-1) + 1
        who = cast.one(_strip_lead(head[clause_start:]))
        if who is not None and who != respondent:
            return who
    return None


def _basis(text: str) -> str | None:
    for m in CASE_NUMBER.finditer(text):
        number = m.group(0)
        if "执" in number:
            continue
        before = text[max(0, m.start() - 12) : m.start()]
        after = text[m.end() : m.end() + 8]
        if re.search(r"依据|根据|依照|执行依据", before) or re.match(
            r"《?民事(?:判决|调解|裁定)书|判决|调解", after
        ):
            return normalise_case_number(number)
    return None


def execution_facts(
    text: str,
    parties: Sequence[Party],
    *,
    case_number: str | None = None,
    is_execution_case: bool = False,
    filing_date: dt.date | None = None,
    judgment_date: dt.date | None = None,
    terminated: bool = False,
) -> list[ExecutionFact]:
    """Execution cases one document states, each against one of its parties."""
    cast = Cast(parties)
    own = normalise_case_number(case_number) if case_number else None
    out: list[ExecutionFact] = []
    if is_execution_case and own:
        applicants = cast.side("applicant")
        applicant = applicants[0] if len(applicants) == 1 else None
        ruled, basis_kind = (filing_date, "stated") if filing_date else (judgment_date, "ruling_date")
        distribution = None
        for s in _SENTENCE.finditer(text):
            if _DISTRIBUTION.search(s.group(0)):
                others = [normalise_case_number(n.group(0)) for n in EXEC_NUMBER.finditer(s.group(0))]
                others = [n for n in others if n != own]
                if others:
                    distribution = others[0]
                    break
        closing = "终结本次执行程序" if terminated or TERMINATED_RE.search(text) else None
        for p in cast.parties:
            if p.side != "respondent" or p.span_start is None or p.span_end is None:
                continue
            out.append(
                ExecutionFact(
                    "ruling",
                    p.idx,
                    applicant,
                    own,
                    ruled,
                    basis_kind if ruled else None,
                    _basis(text),
                    closing,
                    distribution,
                    "失信" in text and "纳入失信" in text,
                    p.span_start,
                    p.span_end,
                )
            )
    if _REFUSAL.search(text[:600]):  # a conviction for refusing to execute: the accused was a debtor
        out += _refusal_facts(text, cast, judgment_date)
    for s in _SENTENCE.finditer(text):
        sentence = s.group(0)
        if "执行" not in sentence:
            continue
        numbers = [n for n in EXEC_NUMBER.finditer(sentence) if normalise_case_number(n.group(0)) != own]
        statement = not numbers and (
            _APPLIED.search(sentence) or _RESP_LISTED.search(sentence) or _RESP_IS.search(sentence)
        )
        if not numbers and not statement:
            continue
        if _CONDITIONAL.search(sentence) and not numbers:
            continue
        respondents = _respondents(sentence, s.start(), cast)
        if is_execution_case:  # the ruling's own parties are its own case, read above
            respondents = [
                r for r in respondents if cast.parties[_pos(cast, r[0])].side != "respondent" or numbers
            ]
        if not respondents:
            continue
        stated = _FILED.search(sentence)
        stated_date = _date_of(stated) if stated else None
        basis = _basis(sentence)
        date: dt.date | None
        how: str | None
        for who, listed, _start, _end in respondents:
            if numbers:
                for n in numbers:
                    number = normalise_case_number(n.group(0))
                    if stated_date is not None:
                        date, how = stated_date, "stated"
                    else:
                        date, how = _known_by(number, judgment_date)
                    out.append(
                        ExecutionFact(
                            "cited_number",
                            who,
                            None,
                            number,
                            date,
                            how,
                            basis,
                            None,
                            None,
                            listed,
                            s.start() + n.start(),
                            s.start() + n.end(),
                        )
                    )
            else:
                if stated_date is not None:
                    date, how = stated_date, "stated"
                else:
                    date, how = _known_by(None, judgment_date)
                out.append(
                    ExecutionFact(
                        "statement",
                        who,
                        _applicant(sentence, cast, who),
                        None,
                        date,
                        how,
                        basis,
                        None,
                        None,
                        listed,
                        s.start(),
                        s.end(),
                    )
                )
    return out


def _refusal_facts(text: str, cast: Cast, judgment_date: dt.date | None) -> list[ExecutionFact]:
    """The accused of 拒不执行判决、裁定罪 were judgment debtors: the date execution began when
    stated (申请强制执行 / 进入执行程序), else before the judgment."""
    date: dt.date | None = None
    how: str | None = None
    for s in _SENTENCE.finditer(text):
        if re.search(r"申请(?:强制)?执行|进入(?:强制)?执行程序", s.group(0)):
            m: re.Match[str] | None = _FILED.search(s.group(0)) or re.search(
                r"(\d{4})年(\d{1,2})月(\d{1,2})日[^。；，]{0,6}?进入(?:强制)?执行程序", s.group(0)
            )
            if m is not None:
                date, how = _date_of(m), "stated"
                break
    if date is None:
        date, how = _known_by(None, judgment_date)
    out = []
    for p in cast.parties:
        if (
            p.side == "defendant"
            and p.role == "被告人"
            and p.span_start is not None
            and p.span_end is not None
        ):
            out.append(
                ExecutionFact(
                    "statement",
                    p.idx,
                    None,
                    None,
                    date,
                    how,
                    _basis(text),
                    None,
                    None,
                    False,
                    p.span_start,
                    p.span_end,
                )
            )
    return out


def _pos(cast: Cast, idx: int) -> int:
    return [p.idx for p in cast.parties].index(idx)
