"""Jurisdictions: the tree of procuratorates, courts mapped to it, and where a clue belongs.

Codes are the six-digit administrative division codes: 330000 (浙江省人民检察院, province),
330600 (绍兴市人民检察院, city), 330602 (越城区人民检察院, county). A clue's jurisdiction is
found, in order:

1. from the court codes in its evidence's case numbers — （2023）浙0602民初1234号 names court
   浙0602 — through the ``courts`` table, or else directly (浙 → 33, 0602 → 330602), walking up
   the tree to the nearest jurisdiction that exists (the most frequent one wins);
2. from its ``region`` (a jurisdiction code, or a name in ``region_aliases``, e.g. zhejiang);
3. otherwise none: such clues are seen only by principals at a root of the tree.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiandu.workflow.audit import chain, flush_chain
from jiandu.workflow.authz import Permission, Principal, require
from jiandu.workflow.errors import InvalidInput, NotFound
from jiandu.workflow.tables import Court, Jurisdiction, RegionAlias

LEVELS = ("province", "city", "county")
LEVEL_NAMES_ZH = {"province": "省级", "city": "市级", "county": "县级"}

PROVINCE_ABBREVIATIONS = {
    "京": "11",
    "津": "12",
    "冀": "13",
    "晋": "14",
    "蒙": "15",
    "辽": "21",
    "吉": "22",
    "黑": "23",
    "沪": "31",
    "苏": "32",
    "浙": "33",
    "皖": "34",
    "闽": "35",
    "赣": "36",
    "鲁": "37",
    "豫": "41",
    "鄂": "42",
    "湘": "43",
    "粤": "44",
    "桂": "45",
    "琼": "46",
    "渝": "50",
    "川": "51",
    "贵": "52",
    "黔": "52",
    "云": "53",
    "滇": "53",
    "藏": "54",
    "陕": "61",
    "甘": "62",
    "陇": "62",
    "青": "63",
    "宁": "64",
    "新": "65",
}
_COURT_CODE = re.compile(
    r"[（(]\d{4}[）)]([京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵黔云滇藏陕甘陇青宁新])(\d{2}(?:\d{2})?)?"
)

# Shaoxing (the synthetic county's city) and its province: enough to start an office.
DEFAULT_JURISDICTIONS = (
    ("330000", "浙江省人民检察院", "province", None),
    ("330600", "浙江省绍兴市人民检察院", "city", "330000"),
    ("330602", "绍兴市越城区人民检察院", "county", "330600"),
    ("330603", "绍兴市柯桥区人民检察院", "county", "330600"),
    ("330604", "绍兴市上虞区人民检察院", "county", "330600"),
    ("330624", "新昌县人民检察院", "county", "330600"),
    ("330681", "诸暨市人民检察院", "county", "330600"),
    ("330683", "嵊州市人民检察院", "county", "330600"),
)
DEFAULT_COURTS = (
    ("浙", "浙江省高级人民法院", "330000"),
    ("浙06", "浙江省绍兴市中级人民法院", "330600"),
    ("浙0602", "浙江省绍兴市越城区人民法院", "330602"),
    ("浙0603", "浙江省绍兴市柯桥区人民法院", "330603"),
    ("浙0604", "浙江省绍兴市上虞区人民法院", "330604"),
    ("浙0624", "浙江省新昌县人民法院", "330624"),
    ("浙0681", "浙江省诸暨市人民法院", "330681"),
    ("浙0683", "浙江省嵊州市人民法院", "330683"),
)
DEFAULT_ALIASES = (("zhejiang", "330000"), ("shaoxing", "330600"))


@dataclass(frozen=True, slots=True)
class JurisdictionView:
    code: str
    name: str
    level: str
    parent_code: str | None
    depth: int


def court_code(case_number: str | None) -> str | None:
    """The court code of a new-style case number: （2023）浙0602民初1234号 → 浙0602."""
    if not case_number:
        return None
    m = _COURT_CODE.match(case_number.strip())
    if not m:
        return None
    return m.group(1) + (m.group(2) or "")


def admin_code(court: str) -> str | None:
    """浙0602 → 330602, 浙06 → 330600, 浙 → 330000."""
    prefix = PROVINCE_ABBREVIATIONS.get(court[:1])
    if prefix is None:
        return None
    digits = court[1:]
    if (digits and not digits.isdigit()) or len(digits) not in (0, 2, 4):
        return None
    return (prefix + digits).ljust(6, "0")


class Resolver:
    """Maps clues to jurisdictions with the tables loaded once (for syncing many clues)."""

    def __init__(self, session: Session) -> None:
        self.parent: dict[str, str | None] = {
            r[0]: r[1] for r in session.execute(select(Jurisdiction.code, Jurisdiction.parent_code))
        }
        self.courts: dict[str, str] = {
            r[0]: r[1] for r in session.execute(select(Court.code, Court.jurisdiction_code))
        }
        self.aliases: dict[str, str] = {
            r[0]: r[1] for r in session.execute(select(RegionAlias.alias, RegionAlias.jurisdiction_code))
        }

    def _existing(self, code: str | None) -> str | None:
        """The code itself if it exists, else its city (xxxx00), else its province (xx0000)."""
        if code is None:
            return None
        for candidate in (code, code[:4] + "00", code[:2] + "0000"):
            if candidate in self.parent:
                return candidate
        return None

    def for_court(self, court: str) -> str | None:
        return self.courts.get(court) or self._existing(admin_code(court))

    def resolve(self, clue: dict[str, Any]) -> tuple[str | None, str | None]:
        """(jurisdiction code, main court code) of a clue in the contract form."""
        courts = Counter(
            c for c in (court_code(e.get("case_number")) for e in clue.get("evidence") or []) if c
        )
        main_court = min(courts, key=lambda c: (-courts[c], c)) if courts else None
        found = Counter(j for c, n in courts.items() for j in [self.for_court(c)] * n if j)
        if found:
            return min(found, key=lambda j: (-found[j], j)), main_court
        region = clue.get("region")
        if region:
            if region in self.parent:
                return region, main_court
            if region in self.aliases:
                return self.aliases[region], main_court
        return None, main_court


def subtree(session: Session, code: str) -> frozenset[str]:
    """A jurisdiction and everything below it."""
    children: dict[str | None, list[str]] = {}
    for c, p in session.execute(select(Jurisdiction.code, Jurisdiction.parent_code)):
        children.setdefault(p, []).append(c)
    out = {code}
    stack = [code]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in out:
                out.add(child)
                stack.append(child)
    return frozenset(out)


def tree(session: Session) -> list[JurisdictionView]:
    """Every jurisdiction, depth first (children sorted by code)."""
    rows = session.execute(select(Jurisdiction)).scalars().all()
    children: dict[str | None, list[Jurisdiction]] = {}
    for j in rows:
        children.setdefault(j.parent_code, []).append(j)
    out: list[JurisdictionView] = []

    def walk(parent: str | None, depth: int) -> None:
        for j in sorted(children.get(parent, []), key=lambda j: j.code):
            out.append(JurisdictionView(j.code, j.name, j.level, j.parent_code, depth))
            walk(j.code, depth + 1)

    walk(None, 0)
    return out


def list_jurisdictions(session: Session, principal: Principal) -> list[JurisdictionView]:
    """The jurisdictions a principal can see (its subtree), depth first."""
    return [j for j in tree(session) if j.code in principal.scope]


def names(session: Session) -> dict[str, str]:
    return {r[0]: r[1] for r in session.execute(select(Jurisdiction.code, Jurisdiction.name))}


def court_names(session: Session) -> dict[str, str]:
    return {r[0]: r[1] for r in session.execute(select(Court.code, Court.name))}


def add_jurisdiction(
    session: Session,
    principal: Principal,
    code: str,
    name: str,
    *,
    parent_code: str | None = None,
    level: str | None = None,
) -> JurisdictionView:
    """Add a jurisdiction under a parent the principal administers (root ones: only at a root)."""
    require(principal, Permission.JURISDICTION_ADMIN)
    code = code.strip()
    if not re.fullmatch(r"\d{6}", code):
        raise InvalidInput(f"a jurisdiction code is six digits (330602), not {code!r}")
    if session.get(Jurisdiction, code) is not None:
        raise InvalidInput(f"jurisdiction {code} already exists")
    parent = None
    if parent_code is not None:
        parent = session.get(Jurisdiction, parent_code)
        if parent is None or not principal.can_see(parent_code):
            raise NotFound(f"no jurisdiction {parent_code}")
    elif not principal.sees_unassigned and principal.scope:
        raise InvalidInput("only an administrator at the top of the tree may add a top-level jurisdiction")
    if level is None:
        level = "province" if parent is None else LEVELS[min(LEVELS.index(parent.level) + 1, 2)]
    if level not in LEVELS:
        raise InvalidInput(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
    if parent is not None and LEVELS.index(level) <= LEVELS.index(parent.level):
        raise InvalidInput(f"a {level} cannot sit under a {parent.level}")
    j = Jurisdiction(code=code, name=name, level=level, parent_code=parent_code)
    session.add(j)
    session.flush()
    chain(session).append(
        actor=principal.username,
        kind="jurisdiction_added",
        entity_type="jurisdiction",
        entity_id=code,
        after={"code": code, "name": name, "level": level, "parent_code": parent_code},
    )
    flush_chain(session)
    return JurisdictionView(code, name, level, parent_code, 0)


def add_court(session: Session, principal: Principal, code: str, name: str, jurisdiction_code: str) -> None:
    """Map a court code (浙0602) to the jurisdiction whose office supervises it."""
    require(principal, Permission.JURISDICTION_ADMIN)
    if session.get(Jurisdiction, jurisdiction_code) is None or not principal.can_see(jurisdiction_code):
        raise NotFound(f"no jurisdiction {jurisdiction_code}")
    before = session.get(Court, code)
    previous = {"name": before.name, "jurisdiction_code": before.jurisdiction_code} if before else None
    session.merge(Court(code=code, name=name, jurisdiction_code=jurisdiction_code))
    chain(session).append(
        actor=principal.username,
        kind="court_mapped",
        entity_type="court",
        entity_id=code,
        before=previous,
        after={"name": name, "jurisdiction_code": jurisdiction_code},
    )
    flush_chain(session)


def add_region_alias(session: Session, principal: Principal, alias: str, jurisdiction_code: str) -> None:
    """Map a model-run region name (zhejiang) to a jurisdiction."""
    require(principal, Permission.JURISDICTION_ADMIN)
    if session.get(Jurisdiction, jurisdiction_code) is None or not principal.can_see(jurisdiction_code):
        raise NotFound(f"no jurisdiction {jurisdiction_code}")
    session.merge(RegionAlias(alias=alias, jurisdiction_code=jurisdiction_code))
    chain(session).append(
        actor=principal.username,
        kind="region_mapped",
        entity_type="region",
        entity_id=alias,
        after={"jurisdiction_code": jurisdiction_code},
    )
    flush_chain(session)


def install_defaults(session: Session, actor: str = "system") -> int:
    """Add the default tree (浙江 → 绍兴 → its six counties), courts and aliases; returns how many
    jurisdictions were new. Existing rows are left as they are."""
    added = 0
    writer = chain(session)
    for code, name, level, parent in DEFAULT_JURISDICTIONS:
        if session.get(Jurisdiction, code) is None:
            session.add(Jurisdiction(code=code, name=name, level=level, parent_code=parent))
            session.flush()
            writer.append(
                actor=actor,
                kind="jurisdiction_added",
                entity_type="jurisdiction",
                entity_id=code,
                after={"code": code, "name": name, "level": level, "parent_code": parent},
            )
            added += 1
    for code, name, jurisdiction_code in DEFAULT_COURTS:
        if session.get(Court, code) is None:
            session.add(Court(code=code, name=name, jurisdiction_code=jurisdiction_code))
    for alias, jurisdiction_code in DEFAULT_ALIASES:
        if session.get(RegionAlias, alias) is None:
            session.add(RegionAlias(alias=alias, jurisdiction_code=jurisdiction_code))
    flush_chain(session)
    return added


def roots(session: Session) -> list[str]:
    return list(
        session.execute(select(Jurisdiction.code).where(Jurisdiction.parent_code.is_(None))).scalars()
    )


def codes_in(items: Iterable[JurisdictionView]) -> list[str]:
    return [j.code for j in items]
