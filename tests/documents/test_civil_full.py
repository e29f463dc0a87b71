"""The five complete civil judgments: what a reader sees in each.

Names of real people are not written here: ``n["party1"]`` is the name at the span stored for
that document in tests/fixtures/real_expectations/civil_full.json, read from the real text."""

from __future__ import annotations

from jiandu.documents import parse_document
from jiandu.documents.record import JudgmentRecord

from .expectations import names, spans
from .spans import span_problems


def _p(rec: JudgmentRecord) -> list[tuple[str, str]]:
    return [(p.role, p.name) for p in rec.parties]


def _a(rec: JudgmentRecord) -> list[tuple[str, str, str | None, str | None]]:
    return [(a.for_, a.name, a.law_firm, a.kind) for a in rec.agents]


def test_hukou(civil_full: dict[str, str]) -> None:
    t = civil_full["hukou"]
    n = names("civil_full.json", "hukou", t)
    r = parse_document(t)
    assert r.is_judgment and r.doc_type == "judgment" and r.case_category == "civil"
    assert r.title == f"{n['party1']}与{n['party2']}民间借贷纠纷一审民事判决书"
    assert r.case_number == "（2018）赣0429民初914号"
    assert (r.case_year, r.case_type_code) == (2018, "民初")
    assert r.court == "江西省湖口县人民法院"
    assert r.cause == "民间借贷纠纷"
    assert r.trial_procedure == "first_instance" and r.procedure_track == "simple"
    assert _p(r) == [("原告", n["party1"]), ("被告", n["party2"])]
    p = r.parties[0]
    assert (p.gender, p.birth_date, p.ethnicity, p.kind) == ("女", "1986-10-16", "回族", "person")
    assert p.address == "新疆维吾尔自治区图壁县"
    assert r.parties[1].birth_date == "1981-08-01"
    assert _a(r) == [(n["party1"], n["agent1"], "江西天康律师事务所", "lawyer")]
    assert r.defendant_absent is True
    assert r.public_notice_service is False and r.mediation is False and r.withdrawal is False
    assert r.cash_delivery is True  # 原告以现金支付及信用卡消费方式向被告交付款项
    assert r.claimed_principal == 50000
    assert (r.filing_date, r.hearing_date, r.judgment_date) == (
        "2018-09-17", "2018-10-23", "2018-10-23")
    assert [(j.role, j.name) for j in r.judges] == [("审判员", n["judge1"])]
    assert r.clerks == [n["clerk1"]]
    assert r.interest_rates == []
    assert any(a.kind == "judged_principal" and a.value == 47000 for a in r.amounts)
    assert any(a.kind == "fee" and a.value == 1050 for a in r.amounts)
    assert any(a.text == "伍万元整" and a.value == 50000 for a in r.amounts)
    assert span_problems(t, r) == []


def test_baohe(civil_full: dict[str, str]) -> None:
    t = civil_full["baohe"]
    n = names("civil_full.json", "baohe", t)
    r = parse_document(t)
    assert r.case_number == "（2016）皖0111民初3584号"  # half-width brackets in the text
    assert r.court == "安徽省合肥市包河区人民法院"
    assert r.doc_type == "judgment"
    assert _p(r) == [("原告", n["party1"]), ("被告", n["party2"])]
    assert r.parties[1].birth_date == "1977-03-22"
    assert _a(r) == [
        (n["party1"], n["agent1"], "安徽里奇律师事务所", "lawyer"),
        (n["party2"], n["agent2"], "北京盈科（合肥）律师事务所", "lawyer"),
        (n["party2"], n["agent3"], "北京盈科（合肥）律师事务所", "trainee_lawyer"),
    ]
    assert r.claimed_principal == 707100
    assert r.filing_date == "2016-03-29" and r.hearing_date is None
    assert r.judgment_date == "2016-06-22"
    assert r.defendant_absent is False
    assert r.cash_delivery is False
    assert [(j.role, j.name) for j in r.judges] == [("审判员", n["judge1"])] and r.clerks == [n["clerk1"]]
    assert [(i.period, i.rate) for i in r.interest_rates] == [("year", 0.0435)]
    assert any(a.text == "柒拾万零柒仟壹佰元整" and a.value == 707100 for a in r.amounts)
    assert any(a.kind == "transfer" and a.value == 630500 for a in r.amounts)
    assert span_problems(t, r) == []


def test_ganxian(civil_full: dict[str, str]) -> None:
    t = civil_full["ganxian"]
    n = names("civil_full.json", "ganxian", t)
    r = parse_document(t)
    assert r.case_number == "（2015）赣民二初字第87号" and r.case_type_code == "民初"
    assert r.court == "江西省赣县人民法院"
    assert _p(r) == [("原告", n["party1"]), ("被告", n["party2"])]
    assert r.parties[0].birth_date is None and r.parties[0].gender == "男"
    assert r.agents == []
    assert r.defendant_absent is True
    assert r.claimed_principal == 90000
    assert r.filing_date == "2015-02-12" and r.judgment_date == "2015-04-28"
    assert [(j.role, j.name) for j in r.judges] == [("审判员", n["judge1"])]
    assert r.clerks == [n["clerk1"]]
    s, e = r.spans["clerks.0"]
    assert [s, e] == spans("civil_full.json", "ganxian")["clerk1"]  # the signature's 刘　萍 form
    assert "\u3000" in t[s:e] and len(t[s:e]) == 3
    assert ("year", 0.24) in [(i.period, i.rate) for i in r.interest_rates]
    assert span_problems(t, r) == []


def test_qingcheng(civil_full: dict[str, str]) -> None:
    t = civil_full["qingcheng"]
    n = names("civil_full.json", "qingcheng", t)
    r = parse_document(t)
    assert r.case_number == "（2014）庆城民初字第833号" and r.case_type_code == "民初"
    assert r.court == "甘肃省庆城县人民法院"
    assert _p(r) == [("原告", n["party1"]), ("被告", n["party2"]), ("被告", n["party3"])]
    assert _a(r) == [(n["party1"], n["agent1"], "甘肃陇凤律师事务所", "lawyer")]
    assert r.claimed_principal == 500000
    assert r.defendant_absent is True  # 被告（party2）经本院合法传唤拒不到庭
    assert r.procedure_track == "ordinary"
    assert r.filing_date == "2014-05-22" and r.judgment_date == "2014-10-17"
    assert [(j.role, j.name) for j in r.judges] == [
        ("审判长", n["judge1"]), ("审判员", n["judge2"]), ("人民陪审员", n["judge3"])]
    assert r.clerks == [n["clerk1"]]
    rates = {(i.text, i.period, i.rate) for i in r.interest_rates}
    assert ("月利率为20‰", "month", 0.02) in rates
    assert span_problems(t, r) == []


def test_xiaoshan(civil_full: dict[str, str]) -> None:
    t = civil_full["xiaoshan"]
    n = names("civil_full.json", "xiaoshan", t)
    r = parse_document(t)
    assert r.case_number == "（2009）萧民二初字第33号"
    assert r.court == "杭州市萧山区人民法院"
    assert r.doc_type == "judgment"  # from the trailer's 案件名称; the body has no heading
    assert _p(r) == [("原告", "倪××"), ("被告", "汪××")]
    assert _a(r) == [("倪××", "王××", None, None)]
    assert r.claimed_principal == 200000
    assert r.defendant_absent is True
    assert r.filing_date == "2008-12-11" and r.hearing_date == "2009-01-04"
    assert r.judgment_date == "2009-01-04"
    assert [(j.role, j.name) for j in r.judges] == [("审判员", n["judge1"])]
    assert r.clerks == [n["clerk1"]]  # the metadata trailer is not read as a name
    assert next((i.period, i.rate) for i in r.interest_rates) == ("day", 0.00021)
    assert r.trial_procedure == "first_instance"
    assert span_problems(t, r) == []
