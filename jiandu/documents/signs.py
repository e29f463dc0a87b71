"""Document-level risk signs (风险特征) of civil lending texts: one definition of each.

``find_signs(text)`` returns every sign a civil text states, each as a :class:`Sign` with the
span of the clause that states it (offsets into ``text``). The parser puts them on the record
(``signs``), ingest writes them to the canonical table ``signs``, and every model that uses one
of these facts reads that table: no model or operator keeps its own copy of these patterns.

The patterns were written from real judgments (the development half of the labelled real texts,
see ``docs/signs.md``), not from the synthetic generator. A sign is what the text *states*,
whoever states it (the plaintiff's claim, the defence, the court's findings): a defendant's
allegation of 砍头息 is a risk sign even when the court does not accept it. A statement that is
negated (未预先扣除), about something else (以现金方式偿还 is repayment, not delivery) or only a
rule of law quoted in the abstract (利息不得预先在本金中扣除) is not a sign.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .amounts import find_amounts
from .interest import find_interest_rates
from .numerals import ARABIC_NUMBER, CN_SMALL_NUMBER, parse_number
from .record import InterestRate, Sign
from .spans import clause_bounds, sentence_bounds

FoundRate = tuple[InterestRate, int, int]  # a rate with its span, as find_interest_rates gives it

__all__ = [
    "SIGNS",
    "SIGN_CODES",
    "Sign",
    "SignDefinition",
    "defendant_admissions",
    "find_signs",
]


@dataclass(frozen=True, slots=True)
class SignDefinition:
    code: str
    name_zh: str
    meaning: str  # what the text must state
    relevance: str  # why a prosecutor cares (legal basis, practice)


SIGNS: dict[str, SignDefinition] = {
    d.code: d
    for d in (
        SignDefinition(
            "cash_delivery",
            "现金交付",
            "The loan (all or part of the principal) was handed to the borrower in cash. "
            "Repayment or interest paid in cash is not this sign.",
            "Cash delivery with no other evidence is an aggravating sign of professional lending "
            "(Zhejiang 2018 criteria) and of fabricated loans; 2020 民间借贷规定 art. 15 asks the "
            "court to examine cash delivery of large sums.",
        ),
        SignDefinition(
            "upfront_interest",
            "预扣利息（砍头息）",
            "Interest (or a fee acting as interest) was deducted from the principal when the loan "
            "was made, so the borrower received less than the written principal.",
            "民法典 art. 670 / 合同法 art. 200: interest may not be deducted in advance; the "
            "principal is what was actually lent. A hallmark of 套路贷.",
        ),
        SignDefinition(
            "iou_exceeds_delivery",
            "借据金额高于实际交付",
            "The IOU or contract amount is higher than the money actually delivered.",
            "A written debt above the real one is the core of 套路贷 and of false litigation "
            "(虚增债务); 2020 民间借贷规定 art. 26.",
        ),
        SignDefinition(
            "interest_above_cap",
            "约定或主张利率超过法定上限",
            "An agreed or claimed interest rate is above the legal cap at that date (24% a year "
            "before 2020-08-20; four times the one-year LPR at filing since).",
            "2015 民间借贷规定 art. 26 / 2020 amendment art. 25; interest above the cap is not "
            "protected and paying above the contract rate is an aggravating sign.",
        ),
        SignDefinition(
            "rollover",
            "借新还旧/利息计入本金",
            "A new loan or IOU repaid an old one, or unpaid interest was added to the principal.",
            "2020 民间借贷规定 art. 27 limits capitalised interest; rolling debts is a 套路贷 "
            "technique to inflate the claim (虚增债务、转单平账).",
        ),
        SignDefinition(
            "debt_assignment",
            "债权转让",
            "The lender's claim in this loan was assigned to another person.",
            "Assignment to a third party is used to evade execution against the assignor (the "
            "Changshu model) and to launder professional lending.",
        ),
        SignDefinition(
            "defendant_absent",
            "被告缺席（经传唤未到庭）",
            "A defendant did not appear after summons; the case was heard or decided in absence.",
            "Default judgments make fabricated claims easy (the Zhou pattern); 民事诉讼法 art. 147.",
        ),
        SignDefinition(
            "public_notice_service",
            "公告送达",
            "Documents of this case were served on a party by public notice.",
            "Public-notice service keeps the real debtor unaware; frequent in serial suits.",
        ),
        SignDefinition(
            "defendant_admits_all",
            "被告对诉请无异议、无实质对抗",
            "A defendant states no objection to the claims, or admits the debt and its amount in "
            "full. A partial admission or silence (no defence filed) is not this sign.",
            "Collusive suits show no real contest (最高法 2021 关于深入开展虚假诉讼整治工作的意见: "
            "当事人之间缺乏实质性对抗).",
        ),
    )
}
SIGN_CODES: tuple[str, ...] = tuple(SIGNS)


# -- clauses ---------------------------------------------------------------------------------



def _clauses_with(text: str, word: str) -> Iterator[tuple[int, int, int]]:
    """(clause start, clause end, position of ``word``) for each occurrence of ``word``."""
    pos = text.find(word)
    while pos >= 0:
        s, e = clause_bounds(text, pos, pos + len(word))
        yield s, e, pos
        pos = text.find(word, max(e, pos + 1))


# negations written just before a verb or noun: 未以现金, 并未扣除, 没有到庭, 不存在预扣
_NEGATED_BEFORE = re.compile(
    r"(?:未|没有|没|无|非|不|并非|不是|否认|不存在|不能证明|无法证明)[^，。；]{0,3}$"
)


# -- cash delivery -----------------------------------------------------------------------------

_CASH_LEND = re.compile(r"借|交付|给付|支付|交给|付给|出借|收到|收取|交与|提供")
# repayment, interest, guarantees, wages: cash for something other than handing over the loan
_CASH_OTHER = re.compile(r"还|返还|退|利息|付息|工资|货款|赔偿|罚款|押金|现金[^，。；]{0,6}?(?:担保|保证)")
# the IOU's own formula (今借到张三现金2万元) names the money, it does not say how it was handed over
_IOU_FORMULA = re.compile(
    r"今(?:向[^，。；]{1,12}?)?借(?:到|取)?|现借到|兹借到|兹向|载明|内容为|写明|借条[：:]|借据[：:]"
)


_TRANSFER = re.compile(r"转账|转款|汇款|汇入|微信|支付宝|银行转|打款|转入|网银|存入")


def _cash_delivery(text: str) -> Iterator[Sign]:
    written: list[Sign] = []  # cash named only in the IOU's own words
    found = False
    for s, e, pos in _clauses_with(text, "现金"):
        clause = text[s:e]
        if not _CASH_LEND.search(clause) or _CASH_OTHER.search(clause):
            continue
        if _NEGATED_BEFORE.search(text, s, pos) or re.match(
            r"[^，。；]{0,2}(?:穗|流量|管理)", text[pos + 2 :]
        ):
            continue
        if re.search(r"暂无现金|没有现金|无现金|现金不足", clause):
            continue
        if _IOU_FORMULA.search(text, s, pos):
            ss, se = sentence_bounds(text, s, e)
            if not re.search(r"结算|对账|换|重新", text[ss:se]):
                written.append(Sign("cash_delivery", clause, s, e))
            continue
        found = True
        yield Sign("cash_delivery", clause, s, e)
    # an IOU reading 今借到张三现金2万元 is the only account of the delivery when the text names no
    # other way the money was paid
    if (
        written
        and not found
        and not any(not re.search(r"还|利息", text[s:e]) for s, e, _ in _clauses_matching(text, _TRANSFER))
    ):
        yield written[0]


def _clauses_matching(text: str, rx: re.Pattern[str]) -> Iterator[tuple[int, int, int]]:
    for m in rx.finditer(text):
        s, e = clause_bounds(text, m.start(), m.end())
        yield s, e, m.start()


# -- interest deducted up front ------------------------------------------------------------------

_UPFRONT = re.compile(
    r"砍头息"
    r"|(?P<when>预先|提前|事先|先行|当场|当即|预|先|已经|已)?扣(?:除|减|留|下|掉)?了?"
    r"(?P<mid>[^，。；,;]{0,14}?)(?P<what>利息|息|服务费|手续费|中介费|咨询费|管理费|保证金|费用)"
)
_UPFRONT_NOT = re.compile(r"已(?:付|还|支付|偿还|归还|给付)|执行受偿|不得|不应|禁止|应当将实际")
_LENDING_CONTEXT = re.compile(r"借|贷|本金|出借|交付|转入|转账|给付|到手")


def _upfront_interest(text: str) -> Iterator[Sign]:
    if "扣" not in text and "砍头息" not in text:
        return
    for m in _UPFRONT.finditer(text):
        if m.group(0) == "砍头息":
            s, e = clause_bounds(text, m.start(), m.end())
            if not _NEGATED_BEFORE.search(text, s, m.start()):
                yield Sign("upfront_interest", text[s:e], s, e)
            continue
        mid = m.group("mid") or ""
        s, e = clause_bounds(text, m.start(), m.end())
        ss, se = sentence_bounds(text, m.start(), m.end())
        sentence = text[ss:se]
        if m.group("what") in ("费用", "保证金", "息") and not m.group("when"):
            continue
        if _UPFRONT_NOT.search(mid) or _UPFRONT_NOT.search(sentence):
            continue
        if re.search(r"扣(?:押|划|收|款|缴|税)", text[m.start() : m.end()]):
            continue
        if _NEGATED_BEFORE.search(text, s, m.start()):
            continue
        if m.group("when") not in ("预先", "提前", "事先", "先行") and not _LENDING_CONTEXT.search(sentence):
            continue
        # a bare 扣除利息 must be about the loan's principal in the same clause
        if (
            not m.group("when")
            and not re.search(r"借|本金|出借|交付", text[s:e])
            and not re.search(r"实际|后", text[m.end() : e])
        ):
            continue
        amounts = find_amounts(text, m.start(), e)
        yield Sign("upfront_interest", text[s:e], s, e, amounts[0].value if amounts else None)


# -- IOU above the money delivered ---------------------------------------------------------------

_ACTUAL = re.compile(
    r"实际(?:上)?(?:仅|只)?[^，。；]{0,16}?(?:收到|交付|支付|出借|借到|到手|给付|发放|借给|给|提供|得到|拿到|转账|借款)"
    r"|(?:仅|只)(?:收到|拿到|得到|借到|到手|给了?|借了)"
    r"|(?:仅|只)(?:向[^，。；]{1,10}?)?(?:转账|支付|交付|给付|汇款|汇入|出借|借给|提供)了?"
    r"|实(?:得|收|付)"
)
_IOU_INCLUDES = re.compile(
    r"(?:借条|借据|欠条|借款合同|借款协议|收条)[^。；]{0,30}?(?:包括|包含|含有|含)[^。；]{0,20}?"
    r"(?:利息|息|保证金|手续费|服务费|违约金)"
)
_IOU_ABOVE = re.compile(
    r"(?:借条|借据|欠条|借款合同)[^。；，]{0,10}?(?:金额|数额)?[^。；，]{0,4}?(?:高于|大于|超过|超出)"
    r"[^。；，]{0,6}?实际|虚增|虚高|虚写|多写"
    r"|(?:本金|借款)应(?:当)?(?:按|以|认定为)实际(?:借款|出借|交付|借到|收到)[^。；，]{0,4}?(?:金额|数额|款项)"
    r"|(?:本息|利息)[^。；，]{0,6}?结算后[^。；，]{0,6}?(?:重新|另行)?[^。；，]{0,4}?出具[^。；，]{0,4}?(?:借条|借据|欠条)"
)


def _iou_exceeds_delivery(
    text: str, claimed: float | None, upfront: list[Sign], rolled: list[Sign]
) -> Iterator[Sign]:
    for m in _ACTUAL.finditer(text):
        s, e = sentence_bounds(text, m.start(), m.end())
        after = find_amounts(text, m.end(), min(e, m.end() + 16))
        if not after or after[0].start - m.end() > 8:
            continue
        delivered = after[0].value
        if re.search(r"利息|还|违约金", text[m.start() : after[0].end]):
            continue  # 仅向原告支付了利息9万元: a payment back, not the delivery
        # the written amount: an IOU or claimed amount in the same sentence, the claim, or an
        # amount in the previous sentence that names the IOU
        ps, _ = sentence_bounds(text, max(0, s - 2), max(0, s - 1)) if s > 1 else (s, s)
        context = [a.value for a in find_amounts(text, ps, e) if a.start != after[0].start]
        written = max([*context, claimed or 0.0], default=0.0)
        if _NEGATED_BEFORE.search(text, max(s, m.start() - 6), m.start()):
            continue
        if written > delivered * 1.001 and delivered >= 100:
            cs, ce = clause_bounds(text, m.start(), after[0].end)
            yield Sign(
                "iou_exceeds_delivery",
                text[cs:ce],
                cs,
                ce,
                round(written / delivered, 4),
                written=written,
                delivered=delivered,
            )
    for rx in (_IOU_INCLUDES, _IOU_ABOVE):
        for m in rx.finditer(text):
            s, e = clause_bounds(text, m.start(), m.end())
            if _NEGATED_BEFORE.search(text, s, m.start()) or re.search(r"不包括|未包含|不含", text[s:e]):
                continue
            yield Sign("iou_exceeds_delivery", text[s:e], s, e)
    for sign in rolled:
        # interest written into the principal or a new IOU: the written debt exceeds what was
        # delivered (not a new loan repaying an old one; not one IOU for the principal and another
        # for the interest)
        if "息" in sign.text and "分别" not in sign.text and not _NEW_FOR_OLD.search(sign.text):
            yield Sign("iou_exceeds_delivery", sign.text, sign.start, sign.end)
    for sign in upfront:
        # 预先扣除4000元利息后，向被告账户转入96000元: the deduction with the amount paid out
        if sign.value is not None:
            ss, se = sentence_bounds(text, sign.start, sign.end)
            if len(find_amounts(text, ss, se)) >= 2:
                yield Sign("iou_exceeds_delivery", text[sign.start : sign.end], sign.start, sign.end)


# -- interest above the legal cap ----------------------------------------------------------------

_RATE_NOT = re.compile(r"银行|贷款市场报价|LPR|基准利率|同期|中国人民银行|央行")
_CAP_WORDS_BEFORE = re.compile(r"(?:超过|超出|高于|不超过|不得超过|低于|以内|以下|上限为?)[^，。；]{0,4}$")
_RATE_TOO_HIGH = re.compile(
    r"(?:约定|计算)的?(?:利率|利息)[^。；]{0,16}?(?:过高|超过|超出|高于)"
    r"[^。；]{0,12}?(?:法律|法定|司法解释|国家|规定|保护|上限|限度|标准)"
    r"|(?:超过|超出|高于)(?:年利率)?(?:24|２４|百分之二十四)[%％]?(?:的|部分)"
    r"[^。；]{0,12}?(?:不予|不受|无效|本院不)"
    r"|利率[^。；，]{0,6}?(?:明显)?过高[^。；]{0,10}?(?:予以|依法)?调(?:整|低)"
    r"|约定的?利率[^。；，]{0,4}?过高"
)
_NUMBER = f"{ARABIC_NUMBER}|{CN_SMALL_NUMBER}"
# an agreed daily rate for late payment (逾期每日按千分之五支付违约金 / 每天按借款总额加收2％的违约金)
_DAILY_RATE = re.compile(
    r"(?:每(?:逾期)?一?[日天]|按[日天]|逾期[^，。；]{0,6}?每[日天])[^。；]{0,18}?"
    rf"(?:(?P<frac>千分之|万分之|百分之)(?P<n1>{_NUMBER})|(?P<n2>{ARABIC_NUMBER})[ ]?(?P<unit>[‰%％]))"
)
_MONTHLY_INTEREST = re.compile(r"(?:每月|月)(?:支付|付|给付)?(?:利息|息)(?:为|是)?")


def _cap(day: dt.date | None) -> float:
    from jiandu.legal import interest_cap

    return interest_cap(day).annual_rate


def _interest_above_cap(
    text: str, day: dt.date | None, claimed: float | None, rates: list[FoundRate] | None
) -> Iterator[Sign]:
    cap = _cap(day)
    for rate, rs, re_ in find_interest_rates(text) if rates is None else rates:
        s, e = clause_bounds(text, rs, re_)
        if rate.annual_rate <= cap + 1e-9:
            continue
        if _RATE_NOT.search(text, s, e) or _CAP_WORDS_BEFORE.search(text, s, rs):
            continue
        yield Sign("interest_above_cap", text[s:e], s, e, rate.annual_rate)
    for m in _RATE_TOO_HIGH.finditer(text):
        s, e = clause_bounds(text, m.start(), m.end())
        if _NEGATED_BEFORE.search(text, s, m.start()) or re.search(r"未超过|没有超过|不超过", text[s:e]):
            continue
        yield Sign("interest_above_cap", text[s:e], s, e)
    for m in _DAILY_RATE.finditer(text):
        s, e = clause_bounds(text, m.start(), m.end())
        if not re.search(r"违约金|滞纳金|利息|罚息|逾期|赔偿", text[s:e]) or _RATE_NOT.search(text, s, e):
            continue
        if m.group("frac"):
            value = parse_number(m.group("n1"))
            scale = {"千分之": 0.001, "万分之": 0.0001, "百分之": 0.01}[m.group("frac")]
        else:
            value = parse_number(m.group("n2"))
            scale = 0.001 if m.group("unit") == "‰" else 0.01
        if value is not None and value * scale * 365 > cap + 1e-9:
            yield Sign("interest_above_cap", text[s:e], s, e, round(value * scale * 365, 4))
    # 借款2万元 … 每月利息800元: the monthly amount against the principal of the same sentence
    for m in _MONTHLY_INTEREST.finditer(text):
        after = find_amounts(text, m.end(), min(len(text), m.end() + 12))
        if not after or after[0].start - m.end() > 2:
            continue
        ss, _ = sentence_bounds(text, m.start(), m.end())
        principals = [a.value for a in find_amounts(text, ss, m.start()) if a.value > after[0].value * 5]
        principal = max(principals, default=None) or claimed
        if not principal or principal < 1000 or after[0].value >= principal:
            continue
        annual = after[0].value * 12 / principal
        if annual > cap + 1e-9 and annual < 3.65:
            s, e = clause_bounds(text, m.start(), after[0].end)
            yield Sign("interest_above_cap", text[s:e], s, e, round(annual, 4))


# -- rollover --------------------------------------------------------------------------------

_ROLLOVER = re.compile(
    r"借新还旧|贷新还旧|以贷还贷|借新贷还旧贷|利滚利|转单平账|平账"
    r"|(?:利息|息)[^。；，]{0,8}?(?:计入|转入|并入|转为|滚入|算入|加入|转成|作为)[^。；，]{0,4}?(?:本金|借款|本息|新的借款)"
    r"|(?:收回|换回|撕毁)(?:了)?(?:原|旧|之前的|原来的|第一份|前)[^。；，]{0,4}?(?:借条|借据|欠条)"
)


_NEW_FOR_OLD = re.compile(r"借新还旧|贷新还旧|以贷还贷|借新贷还旧贷|平账")


def _rollover(text: str) -> Iterator[Sign]:
    for m in _ROLLOVER.finditer(text):
        s, e = clause_bounds(text, m.start(), m.end())
        if _NEGATED_BEFORE.search(text, s, m.start()) or re.search(r"复利|罚息", text[s:e]):
            continue
        yield Sign("rollover", text[s:e], s, e)
    yield from _interest_into_iou(text)


_IOU_WORD = r"(?:借条|借据|欠条|欠据|借款协议)"
_NEW_IOU = re.compile(rf"(?:出具|立写|书写|写|打|签订)[^。；]{{0,16}}?{_IOU_WORD}")
_ROLLED = re.compile(
    r"(?:利息|息)[^。；]{0,16}?(?:计算后|加上|并入|计入|一并|合计|总计|共计|算入)"
    r"|基础上[^。；]{0,10}?计算(?:了)?利息|本息[^。；]{0,8}?结算|结算[^。；]{0,30}?利息[^。；]{0,10}?元"
)
_IOU_HOLDS_INTEREST = re.compile(
    rf"{_IOU_WORD}[^。；]{{0,24}}?(?:中有|中包括|包括|包含|含有?)[^。；]{{0,12}}?本金[^。；]{{0,60}}?利息"
    r"|(?:借款|欠款)[^。；]{0,12}?(?:中有|中包括|包括|包含)[^。；]{0,12}?本金[^。；]{0,60}?利息"
)


def _interest_into_iou(text: str) -> Iterator[Sign]:
    """Accrued interest written into a new IOU together with the principal (将以前未付的利息计算后加上
    借款本金，重新出具87000元的借条; 借据中的24700元包括本金12000元、利息12700元)."""
    if "息" not in text:
        return
    for m in _NEW_IOU.finditer(text):
        ss, se = sentence_bounds(text, m.start(), m.end())
        sentence = text[ss:se]
        rolled = _ROLLED.search(text, ss, m.start())
        if rolled and not re.search(r"银行|复利|罚息|不包括|未包含", sentence):
            yield Sign("rollover", sentence, ss, se)
    for m in _IOU_HOLDS_INTEREST.finditer(text):
        ss, se = sentence_bounds(text, m.start(), m.end())
        yield Sign("rollover", text[ss:se], ss, se)


# -- debt assignment --------------------------------------------------------------------------

_ASSIGN = re.compile(
    r"债权转让|转让(?:其)?(?:对[^。；，]{1,12}?的)?债权"
    r"|(?:债权|借款|欠款|借条|欠条|借据)[^。；]{0,24}?(?:转让|转移)(?:给|予|与|于)"
    r"|(?:债权|借款债权)[^。；，]{0,12}?(?:依法)?(?:转让|转移)"
    r"|受让[^。；，]{0,30}?债权|债权[^。；，]{0,6}?受让"
)
_ASSIGN_NOT = re.compile(r"债务转让|债务转移|转让债务|债务人转让|股权|土地|房屋|不动产")


def _debt_assignment(text: str) -> Iterator[Sign]:
    if "转" not in text and "受让" not in text:
        return
    for m in _ASSIGN.finditer(text):
        s, e = clause_bounds(text, m.start(), m.end())
        clause = text[s:e]
        if _ASSIGN_NOT.search(clause) or _NEGATED_BEFORE.search(text, s, m.start()):
            continue
        if re.search(r"的，|应当通知债务人|人民法院应当", text[s : min(len(text), e + 12)]):
            continue  # a rule of law: 债权人转让权利的，应当通知债务人
        if re.search(r"不得|禁止|未经[^，。；]{0,12}?同意", clause):
            continue  # a clause of the contract forbidding assignment, not an assignment
        yield Sign("debt_assignment", clause, s, e)


# -- who: the party a clause is about ------------------------------------------------------------

_ROLE_WORDS = ("被上诉人", "被申请人", "被告", "原审被告", "上诉人", "原告", "原审原告", "第三人", "申请人")
_DEFENDANT_ROLES = ("被上诉人", "被申请人", "被告", "原审被告")
_OBJECT_MARK = re.compile(r"(?:对|就|向|给|与|和|同|及|经|由|被)(?:原审)?$")
_SUBJECT_TRIM = re.compile(
    r"^(?:因|但|而|且|并|经审查|本院经审查确认证据如下|本院依法对本案的证据认定如下|另|又|后|现)+"
)


def _role_of_subject(text: str, clause_start: int, pos: int) -> str | None:
    """``defendant``, ``plaintiff``, ``third_party`` or None: who the words before ``pos`` (in its
    clause) are about. A role word wins (the last one); otherwise the names written there are
    looked up in the text (被告余某1 anywhere makes 余某1 a defendant)."""
    head = text[clause_start:pos]
    best: tuple[int, str] | None = None
    for word in _ROLE_WORDS:
        for mm in re.finditer(word, head):
            i = mm.start()
            if _OBJECT_MARK.search(head, max(0, i - 2), i):
                continue  # 对原告的诉讼请求, 向被告催收: the party is the object, not the subject
            if best is None or i > best[0] or (i == best[0] and len(word) > len(best[1])):
                best = (i, word)
    if best is not None:
        word = best[1]
        if word in _DEFENDANT_ROLES:
            return "defendant"
        return "third_party" if word == "第三人" else "plaintiff"
    subject = _SUBJECT_TRIM.sub("", head.split("：")[-1])
    subject = re.split(r"经|于|在|对|就|因|辩称|称|已|均|都|也|亦|未|不|拒|没|缺|放弃|自愿|表示", subject)[0]
    names = [n for n in re.split(r"[、和及与]", subject) if 2 <= len(n) <= 12]
    for name in names:
        for word in _ROLE_WORDS:
            if word + name in text or f"{word}：{name}" in text:
                if word in _DEFENDANT_ROLES:
                    return "defendant"
                if word in ("原告", "原审原告", "上诉人", "申请人"):
                    return "plaintiff"
    return None


# -- defendant absent, public notice ------------------------------------------------------------

_ABSENT_VERB = re.compile(
    r"(?:拒不|未|不|没有|拒绝|未能|均未)(?:按[^，。；]{0,14}?|准时|依法|再)?(?:到庭|出庭|参加庭审|参加法庭审理|到庭应诉|应诉)"
    r"|(?:未|没有)参加诉讼|缺席|放弃到庭"
)


def _defendant_absent(text: str) -> Iterator[Sign]:
    for m in _ABSENT_VERB.finditer(text):
        s, e = clause_bounds(text, m.start(), m.end())
        ss, _ = sentence_bounds(text, m.start(), m.end())
        if m.group(0) == "缺席" and not re.match(r"缺席(?:判决|审理|审判)", text[m.start() :]):
            if _role_of_subject(text, s, m.start()) != "defendant":
                continue
        elif not m.group(0).startswith("缺席"):
            # the subject may sit in an earlier clause of the sentence (三被告未答辩，未出庭): quote
            # from that clause (被告经本院传票传唤，无正当理由拒不到庭)
            role = _role_of_subject(text, s, m.start())
            while role is None and s > ss:
                s = clause_bounds(text, s - 1, s - 1)[0] if s - 1 > ss else ss
                role = _role_of_subject(text, s, m.start())
                if m.start() - s > 80:
                    break
            if role != "defendant":
                continue
        if re.search(r"的，|可以缺席|可以按撤诉|应当", text[s:e]):
            continue  # a rule of procedure, quoted
        yield Sign("defendant_absent", text[s:e], s, e)


NOTICE_RE = re.compile(
    r"公告(?:方式)?送达|公告传唤|(?:以|采用|采取|通过)公告(?:的)?方式(?:向[^。；，]{1,20}?)?送达|在[^。；，]{1,16}?公告送达"
    r"|公告费[^，。；、]{0,6}?元"
)
_NOTICE_NOT = re.compile(
    r"下落不明|或者用本节规定的其他方式|经过[三六]十日|债权转让|催收|催款|转让通知|名称|规定"
)


def _public_notice_service(text: str) -> Iterator[Sign]:
    if "公告" not in text:
        return
    for m in NOTICE_RE.finditer(text):
        s, e = clause_bounds(text, m.start(), m.end())
        if _NOTICE_NOT.search(text, s, e) or _NEGATED_BEFORE.search(text, s, m.start()):
            continue
        yield Sign("public_notice_service", text[s:e], s, e)


# -- defendant admits all ----------------------------------------------------------------------

_ADMIT_OBJECT = (
    r"(?:原告的?)?(?:诉讼请求|诉请|借款事实|本案事实|欠款事实|借款金额|借款数额|事实和理由|事实及理由"
    r"|主张的事实|所诉事实|借款本金|欠款金额|欠款|借款)(?:和|及|与)?(?:数额|金额)?"
)
_ADMIT = re.compile(
    rf"(?:(?:对|就)[^。；，]{{0,12}}?)?{_ADMIT_OBJECT}[^。；，]{{0,6}}?(?:均|都|没有|并|也)?"
    r"(?:无异议|没有异议|无意见|予以认可|均认可|认可|予以确认|予以承认|均予承认)"
    r"|承认原告[^。；，]{0,12}?(?:主张|诉称|所述|诉请)"
    r"|(?:认可|承认)(?:原告的?)?(?:全部)?(?:诉讼请求|诉请|借款事实|欠款事实|全部债务)"
    r"|(?:借款|欠款|所诉|诉请|原告所述|原告诉称|原告所诉|诉称)[^。；，]{0,10}?(?:均|的事实)?(?:属实|是事实|确实)"
    r"|(?:辩称|答辩称?)[：:，,]?(?:没有意见|无异议|无意见|没有异议)"
    r"|欠[^。；，]{0,12}?元[^。；，]{0,2}?属实"
    r"|事实[^。；，]{0,4}?(?:均|都|也)?(?:无异议|没有异议)"
    r"|确(?:实|系)欠(?:原告)?[^。；，]{0,12}?元"
    r"|(?:同意|愿意)(?:按?原告的?)?(?:诉讼请求|诉请)"
)
_CONTEST = re.compile(
    r"过高|过重|减少|调低|调整|(?<![没无])有异议|不同意|不认可|不予认可|不应|不承担|不是|并非|不属实|不符|否认|只借|仅借|只收到|仅收到"
    r"|实际|已(?:经)?(?:归还|偿还|还清|还款|支付|付清)|不知情|部分"
)
_DEFENCE_VOICE = re.compile(r"辩称|答辩|述称|陈述|表示|认为|庭审中|当庭|承认|自认")


# every _ADMIT match holds one of these words and lies inside the clause holding it and the one
# before: only those are searched (the pattern's optional lead would try every position)
_ADMIT_WORDS = re.compile(r"异议|意见|认可|确认|承认|属实|事实|确实|确系|同意|愿意")


def _admit_matches(text: str) -> Iterator[re.Match[str]]:
    end = -1
    for w in _ADMIT_WORDS.finditer(text):
        if w.start() < end:
            continue
        s, end = clause_bounds(text, w.start(), w.end())
        if s > 1:  # 答辩称，没有意见: one alternative starts in the clause before
            s = clause_bounds(text, s - 2, s - 2)[0]
        yield from _ADMIT.finditer(text, s, end)


def _defendant_admits_all(text: str) -> Iterator[Sign]:
    for m in _admit_matches(text):
        ss, se = sentence_bounds(text, m.start(), m.end())
        head = text[ss : m.start()]
        role = _role_of_subject(text, ss, m.start())
        if role is None and re.search(r"辩称|答辩", head):
            role = "defendant"
        if role != "defendant":
            continue
        litigation_object = re.search(
            r"诉讼请求|诉请|原告所述|原告诉称|原告所诉|承认原告|辩称|答辩", m.group(0)
        )
        if not litigation_object and not _DEFENCE_VOICE.search(head):
            continue  # 此后，被告对上述欠款予以确认: a fact before the suit, not a defence
        if re.search(r"证据|质证", text[ss : m.end()]):
            continue  # 被告对该证据无异议: evidence, not the claim
        if _NEGATED_BEFORE.search(text, max(ss, m.start() - 4), m.start()):
            continue
        if _CONTEST.search(text, m.end(), se) or _CONTEST.search(m.group(0)):
            continue
        s, e = clause_bounds(text, m.start(), m.end())
        yield Sign("defendant_admits_all", text[s:e], s, e)


# -- all signs -----------------------------------------------------------------------------------

_SIMPLE: tuple[Callable[[str], Iterator[Sign]], ...] = (
    _cash_delivery,
    _debt_assignment,
    _defendant_absent,
    _public_notice_service,
    _defendant_admits_all,
)


def find_signs(
    text: str,
    *,
    on: dt.date | None = None,
    claimed_principal: float | None = None,
    rates: list[FoundRate] | None = None,
) -> list[Sign]:
    """Every sign ``text`` states, ordered by position; one entry per distinct span and code.

    ``on`` is the date the interest cap is judged at (the filing date, else the judgment date);
    unknown, the highest cap ever in force is used, so an unknown date never makes a lawful rate
    look unlawful. ``claimed_principal`` is the written principal when the text does not repeat it
    next to the delivered amount. ``rates`` are the interest rates of the whole text when the
    caller has read them already (``find_interest_rates(text)``).
    """
    found: list[Sign] = []
    for detector in _SIMPLE:
        found.extend(detector(text))
    upfront = list(_upfront_interest(text))
    rolled = list(_rollover(text))
    found.extend(upfront)
    found.extend(rolled)
    found.extend(_iou_exceeds_delivery(text, claimed_principal, upfront, rolled))
    found.extend(_interest_above_cap(text, on, claimed_principal, rates))
    seen: set[tuple[str, int, int]] = set()
    out: list[Sign] = []
    for sign in sorted(found, key=lambda x: (x.start, x.code, x.end)):
        key = (sign.code, sign.start, sign.end)
        if key not in seen:
            seen.add(key)
            out.append(sign)
    return out


def defendant_admissions(text: str) -> list[Sign]:
    """Only the ``defendant_admits_all`` signs of ``text`` (the same definition, run alone)."""
    return list(_defendant_admits_all(text))
