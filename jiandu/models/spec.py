"""A supervision model as data: the spec format, validated in full when it is loaded.

A spec is YAML. Loading checks the fields (pydantic), the SQL (`sql_guard`: one read-only query
over known tables), that the SQL reads only declared input tables and uses only declared
parameters, that every declared parameter is used, that the SQL returns the subject, feature and
evidence columns the spec names, that band thresholds are ordered, and that the explanation
template uses only plain fields the row or parameters provide. See ``specs/`` for examples.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)

from jiandu.models import template
from jiandu.models.parameters import Parameter, ParameterError, ParamValue
from jiandu.models.sql_guard import CheckedSql, SqlRefused, check_sql
from jiandu.schema import canonical_tables
from jiandu.schema.derived import known_tables
from jiandu.sources.safe_yaml import UnsafeYaml, safe_load

ID_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$"
SEMVER_PATTERN = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$"
NAME_PATTERN = r"^[a-z][a-z0-9_]*$"
SUBJECT_TYPE_NAMES_ZH = {
    "person": "自然人",
    "organization": "单位",
    "party": "当事人",
    "court": "法院",
    "judge": "审判人员",
    "agent": "诉讼代理人",
    "law_firm": "律师事务所",
    "case": "案件",
    "place": "地点",
    "other": "其他",
}
SUBJECT_TYPES = tuple(SUBJECT_TYPE_NAMES_ZH)
# what pages call a spec's domain (an unknown domain is shown as 其他领域)
DOMAIN_NAMES_ZH = {
    "civil": "民事",
    "criminal": "刑事",
    "administrative": "行政",
    "execution": "执行",
    "insurance": "保险",
    "minors": "未成年人保护",
    "public_interest": "公益诉讼",
    "social_security": "社会保障",
    "tax": "税务",
    "geo": "时空轨迹",
}
# Columns evidence SQL must return; it may read the temporary table `clue_subjects(subject_key)`.
EVIDENCE_COLUMNS = ("subject_key", "source", "doc_id", "span_start", "span_end")
EVIDENCE_SUBJECTS_TABLE = "clue_subjects"
# Names the explanation template may use besides result columns and parameters.
BUILTIN_FIELDS = ("score", "band", "band_zh", "subject_key", "subject_name", "model_name")
BAND_ZH = {"red": "红色", "yellow": "黄色", "green": "绿色"}


class SpecError(ValueError):
    """A spec is invalid; the message names the model and every problem found."""


class LegalBasis(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    law: str = Field(min_length=1)
    article: str | None = None
    text: str | None = None


class Feature(BaseModel):
    """A numeric column of the result in [0, 1] (values outside are clipped, null counts as 0)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    weight: float = Field(gt=0, le=1000)
    description_zh: str = Field(min_length=1)


class Bands(BaseModel):
    """Lowest score of each band; a row scoring below `green` is not pushed as a clue."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    red: float
    yellow: float
    green: float

    @model_validator(mode="after")
    def _ordered(self) -> Bands:
        values = (self.red, self.yellow, self.green)
        if any(not 0 <= v <= 100 for v in values):
            raise ValueError(
                f"band thresholds must lie within 0..100, got red={self.red} "
                f"yellow={self.yellow} green={self.green}"
            )
        if not self.red > self.yellow > self.green:
            raise ValueError(
                f"band thresholds must be strictly decreasing red > yellow > green, got "
                f"red={self.red} yellow={self.yellow} green={self.green}"
            )
        return self

    def band(self, score: float) -> str | None:
        if score >= self.red:
            return "red"
        if score >= self.yellow:
            return "yellow"
        if score >= self.green:
            return "green"
        return None


class Scoring(BaseModel):
    """``weighted_mean``: score = 100 × Σ wᵢ·fᵢ / Σ wᵢ, rounded to 2 decimals."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: Literal["weighted_mean"] = "weighted_mean"
    bands: Bands


class Subject(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str
    key_column: str = Field(pattern=NAME_PATTERN)
    name_column: str = Field(pattern=NAME_PATTERN)

    @field_validator("type")
    @classmethod
    def _type(cls, value: str) -> str:
        if value not in SUBJECT_TYPES:
            raise ValueError(f"subject type {value!r} is not one of {', '.join(SUBJECT_TYPES)}")
        return value


class EvidenceSpec(BaseModel):
    """Where a clue's evidence comes from.

    ``sql``: a read-only query returning ``subject_key, source, doc_id, span_start, span_end`` and
    optionally ``label`` (what it shows, e.g. 撤诉) and ``text`` (for data rows); it may join the
    temporary table ``clue_subjects(subject_key)`` holding the subjects of this run's clues.
    A row with a doc_id is a document item (its span is quoted from the text); without, a data row.
    ``doc_ids_column``: a list column of the model's own result naming documents to cite.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    sql: str | None = None
    doc_ids_column: str | None = Field(default=None, pattern=NAME_PATTERN)
    max_items: int = Field(default=30, ge=1, le=500)

    @model_validator(mode="after")
    def _some(self) -> EvidenceSpec:
        if not self.sql and not self.doc_ids_column:
            raise ValueError("evidence needs sql, doc_ids_column, or both")
        return self


class InputSlot(BaseModel):
    """A canonical table the model needs data in (an input slot), fed by declared sources
    (`jiandu sources`) or by judgment ingest. ``required``: without rows the model cannot find
    anything, and says so in its run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    table: str = Field(pattern=NAME_PATTERN, max_length=64)
    required: bool = True
    description_zh: str | None = Field(default=None, max_length=200)


class ModelSpec(BaseModel):
    """One supervision model. Unknown fields are refused so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(
        pattern=ID_PATTERN,
        max_length=120,
        description="stable across versions, e.g. civil.professional_lender",
    )
    version: str = Field(pattern=SEMVER_PATTERN)
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    domain: str = Field(min_length=1)
    supervision_point: str = Field(min_length=1)
    description_zh: str | None = None
    legal_basis: list[LegalBasis] = Field(min_length=1)
    inputs: list[str] = Field(min_length=1)
    slots: list[InputSlot] | None = Field(default=None, max_length=50)
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    sql: str = Field(min_length=1)
    features: dict[str, Feature] = Field(min_length=1)
    scoring: Scoring
    subject: Subject
    evidence: EvidenceSpec
    explanation_zh: str = Field(min_length=1)
    enabled: bool = True

    @field_validator("parameters", "features")
    @classmethod
    def _names(cls, value: dict[str, Any]) -> dict[str, Any]:
        import re

        bad = [k for k in value if not re.match(NAME_PATTERN, k)]
        if bad:
            raise ValueError(f"names must be lower_snake_case: {bad}")
        return value

    @model_validator(mode="after")
    def _coherent(self) -> ModelSpec:
        problems = self._problems()
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # -- checks that need the SQL --------------------------------------------------
    def checked_sql(self) -> CheckedSql:
        return check_sql(self.sql, known_tables(), model=self.id)

    def checked_evidence_sql(self) -> CheckedSql | None:
        if not self.evidence.sql:
            return None
        return check_sql(
            self.evidence.sql,
            [*known_tables(), EVIDENCE_SUBJECTS_TABLE],
            model=self.id,
            what="evidence SQL",
        )

    def _problems(self) -> list[str]:
        problems: list[str] = []
        known = known_tables()
        unknown_inputs = [t for t in self.inputs if t not in known]
        if unknown_inputs:
            problems.append(f"inputs {unknown_inputs} are not canonical or derived tables")
        not_canonical = [s.table for s in self.slots or [] if s.table not in canonical_tables()]
        if not_canonical:
            problems.append(f"slots {not_canonical} are not canonical tables (slots are what data feeds)")
        try:
            main = self.checked_sql()
            evidence = self.checked_evidence_sql()
        except SqlRefused as exc:
            return [*problems, str(exc)]
        read = set(main.tables) | (set(evidence.tables) - {EVIDENCE_SUBJECTS_TABLE} if evidence else set())
        undeclared = sorted(read - set(self.inputs))
        if undeclared:
            problems.append(f"SQL reads {undeclared} which are not listed in inputs")
        used = set(main.parameters) | (set(evidence.parameters) if evidence else set())
        unknown_params = sorted(used - set(self.parameters))
        if unknown_params:
            problems.append(f"SQL uses undeclared parameters {[':' + p for p in unknown_params]}")
        try:
            fields = template.fields(self.explanation_zh)
        except template.TemplateError as exc:
            problems.append(str(exc))
            fields = []
        unused = sorted(set(self.parameters) - used - set(fields))
        if unused:
            problems.append(f"parameters {unused} are declared but never used")
        columns = main.output_columns
        if columns is not None:
            wanted = {
                "subject.key_column": self.subject.key_column,
                "subject.name_column": self.subject.name_column,
            }
            wanted |= {f"feature {f}": f for f in self.features}
            if self.evidence.doc_ids_column:
                wanted["evidence.doc_ids_column"] = self.evidence.doc_ids_column
            missing = [f"{what} ({col})" for what, col in wanted.items() if col not in columns]
            if missing:
                problems.append(f"SQL does not return {', '.join(missing)}; it returns {list(columns)}")
            clash = sorted(set(columns) & set(self.parameters))
            if clash:
                problems.append(f"result columns {clash} have the same names as parameters")
            allowed = set(columns) | set(self.parameters) | set(BUILTIN_FIELDS)
            strange = sorted(set(fields) - allowed)
            if strange:
                problems.append(
                    f"explanation uses {strange}, which are not result columns, parameters "
                    f"or {', '.join(BUILTIN_FIELDS)}"
                )
        if evidence is not None and evidence.output_columns is not None:
            missing_ev = [c for c in EVIDENCE_COLUMNS if c not in evidence.output_columns]
            if missing_ev:
                problems.append(f"evidence SQL does not return {missing_ev}")
        return problems

    @model_serializer(mode="wrap")
    def _without_default_slots(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """A spec without slots dumps (exports, hashes) as it did before slots existed."""
        data: dict[str, Any] = handler(self)
        if data.get("slots") is None:
            data.pop("slots", None)
        return data

    # -- input slots ---------------------------------------------------------------
    def input_slots(self) -> list[InputSlot]:
        """The declared slots, else every canonical table among the inputs (each required)."""
        if self.slots is not None:
            return list(self.slots)
        canonical = canonical_tables()
        return [InputSlot(table=t) for t in self.inputs if t in canonical]

    def empty_slots(self, counts: dict[str, int]) -> list[InputSlot]:
        """Required slots without rows, given row counts per table (absent table: 0)."""
        return [s for s in self.input_slots() if s.required and counts.get(s.table, 0) == 0]

    # -- values --------------------------------------------------------------------
    def resolve(
        self, overrides: dict[str, Any] | None = None, *, origin: str = "override"
    ) -> dict[str, ParamValue]:
        """Parameter values: defaults, then overrides (checked against type and range)."""
        values: dict[str, ParamValue] = {n: p.coerce(p.default) for n, p in self.parameters.items()}
        for name, value in (overrides or {}).items():
            if name not in self.parameters:
                raise ParameterError(
                    f"model {self.id}: {origin} sets unknown parameter {clip(repr(name))}; "
                    f"known: {', '.join(self.parameters) or '(none)'}"
                )
            try:
                values[name] = self.parameters[name].coerce(
                    value, where=f"model {self.id}: {origin} {name}"
                )
            except ParameterError as exc:  # the message quotes the value: keep it short
                raise ParameterError(clip(exc, 4 * CLIP)) from None
        return values

    def content_hash(self) -> str:
        """sha256 of the spec's canonical JSON: equal content, equal hash."""
        return spec_hash(self.model_dump(mode="json"))


def empty_slots_message(slots: list[InputSlot]) -> str:
    """What a run says about a model whose required input slots hold no rows."""
    tables = canonical_tables()
    names = "、".join(f"{tables[s.table].title_zh}（{s.table}）" for s in slots)
    return (
        f"输入数据为空：{names} 没有数据，该模型无法产生线索；裁判文书用 `jiandu ingest judgments`，"
        "登记数据用 `jiandu ingest registers` 导入（数据源见 `jiandu sources list`） "
        f"(empty input slots: {', '.join(s.table for s in slots)} hold no rows, so the model "
        "cannot find anything)"
    )


def spec_hash(data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


MAX_SPEC_BYTES = 256 * 1024  # a spec, bundle or region file; the largest built-in is ~22 KB
MAX_ERROR_LINES = 40
CLIP = 80  # characters of a value quoted in a message


def clip(text: object, limit: int = CLIP) -> str:
    """`text` shortened for a message: never a whole parameter default or input."""
    value = str(text)
    return value if len(value) <= limit else value[:limit] + f"…(+{len(value) - limit} chars)"


def _flatten(exc: ValidationError, name: str) -> SpecError:
    lines = []
    errors = exc.errors()
    for err in errors[:MAX_ERROR_LINES]:
        where = clip(".".join(str(p) for p in err["loc"]) or "spec")
        msg = str(err["msg"]).removeprefix("Value error, ")
        lines.append(f"  {where}: {clip(msg, 4 * CLIP)}")
    if len(errors) > MAX_ERROR_LINES:
        lines.append(f"  … and {len(errors) - MAX_ERROR_LINES} more problems")
    return SpecError(f"model {clip(name)}: invalid spec\n" + "\n".join(lines))


def parse_spec(data: Any, *, source: str = "spec") -> ModelSpec:
    """A validated spec from parsed YAML/JSON; SpecError lists every problem."""
    if not isinstance(data, dict):
        raise SpecError(f"{clip(source)}: a spec must be a mapping, got {type(data).__name__}")
    name = str(data.get("id") or source)
    try:
        return ModelSpec.model_validate(data)
    except ValidationError as exc:
        raise _flatten(exc, name) from None


def parse_yaml(text: str, *, source: str = "spec") -> Any:
    """YAML text parsed safely (`jiandu.sources.safe_yaml`): size-checked first, aliases and
    deep nesting refused."""
    try:
        return safe_load(text, max_bytes=MAX_SPEC_BYTES, what="model files")
    except UnsafeYaml as exc:
        raise SpecError(f"{clip(source)}: {clip(exc, 4 * CLIP)}") from None


def load_yaml(path: Path) -> Any:
    """A model, bundle or region file: size-checked before it is read, then `parse_yaml`."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_SPEC_BYTES + 1)
        if len(raw) > MAX_SPEC_BYTES:
            raise SpecError(f"{clip(path)}: larger than {MAX_SPEC_BYTES // 1024} KB; not read")
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{clip(path)}: cannot read YAML: {clip(exc, 4 * CLIP)}") from None
    return parse_yaml(text, source=str(path))
