"""What the civil patterns share: the standard-form IOUs and claim wordings, a series of
private-lending suits by one lender (`lending_series`) and relatives from the household
register."""

from __future__ import annotations

import datetime as dt
import random

from jiandu.synth import courts as C
from jiandu.synth.cases import (
    JUDGMENT,
    MEDIATION,
    WITHDRAWAL,
    CaseSpec,
    Entity,
    LoanFacts,
    Party,
    Representation,
)
from jiandu.synth.companies import Agent
from jiandu.synth.county import County, day, rand_date, round_amount
from jiandu.synth.people import Person

# Standard-form IOU texts; a professional lender uses one of them in every suit. ``{rate}`` is
# the loan's agreed rate in one of the real forms (render.phrasings); the IOU states no means of
# delivery, so cash delivery is stated only where the story says it.
STANDARD_IOUS = (
    "今借到{lender}人民币{caps}（¥{iou}元），借款期限自{start}起至{end}止，{rate}，逾期未还按约定"
    "利率继续计息，出借人为实现债权支出的律师费、诉讼费、差旅费等一切费用均由借款人承担。"
    "借款人：{borrower}",
    "借条　今向{lender}借到人民币{caps}（小写{iou}元），于{end}前一次性归还，{rate}，"
    "并承担出借人催讨所产生的全部费用。借款人：{borrower}",
    "本人{borrower}因资金周转向{lender}借款人民币{caps}，借款期限自{start}至{end}，{rate}，"
    "如逾期归还，愿承担出借人实现债权的律师费等全部费用。借款人：{borrower}",
)

# A serial plaintiff's own claim wording, identical across its suits.
SERIAL_WORDINGS = (
    "{start}，被告{borrower}以资金周转为由向原告{lender}借款{iou}元，并出具借条一份，约定于{end}前归还。"
    "借款到期后，经原告多次催讨，被告以各种理由推脱，至今分文未还。原告为维护自身合法权益，特诉至法院。",
    "被告{borrower}于{start}向原告{lender}借款{iou}元，出具借条一份，载明借到人民币{caps}，约定{end}归还。"
    "到期后被告未归还，原告多次催讨无果，故诉至法院，望判如所请。",
)


def suit_kind(rng: random.Random, withdraw: float, mediate: float) -> str:
    x = rng.random()
    return WITHDRAWAL if x < withdraw else (MEDIATION if x < withdraw + mediate else JUDGMENT)


def lending_series(
    county: County,
    rng: random.Random,
    lender: Entity,
    blocks: list[tuple[C.Court, int, int]],
    *,
    principal: tuple[int, int],
    signs: frozenset[str] = frozenset(),
    withdraw: float = 0.15,
    mediate: float = 0.1,
    absent: float = 0.6,
    notice: float = 0.15,
    execution: float = 0.4,
    agent: Agent | None = None,
    wording: str | None = None,
    iou_ratio: float = 1.0,
    inflated_share: float = 0.0,
    cause: str = "民间借贷纠纷",
) -> list[CaseSpec]:
    """Private-lending suits by one lender: ``blocks`` says how many suits at which court in
    which year. Returns the suit specs followed by published execution rulings."""
    out: list[CaseSpec] = []
    executions: list[CaseSpec] = []
    for court, year, count in blocks:
        for _ in range(count):
            filing = rand_date(rng, dt.date(year, 1, 5), dt.date(year, 12, 20))
            borrower = county.pop.pick(rng, court.district or "yuecheng")
            amount = round_amount(rng, rng.uniform(*principal))
            kind = suit_kind(rng, withdraw, mediate)
            is_absent = kind == JUDGMENT and rng.random() < absent
            is_notice = is_absent and rng.random() < notice / max(absent, 0.01)
            inflated = rng.random() < inflated_share
            transfer = amount
            upfront = 0
            if inflated:
                transfer = max(100, int(amount / iou_ratio / 100) * 100)
            elif "upfront" in signs and rng.random() < 0.7:
                upfront = int(amount * rng.choice((0.1, 0.15, 0.2)) / 100) * 100
                transfer = amount - upfront
            loan = LoanFacts(
                loan_date=day(filing, -rng.randint(60, 500)),
                term_months=rng.choice((1, 2, 3, 6)),
                monthly_rate=0.02 if "high_rate" not in signs else rng.choice((0.03, 0.04)),
                delivery="cash"
                if "cash" in signs and rng.random() < 0.7
                else rng.choice(("bank", "wechat", "alipay")),
                transfer=transfer,
                iou=amount,
                standard_form="standard_form" in signs,
                upfront_interest=upfront,
            )
            reps = (
                [Representation(agent=agent)]
                if agent is not None
                else county.represent(rng, lender, 0.6, 0.1)
            )
            spec = county.civil_case(
                rng,
                court=court,
                cause=cause,
                kind=kind,
                plaintiffs=[Party("原告", lender, reps, "plaintiff")],
                defendants=[Party("被告", borrower, [], "defendant")],
                filing=filing,
                principal=amount,
                planted=True,
                absent=is_absent,
                public_notice=is_notice,
                loan=loan,
            )
            if kind == JUDGMENT:
                if transfer < amount:
                    spec.outcome = "partial"
                    spec.judged = transfer
                    if not is_absent:
                        spec.defence = "not_received"
                elif not is_absent:
                    spec.defence = "not_lender" if "not_lender" in signs else "admit"
            spec.wording = wording
            out.append(spec)
            if kind != WITHDRAWAL and rng.random() < execution:
                ex = county.execution(
                    rng,
                    spec,
                    planted=True,
                    publish=0.75,
                    mode="终结本次执行程序" if rng.random() < 0.7 else None,
                )
                if ex is not None:
                    executions.append(ex)
    return out + executions


def relation_of(county: County, person: Person) -> list[tuple[str, Person]]:
    """Relatives known to the household register: spouse, siblings, parents."""
    out: list[tuple[str, Person]] = []
    pop = county.pop
    for sib in pop.siblings(person):
        out.append(("sibling", sib))
    if person.spouse:
        out.append(("spouse", pop.by_key[person.spouse]))
    if person.father and person.father in pop.by_key:
        out.append(("father", pop.by_key[person.father]))
    return out


def any_court(rng: random.Random) -> C.Court:
    return rng.choice(C.BASIC_COURTS)
