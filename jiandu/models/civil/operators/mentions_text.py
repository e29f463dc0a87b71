"""Facts that civil judgments state in running text about people and organisations who are not
parties, read with regular expressions, each with the span of the words quoted as evidence.

Read by the operator ``civil_mentions`` (``mentions.py``) into table ``document_mentions`` (one
row per document, kind and mention), from the documents that can hold such facts:

==========================  ======================================================  ============
kind                        wording read                                            name / value
==========================  ======================================================  ============
``assignor``                2019年5月4日，宣某某与原告签订《债权转让协议》;                 assignor
                            X将其对被告享有的债权转让给原告 (date when stated)
``defence``                 被告X辩称：对原告主张的借款事实及金额均无异议，愿意归还。        value:
                                                                                    admits_all |
                                                                                    admits_partly
                                                                                    | contests
``guarantor``               X作为担保人 / X为该借款提供担保 / 担保人：X                    guarantor
``introducer``              经X介绍 (a named go-between of the loan)                    go-between
``insured_owner``           X所有的浙D12345号小型轿车                                    owner;
                                                                                    value plate
``repair_shop``             事故车辆由X进行修理                                          shop
``appraiser``               经X评估，车辆损失为…                                          appraiser
``claim_assignor``          X将上述保险理赔款请求权转让给原告                              assignor
``no_insurer_assessment``   未通知被告定损 / 单方委托评估 / 未经保险人定损                  (phrase)
==========================  ======================================================  ============

Names are as written (masked names stay masked). Spans are offsets into ``documents.text``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from jiandu.documents.numerals import calendar_date
from jiandu.documents.signs import defendant_admissions
from jiandu.models.textscan import anchored_finditer, clause_finditer

__all__ = [
    "Mention",
    "assignment_mentions",
    "clean_name",
    "defence_mentions",
    "document_mentions",
    "guarantee_mentions",
    "insurance_mentions",
]


@dataclass(frozen=True, slots=True)
class Mention:
    """One fact read from a document's text; the span covers the name (or the phrase)."""

    kind: str
    name: str | None
    value: str | None
    event_date: dt.date | None
    span_start: int
    span_end: int


_NAME = r"[^，。；：、,;:（）()《》“”\s]{2,60}?"
_DATE = r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日"
_ROLE_NOTE = r"(?:（[^）]{1,8}）|\([^)]{1,8}\))?"  # X（转让方）与原告（受让方）
_ASSIGN_AGREEMENT = re.compile(
    _DATE + r"[，,]\s*(?:(?P<name>" + _NAME + r")" + _ROLE_NOTE + r"(?:与|和)原告"
    r"|原告[^，。；与]{0,12}?"
    + _ROLE_NOTE
    + r"(?:与|和)(?P<name2>"
    + _NAME
    + r")"
    + _ROLE_NOTE
    + r"(?=签订))"
    r"[^，。；]{0,20}?签订[^，。；]{0,6}?《?[^》，。；]{0,8}?债权转让"
)
_ASSIGN_TRANSFER = re.compile(
    r"(?:" + _DATE + r"[，,]\s*)?(?P<name>" + _NAME + r")将(?:其对被告享有的|其对被告|对被告|其)?"
    r"[^，。；]{0,20}?债权[^。；]{0,30}?转让(?:给|予)原告"
)
_NAME_PREFIX = re.compile(r"^(?:第三人|案外人|原债权人|债权人|出借人)")
_ANSWERS = re.compile(r"辩称[：:，,]")
# an answer that admits something: admits_partly unless the one definition of defendant_admits_all
# (jiandu.documents.signs) finds the full admission in it
_ADMITS_SOMETHING = re.compile(r"无异议|属实|予以认可|没有异议|认可|承认|愿意|同意")

# What may stand before or inside a name the assignment patterns captured, and is not part of it
# (read from the real assignment passages: 2013年2月27日德泰公司又将…, 约定农业银行将…,
# 吴炳森受让债权后再将…, 海兴信用联社以公开拍卖的方式将…, 信达公司与原告签订…).
_LEAD = re.compile(
    r"^(?:\d{4}年\d{1,2}月\d{1,2}日|双方约定|约定|其后|此后|之后|后|本案中|本案|由|再|并|又|遂|现|在|"
    r"通过|第三人|案外人|原债权人|债权人|出借人|被告|原告|同时|另|该)+"
)
_CUT = re.compile(
    r"(?<=..)(?:又|再次|再|已|于\d|作为|受让|与原告|与被告|签订|通过|依法|以[^，。；]{0,10}?方式|"
    r"在[^，。；]{0,8}?(?:期间|内|后|中)|(?<=[行司处社])代)"
)
_ORG_END = re.compile(
    r"(?:公司|银行|支行|分行|信用社|联社|办事处|中心|清算组|合作社|集团|商行|农商行|厂|店|所|部|行|社|处|局|会)$"
)
_PERSON = re.compile(r"^[\u4e00-\u9fff]{1,3}(?:某{1,2}\d{0,2}|[×Xx＊*]{1,3}\d{0,2}|[\u4e00-\u9fff]{1,2})$")
# words that make what was captured a clause, not a name (愿意, 各自, 许某同意, X公司虽辩称…)
_VERB_IN_NAME = re.compile(r"同意|愿意|自愿|虽|辩称|没有|证明|签订|提供|认为|共同|分别|各自|费用|等$")
_NOT_IN_PERSON = re.compile(r"[的了方式后期间内约将与和及于又再已被原告债权借款作为对此并该其]")


def clean_name(raw: str) -> str | None:
    """The person or organisation name inside what a pattern captured, or None when what is left
    is not a name (a clause fragment is never returned)."""
    name = _LEAD.sub("", raw.strip())
    cut = _CUT.search(name)
    if cut:
        name = name[: cut.start()]
    if "的" in name:  # 招商银行温州国鼎支行的上级行招商银行温州分行
        name = re.sub(r"^上级(?:行|单位)?", "", name.rsplit("的", 1)[1])
    name = _LEAD.sub("", name)
    if len(name) < 2 or name in ("被告", "原告", "被保险人", "投保人") or name.startswith("原债权"):
        return None
    if _VERB_IN_NAME.search(name):
        return None
    if _ORG_END.search(name) and len(name) >= 3:
        return name
    if _PERSON.match(name) and not _NOT_IN_PERSON.search(name[1:]):
        return name
    return None


_OWNER = re.compile(r"(?P<name>" + _NAME + r")所有的(?P<plate>[^，。；号]{1,14})号[^，。；]{0,8}?车")
_SHOP = re.compile(
    r"(?:事故车辆|受损车辆|车辆|该车)(?:由|在|送至)(?P<name>" + _NAME + r")"
    r"(?:进行修理|进行维修|(?:修理|维修)(?=[，。；,;]|$))"
)
_APPRAISER = re.compile(
    r"经(?P<name>" + _NAME + r"(?:公司|中心|事务所|评估所|鉴定所))(?:进行)?(?:评估|鉴定|定损)"
)
_CLAIM_ASSIGNED = re.compile(
    r"(?P<name>" + _NAME + r")将[^。；]{0,20}?(?:保险金|理赔款|赔偿款|保险赔偿金)?[^。；]{0,6}?请求权"
    r"[^。；]{0,10}?转让(?:给|予)原告"
)
_NO_ASSESSMENT = re.compile(
    r"未通知(?:被告|保险公司|保险人)(?:进行)?定损|未经(?:被告|保险公司|保险人)(?:定损|核损|核定)"
    r"|单方委托(?:评估|鉴定)|(?:被告|保险公司|保险人)未(?:进行)?(?:定损|核损)"
)


# (pattern, stop characters no match holds, words every match holds: one of each group)
_CLAUSES: dict[str, tuple[str, tuple[tuple[str, ...], ...]]] = {
    "transfer": ("。；", (("债权",), ("转让给原告", "转让予原告"), ("将",))),
    "insured_owner": ("，。；", (("所有的",), ("号",), ("车",))),
    "repair_shop": ("，。；", (("修理", "维修"), ("由", "在", "送至"), ("车辆", "该车"))),
    "appraiser": (
        "，。；",
        (("评估", "鉴定", "定损"), ("经",), ("公司", "中心", "事务所", "评估所", "鉴定所")),
    ),
    "claim_assignor": ("。；", (("请求权",), ("将",), ("转让给原告", "转让予原告"))),
}


def _date(m: re.Match[str]) -> dt.date | None:
    return calendar_date(m.group("y"), m.group("m"), m.group("d"))


def _named(
    kind: str, m: re.Match[str], *, value: str | None = None, when: dt.date | None = None
) -> Mention | None:
    group = "name" if m.groupdict().get("name") else "name2"
    raw = m.group(group)
    name = clean_name(raw)
    if name is None:
        return None
    start = m.start(group) + raw.index(name)
    return Mention(kind, name, value, when, start, start + len(name))


def _first_per_name(mentions: list[Mention]) -> list[Mention]:
    """One mention per (kind, name): the first, or the first with a date when one has it."""
    out: dict[tuple[str, str | None], Mention] = {}
    for m in sorted(mentions, key=lambda x: x.span_start):
        key = (m.kind, m.name)
        current = out.get(key)
        if current is None or (current.event_date is None and m.event_date is not None):
            out[key] = m
    return sorted(out.values(), key=lambda x: (x.span_start, x.kind))


def assignment_mentions(text: str) -> list[Mention]:
    """The assignors of claims assigned to the plaintiff, with the assignment date when stated."""
    found = []
    agreements = _ASSIGN_AGREEMENT.finditer(text)
    transfers = clause_finditer(_ASSIGN_TRANSFER, text, *_CLAUSES["transfer"])
    for matches in (agreements, transfers):
        for m in matches:
            if "请求权" in m.group(0):  # an insurance claim, see insurance_mentions
                continue
            mention = _named("assignor", m, when=_date(m))
            if mention is not None:
                found.append(mention)
    return _first_per_name(found)


def defence_mentions(text: str) -> list[Mention]:
    """Each defendant's answer (辩称): admits_all, admits_partly (admits, but ...) or contests."""
    out = []
    admissions = defendant_admissions(text) if _ANSWERS.search(text) else []
    for m in _ANSWERS.finditer(text):  # anchor on 辩称 and look back for 被告: fast on long texts
        before = text[max(0, m.start() - 61) : m.start()]
        at = before.rfind("被告")
        if at < 0:
            continue
        name = before[at + 2 :]
        if not name or any(ch in "，。；：:" for ch in name):
            continue
        end = text.find("。", m.end())
        end = len(text) if end < 0 else min(end, m.end() + 200)
        answer = text[m.end() : end]
        if not answer:
            continue
        start = m.start() - len(before) + at
        if any(start <= s.start < end for s in admissions):
            value = "admits_all"
        elif _ADMITS_SOMETHING.search(answer):
            value = "admits_partly"
        else:
            value = "contests"
        out.append(Mention("defence", name.strip(), value, None, start, end))
    return out


_GUARANTEE = r"(?:了)?(?:连带)?(?:责任)?(?:保证|担保)"
_GUARANTOR = (
    re.compile(r"(?P<name>" + _NAME + r")(?:自愿)?作为(?:连带)?(?:责任)?(?:保证人|担保人)"),
    re.compile(r"(?P<name>" + _NAME + r")(?:自愿)?为[^，。；]{0,16}?提供" + _GUARANTEE),
    re.compile(r"由(?:被告|案外人)?(?P<name>" + _NAME + r")提供" + _GUARANTEE),
    re.compile(r"(?:担保人|保证人)[：:](?P<name>[\u4e00-\u9fff×＊*]{1,4}\d{0,2})"),
    re.compile(r"(?:被告|案外人)(?P<name>" + _NAME + r")提供" + _GUARANTEE),
)
# Where `guarantee_mentions` searches each of _GUARANTOR (same order), finding the matches
# ``finditer`` finds: in the clauses (`clause_finditer`: stop characters no match holds, then
# words every match holds) for the patterns led by a lazy name, which ``finditer`` tries at every
# position of the text; at the words every match starts with (`anchored_finditer`, no stops)
# for the one led by a literal.
_GUARANTOR_SEARCH: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = (
    ("，。；", (("作为",), ("保证人", "担保人"))),
    ("，。；", (("提供",), ("为",), ("保证", "担保"))),
    ("，。；", (("提供",), ("由",), ("保证", "担保"))),
    ("", (("担保人", "保证人"),)),
    ("，。；", (("提供",), ("被告", "案外人"), ("保证", "担保"))),
)
# 经宋某介绍 / 经被告业务员段某介绍: a named go-between of the loan (lender's agent or broker)
_INTRODUCER = re.compile(r"经(?P<name>" + _NAME + r")介绍")
_NOT_A_NAMED_PERSON = re.compile(
    r"^(?:人|他人|别人|朋友|亲戚|熟人|同事|中间人|中介|中介人|介绍人|亲友|老乡|同学|邻居|其朋友|其亲戚)$"
)
_ROLE_BEFORE_NAME = re.compile(
    r"^.*?(?:业务员|员工|工作人员|经理|职员|老板|弟弟|哥哥|姐姐|妹妹|儿子|女儿|丈夫|妻子|父亲|母亲|朋友|的|即)"
)


def _person_or_org(kind: str, m: re.Match[str]) -> Mention | None:
    """A guarantor or introducer: the name after any role or kinship words before it."""
    raw = m.group("name")
    tail = _ROLE_BEFORE_NAME.sub("", raw)
    tail = re.sub(r"^(?:被告|原告|案外人|第三人)", "", tail)
    if _NOT_A_NAMED_PERSON.match(tail):
        return None
    name = clean_name(tail)
    if name is None:
        return None
    start = m.start("name") + raw.rindex(name)
    return Mention(kind, name, None, None, start, start + len(name))


def _searched(
    regex: re.Pattern[str], text: str, stops: str, needs: tuple[tuple[str, ...], ...]
) -> Iterator[re.Match[str]]:
    """``regex.finditer(text)`` where `_GUARANTOR_SEARCH` says to look."""
    if stops:
        return clause_finditer(regex, text, stops, needs)
    return anchored_finditer(regex, text, needs[0])


def guarantee_mentions(text: str) -> list[Mention]:
    """Guarantors of the loan (作为担保人 / 为借款提供担保 / 担保人：X) and named go-betweens
    (经X介绍) as written; a name is a person or organisation name or nothing."""
    found: list[Mention] = []
    if "保" in text:
        for regex, (stops, needs) in zip(_GUARANTOR, _GUARANTOR_SEARCH, strict=True):
            for m in _searched(regex, text, stops, needs):
                mention = _person_or_org("guarantor", m)
                if mention is not None:
                    found.append(mention)
    if "介绍" in text:
        for m in _INTRODUCER.finditer(text):
            mention = _person_or_org("introducer", m)
            if mention is not None:
                found.append(mention)
    return _first_per_name(found)


def insurance_mentions(text: str) -> list[Mention]:
    """Insured owner, repair shop, appraiser, assignor of the claim, and no insurer assessment."""
    found: list[Mention] = []
    for m in clause_finditer(_OWNER, text, *_CLAUSES["insured_owner"]):
        mention = _named("insured_owner", m, value=m.group("plate").strip() or None)
        if mention is not None:
            found.append(mention)
    for kind, regex in (
        ("repair_shop", _SHOP),
        ("appraiser", _APPRAISER),
        ("claim_assignor", _CLAIM_ASSIGNED),
    ):
        for m in clause_finditer(regex, text, *_CLAUSES[kind]):
            mention = _named(kind, m)
            if mention is not None:
                found.append(mention)
    for m in _NO_ASSESSMENT.finditer(text):
        found.append(Mention("no_insurer_assessment", None, m.group(0), None, m.start(), m.end()))
    return _first_per_name(found)


def document_mentions(
    text: str,
    *,
    assignment: bool = True,
    defence: bool = True,
    insurance: bool = True,
    guarantee: bool = True,
) -> list[Mention]:
    """Every mention of the kinds asked for, in text order."""
    out: list[Mention] = []
    if assignment:
        out += assignment_mentions(text)
    if guarantee:
        out += guarantee_mentions(text)
    if defence:
        out += defence_mentions(text)
    if insurance:
        out += insurance_mentions(text)
    return sorted(out, key=lambda x: (x.span_start, x.kind))
