"""Small pieces: numerals, case numbers, amounts, interest phrases, signature layouts."""

from __future__ import annotations

import pytest

from jiandu.documents.amounts import find_amounts
from jiandu.documents.case_number import find_case_number
from jiandu.documents.interest import find_interest_rates
from jiandu.documents.numerals import parse_amount, parse_date
from jiandu.documents.signature import find_signature


@pytest.mark.parametrize(
    ("s", "iso"),
    [("二〇一八年十一月二十日", "2018-11-20"), ("二○一五年四月二十八日", "2015-04-28"),
     ("二O一五年一月三日", "2015-01-03"), ("2018年9月17日", "2018-09-17"),
     ("二〇一五年四月××日", None), ("2018年2月30日", None)],
)
def test_dates(s: str, iso: str | None) -> None:
    assert parse_date(s) == iso


@pytest.mark.parametrize(
    ("s", "value"),
    [("3，000元", 3000), ("1,000,000元", 1000000), ("204 416元", 204416), ("50万元", 500000),
     ("5.5万元", 55000), ("伍万元整", 50000), ("叁拾万", 300000),
     ("柒拾万零柒仟壹佰元整", 707100), ("人民币三万元", 30000)],
)
def test_amounts(s: str, value: float) -> None:
    assert parse_amount(s) == value
    found = find_amounts(f"借款{s}，")
    assert [a.value for a in found] == [value]


@pytest.mark.parametrize(
    ("s", "value", "year", "code"),
    [("（2018）赣0429民初914号", "（2018）赣0429民初914号", 2018, "民初"),
     ("（2014）庆城民初字第833号", "（2014）庆城民初字第833号", 2014, "民初"),
     ("(2016)皖0111民初3584号", "（2016）皖0111民初3584号", 2016, "民初"),
     ("〔2017〕浙0602执恢12号", "（2017）浙0602执恢12号", 2017, "执恢"),
     ("（2015）临罗刑一初字第81号", "（2015）临罗刑一初字第81号", 2015, "刑初"),
     ("（2014）湘执字第5号", "（2014）湘执字第5号", 2014, "执"),
     ("［2019］浙01民再3号", "（2019）浙01民再3号", 2019, "民再")],
)
def test_case_numbers(s: str, value: str, year: int, code: str) -> None:
    cn = find_case_number(f"某某法院 {s} 原告")
    assert cn is not None and (cn.value, cn.year, cn.type_code) == (value, year, code)


def test_procuratorate_numbers_are_not_case_numbers() -> None:
    assert find_case_number("沪奉检诉刑诉［2017］700号起诉书") is None


@pytest.mark.parametrize(
    ("s", "period", "rate"),
    [("月息2分", "month", 0.02), ("月利率1.5%", "month", 0.015), ("年利率24%", "year", 0.24),
     ("年息4.35%", "year", 0.0435), ("月利率为20‰", "month", 0.02),
     ("按日万分之二点一计算", "day", 0.00021), ("按日支付违约金20‰", "day", 0.02),
     ("月息二分", "month", 0.02)],
)
def test_interest(s: str, period: str, rate: float) -> None:
    [(r, _, _)] = find_interest_rates(s)
    assert (r.period, r.rate) == (period, rate)
    assert r.annual_rate == pytest.approx(rate * {"day": 365, "month": 12, "year": 1}[period])


def test_signature_flattened() -> None:
    t = "本一份。 审判长于长城人民陪审员郭艳玲人民陪审员王兆美 二〇一七年四月二十五日 书记员刘洋"
    s = find_signature(t)
    assert [(j.role, j.name) for j in s.judges] == [
        ("审判长", "于长城"), ("人民陪审员", "郭艳玲"), ("人民陪审员", "王兆美")]
    assert s.clerks == ["刘洋"] and s.date == "2017-04-25"
    # layout of a real criminal judgment's signature block, names replaced by invented ones
    t = "份。 审判员周明 二〇一八年五月十八日 法官助理陈静雅 书记员吴晓芳 孙丽 （附页） 本案"
    s = find_signature(t)
    assert [(j.role, j.name) for j in s.judges] == [("审判员", "周明"), ("法官助理", "陈静雅")]
    assert s.clerks == ["吴晓芳", "孙丽"]
