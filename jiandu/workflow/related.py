"""Related clues (关联线索) and classes of clues (类案), issue 13 §5.

A clue is related to another visible clue (the principal's jurisdiction subtree) when they share

- a party (同一当事人): the same subject key, or a party of one is the same resolved entity as the
  subject or an evidence party of the other (``party_entities`` in the analytic store);
- a lawyer or law firm (同一代理人): an agent of their evidence documents (``agents``);
- the court (同一法院): the same court code (浙0602);
- a case (同一案件): they cite the same document or case number (``clue_evidence``).

Subject keys and courts are read from the workflow store (indexed queries); documents, agents and
entities from the analytic store through a `RowSource` the caller passes in (the web layer opens
the read snapshot), so this module stays free of web imports. Without an analytic store only the
subject key and the court relate clues.

Each reason keeps its first ``per_reason`` clues, ranked by how related they are (the weights of
all the reasons they share) and then by score, with an honest total: the rest are listed by
`related_list`. Every string shown passes the principal's mask.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, KeysView, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import True_

from jiandu.documents.case_number import normalise_case_number
from jiandu.documents.masked_names import is_masked_name
from jiandu.workflow.authz import Permission, Principal, require
from jiandu.workflow.clues import _SUMMARY_COLUMNS, _summary, scope_filter
from jiandu.workflow.errors import InvalidInput, NotFound
from jiandu.workflow.firms import FIRM_PAIRS_SQL, RowSource, has_firm_pairs
from jiandu.workflow.jurisdictions import court_names
from jiandu.workflow.lifecycle import POSITIVE_OUTCOMES
from jiandu.workflow.masking import masker
from jiandu.workflow.tables import Clue, ClueFirm
from jiandu.workflow.trends import aggregate_scope
from jiandu.workflow.views import ClueSummary

PARTY, AGENT, COURT, CASE = "party", "agent", "court", "case"
REASONS = (CASE, PARTY, AGENT, COURT)
REASON_NAMES_ZH = {PARTY: "同一当事人", AGENT: "同一代理人", COURT: "同一法院", CASE: "同一案件"}
WEIGHTS = {CASE: 4.0, PARTY: 3.0, AGENT: 2.0, COURT: 1.0}
PER_REASON = 5
MAX_LIST = 500
MAX_CANDIDATES = 5000  # rows read from the analytic store per reason; beyond it counts are "at least"
MAX_KEYS = 200  # documents, case numbers, entities or agents of one clue taken into a query
_CHUNK = 500
_ENTITY_PREFIXES = ("pk_", "pm_", "ok_", "om_")
_LAWYER_KINDS = ("lawyer", "trainee_lawyer", "legal_worker")


@dataclass(slots=True)
class RelatedClue:
    """Another clue and what it shares with this one (Chinese, masked)."""

    clue: ClueSummary
    reasons: list[str]
    shared: list[str]
    relatedness: float


@dataclass(slots=True)
class RelatedGroup:
    """The clues related for one reason: the first few, and how many there are in all."""

    reason: str
    name_zh: str
    items: list[RelatedClue]
    total: int
    at_least: bool = False  # the analytic store had more rows than were read

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.items))


class _Found:
    """What another clue shares with this one, by reason (a page may gather thousands)."""

    __slots__ = ("shared",)

    def __init__(self) -> None:
        self.shared: dict[str, set[str]] = {}

    def add(self, reason: str, what: str) -> None:
        found = self.shared.get(reason)
        if found is None:
            self.shared[reason] = {what}
        else:
            found.add(what)

    @property
    def reasons(self) -> KeysView[str]:
        return self.shared.keys()

    @property
    def relatedness(self) -> float:
        return sum(WEIGHTS[r] for r in self.shared)


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i : i + _CHUNK]


def _visible_clue(session: Session, principal: Principal, clue_id: str) -> Clue:
    clue = session.execute(
        select(Clue).where(and_(Clue.clue_id == clue_id, scope_filter(session, principal)))
    ).scalar_one_or_none()
    if clue is None:
        raise NotFound(f"no clue {clue_id}")
    return clue


def _documents_of(clue: Clue) -> tuple[list[str], dict[str, str]]:
    """The clue's evidence documents, and its case numbers (as written and normalised) →
    the normalised form."""
    docs: list[str] = []
    cases: dict[str, str] = {}
    for e in clue.evidence or []:
        if not isinstance(e, dict):
            continue
        if e.get("doc_id"):
            docs.append(str(e["doc_id"]))
        if e.get("case_number"):
            raw = str(e["case_number"])
            norm = normalise_case_number(raw) or raw
            for form in (raw, norm, norm.replace("（", "(").replace("）", ")")):
                cases[form] = norm  # the brackets as the other clue may have written them
    return list(dict.fromkeys(docs))[:MAX_KEYS], dict(list(cases.items())[:MAX_KEYS])


def _has(source: RowSource | None, *tables: str) -> bool:
    return source is not None and all(source.table_exists(t) for t in tables)


def _same_case(
    source: RowSource, clue_id: str, docs: list[str], cases: dict[str, str], found: dict[str, _Found]
) -> bool:
    keys = list(cases)
    # one scan per kind of key, united: an OR of the two IN lists was twice as slow on DuckDB
    parts: list[str] = []
    params: list[Any] = []
    for column, values in (("doc_id", docs), ("case_number", keys)):
        if values:
            parts.append(
                "SELECT DISTINCT clue_id, doc_id, case_number FROM clue_evidence "
                f"WHERE clue_id <> ? AND {column} IN ({_marks(values)})"
            )
            params += [clue_id, *values]
    if not parts:
        return False
    rows = source.rows(f"{' UNION '.join(parts)} ORDER BY clue_id LIMIT {MAX_CANDIDATES + 1}", params)
    for r in rows[:MAX_CANDIDATES]:
        number = r.get("case_number")
        found[r["clue_id"]].add(CASE, cases.get(number, number) if number else "同一份文书")
    return len(rows) > MAX_CANDIDATES


def _same_agent(source: RowSource, clue_id: str, docs: list[str], found: dict[str, _Found]) -> bool:
    if not docs:
        return False
    mine = source.rows(
        f"SELECT DISTINCT name, law_firm FROM agents WHERE doc_id IN ({_marks(docs)}) "
        f"AND law_firm IS NOT NULL AND law_firm <> '' AND kind IN ({_marks(_LAWYER_KINDS)})",
        [*docs, *_LAWYER_KINDS],
    )
    firms = sorted({r["law_firm"] for r in mine})[:MAX_KEYS]
    if not firms:
        return False
    lawyers = {
        (r["name"], r["law_firm"]) for r in mine if r["name"] and not is_masked_name(r["name"], "person")
    }
    rows = source.rows(
        "SELECT DISTINCT e.clue_id, a.name, a.law_firm FROM agents AS a "
        "JOIN clue_evidence AS e ON e.doc_id = a.doc_id "
        f"WHERE e.clue_id <> ? AND a.law_firm IN ({_marks(firms)}) ORDER BY e.clue_id "
        f"LIMIT {MAX_CANDIDATES + 1}",
        [clue_id, *firms],
    )
    for r in rows[:MAX_CANDIDATES]:
        if (r["name"], r["law_firm"]) in lawyers:
            found[r["clue_id"]].add(AGENT, f"{r['name']}（{r['law_firm']}）")
        else:
            found[r["clue_id"]].add(AGENT, str(r["law_firm"]))
    return len(rows) > MAX_CANDIDATES


def _entities_of(source: RowSource, clue: Clue, docs: list[str]) -> dict[str, str]:
    """entity id → a name, for the clue's subject (when it is an entity) and evidence parties."""
    out: dict[str, str] = {}
    key = clue.subject_key or ""
    if key.startswith(_ENTITY_PREFIXES):
        out[key] = clue.subject_name or ""
    if docs and _has(source, "parties"):
        for r in source.rows(
            "SELECT DISTINCT pe.entity_id, p.name FROM party_entities AS pe JOIN parties AS p "
            "ON p.doc_id = pe.doc_id AND p.party_idx = pe.party_idx "
            f"WHERE pe.doc_id IN ({_marks(docs)}) ORDER BY pe.entity_id",
            docs,
        ):
            out.setdefault(r["entity_id"], r["name"] or "")
    return dict(list(out.items())[:MAX_KEYS])


def _same_party(
    session: Session,
    principal: Principal,
    source: RowSource | None,
    clue: Clue,
    docs: list[str],
    found: dict[str, _Found],
) -> bool:
    name = clue.subject_name or "线索对象"
    keys = {clue.subject_key: name} if clue.subject_key and clue.subject_type != "case" else {}
    entities = (
        _entities_of(source, clue, docs) if source is not None and _has(source, "party_entities") else {}
    )
    keys.update(entities)
    if keys:
        for c, k in session.execute(
            select(Clue.clue_id, Clue.subject_key).where(
                and_(
                    Clue.subject_key.in_(sorted(keys)),
                    Clue.clue_id != clue.clue_id,
                    scope_filter(session, principal),
                )
            )
        ).all():
            found[c].add(PARTY, keys.get(k or "") or name)
    if not entities or not _has(source, "clue_evidence"):
        return False
    assert source is not None
    ids = sorted(entities)
    rows = source.rows(
        "SELECT DISTINCT e.clue_id, pe.entity_id FROM party_entities AS pe "
        "JOIN clue_evidence AS e ON e.doc_id = pe.doc_id "
        f"WHERE e.clue_id <> ? AND pe.entity_id IN ({_marks(ids)}) ORDER BY e.clue_id "
        f"LIMIT {MAX_CANDIDATES + 1}",
        [clue.clue_id, *ids],
    )
    for r in rows[:MAX_CANDIDATES]:
        found[r["clue_id"]].add(PARTY, entities[r["entity_id"]] or "同一主体")
    return len(rows) > MAX_CANDIDATES


def _summaries(session: Session, principal: Principal, ids: Sequence[str]) -> dict[str, Any]:
    """Summary rows of the visible clues among ``ids``."""
    out: dict[str, Any] = {}
    for chunk in _chunks(sorted(ids)):  # by primary key; the jurisdiction is checked here
        for row in session.execute(select(*_SUMMARY_COLUMNS).where(Clue.clue_id.in_(chunk))):
            if principal.can_see(row.jurisdiction_code):
                out[row.clue_id] = row
    return out


def _ranks(session: Session, principal: Principal, ids: Sequence[str]) -> dict[str, tuple[float, str | None]]:
    """(score, court) of the visible clues among ``ids``: a few narrow columns, read through the
    driver's cursor (a clue related to a busy law firm has thousands of candidates)."""
    out: dict[str, tuple[float, str | None]] = {}
    for clue_id, score, court, code in _driver_rows(session, "clue_id, score, court, jurisdiction_code", ids):
        if principal.can_see(code):
            out[clue_id] = (score, court)
    return out


def _driver_rows(session: Session, columns: str, ids: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    """``columns`` of the clues ``ids`` (in chunks), through the database driver's own cursor:
    for thousands of clues, building SQLAlchemy rows costs more than the queries."""
    dbapi: Any = session.connection().connection.driver_connection
    mark = "?" if session.get_bind().dialect.paramstyle == "qmark" else "%s"
    cursor = dbapi.cursor()
    try:
        for chunk in _chunks(sorted(ids)):
            marks = ", ".join(mark for _ in chunk)
            cursor.execute(f"SELECT {columns} FROM clues WHERE clue_id IN ({marks})", list(chunk))
            yield from cursor.fetchall()
    finally:
        cursor.close()


def _court_name(session: Session, code: str) -> str:
    return court_names(session).get(code) or code


def related_clues(
    session: Session,
    principal: Principal,
    clue_id: str,
    source: RowSource | None = None,
    *,
    per_reason: int = PER_REASON,
    only: str | None = None,
) -> list[RelatedGroup]:
    """The clues related to a visible clue, by reason (同一案件, 同一当事人, 同一代理人, 同一法院),
    each group ranked by relatedness then score and cut at ``per_reason`` with its total.
    ``only`` computes one reason (for its full list)."""
    require(principal, Permission.CLUE_READ)
    if only is not None and only not in REASONS:
        raise InvalidInput(f"unknown relation {only!r}")
    wanted = (only,) if only else REASONS
    per_reason = max(1, min(per_reason, MAX_LIST))
    clue = _visible_clue(session, principal, clue_id)
    docs, cases = _documents_of(clue)
    found: dict[str, _Found] = defaultdict(_Found)
    truncated: set[str] = set()
    # every reason is gathered (when the store has it) so that ranking counts all shared reasons
    if _has(source, "clue_evidence"):
        assert source is not None
        if _same_case(source, clue.clue_id, docs, cases, found):
            truncated.add(CASE)
        if _has(source, "agents") and _same_agent(source, clue.clue_id, docs, found):
            truncated.add(AGENT)
    if _same_party(session, principal, source, clue, docs, found):
        truncated.add(PARTY)
    # rank on (score, court) of every visible candidate; read whole summaries only for the shown
    ranked = _ranks(session, principal, list(found))
    court_total = 0
    if clue.court and COURT in wanted:
        same_court = and_(
            Clue.court == clue.court, Clue.clue_id != clue.clue_id, scope_filter(session, principal)
        )
        court_total = session.execute(select(func.count()).select_from(Clue).where(same_court)).scalar_one()
        top = session.execute(
            select(Clue.clue_id, Clue.score, Clue.court)
            .where(same_court)
            .order_by(Clue.score.desc(), Clue.clue_id.desc())
            .limit(per_reason)
        ).all()
        for row in top:
            ranked.setdefault(row.clue_id, (row.score, row.court))
            found.setdefault(row.clue_id, _Found())
    court_label = _court_name(session, clue.court) if clue.court else ""
    for cid, (_, court) in ranked.items():
        if clue.court and court == clue.court:
            found[cid].add(COURT, court_label)
    chosen: dict[str, list[str]] = {}
    totals: dict[str, int] = {}
    for reason in wanted:
        members = [cid for cid in ranked if reason in found[cid].reasons]
        members.sort(key=lambda c: (-found[c].relatedness, -ranked[c][0], c))
        chosen[reason] = members[:per_reason]
        totals[reason] = court_total if reason == COURT else len(members)
    rows = _summaries(session, principal, sorted({c for ids in chosen.values() for c in ids}))
    mask = masker(principal.sees_personal_data)
    groups: list[RelatedGroup] = []
    for reason in wanted:
        items = [
            RelatedClue(
                clue=_summary(rows[c], principal),
                reasons=[REASON_NAMES_ZH[r] for r in REASONS if r in found[c].reasons],
                shared=[mask(s) for s in sorted(found[c].shared[reason])][:5],
                relatedness=found[c].relatedness,
            )
            for c in chosen[reason]
            if c in rows
        ]
        if totals[reason]:
            groups.append(
                RelatedGroup(
                    reason, REASON_NAMES_ZH[reason], items, totals[reason], at_least=reason in truncated
                )
            )
    return groups


# ---------------------------------------------------------------- 类案: classes of clues

CLASS_KINDS = ("model", "court", "party", "agent")
CLASS_NAMES_ZH = {"model": "按模型", "court": "按法院", "party": "按当事人", "agent": "按律师事务所"}
MIN_CLASS = 3
MAX_CLASSES = 50
MAX_FIRMS = 50  # firms read from the analytic store for the law-firm classes


@dataclass(slots=True)
class ClueClass:
    """A class of clues: its counts by status, when its clues were found, its confirmed groups."""

    kind: str
    key: str  # model id, court code, a member clue id (party), or the law firm
    name: str  # court name, party name (masked) or law firm; the page names models
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    confirmed: int = 0
    first_found: dt.datetime | None = None
    last_found: dt.datetime | None = None
    governance_keys: list[tuple[str, str]] = field(default_factory=list)  # (group key, court name)


def _add_counts(target: ClueClass, status: str, n: int, first: Any, last: Any, confirmed: int) -> None:
    target.total += n
    target.by_status[status] = target.by_status.get(status, 0) + n
    target.confirmed += int(confirmed or 0)
    if first is not None and (target.first_found is None or first < target.first_found):
        target.first_found = first
    if last is not None and (target.last_found is None or last > target.last_found):
        target.last_found = last


_POSITIVE = sorted(POSITIVE_OUTCOMES)


def _positive_sum() -> Any:
    return func.sum(case((Clue.outcome.in_(_POSITIVE), 1), else_=0))


def _counted(session: Session, principal: Principal, column: Any, where: Any = None) -> list[Any]:
    positive = _positive_sum()
    conditions = [*aggregate_scope(session, principal), column.is_not(None)]
    if where is not None:
        conditions.append(where)
    return list(
        session.execute(
            select(
                column.label("key"),
                Clue.status,
                func.count().label("n"),
                func.min(Clue.created_at).label("first"),
                func.max(Clue.created_at).label("last"),
                positive.label("confirmed"),
            )
            .where(and_(*conditions))
            .group_by(column, Clue.status)
        ).all()
    )


def clue_classes(
    session: Session, principal: Principal, source: RowSource | None = None, *, min_size: int = MIN_CLASS
) -> dict[str, list[ClueClass]]:
    """The visible clues grouped by model, by court, and (classes of at least ``min_size``) by
    subject party and by law firm; largest first."""
    require(principal, Permission.CLUE_READ)
    courts = court_names(session)
    mask = masker(principal.sees_personal_data)
    out: dict[str, list[ClueClass]] = {}
    for kind, column in (("model", Clue.model_id), ("court", Clue.court)):
        classes: dict[str, ClueClass] = {}
        for r in _counted(session, principal, column):
            c = classes.setdefault(
                r.key, ClueClass(kind, r.key, courts.get(r.key, r.key) if kind == "court" else r.key)
            )
            _add_counts(c, r.status, r.n, r.first, r.last, r.confirmed)
        out[kind] = sorted(classes.values(), key=lambda c: (-c.total, c.key))
    # governance groups (confirmed clues by model, court, jurisdiction) of each model and court
    if principal.can(Permission.GOVERNANCE_READ):
        from jiandu.workflow.governance import group_key

        confirmed = session.execute(
            select(Clue.model_id, Clue.court, Clue.jurisdiction_code)
            .where(and_(*aggregate_scope(session, principal), Clue.outcome.in_(_POSITIVE)))
            .distinct()
        ).all()
        by_key = {(c.kind, c.key): c for cs in out.values() for c in cs}
        for model_id, court, code in sorted(confirmed, key=lambda r: tuple(x or "" for x in r)):
            link = (group_key(model_id, court, code), courts.get(court or "", court or "法院不详"))
            for target in (by_key.get(("model", model_id)), by_key.get(("court", court or ""))):
                if target is not None:
                    target.governance_keys.append(link)
    out["party"] = _party_classes(session, principal, mask, min_size)
    out["agent"] = _agent_classes(session, principal, source, min_size)
    return out


def _party_classes(session: Session, principal: Principal, mask: Any, min_size: int) -> list[ClueClass]:
    scope = aggregate_scope(session, principal)
    top = session.execute(
        select(Clue.subject_key, func.count().label("n"))
        .where(and_(*scope, Clue.subject_key.is_not(None), Clue.subject_type != "case"))
        .group_by(Clue.subject_key)
        .having(func.count() >= min_size)
        .order_by(func.count().desc(), Clue.subject_key)
        .limit(MAX_CLASSES)
    ).all()
    if not top:
        return []
    keys = sorted(r.subject_key for r in top)
    named = session.execute(
        select(
            Clue.subject_key,
            func.max(Clue.clue_id).label("member"),
            func.max(Clue.subject_name).label("name"),
        )
        .where(
            and_(scope_filter(session, principal), Clue.subject_key.in_(keys), Clue.subject_type != "case")
        )
        .group_by(Clue.subject_key)
    ).all()
    classes = {r.subject_key: ClueClass("party", r.member, mask(r.name or "线索对象")) for r in named}
    for r in _counted(session, principal, Clue.subject_key, Clue.subject_key.in_(keys)):
        if r.key in classes:
            _add_counts(classes[r.key], r.status, r.n, r.first, r.last, r.confirmed)
    return sorted(classes.values(), key=lambda c: (-c.total, c.key))


def _firm_members(source: RowSource, firms: Sequence[str] | None = None) -> dict[str, list[str]]:
    where, params = "", []
    if firms is not None:
        where, params = f"WHERE law_firm IN ({_marks(firms)}) ", list(firms)
    rows = source.rows(f"SELECT * FROM ({FIRM_PAIRS_SQL}) AS pairs {where}ORDER BY law_firm, clue_id", params)
    out: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        out[r["law_firm"]].append(r["clue_id"])
    return out


def _largest_firms(source: RowSource, min_size: int) -> dict[str, list[str]]:
    """The law firms in the evidence of the most clues (at most `MAX_FIRMS`), with their clues:
    one pass over the firms' (firm, clue) pairs, ranked by a window (the pairs were joined twice)."""
    rows = source.rows(
        "SELECT law_firm, clue_id FROM ("
        "SELECT law_firm, clue_id, dense_rank() OVER (ORDER BY n DESC, law_firm) AS r FROM ("
        "SELECT law_firm, clue_id, count(*) OVER (PARTITION BY law_firm) AS n FROM ("
        f"{FIRM_PAIRS_SQL}"
        ") AS pairs) AS sized WHERE n >= ?) AS ranked "
        f"WHERE r <= {MAX_FIRMS} ORDER BY law_firm, clue_id",
        [min_size],
    )
    out: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        out[r["law_firm"]].append(r["clue_id"])
    return out


def _agent_classes(
    session: Session, principal: Principal, source: RowSource | None, min_size: int
) -> list[ClueClass]:
    """Law-firm classes among the firms of the most clues overall, counted within the scope:
    from ``clue_firms`` once built (one grouped query), else from the analytic store's pairs."""
    if session.execute(select(ClueFirm.clue_id).limit(1)).first() is not None:
        return _stored_agent_classes(session, principal, min_size)
    if not has_firm_pairs(source):
        return []
    assert source is not None
    members = _largest_firms(source, min_size)
    visible = _clue_states(session, principal, sorted({c for ids in members.values() for c in ids}))
    classes = []
    for firm, ids in members.items():
        c = ClueClass("agent", firm, firm)
        first = last = None
        for status, outcome, found in (visible[i] for i in ids if i in visible):
            c.total += 1
            c.by_status[status] = c.by_status.get(status, 0) + 1
            c.confirmed += outcome in POSITIVE_OUTCOMES
            first = found if first is None or found < first else first
            last = found if last is None or found > last else last
        c.first_found, c.last_found = _stored_time(first), _stored_time(last)
        if c.total >= min_size:
            classes.append(c)
    return sorted(classes, key=lambda c: (-c.total, c.key))[:MAX_CLASSES]


def _stored_agent_classes(session: Session, principal: Principal, min_size: int) -> list[ClueClass]:
    top = session.execute(
        select(ClueFirm.law_firm)
        .group_by(ClueFirm.law_firm)
        .having(func.count() >= min_size)
        .order_by(func.count().desc(), ClueFirm.law_firm)
        .limit(MAX_FIRMS)
    ).scalars()
    classes = {firm: ClueClass("agent", firm, firm) for firm in top}
    if not classes:
        return []
    for firm, status, n, first, last, confirmed in _firm_state_rows(session, principal, sorted(classes)):
        _add_counts(classes[firm], status, n, _stored_time(first), _stored_time(last), confirmed)
    kept = [c for c in classes.values() if c.total >= min_size]
    return sorted(kept, key=lambda c: (-c.total, c.key))[:MAX_CLASSES]


def _firm_state_rows(session: Session, principal: Principal, firms: Sequence[str]) -> list[tuple[Any, ...]]:
    """(firm, status, clues, first and last creation, confirmed) of the visible clues of ``firms``.

    Through the driver's cursor, so that SQLite can be told to read each clue's state from the
    narrow covering index ``ix_clues_id_state`` (its planner otherwise looks every clue up in the
    wide table through the primary key: 72k lookups took ~1 s, the index ~0.3 s on a loaded
    machine); SQLAlchemy has no index hints for SQLite."""
    dbapi: Any = session.connection().connection.driver_connection
    sqlite = session.get_bind().dialect.name == "sqlite"
    mark = "?" if sqlite else "%s"
    hint = " INDEXED BY ix_clues_id_state" if sqlite else ""
    test, codes = _raw_scope(session, principal, mark, "c.jurisdiction_code")
    scope = f" AND ({test})" if test else ""
    params: list[Any] = [*_POSITIVE, *firms, *codes]  # in the order of the placeholders
    cursor = dbapi.cursor()
    try:
        cursor.execute(
            "SELECT f.law_firm, c.status, count(*), min(c.created_at), max(c.created_at), "
            f"sum(CASE WHEN c.outcome IN ({', '.join(mark for _ in _POSITIVE)}) THEN 1 ELSE 0 END) "
            f"FROM clue_firms AS f JOIN clues AS c{hint} ON c.clue_id = f.clue_id "
            f"WHERE f.law_firm IN ({', '.join(mark for _ in firms)}){scope} "
            "GROUP BY f.law_firm, c.status",
            params,
        )
        return list(cursor.fetchall())
    finally:
        cursor.close()


SCAN_FROM = 5000  # clues looked up one by one below this many; the whole scope scanned above


def _clue_states(
    session: Session, principal: Principal, ids: Sequence[str]
) -> dict[str, tuple[str, Any, Any]]:
    """clue id → (status, outcome, creation time as stored) of the visible clues among ``ids``.

    The law-firm classes need tens of thousands: then the whole scope is read from the covering
    index ``ix_clues_jurisdiction_state`` (one scan: on 100k clues 50–140 ms against 0.3–0.6 s for
    64k lookups by id), else the clues are looked up by id. Rows come through the driver's cursor
    (SQLAlchemy rows for so many cost more than the queries)."""
    out: dict[str, tuple[str, Any, Any]] = {}
    if len(ids) < SCAN_FROM:
        for clue_id, status, outcome, created, code in _driver_rows(
            session, "clue_id, status, outcome, created_at, jurisdiction_code", ids
        ):
            if principal.can_see(code):
                out[clue_id] = (status, outcome, created)
        return out
    wanted = set(ids)
    for clue_id, status, outcome, created in _scope_rows(session, principal):
        if clue_id in wanted:
            out[clue_id] = (status, outcome, created)
    return out


def _raw_scope(session: Session, principal: Principal, mark: str, column: str) -> tuple[str, list[str]]:
    """`scope_filter` as SQL text for the driver's cursor: the test on ``column`` and its
    parameters ("" when the principal sees every clue)."""
    if isinstance(scope_filter(session, principal), True_):
        return "", []
    codes = sorted(principal.scope)
    tests = [f"{column} IN ({', '.join(mark for _ in codes)})"] if codes else []
    if principal.sees_unassigned:
        tests.append(f"{column} IS NULL")
    return " OR ".join(tests) or "FALSE", codes


def _scope_rows(session: Session, principal: Principal) -> list[tuple[Any, ...]]:
    """(clue id, status, outcome, created_at) of every clue in the principal's scope."""
    dbapi: Any = session.connection().connection.driver_connection
    mark = "?" if session.get_bind().dialect.paramstyle == "qmark" else "%s"
    test, params = _raw_scope(session, principal, mark, "jurisdiction_code")
    where = f" WHERE {test}" if test else ""
    cursor = dbapi.cursor()
    try:
        cursor.execute(f"SELECT clue_id, status, outcome, created_at FROM clues{where}", params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _stored_time(value: Any) -> dt.datetime | None:
    """A time read by the driver (SQLite: its text, which orders as the times do) as a datetime."""
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def class_members(
    session: Session,
    principal: Principal,
    kind: str,
    key: str,
    source: RowSource | None = None,
    *,
    limit: int = MAX_LIST,
) -> tuple[list[ClueSummary], int]:
    """The visible clues of one class, highest score first (at most ``limit``), and how many."""
    require(principal, Permission.CLUE_READ)
    scope = scope_filter(session, principal)
    if kind == "model":
        where = Clue.model_id == key
    elif kind == "court":
        where = Clue.court == key
    elif kind == "party":
        subject = _visible_clue(session, principal, key).subject_key
        if subject is None:
            return [], 0
        where = Clue.subject_key == subject
    elif kind == "agent":
        ids: list[str] = []
        if source is not None and _has(source, "agents", "clue_evidence"):
            ids = _firm_members(source, [key]).get(key, [])
        members = sorted(_summaries(session, principal, ids).values(), key=lambda r: (-r.score, r.clue_id))
        return [_summary(r, principal) for r in members[:limit]], len(members)
    else:
        raise InvalidInput(f"unknown class kind {kind!r}")
    total = session.execute(select(func.count()).select_from(Clue).where(and_(scope, where))).scalar_one()
    rows = session.execute(
        select(*_SUMMARY_COLUMNS)
        .where(and_(scope, where))
        .order_by(Clue.score.desc(), Clue.clue_id.desc())
        .limit(limit)
    ).all()
    return [_summary(r, principal) for r in rows], total
