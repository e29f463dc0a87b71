"""Old-style case numbers (before 2016) name a court by its own abbreviation, not a province;
new-style numbers (from 2016) carry a court code. Read on the five real judgments and on the
ambiguous characters 新, 赣 and 京 in both styles."""

from __future__ import annotations

import pytest

from jiandu.documents import parse_document
from jiandu.documents.case_number import CaseNumberCourt, case_number_court, find_case_number

NEW, OLD = "new", "old"


# -- the real judgments (tests/paths.py: JIANDU_REAL_DATA) -----------------------------------

# document -> (case number, court as printed, style, court code, court abbreviation), read from
# the heading of each text
REAL = {
    "xiaoshan": ("（2009）萧民二初字第33号", "杭州市萧山区人民法院", OLD, None, "萧"),
    "qingcheng": ("（2014）庆城民初字第833号", "甘肃省庆城县人民法院", OLD, None, "庆城"),
    "ganxian": ("（2015）赣民二初字第87号", "江西省赣县人民法院", OLD, None, "赣"),
    "baohe": ("（2016）皖0111民初3584号", "安徽省合肥市包河区人民法院", NEW, "皖0111", None),
    "hukou": ("（2018）赣0429民初914号", "江西省湖口县人民法院", NEW, "赣0429", None),
}


@pytest.mark.parametrize("doc", sorted(REAL))
def test_real_judgments_say_what_their_numbers_say(civil_full: dict[str, str], doc: str) -> None:
    number, court, style, code, abbreviation = REAL[doc]
    text = civil_full[doc]
    record = parse_document(text)
    assert (record.case_number, record.court) == (number, court)
    assert case_number_court(record.case_number) == CaseNumberCourt(style, code, abbreviation)
    found = find_case_number(text)
    assert found is not None and found.value == number
    assert (found.style, found.court_code, found.court_abbreviation) == (style, code, abbreviation)


def test_ganxian_old_number_is_not_the_jiangxi_high_court(civil_full: dict[str, str]) -> None:
    # 赣 here is 赣县's abbreviation; a new-style 赣 alone would be the Jiangxi high court
    record = parse_document(civil_full["ganxian"])
    assert case_number_court(record.case_number).court_code is None
    assert case_number_court("（2018）赣民终100号") == CaseNumberCourt(NEW, "赣", None)


# -- ambiguous characters in both styles --------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        # 新: 新昌 / 新建 / 新都 ... in old numbers; the Xinjiang code only in new ones
        ("（2015）新民初字第5号", CaseNumberCourt(OLD, None, "新")),
        ("（2013）绍新民初字第1187号", CaseNumberCourt(OLD, None, "绍新")),
        ("（2017）新0102民初5号", CaseNumberCourt(NEW, "新0102", None)),
        ("（2019）新01民终88号", CaseNumberCourt(NEW, "新01", None)),
        # 赣: 赣县 before 2016; Jiangxi after
        ("（2015）赣民二初字第87号", CaseNumberCourt(OLD, None, "赣")),
        ("（2014）赣中民一终字第12号", CaseNumberCourt(OLD, None, "赣中")),
        ("（2018）赣0429民初914号", CaseNumberCourt(NEW, "赣0429", None)),
        # 京: a Beijing court's own abbreviation before 2016 (京 alone proves nothing); 京 = Beijing
        # high court, 京0105 = 朝阳 from 2016
        ("（2012）京民初字第1号", CaseNumberCourt(OLD, None, "京")),
        ("（2014）京高民终字第100号", CaseNumberCourt(OLD, None, "京高")),
        ("（2019）京民终1号", CaseNumberCourt(NEW, "京", None)),
        ("（2016）京0105民初100号", CaseNumberCourt(NEW, "京0105", None)),
        # the first year of the new rules is already new style
        ("（2016）皖0111民初3584号", CaseNumberCourt(NEW, "皖0111", None)),
        ("(2016)皖0111民初3584号", CaseNumberCourt(NEW, "皖0111", None)),
        ("（2017）最高法民申123号", CaseNumberCourt(NEW, "最高法", None)),
        ("（2019）浙0602执恢12号", CaseNumberCourt(NEW, "浙0602", None)),
        ("（2015）萧执字第5号", CaseNumberCourt(OLD, None, "萧")),
        # neither style: read nothing from the prefix
        ("（2016）浙0602民初字第5号", CaseNumberCourt(None, None, None)),  # 2016 written the old way
        ("（2014）浙0602民初5号", CaseNumberCourt(None, None, None)),  # new form before the rules
        ("（2017）萧民初5号", CaseNumberCourt(None, None, None)),  # no such court code
        ("", CaseNumberCourt(None, None, None)),
        (None, CaseNumberCourt(None, None, None)),
    ],
)
def test_what_a_case_number_says_about_its_court(number: str | None, expected: CaseNumberCourt) -> None:
    assert case_number_court(number) == expected


def test_find_case_number_in_running_text_keeps_its_type_and_year() -> None:
    cn = find_case_number("浙江省新昌县人民法院\n民事判决书\n（2015）绍新民初字第1187号\n原告")
    assert cn is not None
    assert (cn.value, cn.year, cn.type_code) == ("（2015）绍新民初字第1187号", 2015, "民初")
    assert (cn.style, cn.court_code, cn.court_abbreviation) == (OLD, None, "绍新")
