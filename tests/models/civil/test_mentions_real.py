"""The name extractors of document_mentions on the real assignment passages: what they return is a
person or organisation name as written, never a clause fragment (the real passages that broke
the first extractor: a date, 约定, 又/再, 以…方式, 受让债权后, 与原告签订… before or inside the name).
Names are not committed: the test reads the real texts and checks the shape of every name."""

from __future__ import annotations

import re

from benchmarks.bench_signs import real_texts
from jiandu.models.civil.operators.mentions_text import assignment_mentions, clean_name, guarantee_mentions
from tests.paths import REAL, needs_real

FRAGMENT = re.compile(r"\d{3,}|年|月|日|约定|方式|通过|受让|签订|又|再|已|作为|期间|的|将|与原告")


@needs_real
def test_assignors_in_real_passages_are_names() -> None:
    found = 0
    for _corpus, _doc_id, text in real_texts(REAL):
        for m in assignment_mentions(text):
            found += 1
            assert m.name is not None and text[m.span_start : m.span_end] == m.name
            assert not FRAGMENT.search(m.name), m.name
            assert clean_name(m.name) == m.name  # a name is a fixed point of the cleaner
    assert found >= 55  # 61 assignor mentions when measured (2026-12-03)


@needs_real
def test_guarantors_and_go_betweens_in_real_passages_are_names() -> None:
    kinds: dict[str, int] = {}
    for _corpus, _doc_id, text in real_texts(REAL):
        for m in guarantee_mentions(text):
            kinds[m.kind] = kinds.get(m.kind, 0) + 1
            assert m.name is not None and text[m.span_start : m.span_end] == m.name
            assert not FRAGMENT.search(m.name) and clean_name(m.name) == m.name, m.name
    assert kinds.get("guarantor", 0) >= 50 and kinds.get("introducer", 0) >= 2  # 56 and 2 measured


def test_guarantors_and_go_betweens_planted() -> None:
    text = (
        "2016年3月1日，被告周某向原告借款5万元，被告吴某自愿为该笔借款提供连带责任保证。"
        "其弟弟周某2作为担保人在借条上签字。借条载明：担保人：郑某。"
        "原告与被告经朋友介绍认识，借款系经被告公司业务员钱某介绍。被告对此一并提供担保。"
    )
    found = {(m.kind, m.name) for m in guarantee_mentions(text)}
    assert found == {
        ("guarantor", "吴某"),
        ("guarantor", "周某2"),
        ("guarantor", "郑某"),
        ("introducer", "钱某"),
    }


def test_clause_fragments_are_not_names() -> None:
    # shapes of the real passages, with invented names
    assert clean_name("2013年2月27日宏达公司又") == "宏达公司"
    assert clean_name("约定甲银行股份有限公司南京分行") == "甲银行股份有限公司南京分行"
    assert clean_name("张三丰受让债权后再") == "张三丰"
    assert clean_name("乙信用联社以公开拍卖的方式") == "乙信用联社"
    assert clean_name("丙公司受让债权后又于2012年10月30日") == "丙公司"
    assert clean_name("2013年2月27日丁控股有限公司与原告签订了债权转让合同") == "丁控股有限公司"
    assert clean_name("戊支行的上级行戊银行温州分行") == "戊银行温州分行"
    assert clean_name("李某1") == "李某1" and clean_name("王××") == "王××"
    for fragment in ("通过协商的方式", "约定", "在保证期间内", "并于2013年12月16日", "原债权银行"):
        assert clean_name(fragment) is None, fragment


def test_assignment_agreements_with_role_notes_or_the_plaintiff_first() -> None:
    # shapes of real passages (原告与交通银行签订《单户债权转让协议》), invented names
    first = assignment_mentions("2019年5月4日，王某（转让方）与原告（受让方）签订《债权转让合同》。")
    second = assignment_mentions(
        "2013年12月10日，原告与甲银行签订《单户债权转让协议》，甲银行将债权转让给原告。"
    )
    assert [(m.name, str(m.event_date)) for m in first] == [("王某", "2019-05-04")]
    assert [(m.name, str(m.event_date)) for m in second] == [("甲银行", "2013-12-10")]
