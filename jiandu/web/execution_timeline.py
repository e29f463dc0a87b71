"""The timeline of a banned person's events and their passports, for a 限高/失信违规消费 clue page
(issue 14 §7).

The ban model (`execution.ban_violation`) keeps only the events that break the ban; a prosecutor
also wants the lawful ones around them (a flight before the ban, a D-train second-class seat) to
see the pattern. This module reads every event of the person from the execution domain's tables
(flights, trains, hotel stays, real estate, vehicles, share transfers, on every document the person
holds: `restricted_documents`), the restrictions (`restricted_persons`: ban, listing, lifted) and
the passports. Which events violate is not decided here: an event is marked violating when the
clue's evidence names it (the evidence label the spec writes, ``乘坐飞机：2021-05-02 MU5101``), so
the page and the model never disagree. Everything shown is masked for the viewer by the caller.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from jiandu.workflow.firms import RowSource

BAN_MODELS = frozenset({"execution.ban_violation"})
MAX_EVENTS = 2000  # per person on one page; the page says how many there are beyond it
# the event kinds as the spec's evidence labels name them, and as the chart's rows
KIND_LABEL_ZH = {
    "flight": "乘坐飞机",
    "train": "乘坐列车",
    "hotel": "入住星级宾馆",
    "property": "购买不动产",
    "vehicle": "购买车辆",
    "equity": "转让股权",
}
KIND_ROW_ZH = {
    "flight": "航班",
    "train": "列车",
    "hotel": "住宿",
    "property": "不动产",
    "vehicle": "车辆",
    "equity": "股权",
}


@dataclass(slots=True)
class Restriction:
    measure: str
    start: dt.date | None
    end: dt.date | None
    case_number: str | None
    court: str | None


@dataclass(slots=True)
class Event:
    date: dt.date
    kind: str
    grade: str
    detail: str
    doc_type: str  # the document it was booked on (居民身份证, 普通护照 …), or the register
    doc_no: str = ""  # its number ("" for a register)
    violating: bool = False
    note: str = ""  # why a lawful event does not count

    @property
    def kind_zh(self) -> str:
        return KIND_ROW_ZH[self.kind]


@dataclass(slots=True)
class Passport:
    doc_type: str
    doc_no: str
    issued: dt.date | None
    expires: dt.date | None
    status: str | None


@dataclass(slots=True)
class Timeline:
    restrictions: list[Restriction] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    total: int = 0  # events found (``events`` holds at most MAX_EVENTS of them)
    passports: list[Passport] = field(default_factory=list)

    @property
    def violations(self) -> int:
        return sum(1 for e in self.events if e.violating)


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def evidence_key(kind: str, day: dt.date, detail: str) -> str:
    """The label the ban model's evidence gives this event (its spec: kind, date, the detail's first
    word)."""
    return f"{KIND_LABEL_ZH[kind]}：{day.isoformat()} {detail.split(' ', 1)[0]}"


def _has(source: RowSource, *tables: str) -> bool:
    return all(source.table_exists(t) for t in tables)


def _documents(source: RowSource, person_key: str) -> dict[str, str]:
    """Every document number the person travels on, with its type (the ID number at least)."""
    found = {person_key: "居民身份证"}
    if _has(source, "restricted_documents"):
        for r in source.rows(
            "SELECT doc_no, doc_type FROM restricted_documents WHERE person_key = ?", [person_key]
        ):
            found[_text(r["doc_no"])] = _text(r["doc_type"]) or "证件"
    if _has(source, "passports"):
        for r in source.rows("SELECT doc_no, doc_type FROM passports WHERE person_key = ?", [person_key]):
            found.setdefault(_text(r["doc_no"]), _text(r["doc_type"]) or "证件")
    return found


def _in_list(column: str, values: list[str]) -> tuple[str, list[str]]:
    return f"{column} IN ({', '.join('?' for _ in values)})", values


def _travel(source: RowSource, docs: dict[str, str]) -> list[Event]:
    numbers = sorted(docs)
    out: list[Event] = []
    if _has(source, "flights"):
        where, params = _in_list("id_no", numbers)
        for r in source.rows(
            "SELECT id_no, ticket_no, flight_no, dep_date, min(dep_airport) AS dep, min(arr_airport) AS arr, "
            "min(cabin_class) AS cabin, upper(min(booking_class)) AS booking, "
            "max(CASE WHEN ticket_status IN ('已退票', '已改签') THEN 1 ELSE 0 END) AS cancelled, "
            "max(CASE WHEN boarded OR ticket_status = '已使用' THEN 1 ELSE 0 END) AS flown "
            f"FROM flights WHERE {where} GROUP BY id_no, ticket_no, flight_no, dep_date",
            params,
        ):
            day = _date(r["dep_date"])
            if day is None:
                continue
            booking = _text(r["booking"])
            grade = _text(r["cabin"]) or (
                "头等舱"
                if booking in ("F", "A", "P")
                else "公务舱"
                if booking in ("C", "D", "J", "I", "Z", "R")
                else "经济舱"
            )
            detail = (
                f"{_text(r['flight_no'])} {_text(r['dep'])}→{_text(r['arr'])}（票号{_text(r['ticket_no'])}）"
            )
            note = "已退票或改签" if r["cancelled"] else "" if r["flown"] else "未登机"
            out.append(Event(day, "flight", grade, detail, docs[r["id_no"]], r["id_no"], note=note))
    if _has(source, "train_trips"):
        where, params = _in_list("id_no", numbers)
        for r in source.rows(
            "SELECT id_no, train_no, travel_date, coach, seat, min(seat_class) AS seat_class, "
            "min(from_station) AS dep, min(to_station) AS arr, "
            "max(CASE WHEN ticket_status IN ('已退票', '已改签') THEN 1 ELSE 0 END) AS cancelled "
            f"FROM train_trips WHERE {where} GROUP BY id_no, train_no, travel_date, coach, seat",
            params,
        ):
            day = _date(r["travel_date"])
            if day is None:
                continue
            detail = (
                f"{_text(r['train_no'])} {_text(r['dep'])}→{_text(r['arr'])}"
                f"（{_text(r['coach'])}车{_text(r['seat'])}）"
            )
            note = "已退票或改签" if r["cancelled"] else ""
            grade = _text(r["seat_class"]) or "席别不详"
            out.append(Event(day, "train", grade, detail, docs[r["id_no"]], r["id_no"], note=note))
    if _has(source, "hotel_stays"):
        where, params = _in_list("s.id_no", numbers)
        hotels = _has(source, "hotels")
        star = "h.star_rating" if hotels else "CAST(NULL AS INTEGER)"
        name = "coalesce(h.hotel_name, s.hotel_name)" if hotels else "s.hotel_name"
        join = " LEFT JOIN hotels AS h ON h.hotel_code = s.hotel_code" if hotels else ""
        for r in source.rows(
            f"SELECT s.id_no, s.checkin_time, s.room, {name} AS hotel, {star} AS star "
            f"FROM hotel_stays AS s{join} WHERE {where}",
            params,
        ):
            day = _date(r["checkin_time"])
            if day is None:
                continue
            stars = int(r["star"] or 0)
            grade = f"{stars}星级" if stars else "未评星级"
            detail = f"{_text(r['hotel'])} {_text(r['room'])}房"
            out.append(Event(day, "hotel", grade, detail, docs[r["id_no"]], r["id_no"]))
    return out


def _assets(source: RowSource, person_key: str, name: str) -> list[Event]:
    out: list[Event] = []
    if _has(source, "property_registrations"):
        for r in source.rows(
            "SELECT reg_date, reg_type, address, unit_id, use, area_m2 FROM property_registrations "
            "WHERE holder_key = ? AND reg_type IN ('首次登记', '转移登记')",
            [person_key],
        ):
            day = _date(r["reg_date"])
            if day is None:
                continue
            area = f"，{r['area_m2']}平方米" if r["area_m2"] is not None else ""
            detail = f"{_text(r['address'] or r['unit_id'])}（{_text(r['use'])}{area}）"
            out.append(Event(day, "property", _text(r["reg_type"]), detail, "不动产登记"))
    if _has(source, "vehicle_registrations"):
        for r in source.rows(
            "SELECT reg_date, business_type, brand, plate, vin, use_type FROM vehicle_registrations "
            "WHERE owner_key = ? AND business_type IN ('注册登记', '转移登记')",
            [person_key],
        ):
            day = _date(r["reg_date"])
            if day is None:
                continue
            detail = f"{_text(r['brand'])} {_text(r['plate'])}（{_text(r['vin'])}）"
            note = "营运车辆" if r["use_type"] not in (None, "非营运") else ""
            out.append(Event(day, "vehicle", _text(r["business_type"]), detail, "机动车登记", note=note))
    if name and _has(source, "equity_changes"):  # instr: the same on DuckDB and Spark
        for r in source.rows(
            "SELECT change_date, change_item, company_name, before_text, after_text FROM equity_changes "
            "WHERE instr(before_text, ?) > 0 AND instr(after_text, ?) = 0 "
            "AND instr(before_text, ?) > 0 AND instr(before_text, ?) > 0",
            [name, name, person_key[:6], person_key[-4:]],
        ):
            day = _date(r["change_date"])
            if day is None:
                continue
            detail = f"{_text(r['company_name'])}：{_text(r['before_text'])} → {_text(r['after_text'])}"
            out.append(Event(day, "equity", _text(r["change_item"]), detail, "股权变更登记"))
    return out


def _lawful_note(event: Event, restrictions: list[Restriction]) -> str:
    """Why an event the model did not count is lawful, as far as the dates tell."""
    if event.note:
        return event.note
    starts = [r.start for r in restrictions if r.start is not None]
    if not starts:
        return "无限制措施记录"
    if event.date <= min(starts):
        return "限制措施生效前"
    if all(
        r.end is not None and event.date > r.end for r in restrictions if r.start and r.start < event.date
    ):
        return "限制措施已解除"
    return "不属限制消费范围"


def person_timeline(
    source: RowSource | None, person_key: str, name: str, evidence_labels: set[str]
) -> Timeline:
    """The person's restrictions, events (violating ones those the clue's evidence names) and
    passports; an empty timeline without the tables."""
    timeline = Timeline()
    if source is None or not person_key:
        return timeline
    if _has(source, "restricted_persons"):
        for r in source.rows(
            "SELECT DISTINCT measure, start_date, end_date, case_number, court FROM restricted_persons "
            "WHERE person_key = ? ORDER BY start_date, measure",
            [person_key],
        ):
            timeline.restrictions.append(
                Restriction(
                    _text(r["measure"]),
                    _date(r["start_date"]),
                    _date(r["end_date"]),
                    r["case_number"],
                    r["court"],
                )
            )
    events = _travel(source, _documents(source, person_key)) + _assets(source, person_key, name)
    for e in events:
        e.violating = evidence_key(e.kind, e.date, e.detail) in evidence_labels
        if not e.violating:
            e.note = _lawful_note(e, timeline.restrictions)
    events.sort(key=lambda e: (e.date, e.kind, e.detail))
    timeline.total = len(events)
    timeline.events = events[:MAX_EVENTS]
    if _has(source, "passports"):
        for r in source.rows(
            "SELECT doc_type, doc_no, issue_date, expiry_date, status FROM passports "
            "WHERE person_key = ? ORDER BY issue_date, doc_no",
            [person_key],
        ):
            timeline.passports.append(
                Passport(
                    _text(r["doc_type"]),
                    _text(r["doc_no"]),
                    _date(r["issue_date"]),
                    _date(r["expiry_date"]),
                    r["status"],
                )
            )
    return timeline
