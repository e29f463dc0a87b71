"""Jurisdictions: the tree of procuratorates, courts mapped to it, and where a clue belongs.

Codes are the six-digit administrative division codes: 330000 (浙江省人民检察院, province),
330600 (绍兴市人民检察院, city), 330602 (越城区人民检察院, county). A clue's jurisdiction is
found (`Resolver.resolution`; what each step reads: `jiandu.workflow.clue_places`), in order:

1. **court**: from the courts of its evidence's trial cases (the most frequent jurisdiction
   wins), each case by:
   a. the court code of a new-style case number (since 2016) — （2023）浙0602民初1234号 names
      court 浙0602 — through the ``courts`` table, or else directly (浙 → 33, 0602 → 330602),
      walking up the tree to the nearest jurisdiction that exists;
   b. otherwise (old-style numbers, whose character after the year is the court's own
      abbreviation and not a province: 萧 in （2009）萧民二初字第33号 is 萧山, 赣 in
      （2015）赣民二初字第87号 is 赣县; and numbers that fit neither style) the court's name as the
      document writes it (evidence ``court``): a court of the ``courts`` table of that name, else
      the jurisdiction or region alias whose place name it ends with (杭州市萧山区人民法院 →
      萧山区 / 杭州市萧山区), else the one it starts with (浙江省… → 浙江省). Never the
      abbreviation;
2. **address**: from the parties' addresses (place names of the tree in the addresses the
   evidence writes; the household-registration division of resident ID numbers, its county or
   city), the most frequent wins; an answer at a root of the tree (only the province) waits
   until step 3 has found nothing;
3. **execution court**: from execution cases (执 case numbers, courts of execution registers),
   as in step 1;
4. **region**: its ``region`` (a jurisdiction code, or a name in ``region_aliases``, e.g.
   zhejiang) — a fallback;
5. otherwise none: such clues are seen only by principals at a root of the tree.

Changing the tree, a court or a region alias re-resolves the clues that have no jurisdiction or
only a coarser one (`jiandu.workflow.reresolve`), with an audit event per changed clue.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiandu.documents.case_number import PROVINCE_CODES, case_number_court
from jiandu.workflow import clue_places
from jiandu.workflow.audit import chain, flush_chain
from jiandu.workflow.authz import Permission, Principal, require
from jiandu.workflow.errors import InvalidInput, NotFound
from jiandu.workflow.tables import Court, Jurisdiction, RegionAlias

LEVELS = ("province", "city", "county")
LEVEL_NAMES_ZH = {"province": "省级", "city": "市级", "county": "县级"}
BASIS_NAMES_ZH = {
    "court": "审判法院",
    "address": "当事人住所",
    "execution_court": "执行法院",
    "region": "运行地区",
}

# Province abbreviation of a new-style court code → the first two digits of its division code.
PROVINCE_ABBREVIATIONS = PROVINCE_CODES

_COURT_SUFFIX = re.compile(r"(?:高级|中级)?人民法院$")
_PROCURATORATE_SUFFIX = re.compile(r"人民检察院$")
_UNIT_END = "省市区县州盟旗"  # an administrative unit's name ends with one of these
_UNIT = re.compile(rf"[^{_UNIT_END}]+[{_UNIT_END}]")

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
class Resolution:
    """Where a clue belongs: jurisdiction, main court code, and the step that found it (a key of
    `BASIS_NAMES_ZH`; None when nothing did)."""

    jurisdiction: str | None
    court: str | None
    basis: str | None


@dataclass(frozen=True, slots=True)
class JurisdictionView:
    code: str
    name: str
    level: str
    parent_code: str | None
    depth: int


def court_code(case_number: str | None) -> str | None:
    """The court code of a new-style case number: （2023）浙0602民初1234号 → 浙0602. None for an
    old-style number (（2015）赣民二初字第87号: 赣 is 赣县's abbreviation, not a court code) and for
    a number that fits neither style."""
    return case_number_court(case_number).court_code


def _clean(name: str) -> str:
    return re.sub(r"\s+", "", name).replace("(", "（").replace(")", "）")


def court_place(court_name: str | None) -> str | None:
    """The place a people's court is named after: 浙江省绍兴市中级人民法院 → 浙江省绍兴市,
    杭州市萧山区人民法院 → 杭州市萧山区. None for other names (海事法院, 铁路运输法院 ...)."""
    if not court_name:
        return None
    name = _clean(court_name)
    place = _COURT_SUFFIX.sub("", name)
    return place if place != name and len(place) >= 2 else None


def _place_of(name: str) -> str:
    """A jurisdiction's or alias's place: 绍兴市越城区人民检察院 → 绍兴市越城区."""
    return _PROCURATORATE_SUFFIX.sub("", _COURT_SUFFIX.sub("", _clean(name)))


def _is_unit(place: str) -> bool:
    return len(place) >= 2 and place[-1] in _UNIT_END


def _ends_with(longer: str, shorter: str) -> bool:
    """``longer`` is ``shorter`` or ends with it at a unit boundary (浙江省新昌县 / 新昌县)."""
    if longer == shorter:
        return True
    return _is_unit(shorter) and longer.endswith(shorter) and longer[-len(shorter) - 1] in _UNIT_END


def _match_place(place: str, candidates: list[tuple[str, str]]) -> str | None:
    """The code of the candidate whose place is the court's place (up to a prefix of larger units
    on either side); several different codes of the same best length: None (ambiguous)."""
    hits = [(len(p), code) for p, code in candidates if _ends_with(place, p) or _ends_with(p, place)]
    if not hits:
        return None
    best = max(n for n, _ in hits)
    codes = {code for n, code in hits if n == best}
    return codes.pop() if len(codes) == 1 else None


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
        court_rows = list(session.execute(select(Court.code, Court.name)))
        self.court_by_name: dict[str, str] = {_clean(name): code for code, name in court_rows if name}
        # place names: courts of the table (→ court code), then jurisdictions and aliases
        self.court_places: list[tuple[str, str]] = [
            (place, code) for code, name in court_rows if (place := court_place(name))
        ]
        self.places: list[tuple[str, str]] = [
            (_place_of(name), code)
            for code, name in session.execute(select(Jurisdiction.code, Jurisdiction.name))
        ] + [(_place_of(alias), code) for alias, code in self.aliases.items() if not alias.isascii()]
        # (court code of the case number, court name) → (jurisdiction, court code)
        self._by_court: dict[tuple[str | None, str | None], tuple[str | None, str | None]] = {}

    def _existing(self, code: str | None) -> str | None:
        """The code itself if it exists, else its city (xxxx00), else its province (xx0000)."""
        if code is None:
            return None
        for candidate in (code, code[:4] + "00", code[:2] + "0000"):
            if candidate in self.parent:
                return candidate
        return None

    def for_court(self, court: str) -> str | None:
        """The jurisdiction of a court code (浙0602)."""
        return self.courts.get(court) or self._existing(admin_code(court))

    def for_court_name(self, court_name: str | None) -> tuple[str | None, str | None]:
        """(jurisdiction, court code of the ``courts`` table) of a court named as in a document:
        a court of the table whose name it is, else a jurisdiction or alias whose place it names
        (杭州市萧山区人民法院 → 萧山区人民检察院), else the largest unit it starts with
        (浙江省杭州市萧山区人民法院 → 浙江省, when only the province is in the tree)."""
        exact = self.court_by_name.get(_clean(court_name or ""))
        if exact is not None:
            return self.courts[exact], exact
        place = court_place(court_name)
        if place is None:
            return None, None
        court = _match_place(place, self.court_places)
        if court is not None:
            return self.courts[court], court
        found = _match_place(place, self.places)
        if found is not None:
            return found, None
        prefixes = [(len(p), code) for p, code in self.places if _is_unit(p) and place.startswith(p)]
        if prefixes:
            best = max(n for n, _ in prefixes)
            codes = {code for n, code in prefixes if n == best}
            if len(codes) == 1:
                return codes.pop(), None
        return None, None

    def for_case(self, case_number: str | None, court_name: str | None) -> tuple[str | None, str | None]:
        """(jurisdiction, court code) of one case: by the court code of a new-style number, else
        by the court's name; an old-style number's abbreviation is never read as a place."""
        return self.for_court_code(court_code(case_number), court_name)

    def for_court_code(self, code: str | None, court_name: str | None) -> tuple[str | None, str | None]:
        """`for_case` of a case whose number's court code (`court_code`) is already known."""
        key = (code, court_name)  # all the answer depends on: a few per court, not one per case
        found = self._by_court.get(key)
        if found is None:
            found = self._by_court[key] = self._for_code(code, court_name)
        return found

    def _for_code(self, code: str | None, court_name: str | None) -> tuple[str | None, str | None]:
        if code is not None:
            jurisdiction = self.for_court(code)
            if jurisdiction is None and court_name:
                jurisdiction = self.for_court_name(court_name)[0]
            return jurisdiction, code
        return self.for_court_name(court_name) if court_name else (None, None)

    def depth(self, code: str) -> int:
        """Levels above a jurisdiction of the tree (0 at a root)."""
        n, seen = 0, {code}
        while (code := self.parent.get(code) or "") and code not in seen:
            seen.add(code)
            n += 1
        return n

    def is_below(self, code: str, ancestor: str) -> bool:
        """``code`` lies strictly below ``ancestor`` in the tree."""
        seen = {code}
        while (up := self.parent.get(code)) is not None and up not in seen:
            if up == ancestor:
                return True
            seen.add(up)
            code = up
        return False

    def for_address(self, address: str) -> str | None:
        """The deepest jurisdiction whose place an address names at a unit boundary
        (浙江省绍兴市越城区灵芝镇… → 越城区; 新昌县城关镇… → 新昌县); None if none or ambiguous."""
        text = _clean(address)
        hits: list[tuple[int, int, str]] = []
        for place, code in self.places:
            units = _UNIT.findall(place)
            for key in {place, units[-1]} if units else {place}:
                at = text.find(key)
                if len(key) >= 2 and at >= 0 and (at == 0 or text[at - 1] in _UNIT_END):
                    hits.append((self.depth(code), len(key), code))
        if not hits:
            return None
        best = max(h[:2] for h in hits)
        codes = {code for *score, code in hits if tuple(score) == best}
        return codes.pop() if len(codes) == 1 else None

    def for_division(self, division: str) -> str | None:
        """The jurisdiction of a household-registration division (330683): itself or its city."""
        for candidate in (division, division[:4] + "00"):
            if candidate in self.parent:
                return candidate
        return None

    def _by_cases(self, cases: list[clue_places.Case]) -> str | None:
        found = Counter(j for j, _ in (self.for_case(n, c) for n, c in cases) if j)
        return min(found, key=lambda j: (-found[j], j)) if found else None

    def _by_places(self, clue: dict[str, Any]) -> str | None:
        found = Counter(
            j
            for j in [
                *(self.for_address(a) for a in clue_places.addresses(clue)),
                *(self.for_division(d) for d in clue_places.id_divisions(clue)),
            ]
            if j
        )
        return min(found, key=lambda j: (-found[j], j)) if found else None

    def resolution(self, clue: dict[str, Any]) -> Resolution:
        """Where a clue in the contract form belongs, by the steps of the module docstring."""
        courts = Counter(
            c for _, c in (self.for_case(n, name) for n, name in clue_places.evidence_cases(clue)) if c
        )
        if not courts:  # register-row evidence: the executing courts its texts name
            courts = Counter(
                c for _, c in (self.for_case(n, name) for n, name in clue_places.execution_cases(clue)) if c
            )
        main_court = min(courts, key=lambda c: (-courts[c], c)) if courts else None
        found = self._by_cases(clue_places.trial_cases(clue))
        if found is not None:
            return Resolution(found, main_court, "court")
        by_place = self._by_places(clue)
        if by_place is not None and self.parent.get(by_place) is not None:
            return Resolution(by_place, main_court, "address")
        found = self._by_cases(clue_places.execution_cases(clue))
        if found is not None:
            return Resolution(found, main_court, "execution_court")
        if by_place is not None:
            return Resolution(by_place, main_court, "address")
        region = clue.get("region")
        if region:
            if region in self.parent:
                return Resolution(region, main_court, "region")
            if region in self.aliases:
                return Resolution(self.aliases[region], main_court, "region")
        return Resolution(None, main_court, None)

    def resolve(self, clue: dict[str, Any]) -> tuple[str | None, str | None]:
        """(jurisdiction code, main court code) of a clue in the contract form (`resolution`)."""
        found = self.resolution(clue)
        return found.jurisdiction, found.court


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
    reresolve_after_change(session, principal.username, f"新增辖区{name}")
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
    reresolve_after_change(
        session, principal.username, f"法院{name}对应{_name_of(session, jurisdiction_code)}"
    )


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
    reresolve_after_change(
        session, principal.username, f"地区{alias}对应{_name_of(session, jurisdiction_code)}"
    )


def _name_of(session: Session, code: str) -> str:
    found = session.get(Jurisdiction, code)
    return found.name if found else code


def reresolve_after_change(session: Session, actor: str, trigger: str) -> None:
    """Give the clues without a jurisdiction (or with a coarser one) theirs after a change of the
    tree, courts or aliases (`jiandu.workflow.reresolve.reresolve`; audited)."""
    from jiandu.workflow.reresolve import reresolve  # it builds on this module's Resolver

    session.flush()
    reresolve(session, actor=actor, trigger=trigger)


def install_defaults(session: Session, actor: str = "system") -> int:
    """Add the default tree (浙江 → 绍兴 → its six counties), courts and aliases; returns how many
    jurisdictions were new. Existing rows are left as they are; then clues without a
    jurisdiction (or with a coarser one) are re-resolved."""
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
    reresolve_after_change(session, actor, "安装默认辖区")
    return added


def roots(session: Session) -> list[str]:
    return list(
        session.execute(select(Jurisdiction.code).where(Jurisdiction.parent_code.is_(None))).scalars()
    )


def codes_in(items: Iterable[JurisdictionView]) -> list[str]:
    return [j.code for j in items]
