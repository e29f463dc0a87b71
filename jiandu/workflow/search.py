"""Search across people, companies, case numbers and clues (issue 13 §3).

The index is the table ``search_entries`` of the workflow store (one row per clue, per resolved
person or organisation and jurisdiction, per case), regenerated as a whole by
`rebuild_search_index` from the clues and the analytic store (`jiandu search reindex`; also after
a clue sync), which writes only the rows that changed (`jiandu.workflow.index_diff`). Its
full-text index is the database's own, made by migration 0004_search:

- SQLite: FTS5 table ``search_fts`` with the ``trigram`` tokenizer (external content
  ``search_entries``): a term of three or more characters is a MATCH; shorter terms (two-character
  names such as 王五) are a ``LIKE`` on the same table.
- PostgreSQL: ``pg_trgm`` GIN indexes on ``body`` and ``personal``; every term is a ``LIKE``.

Text is folded the same way when indexed and when searched (`fold`: NFKC, brackets of any width
as full-width （）, no spaces, lower case), so ``(2023)浙0602民初1号`` finds ``（2023）浙0602民初1号``.

Who sees what: a user gets only rows of its jurisdiction and below (rows without a jurisdiction
only at a root of the tree, as for clues). ``body`` holds the text with ID and phone numbers
masked; the unmasked identifiers are in ``personal``, searched only for roles with personal.read;
titles and summaries are masked for the others when shown (`masker_for`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import heapq
import itertools
import json
import logging
import operator
import re
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Text, select, text, type_coerce
from sqlalchemy.orm import Session

from jiandu.privacy.rules import CASE_NUMBER
from jiandu.workflow.authz import Permission as P
from jiandu.workflow.authz import Principal, require
from jiandu.workflow.clues import masker_for
from jiandu.workflow.db import Store
from jiandu.workflow.firms import RowSource, firm_pairs, replace_clue_firms
from jiandu.workflow.index_diff import Applied, Spool, apply_rows, fingerprint, has_fingerprints, replace_rows
from jiandu.workflow.jurisdictions import Resolver, court_code
from jiandu.workflow.masking import mask_text
from jiandu.workflow.tables import Clue, Jurisdiction, clue_of_target, clue_target

log = logging.getLogger(__name__)

KINDS = ("person", "organization", "case", "clue")
KIND_NAMES_ZH = {"person": "人员", "organization": "单位", "case": "案件", "clue": "线索"}
# full-text objects of migration 0004_search that are not SQLAlchemy models
SEARCH_INDEX_OBJECTS = frozenset(
    {
        "search_fts",
        "search_fts_data",
        "search_fts_idx",
        "search_fts_docsize",
        "search_fts_config",
        "ix_search_entries_body_trgm",
        "ix_search_entries_personal_trgm",
    }
)
MAX_TERMS = 5
MAX_TERM_CHARS = 60
_BRACKETS = str.maketrans(
    {"(": "（", ")": "）", "〔": "（", "〕": "）", "[": "（", "]": "）", "【": "（", "】": "）"}
)
_SPACE = re.compile(r"\s+")
_BATCH = 5000
_MAX_NAMES = 20  # normalized names of an entity in its search text


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic ``include_name`` hook: the full-text index objects are the migration's, not models."""
    return name not in SEARCH_INDEX_OBJECTS


def fold(value: str | None) -> str:
    """Text as indexed and searched: NFKC, brackets as full-width （）, no spaces, lower case."""
    if not value:
        return ""
    return _SPACE.sub("", unicodedata.normalize("NFKC", value).translate(_BRACKETS)).lower()


# ---------------------------------------------------------------- reading the analytic store


# Python functions of this module that a DuckDB snapshot's SQL calls by these names, text or
# NULL to text or NULL (one definition of each fact: the SQL runs the very function the other
# engines' path runs)
_SQL_FUNCTIONS: dict[str, Callable[[str | None], str | None]] = {
    "jiandu_fold": lambda value: None if value is None else fold(value),
    "jiandu_court_code": court_code,
}


class _SnapshotRows:
    def __init__(self, con: Any) -> None:
        self.con = con
        self._tables = {
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        self._functions: set[str] = set()

    def table_exists(self, name: str) -> bool:
        return name in self._tables

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self.con.execute(sql, list(params))
        names = [d[0] for d in cur.description or []]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def _batches(self, sql: str, params: Sequence[Any], size: int) -> Iterator[tuple[list[str], list[Any]]]:
        """(column names, rows as tuples) ``size`` rows at a time, on a cursor of its own (several
        can be open at once)."""
        cur = self.con.cursor()
        try:
            cur.execute(sql, list(params))
            names = [d[0] for d in cur.description or []]
            while batch := cur.fetchmany(size):
                yield names, batch
        finally:
            cur.close()

    def stream(self, sql: str, params: Sequence[Any] = (), size: int = 10_000) -> Iterator[dict[str, Any]]:
        """`rows`, fetched ``size`` at a time (`_batches`)."""
        for names, batch in self._batches(sql, params, size):
            for r in batch:
                yield dict(zip(names, r, strict=True))

    def tuples(self, sql: str, params: Sequence[Any] = (), size: int = 10_000) -> Iterator[tuple[Any, ...]]:
        """`stream` as tuples in the order of the query's columns (no dict per row)."""
        for _, batch in self._batches(sql, params, size):
            yield from batch

    def function(self, name: str) -> str:
        """``name`` (a key of `_SQL_FUNCTIONS`) as a SQL function of this connection, over Arrow
        batches, registered on first use."""
        if name not in self._functions:
            import duckdb
            import pyarrow as pa
            from duckdb.func import PythonUDFType

            scalar = _SQL_FUNCTIONS[name]
            self.con.create_function(
                name,
                lambda values: pa.array([scalar(v) for v in values.to_pylist()], type=pa.string()),
                [duckdb.sqltype("VARCHAR")],
                duckdb.sqltype("VARCHAR"),
                type=PythonUDFType.ARROW,
                null_handling="special",  # NULL in, and NULL out where the function says None
                side_effects=False,
            )
            self._functions.add(name)
        return name


def _stream(source: RowSource, sql: str, params: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
    """A query's rows a batch at a time where the source can (a DuckDB snapshot), else all at once."""
    stream = getattr(source, "stream", None)
    return stream(sql, params) if stream is not None else iter(source.rows(sql, params))


@contextmanager
def analytic_source(workspace_root: Path) -> Iterator[RowSource | None]:
    """The analytic store of a workspace, read-only: the published read snapshot on DuckDB (so a
    running writer is never disturbed), the engine on Spark; None before anything was built."""
    from jiandu.engines import snapshot
    from jiandu.workspace import Workspace, WorkspaceError

    try:
        kind = str(Workspace(workspace_root).config().get("engine") or "duckdb")
    except WorkspaceError:
        kind = "duckdb"
    if kind == "spark":
        engine = Workspace(workspace_root).open_engine()
        try:
            yield engine
        finally:
            engine.close()
        return
    con = snapshot.open_current(workspace_root / "jiandu.duckdb")  # the one way readers open it
    if con is None:
        yield None
        return
    try:
        yield _SnapshotRows(con)
    finally:
        con.close()


# ---------------------------------------------------------------- which jurisdictions


def _party_courts(
    source: RowSource, where: str, order: str, params: Sequence[Any]
) -> Iterator[tuple[str, str | None, str | None]]:
    """(entity id, `court_code` of the case number, court name) of the cases of party entities,
    distinct; on a DuckDB snapshot each case's court code is found once, in SQL, before the join."""
    code = "case_number"
    parse: Callable[[str | None], str | None] | None = court_code  # here, as each row comes
    if isinstance(source, _SnapshotRows):
        code, parse = f"{source.function('jiandu_court_code')}(case_number)", None
    rows = _stream(
        source,
        f"SELECT DISTINCT pe.entity_id, c.code, c.court FROM party_entities pe "
        f"JOIN (SELECT doc_id, {code} AS code, court FROM cases) c ON c.doc_id = pe.doc_id{where}{order}",
        params,
    )
    return ((r["entity_id"], parse(r["code"]) if parse else r["code"], r["court"]) for r in rows)


def _place_rows(
    source: RowSource, resolver: Resolver, entity_ids: Sequence[str] | None, *, ordered: bool
) -> Iterator[tuple[str, str]]:
    """(entity id, jurisdiction) pairs: the courts of its cases (party mentions: the case
    number's court code, else the court's name) and of its register rows (the court's name);
    with ``ordered`` by entity id (the two queries merged), else in any order."""
    where, params = "", list(entity_ids or [])
    if entity_ids is not None:
        where = f" WHERE pe.entity_id IN ({', '.join('?' for _ in params)})"
    order = " ORDER BY 1" if ordered else ""
    parts: list[Iterator[tuple[str, str]]] = []
    if source.table_exists("party_entities") and source.table_exists("cases"):
        parts.append(
            (entity_id, code)
            for entity_id, number_code, court in _party_courts(source, where, order, params)
            if (code := resolver.for_court_code(number_code, court)[0]) is not None
        )
    if source.table_exists("entity_mentions"):
        mention_where = where.replace("pe.entity_id", "entity_id")
        glue = " AND" if mention_where else " WHERE"
        rows = _stream(
            source,
            f"SELECT DISTINCT entity_id, court FROM entity_mentions{mention_where}{glue} "
            f"source <> 'parties' AND court IS NOT NULL{order}",
            params,
        )
        courts: dict[str, str | None] = {}  # a few courts, named in millions of mentions

        def court_code(name: str) -> str | None:
            if name not in courts:
                courts[name] = resolver.for_court_name(name)[0]
            return courts[name]

        parts.append((r["entity_id"], code) for r in rows if (code := court_code(r["court"])) is not None)
    return heapq.merge(*parts, key=lambda pair: pair[0]) if ordered else itertools.chain(*parts)


def entity_jurisdictions(
    source: RowSource, resolver: Resolver, entity_ids: Sequence[str] | None = None
) -> dict[str, set[str | None]]:
    """entity id → the jurisdictions of the courts of its cases (party mentions: the case
    number's court code, else the court's name) and of its register rows (the court's name).
    An entity none of whose courts maps to the tree gets {None}."""
    if entity_ids is not None and not entity_ids:
        return {}
    found: dict[str, set[str | None]] = defaultdict(set)
    for entity_id, code in _place_rows(source, resolver, entity_ids, ordered=False):
        found[entity_id].add(code)
    return found


def _by_entity(pairs: Iterable[tuple[str, Any]]) -> Iterator[tuple[str, list[Any]]]:
    """(entity id, its values) of pairs ordered by entity id; an order that is not Python's
    (another collation) raises rather than losing rows in the merge join."""
    last: str | None = None
    for entity_id, group in itertools.groupby(pairs, key=lambda pair: pair[0]):
        if last is not None and entity_id < last:
            raise RuntimeError(f"entity ids out of order: {entity_id!r} after {last!r}")
        last = entity_id
        yield entity_id, [value for _, value in group]


class _Follow:
    """The values of one entity from a stream of (entity id, values) ordered by entity id, for
    entity ids asked in ascending order (a merge join)."""

    def __init__(self, groups: Iterator[tuple[str, list[Any]]]) -> None:
        self.groups = groups
        self.head: tuple[str, list[Any]] | None = next(groups, None)
        self.last: str | None = None

    def get(self, entity_id: str) -> list[Any]:
        if self.last is not None and entity_id < self.last:
            raise RuntimeError(f"entity ids out of order: {entity_id!r} after {self.last!r}")
        self.last = entity_id
        while self.head is not None and self.head[0] < entity_id:
            self.head = next(self.groups, None)
        if self.head is not None and self.head[0] == entity_id:
            return self.head[1]
        return []


# ---------------------------------------------------------------- building the index


@dataclass
class RebuildResult:
    clues: int = 0
    people: int = 0
    organizations: int = 0
    cases: int = 0
    analytic: bool = False  # the analytic store was read
    firm_links: int = 0  # (law firm, clue) pairs for the 类案 view (`jiandu.workflow.firms`)
    applied: Applied = field(default_factory=Applied)  # what was written to the index
    clues_remade: int = 0  # clue rows made again under the lock: the clue changed meanwhile
    locked_seconds: float = 0.0  # how long the store's write lock was held (the rest ran before)

    @property
    def rows(self) -> int:
        return self.clues + self.people + self.organizations + self.cases

    def counted(self, row: dict[str, Any]) -> dict[str, Any]:
        """``row``, counted by its kind."""
        kind = row["kind"]
        if kind == "clue":
            self.clues += 1
        elif kind == "person":
            self.people += 1
        elif kind == "organization":
            self.organizations += 1
        else:
            self.cases += 1
        return row


def _masked(parts: Sequence[str]) -> str:
    """``mask_text`` of the parts joined by spaces, with the parts that are whole case numbers
    passed over: `mask_text` leaves case numbers alone wherever they stand, and a case number's
    digits and 号 would otherwise send every case's text through both masks in full."""
    out: list[str] = []
    rest: list[str] = []  # the other parts since the last case number, masked together
    for part in parts:
        if CASE_NUMBER.fullmatch(part):
            if rest:
                out.append(mask_text(" ".join(rest)))
                rest = []
            out.append(part)
        else:
            rest.append(part)
    if rest:
        out.append(mask_text(" ".join(rest)))
    return " ".join(out)


def _entry(
    kind: str,
    title: str,
    summary: str,
    searchable: Iterable[str | None],
    personal: Iterable[str | None],
    jurisdiction: str | None,
    target: str,
    rank: float,
) -> dict[str, Any]:
    parts = [s for s in searchable if s]
    plain = " ".join(parts)
    masked = _masked(parts)
    secrets = " ".join(s for s in personal if s)
    return {
        "kind": kind,
        "title": (title or "")[:400],
        "summary": summary or "",
        "body": fold(masked),
        # unmasked text only where masking changed something, plus the identifiers
        "personal": fold((plain if masked != plain else "") + secrets),
        "jurisdiction_code": jurisdiction,
        "target": target[:400],
        "rank": float(rank or 0.0),
    }


_CLUE_COLUMNS = select(
    Clue.clue_id,
    Clue.subject_name,
    Clue.subject_key,
    Clue.explanation,
    type_coerce(Clue.evidence, Text).label("evidence"),  # as the driver gives it: cheap to compare
    Clue.jurisdiction_code,
    Clue.score,
)


def _clue_sources(session: Session) -> Iterator[Any]:
    """The columns of each clue that its index row is made of; the query runs when the first
    row is asked for, and its cursor is closed after the last (SQLite will not drop an index of
    a connection with a statement still open)."""
    with session.execute(_CLUE_COLUMNS.execution_options(yield_per=_BATCH)) as rows:
        yield from rows


def _clue_entry(r: Any) -> dict[str, Any]:
    evidence = json.loads(r.evidence) if isinstance(r.evidence, str) else r.evidence
    numbers = list(dict.fromkeys(e.get("case_number") for e in evidence or [] if isinstance(e, dict)))
    headline = (r.explanation or "").split("\n", 1)[0][:300]
    key = r.subject_key or ""
    return _entry(
        "clue",
        r.subject_name or "线索对象",
        headline,
        [r.subject_name, headline, *[n for n in numbers if n]],
        [key.split(":", 1)[1] if ":" in key else key],
        r.jurisdiction_code,
        clue_target(r.clue_id),
        r.score,
    )


def _clue_entries(session: Session) -> Iterator[dict[str, Any]]:
    return (_clue_entry(r) for r in _clue_sources(session))


def _bulk_entries(analytic: RowSource | None, resolver: Resolver) -> Iterator[dict[str, Any]]:
    """The rows of the analytic store's entities and cases (none without it)."""
    if analytic is not None:
        yield from _entity_entries(analytic, resolver)
        yield from _case_entries(analytic, resolver)


@dataclass
class _SpooledClue:
    source: bytes  # fingerprint of the clue's columns when its row was made
    number: int  # the row's number in the spool
    row: bytes  # the row's fingerprint


class _ClueRows:
    """The clues' index rows, made before the write lock and checked again under it: a clue
    whose columns changed in between (a sync, a move to another jurisdiction) is made again."""

    def __init__(self, spool: Spool) -> None:
        self._spool = spool
        self._made: dict[str, _SpooledClue] = {}

    def _make(self, r: Any, source: bytes) -> None:
        number, key = self._spool.add(_clue_entry(r))
        self._made[r.clue_id] = _SpooledClue(source, number, key)

    def make_all(self, session: Session) -> None:
        for r in _clue_sources(session):
            self._make(r, fingerprint(r))

    def bring_up_to_date(self, session: Session) -> tuple[int, int]:
        """(clues, of which made again) as the store holds them now."""
        gone = dict(self._made)
        clues = remade = 0
        for r in _clue_sources(session):
            clues += 1
            source = fingerprint(r)
            before = gone.pop(r.clue_id, None)
            if before is not None and before.source == source:
                continue
            if before is not None:
                self._spool.discard(before.number, before.row)
            self._make(r, source)
            remade += 1
        for before in gone.values():  # no longer in the store
            self._spool.discard(before.number, before.row)
        return clues, remade


def _entity_entries(source: RowSource, resolver: Resolver) -> Iterator[dict[str, Any]]:
    """One row per entity and jurisdiction, by entity id; every query is read a batch at a time
    and joined here on the entity id (each ordered by it), so nothing of the corpus is held."""
    if not source.table_exists("entities"):
        return
    places = _Follow(_by_entity(_place_rows(source, resolver, None, ordered=True)))
    names = _Follow(
        _by_entity(
            (r["entity_id"], r["normalized_name"])
            for r in _stream(
                source,
                "SELECT DISTINCT entity_id, normalized_name FROM entity_mentions "
                "WHERE normalized_name IS NOT NULL ORDER BY entity_id, normalized_name",
            )
        )
        if source.table_exists("entity_mentions")
        else iter(())
    )
    entities = "SELECT entity_id, kind, name, id_key, documents FROM entities ORDER BY entity_id"
    for r in _stream(source, entities):
        kind = "organization" if r["kind"] == "organization" else "person"
        docs = int(r["documents"] or 0)
        summary = f"{'单位' if kind == 'organization' else '自然人'}，涉及文书 {docs} 份"
        shown = sorted(names.get(r["entity_id"])[:_MAX_NAMES])
        for code in set(places.get(r["entity_id"])) or {None}:
            yield _entry(
                kind,
                r["name"] or "",
                summary,
                [r["name"], *shown],
                [r["id_key"]],
                code,
                f"/profiles/{kind}/{r['entity_id']}",
                docs,
            )


_PARTY_COLUMNS = ("party_idx", "name", "kind", "role", "entity_id")
_CASE_COLUMNS = ("pos", "doc_id", "case_number", "court", "cause", "case_year")


CaseGroup = tuple[list[dict[str, Any]], list[dict[str, Any]]]  # the cases of one number, their parties


def _case_groups_in_memory(source: RowSource) -> Iterator[CaseGroup]:
    """(cases, parties) of each folded case number, in the order of its first case in ``cases``:
    every case and party held at once (any `RowSource`)."""
    parties: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if source.table_exists("parties"):
        join = source.table_exists("party_entities")
        sql = (
            "SELECT p.doc_id, p.party_idx, p.name, p.kind, p.role"
            + (
                ", pe.entity_id FROM parties p LEFT JOIN party_entities pe "
                "ON pe.doc_id = p.doc_id AND pe.party_idx = p.party_idx"
                if join
                else " FROM parties p"
            )
            + " ORDER BY p.doc_id, p.party_idx"
        )
        for r in source.rows(sql):
            parties[r["doc_id"]].append(r)
    by_number: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in source.rows(
        "SELECT doc_id, case_number, court, cause, case_year FROM cases WHERE case_number IS NOT NULL"
    ):
        by_number[fold(r["case_number"])].append(r)
    for cases in by_number.values():
        yield cases, [p for c in cases for p in parties.get(c["doc_id"], [])]


def _case_groups_streamed(source: _SnapshotRows) -> Iterator[CaseGroup]:
    """The groups of `_case_groups_in_memory`, in the same order, from one query on a DuckDB
    snapshot that does the grouping (``fold`` as a SQL function, the first case by ``rowid``,
    the order in which the table is read) and is read a batch at a time: one group held at once."""
    has_parties = source.table_exists("parties")
    join = has_parties and source.table_exists("party_entities")
    party = (
        "p.doc_id IS NOT NULL, p.party_idx, p.name, p.kind, p.role, "
        + ("pe.entity_id " if join else "CAST(NULL AS VARCHAR) ")
        if has_parties
        else "FALSE, NULL, NULL, NULL, NULL, NULL "
    )
    sql = (  # columns: group, position, the case's columns, has a party, `_PARTY_COLUMNS`
        f"WITH c AS (SELECT rowid AS pos, doc_id, case_number, court, cause, case_year, "
        f"{source.function('jiandu_fold')}(case_number) AS k FROM cases WHERE case_number IS NOT NULL), "
        "g AS (SELECT k, min(pos) AS grp FROM c GROUP BY k) "
        f"SELECT g.grp, c.pos, c.doc_id, c.case_number, c.court, c.cause, c.case_year, {party}"
        "FROM c JOIN g ON g.k = c.k "
        + ("LEFT JOIN parties p ON p.doc_id = c.doc_id " if has_parties else "")
        + (
            "LEFT JOIN party_entities pe ON pe.doc_id = p.doc_id AND pe.party_idx = p.party_idx "
            if join
            else ""
        )
        + "ORDER BY g.grp, c.pos"
        + (", p.party_idx" if has_parties else "")
    )
    for _, rows in itertools.groupby(source.tuples(sql), key=operator.itemgetter(0)):
        cases: list[dict[str, Any]] = []
        people: list[dict[str, Any]] = []
        last = None
        for r in rows:  # ordered by case, then party
            if r[1] != last:
                cases.append(dict(zip(_CASE_COLUMNS, r[1:7], strict=True)))
                last = r[1]
            if r[7]:
                people.append(dict(zip(_PARTY_COLUMNS, r[8:], strict=True)))
        yield cases, people


def _case_entries(source: RowSource, resolver: Resolver) -> Iterator[dict[str, Any]]:
    if not source.table_exists("cases"):
        return
    groups = (
        _case_groups_streamed(source) if isinstance(source, _SnapshotRows) else _case_groups_in_memory(source)
    )
    for cases, people in groups:
        first = cases[0]
        shown = list(dict.fromkeys(f"{p['role'] or '当事人'}{p['name']}" for p in people if p.get("name")))
        linked = next((p for p in people if p.get("entity_id")), None)
        target = (
            "/profiles/"
            + ("organization" if linked["kind"] == "organization" else "person")
            + f"/{linked['entity_id']}"
            if linked
            else ""
        )
        summary = "，".join(x for x in [first["court"], first["cause"], "、".join(shown[:6])] if x)
        yield _entry(
            "case",
            first["case_number"],
            summary,
            [first["case_number"], first["court"], first["cause"], *[p.get("name") for p in people]],
            [],
            resolver.for_case(first["case_number"], first["court"])[0],
            target,
            first["case_year"] or 0,
        )


def rebuild_search_index(store: Store, analytic: RowSource | None) -> RebuildResult:
    """Bring the index to the rows of the store's clues and, when ``analytic`` is given, of the
    analytic store's entities and cases, and ``clue_firms`` to the law firms of each clue; in
    one transaction (readers see the old index until it commits). Call it after a clue sync or a
    run.

    An index written before (rows with fingerprints) is brought up to date by difference, with
    the store's write lock held only for the writing: every row is made before the lock is
    taken, into a `Spool`; under it the clues are read again and the rows of those that changed
    meanwhile are made again (`_ClueRows`), the entities and cases coming from a snapshot that
    does not change; then only the rows that differ are written (`apply_rows`). A first index is
    written in one go under the lock (`replace_rows`), which is the faster way to write it all."""
    result = RebuildResult(analytic=analytic is not None)
    firms = firm_pairs(analytic) if analytic is not None else None
    with contextlib.ExitStack() as stack:
        with store.read() as s:
            if incremental := has_fingerprints(s):
                spool = stack.enter_context(Spool(store.workspace))
                for row in _bulk_entries(analytic, Resolver(s)):
                    spool.add(result.counted(row))
                clue_rows = _ClueRows(spool)
                clue_rows.make_all(s)
        with store.write() as s:
            locked = time.perf_counter()
            if incremental:
                result.clues, result.clues_remade = clue_rows.bring_up_to_date(s)
                result.applied = apply_rows(s, spool)
            else:
                rows = itertools.chain(_bulk_entries(analytic, Resolver(s)), _clue_entries(s))
                result.applied = replace_rows(s, (result.counted(row) for row in rows))
            if firms is not None:
                result.firm_links = replace_clue_firms(s, firms)
        result.locked_seconds = time.perf_counter() - locked
    log.info(
        "search index: %s rows (%s kept, %s deleted, %s inserted%s), %s clue-firm links; "
        "the store's write lock held %.1f s",
        result.rows,
        result.applied.kept,
        result.applied.deleted,
        result.applied.inserted,
        ", table replaced" if result.applied.replaced else "",
        result.firm_links,
        result.locked_seconds,
    )
    return result


def entity_visible(session: Session, principal: Principal, source: RowSource, entity_id: str) -> bool:
    """The entity has a jurisdiction the principal sees (one without any: only at a root)."""
    places = entity_jurisdictions(source, Resolver(session), [entity_id]).get(entity_id) or {None}
    return any(principal.can_see(code) for code in places)


def entity_clues(session: Session, principal: Principal, keys: Sequence[str], limit: int = 200) -> list[Any]:
    """Clues in the principal's jurisdictions whose subject is one of the entity's keys (its
    entity id, ID number or credit code, fact keys), highest score first, masked."""
    from jiandu.workflow.clues import _SUMMARY_COLUMNS, _summary, scope_filter

    require(principal, P.CLUE_READ)
    wanted = sorted({k for key in keys if key for k in (key, f"id:{key}")})
    if not wanted:
        return []
    rows = session.execute(
        select(*_SUMMARY_COLUMNS)
        .where(Clue.subject_key.in_(wanted), scope_filter(session, principal))
        .order_by(Clue.score.desc(), Clue.clue_id)
        .limit(limit)
    )
    return [_summary(r, principal) for r in rows]


# ---------------------------------------------------------------- searching


@dataclass(frozen=True, slots=True)
class SearchHit:
    kind: str
    title: str
    summary: str
    jurisdiction_code: str | None
    target: str
    # a clue's 未再命中 (read from the clue when it is found, not from the index, which a mark
    # does not rebuild): the first successful run that no longer produced it, and when it finished
    not_found_run_id: str | None = None
    not_found_at: dt.datetime | None = None


@dataclass
class SearchResults:
    query: str
    groups: dict[str, list[SearchHit]] = field(default_factory=dict)
    more: set[str] = field(default_factory=set)  # kinds with more hits than shown

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.groups.values())


def terms_of(query: str) -> list[str]:
    """The folded terms of a query (split on spaces; at most 5, each at most 60 characters)."""
    raw = unicodedata.normalize("NFKC", query or "").split()
    return [t for t in (fold(x)[:MAX_TERM_CHARS] for x in raw[:MAX_TERMS]) if t]


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _scope_sql(session: Session, principal: Principal, params: dict[str, Any]) -> str:
    total = session.execute(select(Jurisdiction.code)).scalars().all()
    if principal.sees_unassigned and principal.scope >= set(total):
        return "1 = 1"
    parts = []
    if principal.scope:
        names = []
        for i, code in enumerate(sorted(principal.scope)):
            params[f"j{i}"] = code
            names.append(f":j{i}")
        parts.append(f"e.jurisdiction_code IN ({', '.join(names)})")
    if principal.sees_unassigned:
        parts.append("e.jurisdiction_code IS NULL")
    return "(" + " OR ".join(parts) + ")" if parts else "1 = 0"


def search(
    session: Session, principal: Principal, query: str, *, per_kind: int = 20, kinds: Sequence[str] = KINDS
) -> SearchResults:
    """Hits for ``query`` in the principal's jurisdictions, grouped by kind, best first, masked."""
    require(principal, P.CLUE_READ)
    terms = terms_of(query)
    results = SearchResults(query=query, groups={k: [] for k in kinds})
    if not terms:
        return results
    personal = principal.sees_personal_data
    params: dict[str, Any] = {"limit": per_kind + 1}
    conditions = [_scope_sql(session, principal, params)]
    sqlite = session.get_bind().dialect.name == "sqlite"
    long_terms = [t for t in terms if len(t) >= 3] if sqlite else []
    if long_terms:
        column = "{body personal}" if personal else "body"
        params["match"] = " AND ".join(f"{column} : {_fts_phrase(t)}" for t in long_terms)
        conditions.append("e.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH :match)")
    for i, t in enumerate(t for t in terms if t not in long_terms):
        if len(t) < 3:
            # no trigram to look up: LIKE '%t%' as a plain substring test over the table (text and
            # terms are folded alike); 3x faster than LIKE on SQLite, and on PostgreSQL it keeps
            # the planner from a full scan of the GIN index
            params[f"t{i}"] = t
            find = "instr" if sqlite else "strpos"
            body, secret = f"{find}(e.body, :t{i}) > 0", f"{find}(e.personal, :t{i}) > 0"
        else:  # PostgreSQL: pg_trgm's GIN indexes serve LIKE
            params[f"t{i}"] = _like(t)
            body, secret = f"e.body LIKE :t{i} ESCAPE '\\'", f"e.personal LIKE :t{i} ESCAPE '\\'"
        conditions.append(f"({body} OR {secret})" if personal else body)
    if set(kinds) != set(KINDS):
        names = []
        for i, k in enumerate(kinds):
            params[f"k{i}"] = k
            names.append(f":k{i}")
        conditions.append(f"e.kind IN ({', '.join(names)})")
    # the hits first (MATERIALIZED, and narrow: id, kind, rank), then the best of each kind, then
    # their rows: ranking inside one query over the table lets SQLite walk the kind index and
    # look every row up, and sorting wide rows costs more; together 3-10x slower at 100k rows
    sql = (
        "WITH hits AS MATERIALIZED (SELECT e.id, e.kind, e.rank FROM search_entries e WHERE "
        + " AND ".join(conditions)
        + "), top AS (SELECT id, n FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY kind "
        "ORDER BY rank DESC, id) AS n FROM hits) ranked WHERE n <= :limit) "
        "SELECT e.kind, e.title, e.summary, e.jurisdiction_code, e.target FROM top "
        "JOIN search_entries e ON e.id = top.id ORDER BY e.kind, top.n"
    )
    mask: Callable[[str], str] = masker_for(principal)
    seen: set[tuple[str, str]] = set()
    for r in session.execute(text(sql), params):
        group = results.groups[r.kind]
        if len(group) >= per_kind:
            results.more.add(r.kind)
            continue
        if r.target and (r.kind, r.target) in seen:  # an entity in two visible jurisdictions
            continue
        seen.add((r.kind, r.target))
        group.append(
            SearchHit(r.kind, mask(r.title or ""), mask(r.summary or ""), r.jurisdiction_code, r.target)
        )
    if results.groups.get("clue"):
        results.groups["clue"] = _with_not_found(session, results.groups["clue"])
    return results


def _with_not_found(session: Session, hits: list[SearchHit]) -> list[SearchHit]:
    """The clue hits with their clues' 未再命中 marks (one query for the shown hits)."""
    clue_ids = [c for c in (clue_of_target(hit.target) for hit in hits) if c]
    marks = {
        clue_target(r.clue_id): r
        for r in session.execute(
            select(Clue.clue_id, Clue.not_found_run_id, Clue.not_found_at).where(
                Clue.clue_id.in_(clue_ids), Clue.not_found_run_id.is_not(None)
            )
        )
    }
    return [
        dataclasses.replace(hit, not_found_run_id=m.not_found_run_id, not_found_at=m.not_found_at)
        if (m := marks.get(hit.target))
        else hit
        for hit in hits
    ]


__all__ = [
    "KINDS",
    "KIND_NAMES_ZH",
    "SEARCH_INDEX_OBJECTS",
    "RebuildResult",
    "RowSource",
    "SearchHit",
    "SearchResults",
    "analytic_source",
    "entity_clues",
    "entity_jurisdictions",
    "entity_visible",
    "fold",
    "include_name",
    "rebuild_search_index",
    "search",
    "terms_of",
]
