"""Regression tests for gaps the synthetic-county round trip (tests/synth/test_roundtrip.py)
found, and for the absence and interest wordings listed as known gaps before. Hand-written
documents in the synthetic county's wording."""

from __future__ import annotations

import pytest

from jiandu.documents.interest import find_interest_rates
from jiandu.documents.parser import parse_document_strict

from .spans import span_problems

EXEC_FLAT = (
    "浙江省嵊州市人民法院。执 行 裁 定 书。（2021）浙0683执1234号。申请执行人：邵某，男，1970年3月2日出生，"
    "汉族，住浙江省嵊州市。委托代理人：王建国，浙江剡溪律师事务所律师。被执行人：邵某某，男，1975年6月8日出生，"
    "汉族，住浙江省嵊州市。申请执行人邵某与被执行人邵某某民间借贷纠纷一案，本院作出的（2020）浙0683民初567号"
    "民事判决书已发生法律效力。申请执行人邵某于2021年1月5日向本院申请执行，本院于同日立案。执行中，本院依法查询了"
    "被执行人的财产，未发现可供执行的财产。依照《中华人民共和国民事诉讼法》第一百五十七条第一款第十一项之规定，"
    "裁定如下：终结本次执行程序。申请执行人发现被执行人有可供执行财产的，可以再次申请执行。本裁定送达后立即生效。"
    "审判员张明。二〇二一年四月二日。书记员李红。"
)

BANK_SEVERAL_ABSENT = """绍兴市柯桥区人民法院
民事判决书
（2018）浙0603民初1802号
原告：绍兴鉴湖农村商业银行股份有限公司柯桥支行，住所地浙江省绍兴市柯桥区柯桥街道笛扬路1号。
负责人：王坤，行长。
委托诉讼代理人：李云，浙江五泄律师事务所律师。
被告：陈某某，女，1955年8月7日出生，汉族，住浙江省绍兴市柯桥区。
被告：王某某，男，1977年2月23日出生，汉族，住浙江省绍兴市柯桥区。
被告：丁某某，男，1978年3月14日出生，汉族，住浙江省绍兴市柯桥区。
原告绍兴鉴湖农村商业银行股份有限公司柯桥支行与被告陈某某、王某某、丁某某金融借款合同纠纷一案，\
本院于2018年2月19日立案后，因被告丁某某下落不明，本院依法向其公告送达起诉状副本及开庭传票，依法适用普通程序，\
于2018年5月3日公开开庭进行了审理。原告的委托诉讼代理人李云到庭参加诉讼，被告陈某某、王某某、丁某某经本院传票传唤\
无正当理由拒不到庭参加诉讼。本案现已审理终结。
原告向本院提出诉讼请求：1.判令被告陈某某归还借款本金人民币300000元及利息；2.判令被告王某某、丁某某承担连带清偿责任。
本院认为，被告未按约还款，应承担责任。依照《中华人民共和国合同法》第二百零六条之规定，判决如下：
被告陈某某于本判决生效之日起十日内归还原告借款本金300000元。
如不服本判决，可在判决书送达之日起十五日内向本院递交上诉状。
审判长　王明
审判员　李华
人民陪审员　赵强
二〇一八年六月一日
书记员　孙丽
"""

SMALL_LOAN_WITHDRAWAL = """浙江省新昌县人民法院
民事裁定书
（2024）浙0624民初4号
原告：新昌县沃洲小额贷款股份有限公司绍兴市新昌分公司，住所地浙江省新昌县沃洲镇中兴中路889号。
法定代表人：王坤忠，董事长。
被告：陈某某，女，1955年8月7日出生，汉族，住浙江省新昌县。
被告：陈某，男，1977年2月23日出生，汉族，住浙江省新昌县。
原告新昌县沃洲小额贷款股份有限公司绍兴市新昌分公司与被告陈某某、陈某小额借款合同纠纷一案，本院于2024年5月29日立案。\
原告新昌县沃洲小额贷款股份有限公司绍兴市新昌分公司于2024年7月27日向本院提出撤诉申请。
本院认为，原告的撤诉申请符合法律规定。依照《中华人民共和国民事诉讼法》第一百四十八条之规定，裁定如下：
准许原告新昌县沃洲小额贷款股份有限公司绍兴市新昌分公司撤回起诉。
案件受理费2100元，减半收取1050元，由原告负担。
审判员　赵明江
二○二四年七月二十七日
书记员　陈晶兰
"""


def _judgment(parties: str, story: str) -> str:
    return (
        "浙江省诸暨市人民法院\n民事判决书\n（2019）浙0681民初88号\n" + parties + story
        + "本院认为，借贷关系合法有效。判决如下：\n被告于本判决生效之日起十日内归还原告借款50000元。\n"
        "审判员　王明\n二〇一九年五月六日\n书记员　孙丽\n"
    )


def test_flattened_execution_ruling_second_party_after_agent_line() -> None:
    rec = parse_document_strict(EXEC_FLAT)
    assert [(p.role, p.name, p.side) for p in rec.parties] == [
        ("申请执行人", "邵某", "applicant"), ("被执行人", "邵某某", "respondent")]
    assert [(a.for_, a.name) for a in rec.agents] == [("邵某", "王建国")]
    assert rec.cause == "民间借贷纠纷"  # not 某民间借贷纠纷 (邵某某 was not a party)
    assert rec.terminated_execution is True
    assert span_problems(EXEC_FLAT, rec) == []


def test_bank_with_several_defendants_header_ends_at_the_case_sentence() -> None:
    rec = parse_document_strict(BANK_SEVERAL_ABSENT)
    assert [p.name for p in rec.parties] == [
        "绍兴鉴湖农村商业银行股份有限公司柯桥支行", "陈某某", "王某某", "丁某某"]
    assert [(a.name, a.law_firm) for a in rec.agents] == [("李云", "浙江五泄律师事务所")]
    assert rec.filing_date == "2018-02-19"
    assert rec.hearing_date == "2018-05-03"
    assert rec.cause == "金融借款合同纠纷"
    assert rec.procedure_track == "ordinary"
    # 被告A、B、C经本院传票传唤无正当理由拒不到庭
    assert rec.defendant_absent is True
    assert rec.public_notice_service is True
    assert rec.claimed_principal == 300000
    assert span_problems(BANK_SEVERAL_ABSENT, rec) == []


def test_withdrawal_with_a_long_plaintiff_name() -> None:
    rec = parse_document_strict(SMALL_LOAN_WITHDRAWAL)
    assert rec.withdrawal is True
    assert rec.filing_date == "2024-05-29"
    assert [p.name for p in rec.parties][1:] == ["陈某某", "陈某"]
    assert rec.cause == "小额借款合同纠纷"


@pytest.mark.parametrize(
    ("first", "second"),
    [("王某", "王某某"), ("李某", "李某1"), ("张兰", "张兰菊"), ("王××", "王×××")],
)
def test_party_whose_name_extends_an_earlier_one(first: str, second: str) -> None:
    text = _judgment(
        f"原告：{first}，男，1970年1月1日出生，汉族，住浙江省诸暨市。\n"
        "委托诉讼代理人：陈永土，浙江天姥律师事务所律师。\n"
        f"被告：{second}，女，1972年2月2日出生，汉族，住浙江省诸暨市。\n",
        f"原告{first}与被告{second}民间借贷纠纷一案，本院于2019年1月8日立案后，依法适用简易程序进行了审理。\n",
    )
    rec = parse_document_strict(text)
    assert [(p.role, p.name, p.gender) for p in rec.parties] == [
        ("原告", first, "男"), ("被告", second, "女")]
    assert [(a.for_, a.name) for a in rec.agents] == [(first, "陈永土")]
    assert rec.cause == "民间借贷纠纷"


def test_sentence_about_a_listed_party_is_not_a_new_party() -> None:
    text = _judgment(
        "原告：张三，男，1970年1月1日出生，汉族，住浙江省诸暨市。\n"
        "被告：李四，男，1972年2月2日出生，汉族，住浙江省诸暨市。\n"
        "被告李四系原告张三之妻弟。\n",
        "原告张三与被告李四民间借贷纠纷一案，本院于2019年1月8日立案后，依法适用简易程序进行了审理。\n",
    )
    rec = parse_document_strict(text)
    assert [p.name for p in rec.parties] == ["张三", "李四"]


@pytest.mark.parametrize(
    "sentence",
    [
        "被告李四经本院公告送达开庭传票，未出庭参加诉讼。",
        "被告李四经本院公告送达开庭传票，无正当理由拒不到庭参加诉讼。",
        "被告李四、王五、赵六经本院传票传唤无正当理由拒不到庭参加诉讼。",
        "被告李四下落不明，经公告送达，未到庭。",
        "被告李四经本院依法送达开庭传票，未参加诉讼。",
    ],
)
def test_absence_wordings(sentence: str) -> None:
    text = _judgment(
        "原告：张三，男，1970年1月1日出生，汉族，住浙江省诸暨市。\n"
        "被告：李四，男，1972年2月2日出生，汉族，住浙江省诸暨市。\n",
        "原告张三与被告李四民间借贷纠纷一案，本院于2019年1月8日立案后，依法适用普通程序，于2019年4月3日公开开庭"
        f"进行了审理。原告张三到庭参加诉讼，{sentence}本案现已审理终结。\n"
        "原告张三向本院提出诉讼请求：判令被告李四归还借款50000元。\n",
    )
    rec = parse_document_strict(text)
    assert rec.defendant_absent is True
    s, e = rec.spans["flags.defendant_absent"]
    assert text[s:e] in sentence


def test_both_sides_present_is_not_absence() -> None:
    text = _judgment(
        "原告：张三，男，1970年1月1日出生，汉族，住浙江省诸暨市。\n"
        "被告：李四，男，1972年2月2日出生，汉族，住浙江省诸暨市。\n",
        "原告张三与被告李四民间借贷纠纷一案，本院于2019年1月8日立案后，本院依法向被告公告送达起诉状副本及开庭传票，"
        "于2019年4月3日公开开庭进行了审理。原告张三、被告李四到庭参加诉讼。本案现已审理终结。\n"
        "原告张三向本院提出诉讼请求：判令被告李四归还借款50000元。\n",
    )
    rec = parse_document_strict(text)
    assert rec.defendant_absent is False
    assert rec.public_notice_service is True


def test_cash_delivery_in_the_plaintiffs_account_in_the_findings() -> None:
    text = _judgment(
        "原告：张三，男，1970年1月1日出生，汉族，住浙江省诸暨市。\n"
        "被告：李四，男，1972年2月2日出生，汉族，住浙江省诸暨市。\n",
        "原告张三与被告李四民间借贷纠纷一案，本院于2019年1月8日立案后，依法适用简易程序进行了审理。\n"
        "原告张三向本院提出诉讼请求：判令被告李四归还借款12000元。事实和理由：被告向原告借款，到期未还。\n"
        "被告李四辩称：借款属实。\n"
        "本院认定事实如下：原告于当日通过银行转账方式向被告支付1200元，原告称其余10800元以现金方式交付，"
        "但未能提供相应证据。\n",
    )
    rec = parse_document_strict(text)
    assert rec.cash_delivery is True
    s, e = rec.spans["flags.cash_delivery"]
    assert "现金" in text[s:e]


def test_repayment_in_cash_by_the_defendant_is_not_cash_delivery() -> None:
    text = _judgment(
        "原告：张三，男，1970年1月1日出生，汉族，住浙江省诸暨市。\n"
        "被告：李四，男，1972年2月2日出生，汉族，住浙江省诸暨市。\n",
        "原告张三与被告李四民间借贷纠纷一案，本院于2019年1月8日立案后，依法适用简易程序进行了审理。\n"
        "原告张三向本院提出诉讼请求：判令被告李四归还借款12000元。事实和理由：原告通过银行转账向被告交付借款。\n"
        "被告李四辩称：借款属实。\n本院认定事实如下：被告于2018年5月以现金归还原告2000元。\n",
    )
    assert parse_document_strict(text).cash_delivery is False


@pytest.mark.parametrize(
    ("s", "period", "rate"),
    [("利息按20‰/月计算", "month", 0.02), ("借款利息12％／年", "year", 0.12),
     ("按1.5%每月计息", "month", 0.015)],
)
def test_rate_with_the_period_after_it(s: str, period: str, rate: float) -> None:
    found = [r for r, _, _ in find_interest_rates(s)]
    assert [(r.period, r.rate) for r in found] == [(period, rate)]


@pytest.mark.parametrize("s", ["利息20‰", "约定利息20‰，逾期另计", "利息按2%计算"])
def test_rate_without_a_period_is_not_guessed(s: str) -> None:
    assert find_interest_rates(s) == []
