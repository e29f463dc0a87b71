"""Document types the public data lacks, on hand-written texts in the style of real ones."""

from __future__ import annotations

from jiandu.documents import PARSER_VERSION, document_id, normalise_text, parse_document

from . import samples as S
from .spans import span_problems


def test_withdrawal_ruling() -> None:
    r = parse_document(S.WITHDRAWAL_RULING)
    assert (r.doc_type, r.case_category, r.trial_procedure) == ("ruling", "civil", "first_instance")
    assert r.withdrawal is True and "flags.withdrawal" in r.spans
    assert r.mediation is False and r.defendant_absent is None  # a ruling: absence not decidable
    assert [(p.role, p.name) for p in r.parties] == [("原告", "张某某"), ("被告", "王××")]
    assert [(j.role, j.name) for j in r.judges] == [("审判员", "赵敏")]
    assert r.judgment_date == "2019-03-21" and r.filing_date == "2019-03-01"
    assert span_problems(S.WITHDRAWAL_RULING, r) == []


def test_mediation_with_organisation() -> None:
    r = parse_document(S.MEDIATION)
    assert r.doc_type == "mediation" and r.mediation is True
    assert r.case_number == "（2019）浙0603民初88号"  # 〔〕 normalised
    org = r.parties[1]
    assert (org.name, org.kind, org.id_number) == (
        "绍兴某某纺织有限公司", "organization", "91330621MA2BC12345")
    assert [(x.for_, x.name) for x in r.legal_representatives] == [("绍兴某某纺织有限公司", "李4")]
    assert r.legal_representatives[0].title is not None
    assert r.legal_representatives[0].title.startswith("法定代表人")
    assert r.parties[0].name == "张3"
    assert any(a.text == "叁拾万" and a.value == 300000 for a in r.amounts)
    assert [(i.text, i.rate, i.annual_rate) for i in r.interest_rates] == [("月息2分", 0.02, 0.24)]
    assert r.cash_delivery is True
    assert r.claimed_principal == 300000
    assert span_problems(S.MEDIATION, r) == []


def test_execution_ruling() -> None:
    r = parse_document(S.EXECUTION_RULING)
    assert (r.doc_type, r.case_category, r.trial_procedure) == ("ruling", "execution", "execution")
    assert r.case_number == "（2020）浙0681执恢123号" and r.case_type_code == "执恢"
    assert [(p.role, p.side) for p in r.parties] == [
        ("申请执行人", "applicant"), ("被执行人", "respondent"), ("被执行人", "respondent")]
    assert r.parties[1].kind == "organization"
    assert r.terminated_execution is True
    assert [(j.role, j.name) for j in r.judges] == [("执行员", "郑伟")] and r.clerks == ["冯佳"]
    assert span_problems(S.EXECUTION_RULING, r) == []


def test_second_instance() -> None:
    r = parse_document(S.SECOND_INSTANCE)
    assert r.trial_procedure == "second_instance" and r.case_type_code == "民终"
    assert [(p.role, p.original_role, p.side) for p in r.parties] == [
        ("上诉人", "原审被告", "defendant"), ("被上诉人", "原审原告", "plaintiff")]
    assert [(a.for_, a.kind, a.relation) for a in r.agents] == [
        ("王××", "legal_worker", None), ("李某1", "citizen", "子")]
    assert r.public_notice_service is True
    assert [j.name for j in r.judges] == ["钱江", "孙湖", "林山"] and r.clerks == ["周水"]
    assert any(a.text == "伍万元整" and a.value == 50000 for a in r.amounts)
    assert span_problems(S.SECOND_INSTANCE, r) == []


def test_old_style_default_judgment() -> None:
    r = parse_document(S.OLD_STYLE_DEFAULT)
    assert r.case_number == "（2012）熟民初字第00456号" and r.case_type_code == "民初"
    assert r.defendant_absent is True and r.public_notice_service is True
    assert r.claimed_principal == 55000
    assert r.hearing_date == "2012-03-05"
    assert any(a.kind == "transfer" and a.text == "55,000元" for a in r.amounts)
    assert span_problems(S.OLD_STYLE_DEFAULT, r) == []


def test_not_judgments() -> None:
    for text in ["", "   ", "今天天气很好，我们去公园散步。",
                 "红烧肉做法：五花肉500克，冰糖30克，小火慢炖一小时。",
                 "\x00\x01\xff垃圾" * 50, "法院" * 1000,
                 "新华社北京电 最高人民法院今天发布司法解释，涉及民间借贷纠纷。"]:
        r = parse_document(text)
        assert r.is_judgment is False and r.doc_type == "not_judgment"
        assert r.parties == [] and r.spans == {} and r.case_number is None


def test_api() -> None:
    assert PARSER_VERSION.count(".") == 2
    a = "\ufeff原告张三。\r\n被告李四。  \r\n"
    assert normalise_text(a) == "原告张三。\n被告李四。"
    assert document_id(a) == document_id("原告张三。\n被告李四。") and len(document_id(a)) == 32
    assert parse_document(a).doc_id == document_id(a)
    d = parse_document(S.MEDIATION).to_dict()
    assert d["legal_representatives"][0]["for"] == "绍兴某某纺织有限公司"


def test_crlf_and_flattened() -> None:
    crlf = S.OLD_STYLE_DEFAULT.replace("\n", "\r\n")
    r = parse_document(crlf)
    assert r.case_number == "（2012）熟民初字第00456号" and r.clerks == ["陆青"]
    assert span_problems(crlf, r) == []
    flat = S.SECOND_INSTANCE.replace("\n", " ")
    r = parse_document(flat)
    assert [p.name for p in r.parties] == ["王××", "李某1"]
    assert [j.name for j in r.judges] == ["钱江", "孙湖", "林山"] and r.clerks == ["周水"]
    assert span_problems(flat, r) == []
