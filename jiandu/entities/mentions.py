"""Mentions: every party mention and register row that names a person or an organisation.

A mention is one place where a name was written: a party line of a document (table
``parties``) or a row of an agency register (household, companies and their legal
representatives, execution cases, the dishonest-debtor list, consumption bans). Each becomes one
row of ``entity_mentions`` with what entity resolution compares: the normalised name, whether
it is masked, the surname, sex, birth date, address and district, and a valid ID number or
credit code (``id_key``) when one was written.

Mention ids are stable, so reviewer judgements and entity ids survive reruns:
``P:<doc_id>:<party_idx>`` for a party, ``<register>:<row key>`` for a register row.

Raw rows are read with one portable query per source (the same SQL on DuckDB and Spark) and
normalised in Python (`normalize_rows`), so both engines produce identical mentions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from jiandu.engines.base import Engine
from jiandu.entities.addresses import district_of, normalize_address
from jiandu.entities.identifiers import parse_id
from jiandu.entities.names import name_info

PERSON = "person"
ORGANIZATION = "organization"


@dataclass(frozen=True, slots=True)
class Source:
    """One source of mentions: the table it needs and a query giving raw mention rows.

    The query returns the columns of `RAW_COLUMNS` (missing ones as NULL).
    """

    name: str
    table: str
    sql: str


RAW_COLUMNS = (
    "mention_id", "source", "doc_id", "party_idx", "name", "kind", "sex", "birth_date",
    "birth_year", "ethnicity", "address", "id_number", "court", "role", "side",
)


def _select(**columns: str) -> str:
    """A SELECT list in `RAW_COLUMNS` order; absent columns are typed NULLs."""
    types = {"party_idx": "INTEGER", "birth_date": "DATE", "birth_year": "INTEGER"}
    parts = []
    for column in RAW_COLUMNS:
        expr = columns.get(column, f"CAST(NULL AS {types.get(column, 'VARCHAR')})")
        parts.append(f"{expr} AS {column}")
    return ", ".join(parts)


SOURCES: tuple[Source, ...] = (
    Source(
        "parties", "parties",
        "SELECT " + _select(
            mention_id="'P:' || p.doc_id || ':' || CAST(p.party_idx AS VARCHAR)",
            source="'parties'", doc_id="p.doc_id", party_idx="p.party_idx", name="p.name",
            kind="p.kind", sex="p.gender", birth_date="p.birth_date", ethnicity="p.ethnicity",
            address="p.address", id_number="p.id_number", court="c.court", role="p.role",
            side="p.side",
        ) + " FROM parties AS p LEFT JOIN cases AS c ON c.doc_id = p.doc_id "
        "WHERE p.name IS NOT NULL",
    ),
    Source(
        "household", "household",
        "SELECT " + _select(
            mention_id="'household:' || h.person_id", source="'household'", name="h.name",
            kind="'person'", sex="h.sex", birth_date="h.birth_date", ethnicity="h.ethnicity",
            address="h.address", id_number="h.person_id", role="'户籍'",
        ) + " FROM household AS h WHERE h.name IS NOT NULL",
    ),
    Source(
        "companies", "companies",
        "SELECT " + _select(
            mention_id="'companies:' || c.credit_code", source="'companies'", name="c.name",
            kind="'organization'", address="c.address", id_number="c.credit_code",
            role="'企业登记'",
        ) + " FROM companies AS c WHERE c.name IS NOT NULL",
    ),
    Source(
        "company_reps", "companies",
        "SELECT " + _select(
            mention_id="'companies.rep:' || c.credit_code", source="'company_reps'",
            name="c.legal_rep_name", kind="'person'", id_number="c.legal_rep_id",
            role="coalesce(c.rep_title, '法定代表人')",
        ) + " FROM companies AS c WHERE c.legal_rep_name IS NOT NULL",
    ),
    Source(
        "execution_applicants", "execution_cases",
        "SELECT " + _select(
            mention_id="'execution_cases.applicant:' || e.case_number || ':' || "
            "coalesce(e.respondent_key, '')",
            source="'execution_applicants'", name="e.applicant_name", kind="e.applicant_kind",
            id_number="e.applicant_key", court="e.court", role="'申请执行人'", side="'applicant'",
        ) + " FROM execution_cases AS e WHERE e.applicant_name IS NOT NULL",
    ),
    Source(
        "execution_respondents", "execution_cases",
        "SELECT " + _select(
            mention_id="'execution_cases.respondent:' || e.case_number || ':' || "
            "coalesce(e.respondent_key, '')",
            source="'execution_respondents'", name="e.respondent_name",
            kind="e.respondent_kind", id_number="e.respondent_key", court="e.court",
            role="'被执行人'", side="'respondent'",
        ) + " FROM execution_cases AS e WHERE e.respondent_name IS NOT NULL",
    ),
    Source(
        "dishonest_debtors", "dishonest_debtors",
        "SELECT " + _select(
            mention_id="'dishonest_debtors:' || d.case_number || ':' || coalesce(d.key, '')",
            source="'dishonest_debtors'", name="d.name", kind="d.kind", sex="d.sex",
            birth_year="d.birth_year", id_number="d.key", court="d.court",
            role="'失信被执行人'", side="'respondent'",
        ) + " FROM dishonest_debtors AS d WHERE d.name IS NOT NULL",
    ),
    Source(
        "consumption_bans", "consumption_bans",
        "SELECT " + _select(
            mention_id="'consumption_bans:' || b.case_number || ':' || coalesce(b.key, '')",
            source="'consumption_bans'", name="b.name", kind="b.kind", id_number="b.key",
            court="b.court", role="'限制高消费'", side="'respondent'",
        ) + " FROM consumption_bans AS b WHERE b.name IS NOT NULL",
    ),
)

SOURCE_TABLES = tuple(dict.fromkeys(s.table for s in SOURCES))

MENTION_SCHEMA = pa.schema(
    [
        ("mention_id", pa.string()),
        ("source", pa.string()),
        ("doc_id", pa.string()),
        ("party_idx", pa.int32()),
        ("name", pa.string()),
        ("normalized_name", pa.string()),
        ("masked", pa.bool_()),
        ("surname", pa.string()),
        ("kind", pa.string()),
        ("sex", pa.string()),
        ("birth_date", pa.date32()),
        ("birth_year", pa.int32()),
        ("ethnicity", pa.string()),
        ("address", pa.string()),
        ("district", pa.string()),
        ("id_key", pa.string()),
        ("id_kind", pa.string()),
        ("court", pa.string()),
        ("role", pa.string()),
        ("side", pa.string()),
    ]
)


def read_raw(engine: Engine) -> pa.Table:
    """Raw mention rows of every source whose tables exist, in source order."""
    parts = []
    for source in SOURCES:
        if not engine.table_exists(source.table):
            continue
        if source.table == "parties" and not engine.table_exists("cases"):
            sql = source.sql.replace("c.court", "CAST(NULL AS VARCHAR)").replace(
                " LEFT JOIN cases AS c ON c.doc_id = p.doc_id", ""
            )
        else:
            sql = source.sql
        parts.append(engine.query(sql))
    if not parts:
        return pa.table({c: pa.array([], pa.string()) for c in RAW_COLUMNS})
    return pa.concat_tables(parts, promote_options="permissive")


def _kind(raw_kind: Any, id_kind: str | None) -> str | None:
    if raw_kind in (PERSON, ORGANIZATION):
        return str(raw_kind)
    if id_kind == "ric":
        return PERSON
    if id_kind == "uscc":
        return ORGANIZATION
    return None


def normalize_row(row: dict[str, Any]) -> dict[str, Any]:
    """One raw mention row → one row of `MENTION_SCHEMA`."""
    parsed = parse_id(row.get("id_number"))
    id_kind = parsed.kind if parsed is not None else None
    kind = _kind(row.get("kind"), id_kind)
    info = name_info(str(row["name"]), kind)
    if kind is None:
        kind = PERSON if info.surname is not None else ORGANIZATION
    if kind == PERSON and id_kind == "uscc" or kind == ORGANIZATION and id_kind == "ric":
        parsed, id_kind = None, None  # a key of the wrong kind is not this party's key
    birth: dt.date | None = row.get("birth_date")
    sex = row.get("sex") if row.get("sex") in ("男", "女") else None
    if parsed is not None and parsed.kind == "ric":
        birth = birth or parsed.birth_date
        sex = sex or parsed.sex
    birth_year = row.get("birth_year") or (birth.year if birth is not None else None)
    address = normalize_address(row.get("address"))
    return {
        "mention_id": row["mention_id"],
        "source": row["source"],
        "doc_id": row.get("doc_id"),
        "party_idx": row.get("party_idx"),
        "name": row["name"],
        "normalized_name": info.normalized,
        "masked": info.masked,
        "surname": info.surname,
        "kind": kind,
        "sex": sex if kind == PERSON else None,
        "birth_date": birth if kind == PERSON else None,
        "birth_year": birth_year if kind == PERSON else None,
        "ethnicity": row.get("ethnicity") if kind == PERSON else None,
        "address": address,
        "district": district_of(address),
        "id_key": parsed.key if parsed is not None else None,
        "id_kind": id_kind,
        "court": row.get("court"),
        "role": row.get("role"),
        "side": row.get("side"),
    }


def normalize_rows(raw: pa.Table) -> pa.Table:
    """Raw mention rows → `MENTION_SCHEMA` rows, sorted by mention id, duplicates dropped."""
    rows = _normalized(raw.to_pylist())
    table = pa.Table.from_pylist(rows, schema=MENTION_SCHEMA)
    return table


def _normalized(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out = []
    for row in rows:
        if not row.get("name") or not str(row["name"]).strip():
            continue
        if row["mention_id"] in seen:
            continue
        seen.add(row["mention_id"])
        out.append(normalize_row(row))
    out.sort(key=lambda r: r["mention_id"])
    return out


def build_mentions(engine: Engine) -> pa.Table:
    """Every mention in the store, normalised (`MENTION_SCHEMA`)."""
    return normalize_rows(read_raw(engine))
