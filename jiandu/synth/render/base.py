"""Shared pieces of every document: heading, party block with masking, signature block,
law citations by date, layout into text, and the expected fields the parser should return."""

from __future__ import annotations

import datetime as dt
import random
import zlib
from dataclasses import dataclass, field
from typing import Any

from ..cases import CaseSpec, Entity, Party
from ..companies import Organization
from ..courts import Staff
from ..people import Person
from .numerals import amount_text, date_ar, date_cn
from .phrasings import POOLS, RATE, RATE_FORMS, RATE_STORY_ONLY, Phrasing
from .style import FULL, MOU, MOUMOU, Style

INTERMEDIATE_NAME = "浙江省绍兴市中级人民法院"


@dataclass(slots=True)
class Rendered:
    """A written document: its paragraphs, title, and what a parser should read from it."""

    lines: list[str]  # paragraphs in order (title line first when present)
    title: str  # the document's title (张三与李四民间借贷纠纷一审民事判决书)
    style: Style
    expected: dict[str, Any]
    text: str = ""


def _spaced(word: str) -> str:
    return " ".join(word)


def laws(on: dt.date) -> dict[str, str]:
    """Article numbers that changed with the 2021 Civil Code and the 2021/2023 amendments of
    the Civil Procedure Law."""
    cpl = "《中华人民共和国民事诉讼法》"
    if on < dt.date(2022, 1, 1):
        default, delay, withdraw, confirm = (
            "第一百四十四条",
            "第二百五十三条",
            "第一百四十五条",
            "第九十七条",
        )
    elif on < dt.date(2024, 1, 1):
        default, delay, withdraw, confirm = (
            "第一百四十七条",
            "第二百六十条",
            "第一百四十八条",
            "第一百条",
        )
    else:
        default, delay, withdraw, confirm = (
            "第一百四十七条",
            "第二百六十四条",
            "第一百四十八条",
            "第一百条",
        )
    civil_code = on >= dt.date(2021, 1, 1)
    interp = "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》"
    return {
        "default": cpl + default,
        "delay": cpl + delay,
        "withdraw": cpl + withdraw,
        "confirm": cpl + confirm,
        "termination": interp + ("第五百一十七条" if on >= dt.date(2022, 4, 10) else "第五百一十九条"),
        "loan": (
            "《中华人民共和国民法典》第六百六十七条、第六百七十四条、第六百七十五条、第六百七十六条"
            if civil_code
            else "《中华人民共和国合同法》第一百九十六条、第二百零六条、第二百零七条"
        ),
        "guarantee": (
            "《中华人民共和国民法典》第六百八十一条、第六百八十八条"
            if civil_code
            else "《中华人民共和国担保法》第十八条、第二十一条"
        ),
        "sale": (
            "《中华人民共和国民法典》第五百七十七条、第六百二十六条"
            if civil_code
            else "《中华人民共和国合同法》第一百零七条、第一百五十九条"
        ),
        "assign": (
            "《中华人民共和国民法典》第五百四十五条、第五百四十六条"
            if civil_code
            else "《中华人民共和国合同法》第七十九条、第八十条"
        ),
        "divorce": (
            "《中华人民共和国民法典》第一千零七十九条" if civil_code else "《中华人民共和国婚姻法》第三十二条"
        ),
        "labour": "《中华人民共和国劳动合同法》第三十条",
        "insurance": "《中华人民共和国保险法》第二条、第十四条、第二十三条",
        "lending_rules": (
            "《最高人民法院关于审理民间借贷案件适用法律若干问题的规定》"
            + ("第二十五条" if on >= dt.date(2020, 8, 20) else "第二十六条")
        ),
    }


class DocBuilder:
    """Builds one document. Names of natural persons go through ``name()`` so masking is
    applied the same way everywhere in the text."""

    def __init__(self, spec: CaseSpec, style: Style, rng: random.Random, staff: Staff) -> None:
        self.spec = spec
        self.style = style
        self.rng = rng
        self.staff = staff
        self.lines: list[str] = []
        self._names: dict[str, str] = {}
        # (variant id, signs stated, near misses, fragment as written); kept when in the text
        self.planted: list[tuple[str, tuple[str, ...], tuple[str, ...], str]] = []
        self._assign_names()
        self.expected: dict[str, Any] = {
            "parties": [],
            "agents": [],
            "legal_representatives": [],
            "judges": [],
            "clerks": [],
            "claimed_principal": None,
            "cash_delivery": False,
            "defendant_absent": False,
            "public_notice_service": False,
            "mediation": False,
            "withdrawal": False,
            "terminated_execution": False,
        }

    # --- names --------------------------------------------------------------------------
    def _people_in_text(self) -> list[Person]:
        s = self.spec
        out: list[Person] = []
        for p in [*s.plaintiffs, *s.defendants, *s.third_parties]:
            if isinstance(p.entity, Person):
                out.append(p.entity)
            for rep in p.agents:
                if rep.relative is not None:
                    out.append(rep.relative)
        if s.loan is not None and s.loan.guarantor is not None:
            g = s.loan.guarantor.entity
            if isinstance(g, Person):
                out.append(g)
        for v in s.extra.values():
            if isinstance(v, Person):
                out.append(v)
        return out

    def _assign_names(self) -> None:
        mask = self.style.mask
        people = self._people_in_text()
        if mask == FULL:
            for p in people:
                self._names.setdefault(p.key, p.name)
            return
        base: dict[str, str] = {}
        for p in people:
            if p.key in base:
                continue
            if mask == MOU:
                base[p.key] = p.name[0] + "某"
            elif mask == MOUMOU:
                base[p.key] = p.name[0] + ("某某" if len(p.name) >= 3 else "某")
            else:
                base[p.key] = p.name[0] + "××"
        counts: dict[str, int] = {}
        for v in base.values():
            counts[v] = counts.get(v, 0) + 1
        seen: dict[str, int] = {}
        for key, v in base.items():
            if counts[v] > 1:
                seen[v] = seen.get(v, 0) + 1
                self._names[key] = f"{v}{seen[v]}"
            else:
                self._names[key] = v

    def mentions(self) -> list[dict[str, str]]:
        """People and organisations named in the text who are not parties (an assignor, a car
        owner, a repair shop), with the name as written."""
        out = []
        for role, v in sorted(self.spec.extra.items()):
            if isinstance(v, Person | Organization):
                out.append({"role": role, "name": self.name(v), "key": v.key})
        return out

    def name(self, e: Entity) -> str:
        if isinstance(e, Organization):
            return e.name
        return self._names.get(e.key) or e.name

    def names(self, parties: list[Party]) -> str:
        return "、".join(self.name(p.entity) for p in parties)

    def amount(self, yuan: int) -> str:
        return amount_text(yuan, self.style.amount)

    # --- risk-sign phrasings ---------------------------------------------------------------
    def phrase(self, slot: str, **values: str) -> str:
        """One variant of ``slot``, drawn from the render stream, filled in and recorded with
        the signs it states and the near misses it is."""
        return self._emit(self.rng.choice(POOLS[slot]), values)

    def phrase_at(self, slot: str, index: int, values: dict[str, str]) -> str:
        """Variant ``index`` of ``slot`` (when the story fixes which one is meant)."""
        return self._emit(POOLS[slot][index], values)

    def _emit(self, ph: Phrasing, values: dict[str, str]) -> str:
        text = ph.template.format(**values)
        self.planted.append((ph.id, ph.codes, ph.near, text))
        return text

    def record(
        self, variant: str, text: str, codes: tuple[str, ...] = (), near: tuple[str, ...] = ()
    ) -> None:
        """Record a sign (or near miss) stated by ``text`` outside the pools."""
        self.planted.append((variant, codes, near, text))

    def rate_phrase(
        self, monthly: float, on: dt.date, principal: int | None = None, fixed_for: str | None = None
    ) -> str:
        """An agreed monthly rate in one of the real forms; recorded as ``interest_above_cap``
        when above the cap in force on ``on`` (the filing date), as its near miss when exactly
        at the cap. ``principal`` allows the interest-a-month form (story only); ``fixed_for``
        (a lender's key) keeps one form across that lender's standard-form IOUs."""
        from jiandu.legal import interest_cap

        pct = round(monthly * 100, 6)
        forms = [
            (vid, t)
            for vid, t in RATE_FORMS
            if (principal is not None or vid not in RATE_STORY_ONLY) and ("{fen}" not in t or pct == int(pct))
        ]
        if fixed_for is not None:
            vid, template = forms[zlib.crc32(fixed_for.encode("utf-8")) % len(forms)]
        else:
            vid, template = self.rng.choice(forms)
        text = template.format(
            m=f"{pct:g}",
            a=f"{round(monthly * 1200, 6):g}",
            fen=f"{int(pct)}",
            pm=f"{round(monthly * 1000, 6):g}",
            per_month=self.amount(round((principal or 0) * monthly)),
        )
        annual = round(monthly * 12, 6)
        cap = interest_cap(on).annual_rate
        if annual > cap + 1e-9:
            self.record(vid, text, codes=(RATE,))
        elif abs(annual - cap) < 1e-9:
            self.record(vid, text, near=(RATE,))
        return text

    def signs_in(self, text: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
        """What the finished ``text`` states and what near misses it holds: one entry per
        (code, variant, fragment) whose fragment made it into the text (a mediation drops the
        findings, a withdrawal ruling the whole story)."""
        signs: dict[tuple[str, str, str], dict[str, str]] = {}
        near: dict[tuple[str, str, str], dict[str, str]] = {}
        for vid, codes, nears, frag in self.planted:
            if frag not in text:
                continue
            for code in codes:
                signs.setdefault((code, vid, frag), {"code": code, "variant": vid, "text": frag})
            for code in nears:
                near.setdefault((code, vid, frag), {"code": code, "variant": vid, "text": frag})
        return [signs[k] for k in sorted(signs)], [near[k] for k in sorted(near)]

    # --- heading and parties ------------------------------------------------------------
    def court_name(self) -> str:
        name = self.spec.court.name
        if not self.style.province_prefix:
            name = name.removeprefix("浙江省")
        return name

    def appeal_court(self) -> str:
        return INTERMEDIATE_NAME if self.style.province_prefix else "绍兴市中级人民法院"

    def case_number(self) -> str:
        cn = self.spec.case_number
        if self.style.half_brackets:
            cn = cn.replace("（", "(").replace("）", ")")
        return cn

    def heading(self, doc_title: str, full_title: str) -> None:
        if self.style.title_line:
            self.lines.append(full_title)
        self.lines.append(self.court_name())
        self.lines.append(_spaced(doc_title) if self.style.spaced_title else doc_title)
        self.lines.append(self.case_number())
        self.expected["title"] = full_title if self.style.title_line else None
        self.expected["court"] = self.court_name()
        self.expected["case_number"] = self.spec.case_number

    def _role(self, role: str) -> str:
        return role + ("：" if self.style.colon_after_role else "")

    def _person_line(self, role: str, p: Person) -> str:
        name = self.name(p)
        r = self.rng
        masked = self.style.mask != FULL
        born = date_ar(p.birth) + ("出生" if r.random() < 0.85 else "生")
        parts = [f"{self._role(role)}{name}", p.sex]
        if r.random() < 0.8:
            parts += [born, p.ethnicity]
        else:
            parts += [p.ethnicity, born]
        if masked or r.random() < 0.3:
            parts.append("住" + p.short_address)
        else:
            parts.append("住" + p.address)
        if self.style.print_id:
            parts.append(("公民身份号码" if r.random() < 0.6 else "身份证号码") + p.key)
        return "，".join(parts) + "。"

    def _org_lines(self, role: str, o: Organization) -> list[str]:
        head = f"{self._role(role)}{o.name}"
        if self.style.print_id or self.rng.random() < 0.25:
            head += f"，统一社会信用代码{o.key}"
        head += f"，住所地{o.address}。"
        rep = f"{o.rep_title}{'：' if self.style.colon_after_role else ''}{o.rep_name}，{o.rep_job}。"
        self.expected["legal_representatives"].append(
            {"for": o.name, "name": o.rep_name, "title": o.rep_title}
        )
        return [head, rep]

    def party_block(self) -> None:
        s = self.spec
        label = "委托代理人" if self.style.old_agent_label else "委托诉讼代理人"
        for party in [*s.plaintiffs, *s.defendants, *s.third_parties]:
            e = party.entity
            if isinstance(e, Person):
                self.lines.append(self._person_line(party.role, e))
                self.expected["parties"].append(
                    {
                        "role": party.role,
                        "side": party.side,
                        "name": self.name(e),
                        "kind": "person",
                        "key": e.key,
                        "gender": e.sex,
                        "birth_date": e.birth.isoformat(),
                    }
                )
            else:
                self.lines.extend(self._org_lines(party.role, e))
                self.expected["parties"].append(
                    {
                        "role": party.role,
                        "side": party.side,
                        "name": e.name,
                        "kind": "organization",
                        "key": e.key,
                        "gender": None,
                        "birth_date": None,
                    }
                )
            for rep in party.agents:
                colon = "：" if self.style.colon_after_role else ""
                if rep.agent is not None:
                    a = rep.agent
                    title = {
                        "lawyer": "律师",
                        "trainee_lawyer": "实习律师",
                        "legal_worker": "法律工作者",
                    }[a.kind]
                    self.lines.append(f"{label}{colon}{a.name}，{a.firm}{title}。")
                    self.expected["agents"].append(
                        {"for": self.name(e), "name": a.name, "law_firm": a.firm, "kind": a.kind}
                    )
                elif rep.relative is not None:
                    rel = rep.relative
                    self.lines.append(
                        f"{label}{colon}{self.name(rel)}，{rel.sex}，{date_ar(rel.birth)}出生，"
                        f"{rel.ethnicity}，住{rel.short_address}，系{party.role}{self.name(e)}之"
                        f"{rep.relation}。"
                    )
                    self.expected["agents"].append(
                        {
                            "for": self.name(e),
                            "name": self.name(rel),
                            "law_firm": None,
                            "kind": "citizen",
                        }
                    )

    # --- signature ----------------------------------------------------------------------
    def _sign(self, role: str, name: str) -> str:
        sp = self.style.sign_spacing
        if sp == "spread" and len(role) == 3:
            role = "　".join(role)
        gap = "　　" if sp != "narrow" else "　"
        return f"{role}{gap}{name}"

    def signature(self, decided: dt.date, collegial: bool, executor: bool = False) -> None:
        r = self.rng
        st = self.staff
        judges = r.sample(st.judges, 3)
        if collegial:
            roles = [("审判长", judges[0]), ("审判员", judges[1])]
            roles.append(("人民陪审员", r.choice(st.jurors)) if r.random() < 0.6 else ("审判员", judges[2]))
        else:
            role = "审判员"
            if decided.year <= 2016 and r.random() < 0.15:
                role = "代理审判员"
            roles = [(role, judges[0])]
        for role, name in roles:
            self.lines.append(self._sign(role, name))
            self.expected["judges"].append({"role": role, "name": name})
        self.lines.append(date_cn(decided, self.style.zero))
        if self.style.verified_line:
            self.lines.append("本件与原本核对无异")
        clerk = r.choice(st.clerks)
        clerk_role = "代理书记员" if r.random() < 0.1 else "书记员"
        self.lines.append(self._sign(clerk_role, clerk))
        self.expected["clerks"].append(clerk)
        self.expected["judgment_date"] = decided.isoformat()


def layout(lines: list[str], style: Style, trailer: dict[str, str] | None = None) -> str:
    """Join paragraphs as the style says: one per line, indented, blank-separated, or one
    flattened line (as some site exports are)."""
    if style.layout == "flat":
        parts = []
        for ln in lines:
            ln = ln.replace("　", "")
            parts.append(ln if ln.endswith(("。", "：", "；")) else ln + "。")
        text = "".join(parts)
        if trailer:
            text += "".join(f"{k}:{v}。" for k, v in trailer.items())
        return text
    if style.layout == "indented":
        return "\n".join("　　" + ln if len(ln) > 30 else ln for ln in lines) + "\n"
    if style.layout == "blank":
        return "\n\n".join(lines) + "\n"
    return "\n".join(lines) + "\n"


@dataclass(slots=True)
class Pieces:
    """Claim, facts and holding text for one cause."""

    claims: str
    defence: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    reasoning: str = ""
    items: list[str] = field(default_factory=list)
    laws: str = ""
    fee_payer: str = ""
