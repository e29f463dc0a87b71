"""Masking of ID numbers, phone numbers and addresses, and the role policy."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiandu.privacy.rules import RULES, NumberRule
from jiandu.workflow.authz import PERMISSIONS, Permission, Role
from jiandu.workflow.masking import mask_addresses, mask_id_numbers, mask_phone_numbers, mask_text, mask_value
from tests.paths import CAIL_SCM, needs_real

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def with_checksum(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(["330602", "330603", "110101", "440305", "430181", "650102"]))
    birth = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)))
    seq = draw(st.integers(0, 999))
    return with_checksum(f"{region}{birth:%Y%m%d}{seq:03d}")


def test_checksum_helper_matches_a_known_number() -> None:
    assert with_checksum("11010519491231002") == "11010519491231002X"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("330602198001011234", "330602********1234"),
        ("身份证号：33060219800101123X。", "身份证号：330602********123X。"),
        ("号码330602 19800101 1234", "号码330602 ******** 1234"),
        ("卡号6222021234567890123", "卡号622202*********0123"),
        ("（2023）浙0602民初1234号", "（2023）浙0602民初1234号"),
    ],
)
def test_id_numbers(text: str, expected: str) -> None:
    assert mask_id_numbers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话13812345678", "电话138****5678"),
        ("电话 138-1234-5678。", "电话 138-****-5678。"),
        ("座机0575-88123456", "座机0575-******56"),
        ("标的额12345678901元以上", "标的额12345678901元以上"),  # not a mobile prefix (12…)
        ("共15件", "共15件"),
    ],
)
def test_phone_numbers(text: str, expected: str) -> None:
    assert mask_phone_numbers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("住浙江省绍兴市越城区解放北路123号5幢201室。", "住浙江省绍兴市越城区**************。"),
        ("住所地：绍兴市柯桥区柯桥街道阳光小区3幢", "住所地：绍兴市柯桥区**********"),
        ("浙江省诸暨市暨阳街道市场路1号", "浙江省诸暨市*********"),
        ("该公司注册于越城区人民路100号", "该公司注册于越城区*******"),
        ("原告多次住院治疗", "原告多次住院治疗"),
        ("原告提交的1号证据", "原告提交的1号证据"),
        ("（2023）浙0602民初1234号判决", "（2023）浙0602民初1234号判决"),
    ],
)
def test_addresses_kept_to_the_district(text: str, expected: str) -> None:
    assert mask_addresses(text) == expected


@settings(max_examples=300, deadline=None)
@given(id_numbers(), st.text(max_size=30), st.text(max_size=30))
def test_a_valid_id_number_never_survives_masking(number: str, before: str, after: str) -> None:
    text = before + number + after
    masked = mask_text(text)
    assert number not in masked
    assert len(masked) == len(text)  # spans keep pointing at the same words


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789X号路区市住 ，。浙江省绍兴越城解放（）"), max_size=60))
def test_masking_keeps_length_and_is_idempotent(text: str) -> None:
    once = mask_text(text)
    assert len(once) == len(text)
    assert mask_text(once) == once


@settings(max_examples=100, deadline=None)
@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.sampled_from(["电话", "手机：", "联系方式 "]))
def test_a_mobile_number_never_survives(number: str, lead: str) -> None:
    assert number not in mask_text(f"{lead}{number}。")


def test_mask_value_keeps_identifiers() -> None:
    clue = {
        "clue_id": "330602198001011234",  # an identifier key: untouched
        "subject": {"type": "person", "key": "id:330602198001011234", "name": "张三"},
        "evidence": [{"case_number": "（2023）浙0602民初1号", "text": "电话13812345678", "span": [1, 2]}],
    }
    masked = mask_value(clue)
    assert masked["clue_id"] == clue["clue_id"]
    assert masked["subject"]["key"] == "id:330602********1234"
    assert masked["evidence"][0] == {
        "case_number": "（2023）浙0602民初1号",
        "text": "电话138****5678",
        "span": [1, 2],
    }


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_each_rule_masks_its_documented_example(rule: NumberRule) -> None:
    assert mask_text(rule.example) == rule.masked_example
    assert len(rule.masked_example) == len(rule.example)


def test_policy_who_sees_personal_data() -> None:
    sees = {r for r in Role if Permission.PERSONAL_READ in PERMISSIONS[r]}
    assert sees == {Role.ADMIN, Role.CHIEF, Role.PROSECUTOR}


_ADDRESSY = st.text(
    alphabet=st.sampled_from(list("浙江省绍兴市越城区解放北路住所地址住号幢室弄单元组村镇乡"
                                  "123０１２（）民初第字 ，：A-")),
    max_size=40,
)


@given(_ADDRESSY)
@settings(max_examples=400, deadline=None)
def test_the_no_address_shortcut_gives_the_full_answer(text: str) -> None:
    """Texts without a house number or a lead word skip the run-by-run search: same result."""
    from jiandu.privacy.addresses import _mask_runs

    assert mask_addresses(text) == _mask_runs(text)


@needs_real
def test_the_no_address_shortcut_on_real_sentences() -> None:
    """Every sentence and line of 200 real judgments masks the same with and without it."""
    import json

    from jiandu.privacy.addresses import _mask_runs

    with CAIL_SCM.open(encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for _, line in zip(range(200), handle, strict=False)]
    pieces = [p for t in texts for p in re.split(r"[。\n]", t) if p]
    assert len(pieces) > 2_000
    masked = sum(mask_addresses(p) != p for p in pieces)
    assert masked > 0  # real addresses are in there, so both paths are exercised
    assert all(mask_addresses(p) == _mask_runs(p) for p in pieces)
