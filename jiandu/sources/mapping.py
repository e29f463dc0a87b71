"""Apply a declaration to a batch of export rows: the canonical rows, and the rows that fail.

The batch arrives as an Arrow table of strings (the export's own columns). Each canonical
column is taken from the first declared export column holding a value, trimmed, passed through
the code list, the transform and the conversion to the column's type. Conversions run once
per distinct value (Arrow dictionary-encodes the column and the one scalar definition of each
normalisation, e.g. `jiandu.inputs.identifiers.normalize_key`, converts the dictionary), so a
register with repeated courts, dates and keys costs little Python per row.

A row fails with the first problem found, naming the export column and the canonical column.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from jiandu.documents.case_number import normalise_case_number
from jiandu.inputs.identifiers import (
    ALL_KEY_KINDS,
    KeyProblem,
    normalize_key,
    normalize_passport,
    normalize_plate,
    normalize_plate_colour,
)
from jiandu.privacy.pseudonyms import KEY_KIND_OF_DOMAIN, KINDS, PseudonymProblem, parse_pseudonym
from jiandu.schema.registry import _ARROW_TYPES
from jiandu.sources.fastcheck import may_match, trim
from jiandu.sources.model import ColumnMap, Source, register_rules

FULL_KEYS = frozenset({"ric", "ric15", "uscc"})
ORG_KEYS = frozenset({"uscc", "org_code"})
_TRUE = {"true", "1", "yes", "y", "t", "是"}
_FALSE = {"false", "0", "no", "n", "f", "否"}
_EMPTY_DATES = {dt.date(1900, 1, 1), dt.date(1, 1, 1)}  # "no date" in agency systems
_MOJIBAKE = r"\x{FFFD}|锟斤拷|魹ｽ|Ã[\x{80}-\x{BF}]|è¯|ä»¶"
_NUMBER_NOISE = re.compile(r"[,\s\u2009\u202f\u00a0元]")
_CN_DATE = re.compile(r"^(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
MEMO_LIMIT = 2_000_000  # distinct values remembered per column of a file


class Problem(ValueError):
    """One value cannot be stored; the message says why (without the column)."""


@dataclass(frozen=True, slots=True)
class _Failed:
    message: str


@dataclass(frozen=True, slots=True)
class Column:
    """One canonical column of the plan: where it comes from and how it is converted."""

    name: str
    type: str
    headers: tuple[str, ...]  # export columns present in the file, in declared order
    mapping: ColumnMap
    accept: frozenset[str] | None  # key kinds for key columns, else None
    pseudonym: str | None = None  # pseudonymised source: identifier kind, or "derived" (birth year, sex)
    key_id: str | None = None  # the key id its pseudonyms must carry

    @property
    def label(self) -> str:
        return self.headers[0] if self.headers else f"({self.name})"


@dataclass(frozen=True, slots=True)
class Plan:
    """A source applied to one file's header."""

    source: Source
    columns: tuple[Column, ...]
    ignored: tuple[str, ...]  # export columns no canonical column reads
    required: tuple[str, ...]  # canonical columns that may not be empty (required + key)
    converters: dict[str, Callable[[str], Any]] = field(default_factory=dict)  # by column, per file
    # by column, per file: the values converted in earlier batches, their results and problems
    known: dict[str, tuple[pa.Array, pa.Array, pa.Array]] = field(default_factory=dict)

    def converter(self, column: Column) -> Callable[[str], Any]:
        if column.name not in self.converters:
            self.converters[column.name] = converter(column)
        return self.converters[column.name]


class MissingColumns(ValueError):
    """The file lacks the export columns of required canonical columns."""


def plan(source: Source, header: list[str], *, partial_header: bool = False) -> Plan:
    """Match the declaration to a header. ``partial_header``: the header is only what the first
    records showed (JSON), so a declared column absent from it is still read."""
    schema = source.table_schema
    types = {c.name: c.type for c in schema.columns}
    rules = register_rules()[source.table]
    present = set(header)
    columns = []
    used: set[str] = set()
    for name, mapping in source.columns.items():
        headers = tuple(h for h in mapping.from_ if partial_header or h in present)
        used.update(headers)
        accept: frozenset[str] | None = None
        if name in rules["masked_id_columns"]:
            accept = ALL_KEY_KINDS
        elif name in rules["id_columns"]:
            accept = FULL_KEYS
        elif mapping.transform in {"key", "key_kind", "kind_from_key", "birth_year_from_key", "sex_from_key"}:
            accept = ALL_KEY_KINDS
        columns.append(_pseudonymised(source, Column(name, types[name], headers, mapping, accept), present))
    required = tuple(dict.fromkeys(rules["required"] + rules["key"]))
    by_name = {c.name: c for c in columns}
    missing = [
        f"{c} ({' | '.join(by_name[c].mapping.from_)})"
        for c in required
        if by_name[c].mapping.value is None and not by_name[c].headers
    ]
    if missing:
        raise MissingColumns(f"header lacks the column(s) for {', '.join(missing)}")
    ignored = tuple(h for h in header if h not in used)
    return Plan(source, tuple(columns), ignored, required)


_DERIVED = {"birth_year_from_key": ("birth_year", "birth_date"), "sex_from_key": ("sex",)}


def _pseudonymised(source: Source, column: Column, present: set[str]) -> Column:
    """In a pseudonymised source, a column read from identifier columns holds pseudonyms; a
    birth year or sex taken from an ID number is read from the derived columns the source
    declares instead (absent: empty)."""
    if source.pseudonymised is None or not column.mapping.from_:
        return column
    declared = [source.identifiers.get(h) for h in column.mapping.from_]
    if not all(declared):
        if column.accept is None:
            return column
        # an undeclared key column: organisations' codes only (a person's number would be raw)
        return Column(column.name, column.type, column.headers, column.mapping, column.accept & ORG_KEYS)
    key_id = source.pseudonymised.key_id
    transform = column.mapping.transform
    if transform in _DERIVED:
        headers = tuple(
            derived
            for identifier in declared
            if identifier
            for attribute in _DERIVED[transform]
            if (derived := identifier.derived.get(attribute)) and derived in present
        )
        return Column(column.name, column.type, headers[:1], column.mapping, None, "derived", key_id)
    kinds = {identifier.kind for identifier in declared if identifier}
    kind = "document" if "document" in kinds else "key" if "key" in kinds else kinds.pop()
    return Column(column.name, column.type, column.headers, column.mapping, column.accept, kind, key_id)


def _from_pseudonym(text: str, column: Column) -> Any:
    """A value of a pseudonymised column: a pseudonym under the declared key and of a domain its
    kind allows (or an organisation's code, public, in a ``key`` column)."""
    transform = column.mapping.transform
    if column.pseudonym == "derived":
        if transform == "birth_year_from_key":
            year = text[:4]
            if not year.isdigit():
                raise Problem("derived birth year is not a year")
            return int(year)
        if text not in {"男", "女"}:
            raise Problem("derived sex is not 男 or 女")
        return text
    try:
        pseudonym = parse_pseudonym(text)
    except PseudonymProblem as exc:
        refused = Problem(f"{exc}; raw identifiers are not accepted from this source (value not kept)")
        if column.pseudonym != "key":
            raise refused from None
        try:  # a ``key`` column keeps organisations' codes (public) as they are
            key = normalize_key(text, ORG_KEYS)
        except KeyProblem:
            raise refused from None
        return {"key_kind": key.kind, "kind_from_key": "organization"}.get(transform or "", key.value)
    if pseudonym.key_id != column.key_id:
        raise Problem(
            f"pseudonym made with key {pseudonym.key_id}, the source declares key {column.key_id}: "
            "pseudonyms of different keys never match; have the agency pseudonymise again with the same key"
        )
    domains = KINDS[column.pseudonym or ""]
    if pseudonym.domain not in domains:
        raise Problem(f"a pseudonym of domain {pseudonym.domain} where {column.pseudonym} is declared")
    if column.accept is not None and "ric_masked" not in column.accept and pseudonym.domain == "M":
        raise Problem("pseudonym of a masked ID number where a full one is required")
    if transform == "key_kind":
        return KEY_KIND_OF_DOMAIN.get(pseudonym.domain)
    if transform == "kind_from_key":
        return "person"
    return text


# -- scalar conversions (one per distinct value) ---------------------------------------------


def parse_date(text: str) -> dt.date | None:
    """ISO, 20170209, 2017年09月27日, 2017/9/27, `2017-09-27 00:00:00.0`, Excel serials;
    1900-01-01 and 0001-01-01 mean no date (None)."""
    value: dt.date
    if text.isdigit() and len(text) == 8:
        try:
            value = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            raise Problem(f"{text!r} is not a date") from None
    elif text == "0":
        return None  # serial 0: empty
    elif text.isdigit() and len(text) == 5:  # an Excel serial (10000 = 1927-05-18)
        value = _EXCEL_EPOCH + dt.timedelta(days=int(text))
    else:
        m = _CN_DATE.match(text)
        if not m:
            raise Problem(f"{text!r} is not a date")
        try:
            value = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise Problem(f"{text!r} is not a date") from None
    return None if value in _EMPTY_DATES else value


def parse_timestamp(text: str) -> dt.datetime | None:
    """ISO date-times (space or T; a stated offset is converted to Beijing time), epoch
    milliseconds; stored naive in the source's time zone (Asia/Shanghai)."""
    if text.isdigit() and len(text) == 13:
        utc = dt.datetime.fromtimestamp(int(text) / 1000, dt.UTC)
        return (utc + dt.timedelta(hours=8)).replace(tzinfo=None)
    cleaned = re.sub(r"\.0$", "", text.strip())
    try:
        value = dt.datetime.fromisoformat(cleaned)
    except ValueError:
        day = parse_date(cleaned)
        return dt.datetime(day.year, day.month, day.day) if day else None
    if value.tzinfo is not None:
        value = (value.astimezone(dt.UTC) + dt.timedelta(hours=8)).replace(tzinfo=None)
    return value


def _number(text: str, scale: float | None) -> float:
    try:
        value = float(_NUMBER_NOISE.sub("", text))
    except ValueError:
        raise Problem(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise Problem(f"{text!r} is not a number")
    return value * scale if scale else value


def _integer(text: str, scale: float | None, kind: str = "BIGINT") -> int:
    value = _number(text, scale)
    if value != int(value):
        raise Problem(f"{text!r} is not a whole number")
    limit = _INTEGER_RANGE.get(kind, 2**63)
    if not -limit <= int(value) < limit:
        raise Problem(f"{text!r} is out of range for {kind.lower()}")
    return int(value)


def _boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise Problem(f"{text!r} is not true/false (是/否)")


def _typed(text: str, kind: str, scale: float | None) -> Any:
    if kind == "VARCHAR":
        return text
    if kind in {"INTEGER", "BIGINT"}:
        return _integer(text, scale, kind)
    if kind == "DOUBLE":
        return _number(text, scale)
    if kind == "DATE":
        return parse_date(text)
    if kind == "TIMESTAMP":
        return parse_timestamp(text)
    if kind == "BOOLEAN":
        return _boolean(text)
    raise Problem(f"unsupported column type {kind}")


def _key(text: str, accept: frozenset[str] | None) -> Any:
    try:
        return normalize_key(text, accept or ALL_KEY_KINDS)
    except KeyProblem as exc:
        raise Problem(str(exc)) from None


def converter(column: Column) -> Callable[[str], Any]:
    """value (trimmed, non-empty) → stored value; raises `Problem`."""
    mapping, kind = column.mapping, column.type
    codes = mapping.codes
    transform = mapping.transform
    memo: dict[str, Any] = {}

    def convert(text: str) -> Any:
        if text in memo:  # each distinct value of a column is converted once per file
            known = memo[text]
            if isinstance(known, _Failed):
                raise Problem(known.message)
            return known
        try:
            result = _convert(text)
        except Problem as exc:
            if len(memo) < MEMO_LIMIT:
                memo[text] = _Failed(str(exc))
            raise
        if len(memo) < MEMO_LIMIT:
            memo[text] = result
        return result

    def _convert(text: str) -> Any:
        if codes is not None:
            if text not in codes:
                shown = ", ".join(list(codes)[:12])
                raise Problem(f"code {text!r} is not in the declared code list ({shown})")
            text = codes[text]
        if column.pseudonym is not None:
            return _from_pseudonym(text, column)
        if transform is None and column.accept is not None:
            return _key(text, column.accept).value
        if transform is None:
            return _typed(text, kind, mapping.scale)
        if transform == "key":
            return _key(text, column.accept).value
        if transform == "key_kind":
            return _key(text, column.accept).kind
        if transform == "kind_from_key":
            return "person" if _key(text, column.accept).is_person else "organization"
        if transform == "birth_year_from_key":
            return _key(text, column.accept).birth_year
        if transform == "sex_from_key":
            return _key(text, column.accept).sex
        if transform == "case_number":
            return normalise_case_number(text)
        try:
            if transform == "plate":
                return normalize_plate(text)
            if transform == "plate_colour":
                return normalize_plate_colour(text)
            if transform == "passport":
                return normalize_passport(text)
        except KeyProblem as exc:
            raise Problem(str(exc)) from None
        raise Problem(f"unknown transform {transform}")

    return convert


@lru_cache(maxsize=64)
def _arrow_type(kind: str) -> pa.DataType:
    return _ARROW_TYPES[kind]


# -- columns of a batch ------------------------------------------------------------------------


def _clean(array: pa.Array) -> pa.Array:
    """Trimmed strings; empty → null."""
    trimmed = trim(array.cast(pa.string()))
    if not len(trimmed) or pc.min(pc.binary_length(trimmed)).as_py() != 0:
        return trimmed  # the readers give null for empty cells: usually nothing to do
    empty = pc.equal(trimmed, "")
    return pc.if_else(empty, pa.scalar(None, pa.string()), trimmed)


def _raw_column(batch: pa.Table, column: Column) -> pa.Array:
    n = batch.num_rows
    if column.mapping.value is not None:
        return pa.array([column.mapping.value] * n, pa.string())
    parts = [_clean(batch.column(h).combine_chunks()) for h in column.headers if h in batch.column_names]
    if not parts:
        return pa.nulls(n, pa.string())
    return parts[0] if len(parts) == 1 else pc.coalesce(*parts)


_PLAIN_NUMBER = {  # numerals Arrow converts exactly as `_number`/`_integer` do, within range
    "DOUBLE": r"^-?[0-9]{1,15}(\.[0-9]{1,6})?$",
    "INTEGER": r"^-?[0-9]{1,9}$",
    "BIGINT": r"^-?[0-9]{1,15}$",
}
_INTEGER_RANGE = {"INTEGER": 2**31, "BIGINT": 2**63}


def _fast_numbers(raw: pa.Array, column: Column) -> tuple[pa.Array, pa.Array] | None:
    """For a plain number column: (values Arrow converts, the raw values it left for the scalar
    conversion). A plain numeral (digits, optional decimals) converts the same either way, so
    `_number`/`_integer` stay the one definition of what a value means."""
    mapping = column.mapping
    if column.type not in _PLAIN_NUMBER or mapping.codes is not None or mapping.transform:
        return None
    if mapping.scale is not None and column.type != "DOUBLE":
        return None  # a scaled whole number may not stay whole: the scalar path says so
    plain = pc.fill_null(pc.match_substring_regex(raw, _PLAIN_NUMBER[column.type]), False)
    numbers = pc.cast(pc.if_else(plain, raw, pa.scalar(None, pa.string())), pa.float64())
    if mapping.scale:
        numbers = pc.multiply(numbers, mapping.scale)
    values = numbers if column.type == "DOUBLE" else pc.cast(numbers, _arrow_type(column.type))
    rest = pc.if_else(plain, pa.scalar(None, pa.string()), raw)
    return values, rest


@dataclass(slots=True)
class Applied:
    rows: pa.Table  # canonical rows that passed (without provenance)
    positions: pa.Array  # their positions in the batch
    failures: list[tuple[int, str, str]]  # (position, export column, message)


def _convert_distinct(
    plan_: Plan, column: Column, values: pa.Array, target: pa.DataType
) -> tuple[pa.Array, pa.Array]:
    """Each distinct value of a batch converted (and its problem, or null): values seen in an
    earlier batch of the file are looked up in Arrow, only new ones pass through Python."""
    known = plan_.known.get(column.name)
    fresh = values
    if known is not None:
        fresh = values.filter(pc.is_null(pc.index_in(values, value_set=known[0])))
    convert = plan_.converter(column)
    converted: list[Any] = []
    problems: list[str | None] = []
    for value in fresh.to_pylist():
        try:
            converted.append(convert(value))
            problems.append(None)
        except Problem as exc:
            converted.append(None)
            problems.append(str(exc))
    added = (fresh, pa.array(converted, target), pa.array(problems, pa.string()))
    if known is None:
        known = added
    elif len(fresh):
        known = tuple(pa.concat_arrays([old, new]) for old, new in zip(known, added, strict=True))
    if len(known[0]) <= MEMO_LIMIT:
        plan_.known[column.name] = known
    if len(fresh) == len(values) and known is added:
        return added[1], added[2]
    at = pc.index_in(values, value_set=known[0])
    return known[1].take(at), known[2].take(at)


def apply(plan_: Plan, batch: pa.Table) -> Applied:
    """Convert a batch; rows with a problem are left out and listed in ``failures``."""
    n = batch.num_rows
    first_error: dict[int, tuple[str, str]] = {}
    out: dict[str, pa.Array] = {}
    for column in plan_.columns:
        raw = _raw_column(batch, column)
        target = _arrow_type(column.type)
        plain = (
            column.type == "VARCHAR"
            and column.mapping.transform is None
            and column.mapping.codes is None
            and column.accept is None
            and column.pseudonym is None
        )
        if plain:
            out[column.name] = raw
            if not may_match(raw, _MOJIBAKE):  # none of the column's bytes look mis-decoded
                continue
            bad = pc.fill_null(pc.match_substring_regex(raw, _MOJIBAKE), False)
            if pc.any(bad).as_py():
                for i in pc.indices_nonzero(bad).to_pylist():
                    first_error.setdefault(
                        i,
                        (
                            column.label,
                            f"{column.name}: mis-decoded text (mojibake); the export's "
                            "encoding is wrong, the value is not repaired",
                        ),
                    )
            continue
        fast = _fast_numbers(raw, column)
        if fast is not None:  # plain numerals converted by Arrow; the rest below, one by one
            out_fast, raw = fast
        encoded = pc.dictionary_encode(raw)
        converted_values, problem_values = _convert_distinct(plan_, column, encoded.dictionary, target)
        indices = encoded.indices
        out[column.name] = converted_values.take(indices)
        if fast is not None:
            out[column.name] = pc.coalesce(out_fast, out[column.name])
        if problem_values.null_count < len(problem_values):
            problems = problem_values.take(indices)
            for i in pc.indices_nonzero(pc.is_valid(problems)).to_pylist():
                first_error.setdefault(i, (column.label, f"{column.name}: {problems[i].as_py()}"))
    for name in plan_.required:
        empty = pc.is_null(out[name])
        if pc.any(empty).as_py():
            label = next(c.label for c in plan_.columns if c.name == name)
            for i in pc.indices_nonzero(empty).to_pylist():
                first_error.setdefault(i, (label, f"{name}: required value is empty"))
    table = pa.table(out) if out else pa.table({"_": pa.nulls(n)})
    if first_error:
        keep = pa.array([i not in first_error for i in range(n)])
        positions = pc.indices_nonzero(keep)
        table = table.take(positions)
    else:
        positions = pa.array(range(n), pa.uint64())
    failures = [(i, col, msg) for i, (col, msg) in sorted(first_error.items())]
    return Applied(table, positions, failures)
