"""Relations and executions read from text (jiandu/models/civil/operators/docfacts_*.py).

Real passages are read from the shared real data at test time; each expectation was written by
reading the passage (party indices as the parser lists the parties; names only where the source
already masks them). Planted near misses check what must not be read as a relation or an
execution.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re

import pytest

from jiandu.documents.parser import parse_document
from jiandu.models.civil.operators import docfacts_relations
from jiandu.models.civil.operators.docfacts_executions import _SENTENCE, _sentences_with, execution_facts
from jiandu.models.civil.operators.docfacts_parties import Party
from jiandu.models.civil.operators.docfacts_relations import address_relations, relation_facts
from tests.paths import CAIL_SCM, CRIMINAL, needs_real


def parties_of(text: str) -> list[Party]:
    rec = parse_document(text)
    out = []
    for i, p in enumerate(rec.parties):
        span = rec.spans.get(f"parties.{i}.name")
        start, end = (span[0], span[1]) if span else (None, None)
        out.append(Party(i, p.name, p.side, p.role, p.kind, p.address, start, end))
    return out


def relations(text: str) -> set[tuple[int, str, int, float]]:
    ps = parties_of(text)
    return {
        (f.a, f.relation, f.b, f.confidence) for f in relation_facts(text, ps) + address_relations(text, ps)
    }


def _real(path: object, key: str, field: str) -> dict[str, str]:
    with open(str(path), encoding="utf-8") as handle:
        return {d["id"]: d[field] for d in map(json.loads, handle) if d["id"] in READ}


# id → relations read from the passage: (party a, what a is to b, party b, confidence)
READ = {
    "scm-0003": {(1, "spouse", 2, 0.9)},  # 被告崔某1、张某1系夫妻关系
    "scm-0013": {(1, "sibling", 2, 0.9)},  # 二被告系亲兄弟
    "scm-0051": {(0, "relative", 1, 0.7)},  # 原告施某1与被告丁某1系远亲关系
    "scm-0062": {(1, "spouse", 2, 0.7)},  # 被告陈某1与被告徐某1原系夫妻关系 (former)
    "scm-0074": {(1, "child", 0, 0.9)},  # 原告付某2 …（系原告付某1的儿子）
    "scm-0077": set(),  # 委托代理人…（系被告李某1之兄）: the agent's note, no relation of parties
    "scm-0115": {(1, "parent_child", 2, 0.9)},  # 被告胡某1、胡某2系父子关系
    "scm-0128": {(1, "parent_child", 2, 0.9)},  # 两被告系父女
    "scm-0147": {(2, "spouse", 1, 0.9)},  # 被告马某1，女，…，系被告闫某1之妻
    # 被告何某1与被告张某1系夫妻关系 (and the reverse wording); the agent (原告郝某1的丈夫) is not a party
    "scm-0171": {(2, "spouse", 1, 0.9), (1, "spouse", 2, 0.9)},
    "scm-0189": {(0, "colleague", 1, 0.7), (1, "spouse", 2, 0.9)},  # 同事关系; 夫妻关系
}


@needs_real
@pytest.mark.parametrize("doc_id", sorted(READ))
def test_relations_in_real_private_lending_texts(doc_id: str) -> None:
    texts = _real(CAIL_SCM, doc_id, "text")
    assert relations(texts[doc_id]) == READ[doc_id]


@needs_real
def test_refusal_to_execute_conviction_states_the_accused_was_a_judgment_debtor() -> None:
    with open(CRIMINAL, encoding="utf-8") as handle:
        text = next(d["full_text"] for d in map(json.loads, handle) if d["id"] == "judge-0053")
    ps = parties_of(text)
    facts = execution_facts(text, ps)
    # 被告人 (the accused) is the debtor; "万会民于2017年9月1日向法院申请强制执行"
    assert [(ps[f.respondent].role, f.filing_date, f.date_basis) for f in facts] == [
        ("被告人", dt.date(2017, 9, 1), "stated")
    ]


TOP = "浙江省绍兴市越城区人民法院\n民 事 判 决 书\n（2020）浙0602民初100号\n"
HEADER = TOP + (
    "原告王建明，男，1960年1月1日出生，汉族，住浙江省绍兴市越城区人民西路3号。\n"
    "委托诉讼代理人王小军，系原告之子。\n"
    "被告李丽，女，1962年2月2日出生，汉族，住浙江省绍兴市越城区人民西路5号。\n"
    "原告王建明与被告李丽民间借贷纠纷一案，本院于2020年3月2日立案后，依法适用简易程序进行了审理。\n"
)


@pytest.mark.parametrize(
    "body",
    [
        "",  # the agent's note in the header relates agent and plaintiff, not the parties
        "原告的委托诉讼代理人王小军系被告之子。",
        "经查询未能查到原、被告系夫妻关系。",
        "原告提交结婚证，欲证明原、被告系夫妻关系。",
        "原告与其朋友之妻系同事关系。",
        "原告与被告并非夫妻关系。",
    ],
)
def test_near_misses_are_not_relations(body: str) -> None:
    assert [p.name for p in parties_of(HEADER + body)] == ["王建明", "李丽"]
    assert relations(HEADER + body) == set()


def test_stated_relations_between_the_parties() -> None:
    assert relations(HEADER + "原、被告系夫妻关系。") == {(0, "spouse", 1, 0.9)}
    assert relations(HEADER + "原告王建明系被告李丽之父。") == {(0, "parent", 1, 0.9)}
    assert relations(HEADER + "原告自2015年起在被告处工作。") == {(0, "employee_of", 1, 0.8)}


WORK_AND_PRONOUN = {
    "原告王建明及其妻李丽共同向本院提出诉讼请求。": {(1, "spouse", 0, 0.9)},
    "被告李丽及其夫王建明，向原告借款。": {(0, "spouse", 1, 0.9)},
    "被告李丽曾在原告王建明处上班。": {(1, "employee_of", 0, 0.8)},
    "原告王建明在被告李丽公司工作期间。": {(0, "employee_of", 1, 0.8)},
    "原告王建明与其朋友在外地工作。": set(),
}


@pytest.mark.parametrize("body", sorted(WORK_AND_PRONOUN))
def test_work_and_pronoun_wordings(body: str) -> None:
    assert relations(HEADER + body) == WORK_AND_PRONOUN[body]


def _unhinted(text: str, monkeypatch: pytest.MonkeyPatch) -> set[tuple[int, str, int, float]]:
    """`relations` with the work and pronoun patterns run on every text, as before their hints."""
    with monkeypatch.context() as patched:
        for hint in ("_WORK_HINT", "_PRONOUN_HINT"):
            patched.setattr(docfacts_relations, hint, re.compile(""))
        return relations(text)


def test_the_hints_only_skip_texts_without_a_match(monkeypatch: pytest.MonkeyPatch) -> None:
    """A text without a hint has no match of its pattern (the hint is part of every match), so
    skipping it changes nothing: the same relations with and without the hints."""
    texts = [HEADER + body for body in WORK_AND_PRONOUN] + [HEADER + "原告在外地工作，其妻在家。"]
    for text in texts:
        assert relations(text) == _unhinted(text, monkeypatch)


@needs_real
def test_the_hints_change_nothing_on_the_real_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    with open(CAIL_SCM, encoding="utf-8") as handle:
        texts = [d["text"] for d in map(json.loads, handle)]
    assert len(texts) > 200
    assert [relations(t) for t in texts] == [_unhinted(t, monkeypatch) for t in texts]


PLAINTIFF_LINE = "原告王建明，男，1960年1月1日出生，汉族，住浙江省绍兴市越城区人民西路3号。\n"


@pytest.mark.parametrize(
    ("line", "read"),
    [
        ("被告李丽（王建明之妻），女，1962年2月2日出生。\n", (1, "spouse", 0, 0.9)),
        # the first note names no party; the next one, from the mark that closes it, does
        ("被告李丽，女，1962年出生，系案外人张三之妻，系原告王建明之妻。\n", (1, "spouse", 0, 0.9)),
        ("被告李丽，女，系张三之妻，原告王建明的女儿。\n", (1, "child", 0, 0.9)),
    ],
)
def test_a_party_lines_own_note(line: str, read: tuple[int, str, int, float]) -> None:
    assert relations(TOP + PLAINTIFF_LINE + line) == {read}


def test_same_street_address_and_surname_is_a_weak_relation() -> None:
    text = TOP + (
        "原告王建明，男，1960年1月1日出生，汉族，住浙江省绍兴市越城区人民西路3号。\n"
        "被告王建国，男，1962年2月2日出生，汉族，住址同上。\n"
        "第三人王芳，女，1970年3月3日出生，汉族，住浙江省绍兴市越城区。\n"
    )
    # 住址同上 is the plaintiff's street address; a district alone is not a street address
    assert relations(text) == {(0, "same_address_surname", 1, 0.5)}


def _executions(body: str, **kw: object) -> list[tuple[str, str, str | None, bool]]:
    text = HEADER + body
    ps = parties_of(text)
    facts = execution_facts(text, ps, **kw)  # type: ignore[arg-type]
    return [(f.kind, ps[f.respondent].name, f.case_number, f.listed_dishonest) for f in facts]


def test_execution_case_numbers_and_statements() -> None:
    judged = dt.date(2020, 6, 1)
    assert _executions(
        "另查明，被告李丽系本院（2019）浙0602执1234号案件的被执行人。", judgment_date=judged
    ) == [("cited_number", "李丽", "（2019）浙0602执1234号", False)]
    assert _executions("被告李丽系本院（2013）越民执字第12号案件的被执行人。", judgment_date=judged) == [
        ("cited_number", "李丽", "（2013）越民执字第12号", False)
    ]
    assert _executions(
        "被执行人李丽的财产已在（2020）浙0602执恢88号案件中被查封。", judgment_date=judged
    ) == [("cited_number", "李丽", "（2020）浙0602执恢88号", False)]
    assert _executions(
        "被告李丽因未履行本院（2018）浙0602民初55号民事判决确定的义务，已被列为失信被执行人。",
        judgment_date=judged,
    ) == [("statement", "李丽", None, True)]


@pytest.mark.parametrize(
    "body",
    [
        "如被告未按期履行，原告可以向本院申请强制执行。",
        "被告李丽并非本院执行案件的被执行人。",
        "原告王建明系本院（2019）浙0602执1234号案件的申请执行人。",
    ],
)
def test_execution_near_misses(body: str) -> None:
    assert _executions(body, judgment_date=dt.date(2020, 6, 1)) == []


def test_sentences_with_a_word_are_the_sentences_that_contain_it() -> None:
    """`_sentences_with` jumps from one occurrence of the word to the next; it yields exactly the
    sentences a scan of every sentence keeps (marks at either end, doubled, none at all)."""
    rng = random.Random(7)
    texts = [
        "",
        "执行",
        "。执行。",
        "；；执行\n执行",
        HEADER + "被告李丽系执行案件的被执行人。申请执行人参与分配；",
    ]
    texts += [
        "".join(rng.choice("执行参与分配。；;\n，甲") for _ in range(rng.randint(0, 40))) for _ in range(3000)
    ]
    for text in texts:
        for word in ("执行", "参与分配"):
            every = [(s.start(), s.end()) for s in _SENTENCE.finditer(text) if word in s.group(0)]
            assert [(s.start(), s.end()) for s in _sentences_with(text, word)] == every
