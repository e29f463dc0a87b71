"""The party header: parties with attributes, legal representatives and agents."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .agents import AGENT_LINE_RE, REP_LINE_RE, agent_details, split_names
from .numerals import parse_date
from .record import Agent, LegalRepresentative, Party
from .text import CJK

__all__ = ["SIDES", "Header", "parse_header"]

PARTY_LINE_RE = re.compile(
    r"^(?P<role>(?:原审|一审)?(?:附带民事诉讼)?(?:"
    r"原告人|原告|被告人|被告|第三人|被上诉人|上诉人|申请执行人|被执行人|再审申请人|"
    r"再审被申请人|被申请人|申请人|原公诉机关|公诉机关|抗诉机关|自诉人|被申诉人|申诉人|起诉人|"
    r"复议申请人|申请复议人|异议人|案外人))"
    r"(?:[（(](?P<orig>[^）)]{1,30})[）)])?[ \u3000]*[:：]?[ \u3000]*"
)
SIDES = {
    "原告": "plaintiff", "原告人": "plaintiff", "自诉人": "plaintiff", "起诉人": "plaintiff",
    "被告": "defendant", "被告人": "defendant",
    "第三人": "third_party", "案外人": "third_party",
    "公诉机关": "prosecution", "原公诉机关": "prosecution", "抗诉机关": "prosecution",
    "申请执行人": "applicant", "申请人": "applicant", "再审申请人": "applicant",
    "复议申请人": "applicant", "申请复议人": "applicant", "异议人": "applicant",
    "申诉人": "applicant",
    "被执行人": "respondent", "被申请人": "respondent", "再审被申请人": "respondent",
    "被申诉人": "respondent",
}  # fmt: skip
_SIDE_KEYS = sorted(SIDES, key=len, reverse=True)
NARRATIVE_RE = re.compile(
    r"一案|诉称|辩称|诉讼请求|提起公诉|起诉书|向本院|审理终结|本院受理|立案|不服|提出上诉|"
    r"申请执行|审查终结|本院于|经审理"
)
_PARTY_AHEAD = r"(?:原告|被告人|被告|第三人|上诉人|被上诉人|申请执行人|被执行人|申请人|被申请人)"
_ROLE_AHEAD = (
    r"(?:原告|被告人|被告|第三人|上诉人|被上诉人|申请执行人|被执行人|申请人|被申请人|公诉机关|原公诉机关|"
    r"委托诉讼代理人|委托代理人|诉讼代理人|辩护人|指定辩护人|法定代表人|法定代理人|负责人|原审)"
)
# a segment ends at 。 or a newline, or before a role after a comma / a space / a masked id
_SEG_RE = re.compile(
    rf"(?:{_ROLE_AHEAD}[：:])?"
    rf"(?:(?!{_PARTY_AHEAD}[：:]|(?<![告人同的])(?:委托诉讼代理人|委托代理人)[：:])"
    r"[^。\n，,；;\s×]"
    rf"|[，,；; \t\u3000×\r](?![ \u3000]*{_ROLE_AHEAD}))+"
)
_INNER_ROLE_RE = re.compile(r"(?<!原审)(?:被告人|被告|原告|第三人)(?!人)")
_SKIP_RE = re.compile(r"^(?:代理权限|特别授权|一般授权|一般代理|授权)")
_LEAD_PAREN_RE = re.compile(r"^[（(][^（）()]{0,8}[）)]")
_LEAD = " \u3000\t\r，,；;、"
_NAME_PREFIX_RE = re.compile(r"(?:自报|自称)")
_TRAILING_PAREN_RE = re.compile(r"[（(][^（）()]{0,20}[）)]$")
_NAME_END_RE = re.compile(r"[，,。；;：:\s\u3000]")
_ORG_STRONG = re.compile(
    r"公司|银行|集团|合作社|信用社|委员会|检察院|法院|事务所|有限|研究院|研究所|大学|学院|学校|"
    r"医院|政府|办事处|协会|商会|基金会|商行|经营部|营业部|门市部|合伙企业|工作室|联合社|管理局|"
    r"分局|支行|分行|分公司|中心|企业|酒店|宾馆|超市|商店|饭店"
)
_ORG_SUFFIX = re.compile(r"(?:厂|局|所|店|部|社|行|院|站|场|馆|会|处|队|村|组|室|园)$")
_GENDER_RE = re.compile(r"^(男|女)(?:性)?$")
_BIRTH_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:出生|生)")
_ETHNIC_RE = re.compile(rf"^([{CJK}]{{1,6}}族)$")
_ADDRESS_RE = re.compile(
    r"^(?:户籍所在地|户籍地|户口所在地|住所地|住址|住所|现住地|现住|暂住地|暂住|居住地|居住在|"
    r"经常居住地|家住|租住|住)(?:为|在|于|：|:)?"
)
_ID_RE = re.compile(
    r"(?:公民身份号码|身份证号码|身份证号|居民身份证号码|统一社会信用代码|组织机构代码|社会信用代码)"
    r"(?:为|是|：|:)?\s*([0-9A-Za-z]{15,18})"
)
_MAX_GAP = 25  # non-role segments tolerated after the last party line


@dataclass(slots=True)
class Header:
    parties: list[Party] = field(default_factory=list)
    legal_representatives: list[LegalRepresentative] = field(default_factory=list)
    agents: list[Agent] = field(default_factory=list)
    spans: dict[str, list[int]] = field(default_factory=dict)
    end: int = 0  # where the narrative begins
    party_starts: list[int] = field(default_factory=list)


def _kind(name: str, role: str, has_person_attr: bool) -> str | None:
    if role in ("公诉机关", "原公诉机关", "抗诉机关"):
        return "organization"
    if _ORG_STRONG.search(name):
        return "organization"
    if has_person_attr:
        return "person"
    if len(name) >= 5 and _ORG_SUFFIX.search(name):
        return "organization"
    if len(name) <= 4:
        return "person"
    return None


def _take_name(seg: str, pos: int) -> tuple[int, int]:
    """[a, b) of the name that starts at ``pos`` in ``seg``."""
    m = _NAME_END_RE.search(seg, pos)
    b = m.start() if m else len(seg)
    a = pos
    pm = _NAME_PREFIX_RE.match(seg, a, b)
    if pm:
        a = pm.end()
    name = seg[a:b]
    for op, cl in (("（", "）"), ("(", ")")):
        if op in name and cl not in name[name.index(op) :]:  # 陈东亮（系原告父某1
            name = name[: name.index(op)]
    while True:
        tm = _TRAILING_PAREN_RE.search(name)
        if not tm or tm.start() == 0:
            break
        name = name[: tm.start()]
    return a, a + len(name)


def _fields(rest: str) -> list[str]:
    return [f.strip(" \u3000") for f in re.split(r"[，,；;]", rest) if f.strip(" \u3000")]


def _valid_name(name: str) -> bool:
    if not name or len(name) > 60:
        return False
    return not re.search(r"[“”\"《》]", name)


def parse_header(text: str, start: int, end: int) -> Header:
    """Parse party, representative and agent lines from ``text[start:end]``."""
    h = Header(end=start)
    gap = 0
    for sm in _SEG_RE.finditer(text, start, end):
        raw = sm.group(0)
        lead = len(raw) - len(raw.lstrip(_LEAD))
        seg = raw[lead:].rstrip(_LEAD)
        base = sm.start() + lead
        pm0 = _LEAD_PAREN_RE.match(seg)
        if pm0:
            seg, base = seg[pm0.end() :], base + pm0.end()
        if not seg:
            continue
        if _SKIP_RE.match(seg):
            h.end = sm.end()
            continue
        am = AGENT_LINE_RE.match(seg)
        pm = None if am else PARTY_LINE_RE.match(seg)
        rm = None if (am or pm) else REP_LINE_RE.match(seg)
        if am or rm:  # an agent line run together with the narrative (no 。 between)
            nm = NARRATIVE_RE.search(seg)
            if nm:
                w = max(seg.rfind(" ", 0, nm.start()), seg.rfind("\u3000", 0, nm.start()))
                if w > 0:
                    seg = seg[:w].rstrip(_LEAD)
                    if am and h.parties:
                        _add_agent(h, text, seg, base, am)
                    elif rm and h.parties:
                        _add_rep(h, seg, base, rm)
                    h.end = base + w
                    return h
        if not (am or rm) and (
            NARRATIVE_RE.search(seg[:80]) if pm is None else _narrative_after_role(seg, pm.end())
        ):
            h.end = base
            return h
        if am and h.parties:
            _add_agent(h, text, seg, base, am)
            gap = 0
        elif pm:
            # 原告吴某被告吴某被告付某: several parties run together without separators
            while True:
                nm = _NAME_END_RE.search(seg, pm.end())
                stop = nm.start() if nm else len(seg)
                jm = _INNER_ROLE_RE.search(seg, pm.end() + 1, stop)
                if jm is None:
                    break
                if not _add_party(h, seg[: jm.start()], base, pm):
                    break
                seg, base = seg[jm.start() :], base + jm.start()
                pm2 = PARTY_LINE_RE.match(seg)
                if pm2 is None:
                    break
                pm = pm2
            added = _add_party(h, seg, base, pm)
            if added is None:  # a sentence about a party already listed: continuation
                gap += 1
            elif not added:
                h.end = base
                return h
            else:
                gap = 0
        elif rm and h.parties:
            _add_rep(h, seg, base, rm)
            gap = 0
        else:
            gap += 1
            if (not h.parties and gap > 6) or gap > _MAX_GAP:
                h.end = base
                return h
        h.end = sm.end()
    return h


_MASK_TAIL_RE = re.compile(r"[某×XＸxｘ*＊\d０-９]+")
_PARTY_ATTR_RE = re.compile(
    r"^[，,][ \u3000]*(?:男|女|住|\d{4}年|公民身份号码|身份证|统一社会信用代码|组织机构代码|"
    r"法定代表人|负责人)"
)


def _own_name(name: str, listed: str, rest: str) -> bool:
    """``name`` extends a listed party's name but is another party: 王某某 after 王某 (masked
    names that collide), or a line that goes on with the party's particulars (张兰菊，女，…)."""
    return bool(_MASK_TAIL_RE.fullmatch(name[len(listed) :]) or _PARTY_ATTR_RE.match(rest))


def _narrative_after_role(seg: str, pos: int) -> bool:
    """A sentence that starts with a role but tells the story: 原告X与被告Y…纠纷一案 (the names
    before 一案 may run past any fixed window: bank branches, several defendants)."""
    if NARRATIVE_RE.search(seg, pos, pos + 40):
        return True
    m = _NAME_END_RE.search(seg, pos)
    return "一案" in seg[pos : m.start() if m else len(seg)]


def _add_party(h: Header, seg: str, base: int, m: re.Match[str]) -> bool | None:
    """Add a party; False when the line is not a party line, None for a continuation."""
    role = m.group("role")
    a, b = _take_name(seg, m.end())
    name = seg[a:b]
    if not _valid_name(name):
        return False
    rest = seg[b:]
    fields = _fields(rest)
    if any(
        name.startswith(p.name) and len(name) > len(p.name) and not _own_name(name, p.name, rest)
        for p in h.parties
    ):
        return None
    too_long = len(name) > (20 if "·" in name else 8)  # 努尔买买提·库尔班
    if ("、" in name or too_long) and not _ORG_STRONG.search(name):
        return None
    orig = m.group("orig")
    original_role = None
    if role.startswith(("原审", "一审")) and role not in ("原审", "一审"):
        original_role = None
    if orig:
        first = re.split(r"[、，,]", orig)[0]
        if first.startswith(("原审", "一审", "原")):
            original_role = first
    gender = next((g.group(1) for f in fields if (g := _GENDER_RE.match(f))), None)
    bm = _BIRTH_RE.search(rest)
    birth = parse_date(bm.group(0)) if bm else None
    ethnicity = next((e.group(1) for f in fields if (e := _ETHNIC_RE.match(f))), None)
    address = None
    for f in fields:
        ad = _ADDRESS_RE.match(f)
        if ad and len(f) > ad.end():
            address = f[ad.end() :]
            break
    im = _ID_RE.search(rest)
    base_role = role[2:] if role.startswith(("原审", "一审")) and role[2:] in SIDES else role
    side = SIDES.get(base_role)
    if side is None and original_role:
        o = original_role.removeprefix("原审").removeprefix("一审")
        side = next((SIDES[k] for k in _SIDE_KEYS if o.startswith(k)), None)
    if role.startswith(("原审", "一审")) and original_role is None:
        original_role = role
    party = Party(
        role=role,
        name=name,
        side=side,
        kind=_kind(name, base_role, bool(gender or birth)),
        gender=gender,
        birth_date=birth,
        ethnicity=ethnicity,
        address=address,
        id_number=im.group(1) if im else None,
        original_role=original_role,
    )
    i = len(h.parties)
    h.parties.append(party)
    h.party_starts.append(base)
    h.spans[f"parties.{i}.name"] = [base + a, base + b]
    if bm and birth:
        h.spans[f"parties.{i}.birth_date"] = [base + b + bm.start(), base + b + bm.start() + len(
            bm.group(0).removesuffix("出生").removesuffix("生"))]
    return True


def _targets(h: Header, m: re.Match[str]) -> list[Party]:
    pre = m.group("pre") or ""
    prole = m.group("prole")
    joint = re.match(r"^(?:以上|上述|上列|前列|[二两三四五六七八九十])", pre)
    if prole and ("共同" in pre or joint):
        same = [p for p in h.parties if p.role == prole or SIDES.get(prole) == p.side]
        if same:
            return same
    if re.match(r"^(?:以上|上述|上列|前列)", pre) and h.parties:
        side = h.parties[-1].side
        return [p for p in h.parties if p.side == side]
    if prole:
        same = [p for p in h.parties if p.role == prole]
        if same:
            return [same[-1]]
    return [h.parties[-1]]


def _add_agent(h: Header, text: str, seg: str, base: int, m: re.Match[str]) -> None:
    role = "defender" if "辩护人" in m.group("role") else "agent"
    pos = m.end()
    em = _NAME_END_RE.search(seg, pos)
    names_end = em.start() if em else len(seg)
    rest = seg[names_end:]
    firm, firm_at, kind, relation = agent_details(rest)
    targets = _targets(h, m)
    for a, b in split_names(seg[pos:names_end]):
        na, nb = _take_name(seg[: pos + b], pos + a)
        name = seg[na:nb]
        if not _valid_name(name):
            continue
        for p in targets:
            i = len(h.agents)
            h.agents.append(
                Agent(for_=p.name, name=name, law_firm=firm, kind=kind, role=role,
                      relation=relation)
            )
            h.spans[f"agents.{i}.name"] = [base + na, base + nb]
            if firm is not None:
                fs = base + names_end + firm_at
                h.spans[f"agents.{i}.law_firm"] = [fs, fs + len(firm)]


def _add_rep(h: Header, seg: str, base: int, m: re.Match[str]) -> None:
    a, b = _take_name(seg, m.end())
    name = seg[a:b]
    if not _valid_name(name):
        return
    title = m.group("role")
    fields = _fields(seg[b:])
    if fields:
        job = fields[0].removeprefix("系")
        if 1 <= len(job) <= 12 and not re.search(r"\d|男|女|住|出生|族$|身份", job):
            title = f"{title}（{job}）"
    i = len(h.legal_representatives)
    h.legal_representatives.append(
        LegalRepresentative(for_=h.parties[-1].name, name=name, title=title)
    )
    h.spans[f"legal_representatives.{i}.name"] = [base + a, base + b]
