"""Agency registers: execution cases, the dishonest-debtor list (失信被执行人), high-consumption
bans (限制高消费), the household register (户籍), the company register and employment
(social-insurance) records. Rows are collected while the county is generated and written as
UTF-8 CSV sorted by a stable key, so the files do not reveal which rows were planted."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .cases import Entity
from .companies import Organization, Organizations
from .people import Person, Population

EXECUTION_COLUMNS = (
    "case_number",
    "court",
    "court_code",
    "filing_date",
    "applicant_name",
    "applicant_key",
    "applicant_kind",
    "respondent_name",
    "respondent_key",
    "respondent_kind",
    "cause",
    "basis_case_number",
    "basis_document",
    "amount",
    "status",
    "closing_mode",
    "closing_date",
    "distribution_from_case",
)
DISHONEST_COLUMNS = (
    "name",
    "key",
    "kind",
    "sex",
    "birth_year",
    "legal_rep_name",
    "case_number",
    "court",
    "basis_case_number",
    "reg_date",
    "publish_date",
    "performance",
    "disrupt_type",
    "removed_date",
)
BAN_COLUMNS = (
    "name",
    "key",
    "kind",
    "legal_rep_name",
    "case_number",
    "court",
    "issue_date",
    "lifted_date",
)
HOUSEHOLD_COLUMNS = (
    "household_id",
    "person_id",
    "name",
    "sex",
    "birth_date",
    "ethnicity",
    "relation_to_head",
    "spouse_id",
    "father_id",
    "mother_id",
    "address",
    "region_code",
)
COMPANY_COLUMNS = (
    "credit_code",
    "name",
    "type",
    "industry",
    "district",
    "address",
    "legal_rep_name",
    "legal_rep_id",
    "rep_title",
    "established",
    "registered_capital_wan",
    "financial_licence",
)
EMPLOYMENT_COLUMNS = (
    "person_id",
    "name",
    "employer_credit_code",
    "employer_name",
    "start_date",
    "end_date",
    "job",
)

FILES = {
    "execution_cases": EXECUTION_COLUMNS,
    "dishonest_debtors": DISHONEST_COLUMNS,
    "consumption_bans": BAN_COLUMNS,
    "household": HOUSEHOLD_COLUMNS,
    "companies": COMPANY_COLUMNS,
    "employment": EMPLOYMENT_COLUMNS,
}


def _d(x: dt.date | None) -> str:
    return x.isoformat() if x is not None else ""


def _kind(e: Entity) -> str:
    return "person" if isinstance(e, Person) else "organization"


@dataclass(slots=True)
class Registers:
    execution: list[tuple[str, ...]] = field(default_factory=list)
    dishonest: list[tuple[str, ...]] = field(default_factory=list)
    bans: list[tuple[str, ...]] = field(default_factory=list)
    employment: list[tuple[str, ...]] = field(default_factory=list)

    def add_execution(
        self,
        case_number: str,
        court: str,
        court_code: str,
        filing: dt.date,
        applicant: Entity,
        respondent: Entity,
        cause: str,
        basis: str,
        basis_document: str,
        amount: int,
        closing_mode: str | None,
        closing: dt.date | None,
        distribution_from: str = "",
    ) -> None:
        self.execution.append(
            (
                case_number,
                court,
                court_code,
                _d(filing),
                applicant.name,
                applicant.key,
                _kind(applicant),
                respondent.name,
                respondent.key,
                _kind(respondent),
                cause,
                basis,
                basis_document,
                str(amount),
                "已结案" if closing_mode else "执行中",
                closing_mode or "",
                _d(closing),
                distribution_from,
            )
        )

    def add_dishonest(
        self,
        e: Entity,
        case_number: str,
        court: str,
        basis: str,
        reg: dt.date,
        publish: dt.date,
        removed: dt.date | None,
        disrupt: str,
    ) -> None:
        if isinstance(e, Person):
            sex, birth, rep = e.sex, str(e.birth.year), ""
        else:
            sex, birth, rep = "", "", e.rep_name
        self.dishonest.append(
            (
                e.name,
                e.key,
                _kind(e),
                sex,
                birth,
                rep,
                case_number,
                court,
                basis,
                _d(reg),
                _d(publish),
                "全部未履行",
                disrupt,
                _d(removed),
            )
        )

    def add_ban(
        self, e: Entity, case_number: str, court: str, issued: dt.date, lifted: dt.date | None
    ) -> None:
        rep = e.rep_name if isinstance(e, Organization) else ""
        self.bans.append((e.name, e.key, _kind(e), rep, case_number, court, _d(issued), _d(lifted)))

    def add_employment(
        self, p: Person, employer: Organization, start: dt.date, end: dt.date | None, job: str
    ) -> None:
        self.employment.append((p.key, p.name, employer.key, employer.name, _d(start), _d(end), job))

    def mark(self) -> tuple[int, int, int, int]:
        return (len(self.execution), len(self.dishonest), len(self.bans), len(self.employment))

    def rollback(self, mark: tuple[int, int, int, int]) -> None:
        """Forget rows added since ``mark`` (a planned instance that did not fit the budget)."""
        del self.execution[mark[0] :]
        del self.dishonest[mark[1] :]
        del self.bans[mark[2] :]
        del self.employment[mark[3] :]

    def counts(self) -> dict[str, int]:
        return {
            "execution_cases": len(self.execution),
            "dishonest_debtors": len(self.dishonest),
            "consumption_bans": len(self.bans),
            "employment": len(self.employment),
        }


def _write(path: Path, columns: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> int:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(columns)
        w.writerows(rows)
    return len(rows)


def write_registers(out: Path, regs: Registers, pop: Population, orgs: Organizations) -> dict[str, int]:
    """Write every register as CSV under ``out``; returns row counts."""
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    counts["execution_cases"] = _write(
        out / "execution_cases.csv",
        EXECUTION_COLUMNS,
        sorted(regs.execution, key=lambda r: (r[3], r[0], r[8])),
    )
    counts["dishonest_debtors"] = _write(
        out / "dishonest_debtors.csv",
        DISHONEST_COLUMNS,
        sorted(regs.dishonest, key=lambda r: (r[9], r[6], r[1])),
    )
    counts["consumption_bans"] = _write(
        out / "consumption_bans.csv",
        BAN_COLUMNS,
        sorted(regs.bans, key=lambda r: (r[6], r[4], r[1])),
    )
    counts["employment"] = _write(
        out / "employment.csv",
        EMPLOYMENT_COLUMNS,
        sorted(regs.employment, key=lambda r: (r[2], r[4], r[0])),
    )
    hh_rows = []
    for hid, members in enumerate(pop.households):
        for i in members:
            p = pop.people[i]
            region = p.key[:6]
            hh_rows.append(
                (
                    f"H{hid:07d}",
                    p.key,
                    p.name,
                    p.sex,
                    p.birth.isoformat(),
                    p.ethnicity,
                    p.relation,
                    p.spouse or "",
                    p.father or "",
                    p.mother or "",
                    p.address,
                    region,
                )
            )
    counts["household"] = _write(out / "household.csv", HOUSEHOLD_COLUMNS, hh_rows)
    org_rows = [
        (
            o.key,
            o.name,
            o.type,
            o.industry,
            o.district,
            o.address,
            o.rep_name,
            o.rep_key or "",
            o.rep_title,
            o.established.isoformat(),
            str(o.capital),
            "true" if o.financial_licence else "false",
        )
        for o in orgs.all
    ]
    counts["companies"] = _write(out / "companies.csv", COMPANY_COLUMNS, sorted(org_rows, key=lambda r: r[0]))
    return counts
