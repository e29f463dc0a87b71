"""The faster text operators give what the plain versions gave: shingle hashes, clause-limited
regex search, the loan-sign word filter and the wording clusters."""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiandu.models.civil.operators import claim_text as ct
from jiandu.models.civil.operators import claim_wording as cw
from jiandu.models.civil.operators import loan_signs as ls
from jiandu.models.civil.operators import mentions_text as om
from jiandu.models.civil.operators.loan_signs import document_signs, may_hold_loan_sign
from jiandu.models.civil.operators.wording_clusters import (
    MIN_DF_CAP,
    MIN_DOC_CAP,
    MIN_RARE_SHINGLES,
    NUM_PERM,
    SHINGLE,
    wording_clusters,
)
from jiandu.models.shingles import codepoints, collapse_runs, shingle_hash, shingle_ids, sorted_unique
from jiandu.models.textscan import anchored_finditer, clause_finditer

ALPHABET = "ab#某借款原告被告，。；元\n 1２ßΩé𠀋"


def test_shingle_ids_are_the_shingle_hash_of_every_window() -> None:
    rng = random.Random(1)
    texts = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 30))) for _ in range(500)]
    doc, ids = shingle_ids(texts, 5)
    expected = {(i, shingle_hash(t[j : j + 5])) for i, t in enumerate(texts) for j in range(len(t) - 4)}
    assert set(zip(doc.tolist(), ids.tolist(), strict=True)) == expected
    assert len(doc) == len(expected)
    assert shingle_ids([], 5)[0].size == 0


NUMBERISH = "0９.,，一十万两〇某元借#a" + "\n"


@given(st.lists(st.text(alphabet=NUMBERISH, max_size=30), max_size=8))
def test_collapse_runs_is_the_number_substitution(texts: list[str]) -> None:
    cp, lengths = collapse_runs(codepoints(texts), ct.DIGITS, ct.DIGIT_SEPARATORS, ct.NUMERALS, "#")
    got, at = [], 0
    for n in lengths.tolist():
        got.append("".join(map(chr, cp[at : at + n].tolist())))
        at += n
    assert at == len(cp)
    assert got == [ct.NUMBERS.sub("#", t) for t in texts]


def test_a_slice_is_shingled_as_its_normalised_claim_regions() -> None:
    rng = random.Random(7)
    texts, names = [], []
    for i in range(60):
        name = rng.choice(["张三", "李某1", "王某某", ""])
        body = "".join(rng.choice("借款元月日，。2０一十万") for _ in range(rng.randint(0, 60)))
        texts.append(
            f"原告{name}诉称：{body}“引用{i}”{body[::-1]}。本院认为，借条载明：“今借到{name}{body}元整”。"
        )
        names.append([name, "被告"])
    table = pa.table({"row": list(range(len(texts))), "text": texts, "names": names})
    part = cw._shingle_slice(table)
    for kind in cw._CLAIM_KINDS:
        rows, doc, ids = part[kind]
        expected = []
        for row in rows.tolist():
            start, end = cw._first_regions(texts[row])[kind]
            region = texts[row][start:end]
            if kind == "pleading":
                region = ct.QUOTE.sub("", region)
            expected.append(ct.normalised(region, names[row]))
        want_doc, want_ids = shingle_ids(expected, SHINGLE)
        assert len(rows) > 40  # short IOU quotes (under ten characters) are not regions
        assert doc.tolist() == want_doc.tolist() and ids.tolist() == want_ids.tolist()


def test_shingle_hash_spreads_near_identical_shingles() -> None:
    rng = random.Random(3)
    shingles = {"".join(rng.choice("借款原告被告某#元，。") for _ in range(5)) for _ in range(5000)}
    hashes = {shingle_hash(s) for s in shingles}
    assert len(hashes) == len(shingles)  # no collision among a few thousand similar shingles
    assert all(0 <= h < 2**32 for h in hashes)


def test_sorted_unique() -> None:
    values = np.random.default_rng(2).integers(0, 50, 1000).astype(np.uint64)
    assert sorted_unique(values).tolist() == np.unique(values).tolist()
    assert sorted_unique(values[:1]).tolist() == values[:1].tolist()


FRAGMENTS = [
    "张三所有的浙D12345号小型轿车",
    "李四所有的浙A1号车",
    "事故车辆由某某汽车维修有限公司进行修理",
    "车辆在某修理厂维修",
    "该车送至某店修理",
    "经某某保险公估有限公司评估",
    "经某某价格评估中心鉴定",
    "王五将其保险理赔款请求权转让给原告",
    "赵六将对被告享有的债权转让给原告",
    "2019年5月4日，宣某某将其对被告享有的债权依法转让予原告",
    "原告",
    "被告",
    "所有的",
    "号",
    "车",
    "修理",
    "经",
    "将",
    "，",
    "。",
    "；",
    "\n",
    ",",
    "甲乙",
]


@pytest.mark.parametrize("kind", sorted(om._CLAUSES))
def test_clause_finditer_matches_finditer(kind: str) -> None:
    regex = {
        "transfer": om._ASSIGN_TRANSFER,
        "insured_owner": om._OWNER,
        "repair_shop": om._SHOP,
        "appraiser": om._APPRAISER,
        "claim_assignor": om._CLAIM_ASSIGNED,
    }[kind]
    rng = random.Random(kind)
    for _ in range(1500):
        text = "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(0, 12)))
        plain = [(m.span(), m.groupdict()) for m in regex.finditer(text)]
        fast = [(m.span(), m.groupdict()) for m in clause_finditer(regex, text, *om._CLAUSES[kind])]
        assert fast == plain, text


GUARANTEE_FRAGMENTS = [
    "张某作为连带责任保证人",
    "李某自愿作为担保人",
    "王某为上述借款提供连带责任保证",
    "赵某为该笔借款提供了担保",
    "由被告孙某提供担保",
    "由案外人周某提供连带保证",
    "担保人：吴某",
    "保证人:郑某1",
    "被告钱某提供担保",
    "案外人冯某提供责任保证",
    "作为",
    "提供",
    "保证",
    "担保",
    "为",
    "由",
    "被告",
    "案外人",
    "某某公司",
    "，",
    "。",
    "；",
    "、",
    "\n",
    ",",
    "：",
]


def test_guarantor_searches_match_finditer() -> None:
    rng = random.Random(6)
    seen = 0
    for _ in range(3000):
        text = "".join(rng.choice(GUARANTEE_FRAGMENTS) for _ in range(rng.randint(0, 12)))
        for regex, (stops, needs) in zip(om._GUARANTOR, om._GUARANTOR_SEARCH, strict=True):
            plain = [(m.span(), m.groupdict()) for m in regex.finditer(text)]
            seen += bool(plain)
            found = [(m.span(), m.groupdict()) for m in om._searched(regex, text, stops, needs)]
            assert found == plain, (regex.pattern, text)
    assert seen > 1000


LOAN_FRAGMENTS = [
    "原告实际仅支付借款8000元",
    "借条系应原告要求按11000元出具",
    "其余2000元以现金方式交付但未能提供证据",
    "预先扣除首月利息1000元",
    "砍头息",
    "现金交付",
    "原告并非实际出借人",
    "款项系由案外人转账",
    "仅有借条而无其他证据",
    "借款人另有其人",
    "出借人系案外人",
    "借款人系案外人",
    "借款人：王某",
    "实际履行之日止",
    "实际",
    "收到",
    "被告借款10000元",
    "，",
    "。",
    "甲乙",
]


@pytest.mark.parametrize(
    "regex, clauses",
    [
        (ls._CASH_UNPROVEN_RE, ls._CASH_UNPROVEN_CLAUSES),
        (ls._NOT_LENDER_RE, ls._NOT_LENDER_CLAUSES),
    ],
)
def test_loan_sign_clauses_match_finditer(regex: re.Pattern[str], clauses: tuple) -> None:
    rng = random.Random(regex.pattern)
    pieces = [*LOAN_FRAGMENTS, "\n", ",", ";", "扣", "现金", "借条", "出借人", "借款人", "由第三人支付"]
    seen = 0
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        plain = [m.span() for m in regex.finditer(text)]
        seen += bool(plain)
        assert [m.span() for m in clause_finditer(regex, text, *clauses)] == plain, text
    assert seen > 100


def test_loan_signs_need_a_loan_sign_word() -> None:
    rng = random.Random(3)
    seen = 0
    for _ in range(2000):
        text = "".join(rng.choice(LOAN_FRAGMENTS) for _ in range(rng.randint(0, 8)))
        signs = document_signs(text)
        seen += bool(signs)
        if signs:
            assert may_hold_loan_sign(text), text
    assert seen > 100
    assert not may_hold_loan_sign("自2019年1月1日起计算至实际履行之日止，借款人：王某")


def _reference_clusters(
    texts: dict[str, str], authors: dict[str, str], threshold: float = 0.8
) -> dict[str, tuple[str, int, int]]:
    """wording_clusters as first written: one Python set per text, an LSH queried per key."""
    from datasketch import MinHash, MinHashLSH

    shingles = {k: {shingle_hash(t[i : i + 5]) for i in range(len(t) - 4)} for k, t in texts.items()}
    by_author: dict[str, set[int]] = defaultdict(set)
    for k, sh in shingles.items():
        by_author[authors.get(k) or k].update(sh)
    df: Counter[int] = Counter()
    for sh in by_author.values():
        df.update(sh)
    docs: Counter[int] = Counter()
    for sh in shingles.values():
        docs.update(sh)
    cap = max(MIN_DF_CAP, int(0.01 * len(by_author)))
    doc_cap = max(MIN_DOC_CAP, int(0.05 * len(shingles)))
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    hashes, rare_count = {}, {}
    for k in sorted(shingles):
        rare = [x for x in shingles[k] if df[x] <= cap and docs[x] <= doc_cap]
        if len(rare) < MIN_RARE_SHINGLES:
            continue
        mh = MinHash(num_perm=NUM_PERM, seed=1)
        mh.update_batch([x.to_bytes(4, "little") for x in rare])
        hashes[k], rare_count[k] = mh, len(rare)
        lsh.insert(k, mh)
    parent = {k: k for k in hashes}

    def find(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    for k, mh in hashes.items():
        for other in lsh.query(mh):
            a, b = find(k), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    members: dict[str, list[str]] = defaultdict(list)
    for k in hashes:
        members[find(k)].append(k)
    return {k: (min(g), len(g), rare_count[k]) for g in members.values() if len(g) > 1 for k in g}


def test_wording_clusters_match_the_reference() -> None:
    rng = random.Random(4)
    words = [chr(0x4E00 + i) for i in range(300)]
    forms = ["".join(rng.choice(words) for _ in range(rng.randint(40, 120))) for _ in range(12)]
    boiler = "原告诉称，被告向原告借款，至今未还，请求判令被告归还借款本金及利息。"
    texts, authors = {}, {}
    for i in range(700):
        key = f"d{i:04d}"
        if rng.random() < 0.4:  # a plaintiff's own form, lightly edited
            owner = rng.randrange(len(forms))
            cut = rng.randint(0, 10)
            tweak = "".join(rng.choice(words) for _ in range(rng.randint(0, 6)))
            texts[key] = boiler + forms[owner][cut:] + tweak
            authors[key] = f"owner{owner}" if rng.random() < 0.9 else ""
        else:
            texts[key] = boiler + "".join(rng.choice(words) for _ in range(rng.randint(0, 100)))
            authors[key] = f"p{rng.randint(0, 300)}"
    got = wording_clusters(texts, authors)
    assert got == _reference_clusters(texts, authors)
    assert len({cid for cid, _, _ in got.values()}) > 3
    assert wording_clusters({}, {}) == {}


def test_anchored_finditer_matches_finditer() -> None:
    rng = random.Random(5)
    pieces = [
        "借条载明：“",
        "欠条内容为“",
        "借据上写明，“",
        "借款协议约定“",
        "借条",
        "”",
        "甲乙丙丁戊己庚辛",
        "。",
    ]
    seen = 0
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        plain = [m.span("q") for m in ct.IOU_QUOTE.finditer(text)]
        seen += bool(plain)
        assert [m.span("q") for m in anchored_finditer(ct.IOU_QUOTE, text, ct.IOU_WORDS)] == plain
    assert seen > 100
