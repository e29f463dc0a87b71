"""civil.collusive_debt_evasion on a hand-built county, on DuckDB and Spark.

Positives
  陈梅素  in execution and listed; her husband's 2,000,000 claim is mediated in 7 days, cash
          delivery; he then joins the distribution of her seized assets → red
  李海磊  in execution (not listed); an employee of his company (employment + company
          registers) gets a 590,000 mediation in 37 days and joins the distribution → yellow
Near misses (no clue)
  陈红燕  her husband's contested loan, no execution against her
  周浩平  in execution, but sued by an unrelated creditor in a contested case
  赵阿杰  his brother's mediation comes before his first execution case
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jiandu.engines import open_engine
from jiandu.engines.base import Engine
from jiandu.models.civil.operators.mentions_text import defence_mentions
from jiandu.models.civil.operators.register_keys import PartyRegisterKeys
from tests.models.civil.collusion_support import (
    YUECHENG_SHORT,
    County,
    Doc,
    Org,
    Person,
    check_evidence,
    run_models,
    summary,
)

MODEL = "civil.collusive_debt_evasion"

CHEN = Person("陈梅素", dt.date(1972, 9, 15), False, 11)
WANG = Person("王建坤", dt.date(1973, 7, 9), True, 12)
LI = Person("李海磊", dt.date(1953, 12, 27), True, 13)
LI_XUE = Person("李雪", dt.date(1975, 3, 28), False, 14)
CHEN_HY = Person("陈红燕", dt.date(1980, 6, 14), False, 15)
QIU = Person("裘平林", dt.date(1978, 6, 20), True, 16)
ZHOU = Person("周浩平", dt.date(1984, 7, 31), True, 17)
ZHOU_J = Person("马佳娟", dt.date(1971, 7, 24), False, 18)
ZHAO = Person("赵阿杰", dt.date(1960, 1, 11), True, 19)
ZHAO_B = Person("赵阿明", dt.date(1962, 5, 2), True, 20)
ZHAO_F = Person("赵大根", dt.date(1935, 3, 3), True, 21)
CREDITOR = Org("绍兴润达印染有限公司", 1)
HONGDA = Org("绍兴宏达机械制造股份有限公司", 2, legal_rep=LI)

LOAN = "事实和理由：被告因经营需要向原告借款，约定借款期限一年，被告向原告出具借条一份。"


def suit(
    number: str, plaintiff: Person, written_p: str, defendant: Person, written_d: str, **kw: object
) -> Doc:
    doc = Doc(number, **kw)  # type: ignore[arg-type]
    doc.party("原告", "plaintiff", plaintiff, written_p).party("被告", "defendant", defendant, written_d)
    doc.line(f"原告{written_p}与被告{written_d}民间借贷纠纷一案，本院立案后依法适用简易程序进行了审理。")
    doc.line(f"原告{written_p}向本院提出诉讼请求：判令被告{written_d}归还借款。{LOAN}")
    return doc


def county() -> County:
    c = County()
    c.household("H1", CHEN, WANG, spouses=((CHEN, WANG),))
    c.household("H2", LI, address="浙江省新昌县人民路2号")
    c.household("H3", LI_XUE, address="浙江省新昌县人民路9号")
    c.household("H4", CHEN_HY, QIU, spouses=((CHEN_HY, QIU),))
    c.household("H5", ZHOU, address="浙江省绍兴市越城区中兴路5号")
    c.household("H6", ZHOU_J, address="浙江省绍兴市越城区中兴路8号")
    c.household("H7", ZHAO_F, ZHAO, ZHAO_B, father=ZHAO_F)
    c.company(CREDITOR)
    c.company(HONGDA)
    c.row(
        "employment",
        person_id=LI_XUE.key,
        name=LI_XUE.name,
        employer_credit_code=HONGDA.key,
        employer_name=HONGDA.name,
        start_date=dt.date(2017, 1, 1),
        job="财务",
    )

    # 陈梅素: execution 2017-07-08, listed 2017-08-01; husband's mediation in 7 days, distribution.
    c.execution("（2017）浙0602执4674号", dt.date(2017, 7, 8), CREDITOR, CHEN)
    c.listing(CHEN, "（2017）浙0602执4674号", dt.date(2017, 8, 1))
    d = suit(
        "（2017）浙0602民初6412号",
        WANG,
        "王建坤",
        CHEN,
        "陈某",
        filing=dt.date(2017, 9, 1),
        judgment=dt.date(2017, 9, 8),
        principal=2_000_000.0,
    )
    d.flag("cash_delivery", "原告称借款已以现金方式全额交付。")
    d.flag("mediation", "本案审理过程中，经本院主持调解，当事人自愿达成如下协议：")
    c.add(d)
    c.execution(
        "（2017）浙0602执808号",
        dt.date(2017, 9, 20),
        WANG,
        CHEN,
        basis="（2017）浙0602民初6412号",
        distribution_from="（2017）浙0602执4674号",
    )
    ruling = Doc(
        "（2017）浙0602执808号",
        type_code="执",
        title="执行裁定书",
        filing=dt.date(2017, 9, 20),
        judgment=dt.date(2018, 2, 1),
    )
    ruling.party("申请执行人", "applicant", WANG, "王某").party("被执行人", "respondent", CHEN, "陈某")
    ruling.line("申请执行人王某申请参与分配本院在（2017）浙0602执4674号案件中查封的被执行人陈某的房产。")
    c.add(ruling)

    # 李海磊: execution 2020-03-03 (not listed); employee's mediation in 37 days, distribution.
    c.execution("（2020）浙0602执2073号", dt.date(2020, 3, 3), CREDITOR, LI)
    d = suit(
        "（2020）浙0602民初2019号",
        LI_XUE,
        "李××1",
        LI,
        "李××2",
        filing=dt.date(2020, 5, 5),
        judgment=dt.date(2020, 6, 11),
        principal=590_000.0,
    )
    d.flag("mediation", "本案审理过程中，经本院主持调解，当事人自愿达成如下协议：")
    c.add(d)
    c.execution(
        "（2020）浙0602执380号",
        dt.date(2020, 7, 21),
        LI_XUE,
        LI,
        basis="（2020）浙0602民初2019号",
        distribution_from="（2020）浙0602执2073号",
    )

    # near miss: husband's contested loan, no execution against 陈红燕
    d = suit(
        "（2019）浙0602民初100号",
        QIU,
        "裘××",
        CHEN_HY,
        "陈××",
        filing=dt.date(2019, 3, 1),
        judgment=dt.date(2019, 5, 10),
        principal=200_000.0,
    )
    d.line("被告陈××辩称：借款属实，但被告已归还部分利息，应予扣除。")
    c.add(d)

    # near miss: 周浩平 in execution, unrelated creditor, contested, 80 days
    c.execution("（2018）浙0602执100号", dt.date(2018, 2, 1), CREDITOR, ZHOU)
    c.listing(ZHOU, "（2018）浙0602执100号", dt.date(2018, 3, 1))
    d = suit(
        "（2018）浙0602民初200号",
        ZHOU_J,
        "马某",
        ZHOU,
        "周某",
        filing=dt.date(2018, 6, 1),
        judgment=dt.date(2018, 8, 20),
        principal=150_000.0,
    )
    d.line("被告周某辩称：借款属实，但双方约定的利率过高，超出法律保护部分的利息应予扣除。")
    c.add(d)

    # near miss: brother's mediation before 赵阿杰's first execution case
    d = suit(
        "（2017）浙0602民初300号",
        ZHAO_B,
        "赵某1",
        ZHAO,
        "赵某2",
        filing=dt.date(2017, 3, 1),
        judgment=dt.date(2017, 3, 25),
        principal=300_000.0,
    )
    d.flag("mediation", "本案审理过程中，经本院主持调解，当事人自愿达成如下协议：")
    c.add(d)
    c.execution("（2018）浙0602执300号", dt.date(2018, 1, 10), CREDITOR, ZHAO)
    c.listing(ZHAO, "（2018）浙0602执300号", dt.date(2018, 2, 10))
    return c


def test_collusive_suits_positives_and_near_misses(engine: Engine) -> None:
    county().load(engine)
    clues = run_models(engine, MODEL)
    assert summary(clues) == [
        # not listed (0.8·2), employee (0.8·4), mediated (1·3) in 37 days (0.5·1), joins the
        # distribution (1·3), 590,000 of 1,000,000 (0.59·1), no cash, execution and employment
        # in registers (1·1): 12.89 / 16
        (LI.key, "李海磊", 80.56, "yellow"),
        (CHEN.key, "陈梅素", 100.0, "red"),
    ]  # no clue for 陈红燕 (no execution), 周浩平 (unrelated, contested), 赵阿杰 (before execution)
    by_key = {c["subject"]["key"]: c for c in clues}
    chen = by_key[CHEN.key]
    assert chen["subject"]["type"] == "person"
    text = chen["explanation"]
    assert "（2017）浙0602民初6412号" in text and "王建坤" in text and "历时7天" in text
    assert "配偶" in text and "（2017）浙0602执4674号" in text and "参与分配：（2017）浙0602执4674号" in text
    assert "风险分 100.0（红色）" in text
    check_evidence(engine, chen)
    labels = {(e["source"], e["label"]) for e in chen["evidence"]}
    assert {
        ("parties", "原告"),
        ("parties", "被告（被执行人）"),
        ("flags", "调解"),
        ("flags", "现金交付"),
    } <= labels
    assert ("dishonest_debtors", "失信被执行人名单：（2017）浙0602执4674号") in labels
    assert ("person_relations", "原被告关联") in labels
    assert ("execution_cases", "原告事后申请执行：（2017）浙0602执808号") in labels
    assert ("execution_cases", "裁判前已有执行案件：（2017）浙0602执4674号") in labels
    assert ("parties", "原告申请执行的执行文书") in labels  # the published distribution ruling
    quoted = {e["text"] for e in chen["evidence"] if e["kind"] == "document"}
    assert {"王建坤", "陈某", "王某"} <= quoted

    li = by_key[LI.key]
    assert "原告受雇于被告任法定代表人的公司" in li["explanation"] and "历时37天" in li["explanation"]
    assert "失信名单：未列入" in li["explanation"]
    check_evidence(engine, li)


def test_masked_parties_match_one_register_person_only(tmp_path: Path) -> None:
    # DuckDB only: the same operator SQL runs on Spark in the test above
    twin_a = Person("张伟", dt.date(1980, 1, 1), True, 31)
    twin_b = Person("张强", dt.date(1980, 1, 1), True, 32)
    c = County()
    c.household("H1", twin_a, twin_b)
    c.household("H2", WANG)
    d = Doc("（2019）浙0602民初9号", court=YUECHENG_SHORT)
    d.party("原告", "plaintiff", twin_a, "张某").party("被告", "defendant", WANG, "王某")
    d.party("第三人", "third_party", twin_b, "张强")
    c.add(d)
    engine = open_engine("duckdb", tmp_path)
    try:
        c.load(engine)
        PartyRegisterKeys().run(engine)
        rows = engine.rows(
            "SELECT party_idx, register_key, method, candidates FROM party_register_keys ORDER BY party_idx"
        )
    finally:
        engine.close()
    assert rows == [
        # 张某: two men born on 1980-01-01 with that surname — never guessed
        {"party_idx": 0, "register_key": None, "method": "ambiguous", "candidates": 2},
        {"party_idx": 1, "register_key": WANG.key, "method": "surname_sex_birth", "candidates": 1},
        {"party_idx": 2, "register_key": twin_b.key, "method": "name_sex_birth", "candidates": 1},
    ]


def test_defence_mentions_class_the_answer() -> None:
    text = (
        "被告周某辩称：借款属实，但双方约定的利率过高，超出部分应予扣除。"
        "被告王某某辩称：对原告主张的借款事实及金额均无异议，愿意归还。"
        "被告绍兴恒通贸易有限公司辩称：原告并非实际出借人。"
    )
    found = [(m.name, m.value, text[m.span_start : m.span_end][:8]) for m in defence_mentions(text)]
    assert found == [
        ("周某", "admits_partly", "被告周某辩称：借"),
        ("王某某", "admits_all", "被告王某某辩称："),
        ("绍兴恒通贸易有限公司", "contests", "被告绍兴恒通贸易"),
    ]
