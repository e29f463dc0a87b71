"""Passport and permit numbers (护照、港澳通行证、台湾通行证、回乡证、台胞证) are masked by the one
definition in `jiandu.privacy.rules`, in Python and SQL alike, in the forms people write them;
near misses (case numbers, plates, credit codes, VINs, invoice numbers, amounts, dates, car
models) are kept."""

from __future__ import annotations

import re

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiandu.privacy import (
    DOCUMENT_RULES,
    mask_addresses,
    mask_document_number,
    mask_documents,
    mask_numbers,
    mask_text,
)
from jiandu.privacy.rules import DocumentRule
from jiandu.privacy.sql import mask_sql, register_duckdb

# The attacker's numbers, written here independently of the rules: (what a reader must not
# recover, the number as written after a context that names or does not name the document).
NUMBERS = [
    ("E12345678", "E12345678"),  # 普通护照 (electronic)
    ("EA1234567", "EA1234567"),  # 普通护照, E series exhausted
    ("G12345678", "G12345678"),  # 普通护照 2006–2012
    ("SE1234567", "SE1234567"),  # 公务护照
    ("DE1234567", "DE1234567"),  # 外交护照
    ("PE1234567", "PE1234567"),  # 公务普通护照
    ("D12345678", "D12345678"),
    ("S12345678", "S12345678"),
    ("P1234567", "P1234567"),
    ("C12345678", "C12345678"),  # 往来港澳通行证 (card)
    ("W12345678", "W12345678"),  # 往来港澳通行证 (booklet)
    ("L12345678", "L12345678"),  # 往来台湾通行证 (card)
    ("H12345678", "H12345678"),  # 回乡证 (card)
    ("M1234567890", "M1234567890"),  # 回乡证 (booklet, 8 + 2)
    ("H123456789", "H123456789"),
]
LABELLED = [
    ("141234567", "护照号码：141234567"),  # old 因私护照
    ("151234567", "普通护照 151234567"),
    ("12345678", "往来台湾通行证 12345678"),
    ("87654321", "台胞证号码87654321"),
    ("0312345678", "台胞证：0312345678(B)"),  # old 台胞证 with its bracketed letter
    ("0312345678", "台湾居民来往大陆通行证（台胞证）0312345678（B）"),
]
FULL = str.maketrans("0123456789ABCDEGHLMPSW", "０１２３４５６７８９ＡＢＣＤＥＧＨＬＭＰＳＷ")
_STRIP = re.compile("[\\s\u200b\u200c\u200d\u2060\ufeff\u00ad\\-－—]")


def recovered(text: str) -> str:
    """What a reader gets: separators dropped, full-width read as ASCII, upper case."""
    return _STRIP.sub("", text).translate(str.maketrans("０１２３４５６７８９", "0123456789")).upper()


STYLES = {
    "plain": lambda n: n,
    "lower case": str.lower,
    "full-width": lambda n: n.translate(FULL),
    "zero-width": lambda n: "\u200b".join(n),
    "spaced": lambda n: n[:1] + " " + n[1:5] + " " + n[5:],
    "hyphens": lambda n: n[:5] + "-" + n[5:],
}
CONTEXTS = [
    ("证件：普通护照 ", "。"),
    ("持", "号护照出境"),
    ("", ""),
    ("（", "）"),
    ("护照", "，2019年签发"),
    ("证件号", " 2019年"),
    ("乘机证件", "一本"),
]


@pytest.mark.parametrize("rule", DOCUMENT_RULES, ids=lambda r: r.name)
def test_each_rule_masks_its_documented_example(rule: DocumentRule) -> None:
    assert mask_text(rule.example) == rule.masked_example


@pytest.mark.parametrize(("secret", "number"), NUMBERS)
@pytest.mark.parametrize("style", list(STYLES), ids=str)
@pytest.mark.parametrize(("before", "after"), CONTEXTS)
def test_lettered_numbers_never_survive(
    secret: str, number: str, style: str, before: str, after: str
) -> None:
    text = f"{before}{STYLES[style](number)}{after}"
    masked = mask_text(text)
    assert len(masked) == len(text)
    assert secret not in recovered(masked) and secret[1:] not in recovered(masked), (text, masked)
    assert mask_text(masked) == masked


@pytest.mark.parametrize(("secret", "text"), LABELLED)
def test_labelled_numbers_never_survive(secret: str, text: str) -> None:
    masked = mask_text(text)
    assert len(masked) == len(text) and secret not in recovered(masked), masked


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("证件：普通护照 E12345678", "证件：普通护照 E1*****78"),
        ("港澳通行证C12345678、W12345678", "港澳通行证C1*****78、W1*****78"),
        ("回乡证H0123456789", "回乡证H0*******89"),  # not read as a landline first
        ("台胞证号码：0312345678(B)", "台胞证号码：03******78(B)"),
        ("护照E1234 5678 2019年签发", "护照E1*** **78 2019年签发"),
        ("身份证330602198001011234，护照E12345678", "身份证330602********1234，护照E1*****78"),
    ],
)
def test_written_forms(text: str, expected: str) -> None:
    assert mask_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "（2022）浙0681执1568号",
        "（2023）浙0602民初1234号之一",
        "［2018］K37152300000020180605号",
        "车牌号浙D12345，新能源车浙AD12345、浙A12345D",
        "统一社会信用代码91330600MA2B3C4D5E",
        "统一社会信用代码91330600H12345678X",
        "车架号LSVAU2180N2183846、LSGPC52U0EF123456",
        "发票代码033001900111，发票号码12345678",
        "借款12345678元，利息E类",
        "比亚迪E5 2019款，荣威E50，传祺GS8，东风H30，E5 12345678",
        "护照办理费用12345678元",
        "台湾通行证，有效期至2023-01-01",
        "往来台湾通行证 2019-05-01签发",
        "产品型号ABCE12345678，批号E12345678X",
        "2023年1月1日，港澳通行证已注销",
    ],
)
def test_near_misses_are_kept(text: str) -> None:
    assert mask_documents(text) == text
    assert mask_text(text) == mask_addresses(mask_numbers(text))  # the document rules add nothing


def test_a_document_number_column_is_masked_whatever_its_form() -> None:
    assert mask_document_number("E12345678") == "E1*****78"
    assert mask_document_number("K12345678") == "K1*****78"  # a Hong Kong passport: no text rule
    assert mask_document_number("AB12") == "****"


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([n for _, n in NUMBERS]),
    st.sampled_from(list(STYLES)),
    st.text(alphabet=st.sampled_from("证件护照号码通行证：:，。 （）持乘机出境\n一本年"), max_size=10),
    # no digit or Latin letter glued after it: E123456780 is another number, not a passport
    st.text(alphabet=st.sampled_from("证件护照号码：:，。 （）出境\n一本年"), max_size=10),
)
def test_any_context_never_reveals_a_lettered_number(
    number: str, style: str, before: str, after: str
) -> None:
    text = before + STYLES[style](number) + after
    masked = mask_text(text)
    assert len(masked) == len(text)
    assert number not in recovered(masked) and number[2:] not in recovered(masked), (text, masked)


def test_sql_masks_documents_exactly_as_python() -> None:
    texts = [t for _, t in NUMBERS + LABELLED] + ["证件：普通护照 E12345678", "（2022）浙0681执1568号"]
    con = duckdb.connect()
    try:
        register_duckdb(con)
        con.execute(
            "CREATE TEMP TABLE t AS SELECT * FROM (SELECT unnest(?) AS s, unnest(?) AS i)",
            [
                texts,
                list(range(len(texts))),
            ],
        )
        got = [r[0] for r in con.execute(f"SELECT {mask_sql('s')} FROM t ORDER BY i").fetchall()]
    finally:
        con.close()
    assert got == [mask_text(t) for t in texts]
    assert got[0] == "E1*****78"
