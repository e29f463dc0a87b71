"""Honest background cases: private lending between acquaintances, banks and licensed
small-loan companies suing their borrowers, sales, labour, divorce and insurance claims by
car owners. None of these is a planted pattern; banks suing many borrowers are lawful."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from . import courts as C
from .cases import JUDGMENT, MEDIATION, WITHDRAWAL, CaseSpec, LoanFacts, Party
from .county import County, day, lognormal_amount, rand_date, rand_filing
from .rng import stream

CAUSES = (
    ("民间借贷纠纷", 0.40),
    ("金融借款合同纠纷", 0.14),
    ("小额借款合同纠纷", 0.04),
    ("买卖合同纠纷", 0.14),
    ("追索劳动报酬纠纷", 0.06),
    ("离婚纠纷", 0.10),
    ("财产保险合同纠纷", 0.04),
)
KINDS = {
    "民间借贷纠纷": (0.55, 0.2, 0.25),
    "金融借款合同纠纷": (0.7, 0.15, 0.15),
    "小额借款合同纠纷": (0.7, 0.15, 0.15),
    "买卖合同纠纷": (0.5, 0.3, 0.2),
    "追索劳动报酬纠纷": (0.6, 0.25, 0.15),
    "离婚纠纷": (0.45, 0.35, 0.2),
    "财产保险合同纠纷": (0.6, 0.3, 0.1),
}
GOODS = (
    "纺织面料",
    "化纤原料",
    "印染助剂",
    "建筑材料",
    "五金配件",
    "服装",
    "黄酒",
    "电线电缆",
    "钢材",
    "包装纸箱",
)
JOBS = ("挡车工", "印染工", "仓库管理员", "销售员", "驾驶员", "缝纫工", "电焊工", "会计")
EXEC_PROB = {
    "民间借贷纠纷": 0.35,
    "金融借款合同纠纷": 0.45,
    "小额借款合同纠纷": 0.45,
    "买卖合同纠纷": 0.3,
    "追索劳动报酬纠纷": 0.2,
    "财产保险合同纠纷": 0.1,
}


def _court_for(rng: random.Random, district: str) -> C.Court:
    if rng.random() < 0.9:
        return C.COURT_OF_DISTRICT[district]
    return rng.choice(C.BASIC_COURTS)


class Background:
    def __init__(self, county: County) -> None:
        self.c = county
        self.rng = stream(county.seed, "background")
        self._causes = [c for c, _ in CAUSES]
        self._cw = [w for _, w in CAUSES]

    def cases(self) -> Iterator[CaseSpec]:
        """Endless stream of honest cases; a case may be followed by its execution ruling."""
        r = self.rng
        while True:
            cause = r.choices(self._causes, weights=self._cw)[0]
            spec = self._case(cause)
            yield spec
            if (
                spec.kind in (JUDGMENT, MEDIATION)
                and spec.outcome in ("full", "partial")
                and cause in EXEC_PROB
                and r.random() < EXEC_PROB[cause]
            ):
                ex = self.c.execution(r, spec, planted=False)
                if ex is not None:
                    yield ex

    def _kind(self, cause: str) -> str:
        j, m, _ = KINDS[cause]
        x = self.rng.random()
        return JUDGMENT if x < j else (MEDIATION if x < j + m else WITHDRAWAL)

    def _case(self, cause: str) -> CaseSpec:
        r = self.rng
        c = self.c
        kind = self._kind(cause)
        filing = rand_filing(r)
        old_style = False
        if r.random() < 0.03:
            filing = rand_date(r, dt.date(2015, 10, 8), dt.date(2015, 12, 25))
            old_style = True
        contested = r.random() < 0.55
        absent = kind == JUDGMENT and not contested
        notice = absent and r.random() < 0.3
        outcome = "full"
        if kind == JUDGMENT:
            x = r.random()
            outcome = (
                ("partial" if x < 0.35 else ("rejected" if x < 0.4 else "full"))
                if contested
                else ("partial" if x < 0.15 else "full")
            )
        if cause == "民间借贷纠纷":
            lender = c.pop.pick(r)
            borrower = c.pop.pick(r, lender.district)
            court = _court_for(r, borrower.district)
            principal = lognormal_amount(r, 60_000, 3_000, 3_000_000)
            monthly = 0.0 if r.random() < 0.3 else r.choice((0.005, 0.008, 0.01, 0.012, 0.015, 0.02))
            loan = LoanFacts(
                loan_date=day(filing, -r.randint(90, 900)),
                term_months=r.choice((1, 3, 6, 12)),
                monthly_rate=monthly,
                delivery=r.choices(("bank", "cash", "wechat", "alipay"), weights=(0.65, 0.15, 0.15, 0.05))[0],
                transfer=principal,
                iou=principal,
                purpose=r.choice(("资金周转", "经营需要", "购房", "生意周转", "家庭开支")),
            )
            defendants = [
                Party("被告", borrower, c.represent(r, borrower, 0.2 if contested else 0), "defendant")
            ]
            if r.random() < 0.15:
                g = c.pop.pick(r, borrower.district)
                if g.key not in (lender.key, borrower.key):
                    gp = Party("被告", g, [], "defendant")
                    defendants.append(gp)
                    loan.guarantor = gp
            plaintiffs = [Party("原告", lender, c.represent(r, lender, 0.5, 0.1, 0.05), "plaintiff")]
            judged = principal
            spec = c.civil_case(
                r,
                court=court,
                cause=cause,
                kind=kind,
                plaintiffs=plaintiffs,
                defendants=defendants,
                filing=filing,
                principal=principal,
                planted=False,
                absent=absent,
                public_notice=notice,
                outcome=outcome,
                judged=judged,
                loan=loan,
                old_style=old_style,
            )
            if outcome == "partial":
                spec.judged = principal if r.random() < 0.6 else int(principal * 0.8 / 100) * 100
                if spec.judged < principal:
                    loan.transfer = spec.judged
            spec.interest_claimed = monthly > 0 or r.random() < 0.5
            # a rollover stated in the findings (interest added to the principal), or a near
            # miss of it or of an assignment (render.phrasings)
            if monthly > 0 and loan.transfer == loan.iou and r.random() < 0.02:
                # interest deducted when the loan was handed over (砍头息), between acquaintances too
                upfront = max(100, int(principal * monthly * r.choice((1, 2, 3)) / 100) * 100)
                if upfront < principal:
                    loan.upfront_interest = upfront
                    loan.transfer = principal - upfront
            x = r.random()
            if monthly > 0 and x < 0.06:
                spec.extra["rollover"] = True
            elif 0.06 <= x < 0.11:
                spec.extra["rollover_near"] = True
            elif 0.11 <= x < 0.14:
                spec.extra["assign_near"] = True
            return spec
        if cause in ("金融借款合同纠纷", "小额借款合同纠纷"):
            borrower = c.pop.pick(r)
            court = C.COURT_OF_DISTRICT[borrower.district]
            if cause == "金融借款合同纠纷":
                banks = [b for b in c.orgs.banks if b.district == borrower.district] or c.orgs.banks
                lender_org = r.choice(banks)
                principal = lognormal_amount(r, 150_000, 10_000, 3_000_000)
            else:
                lenders = [b for b in c.orgs.small_loans if b.district == borrower.district]
                lender_org = r.choice(lenders or c.orgs.small_loans)
                principal = lognormal_amount(r, 80_000, 10_000, 1_000_000)
            defendants = [Party("被告", borrower, [], "defendant")]
            for _ in range(r.choice((0, 1, 1, 2))):
                g = c.pop.pick(r, borrower.district)
                if g.key != borrower.key:
                    defendants.append(Party("被告", g, [], "defendant"))
            plaintiffs = [Party("原告", lender_org, c.represent(r, lender_org, 0.7, 0.1), "plaintiff")]
            absent = kind == JUDGMENT and r.random() < 0.6
            spec = c.civil_case(
                r,
                court=court,
                cause=cause,
                kind=kind,
                plaintiffs=plaintiffs,
                defendants=defendants,
                filing=filing,
                principal=principal,
                planted=False,
                absent=absent,
                public_notice=absent and r.random() < 0.35,
                outcome="full",
                old_style=old_style,
            )
            spec.extra["loan_date"] = day(filing, -r.randint(200, 900))
            return spec
        if cause == "买卖合同纠纷":
            seller = c.orgs.pick_company(r)
            buyer = c.orgs.pick_company(r) if r.random() < 0.7 else c.pop.pick(r, seller.district)
            court = C.COURT_OF_DISTRICT.get(seller.district) or C.BASIC_COURTS[0]
            principal = lognormal_amount(r, 120_000, 5_000, 5_000_000)
            spec = c.civil_case(
                r,
                court=court,
                cause=cause,
                kind=kind,
                plaintiffs=[Party("原告", seller, c.represent(r, seller, 0.7), "plaintiff")],
                defendants=[
                    Party("被告", buyer, c.represent(r, buyer, 0.3 if contested else 0), "defendant")
                ],
                filing=filing,
                principal=principal,
                planted=False,
                absent=absent,
                public_notice=notice and r.random() < 0.3,
                outcome=outcome,
                judged=principal if outcome != "partial" else int(principal * 0.85),
                old_style=old_style,
            )
            spec.extra["goods"] = r.choice(GOODS)
            spec.interest_claimed = False
            return spec
        if cause == "追索劳动报酬纠纷":
            employer = c.orgs.pick_company(r)
            worker = c.pop.pick(r, employer.district)
            court = C.COURT_OF_DISTRICT.get(employer.district) or C.BASIC_COURTS[0]
            principal = lognormal_amount(r, 25_000, 3_000, 200_000)
            start = day(filing, -r.randint(300, 2500))
            c.regs.add_employment(worker, employer, start, day(filing, -r.randint(30, 200)), r.choice(JOBS))
            spec = c.civil_case(
                r,
                court=court,
                cause=cause,
                kind=kind,
                plaintiffs=[Party("原告", worker, c.represent(r, worker, 0.3, 0.2), "plaintiff")],
                defendants=[Party("被告", employer, c.represent(r, employer, 0.5), "defendant")],
                filing=filing,
                principal=principal,
                planted=False,
                absent=absent and r.random() < 0.3,
                outcome=outcome if outcome != "rejected" else "partial",
                judged=principal if outcome == "full" else int(principal * 0.7),
                old_style=old_style,
            )
            spec.extra["start"] = start
            spec.extra["job"] = r.choice(JOBS)
            spec.interest_claimed = False
            return spec
        if cause == "离婚纠纷":
            husband, wife = c.pop.pick_couple(r)
            plaintiff, defendant = (wife, husband) if r.random() < 0.65 else (husband, wife)
            court = C.COURT_OF_DISTRICT[plaintiff.district]
            spec = c.civil_case(
                r,
                court=court,
                cause=cause,
                kind=kind,
                plaintiffs=[Party("原告", plaintiff, c.represent(r, plaintiff, 0.4, 0.1), "plaintiff")],
                defendants=[Party("被告", defendant, c.represent(r, defendant, 0.2), "defendant")],
                filing=filing,
                principal=0,
                planted=False,
                absent=False,
                outcome=r.choice(("granted", "refused")),
                old_style=old_style,
            )
            spec.extra["married"] = dt.date(
                max(husband.birth.year, wife.birth.year) + r.randint(21, 30),
                r.randint(1, 12),
                r.randint(1, 28),
            )
            spec.interest_claimed = False
            return spec
        # 财产保险合同纠纷: the car owner sues the insurer
        owner = c.pop.pick(r)
        insurer = r.choice(c.orgs.insurers)
        court = C.COURT_OF_DISTRICT[owner.district]
        principal = lognormal_amount(r, 20_000, 2_000, 300_000)
        spec = c.civil_case(
            r,
            court=court,
            cause=cause,
            kind=kind,
            plaintiffs=[Party("原告", owner, c.represent(r, owner, 0.4, 0.2), "plaintiff")],
            defendants=[Party("被告", insurer, c.represent(r, insurer, 0.6), "defendant")],
            filing=filing,
            principal=principal,
            planted=False,
            absent=False,
            outcome="full" if r.random() < 0.5 else "partial",
            judged=principal if r.random() < 0.5 else int(principal * 0.8),
            old_style=old_style,
        )
        spec.extra.update(
            plate=plate(r),
            accident=day(filing, -r.randint(40, 300)),
            shop=r.choice(c.orgs.repair_shops) if r.random() < 0.5 else None,
        )
        spec.interest_claimed = False
        return spec


_PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def plate(rng: random.Random) -> str:
    """A Shaoxing plate: 浙D plus five characters."""
    body = (
        rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")
        + "".join(rng.choice("0123456789") for _ in range(3))
        + rng.choice(_PLATE_CHARS)
    )
    return "浙D" + ("·" if rng.random() < 0.3 else "") + body
