"""The risk signs, one by one: phrasings as courts write them (planted positives, names masked) and
the near misses that must not fire. Real texts are measured in test_signs_real.py."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from jiandu.documents import parse_document
from jiandu.documents.signs import SIGN_CODES, SIGNS, find_signs


def codes(text: str, **kw: object) -> set[str]:
    return {s.code for s in find_signs(text, **kw)}  # type: ignore[arg-type]


def test_vocabulary_is_the_contract() -> None:
    assert SIGN_CODES == (
        "cash_delivery",
        "upfront_interest",
        "iou_exceeds_delivery",
        "interest_above_cap",
        "rollover",
        "debt_assignment",
        "defendant_absent",
        "public_notice_service",
        "defendant_admits_all",
    )
    assert all(SIGNS[c].name_zh and SIGNS[c].meaning and SIGNS[c].relevance for c in SIGN_CODES)


POSITIVE = [
    ("cash_delivery", "2016年3月5日，原告以现金方式向被告出借借款20000元，被告出具借条一张。"),
    ("cash_delivery", "原告从银行取款后将现金5万元交付被告。"),
    ("cash_delivery", "其中1万元以现金交付，其余通过银行转账支付。"),
    ("upfront_interest", "合同签订当日，原告预先扣除3000元利息后，向被告账户转入47000元。"),
    ("upfront_interest", "被告辩称，原告出借时已扣除利息2500元，其实际只收到22500元。"),
    ("upfront_interest", "双方约定月利率2％，预先扣除3个月的利息。"),
    ("iou_exceeds_delivery", "被告辩称，借条写明3万元，其实际仅收到27000元。"),
    ("iou_exceeds_delivery", "经核对，该借条中的50000元包括借款本金30000元、利息20000元。"),
    ("iou_exceeds_delivery", "本院认为，借款本金应按实际出借的金额予以认定。"),
    ("interest_above_cap", "2015年4月1日，被告向原告借款10万元，约定月息3分。"),
    ("interest_above_cap", "双方约定借款利息按月利率2.5％计算。"),
    ("interest_above_cap", "借款2万元，双方约定每月利息800元。"),
    ("interest_above_cap", "如逾期还款，每逾期一日，按借款本金的千分之五支付违约金。"),
    ("rollover", "后双方对借款本息进行结算，被告重新向原告出具借条一张。"),
    ("rollover", "被告将以前未付的利息计算后加上本金5万元，重新向原告出具了一张7万元的借条。"),
    ("rollover", "该笔贷款用途为借新还旧。"),
    ("debt_assignment", "2017年6月1日，案外人王某将其对被告享有的债权转让给原告，并通知了被告。"),
    ("debt_assignment", "原告依法受让原债权人对被告的债权后，向被告催收未果。"),
    ("defendant_absent", "被告李某经本院传票传唤，无正当理由拒不到庭参加诉讼。"),
    ("defendant_absent", "被告张某未到庭参加诉讼，亦未提交答辩意见。"),
    ("defendant_absent", "本案依法缺席审理。"),
    ("public_notice_service", "因被告下落不明，本院依法向其公告送达起诉状副本及开庭传票。"),
    ("public_notice_service", "案件受理费800元，公告费560元，由被告负担。"),
    ("public_notice_service", "本院采取公告方式向被告送达了应诉通知书。"),
    ("defendant_admits_all", "被告陈某辩称，对原告的诉讼请求无异议，但目前经济困难，请求分期偿还。"),
    ("defendant_admits_all", "被告刘某辩称，原告所述属实，我确实欠原告23000元。"),
    ("defendant_admits_all", "被告赵某答辩称，借款事实和数额均无异议。"),
]


@pytest.mark.parametrize("code, text", POSITIVE)
def test_sign_is_read_from_real_phrasing(code: str, text: str) -> None:
    found = [s for s in find_signs(text) if s.code == code]
    assert found, f"{code} not found in {text}"
    for sign in found:
        assert text[sign.start : sign.end] == sign.text and sign.text


NEAR_MISS = [
    ("cash_delivery", "被告于2016年5月以现金方式偿还借款1万元。"),
    ("cash_delivery", "被告每月以现金支付利息2000元。"),
    ("cash_delivery", "原告未以现金方式交付借款，均系银行转账。"),
    ("cash_delivery", "借款到期后，被告应以现金或转账方式还清本金。"),
    ("cash_delivery", "原告通过银行转账出借50000元，借条载明：今借到张某现金伍万元。"),
    ("upfront_interest", "原告出借时未预先扣除利息，通过银行转账交付50000元。"),
    ("upfront_interest", "扣除被告已付的利息后，尚欠利息12000元。"),
    ("upfront_interest", "借款的利息不得预先在本金中扣除。"),
    ("iou_exceeds_delivery", "原告于当日通过银行转账方式向被告交付了借款50000元。"),
    ("iou_exceeds_delivery", "判决被告自起诉之日起至实际清偿之日止按年利率6%支付利息。"),
    ("interest_above_cap", "双方约定月息2分，借款期限一年。"),
    ("interest_above_cap", "原告主张按年利率24％计算利息，本院予以支持。"),
    ("interest_above_cap", "按中国人民银行同期贷款利率的四倍计算。"),
    ("interest_above_cap", "约定年利率超过36%的部分无效。"),
    ("rollover", "到期后被告重新给原告出具了一份借条，承诺一个月内归还本金。"),
    ("rollover", "借款到期后双方签订展期协议，将借款期限延长六个月。"),
    ("debt_assignment", "经原告同意，被告将其债务转移给第三人王某。"),
    ("debt_assignment", "债权人转让权利的，应当通知债务人。"),
    ("debt_assignment", "原告与被告签订土地使用权转让合同。"),
    ("debt_assignment", "借款合同约定，未经借款人书面同意，出借人不得转让本合同项下的债权。"),
    ("defendant_absent", "被告李某到庭参加诉讼。"),
    ("defendant_absent", "原告张某经本院传票传唤无正当理由拒不到庭，按撤诉处理。"),
    ("defendant_absent", "第三人王某未到庭参加诉讼。"),
    ("public_notice_service", "银行在报纸上发布了债权转让通知暨催收公告。"),
    ("public_notice_service", "本院依法向被告直接送达了起诉状副本。"),
    ("defendant_admits_all", "被告陈某辩称，对借款事实无异议，但利息约定过高，请求依法调低。"),
    ("defendant_admits_all", "被告对借款金额有异议，称其只收到2万元。"),
    ("defendant_admits_all", "被告王某辩称，借款属实，但约定利息负担过重，请求予以减少。"),
    ("defendant_admits_all", "被告李某未作答辩。"),
    ("defendant_admits_all", "被告对原告提交的借条真实性无异议。"),
    ("defendant_admits_all", "原告自认被告已归还借款5000元。"),
]


@pytest.mark.parametrize("code, text", NEAR_MISS)
def test_near_miss_does_not_fire(code: str, text: str) -> None:
    assert code not in codes(text), text


def test_interest_cap_follows_the_date() -> None:
    text = "双方约定借款年利率18%。"
    assert "interest_above_cap" not in codes(text)  # date unknown: the 24% cap
    assert "interest_above_cap" not in codes(text, on=dt.date(2019, 5, 1))  # 24% before the reform
    found = [s for s in find_signs(text, on=dt.date(2021, 3, 1)) if s.code == "interest_above_cap"]
    assert found and found[0].value == pytest.approx(0.18)  # above 4 x 3.85% = 15.4% at filing


def test_parse_reports_signs_with_spans_on_excerpts_and_full_judgments() -> None:
    excerpt = (
        "原告张某1。被告李某1。\n原告张某1诉称，2016年1月5日被告向原告借款5万元，约定月息3分，原告以现金方式"
        "交付借款。被告李某1未到庭参加诉讼，亦未答辩。"
    )
    record = json.loads(json.dumps(parse_document(excerpt).to_dict(), ensure_ascii=False))
    got = {s["code"] for s in record["signs"]}
    assert {"cash_delivery", "interest_above_cap", "defendant_absent"} <= got
    for s in record["signs"]:
        assert excerpt[s["start"] : s["end"]] == s["text"]
