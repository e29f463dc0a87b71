"""The declaration of a source (数据源登记), validated in full when it is loaded.

A declaration is hostile input (an office shares it, an engineer edits it by hand): every field
is typed, unknown keys are refused, the target table and every target column must be declared
canonical register columns (an allowlist: nothing else can be written), transforms and code
lists are data from fixed vocabularies (nothing is executed), and every list, mapping and string
has a size limit.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from jiandu.schema import canonical_tables
from jiandu.schema.registry import TableSchema

SOURCE_ID_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"
MAX_SOURCE_BYTES = 256 * 1024
MAX_COLUMNS = 200
MAX_ALTERNATIVES = 20
MAX_CODES = 5000
MAX_PATTERNS = 20
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

Text = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Header = Annotated[str, StringConstraints(min_length=1, max_length=128)]

# What a source may do to a value, by name (a fixed vocabulary: a declaration executes nothing).
# output type of each transform; "value" means the target column's own type
TRANSFORMS: dict[str, str] = {
    "key": "VARCHAR",  # person or organisation key (kinds the table column accepts)
    "key_kind": "VARCHAR",  # ric | ric15 | ric_masked | uscc | org_code of that key
    "kind_from_key": "VARCHAR",  # person | organization, from the key's kind
    "birth_year_from_key": "INTEGER",  # from a full or masked ID number
    "sex_from_key": "VARCHAR",  # 男 | 女, from a full or masked ID number
    "case_number": "VARCHAR",  # full-width brackets, no spaces (the case_number contract)
    "plate": "VARCHAR",  # 车牌号 without separators
    "plate_colour": "VARCHAR",  # JT/T 697.7 code or text → colour name
    "passport": "VARCHAR",  # 护照号码
}
SENSITIVITY_ZH = {"public": "公开", "internal": "内部", "sensitive": "敏感", "secret": "涉密"}
REFRESH_ZH = {
    "once": "一次性",
    "daily": "每日",
    "weekly": "每周",
    "monthly": "每月",
    "quarterly": "每季度",
    "yearly": "每年",
    "on_request": "按需调取",
}


class SourceError(ValueError):
    """A declaration is invalid or cannot be read; the message names the problems."""


def _plain(value: str, what: str) -> str:
    if _CONTROL.search(value):
        raise ValueError(f"{what} contains control characters")
    return value


@cache
def register_tables() -> dict[str, TableSchema]:
    """The tables a source may feed: those declared in registers.yaml."""
    from importlib import resources

    import yaml

    names = [
        name
        for name in yaml.safe_load(
            resources.files("jiandu.schema").joinpath("registers.yaml").read_text("utf-8")
        )
        if not name.startswith("_")
    ]
    tables = canonical_tables()
    return {name: tables[name] for name in names}


@cache
def register_rules() -> dict[str, dict[str, tuple[str, ...]]]:
    """Per register table: required, key, id_columns and masked_id_columns."""
    from importlib import resources

    import yaml

    raw = yaml.safe_load(resources.files("jiandu.schema").joinpath("registers.yaml").read_text("utf-8"))
    return {
        name: {
            "required": tuple(spec.get("required", [])),
            "key": tuple(spec.get("key", [])),
            "id_columns": tuple(spec.get("id_columns", [])),
            "masked_id_columns": tuple(spec.get("masked_id_columns", [])),
        }
        for name, spec in raw.items()
        if not name.startswith("_")
    }


PROVENANCE_COLUMNS = ("source_id", "source_file", "source_row", "load_id")


class LegalBasis(BaseModel):
    """Why the procuratorate may hold the data (law and article)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    law: Text
    article: ShortText | None = None
    text: Text | None = None


class Files(BaseModel):
    """How the agency's files look."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: list[Literal["csv", "xlsx", "parquet", "json", "jsonl"]] = Field(min_length=1, max_length=5)
    names: list[Header] = Field(min_length=1, max_length=MAX_PATTERNS)
    encoding: Literal["auto", "utf-8", "gb18030"] = "auto"
    delimiter: Literal[",", "\t", "|", ";"] = ","
    header_rows: int = Field(default=1, ge=1, le=3)
    title_rows: int | Literal["auto"] = "auto"
    sheet: ShortText | None = None
    footer_markers: list[ShortText] = Field(
        default_factory=lambda: ["合计", "总计", "制表人", "制表：", "审核人", "填表人"], max_length=20
    )

    @field_validator("names")
    @classmethod
    def _names(cls, value: list[str]) -> list[str]:
        for pattern in value:
            _plain(pattern, "file name pattern")
            if "/" in pattern or "\\" in pattern or ".." in pattern:
                raise ValueError(f"file name pattern {pattern!r} may not name a folder")
        return value

    @field_validator("title_rows")
    @classmethod
    def _title_rows(cls, value: int | str) -> int | str:
        if isinstance(value, int) and not 0 <= value <= 50:
            raise ValueError("title_rows must lie within 0..50 (or be auto)")
        return value


class ColumnMap(BaseModel):
    """Where one canonical column comes from.

    ``from``: the export's column names that hold it (the first one present and non-empty in a
    row wins; a merged two-row header is written ``group/column``). ``value``: a constant
    instead. ``codes``: the agency's code list (code → canonical value); a code not in the list
    quarantines the row. ``transform``: one of `TRANSFORMS`. ``scale``: multiply a number (万元
    → 元: 10000).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_: list[Header] = Field(default_factory=list, alias="from", max_length=MAX_ALTERNATIVES)
    value: ShortText | None = None
    codes: dict[ShortText, ShortText] | None = Field(default=None, max_length=MAX_CODES)
    transform: str | None = None
    scale: float | None = Field(default=None, gt=0, le=1e9)

    @field_validator("from_", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("from_")
    @classmethod
    def _headers(cls, value: list[str]) -> list[str]:
        for header in value:
            _plain(header, "column name")
        return value

    @field_validator("transform")
    @classmethod
    def _transform(cls, value: str | None) -> str | None:
        if value is not None and value not in TRANSFORMS:
            raise ValueError(f"unknown transform {value!r}; known: {', '.join(TRANSFORMS)}")
        return value

    @model_validator(mode="after")
    def _one_origin(self) -> ColumnMap:
        if bool(self.from_) == (self.value is not None):
            raise ValueError("give either from (export column names) or value (a constant)")
        return self


PSEUDONYM_KEY_ID = r"^[A-Z0-9]{1,16}$"
MAX_IDENTIFIERS = 50


class Identifier(BaseModel):
    """An export column holding personal identifiers (ID numbers, documents, phones, names), which
    `jiandu sources pseudonymise` replaces by keyed pseudonyms. ``birth_date``, ``birth_year``,
    ``sex``: columns it adds with what an ID number shows (non-identifying attributes a model
    needs, e.g. age at check-in), only when declared."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["id_number", "key", "document", "phone", "name"]
    birth_date: Header | None = None
    birth_year: Header | None = None
    sex: Header | None = None

    @model_validator(mode="before")
    @classmethod
    def _kind_only(cls, value: Any) -> Any:
        return {"kind": value} if isinstance(value, str) else value

    @property
    def derived(self) -> dict[str, str]:
        """attribute (birth_date | birth_year | sex) → the export column it is written to."""
        pairs = (("birth_date", self.birth_date), ("birth_year", self.birth_year), ("sex", self.sex))
        return {name: header for name, header in pairs if header}


class Pseudonymised(BaseModel):
    """The files of this source arrive pseudonymised (`jiandu sources pseudonymise`) under one key:
    identifier columns hold pseudonyms, checked for form and key id instead of check digits; other
    key columns accept organisations' codes only. A raw personal identifier quarantines the row and
    is not kept (the quarantined row is masked)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key_id: str = Field(pattern=PSEUDONYM_KEY_ID)


class Source(BaseModel):
    """One declared source: who sends what, on which legal basis, mapped onto which table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=SOURCE_ID_PATTERN, max_length=80)
    version: int = Field(default=1, ge=1, le=1_000_000)
    agency: ShortText  # 法院, 公安, 民航, 铁路, 不动产登记, 车管, 市场监管, 保险行业 …
    dataset: ShortText  # 失信被执行人名单 …
    description: Text | None = None
    legal_basis: list[LegalBasis] = Field(min_length=1, max_length=20)
    sensitivity: Literal["public", "internal", "sensitive", "secret"]
    retention_days: int = Field(ge=1, le=36_500)
    refresh: Literal["once", "daily", "weekly", "monthly", "quarterly", "yearly", "on_request"]
    table: str = Field(max_length=64)
    files: Files
    time_zone: Literal["Asia/Shanghai"] = "Asia/Shanghai"
    coordinate_system: Literal["none", "wgs84", "cgcs2000", "gcj02", "bd09"] = "none"
    columns: dict[str, ColumnMap] = Field(min_length=1, max_length=MAX_COLUMNS)
    identifiers: dict[Header, Identifier] = Field(default_factory=dict, max_length=MAX_IDENTIFIERS)
    pseudonymised: Pseudonymised | None = None

    @field_validator("agency", "dataset")
    @classmethod
    def _no_controls(cls, value: str) -> str:
        return _plain(value, "agency or dataset")

    @field_validator("table")
    @classmethod
    def _table(cls, value: str) -> str:
        if value not in register_tables():
            raise ValueError(
                f"table {value[:64]!r} is not a register table; known: {', '.join(register_tables())}"
            )
        return value

    @model_validator(mode="after")
    def _columns(self) -> Source:
        schema = register_tables()[self.table]
        types = {c.name: c.type for c in schema.columns}
        problems = []
        for name, mapping in self.columns.items():
            if name in PROVENANCE_COLUMNS:
                problems.append(f"column {name} is provenance, written by ingest, not mapped")
                continue
            if name not in types:
                problems.append(f"column {name[:64]!r} is not a column of {self.table}")
                continue
            if mapping.transform:
                out = TRANSFORMS[mapping.transform]
                if out != types[name] and not (out == "VARCHAR" and types[name] == "VARCHAR"):
                    problems.append(
                        f"column {name}: transform {mapping.transform} gives {out.lower()}, "
                        f"the column is {types[name].lower()}"
                    )
            if mapping.scale is not None and types[name] not in {"DOUBLE", "INTEGER", "BIGINT"}:
                problems.append(f"column {name}: scale applies to numbers only")
        rules = register_rules()[self.table]
        missing = [c for c in dict.fromkeys(rules["required"] + rules["key"]) if c not in self.columns]
        if missing:
            problems.append(f"{self.table} needs column(s) {', '.join(missing)}: map them")
        if self.coordinate_system not in {"none", "wgs84", "cgcs2000"}:
            problems.append(
                f"coordinate_system {self.coordinate_system}: conversion to WGS-84 is not implemented; "
                "a source in this datum is refused rather than mixed with WGS-84 points"
            )
        problems.extend(self._identifier_problems())
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _identifier_problems(self) -> list[str]:
        problems = []
        for header, identifier in self.identifiers.items():
            _plain(header, "identifier column")
            for derived in identifier.derived.values():
                _plain(derived, "derived column")
                if derived in self.identifiers:
                    problems.append(f"identifier {header}: derived column {derived} is itself an identifier")
            if identifier.derived and identifier.kind not in {"id_number", "key", "document"}:
                problems.append(f"identifier {header}: only ID numbers show a birth date and sex")
        return problems

    @property
    def table_schema(self) -> TableSchema:
        return register_tables()[self.table]
