"""Hand-built documents and agency-register rows for the collusive-suit, debt-assignment and
insurance-claim model tests, written straight into canonical tables.

`Doc` builds one document's text line by line and records the span of every party name and
flag as it goes, so evidence spans quote real wording. People carry valid ID numbers (checksum
from python-stdnum) whose birth date and sex digits match what the documents print, as in real
judgments: masked names (陈某, 李××1) keep the surname, sex and birth date only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from stdnum.cn import ric, uscc

from jiandu.engines.base import Engine
from jiandu.models.civil.operators.docfacts import DocumentFacts
from jiandu.models.civil.operators.execution_cases_all import ExecutionCasesAll
from jiandu.models.civil.operators.fact_keys import PartyFactKeys
from jiandu.models.civil.operators.mentions import DocumentMentions
from jiandu.models.civil.operators.register_keys import PartyRegisterKeys
from jiandu.models.civil.operators.relations import PersonRelations
from jiandu.models.clues import load_clues
from jiandu.models.library import Library
from jiandu.models.operators import PartyKeys, update_derived
from jiandu.models.runner import run_model
from jiandu.schema import canonical_tables, table
from jiandu.schema.derived import derived_table

YUECHENG = "浙江省绍兴市越城区人民法院"
YUECHENG_SHORT = "绍兴市越城区人民法院"
KEQIAO = "浙江省绍兴市柯桥区人民法院"
# in registry order; entity resolution is left out (its own tests cover it): party_fact_keys
# then keys a party without a register key by its name, or per mention when masked
OPERATORS = (
    PartyKeys(),
    PartyRegisterKeys(),
    DocumentFacts(),
    PartyFactKeys(),
    ExecutionCasesAll(),
    PersonRelations(),
    DocumentMentions(),
)
# The tables the three models and their operators read (creating only these keeps Spark quick).
TABLES = (
    "documents",
    "cases",
    "parties",
    "flags",
    "household",
    "execution_cases",
    "dishonest_debtors",
    "employment",
    "companies",
)


def person_id(birth: dt.date, male: bool, seq: int, region: str = "330602") -> str:
    """A valid 18-digit ID number with this birth date and sex."""
    sex_digit = (seq * 2 + (1 if male else 0)) % 10
    body = f"{region}{birth:%Y%m%d}{seq % 100:02d}{sex_digit}"
    return body + ric.calc_check_digit(body)


def credit_code(seq: int, district: str = "330602") -> str:
    """A valid unified social credit code."""
    body = f"91{district}MA{seq:07d}"[:17]
    return body + uscc.calc_check_digit(body)


@dataclass(frozen=True)
class Person:
    name: str
    birth: dt.date
    male: bool
    seq: int

    @property
    def key(self) -> str:
        return person_id(self.birth, self.male, self.seq)

    @property
    def gender(self) -> str:
        return "男" if self.male else "女"

    def masked(self, style: str = "某", n: int | None = None) -> str:
        return self.name[0] + style + ("" if n is None else str(n))


@dataclass(frozen=True)
class Org:
    name: str
    seq: int
    type: str = "company"
    legal_rep: Person | None = None

    @property
    def key(self) -> str:
        return credit_code(self.seq)


@dataclass
class Doc:
    """One document; add lines with `party`, `line` and `flag`; spans are recorded."""

    case_number: str
    court: str = YUECHENG
    cause: str = "民间借贷纠纷"
    filing: dt.date = dt.date(2019, 1, 1)
    judgment: dt.date = dt.date(2019, 3, 1)
    principal: float | None = None
    type_code: str = "民初"
    title: str = "民事判决书"
    text: str = ""
    parties: list[dict[str, Any]] = field(default_factory=list)
    flags: dict[str, tuple[int, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.text = f"{self.court}\n{self.title}\n{self.case_number}\n"

    @property
    def doc_id(self) -> str:
        return hashlib.sha256(self.case_number.encode()).hexdigest()[:32]

    def party(self, role: str, side: str, who: Person | Org, written: str | None = None) -> Doc:
        name = written or who.name
        self.text += f"{role}："
        start = len(self.text)
        self.text += name
        row: dict[str, Any] = {
            "doc_id": self.doc_id,
            "party_idx": len(self.parties),
            "role": role,
            "side": side,
            "name": name,
            "kind": "person" if isinstance(who, Person) else "organization",
            "span_start": start,
            "span_end": start + len(name),
        }
        if isinstance(who, Person):
            row |= {"gender": who.gender, "birth_date": who.birth}
            self.text += (
                f"，{who.gender}，{who.birth.year}年{who.birth.month}月{who.birth.day}日出生，汉族。\n"
            )
        else:
            self.text += "，住所地浙江省绍兴市越城区。\n"
        self.parties.append(row)
        return self

    def line(self, text: str) -> Doc:
        self.text += text + "\n"
        return self

    def flag(self, name: str, wording: str) -> Doc:
        start = len(self.text)
        self.text += wording
        self.flags[name] = (start, len(self.text))
        self.text += "\n"
        return self

    def rows(self) -> dict[str, list[dict[str, Any]]]:
        year = int(self.case_number[1:5])
        flags = []
        for name in ("mediation", "withdrawal", "defendant_absent", "public_notice_service", "cash_delivery"):
            if name in self.flags:
                s, e = self.flags[name]
                flags.append(
                    {"doc_id": self.doc_id, "flag": name, "value": True, "span_start": s, "span_end": e}
                )
            else:
                flags.append({"doc_id": self.doc_id, "flag": name, "value": False})
        for p in self.parties:
            assert self.text[p["span_start"] : p["span_end"]] == p["name"]
        return {
            "documents": [
                {
                    "doc_id": self.doc_id,
                    "source": "fixture",
                    "record_ref": self.case_number,
                    "source_format": "txt",
                    "encoding": "utf-8",
                    "text": self.text,
                    "char_count": len(self.text),
                    "is_judgment": True,
                    "doc_type": "mediation" if "mediation" in self.flags else "judgment",
                    "case_category": "execution" if "执" in self.type_code else "civil",
                    "title": self.title,
                    "parser_version": "fixture",
                    "ingested_at": dt.datetime(2024, 1, 1),
                    "ingest_run_id": "fixture",
                }
            ],
            "cases": [
                {
                    "doc_id": self.doc_id,
                    "case_number": self.case_number,
                    "case_year": year,
                    "case_type_code": self.type_code,
                    "court": self.court,
                    "cause": self.cause,
                    "trial_procedure": "execution" if "执" in self.type_code else "first_instance",
                    "procedure_track": "simple",
                    "filing_date": self.filing,
                    "judgment_date": self.judgment,
                    "claimed_principal": self.principal,
                }
            ],
            "parties": self.parties,
            "flags": flags,
        }


@dataclass
class County:
    """Documents and register rows of one fixture."""

    docs: list[Doc] = field(default_factory=list)
    registers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, doc: Doc) -> Doc:
        self.docs.append(doc)
        return doc

    def row(self, table_name: str, /, **values: Any) -> None:
        self.registers.setdefault(table_name, []).append(values)

    def household(
        self,
        household_id: str,
        *people: Person,
        address: str = "浙江省绍兴市越城区解放路1号",
        spouses: tuple[tuple[Person, Person], ...] = (),
        father: Person | None = None,
    ) -> None:
        married = {a.key: b.key for a, b in spouses} | {b.key: a.key for a, b in spouses}
        for p in people:
            self.row(
                "household",
                household_id=household_id,
                person_id=p.key,
                name=p.name,
                sex=p.gender,
                birth_date=p.birth,
                spouse_id=married.get(p.key),
                father_id=father.key if father is not None and p is not father else None,
                address=address,
                region_code="330602",
            )

    def company(self, org: Org) -> None:
        rep = org.legal_rep
        self.row(
            "companies",
            credit_code=org.key,
            name=org.name,
            type=org.type,
            legal_rep_name=rep.name if rep else None,
            legal_rep_id=rep.key if rep else None,
            rep_title="法定代表人",
        )

    def execution(
        self,
        number: str,
        filed: dt.date,
        applicant: Person | Org,
        respondent: Person | Org,
        *,
        basis: str | None = None,
        distribution_from: str | None = None,
    ) -> None:
        self.row(
            "execution_cases",
            case_number=number,
            court=YUECHENG,
            court_code="浙0602",
            filing_date=filed,
            applicant_name=applicant.name,
            applicant_key=applicant.key,
            applicant_kind="person" if isinstance(applicant, Person) else "organization",
            respondent_name=respondent.name,
            respondent_key=respondent.key,
            respondent_kind="person" if isinstance(respondent, Person) else "organization",
            cause="民间借贷纠纷",
            basis_case_number=basis,
            basis_document="民事判决书",
            amount=100000.0,
            status="已结案",
            closing_mode="终结本次执行程序",
            distribution_from_case=distribution_from,
        )

    def listing(
        self,
        who: Person | Org,
        number: str,
        listed: dt.date,
        removed: dt.date | None = None,
        court: str = YUECHENG,
    ) -> None:
        self.row(
            "dishonest_debtors",
            name=who.name,
            key=who.key,
            kind="person" if isinstance(who, Person) else "organization",
            case_number=number,
            court=court,
            reg_date=listed,
            removed_date=removed,
        )

    def load(self, engine: Engine) -> None:
        engine.ensure_tables(canonical_tables()[t] for t in TABLES)
        merged: dict[str, list[dict[str, Any]]] = {}
        for doc in self.docs:
            for name, rows in doc.rows().items():
                merged.setdefault(name, []).extend(rows)
        for name, rows in {**merged, **self.registers}.items():
            engine.append(name, table(name).to_arrow(rows))


def run_models(engine: Engine, *model_ids: str) -> list[dict[str, Any]]:
    """Build the derived tables the models read, run the models, return their clues."""
    engine.ensure_tables([derived_table(t) for t in ("clues", "clue_evidence", "model_runs")])
    library = Library()
    needed = {t for m in model_ids for t in library.get(m).inputs}
    for op in reversed(OPERATORS):  # and the tables those operators read
        if set(op.outputs) & needed:
            needed |= set(op.inputs) | set(op.optional_inputs)
    operators = [op for op in OPERATORS if set(op.outputs) & needed]
    update_derived(engine, run_id="run-test", operators=operators)
    for model_id in model_ids:
        spec = library.get(model_id)
        report = run_model(engine, spec, spec.resolve(), run_id="run-test")
        assert report.status == "ok", report.message
    return [c for c in load_clues(engine) if c["model_id"] in model_ids]


def texts(engine: Engine) -> dict[str, str]:
    return {r["doc_id"]: r["text"] for r in engine.rows("SELECT doc_id, text FROM documents")}


def check_evidence(engine: Engine, clue: dict[str, Any]) -> None:
    """Every document item quotes its span exactly; every row item names its source."""
    docs = texts(engine)
    for item in clue["evidence"]:
        if item["kind"] == "document":
            assert item["case_number"], item
            if item["span"] is not None and item["span"][0] is not None:
                start, end = item["span"]
                assert docs[item["doc_id"]][start:end] == item["text"], item
        else:
            assert item["source"] and item["text"], item


def summary(clues: list[dict[str, Any]]) -> list[tuple[str, str, float, str]]:
    """(subject key, name, score, band), sorted: what must agree across engines."""
    return sorted((c["subject"]["key"], c["subject"]["name"], c["score"], c["band"]) for c in clues)
