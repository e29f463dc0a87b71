"""civil.debt_assignment_after_listing on a hand-built county, on DuckDB and Spark; and the
assignor extractor on its own.

Positives
  宣龙华      listed 2019-07-20, assigns to his wife on 2021-05-29 and joins as 第三人 (masked 宣某,
              identified through the party line's birth date) → red
  盛世服饰    a listed company assigns a claim 198 days after listing (full name in the text)
  宋丽娟      masked 宋某某 in the text, the only three-character 宋 on the court's list
  郑建军      masked 郑某; two 郑 on the court's list, but the other was listed only after the
              assignment: identified by the listing in force (weakest certainty) → yellow
Near misses (no clue)
  沈佳        assigned 2018-12-30, listed only 2019-07-11
  鉴湖银行    a bank sells a loan to an asset manager; never listed
  陈红燕      listed 2017-12-11, removed 2018-05-28, assigns 2018-10-10
  金某        masked; two 金 on the court's list, both listed on the assignment date, and no
              relation to the assignee: not identified
  韩某        masked; two 韩 on the court's list, neither listed on the assignment date
"""

from __future__ import annotations

import datetime as dt

from jiandu.engines.base import Engine
from jiandu.models.civil.operators.mentions_text import assignment_mentions
from tests.models.civil.collusion_support import (
    KEQIAO,
    YUECHENG_SHORT,
    County,
    Doc,
    Org,
    Person,
    check_evidence,
    run_models,
    summary,
)

MODEL = "civil.debt_assignment_after_listing"

XUAN = Person("宣龙华", dt.date(1942, 3, 31), True, 41)
FU = Person("傅琳静", dt.date(1942, 6, 24), False, 42)
SHEN_D = Person("沈美", dt.date(1992, 11, 18), False, 43)
SHENGSHI = Org("绍兴盛世服饰股份有限公司", 3)
ZHANG = Person("张雅小", dt.date(1939, 1, 8), False, 44)
QIAN = Person("钱芳芳", dt.date(1998, 12, 26), False, 45)
SONG = Person("宋丽娟", dt.date(1962, 11, 11), False, 46)
SONG_2 = Person("宋亮", dt.date(1960, 2, 2), True, 47)  # two characters: not a 宋某某
ASSIGNEE = Org("绍兴锦程汇贸易有限公司", 4)
SHEN_J = Person("沈佳", dt.date(1970, 10, 24), False, 48)
BANK = Org("绍兴鉴湖农村商业银行股份有限公司柯桥支行", 5, type="bank")
AMC = Org("浙江越兴资产管理有限公司", 6, type="amc")
CHEN = Person("陈红燕", dt.date(1979, 2, 26), False, 49)
CHEN_X = Person("陈祥刚", dt.date(1975, 10, 16), True, 50)
JIN_A = Person("金建国", dt.date(1965, 1, 1), True, 51)
JIN_B = Person("金伟", dt.date(1966, 2, 2), True, 52)
WU = Person("吴小燕", dt.date(1980, 3, 3), False, 53)
BORROWER = Person("周某某", dt.date(1975, 4, 26), False, 54)
ZHENG_A = Person("郑建军", dt.date(1968, 5, 5), True, 55)
ZHENG_B = Person("郑丽", dt.date(1971, 6, 6), False, 56)
HAN_A = Person("韩强", dt.date(1966, 7, 7), True, 57)
HAN_B = Person("韩梅", dt.date(1969, 8, 8), False, 58)
TAO = Person("陶小红", dt.date(1983, 9, 9), False, 59)


def assigned_suit(
    number: str,
    plaintiff: Person | Org,
    written_p: str,
    assignor_written: str,
    when: dt.date,
    *,
    third_party: Person | Org | None = None,
    third_written: str | None = None,
    court: str = YUECHENG_SHORT,
) -> Doc:
    doc = Doc(
        number,
        court=court,
        filing=when + dt.timedelta(days=60),
        judgment=when + dt.timedelta(days=100),
        principal=389_000.0,
    )
    doc.party("原告", "plaintiff", plaintiff, written_p).party("被告", "defendant", BORROWER, "周某")
    if third_party is not None:
        doc.party("第三人", "third_party", third_party, third_written)
    doc.line(
        f"原告{written_p}向本院提出诉讼请求：判令被告周某归还借款389000元。事实和理由：2020年7月17日，被告周某因资金"
        f"周转向{assignor_written}借款389000元，被告向原告出具借条一份。{when.year}年{when.month}月{when.day}日，"
        f"{assignor_written}与原告签订《债权转让协议》，将其对被告享有的上述债权（含本金及利息）全部转让给原告，"
        "并于同月书面通知了被告。"
    )
    return doc


def county() -> County:
    c = County()
    c.household("H1", XUAN, FU, spouses=((XUAN, FU),))
    c.household("H2", SHEN_D, ZHANG, QIAN, SONG, SONG_2, SHEN_J, address="浙江省绍兴市越城区东街1号")
    c.household("H3", CHEN, CHEN_X, spouses=((CHEN, CHEN_X),), address="浙江省绍兴市越城区西街2号")
    c.household("H4", JIN_A, JIN_B, WU, BORROWER, address="浙江省绍兴市越城区南街3号")
    c.household("H5", ZHENG_A, ZHENG_B, HAN_A, HAN_B, address="浙江省绍兴市越城区北街4号")
    c.household("H6", TAO, address="浙江省绍兴市越城区中街5号")
    for org in (SHENGSHI, ASSIGNEE, BANK, AMC):
        c.company(org)
    # positives
    c.listing(XUAN, "（2019）浙0602执2313号", dt.date(2019, 7, 20))
    c.add(
        assigned_suit(
            "（2021）浙0602民初3122号",
            FU,
            "傅某",
            "宣某",
            dt.date(2021, 5, 29),
            third_party=XUAN,
            third_written="宣某",
        )
    )
    c.listing(SHENGSHI, "（2018）浙0602执954号", dt.date(2018, 12, 3))
    c.add(assigned_suit("（2019）浙0602民初4974号", ZHANG, "张某某", SHENGSHI.name, dt.date(2019, 6, 19)))
    c.listing(SONG, "（2019）浙0602执4320号", dt.date(2019, 8, 5))
    c.listing(SONG_2, "（2019）浙0602执4321号", dt.date(2019, 8, 6))
    c.add(assigned_suit("（2020）浙0602民初8098号", ASSIGNEE, ASSIGNEE.name, "宋某某", dt.date(2020, 8, 5)))
    c.listing(ZHENG_A, "（2019）浙0602执700号", dt.date(2019, 3, 1))
    c.listing(ZHENG_B, "（2020）浙0602执701号", dt.date(2020, 9, 1))  # after the assignment
    c.add(assigned_suit("（2020）浙0602民初9100号", TAO, "陶某某", "郑某", dt.date(2020, 5, 10)))
    # near misses
    c.listing(SHEN_J, "（2019）浙0602执5774号", dt.date(2019, 7, 11))
    c.add(assigned_suit("（2019）浙0602民初1461号", QIAN, "钱芳芳", "沈佳", dt.date(2018, 12, 30)))
    c.add(
        assigned_suit("（2017）浙0603民初8098号", AMC, AMC.name, BANK.name, dt.date(2017, 1, 9), court=KEQIAO)
    )
    c.listing(CHEN, "（2017）浙0602执3835号", dt.date(2017, 12, 11), removed=dt.date(2018, 5, 28))
    c.add(assigned_suit("（2018）浙0602民初4975号", CHEN_X, "陈祥刚", "陈红燕", dt.date(2018, 10, 10)))
    c.listing(JIN_A, "（2019）浙0602执1号", dt.date(2019, 1, 5))
    c.listing(JIN_B, "（2019）浙0602执2号", dt.date(2019, 2, 5))
    c.add(assigned_suit("（2020）浙0602民初9000号", WU, "吴某", "金某", dt.date(2020, 3, 1)))
    c.listing(HAN_A, "（2018）浙0602执800号", dt.date(2018, 1, 5), removed=dt.date(2018, 9, 1))
    c.listing(HAN_B, "（2021）浙0602执801号", dt.date(2021, 2, 5))
    c.add(assigned_suit("（2020）浙0602民初9200号", TAO, "陶某某", "韩某", dt.date(2020, 6, 1)))
    return c


def test_assignor_mentions_read_name_date_and_span() -> None:
    text = (
        "事实和理由：2016年2月3日，被告钱某某因资金周转向绍兴市越城区蓝海贸易有限公司借款699000元。"
        "2017年4月18日，绍兴市越城区蓝海贸易有限公司与原告签订《债权转让协议》，将其对被告享有的上述债权全部转让给原告。"
        "本院经审理认定事实如下：2017年4月18日，绍兴市越城区蓝海贸易有限公司与原告签订《债权转让协议》。"
    )
    (m,) = assignment_mentions(text)
    assert (m.kind, m.name, m.event_date) == (
        "assignor",
        "绍兴市越城区蓝海贸易有限公司",
        dt.date(2017, 4, 18),
    )
    assert text[m.span_start : m.span_end] == m.name
    (m,) = assignment_mentions(
        "2019年12月29日，宣某2与原告签订《债权转让协议》，将其对被告享有的债权转让给原告。"
    )
    assert (m.name, m.event_date) == ("宣某2", dt.date(2019, 12, 29))
    (m,) = assignment_mentions("案外人李明将其对被告享有的借款债权转让给原告，并通知了被告。")
    assert (m.name, m.event_date) == ("李明", None)
    # an insurance claim assigned to the plaintiff is not a debt assignment
    assert assignment_mentions("宣根良将上述保险理赔款请求权转让给原告，并通知了被告。") == []


def test_debt_assignment_positives_and_near_misses(engine: Engine) -> None:
    county().load(engine)
    clues = run_models(engine, MODEL)
    assert summary(clues) == [
        (XUAN.key, "宣龙华", 97.78, "red"),
        (SONG.key, "宋丽娟", 71.78, "yellow"),  # identified by surname only (0.7), not related
        (ZHENG_A.key, "郑建军", 65.78, "yellow"),  # 436 days (1), unrelated, certainty 0.4, 389k (0.778)
        (SHENGSHI.key, "绍兴盛世服饰股份有限公司", 73.2, "yellow"),  # 198 days, assignee not related
    ]  # not 沈佳 (listed after), 鉴湖银行 (never listed), 陈红燕 (removed), 金某 (two candidates),
    # 韩某 (neither candidate listed on the assignment date)
    by_key = {c["subject"]["key"]: c for c in clues}
    xuan = by_key[XUAN.key]
    text = xuan["explanation"]
    assert "（2021）浙0602民初3122号" in text and "“宣某”" in text and "同案当事人（第三人）身份信息" in text
    assert "2019-07-20" in text and "已失信679天" in text and "配偶" in text
    check_evidence(engine, xuan)
    labels = {(e["source"], e["label"]) for e in xuan["evidence"]}
    assert {
        ("document_mentions", "债权转让人"),
        ("parties", "受让人（原告）"),
        ("parties", "第三人"),
    } <= labels
    assert ("dishonest_debtors", "失信被执行人名单：（2019）浙0602执2313号") in labels and (
        "person_relations",
        "转让人与受让人关联",
    ) in labels
    mention = next(e for e in xuan["evidence"] if e["label"] == "债权转让人")
    assert mention["text"] == "宣某" and mention["case_number"] == "（2021）浙0602民初3122号"
    assert "同一法院同姓失信人唯一" in by_key[SONG.key]["explanation"]
    assert "唯一在转让日处于失信期间者（隐名，须调卷核实转让人身份）" in by_key[ZHENG_A.key]["explanation"]
    assert "（同院同姓失信候选2人）" in by_key[ZHENG_A.key]["explanation"]
    assert "候选" not in xuan["explanation"]  # identified as a party: no namesakes to count
    check_evidence(engine, by_key[SONG.key])
