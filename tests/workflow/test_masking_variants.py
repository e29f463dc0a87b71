"""Masking holds on the forms people really write numbers in (issue 12 §3).

Each attack is generated here: ID numbers (18 and old 15 digits, ending in x/X/Ｘ) and mobile and
landline numbers, written with spaces, hyphens, dashes, full-width digits, Chinese numerals
(一三八…, 幺), zero-width characters inside, or split across a line break. The defence: after
masking, removing every separator and normalising the digits recovers no ID or phone number, and
the text keeps its length (evidence spans are offsets). Case numbers, amounts and dates stay.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

import duckdb
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from jiandu.privacy import mask_text
from jiandu.privacy.sql import mask_sql, register_duckdb
from jiandu.workflow.masking import mask_value, masker

# The attacker's alphabet, written here independently of jiandu.privacy.rules.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
FULL_WIDTH = {str(d): chr(0xFF10 + d) for d in range(10)}
CHINESE = {str(d): "零一二三四五六七八九"[d] for d in range(10)}
CHINESE_ALT = {"0": "〇", "1": "幺"}
# other Unicode decimal digits: mathematical bold 𝟎-𝟗, Arabic-Indic ٠-٩
OTHER_DIGITS = [{str(d): chr(base + d) for d in range(10)} for base in (0x1D7CE, 0x0660)]
GAPS = ["", "", "", " ", "-", "－", "—", " - ", "\n", "\r\n", "\n　　", "　"]
_DIGIT_OF = {
    **{v: k for k, v in FULL_WIDTH.items()},
    **{v: k for k, v in CHINESE.items()},
    **{v: k for k, v in CHINESE_ALT.items()},
}
# What a reader strips to recover a number: every kind of space, dash, line break and bracket.
_STRIP = re.compile(f"[\\s{ZERO_WIDTH}\u00ad\\-－—–‐‑()（）]")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# Context around a number: no digits, and no 号 (a number closed by 号 after （2023） is a case number).
_CONTEXT_CHARS = "原告被告身份证手机电话联系方式：:，。住浙江省绍兴市越城区 abcXY\n"
CONTEXT = st.text(alphabet=st.sampled_from(_CONTEXT_CHARS), max_size=12)


def _ascii(c: str) -> str:
    if c in _DIGIT_OF:
        return _DIGIT_OF[c]
    return str(unicodedata.decimal(c)) if c.isdecimal() else c


def normalise(text: str) -> str:
    """What an attacker reads out of masked text: separators gone, every digit as ASCII."""
    return "".join(_ascii(c) for c in _STRIP.sub("", text)).upper().replace("Ｘ", "X")


def longest_digit_run(text: str) -> int:
    return max((len(m) for m in re.findall(r"[0-9]+", normalise(text))), default=0)


def with_checksum(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(["330602", "330603", "110101", "440305", "430181", "650102"]))
    birth = draw(st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2020, 12, 31)))
    seq = draw(st.integers(0, 999))
    if draw(st.booleans()):
        return with_checksum(f"{region}{birth:%Y%m%d}{seq:03d}")
    return f"{region}{birth:%y%m%d}{seq:03d}"  # an old 15-digit number


MOBILES = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
LANDLINES = st.builds(
    lambda area, local: area + local,
    st.sampled_from(["010", "021", "0571", "0575", "0755", "0991"]),
    st.from_regex(r"[2-8][0-9]{6,7}", fullmatch=True),
)


@st.composite
def written(draw: st.DrawFn, digits: str) -> str:
    """``digits`` as someone might write them: per-digit script, separators, zero-width insertions."""
    script = draw(st.sampled_from(["ascii", "full", "chinese", "mixed", "other"]))
    other = draw(st.sampled_from(OTHER_DIGITS))
    out: list[str] = []
    for i, d in enumerate(digits):
        if i:
            gap = draw(st.sampled_from(GAPS))
            if draw(st.integers(0, 3)) == 0:
                at = draw(st.integers(0, len(gap)))
                gap = gap[:at] + draw(st.text(alphabet=ZERO_WIDTH, min_size=1, max_size=3)) + gap[at:]
            out.append(gap)
        kind = draw(st.sampled_from(["ascii", "full", "chinese"])) if script == "mixed" else script
        if d == "X":
            out.append(draw(st.sampled_from("xXＸｘ")))
        elif kind == "full":
            out.append(FULL_WIDTH[d])
        elif kind == "other":
            out.append(other[d])
        elif kind == "chinese":
            out.append(CHINESE_ALT[d] if d in CHINESE_ALT and draw(st.booleans()) else CHINESE[d])
        else:
            out.append(d)
    return "".join(out)


@st.composite
def personal_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """(the number's digits, the number as written)."""
    digits = draw(st.one_of(id_numbers(), MOBILES, LANDLINES))
    return digits, draw(written(digits))


@settings(max_examples=600, deadline=None)
@given(personal_numbers(), CONTEXT, CONTEXT)
def test_no_personal_number_is_recoverable_and_length_is_kept(
    number: tuple[str, str], before: str, after: str
) -> None:
    digits, shown = number
    text = before + shown + after
    masked = mask_text(text)
    assert len(masked) == len(text)
    assert digits not in normalise(masked)
    # at most the region code (6) of an ID, the 3 + 4 of a mobile, area code and 2 of a landline
    assert longest_digit_run(masked) <= 6, (text, masked)
    assert not re.search(r"1[3-9]\d{9}", normalise(masked))
    assert mask_text(masked) == masked


@settings(max_examples=200, deadline=None)
@given(personal_numbers(), st.text(max_size=20), st.text(max_size=20))
def test_any_context_never_reveals_the_number(number: tuple[str, str], before: str, after: str) -> None:
    """Arbitrary text around (digits, brackets, letters): the number itself never survives."""
    digits, shown = number
    assume("号" not in after[:2])  # （2023）…号 around a number makes it a case number, by design
    masked = mask_text(before + shown + after)
    assert len(masked) == len(before + shown + after)
    assert digits not in normalise(masked)


@settings(max_examples=200, deadline=None)
@given(st.lists(personal_numbers(), min_size=2, max_size=4), st.sampled_from(["，", "、", "；", " ", "\n"]))
def test_lists_of_numbers_are_all_masked(numbers: list[tuple[str, str]], sep: str) -> None:
    text = "联系电话：" + sep.join(shown for _, shown in numbers) + "。"
    masked = mask_text(text)
    assert len(masked) == len(text)
    for digits, _ in numbers:
        assert digits not in normalise(masked)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一三八一二三四五六七八", "一三八****五六七八"),
        ("幺三八 1234 5678", "幺三八 **** 5678"),
        ("１３８１２３４５６７８", "１３８****５６７８"),
        ("138\u200b1234\u200b5678", "138\u200b****\u200b5678"),
        ("1381234\n　　5678", "138****\n　　5678"),
        ("+86 138 1234 5678", "+86 138 **** 5678"),
        ("(010)62242828", "(010)******28"),
        ("（0575）88123456", "（0575）******56"),
        ("010-62242828转9", "010-******28转9"),
        ("330602 19800101 123Ｘ", "330602 ******** 123Ｘ"),
        ("33060219800101123x", "330602********123x"),
        ("330602800101123", "330602*****1123"),  # old 15-digit number
        ("3306021980\n01011234", "330602****\n****1234"),
        ("（一）13812345678", "（一）138****5678"),
    ],
)
def test_written_forms(text: str, expected: str) -> None:
    assert mask_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "（2023）浙0602民初1234号",
        "（2013）2012-3137号起诉书",
        "（2014）0104019号检验报告",
        "［2018］K37152300000020180605号现场勘验",
        "借款30000元，利息3,000.00元，合计人民币1,234,567.89元",
        "2023年1月1日至2023年12月31日",
        "期间为2023-01-01—2023-12-31",
        "2023-01-01 2023-12-31",
        "年利率15.66%，一审判决",
        "本院于二〇二三年三月十五日立案",
        "依照《中华人民共和国民法典》第六百七十五条、第六百七十六条",
        "标的额12345678901元",
        "共15件，第3页",
    ],
)
def test_case_numbers_amounts_and_dates_are_kept(text: str) -> None:
    assert mask_text(text) == text


@settings(max_examples=200, deadline=None)
@given(
    st.integers(2000, 2030),
    st.sampled_from(["浙0602民初", "浙06民终", "京0105执", "苏0102刑初", "最高法民申"]),
    st.integers(1, 99999),
    st.integers(1, 10**7),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)),
)
def test_generated_case_numbers_amounts_and_dates_are_kept(
    year: int, court: str, serial: int, amount: int, day: dt.date
) -> None:
    text = (
        f"（{year}）{court}{serial}号，借款{amount}元（{amount:,}.00元），"
        f"于{day.year}年{day.month}月{day.day}日，{day:%Y-%m-%d}至{day:%Y-%m-%d}"
    )
    assert mask_text(text) == text


# a number as written, with arbitrary text before and after it
InContext = tuple[tuple[str, str], str, str]
IN_CONTEXT = st.tuples(personal_numbers(), st.text(max_size=15), st.text(max_size=15))


@pytest.fixture(scope="module")
def duck() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    register_duckdb(con)
    return con


def sql_masks(con: duckdb.DuckDBPyConnection, texts: list[str | None]) -> list[str | None]:
    con.execute(
        "CREATE OR REPLACE TEMP TABLE t AS SELECT * FROM (SELECT unnest(?) AS s, unnest(?) AS i)",
        [texts, list(range(len(texts)))],
    )
    return [r[0] for r in con.execute(f"SELECT {mask_sql('s')} FROM t ORDER BY i").fetchall()]


@settings(max_examples=60, deadline=None)
@given(st.lists(IN_CONTEXT, max_size=12))
def test_sql_on_duckdb_masks_exactly_as_python(
    duck: duckdb.DuckDBPyConnection, rows: list[InContext]
) -> None:
    texts: list[str | None] = [*(b + shown + a for (_, shown), b, a in rows), None, ""]
    assert sql_masks(duck, texts) == [None if t is None else mask_text(t) for t in texts]


def test_sql_through_a_jiandu_engine_even_in_the_model_sandbox() -> None:
    from jiandu.engines.duckdb_engine import DuckDBEngine
    from jiandu.privacy.sql import register

    text = "身份证号３３０６０２１９８００１０１１２３Ｘ，手机幺三八一二三四五六七八"
    engine = DuckDBEngine()
    try:
        engine.enter_sandbox()
        register(engine)
        rows = engine.rows(f"SELECT {mask_sql('s')} AS m FROM (SELECT ? AS s)", [text])
    finally:
        engine.close()
    assert rows == [{"m": mask_text(text)}]
    assert rows[0]["m"] == "身份证号３３０６０２********１２３Ｘ，手机幺三八****五六七八"


def test_masker_and_mask_value_use_the_one_definition() -> None:
    text = "电话１３８ １２３４ ５６７８，身份证330602 19800101 123X"
    assert masker(False)(text) == mask_text(text) != text
    assert masker(True)(text) == text
    assert mask_value({"evidence": [{"text": text}]}) == {"evidence": [{"text": mask_text(text)}]}


# --- real texts (already masked by the courts where they publish names; some still print IDs) ---

_CASE = re.compile(r"[（(〔\[［]\d{4}[）)〕\]］][^，。；、\s（(]{1,20}?\d+号")
_AMOUNT = re.compile(r"\d+(?:[,，]\d{3})*(?:\.\d+)?万?元")
_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
_ID_LIKE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
_MOBILE_LIKE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture(scope="module")
def real_texts() -> list[str]:
    import json

    from tests.paths import CAIL_SCM, CIVIL_FULL, CRIMINAL, REAL

    if not REAL.is_dir():
        pytest.skip(f"real documents not found at {REAL} (set JIANDU_REAL_DATA)")
    texts = [p.read_text("utf-8") for p in sorted(CIVIL_FULL.glob("*.txt"))]
    texts += [json.loads(line)["full_text"] for line in CRIMINAL.read_text("utf-8").splitlines() if line]
    texts += [json.loads(line)["text"] for line in CAIL_SCM.read_text("utf-8").splitlines() if line]
    assert len(texts) > 700
    return texts


def test_real_judgments_keep_case_numbers_amounts_and_dates(real_texts: list[str]) -> None:
    kept = {"case": 0, "amount": 0, "date": 0}
    for text in real_texts:
        masked = mask_text(text)
        assert len(masked) == len(text)
        for kind, pattern in (("case", _CASE), ("amount", _AMOUNT), ("date", _DATE)):
            for m in pattern.finditer(text):
                around = masked[m.start() - 10 : m.end()]
                assert masked[m.start() : m.end()] == m.group(0), (kind, m.group(0), around)
                kept[kind] += 1
    assert kept["case"] > 1000 and kept["amount"] > 3000 and kept["date"] > 5000


def test_real_judgments_leak_no_id_or_mobile_number(real_texts: list[str]) -> None:
    found = 0
    for text in real_texts:
        masked = mask_text(text)
        for pattern in (_ID_LIKE, _MOBILE_LIKE):
            for m in pattern.finditer(text):
                found += 1
                assert masked[m.start() : m.end()] != m.group(0)
        outside_case_numbers = _CASE.sub("", masked)  # ［2018］K37152300000020180605号 stays
        assert not re.search(r"\d{15}", outside_case_numbers)
        assert not _MOBILE_LIKE.search(outside_case_numbers)
    assert found >= 10  # the criminal judgments print defendants' ID numbers


def test_real_phone_column_is_masked() -> None:
    """Hotel telephones of a public map (Beijing): (010)62242828, 010-…, mobiles, lists, extensions."""
    import csv

    from tests.paths import REAL

    path = REAL / "poi" / "beijing_lodging.csv"
    if not path.is_file():
        pytest.skip(f"real data not found at {path} (set JIANDU_REAL_DATA)")
    with path.open(encoding="utf-8") as handle:
        phones = [row["telephone"] for row in csv.DictReader(handle) if row["telephone"]]
    assert len(phones) > 500
    for phone in phones:
        masked = mask_text(phone)
        assert len(masked) == len(phone)
        for number in re.split(r"[,，]", masked):
            digits = re.sub(r"\D", "", number.split("-")[0] if number.startswith("(") else number)
            # a service number (400…) and a local number without its area code are not personal
            if not digits.startswith("400") and len(digits) > 8:
                pytest.fail(f"{phone!r} → {masked!r}")
        assert not _MOBILE_LIKE.search(masked)


def test_court_masked_ids_stay_as_published() -> None:
    import json

    from tests.paths import REAL

    path = REAL / "execution" / "shixin_records.json"
    if not path.is_file():
        pytest.skip(f"real data not found at {path} (set JIANDU_REAL_DATA)")
    for record in json.loads(path.read_text("utf-8")):
        assert "****" in record["cardNum"]
        assert mask_text(record["cardNum"]) == record["cardNum"]
        assert mask_text(record["caseCode"]) == record["caseCode"]


def test_sql_on_duckdb_masks_real_judgments_exactly_as_python(
    duck: duckdb.DuckDBPyConnection, real_texts: list[str]
) -> None:
    texts: list[str | None] = list(real_texts)
    assert sql_masks(duck, texts) == [mask_text(t) for t in real_texts]


@pytest.fixture(scope="module")
def spark() -> Any:
    pytest.importorskip("pyspark")
    from jiandu.engines.spark_engine import spark_session
    from jiandu.privacy.sql import register_spark

    session = spark_session()
    register_spark(session)
    return session


def spark_masks(spark: Any, texts: list[str | None]) -> list[str | None]:
    from pyspark.sql.types import IntegerType, StringType, StructField, StructType

    schema = StructType([StructField("i", IntegerType()), StructField("s", StringType())])
    frame = spark.createDataFrame(list(enumerate(texts)), schema)
    frame.createOrReplaceTempView("jiandu_masking_inputs")
    rows = spark.sql(f"SELECT i, {mask_sql('s')} AS m FROM jiandu_masking_inputs ORDER BY i").collect()
    return [r["m"] for r in rows]


@pytest.mark.spark
@pytest.mark.slow
@settings(max_examples=5, deadline=None)
@given(st.lists(IN_CONTEXT, min_size=20, max_size=40))
def test_sql_on_spark_masks_exactly_as_python(spark: Any, rows: list[InContext]) -> None:
    texts: list[str | None] = [*(b + shown + a for (_, shown), b, a in rows), None, ""]
    assert spark_masks(spark, texts) == [None if t is None else mask_text(t) for t in texts]


@pytest.mark.spark
@pytest.mark.slow
def test_sql_on_spark_masks_real_judgments_exactly_as_python(spark: Any, real_texts: list[str]) -> None:
    texts = real_texts[:200]
    assert spark_masks(spark, list(texts)) == [mask_text(t) for t in texts]
