"""hotel_minor_stays and hotel_minor_districts: every stay of a minor, graded as practice does.

A guest is a minor when under 18 at check-in. The age is read from the ID number with the one
definition of keys (`jiandu.inputs.identifiers.normalize_key`): an 18-digit number (its birth
date), a 15-digit one (upgraded), a masked one (its visible birth year: a minor only when the
year alone proves it), else the exported birth date (passports, 户口簿 without a number).

Rows are merged first: the same stay (hotel, 住客流水号, guest) sent twice, or re-sent with a late
check-out (a correction), is one stay with the latest non-empty check-out. A stay without a
check-out, or whose check-out is not after its check-in (forgotten), is assumed to end at 12:00
the next day (the usual check-out time) and marked ``checkout_assumed``.

Co-occupancy: same hotel, same room (room numbers compared by their digits without leading zeros:
0812, 812 and 8-12 are one room), overlapping stays. Visitors: the room's visitors (or the
stay's, by 被访住客流水号) during the stay. Each companion's relation to the minor comes from the
household register (`household`): parent (the minor's father_id / mother_id), grandparent (a
parent's parent), adult sibling (18 or older, sharing a parent). A companion on a masked number is
a relative only when exactly one of the minor's registered kin has the same name and the visible
digits (said so in the description); otherwise a companion without a full number is never taken
for a guardian.

Rules (domain brief §3), the most severe one wins:
  red_girl_male   a girl under 14 with a male co-occupant or visitor who is not her guardian
  red_incident    a police report of the minor drunk or injured during the stay
  yellow_adult    an adult co-occupant or visitor who is not a parent, grandparent or adult sibling
  yellow_peers    only minors in the room
  yellow_alone    nobody else in the room
  green_guardian  a guardian shared the room (not a violation: counted, never pushed)

Police reports match a stay by the person's ID number, else by hotel, time within the stay,
sex and age under 18. Names and ID numbers are stored masked (`jiandu.privacy.mask_numbers`).
Python over rows the engine returns: the same tables on every engine.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from jiandu.engines.base import Engine
from jiandu.inputs.identifiers import KeyProblem, normalize_key
from jiandu.models.store import write_rows
from jiandu.privacy import mask_document_number, mask_numbers

__all__ = ["HotelMinorStays", "Person", "age_at", "mask_name", "person_of", "room_key"]

ADULT_AGE = 18
GIRL_AGE = 14
_PERSON_KINDS = frozenset({"ric", "ric15", "ric_masked"})
RULES_ZH = {
    "red_girl_male": "不满十四周岁女童与非监护人男性同住或被其探访",
    "red_incident": "未成年人醉酒或受伤警情",
    "yellow_adult": "与非父母、祖父母、成年兄弟姐妹的成年人同住或被其探访",
    "yellow_peers": "未成年人结伴入住",
    "yellow_alone": "未成年人独自入住",
    "green_guardian": "与监护人同住",
}
SEVERITY = ("red_girl_male", "red_incident", "yellow_adult", "yellow_peers", "yellow_alone", "green_guardian")
INCIDENT_WORDS = ("醉", "酒", "伤")


def room_key(room: str | None) -> str:
    """One spelling of a room number: its digits without leading zeros (0812, 812, 8-12 → 812)."""
    text = (room or "").strip()
    digits = re.sub(r"\D", "", text)
    return digits.lstrip("0") or digits or text.upper()


def mask_name(name: str | None) -> str:
    """A person's name as judgments mask it: surname and 某 (张某; 欧阳某 for two-character
    surnames is not attempted: the first character only). Latin names keep their first letter."""
    text = (name or "").strip()
    if not text:
        return "某"
    return text[0] + "某"


def age_at(birth: dt.date, when: dt.date) -> int:
    """Full years at ``when``."""
    return when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day))


@dataclass(frozen=True, slots=True)
class Person:
    """What a row says about a person: the full key (18 digits) when known, the birth date or
    year, sex, and the ID number masked for display."""

    name: str
    key: str | None
    kind: str  # ric | ric15 | ric_masked | passport | none
    birth: dt.date | None
    birth_year: int | None
    sex: str | None
    masked_id: str

    def age(self, when: dt.datetime) -> tuple[int | None, bool]:
        """(age, certain): the exact age from a birth date; from a year alone the lowest
        possible age, certain only to decide 'minor' when even the highest is under 18."""
        if self.birth is not None:
            return age_at(self.birth, when.date()), True
        if self.birth_year is not None:
            low = when.year - self.birth_year - 1
            return max(low, 0), low + 1 < ADULT_AGE
        return None, False


def person_of(
    name: str | None, id_type: str | None, id_no: str | None, sex: str | None, birth: Any
) -> Person:
    """A guest, visitor or reported person from the columns of a row."""
    raw = (id_no or "").strip()
    birth_date = birth if isinstance(birth, dt.date) and not isinstance(birth, dt.datetime) else None
    if isinstance(birth, dt.datetime):
        birth_date = birth.date()
    key: str | None = None
    kind = "none"
    birth_year = birth_date.year if birth_date else None
    id_sex = None
    if raw and (id_type or "") not in ("护照", "港澳通行证", "台湾通行证"):
        try:
            k = normalize_key(raw, _PERSON_KINDS)
        except KeyProblem:
            k = None
        if k is not None:
            kind = k.kind
            id_sex = k.sex
            if k.full:
                key = k.value
                birth_date = dt.date(int(k.value[6:10]), int(k.value[10:12]), int(k.value[12:14]))
                birth_year = birth_date.year
            elif birth_date is None:
                birth_year = k.birth_year
    elif raw:
        kind = "passport"
    return Person(
        (name or "").strip(), key, kind, birth_date, birth_year, id_sex or _sex(sex), _masked_id(key, raw)
    )


def _masked_id(key: str | None, raw: str) -> str:
    """The ID number for display: a full number masked by `jiandu.privacy.mask_numbers`, a
    masked one as sent, anything else (passports) by `jiandu.privacy.mask_document_number`."""
    if key:
        return mask_numbers(key)
    if "*" in raw or len(raw) <= 4:
        return raw
    return mask_document_number(raw)


def _sex(value: str | None) -> str | None:
    text = (value or "").strip()
    return {"男": "男", "女": "女", "1": "男", "2": "女"}.get(text)


@dataclass(slots=True)
class _Stay:
    stay_id: str
    hotel_code: str
    hotel_name: str
    room: str
    room_key: str
    person: Person
    checkin: dt.datetime
    checkout: dt.datetime
    assumed: bool
    companions: list[tuple[str, Person]] = field(default_factory=list)  # (co_occupant | visitor, person)


def _assumed_checkout(checkin: dt.datetime) -> dt.datetime:
    day = checkin.date() if checkin.hour < 6 else checkin.date() + dt.timedelta(days=1)
    return dt.datetime(day.year, day.month, day.day, 12, 0)


def _merge(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per (hotel, stay, guest): the latest upload, with the latest real check-out."""
    best: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in rows:
        ident = (r["hotel_code"], r["stay_id"], re.sub(r"\s", "", (r["id_no"] or "").upper()))
        old = best.get(ident)
        if old is None:
            best[ident] = dict(r)
            continue
        keep = dict(old)
        new_out, old_out = r["checkout_time"], old["checkout_time"]
        if (
            new_out is not None
            and new_out > r["checkin_time"]
            and (old_out is None or old_out <= old["checkin_time"] or new_out > old_out)
        ):
            keep["checkout_time"] = new_out
        best[ident] = keep
    return [best[k] for k in sorted(best)]


# the columns of hotel_stays and household the grading reads (not the provenance columns)
_STAY_COLUMNS = (
    "stay_id, guest_name, sex, id_type, id_no, birth_date, hotel_code, hotel_name, room, "
    "checkin_time, checkout_time"
)
_HOUSEHOLD_COLUMNS = "person_id, father_id, mother_id, name, birth_date"


def _keys(values: set[str]) -> pa.Table:
    """Person ids as a one-column table ``k``, to join with."""
    return pa.table({"k": pa.array(sorted(values), pa.string())})


def _parents_of(engine: Engine, people: set[str]) -> set[str]:
    """The registered fathers and mothers of ``people``."""
    if not people:
        return set()
    with engine.temp_table(_keys(people), "kin") as tmp:
        rows = engine.rows(
            f"SELECT h.father_id, h.mother_id FROM household AS h JOIN {tmp} AS x ON h.person_id = x.k"
        )
    return {p for r in rows for p in (r["father_id"], r["mother_id"]) if p}


def _kin_rows(engine: Engine, minors: set[str]) -> list[dict[str, Any]]:
    """The household rows `_Household` reads for these minors, in person_id order: the minors,
    their parents, the parents' parents, and every row naming a parent as father or mother (the
    siblings). At a million documents the register has half a million people and a county's
    hotels a few hundred minors: the whole register as Python dicts was the operator's peak."""
    if not minors or not engine.table_exists("household"):
        return []
    parents = _parents_of(engine, minors)
    grandparents = _parents_of(engine, parents)
    people, parent_ids = _keys(minors | parents | grandparents), _keys(parents)
    with engine.temp_table(people, "kin") as who, engine.temp_table(parent_ids, "kin") as of:
        return engine.rows(
            f"SELECT {_HOUSEHOLD_COLUMNS} FROM household "
            f"WHERE person_id IN (SELECT k FROM {who}) OR father_id IN (SELECT k FROM {of}) "
            f"OR mother_id IN (SELECT k FROM {of}) ORDER BY person_id"
        )


class _Household:
    """Guardianship from the household register: parents, grandparents, adult siblings."""

    def __init__(self, rows: Iterable[dict[str, Any]]) -> None:
        self.parents: dict[str, set[str]] = {}
        self.names: dict[str, str] = {}
        self.birth: dict[str, dt.date] = {}
        self.children: dict[str, set[str]] = defaultdict(set)
        for r in rows:
            pid = r["person_id"]
            self.parents[pid] = {p for p in (r.get("father_id"), r.get("mother_id")) if p}
            for parent in self.parents[pid]:
                self.children[parent].add(pid)
            self.names[pid] = (r.get("name") or "").strip()
            if r.get("birth_date"):
                self.birth[pid] = r["birth_date"]

    def _kin(self, minor: str) -> dict[str, str]:
        """The minor's guardians in the register: person id → relation."""
        parents = self.parents.get(minor, set())
        kin = {p: "父母" for p in parents}
        for p in parents:
            for g in self.parents.get(p, set()):
                kin.setdefault(g, "祖父母")
        for p in parents:
            for sibling in self.children.get(p, ()):
                if sibling != minor:
                    kin.setdefault(sibling, "兄弟姐妹")
        return kin

    def relation(self, minor: str, other: Person, when: dt.datetime) -> str | None:
        """父母 | 祖父母 | 成年兄弟姐妹 (with a note when matched on a masked number), or None.

        A full ID number is looked up; a masked one is taken for a relative only when exactly one
        of the minor's registered kin has the same name and the visible digits."""
        kin = self._kin(minor)
        if other.key is not None:
            matches = [other.key] if other.key in kin else []
            note = ""
        elif other.kind == "ric_masked" and other.name:
            head, _, tail = other.masked_id.partition("*")
            tail = tail.lstrip("*")
            matches = [
                pid
                for pid in kin
                if self.names.get(pid) == other.name and pid.startswith(head) and pid.endswith(tail)
            ]
            note = "（证件号码脱敏，按姓名与可见位比对）"
        else:
            return None
        if len(matches) != 1:
            return None
        relation = kin[matches[0]]
        if relation == "兄弟姐妹":
            birth = self.birth.get(matches[0])
            if birth is None or age_at(birth, when.date()) < ADULT_AGE:
                return None
            relation = "成年兄弟姐妹"
        return relation + note


@dataclass(frozen=True)
class HotelMinorStays:
    """hotel_minor_stays and hotel_minor_districts (see the module docstring)."""

    name: str = "hotel_minor_stays"
    version: str = "1"
    inputs: tuple[str, ...] = ("hotel_stays",)
    optional_inputs: tuple[str, ...] = (
        "hotels",
        "household",
        "hotel_visitors",
        "hotel_minor_checks",
        "police_reports",
    )
    outputs: tuple[str, ...] = ("hotel_minor_stays", "hotel_minor_districts")

    def run(self, engine: Engine) -> int:
        def rows(table: str, order: str) -> list[dict[str, Any]]:
            if not engine.table_exists(table):
                return []
            return engine.rows(f"SELECT * FROM {table} ORDER BY {order}")

        hotels = {r["hotel_code"]: r for r in rows("hotels", "hotel_code")}
        # a register row without a district name takes the name other rows give its 地址区划
        named = {h["admin_code"]: h["district"] for h in hotels.values() if h["admin_code"] and h["district"]}
        for h in hotels.values():
            if not h.get("district") and h.get("admin_code") in named:
                h["district"] = named[h["admin_code"]]
        # latest upload first (`_merge` keeps the first row of a stay and guest), then the last
        # file and row read: never the order the engine happens to return
        stays = self._stays(engine.rows(
            f"SELECT {_STAY_COLUMNS} FROM hotel_stays ORDER BY uploaded_at DESC NULLS LAST, "
            "source_file DESC NULLS LAST, source_row DESC NULLS LAST, id_no"
        ))
        by_room: dict[tuple[str, str], list[_Stay]] = defaultdict(list)
        for s in stays:
            by_room[(s.hotel_code, s.room_key)].append(s)
        minors = [s for s in stays if self._is_minor(s)]
        visitors = rows("hotel_visitors", "visit_id")
        visits_by_room: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for v in visitors:
            visits_by_room[(v["hotel_code"], room_key(v["room"]))].append(v)
        for m in minors:
            for other in by_room[(m.hotel_code, m.room_key)]:
                if other is m or (other.person.key is not None and other.person.key == m.person.key):
                    continue
                if other.checkin < m.checkout and m.checkin < other.checkout:
                    m.companions.append(("co_occupant", other.person))
            for v in visits_by_room[(m.hotel_code, m.room_key)] + [
                v for v in visitors if v["visited_stay_id"] == m.stay_id and room_key(v["room"]) != m.room_key
            ]:
                if v["visited_stay_id"] == m.stay_id or m.checkin <= v["visit_time"] <= m.checkout:
                    m.companions.append(
                        (
                            "visitor",
                            person_of(v["visitor_name"], v["id_type"], v["id_no"], v["sex"], v["birth_date"]),
                        )
                    )
        household = _Household(_kin_rows(engine, {m.person.key for m in minors if m.person.key}))
        checks = {r["stay_id"]: r for r in rows("hotel_minor_checks", "stay_id")}
        reports = rows("police_reports", "report_no")
        out = [self._grade(m, hotels, household, checks, reports) for m in minors]
        out.sort(key=lambda r: (r["hotel_code"], r["stay_id"]))
        n = write_rows(engine, "hotel_minor_stays", out)
        write_rows(engine, "hotel_minor_districts", _districts(hotels, out))
        return n

    @staticmethod
    def _stays(rows: list[dict[str, Any]]) -> list[_Stay]:
        out = []
        for r in _merge(rows):
            checkin = r["checkin_time"]
            checkout = r["checkout_time"]
            assumed = checkout is None or checkout <= checkin
            out.append(
                _Stay(
                    r["stay_id"],
                    r["hotel_code"],
                    r["hotel_name"] or "",
                    r["room"] or "",
                    room_key(r["room"]),
                    person_of(r["guest_name"], r["id_type"], r["id_no"], r["sex"], r.get("birth_date")),
                    checkin,
                    _assumed_checkout(checkin) if assumed else checkout,
                    assumed,
                )
            )
        return out

    @staticmethod
    def _is_minor(s: _Stay) -> bool:
        age, certain = s.person.age(s.checkin)
        return age is not None and certain and age < ADULT_AGE

    def _grade(
        self,
        m: _Stay,
        hotels: dict[str, dict[str, Any]],
        household: _Household,
        checks: dict[str, dict[str, Any]],
        reports: list[dict[str, Any]],
    ) -> dict[str, Any]:
        age, _ = m.person.age(m.checkin)
        assert age is not None
        described = []
        guardian = False
        male_stranger = adult_stranger = False
        peers_only = True
        for role, p in m.companions:
            p_age, p_certain = p.age(m.checkin)
            relation = household.relation(m.person.key, p, m.checkin) if m.person.key else None
            is_minor = p_age is not None and p_certain and p_age < ADULT_AGE
            if relation is not None:
                guardian = True
            else:
                if p.sex == "男":
                    male_stranger = True
                if not is_minor:
                    adult_stranger = True
            if not is_minor:
                peers_only = False
            age_zh = f"{p_age}岁" if p_age is not None and p_certain else "年龄不详"
            described.append(
                f"{'同住' if role == 'co_occupant' else '访客'}{mask_name(p.name)}"
                f"（{p.sex or '性别不详'}，{age_zh}，"
                f"{relation or ('关系未登记' if p.key else '证件不全，关系无法核实')}）"
            )
        incident = _incident(m, age, reports)
        if m.person.sex == "女" and age < GIRL_AGE and male_stranger:
            rule = "red_girl_male"
        elif incident:
            rule = "red_incident"
        elif guardian:
            rule = "green_guardian"
        elif adult_stranger:
            rule = "yellow_adult"
        elif m.companions and peers_only:
            rule = "yellow_peers"
        else:
            rule = "yellow_alone"
        check = checks.get(m.stay_id)
        asked = reported = None
        if check is not None:
            asked = bool((check.get("guardian_phone") or "").strip()) and bool(
                (check.get("relation") or "").strip()
            )
            reported = check.get("reported")
        hotel = hotels.get(m.hotel_code, {})
        return {
            "hotel_code": m.hotel_code,
            "hotel_name": hotel.get("hotel_name") or m.hotel_name,
            "district": hotel.get("district") or hotel.get("admin_code") or "未知区县",
            "stay_id": m.stay_id,
            "room": m.room,
            "guest_masked_name": mask_name(m.person.name),
            "guest_masked_id": m.person.masked_id,
            "id_kind": m.person.kind,
            "age": age,
            "sex": m.person.sex,
            "checkin_time": m.checkin,
            "checkout_time": m.checkout,
            "checkout_assumed": m.assumed,
            "co_occupants": sum(1 for role, _ in m.companions if role == "co_occupant"),
            "visitors": sum(1 for role, _ in m.companions if role == "visitor"),
            "companions_zh": "；".join(described) or "无同住人、无访客",
            "guardian_present": guardian,
            "rule": rule,
            "rule_zh": RULES_ZH[rule],
            "band": rule.split("_", 1)[0],
            "incident_zh": incident,
            "checked": check is not None,
            "asked": asked,
            "reported": reported,
            "hotel_kind": hotel.get("kind"),
            "star_rating": hotel.get("star_rating"),
        }


def _incident(m: _Stay, age: int, reports: list[dict[str, Any]]) -> str | None:
    """The first police report of the minor drunk or injured during the stay."""
    start = m.checkin - dt.timedelta(hours=1)
    end = m.checkout + dt.timedelta(hours=12)
    for r in reports:
        text = f"{r.get('category') or ''}{r.get('content') or ''}"
        if not any(w in text for w in INCIDENT_WORDS) or not start <= r["report_time"] <= end:
            continue
        who = person_of(r.get("person_name"), None, r.get("person_id"), r.get("person_sex"), None)
        if who.key is not None and m.person.key is not None:
            same = who.key == m.person.key
        else:
            r_age = r.get("person_age")
            same = (
                r.get("hotel_code") == m.hotel_code
                and who.sex == m.person.sex
                and r_age is not None
                and int(r_age) < ADULT_AGE
                and abs(int(r_age) - age) <= 1
            )
        if same:
            return (
                f"警情{r['report_no']}（{r['report_time']:%Y-%m-%d %H:%M}，{r.get('category') or '未分类'}）"
            )
    return None


def _districts(hotels: dict[str, dict[str, Any]], stays: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}

    def row(district: str) -> dict[str, Any]:
        return out.setdefault(
            district,
            {
                "district": district,
                "hotels": 0,
                "hotels_with_minors": 0,
                "hotels_flagged": 0,
                "minor_stays": 0,
                "red_stays": 0,
                "yellow_stays": 0,
                "green_stays": 0,
                "girl_male_stays": 0,
                "incident_stays": 0,
                "not_asked_stays": 0,
                "not_reported_stays": 0,
            },
        )

    for h in hotels.values():
        row(h.get("district") or h.get("admin_code") or "未知区县")["hotels"] += 1
    seen: set[str] = set()
    flagged: set[str] = set()
    for s in stays:
        d = row(s["district"])
        d["minor_stays"] += 1
        d[f"{s['band']}_stays"] += 1
        d["girl_male_stays"] += s["rule"] == "red_girl_male"
        d["incident_stays"] += s["rule"] == "red_incident"
        d["not_asked_stays"] += s["asked"] is False
        d["not_reported_stays"] += s["band"] != "green" and s["reported"] is False
        if s["hotel_code"] not in seen:
            seen.add(s["hotel_code"])
            d["hotels_with_minors"] += 1
        if s["band"] != "green" and s["hotel_code"] not in flagged:
            flagged.add(s["hotel_code"])
            d["hotels_flagged"] += 1
    return [out[k] for k in sorted(out)]
