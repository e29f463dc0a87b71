"""Civil documents: judgments (contested, default, partly rejected), mediation documents and
rulings allowing withdrawal, for lending, sales, labour, divorce and insurance causes."""

from __future__ import annotations

import datetime as dt

from ..cases import JUDGMENT, MEDIATION, WITHDRAWAL, CaseSpec, LoanFacts
from ..companies import Organization
from ..people import Person
from .base import DocBuilder, Pieces, laws
from .numerals import acceptance_fee, amount_caps, date_ar, money
from .phrasings import CASH, RATE

_TERM = {1: "一个月", 2: "两个月", 3: "三个月", 6: "六个月", 12: "一年", 24: "两年"}
_DELIVERY = {
    "bank": "通过银行转账方式",
    "cash": "以现金方式",
    "wechat": "通过微信转账方式",
    "alipay": "通过支付宝转账方式",
}


_MONTHS_CN = {1: "一", 2: "两", 3: "三"}


def _money(b: DocBuilder, yuan: int) -> str:
    return b.amount(max(0, int(yuan)))


def _interest_clause(b: DocBuilder, s: CaseSpec, base: int, since: dt.date, *, court: bool = False) -> str:
    """The interest part of a claim (or, ``court``, of a holding): the agreed rate when within
    the cap in force at filing; above it, a claim after the 2020 reform asks for four times the
    LPR and a court awards the cap."""
    if not s.interest_claimed:
        return ""
    if s.loan is not None and s.loan.monthly_rate > 0:
        from jiandu.legal import interest_cap

        cap = interest_cap(s.filing)
        above = s.loan.monthly_rate * 12 > cap.annual_rate + 1e-9
        if above and (s.filing >= dt.date(2020, 8, 20) or court):
            if s.filing >= dt.date(2020, 8, 20):
                rate = "全国银行间同业拆借中心公布的一年期贷款市场报价利率的四倍"
                b.record("rate.lpr4", rate, near=(RATE,))
            else:
                rate = f"年利率{cap.annual_rate * 100:g}%"
                b.record("rate.cap", rate, near=(RATE,))
        else:
            rate = b.rate_phrase(s.loan.monthly_rate, s.filing)
    else:
        rate = (
            "全国银行间同业拆借中心公布的一年期贷款市场报价利率"
            if s.filing >= dt.date(2019, 8, 20)
            else "中国人民银行同期同类贷款利率"
        )
    return f"，并支付利息（以{base}元为基数，自{date_ar(since)}起按{rate}计算至实际履行之日止）"


def _rolled_interest(loan: LoanFacts) -> int:
    """Six months of interest, added to the principal when a rollover is told."""
    return max(100, int(loan.iou * max(loan.monthly_rate, 0.01) * 6 / 100) * 100)


def _rollover(b: DocBuilder, s: CaseSpec, loan: LoanFacts) -> str:
    """A rollover (interest added to the principal, a new IOU) or its near miss, when the
    background planner asked for one."""
    when = date_ar(dt.date.fromordinal(loan.loan_date.toordinal() + 30 * max(1, loan.term_months)))
    if s.extra.get("rollover"):
        interest = _rolled_interest(loan)
        return b.phrase(
            "rollover.facts",
            date=when,
            interest=_money(b, interest),
            iou=_money(b, loan.iou),
            old=_money(b, loan.iou - interest),
        )
    if s.extra.get("rollover_near"):
        return b.phrase("rollover.near", date=when)
    return ""


def _loan_story(b: DocBuilder, s: CaseSpec, loan: LoanFacts, plaintiff_view: bool) -> str:
    p = b.name(s.plaintiffs[0].entity)
    d = b.name(s.defendants[0].entity)
    assignor = s.extra.get("assignor")
    lender = b.name(assignor) if isinstance(assignor, Person | Organization) else p
    term = _TERM.get(loan.term_months, f"{loan.term_months}个月")
    rate = "，未约定利息"
    if loan.monthly_rate > 0:
        rate = f"，{b.rate_phrase(loan.monthly_rate, s.filing, loan.iou)}"
    due = dt.date.fromordinal(loan.loan_date.toordinal() + 30 * loan.term_months)
    # with a rollover the findings tell the first loan, the new IOU holds the interest too
    first = loan.iou - _rolled_interest(loan) if s.extra.get("rollover") and not plaintiff_view else loan.iou
    out = [
        f"{date_ar(loan.loan_date)}，被告{d}因{loan.purpose}向原告{p}借款{b.amount(first)}，"
        f"约定借款期限{term}{rate}，被告向原告出具借条一份。"
    ]
    if loan.standard_form and s.wording:
        out.append(
            "借条载明：“"
            + s.wording.format(
                lender=p,
                borrower=d,
                caps=amount_caps(loan.iou),
                iou=loan.iou,
                start=date_ar(loan.loan_date),
                end=date_ar(due),
                rate=(
                    b.rate_phrase(loan.monthly_rate, s.filing, fixed_for=s.plaintiffs[0].entity.key)
                    if "{rate}" in s.wording
                    else ""
                ),
            )
            + "”"
        )
    elif b.rng.random() < 0.3:
        out.append(
            f"借条载明：“今借到{lender}人民币{amount_caps(loan.iou)}，{date_ar(due)}前归还。借款人：{d}”"
        )
    channel = _DELIVERY[loan.delivery]
    rest = loan.iou - loan.transfer
    values = {
        "p": p,
        "d": d,
        "date": date_ar(loan.loan_date),
        "amount": _money(b, loan.transfer),
        "transfer": _money(b, loan.transfer),
        "iou": _money(b, loan.iou),
        "rest": _money(b, rest),
        "channel": channel,
    }
    if loan.transfer < loan.iou and not plaintiff_view:
        if loan.upfront_interest:
            months = max(1, min(3, round(loan.upfront_interest / max(1.0, loan.iou * loan.monthly_rate))))
            text = b.phrase(
                "upfront.facts",
                **values,
                upfront=_money(b, loan.upfront_interest),
                months=_MONTHS_CN.get(months, "两"),
            )
            if loan.delivery == "cash" and channel in text:
                b.record("cash.channel", text, codes=(CASH,))
            out.append(text)
        else:
            out.append(b.phrase("cash.unproven", **values))
    elif loan.delivery == "cash":
        out.append(b.phrase("cash.full", **values))
    elif plaintiff_view and loan.transfer < loan.iou:
        out.append(b.phrase("cash.rest", **values))
    else:
        out.append(f"原告于当日{channel}向被告交付了借款。")
        if not plaintiff_view:
            x = _money(b, max(100, int(loan.iou * max(loan.monthly_rate, 0.005) / 100) * 100))
            r = b.rng.random()
            if r < 0.10:
                out.append(b.phrase("cash.near", **{**values, "x": x}))
            elif r < 0.16:
                out.append(b.phrase("upfront.near", **{**values, "amount": _money(b, loan.iou), "x": x}))
            elif r < 0.24:
                out.append(b.phrase("iou.near", **{**values, "amount": _money(b, loan.iou)}))
    if not plaintiff_view:
        out.append(_rollover(b, s, loan))
    if s.loan and s.loan.guarantor is not None:
        out.append(f"被告{b.name(s.loan.guarantor.entity)}作为保证人在借条上签字，承诺承担连带保证责任。")
    if "assignor" in s.extra:
        a = s.extra["assignor"]
        assert isinstance(a, Person | Organization)
        ad = s.extra.get("assign_date")
        assert isinstance(ad, dt.date)
        out[0] = out[0].replace(f"向原告{p}借款", f"向{b.name(a)}借款")
        out.append(b.phrase("assign.loan", a=b.name(a), date=date_ar(ad), amount=_money(b, loan.iou)))
        if isinstance(a, Organization) and b.rng.random() < 0.5:
            later = dt.date.fromordinal(ad.toordinal() + b.rng.randint(5, 40))
            out.append(b.phrase("assign.newspaper", date=date_ar(later)))
    elif s.extra.get("assign_near") and not plaintiff_view:
        out.append(b.phrase("assign.near"))
    out.append("借款到期后，经多次催讨，被告至今未归还借款。")
    return "".join(out)


def lending_pieces(b: DocBuilder, s: CaseSpec) -> Pieces:
    assert s.loan is not None
    loan = s.loan
    p = b.name(s.plaintiffs[0].entity)
    d = b.name(s.defendants[0].entity)
    since = dt.date.fromordinal(loan.loan_date.toordinal() + 30 * loan.term_months + 1)
    interest = _interest_clause(b, s, s.principal, since)
    claim_items = [f"判令被告{d}归还借款{b.amount(s.principal)}{interest}"]
    if loan.guarantor is not None:
        claim_items.append(f"判令被告{b.name(loan.guarantor.entity)}对上述债务承担连带清偿责任")
    claim_items.append("本案诉讼费用由被告负担")
    b.expected["claimed_principal"] = float(s.principal)
    story = _loan_story(b, s, loan, plaintiff_view=True)
    if s.wording is not None and not loan.standard_form:
        story = s.wording.format(
            lender=p,
            borrower=d,
            caps=amount_caps(s.principal),
            iou=s.principal,
            start=date_ar(loan.loan_date),
            end=date_ar(since),
            rate=(
                b.rate_phrase(loan.monthly_rate, s.filing, fixed_for=s.plaintiffs[0].entity.key)
                if "{rate}" in s.wording
                else ""
            ),
        )
    if b.rng.random() < 0.75 or s.wording is not None:
        claims = (
            f"原告{p}向本院提出诉讼请求："
            + "；".join(f"{i}.{c}" for i, c in enumerate(claim_items, 1))
            + f"。事实和理由：{story}"
        )
    else:
        claims = f"原告{p}诉称：{story}故诉至法院，请求" + "；".join(claim_items) + "。"
    pieces = Pieces(claims=claims)
    facts_story = _loan_story(b, s, loan, plaintiff_view=False)
    if s.defendant_absent:
        pieces.defence.append(b.phrase("absent.defence", d=d))
        pieces.facts.append(f"根据原告的陈述和提交的证据，本院认定事实如下：{facts_story}")
    else:
        pieces.defence.append(_defence(b, s, d))
        pieces.facts.append("本院经审理认定事实如下：" + facts_story)
    pieces.facts.append("上述事实，有借条、转账凭证、身份证复印件及当事人陈述等证据证实，本院予以确认。")
    reason = [
        f"本院认为，合法的借贷关系受法律保护。原告{p}与被告{d}之间的借贷关系，有借条等证据证实，"
        "本院予以确认。被告未按约归还借款，应承担相应的民事责任。"
    ]
    if s.defendant_absent:
        reason.append(b.phrase("absent.reasoning", d=d))
    if s.outcome == "partial":
        if loan.transfer < loan.iou:
            reason.append(
                b.phrase(
                    "iou.reasoning",
                    transfer=_money(b, loan.transfer),
                    iou=_money(b, loan.iou),
                    rest=_money(b, loan.iou - loan.transfer),
                )
            )
        elif loan.monthly_rate * 12 > _cap(s) + 1e-9:
            reason.append(
                b.phrase(
                    "rate.reasoning",
                    rate=b.rate_phrase(loan.monthly_rate, s.filing),
                    cap=f"{_cap(s) * 100:g}",
                )
            )
        else:
            reason.append("原告主张的律师费等其他费用缺乏合同依据，本院不予支持。")
    elif (
        loan.monthly_rate > 0
        and s.interest_claimed
        and b.rng.random() < 0.2
        and loan.monthly_rate * 12 <= _cap(s) + 1e-9
    ):
        reason.append(b.phrase("rate.near_rule"))
    if s.outcome == "rejected":
        reason = [
            f"本院认为，原告{p}主张与被告{d}之间存在借贷关系，但未能提供借款实际交付的证据，"
            "应承担举证不能的不利后果，对原告的诉讼请求，本院不予支持。"
        ]
    pieces.reasoning = "".join(reason)
    L = laws(s.decided)
    law_list = [L["loan"], L["lending_rules"]]
    if loan.guarantor is not None:
        law_list.append(L["guarantee"])
    if "assignor" in s.extra:
        law_list.append(L["assign"])
    if s.defendant_absent:
        law_list.append(L["default"])
    pieces.laws = "、".join(law_list)
    if s.outcome == "rejected":
        pieces.items = [f"驳回原告{p}的诉讼请求。"]
    else:
        judged_interest = _interest_clause(b, s, s.judged, since, court=True) if s.interest_claimed else ""
        pieces.items = [
            f"被告{d}于本判决生效之日起十日内归还原告{p}借款{b.amount(s.judged)}{judged_interest}。"
        ]
        if loan.guarantor is not None:
            pieces.items.append(
                f"被告{b.name(loan.guarantor.entity)}对上述第一项债务承担连带清偿责任，"
                "其承担保证责任后，有权向被告" + d + "追偿。"
            )
        if s.outcome == "partial":
            pieces.items.append(f"驳回原告{p}的其他诉讼请求。")
    return pieces


def _cap(s: CaseSpec) -> float:
    from jiandu.legal import interest_cap

    return interest_cap(s.filing).annual_rate


def _defence(b: DocBuilder, s: CaseSpec, d: str) -> str:
    """The defendant's answer, a whole line; what it admits or contests is drawn from the pools."""
    loan = s.loan
    key = s.defence or b.rng.choice(("admit", "admit", "usury", "partial_paid"))
    if key == "not_received" and loan is not None:
        return f"被告{d}辩称：" + b.phrase(
            "iou.defence",
            transfer=_money(b, loan.transfer),
            iou=_money(b, loan.iou),
            rest=_money(b, loan.iou - loan.transfer),
        )
    if key == "not_lender":
        return b.phrase_at("admits.near", 6, {"d": d})
    if key == "usury":
        return f"被告{d}辩称：" + b.phrase("rate.defence" if b.rng.random() < 0.5 else "rate.near_defence")
    if key == "partial_paid":
        paid = loan.iou // 10 if loan is not None else 1000
        when = date_ar(s.filing - dt.timedelta(days=b.rng.randint(30, 200)))
        return b.phrase_at("admits.near", b.rng.randrange(6), {"d": d, "x": _money(b, paid), "date": when})
    return b.phrase("admits.defence", d=d, amount=b.amount(s.principal))


def bank_pieces(b: DocBuilder, s: CaseSpec) -> Pieces:
    p = b.name(s.plaintiffs[0].entity)
    d = b.name(s.defendants[0].entity)
    guarantors = s.defendants[1:]
    rate = (
        b.rng.choice((4.35, 5.22, 5.655, 6.09, 7.2, 8.4))
        if s.cause == "金融借款合同纠纷"
        else b.rng.choice((12.0, 14.4, 15.0, 18.0))
    )
    loan_date = s.extra.get("loan_date")
    assert isinstance(loan_date, dt.date)
    contract = "《个人借款合同》" if s.cause == "金融借款合同纠纷" else "《借款合同》"
    # the contract rate is stated as written; above the private-lending cap at filing it is the
    # sign as the text states it (whether the cap binds a licensed lender is for the model)
    stated = f"年利率{rate:g}%"
    if rate / 100 > _cap(s) + 1e-9:
        b.record("rate.contract", stated, codes=(RATE,))
    elif abs(rate / 100 - _cap(s)) < 1e-9:
        b.record("rate.contract", stated, near=(RATE,))
    interest_owed = int(s.principal * rate / 100 * b.rng.uniform(0.2, 0.8))
    items = [
        f"判令被告{d}归还借款本金{b.amount(s.principal)}，支付截至{date_ar(s.filing)}的利息、"
        f"罚息、复利共计{interest_owed}元，并支付自{date_ar(s.filing)}起至实际履行之日止的罚息、"
        "复利（按合同约定标准计算）"
    ]
    if guarantors:
        items.append(f"判令被告{b.names(guarantors)}对上述债务承担连带清偿责任")
    items.append("本案诉讼费用由被告负担")
    b.expected["claimed_principal"] = float(s.principal)
    story = (
        f"{date_ar(loan_date)}，被告{d}与原告签订{contract}，约定向原告借款{s.principal}元，"
        f"借款期限一年，{stated}，逾期罚息按借款利率上浮50%计收。"
        + (
            f"被告{b.names(guarantors)}向原告出具保证书，承诺对上述借款承担连带保证责任。"
            if guarantors
            else ""
        )
        + f"合同签订后，原告依约发放了贷款。被告{d}未按约还本付息，已构成违约。"
    )
    pieces = Pieces(
        claims=f"原告{p}向本院提出诉讼请求："
        + "；".join(f"{i}.{c}" for i, c in enumerate(items, 1))
        + f"。事实和理由：{story}"
    )
    defs = b.names(s.defendants)
    if s.defendant_absent:
        pieces.defence.append(f"被告{defs}未作答辩。")
        pieces.facts.append(f"本院经审理认定事实如下：{story}")
    else:
        pieces.defence.append(b.phrase("admits.bank", d=d))
        pieces.facts.append(f"本院经审理认定事实如下：{story}")
    pieces.reasoning = (
        f"本院认为，原告与被告{d}之间签订的借款合同系双方真实意思表示，合法有效。原告依约"
        f"发放贷款后，被告{d}未按约还本付息，应承担还本付息的违约责任。"
        + (
            f"被告{b.names(guarantors)}自愿提供连带责任保证，应当对上述债务承担连带清偿责任。"
            if guarantors
            else ""
        )
    )
    L = laws(s.decided)
    pieces.laws = "、".join(
        [L["loan"]]
        + ([L["guarantee"]] if guarantors else [])
        + ([L["default"]] if s.defendant_absent else [])
    )
    pieces.items = [
        f"被告{d}于本判决生效之日起十日内归还原告{p}借款本金{b.amount(s.judged)}，"
        f"并支付利息、罚息、复利（截至{date_ar(s.filing)}为{interest_owed}元，此后按合同约定"
        "计算至实际履行之日止）。"
    ]
    if guarantors:
        pieces.items.append(f"被告{b.names(guarantors)}对上述第一项债务承担连带清偿责任。")
    return pieces


def sale_pieces(b: DocBuilder, s: CaseSpec) -> Pieces:
    p = b.name(s.plaintiffs[0].entity)
    d = b.name(s.defendants[0].entity)
    goods = s.extra.get("goods", "纺织面料")
    story = (
        f"原、被告之间存在{goods}买卖关系，原告按约向被告供应{goods}，经双方对账确认，被告尚欠原告"
        f"货款{s.principal}元。经原告多次催讨，被告未付。"
    )
    pieces = Pieces(
        claims=f"原告{p}向本院提出诉讼请求：1.判令被告{d}支付货款{b.amount(s.principal)}"
        f"及逾期付款利息损失；2.本案诉讼费用由被告负担。事实和理由：{story}"
    )
    if s.defendant_absent:
        pieces.defence.append(b.phrase("absent.defence", d=d))
    else:
        pieces.defence.append(b.phrase("admits.sale", d=d))
    pieces.facts.append(f"本院经审理认定事实如下：{story}")
    pieces.reasoning = (
        "本院认为，原、被告之间的买卖合同关系合法有效。原告已依约供货，被告未按约支付货款，"
        "应承担继续履行及赔偿损失的违约责任。"
    )
    L = laws(s.decided)
    pieces.laws = "、".join([L["sale"]] + ([L["default"]] if s.defendant_absent else []))
    pieces.items = [
        f"被告{d}于本判决生效之日起十日内支付原告{p}货款{b.amount(s.judged)}，"
        "并赔偿逾期付款利息损失（按全国银行间同业拆借中心公布的一年期贷款市场报价利率计算）。"
    ]
    if s.outcome == "partial":
        pieces.items.append(f"驳回原告{p}的其他诉讼请求。")
    return pieces


def labour_pieces(b: DocBuilder, s: CaseSpec) -> Pieces:
    p = b.name(s.plaintiffs[0].entity)
    d = b.name(s.defendants[0].entity)
    job = s.extra.get("job", "挡车工")
    start = s.extra.get("start")
    assert isinstance(start, dt.date)
    story = (
        f"原告于{date_ar(start)}入职被告处从事{job}工作，双方签订了劳动合同。被告拖欠原告工资共计"
        f"{s.principal}元未付。原告向劳动人事争议仲裁委员会申请仲裁，仲裁委员会作出裁决后，原告不服，"
        "诉至本院。"
    )
    pieces = Pieces(
        claims=f"原告{p}向本院提出诉讼请求：1.判令被告{d}支付拖欠的劳动报酬"
        f"{b.amount(s.principal)}；2.本案诉讼费用由被告负担。事实和理由：{story}"
    )
    pieces.defence.append(
        f"被告{d}辩称：原告主张的工资数额计算有误，部分工资已经支付。"
        if not s.defendant_absent
        else f"被告{d}未作答辩。"
    )
    pieces.facts.append(f"本院经审理认定事实如下：{story}")
    pieces.reasoning = (
        "本院认为，劳动者的合法权益受法律保护。"
        "用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。"
    )
    L = laws(s.decided)
    pieces.laws = "、".join([L["labour"]] + ([L["default"]] if s.defendant_absent else []))
    pieces.items = [f"被告{d}于本判决生效之日起十日内支付原告{p}劳动报酬{b.amount(s.judged)}。"]
    if s.outcome == "partial":
        pieces.items.append(f"驳回原告{p}的其他诉讼请求。")
    return pieces


def divorce_pieces(b: DocBuilder, s: CaseSpec) -> Pieces:
    p = b.name(s.plaintiffs[0].entity)
    d = b.name(s.defendants[0].entity)
    married = s.extra.get("married")
    assert isinstance(married, dt.date)
    story = (
        f"原、被告于{date_ar(married)}登记结婚，婚后因性格不合经常发生争吵，近年来双方分居生活，"
        "夫妻感情确已破裂。"
    )
    pieces = Pieces(
        claims=f"原告{p}向本院提出诉讼请求：1.判令原、被告离婚；2.依法分割夫妻共同财产；"
        f"3.本案诉讼费用由被告负担。事实和理由：{story}"
    )
    pieces.defence.append(
        f"被告{d}辩称："
        + ("同意离婚，但对财产分割有异议。" if s.outcome == "granted" else "双方感情尚未破裂，不同意离婚。")
    )
    pieces.facts.append(f"本院经审理认定事实如下：原、被告于{date_ar(married)}登记结婚。")
    L = laws(s.decided)
    pieces.laws = L["divorce"]
    if s.outcome == "granted":
        pieces.reasoning = (
            "本院认为，原、被告婚后未能建立起牢固的夫妻感情，现双方感情确已破裂，原告要求离婚，本院予以准许。"
        )
        pieces.items = [f"准予原告{p}与被告{d}离婚。"]
    else:
        pieces.reasoning = (
            "本院认为，原、被告系自主婚姻，婚后感情尚可，只要双方加强沟通，夫妻关系尚有和好可能。"
        )
        pieces.items = [f"不准原告{p}与被告{d}离婚。"]
    return pieces


def insurance_pieces(b: DocBuilder, s: CaseSpec) -> Pieces:
    p = b.name(s.plaintiffs[0].entity)
    d = b.name(s.defendants[0].entity)
    owner = s.extra.get("owner")
    plate = s.extra.get("plate", "浙D")
    shop = s.extra.get("shop")
    appraiser = s.extra.get("appraiser")
    accident = s.extra.get("accident")
    assert isinstance(accident, dt.date) and isinstance(plate, str)
    owner_name = b.name(owner) if isinstance(owner, Person) else p
    story = (
        f"{owner_name}所有的{plate}号小型轿车在被告处投保了机动车损失保险，保险期间内的"
        f"{date_ar(accident)}，该车发生交通事故受损。"
    )
    if isinstance(shop, Organization):
        story += f"事故车辆由{shop.name}进行修理。"
    if isinstance(appraiser, Organization):
        story += f"经{appraiser.name}评估，车辆损失为{s.principal}元。"
    else:
        story += f"车辆维修费用为{s.principal}元。"
    if isinstance(owner, Person):
        story += b.phrase("assign.insurance", owner=owner_name)
        story += "被告至今未予理赔。"
    else:
        story += "原告向被告申请理赔，被告至今未予理赔。"
    pieces = Pieces(
        claims=f"原告{p}向本院提出诉讼请求：1.判令被告支付保险金{b.amount(s.principal)}；"
        f"2.本案诉讼费用由被告负担。事实和理由：{story}"
    )
    if s.extra.get("no_assessment"):
        pieces.defence.append(
            f"被告{d}辩称：对保险合同关系及事故发生无异议，但事故发生后原告未通知被告"
            "定损，单方委托评估，评估金额明显过高，不予认可。"
        )
    else:
        pieces.defence.append(f"被告{d}辩称：对保险合同关系无异议，定损金额应以被告核定为准。")
    pieces.facts.append(f"本院经审理认定事实如下：{story}")
    pieces.reasoning = (
        "本院认为，保险合同依法成立并有效，保险事故发生后，保险人应按照约定履行赔偿保险金的义务。"
        + (b.phrase("assign.insurance_reasoning") if isinstance(owner, Person) else "")
    )
    L = laws(s.decided)
    pieces.laws = L["insurance"] + ("、" + L["assign"] if isinstance(owner, Person) else "")
    pieces.items = [f"被告{d}于本判决生效之日起十日内支付原告{p}保险金{b.amount(s.judged)}。"]
    if s.outcome == "partial":
        pieces.items.append(f"驳回原告{p}的其他诉讼请求。")
    return pieces


PIECES = {
    "民间借贷纠纷": lending_pieces,
    "债权转让合同纠纷": lending_pieces,
    "金融借款合同纠纷": bank_pieces,
    "小额借款合同纠纷": bank_pieces,
    "买卖合同纠纷": sale_pieces,
    "追索劳动报酬纠纷": labour_pieces,
    "离婚纠纷": divorce_pieces,
    "财产保险合同纠纷": insurance_pieces,
}

_NUMS = "一二三四五六七八九"


def _procedure_sentence(b: DocBuilder, s: CaseSpec) -> str:
    if s.procedure == "small_claims":
        return "依法适用小额诉讼程序"
    if s.procedure == "simple":
        return "依法适用简易程序"
    return "依法适用普通程序" if b.rng.random() < 0.5 else "依法组成合议庭"


def _trial_paragraph(b: DocBuilder, s: CaseSpec) -> str:
    p_names = b.names(s.plaintiffs)
    d_names = b.names(s.defendants)
    opening = f"原告{p_names}与被告{d_names}{s.cause}一案，本院于{date_ar(s.filing)}立案后，"
    hearing = s.hearing or s.decided
    served = {
        "d": b.names(s.defendants[:1]),
        "proc": _procedure_sentence(b, s),
        "hearing": date_ar(hearing),
        "notice_date": date_ar(s.filing + dt.timedelta(days=b.rng.randint(5, 20))),
    }
    if s.public_notice:
        opening += b.phrase("notice.opening", **served)
        b.expected["public_notice_service"] = True
    elif b.rng.random() < 0.12:
        opening += b.phrase("notice.near", **served)
    else:
        opening += f"{served['proc']}，于{served['hearing']}公开开庭进行了审理。"
    present = [
        f"原告{b.name(s.plaintiffs[0].entity)}"
        + (
            "的委托诉讼代理人" + s.plaintiffs[0].agents[0].agent.name
            if s.plaintiffs[0].agents and s.plaintiffs[0].agents[0].agent is not None
            else ""
        )
    ]
    if s.defendant_absent:
        absent = b.names(s.defendants)
        slot = "absent.notice_trial" if s.public_notice else "absent.trial"
        tail = b.phrase(slot, d=absent)
        b.expected["defendant_absent"] = True
        return opening + "、".join(present) + "到庭参加诉讼，" + tail + "本案现已审理终结。"
    return opening + b.phrase("absent.near", present="、".join(present), d=d_names) + "本案现已审理终结。"


def _fee_sentence(b: DocBuilder, s: CaseSpec, payer: str, halve: bool) -> str:
    if s.cause == "离婚纠纷":
        fee = 300
    else:
        fee = acceptance_fee(s.principal * (1.15 if s.interest_claimed else 1.0))
    if halve:
        return f"案件受理费{fee}元，减半收取{money(fee / 2)}元，由{payer}负担。"
    return f"案件受理费{fee}元，由{payer}负担。"


def _title(b: DocBuilder, s: CaseSpec, word: str) -> str:
    return f"{b.names(s.plaintiffs)}与{b.names(s.defendants)}{s.cause}一审{word}"


def render_judgment(b: DocBuilder) -> None:
    s = b.spec
    b.heading("民事判决书", _title(b, s, "民事判决书"))
    b.party_block()
    b.lines.append(_trial_paragraph(b, s))
    pieces = PIECES[s.cause](b, s)
    b.lines.append(pieces.claims)
    b.lines.extend(pieces.defence)
    b.lines.extend(pieces.facts)
    b.lines.append(f"{pieces.reasoning}依照{pieces.laws}之规定，判决如下：")
    if len(pieces.items) == 1:
        b.lines.append(pieces.items[0])
    else:
        for i, item in enumerate(pieces.items):
            b.lines.append(f"{_NUMS[i]}、{item}")
    if s.cause != "离婚纠纷" and s.outcome != "rejected":
        b.lines.append(
            f"如果未按本判决指定的期间履行给付金钱义务，应当依照{laws(s.decided)['delay']}之规定，"
            "加倍支付迟延履行期间的债务利息。"
        )
    d_names = b.names(s.defendants)
    payer = f"被告{d_names}" if s.outcome in ("full", "granted") else f"原告{b.names(s.plaintiffs)}"
    b.lines.append(_fee_sentence(b, s, payer, s.procedure != "ordinary"))
    if s.procedure == "small_claims":
        b.lines.append("本判决为终审判决。")
    else:
        b.lines.append(
            "如不服本判决，可以在判决书送达之日起十五日内，向本院递交上诉状，并按照对方当事人或者"
            f"代表人的人数提出副本，上诉于{b.appeal_court()}。"
        )
    b.signature(
        s.decided,
        collegial=s.procedure == "ordinary" and (s.decided < dt.date(2022, 1, 1) or s.stable % 2 == 0),
    )
    b.expected["doc_type"] = "judgment"
    b.expected["filing_date"] = s.filing.isoformat()


def render_mediation(b: DocBuilder) -> None:
    s = b.spec
    b.heading("民事调解书", _title(b, s, "民事调解书"))
    b.party_block()
    b.lines.append(
        f"原告{b.names(s.plaintiffs)}与被告{b.names(s.defendants)}{s.cause}一案，本院于"
        f"{date_ar(s.filing)}立案后，{_procedure_sentence(b, s)}进行了审理。"
    )
    pieces = PIECES[s.cause](b, s)
    b.lines.append(pieces.claims)
    b.lines.append("本案审理过程中，经本院主持调解，当事人自愿达成如下协议：")
    p = b.name(s.plaintiffs[0].entity)
    d = b.name(s.defendants[0].entity)
    due = dt.date.fromordinal(s.decided.toordinal() + b.rng.choice((10, 20, 30, 60, 90)))
    if s.cause == "离婚纠纷":
        items = [f"原告{p}与被告{d}自愿离婚；", "双方无共同债权债务；"]
    else:
        items = [
            f"被告{d}确认尚欠原告{p}{'借款' if s.is_lending else '款项'}{b.amount(s.judged)}，"
            f"于{date_ar(due)}前一次性支付给原告{p}；",
            f"如被告{d}未按期足额履行上述付款义务，原告{p}有权就全部未付款项申请强制执行；",
        ]
    fee = 300 if s.cause == "离婚纠纷" else acceptance_fee(s.principal)
    items.append(f"案件受理费{fee}元，减半收取{money(fee / 2)}元，由被告{d}负担。")
    for i, item in enumerate(items):
        b.lines.append(f"{_NUMS[i]}、{item}")
    b.lines.append("上述协议，不违反法律规定，本院予以确认。")
    b.lines.append("本调解书经各方当事人签收后，即具有法律效力。")
    b.signature(s.decided, collegial=s.procedure == "ordinary")
    b.expected["doc_type"] = "mediation"
    b.expected["mediation"] = True
    b.expected["filing_date"] = s.filing.isoformat()


def render_withdrawal(b: DocBuilder) -> None:
    s = b.spec
    b.heading("民事裁定书", _title(b, s, "民事裁定书"))
    b.party_block()
    p = b.names(s.plaintiffs)
    d = b.names(s.defendants)
    r = b.rng
    para = f"原告{p}与被告{d}{s.cause}一案，本院于{date_ar(s.filing)}立案。"
    if s.is_lending and (r.random() < 0.35 or s.wording is not None):
        para += f"原告{p}向本院提出诉讼请求：判令被告{d}归还借款{b.amount(s.principal)}及利息。"
        b.expected["claimed_principal"] = float(s.principal)
    if s.public_notice:
        para += b.phrase("notice.withdrawal", d=d)
        b.expected["public_notice_service"] = True
    reason = r.choice(("", "", "双方已自行和解为由，", "被告已归还部分款项为由，", "需补充证据为由，"))
    if reason:
        para += f"审理过程中，原告{p}以{reason}于{date_ar(s.decided)}向本院申请撤回起诉。"
    else:
        para += f"原告{p}于{date_ar(s.decided)}向本院提出撤诉申请。"
    b.lines.append(para)
    b.lines.append(
        f"本院认为，原告{p}的撤诉申请符合法律规定。依照{laws(s.decided)['withdraw']}之规定，裁定如下："
    )
    b.lines.append(f"准许原告{p}撤回起诉。")
    b.lines.append(_fee_sentence(b, s, f"原告{p}", True))
    b.signature(s.decided, collegial=False)
    b.expected["doc_type"] = "ruling"
    b.expected["withdrawal"] = True
    b.expected["filing_date"] = s.filing.isoformat()


CIVIL_RENDERERS = {
    JUDGMENT: render_judgment,
    MEDIATION: render_mediation,
    WITHDRAWAL: render_withdrawal,
}
