"""Phrasing pools of the nine document-level risk signs (and of their near misses).

Every sentence of a synthetic document that states one of the signs of
``jiandu.documents.signs`` (or that a careless detector could take for one) is drawn here from
a pool of variants, one draw per document from the render stream, so that the same seed gives
the same text and a detector cannot pass by repeating one fixed sentence.

The variants were written for this project after the way real judgments state these facts
(the private-lending texts in ``shared/data/real/civil/`` and the 虚假诉讼 facts of the criminal
judgments: who says it — claim, defence, findings, reasoning — and with which amounts, dates
and rates). They use the generator's own names and numbers; no real sentence is copied. They
were not written from the detector's patterns.

A slot is one place in a document (the cash sentence of the findings, the defence line, the
opening paragraph...). Each ``Phrasing`` of a slot says which signs it states (``codes``) and
which signs it is a near miss for (``near``: a negated, look-alike or other-subject statement,
e.g. 以现金方式偿还 is repayment, not delivery; 债务转移 is not 债权转让). Variant ids are
``<slot>.<n>`` and stay stable as long as variants are only appended.

Template fields (all text, amounts already written with 元): ``p`` plaintiff, ``d``
defendant, ``date``, ``amount``, ``transfer`` (delivered), ``rest`` (IOU minus delivered),
``iou`` (written), ``upfront`` (deducted interest), ``months`` (一/两/三), ``channel``
(通过银行转账方式...), ``x`` (a repaid sum), ``interest``, ``old`` (earlier principal),
``a`` (assignor), ``owner`` (car owner), ``proc`` (procedure clause), ``hearing``,
``notice_date``, ``present`` (who appeared), ``rate`` (a rate phrase), ``cap`` (cap in %).
"""

from __future__ import annotations

from dataclasses import dataclass

CASH = "cash_delivery"
UPFRONT = "upfront_interest"
IOU = "iou_exceeds_delivery"
RATE = "interest_above_cap"
ROLLOVER = "rollover"
ASSIGN = "debt_assignment"
ABSENT = "defendant_absent"
NOTICE = "public_notice_service"
ADMITS = "defendant_admits_all"

SIGN_CODES = (CASH, UPFRONT, IOU, RATE, ROLLOVER, ASSIGN, ABSENT, NOTICE, ADMITS)


@dataclass(frozen=True, slots=True)
class Phrasing:
    id: str  # <slot>.<n>
    template: str
    codes: tuple[str, ...] = ()  # signs the sentence states
    near: tuple[str, ...] = ()  # signs it is a near miss for


def _slot(
    name: str, templates: list[str], codes: tuple[str, ...] = (), near: tuple[str, ...] = ()
) -> tuple[Phrasing, ...]:
    return tuple(Phrasing(f"{name}.{i}", t, codes, near) for i, t in enumerate(templates))


# --- cash_delivery ------------------------------------------------------------------------
# The whole loan handed over in cash (claim or findings).
CASH_FULL = _slot(
    "cash.full",
    [
        "原告称借款已以现金方式全额交付。",
        "原告于{date}以现金方式向被告{d}交付借款{amount}。",
        "原告{p}当日将{amount}现金当面交付给被告{d}。",
        "借款当日，原告通过现金方式向被告支付了{amount}。",
        "原告支付现金{amount}给被告，被告当场清点后出具了借条。",
        "原告将筹集的{amount}现金交付被告{d}，被告随即出具借条一份。",
        "原告称上述借款系以现金形式一次性交付被告。",
        "原告向被告{d}交付现金{amount}后，被告向原告出具借条一份交原告收执。",
        "原告陈述，其于{date}在家中将现金{amount}交给被告{d}。",
        "原告称，借款{amount}系其从银行取现后以现金交付被告。",
        "被告{d}于{date}收到原告{p}以现金交付的借款{amount}。",
        "原告以现金形式将{amount}借款一次性给付被告。",
    ],
    codes=(CASH,),
)
# Part transferred, the rest in cash, as the plaintiff tells it.
CASH_REST = _slot(
    "cash.rest",
    [
        "原告{channel}向被告交付{transfer}，其余款项以现金方式交付。",
        "其中{transfer}由原告{channel}支付，余款{rest}原告以现金当面交付被告。",
        "原告先{channel}支付{transfer}，另向被告交付现金{rest}。",
        "借款中{transfer}系原告{channel}支付，{rest}系现金交付。",
        "原告称，除{channel}支付的{transfer}外，其余{rest}均以现金交付被告。",
        "原告{channel}向被告转款{transfer}，并向其交付现金{rest}。",
        "上述借款，原告{channel}支付{transfer}，剩余{rest}以现金给付被告。",
        "原告当日{channel}出借{transfer}，次日又以现金方式补足其余{rest}。",
    ],
    codes=(CASH,),
)
# The findings: part transferred, the plaintiff says the rest was cash but cannot prove it.
CASH_REST_UNPROVEN = (
    *_slot(
        "cash.unproven",
        [
            "原告于当日{channel}向被告支付{transfer}，原告称其余{rest}以现金方式交付，但未能提供相应证据。",
            "原告称其余{rest}系现金支付，被告否认收到该笔现金，原告对此未提交取款记录等证据。",
            "除{channel}支付的{transfer}外，原告主张另以现金交付{rest}，但对现金的来源及交付经过陈述不清。",
            "原告{channel}向被告支付了{transfer}，其主张另行以现金交付的{rest}，被告不予认可，原告亦无其他证据佐证。",
            "原告主张其余{rest}借款系以现金方式交付，仅有其本人陈述，无其他证据印证。",
            "原告称差额{rest}已以现金交付被告，但原告提交的取款凭证在时间、金额上均与其陈述不符。",
        ],
        codes=(CASH,),
    ),
    *_slot(
        "cash.unproven_both",
        [
            "对于借条载明的{iou}，原告提交的转账凭证仅显示{transfer}，原告称差额{rest}系现金交付，但未能举证。",
            "借条金额为{iou}，原告{channel}实际支付{transfer}，原告主张其余以现金交付，未能提供证据。",
        ],
        codes=(CASH, IOU),
    ),
)
# Near misses: cash, but repayment (or a repayment term), not delivery.
CASH_NEAR = _slot(
    "cash.near",
    [
        "借款后，被告于{date}以现金方式偿还利息{x}。",
        "被告曾以现金方式向原告支付过利息{x}，此后未再付息。",
        "借款期间，被告于{date}以现金归还利息{x}，原告出具了收条。",
        "双方约定借款期满后，被告以现金或转账方式一次性归还本金。",
        "原告称被告于{date}以现金方式支付了一个月利息{x}。",
        "被告称其已以现金方式偿还利息{x}，原告对此予以认可。",
        "借款到期前，被告以现金方式支付利息{x}，其余利息至今未付。",
        "原告已通过银行转账方式足额交付借款，未以现金方式交付。",
    ],
    near=(CASH,),
)

# --- upfront_interest ---------------------------------------------------------------------
UPFRONT_FACTS = (
    *_slot(
        "upfront.both",
        [
            "原告在出借时预先扣除利息{upfront}，实际{channel}向被告交付{transfer}。",
            "原告预先扣除{upfront}利息后，{channel}向被告交付{transfer}。",
            "借款当天原告转账{transfer}给被告，并扣除{months}个月借款利息{upfront}。",
            "扣除{months}个月的利息{upfront}后，原告{channel}给付被告{transfer}。",
            "双方约定借款{iou}，预先扣除{months}个月的利息，当日原告实际向被告提供借款{transfer}。",
            "庭审中，被告称原告预先扣除了{upfront}的利息，实际只给被告借款{transfer}。",
            "原告出借时即从借款本金中扣去首期利息{upfront}，被告实际到手{transfer}。",
            "庭审中，被告称借款当日原告即收回{months}个月利息{upfront}，实际交付的借款仅为{transfer}。",
        ],
        codes=(UPFRONT, IOU),
    ),
    *_slot(
        "upfront.only",
        [
            "原告向被告支付借款时，已扣除利息{upfront}。",
            "原告在交付借款时先行收取了{months}个月的利息{upfront}。",
            "出借时，原告从借款中预先扣除了{months}个月的利息。",
            "被告称，原告在借款时按月息预先扣留了{months}个月利息。",
        ],
        codes=(UPFRONT,),
    ),
)
UPFRONT_NEAR = _slot(
    "upfront.near",
    [
        "原告出借时未预先扣除利息，{channel}向被告足额交付借款{amount}。",
        "借款本金{amount}已足额交付，原告未从中预先扣除任何利息。",
        "被告已支付的利息{x}应从原告主张的利息中扣除。",
        "对被告已经支付的利息{x}，应在计算欠付利息时予以扣除。",
        "借款的利息不得预先在本金中扣除，本案中原告系足额出借。",
        "被告称借款时原告并未扣除利息，借款系足额到账。",
        "扣除被告已支付的利息{x}后，被告尚欠原告利息至今未付。",
        "原告主张的利息，应扣除被告已支付的{x}。",
    ],
    near=(UPFRONT,),
)

# --- iou_exceeds_delivery -----------------------------------------------------------------
# A defence body (after 被告X辩称：).
IOU_DEFENCE = _slot(
    "iou.defence",
    [
        "借条金额与实际借款不符，其实际仅收到借款{transfer}，借条系应原告要求按{iou}出具，请求驳回原告超出部分的诉讼请求。",
        "借条是按借款数额翻倍写的，实际借款只有{transfer}。",
        "原告实际交付的款项只有{transfer}，与借条载明的{iou}不符。",
        "其只收到原告转账的{transfer}，{iou}的借条是在原告要求下出具的，差额部分从未收到。",
        "原告仅向其支付了{transfer}，其余{rest}原告从未交付，借条金额虚高。",
        "借条虽写明借款{iou}，但其实际拿到手的只有{transfer}，不同意按借条金额归还。",
        "实际借款金额是{transfer}，借条上的{iou}并非真实借款数额。",
        "其向原告出具了{iou}的借条，但原告实际只出借了{transfer}。",
    ],
    codes=(IOU,),
)
# The court's reasoning in a partly upheld judgment.
IOU_REASONING = _slot(
    "iou.reasoning",
    [
        "原告主张的借款中，有证据证明实际交付的为{transfer}，其余部分原告未能提供充分证据证明已实际交付，本院不予支持。",
        "借条载明的借款金额为{iou}，但原告实际交付的借款仅为{transfer}，借贷关系应以实际交付的金额为准。",
        "本院确认原告实际出借的金额为{transfer}，对借条中超出实际交付部分的{rest}，本院不予支持。",
        "民间借贷合同自贷款人提供借款时成立，原告仅能证明交付{transfer}，借条金额{iou}中的其余款项未实际交付，本院不予认定。",
        "原告实际交付借款{transfer}，被告出具的借条金额{iou}高于实际借款，超出部分不予支持。",
        "综合转账凭证及当事人陈述，本院认定原告实际交付借款{transfer}，借条所载{iou}与实际不符。",
    ],
    codes=(IOU,),
)
IOU_FACTS = _slot(
    "iou.facts",
    [
        "被告实际收到借款{transfer}，却向原告出具了金额为{iou}的借条。",
        "原告实际向被告交付{transfer}，被告出具的借条金额为{iou}。",
    ],
    codes=(IOU,),
)
IOU_NEAR = _slot(
    "iou.near",
    [
        "原告实际向被告交付借款{amount}，与借条载明的金额一致。",
        "借条载明的借款金额与原告转账凭证显示的金额相符，均为{amount}。",
        "被告确认已实际收到借款{amount}。",
        "原告{channel}实际交付的借款为{amount}，被告对此无异议。",
        "借条金额{amount}与原告实际出借的金额相同。",
        "被告当庭确认借条载明的{amount}已经全部收到。",
    ],
    near=(IOU,),
)

# --- interest_above_cap -------------------------------------------------------------------
# Forms of an agreed monthly rate; each is a sign when the rate is above the cap in force at
# filing, a near miss when it is exactly at the cap, neither below. Fields: m (monthly %), a
# (annual %), fen (monthly 分, only integers), pm (monthly ‰), per_month (interest a month).
RATE_FORMS: tuple[tuple[str, str], ...] = (
    ("rate.0", "月利率{m}%"),
    ("rate.1", "月息{fen}分"),
    ("rate.2", "年利率{a}%"),
    ("rate.3", "月利率{pm}‰"),
    ("rate.4", "月利率{m}％"),
    ("rate.5", "年利率{a}％"),
    ("rate.6", "利息按月息{fen}分计算"),
    ("rate.7", "按月利率{m}%计息"),
    ("rate.8", "月利{m}％"),
    ("rate.9", "按年息{a}%计付利息"),
    ("rate.10", "口头约定月利率{m}%"),
    ("rate.11", "每月利息{per_month}"),
)
# forms that only make sense in the story (a monthly sum, their own 按…计), not inside a claim
# clause (…按{rate}计算至实际履行之日止)
RATE_STORY_ONLY = frozenset({"rate.6", "rate.7", "rate.9", "rate.10", "rate.11"})
RATE_REASONING = _slot(
    "rate.reasoning",
    [
        "双方约定的{rate}，超过法律保护的上限，对超过年利率{cap}%部分的利息，本院不予支持。",
        "原告主张按{rate}计算利息，超出了法律规定的利率保护上限，本院依法调整为年利率{cap}%。",
        "借条约定的{rate}过高，超过部分本院不予支持。",
    ],
    codes=(RATE,),
)
# A defence alleging the agreed rate exceeds what the law protects: the sign, as alleged (and
# not an admission of everything).
RATE_DEFENCE = _slot(
    "rate.defence",
    [
        "借款属实，但双方约定的利率过高，超出法律保护部分的利息应予扣除。",
        "利息约定过高，超过了法律规定的上限，应按法律规定的标准重新计算。",
        "借款属实，但约定的利率超出了法律保护的范围，超出部分不应支付。",
    ],
    codes=(RATE,),
    near=(ADMITS,),
)
# "Too high", without saying it is above the legal cap: not the sign.
RATE_NEAR_DEFENCE = _slot(
    "rate.near_defence",
    [
        "对借款事实予以认可，但认为利息过高，请求法院依法调低。",
        "借款是事实，但当时约定的利息过高，不同意按约定标准支付利息。",
        "借款属实，但利息负担过重，请求法院酌情减少利息。",
    ],
    near=(RATE, ADMITS),
)
RATE_NEAR_RULE = _slot(
    "rate.near_rule",
    [
        "原告主张的利息未超过法律规定的上限，本院予以支持。",
        "原告主张的利率未超过法律规定的利率保护上限，本院予以支持。",
        "双方约定的利率在法律保护的范围内，本院予以支持。",
    ],
    near=(RATE,),
)

# --- rollover -----------------------------------------------------------------------------
ROLLOVER_FACTS = (
    *_slot(
        "rollover.amounts",
        [
            "{date}，双方对此前借款本息进行结算，被告将未付利息{interest}计入本金，向原告重新出具了{iou}的借条。",
            "借条所载{iou}由原借款本金{old}及截至{date}的利息{interest}累加而成。",
            "原告将到期未付的利息{interest}滚入本金，要求被告按{iou}重新出具借据。",
            "该笔借款系借新还旧，原借款{old}到期后被告未能归还，遂于{date}重新向原告借款{iou}用于归还原借款本息。",
            "因被告无力支付到期利息，经原告要求，双方于{date}将所欠利息{interest}转为借款本金，由被告另行出具{iou}的借条一份。",
        ],
        codes=(ROLLOVER, IOU),
    ),
    *_slot(
        "rollover.plain",
        [
            "{date}，被告以向原告新借的款项归还原借款，原借款本息一并结转为新的借款。",
            "双方于{date}将借条汇总，按约定利率对借款本息结算后，由被告重新出具借条。",
            "庭审中，被告称其于{date}出具的借条系以新借条抵旧借条，借条金额中包含了此前未付的利息。",
            "原借款到期后，原告要求被告将所欠利息计入本金，重新出具借条，被告照办。",
        ],
        # interest added to the principal: the new IOU is above what was handed over (as the
        # real labels read it)
        codes=(ROLLOVER, IOU),
    ),
)
ROLLOVER_NEAR = _slot(
    "rollover.near",
    [
        "被告先后两次向原告借款，后将两笔借款合并出具借条一份，借条金额为两笔借款本金之和。",
        "经双方对账，被告确认尚欠原告借款本金，利息另行计算。",
        "被告要求将已支付的超出法定标准的利息冲抵借款本金。",
        "借款到期后，双方协商将还款期限延长至{date}，借款金额及利率不变。",
        "因原借条遗失，被告于{date}重新补写借条一份，金额与原借条一致。",
        "被告称其已支付的利息应当抵作本金，原告不予认可。",
    ],
    near=(ROLLOVER,),
)

# --- debt_assignment ----------------------------------------------------------------------
ASSIGN_LOAN = _slot(
    "assign.loan",
    [
        "{date}，{a}与原告签订《债权转让协议》，将其对被告享有的上述债权（含本金及利息）全部转让给原告，并于同月书面通知了被告。",
        "{date}，{a}将其对被告享有的借款债权{amount}转让予原告，并向被告发送了债权转让通知书。",
        "原告与{a}于{date}签订债权转让协议一份，约定原告受让{a}对被告的债权本金{amount}。",
        "{a}于{date}将上述借款债权及相应利息一并转让给原告，并以手机短信方式通知了被告。",
        "原告系从{a}处受让取得本案债权，{a}已于{date}将债权转让的事实告知被告。",
        "{date}，{a}（转让方）与原告（受让方）签订《债权转让合同》，将本案债权转让给原告，转让价款已付清。",
        "经{a}与原告协商一致，{a}于{date}将其出借给被告的{amount}借款的债权转让给原告，被告在债权转让通知书上签字确认。",
        "{a}出具《债权转让通知》，载明：其对被告享有的{amount}借款债权已于{date}转让给原告，请被告向原告履行还款义务。",
    ],
    codes=(ASSIGN,),
)
# An institution's sale of a loan: assignment, with a newspaper notice (not service).
ASSIGN_NOTICE = _slot(
    "assign.newspaper",
    [
        "原告受让案涉债权后，于{date}在《浙江法制报》上刊登了债权转让暨催收公告。",
        "{date}，转让方与原告联合在省级报纸上发布了债权转让通知及催收公告。",
    ],
    codes=(ASSIGN,),
    near=(NOTICE,),
)
ASSIGN_INSURANCE = _slot(
    "assign.insurance",
    [
        "{owner}将上述保险理赔款请求权转让给原告，并通知了被告。",
        "{owner}与原告签订《权益转让书》，将该次事故的保险金请求权转让给原告，并书面通知了被告。",
        "事故车辆修复后，{owner}将其对被告享有的保险赔偿金债权转让给原告，被告已收到转让通知。",
        "{owner}出具《债权转让书》，将本次事故车辆损失的理赔款债权转让给原告。",
    ],
    codes=(ASSIGN,),
)
ASSIGN_INSURANCE_REASONING = _slot(
    "assign.insurance_reasoning",
    [
        "被保险人将保险金请求权转让给原告，已通知被告，该转让对被告发生效力。",
        "保险事故发生后，被保险人将保险金请求权依法转让给原告并通知了保险人，原告有权向被告主张保险金。",
        "案涉理赔款债权的转让已通知被告，原告作为受让人可以自己的名义提起诉讼。",
    ],
    codes=(ASSIGN,),
)
ASSIGN_NEAR = _slot(
    "assign.near",
    [
        "被告辩称其已将该笔债务转由其所在公司承担，但原告对此不予认可。",
        "本案不存在债权转让的情形，原告系借款的实际出借人。",
        "原告未将本案债权转让他人，有权以自己的名义提起诉讼。",
        "双方在借条中约定，未经被告同意，原告不得将本债权转让给第三人。",
        "被告称其对原告的债务已转移给案外公司承担，但该债务转移未经原告同意，对原告不发生效力。",
        "经原告同意，被告的亲属自愿加入本案债务，与被告共同承担还款责任。",
    ],
    near=(ASSIGN,),
)

# --- defendant_absent ---------------------------------------------------------------------
ABSENT_TRIAL = _slot(
    "absent.trial",
    [
        "被告{d}经本院传票传唤无正当理由拒不到庭参加诉讼。",
        "被告{d}经本院合法传唤，无正当理由未到庭参加诉讼。",
        "被告{d}未到庭应诉答辩。",
        "被告{d}经传票传唤无正当理由拒不到庭，本院依法缺席审理。",
        "被告{d}未到庭参加诉讼，亦未向本院提交答辩意见及相关证据材料。",
        "被告{d}经本院依法传唤未到庭。",
        "被告{d}无正当理由拒不到庭应诉，本院依法缺席审理。",
        "被告{d}经本院两次传票传唤均未到庭，本院依法缺席审理。",
    ],
    codes=(ABSENT,),
)
ABSENT_NOTICE_TRIAL = _slot(
    "absent.notice_trial",
    [
        "被告{d}经本院公告送达开庭传票，无正当理由拒不到庭参加诉讼，本院依法缺席审理。",
        "被告{d}经公告传唤，无正当理由未到庭参加诉讼。",
        "被告{d}经本院公告送达传票后未到庭参加诉讼。",
    ],
    codes=(ABSENT, NOTICE),
)
ABSENT_DEFENCE = _slot(
    "absent.defence",
    [
        "被告{d}未到庭参加诉讼，亦未提交书面答辩意见。",
        "被告{d}经本院合法传唤无正当理由拒不到庭参加诉讼，视为放弃答辩、举证和质证的权利。",
        "被告{d}未到庭质证，视为放弃质证的权利。",
        "被告{d}未答辩，亦未到庭。",
        "被告{d}未到庭，亦未在举证期限内向本院提交证据。",
    ],
    codes=(ABSENT,),
)
ABSENT_REASONING = _slot(
    "absent.reasoning",
    [
        "被告经本院合法传唤无正当理由拒不到庭，视为放弃抗辩权利，本院依法缺席判决。",
        "被告{d}经传票传唤无正当理由拒不到庭，不影响本院依据查明的事实依法作出判决。",
        "被告{d}未到庭应诉，视为其放弃了答辩和质证的权利，本院依法缺席判决。",
        "被告{d}无正当理由拒不到庭，应自行承担由此产生的不利后果，本院依法缺席判决。",
    ],
    codes=(ABSENT,),
)
ABSENT_NEAR = _slot(
    "absent.near",
    [
        "{present}、被告{d}到庭参加诉讼。",
        "{present}、被告{d}均到庭参加了诉讼。",
        "{present}与被告{d}均按时到庭参加诉讼。",
        "{present}及被告{d}到庭参加诉讼，被告{d}当庭发表了答辩意见。",
        "{present}到庭参加诉讼，被告{d}亦到庭参加诉讼。",
        "{present}、被告{d}到庭参加诉讼，双方当事人均到庭。",
    ],
    near=(ABSENT,),
)

# --- public_notice_service ----------------------------------------------------------------
# Opening clauses (after 本院于…立案后，); they end with the hearing.
NOTICE_OPENING = _slot(
    "notice.opening",
    [
        "因被告{d}下落不明，本院依法向其公告送达起诉状副本、应诉通知书、举证通知书及开庭传票等诉讼文书，{proc}，于{hearing}公开开庭进行了审理。",
        "因被告{d}下落不明，本院依法公告送达了起诉状副本、应诉通知书及开庭传票，{proc}，于{hearing}公开开庭进行了审理。",
        "因无法直接送达，本院依法采用公告方式向被告{d}送达起诉状副本及开庭传票，{proc}，于{hearing}公开开庭进行了审理。",
        "经电话联系及邮寄送达均未果，本院依法向被告{d}公告送达了诉讼文书，{proc}，于{hearing}公开开庭进行了审理。",
        "因被告{d}去向不明，本院在《人民法院报》上向其公告送达了起诉状副本及开庭传票，{proc}，于{hearing}公开开庭进行了审理。",
        "被告{d}外出下落不明，本院以公告方式向其送达起诉状副本、举证通知书及开庭传票，{proc}，于{hearing}公开开庭进行了审理。",
        "{proc}，因被告{d}下落不明，本院于{notice_date}依法向其公告送达应诉材料，公告期满后于{hearing}公开开庭进行了审理。",
        "本院依法向被告{d}公告送达了起诉状副本及开庭传票等法律文书，{proc}，于{hearing}公开开庭进行了审理。",
    ],
    codes=(NOTICE,),
)
NOTICE_WITHDRAWAL = _slot(
    "notice.withdrawal",
    [
        "因被告{d}下落不明，本院依法公告送达了起诉状副本及开庭传票。",
        "本院依法向被告{d}公告送达了应诉材料。",
        "因被告{d}去向不明，本院以公告方式送达了起诉状副本。",
    ],
    codes=(NOTICE,),
)
NOTICE_NEAR = _slot(
    "notice.near",
    [
        "本院依法向被告{d}邮寄送达了起诉状副本及开庭传票，{proc}，于{hearing}公开开庭进行了审理。",
        "本院通过电子送达方式向被告{d}送达了起诉状副本及开庭传票，{proc}，于{hearing}公开开庭进行了审理。",
        "本院向被告{d}直接送达了起诉状副本、应诉通知书及开庭传票，{proc}，于{hearing}公开开庭进行了审理。",
        "本院依法向被告{d}送达了起诉状副本等应诉材料（未适用公告送达），{proc}，于{hearing}公开开庭进行了审理。",
    ],
    near=(NOTICE,),
)

# --- defendant_admits_all -----------------------------------------------------------------
# Whole defence lines.
ADMITS_DEFENCE = _slot(
    "admits.defence",
    [
        "被告{d}辩称：对借款事实无异议，但目前经济困难，暂时无力归还，请求分期履行。",
        "被告{d}辩称：对原告主张的借款事实及金额均无异议，愿意归还。",
        "被告{d}辩称：原告所诉属实，对诉讼请求无异议。",
        "被告{d}对原告的诉讼请求及事实理由均无异议。",
        "被告{d}辩称：借款属实，同意按原告的诉讼请求归还借款及利息。",
        "被告{d}辩称：对本案借款事实及原告的诉讼请求均予以认可，现因资金周转困难无法一次性归还。",
        "被告{d}辩称：对原告诉讼请求均无异议，但请求分期偿还。",
        "被告{d}当庭表示，对原告主张的借款本金{amount}及利息均予认可，愿意承担还款责任。",
        "被告{d}自认原告主张的借款事实，对诉讼请求没有异议。",
        "被告{d}辩称：借款是事实，原告的诉讼请求合理，被告全部认可。",
    ],
    codes=(ADMITS,),
)
ADMITS_BANK = _slot(
    "admits.bank",
    ["被告{d}辩称：对借款事实无异议，因经营困难未能按时还款，请求减免罚息。"],
    codes=(ADMITS,),
)
ADMITS_NEAR = _slot(
    "admits.near",
    [
        "被告{d}辩称：借款属实，但被告已归还部分利息，应予扣除，现因经营困难无力一次性归还。",
        "被告{d}辩称：对借款事实无异议，但已向原告归还{x}，该部分应从借款中扣除。",
        "被告{d}辩称：对借款金额有异议，原告主张的数额中包含了已经归还的款项。",
        "被告{d}辩称：借款属实，但对原告主张的利息有异议，双方未约定利息。",
        "被告{d}对借款事实予以认可，但认为原告主张的利息计算有误，不同意按原告的主张支付利息。",
        "被告{d}辩称：对借条的真实性无异议，但借款已于{date}全部归还，不同意原告的诉讼请求。",
        "被告{d}辩称：原告并非实际出借人，款项系由案外人转账支付，原告无权主张。",
    ],
    near=(ADMITS,),
)

# Other near misses written where the cause calls for them.
OTHER_NEAR = (
    Phrasing(
        "admits.sale.0",
        "被告{d}辩称：对欠款金额无异议，但部分货物存在质量问题，请求酌情扣减。",
        near=(ADMITS,),
    ),
    Phrasing("admits.exec.0", "对终结本次执行程序无异议", near=(ADMITS,)),
)

POOLS: dict[str, tuple[Phrasing, ...]] = {
    "cash.full": CASH_FULL,
    "cash.rest": CASH_REST,
    "cash.unproven": CASH_REST_UNPROVEN,
    "cash.near": CASH_NEAR,
    "upfront.facts": UPFRONT_FACTS,
    "upfront.near": UPFRONT_NEAR,
    "iou.defence": IOU_DEFENCE,
    "iou.reasoning": IOU_REASONING,
    "iou.facts": IOU_FACTS,
    "iou.near": IOU_NEAR,
    "rate.reasoning": RATE_REASONING,
    "rate.defence": RATE_DEFENCE,
    "rate.near_defence": RATE_NEAR_DEFENCE,
    "rate.near_rule": RATE_NEAR_RULE,
    "rollover.facts": ROLLOVER_FACTS,
    "rollover.near": ROLLOVER_NEAR,
    "assign.loan": ASSIGN_LOAN,
    "assign.newspaper": ASSIGN_NOTICE,
    "assign.insurance": ASSIGN_INSURANCE,
    "assign.insurance_reasoning": ASSIGN_INSURANCE_REASONING,
    "assign.near": ASSIGN_NEAR,
    "admits.sale": OTHER_NEAR[:1],
    "admits.exec": OTHER_NEAR[1:],
    "absent.trial": ABSENT_TRIAL,
    "absent.notice_trial": ABSENT_NOTICE_TRIAL,
    "absent.defence": ABSENT_DEFENCE,
    "absent.reasoning": ABSENT_REASONING,
    "absent.near": ABSENT_NEAR,
    "notice.opening": NOTICE_OPENING,
    "notice.withdrawal": NOTICE_WITHDRAWAL,
    "notice.near": NOTICE_NEAR,
    "admits.defence": ADMITS_DEFENCE,
    "admits.bank": ADMITS_BANK,
    "admits.near": ADMITS_NEAR,
}


def variants_of(code: str) -> list[str]:
    """Ids of every variant that states ``code`` (rate forms included for interest_above_cap)."""
    out = [p.id for pool in POOLS.values() for p in pool if code in p.codes]
    if code == RATE:
        out += [i for i, _ in RATE_FORMS]
    return out


def near_variants_of(code: str) -> list[str]:
    """Ids of every near-miss variant of ``code``."""
    out = [p.id for pool in POOLS.values() for p in pool if code in p.near]
    if code == RATE:
        out += [i for i, _ in RATE_FORMS] + ["rate.lpr4"]
    return out
