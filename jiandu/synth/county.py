"""The county as a whole: people, organisations, courts and their staff, case numbers and
registers, plus the helpers that turn a decision ("A sues B for 50,000 at court X") into a
complete case spec with realistic dates, procedure and follow-up execution. Background and
pattern planners both build cases through here."""

from __future__ import annotations

import datetime as dt
import random

from . import courts as C
from .cases import (
    EXEC_TERMINATION,
    JUDGMENT,
    MEDIATION,
    WITHDRAWAL,
    CaseSpec,
    Entity,
    LoanFacts,
    Party,
    Representation,
)
from .companies import Organizations
from .people import Person, Population
from .registers import Registers

START = dt.date(2016, 1, 1)
END = dt.date(2024, 12, 31)
YEAR_WEIGHTS = {
    2016: 0.8,
    2017: 0.9,
    2018: 1.0,
    2019: 1.15,
    2020: 1.0,
    2021: 1.1,
    2022: 1.0,
    2023: 1.05,
    2024: 0.9,
}


def day(d: dt.date, n: int) -> dt.date:
    return dt.date.fromordinal(d.toordinal() + n)


def rand_date(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    return dt.date.fromordinal(rng.randint(lo.toordinal(), max(lo.toordinal(), hi.toordinal())))


def rand_filing(rng: random.Random, year: int | None = None) -> dt.date:
    if year is None:
        year = rng.choices(list(YEAR_WEIGHTS), weights=list(YEAR_WEIGHTS.values()))[0]
    hi = dt.date(year, 12, 31) if year < 2024 else dt.date(2024, 9, 30)
    return rand_date(rng, dt.date(year, 1, 4), hi)


def round_amount(rng: random.Random, x: float) -> int:
    if x >= 100_000:
        return int(round(x / 10_000) * 10_000) if rng.random() < 0.6 else int(round(x / 1000) * 1000)
    if x >= 10_000:
        return int(round(x / 1000) * 1000) if rng.random() < 0.75 else int(round(x / 100) * 100)
    return int(round(x / 100) * 100) or 100


def lognormal_amount(rng: random.Random, median: float, lo: int, hi: int) -> int:
    x = median * (2.718281828 ** rng.gauss(0, 0.9))
    return round_amount(rng, min(max(x, lo), hi))


class County:
    def __init__(self, seed: int, documents: int) -> None:
        self.seed = seed
        self.documents = documents
        people = min(max(4000, documents // 2), 600_000)
        self.scale = max(1, documents // 100_000)
        self.pop = Population(seed, people, reserved_households=400 * self.scale + 200)
        self.orgs = Organizations(seed, self.pop, min(max(300, documents // 25), 40_000))
        self.staff = C.staff_courts(seed)
        expected: dict[tuple[str, int, str], float] = {}
        total_w = sum(YEAR_WEIGHTS.values())
        for c in C.BASIC_COURTS:
            d_w = {
                "yuecheng": 0.25,
                "keqiao": 0.22,
                "shangyu": 0.15,
                "zhuji": 0.2,
                "shengzhou": 0.1,
                "xinchang": 0.08,
            }[c.key]
            for y, w in YEAR_WEIGHTS.items():
                expected[(c.key, y, "民初")] = documents * 0.9 * d_w * w / total_w
                expected[(c.key, y, "执")] = documents * 0.12 * d_w * w / total_w
            expected[(c.key, 2015, "民初")] = documents * 0.9 * d_w * 0.03
        self.numbers = C.CaseNumbers(seed, expected)
        self.regs = Registers()

    # --- numbers ------------------------------------------------------------------------
    def case_number(
        self,
        rng: random.Random,
        court: C.Court,
        year: int,
        type_code: str,
        planted: bool,
        old_style: bool = False,
    ) -> str:
        seq = (
            self.numbers.reserve(court, year, type_code)
            if planted
            else self.numbers.next(court, year, type_code)
        )
        return C.format_case_number(year, court, type_code, seq, old_style, rng)

    # --- parties ------------------------------------------------------------------------
    def represent(
        self,
        rng: random.Random,
        e: Entity,
        lawyer: float,
        worker: float = 0.0,
        relative: float = 0.0,
    ) -> list[Representation]:
        x = rng.random()
        if x < lawyer:
            return [Representation(agent=self.orgs.lawyer(rng))]
        if x < lawyer + worker:
            return [Representation(agent=self.orgs.legal_worker(rng))]
        if x < lawyer + worker + relative and isinstance(e, Person):
            rel = [
                p for p in self.pop.people_in_household_of(e.key) if p.key != e.key and p.birth.year <= 2002
            ]
            if rel:
                r = rel[0]
                relation = "配偶" if r.key == e.spouse else {"子": "子", "女": "女"}.get(r.relation, "亲属")
                if r.key == e.father:
                    relation = "父亲"
                elif r.key == e.mother:
                    relation = "母亲"
                return [Representation(relative=r, relation=relation)]
        return []

    # --- cases --------------------------------------------------------------------------
    def civil_case(
        self,
        rng: random.Random,
        *,
        court: C.Court,
        cause: str,
        kind: str,
        plaintiffs: list[Party],
        defendants: list[Party],
        filing: dt.date,
        principal: int,
        planted: bool,
        absent: bool = False,
        public_notice: bool = False,
        outcome: str = "full",
        judged: int | None = None,
        loan: LoanFacts | None = None,
        procedure: str | None = None,
        duration: int | None = None,
        old_style: bool = False,
    ) -> CaseSpec:
        """A first-instance civil case with consistent dates and procedure."""
        if public_notice:
            absent = True
            procedure = "ordinary"
        if procedure is None:
            x = rng.random()
            if 0 < principal <= 30_000 and x < 0.35 and filing.year >= 2016:
                procedure = "small_claims"
            elif x < 0.8 or principal < 1_000_000:
                procedure = "simple"
            else:
                procedure = "ordinary"
        if duration is None:
            if kind == WITHDRAWAL:
                duration = rng.randint(5, 60)
            elif kind == MEDIATION:
                duration = rng.randint(8, 70)
            elif public_notice:
                duration = rng.randint(75, 160)
            else:
                duration = rng.randint(25, 85) if procedure != "ordinary" else rng.randint(60, 170)
        decided = min(day(filing, duration), END)
        hearing = day(decided, -rng.randint(0, 20)) if kind == JUDGMENT else None
        if hearing is not None and hearing < filing:
            hearing = decided
        year = filing.year
        case_number = self.case_number(rng, court, year, "民初", planted, old_style)
        spec = CaseSpec(
            court=court,
            case_number=case_number,
            type_code="民初",
            cause=cause,
            kind=kind,
            plaintiffs=plaintiffs,
            defendants=defendants,
            filing=filing,
            decided=decided,
            procedure=procedure,
            hearing=hearing,
            outcome=outcome,
            defendant_absent=absent and kind == JUDGMENT,
            public_notice=public_notice,
            principal=principal,
            judged=principal if judged is None else judged,
            loan=loan,
            old_style=old_style,
            stable=rng.randrange(1 << 30),
        )
        return spec

    def execution(
        self,
        rng: random.Random,
        basis: CaseSpec,
        planted: bool,
        *,
        filed_after: tuple[int, int] = (20, 200),
        mode: str | None = None,
        publish: float = 0.6,
        list_prob: float = 0.6,
        applicant: Party | None = None,
    ) -> CaseSpec | None:
        """An execution case on a judgment or mediation: always a register row (with bans and
        listings as the closing mode requires); an execution ruling spec when 终本 and
        published."""
        filed = day(basis.decided, rng.randint(*filed_after))
        if filed > END:
            return None
        court = basis.court
        number = self.case_number(rng, court, filed.year, "执", planted)
        basis.extra["execution_case"] = number
        if mode is None:
            mode = rng.choices(
                ("执行完毕", "终结本次执行程序", "终结执行", "和解"),
                weights=(0.4, 0.45, 0.07, 0.08),
            )[0]
        closing = day(filed, rng.randint(95, 320) if mode == "终结本次执行程序" else rng.randint(20, 250))
        if closing > END:
            mode_final: str | None = None
            closing_final: dt.date | None = None
        else:
            mode_final, closing_final = mode, closing
        app = applicant or basis.plaintiffs[0]
        amount = int(basis.judged * rng.uniform(1.02, 1.25)) if basis.judged else basis.principal
        basis_doc = "民事调解书" if basis.kind == MEDIATION else "民事判决书"
        listed = False
        for d in basis.defendants[:2]:
            self.regs.add_execution(
                number,
                court.name,
                court.code,
                filed,
                app.entity,
                d.entity,
                basis.cause,
                basis.case_number,
                basis_doc,
                amount,
                mode_final,
                closing_final,
            )
            if mode in ("终结本次执行程序",) or (mode_final is None and rng.random() < 0.5):
                issued = day(filed, rng.randint(5, 60))
                if issued <= END:
                    lifted = None
                    if rng.random() < 0.08:
                        lifted = day(issued, rng.randint(200, 700))
                        lifted = lifted if lifted <= END else None
                    self.regs.add_ban(d.entity, number, court.name, issued, lifted)
                if rng.random() < list_prob:
                    reg = day(filed, rng.randint(20, 120))
                    if reg <= END:
                        listed = True
                        removed = None
                        if rng.random() < 0.08:
                            removed = day(reg, rng.randint(180, 720))
                            removed = removed if removed <= END else None
                        self.regs.add_dishonest(
                            d.entity,
                            number,
                            court.name,
                            basis.case_number,
                            reg,
                            min(day(reg, rng.randint(1, 20)), END),
                            removed,
                            rng.choice(
                                (
                                    "有履行能力而拒不履行生效法律文书确定义务",
                                    "违反财产报告制度",
                                    "有履行能力而拒不履行生效法律文书确定义务",
                                )
                            ),
                        )
        if mode_final != "终结本次执行程序" or closing_final is None or rng.random() >= publish:
            return None
        spec = CaseSpec(
            court=court,
            case_number=number,
            type_code="执",
            cause=basis.cause,
            kind=EXEC_TERMINATION,
            plaintiffs=[Party("申请执行人", app.entity, [], "applicant")],
            defendants=[Party("被执行人", d.entity, [], "respondent") for d in basis.defendants[:2]],
            filing=filed,
            decided=closing_final,
            basis=basis.case_number,
            basis_kind=basis_doc,
            exec_amount=amount,
            exec_filing=filed,
            principal=basis.principal,
            judged=basis.judged,
            stable=rng.randrange(1 << 30),
        )
        spec.extra["listed"] = listed
        return spec
