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

from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

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


def _unique_map(column: pa.ChunkedArray) -> tuple[list[Any], pa.Array]:
    """The distinct values of a column and, per row, the index of its value (null stays null)."""
    encoded = column.combine_chunks().dictionary_encode()
    return encoded.dictionary.to_pylist(), encoded.indices


def _spread(values: list[Any], indices: pa.Array, type_: pa.DataType) -> pa.Array:
    """Per-row values from per-distinct-value results."""
    return pc.take(pa.array(values, type_), indices)


def normalize_rows(raw: pa.Table) -> pa.Table:
    """Raw mention rows → `MENTION_SCHEMA` rows, sorted by mention id, duplicates dropped.

    Names, keys and addresses repeat a lot, so each distinct value is parsed once in Python
    and the results are spread back over the rows with Arrow.
    """
    raw = raw.filter(pc.invert(pc.is_null(raw.column("name"))))
    raw = raw.filter(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(raw.column("name"))), 0))
    raw = raw.take(pc.sort_indices(raw, [("mention_id", "ascending")]))
    ids = raw.column("mention_id").combine_chunks()
    if len(ids) > 1:  # first row of each mention id
        keep = pc.not_equal(ids.slice(1), ids.slice(0, len(ids) - 1))
        raw = raw.filter(pa.concat_arrays([pa.array([True]), keep.fill_null(True)]))

    # keys: valid ID numbers and credit codes
    key_values, key_idx = _unique_map(raw.column("id_number").cast(pa.string()))
    parsed = [parse_id(v) for v in key_values]
    id_key = _spread([p.key if p else None for p in parsed], key_idx, pa.string())
    id_kind = _spread([p.kind if p else None for p in parsed], key_idx, pa.string())
    id_birth = _spread([p.birth_date if p else None for p in parsed], key_idx, pa.date32())
    id_sex = _spread([p.sex if p else None for p in parsed], key_idx, pa.string())

    # kind: as given, else from the key, else from the name
    given = raw.column("kind").cast(pa.string())
    known = pc.is_in(given, pa.array([PERSON, ORGANIZATION]))
    from_key = pc.if_else(pc.equal(id_kind, "ric"), PERSON,
                          pc.if_else(pc.equal(id_kind, "uscc"), ORGANIZATION, None))
    kind = pc.if_else(known, given, from_key)

    # names
    name_kind = pc.binary_join_element_wise(
        raw.column("name").cast(pa.string()), pc.fill_null(kind, ""), "\x1f"
    )
    pair_values, pair_idx = _unique_map(name_kind)
    infos = []
    for value in pair_values:
        name, _, k = value.partition("\x1f")
        infos.append(name_info(name, k or None))
    normalized = _spread([i.normalized for i in infos], pair_idx, pa.string())
    masked = _spread([i.masked for i in infos], pair_idx, pa.bool_())
    surname = _spread([i.surname for i in infos], pair_idx, pa.string())
    kind = pc.if_else(pc.is_null(kind),
                      pc.if_else(pc.is_null(surname), ORGANIZATION, PERSON), kind)
    is_person = pc.equal(kind, PERSON)

    # a key of the other kind is not this party's key
    wrong = pc.or_(pc.and_(is_person, pc.equal(id_kind, "uscc")),
                   pc.and_(pc.invert(is_person), pc.equal(id_kind, "ric")))
    wrong = pc.fill_null(wrong, False)
    none = pa.scalar(None, pa.string())
    id_key = pc.if_else(wrong, none, id_key)
    id_kind = pc.if_else(wrong, none, id_kind)
    id_birth = pc.if_else(wrong, pa.scalar(None, pa.date32()), id_birth)
    id_sex = pc.if_else(wrong, none, id_sex)

    sex_given = raw.column("sex").cast(pa.string())
    sex_given = pc.if_else(pc.is_in(sex_given, pa.array(["男", "女"])), sex_given, none)
    sex = pc.if_else(is_person, pc.coalesce(sex_given, id_sex), none)
    birth = pc.if_else(is_person, pc.coalesce(raw.column("birth_date").cast(pa.date32()), id_birth),
                       pa.scalar(None, pa.date32()))
    birth_year = pc.if_else(
        is_person,
        pc.coalesce(raw.column("birth_year").cast(pa.int32()), pc.year(birth).cast(pa.int32())),
        pa.scalar(None, pa.int32()),
    )
    ethnicity = pc.if_else(is_person, raw.column("ethnicity").cast(pa.string()), none)

    address_values, address_idx = _unique_map(raw.column("address").cast(pa.string()))
    addresses = [normalize_address(a) for a in address_values]
    address = _spread(addresses, address_idx, pa.string())
    district = _spread([district_of(a) for a in addresses], address_idx, pa.string())

    columns = {
        "mention_id": raw.column("mention_id"),
        "source": raw.column("source"),
        "doc_id": raw.column("doc_id"),
        "party_idx": raw.column("party_idx"),
        "name": raw.column("name"),
        "normalized_name": normalized,
        "masked": masked,
        "surname": surname,
        "kind": kind,
        "sex": sex,
        "birth_date": birth,
        "birth_year": birth_year,
        "ethnicity": ethnicity,
        "address": address,
        "district": district,
        "id_key": id_key,
        "id_kind": id_kind,
        "court": raw.column("court"),
        "role": raw.column("role"),
        "side": raw.column("side"),
    }
    arrays = [pc.cast(columns[f.name], f.type) for f in MENTION_SCHEMA]
    return pa.Table.from_arrays(arrays, schema=MENTION_SCHEMA)


def build_mentions(engine: Engine) -> pa.Table:
    """Every mention in the store, normalised (`MENTION_SCHEMA`)."""
    return normalize_rows(read_raw(engine))
