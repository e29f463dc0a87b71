"""The search index masks its text as `mask_text` does, while passing whole case numbers over."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jiandu.privacy import mask_text
from jiandu.workflow.search import _masked

_case_numbers = st.builds(
    lambda brackets, year, court, kind, number: f"{brackets[0]}{year}{brackets[1]}{court}{kind}{number}号",
    st.sampled_from([("（", "）"), ("(", ")"), ("〔", "〕")]),
    st.integers(1995, 2026),
    st.sampled_from(["浙0602", "赣0429", "京0105", "赣", "浙06"]),
    st.sampled_from(["民初", "民终", "执", "刑初", "执恢", "民二初字第"]),
    st.integers(1, 99999),
)
# text that the masks act on: ID and phone numbers, addresses with house numbers and lead words
_other = (
    st.text(
        alphabet=st.sampled_from(list("0123456789Xx号室幢住址省市区县路街村镇张王李某公司 -（）一二三")),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_case_numbers, _other), min_size=1, max_size=6))
def test_masked_parts_are_mask_text_of_the_joined_parts(parts: list[str]) -> None:
    assert _masked(parts) == mask_text(" ".join(parts))


def test_a_case_entry_keeps_its_number_and_hides_an_id_number() -> None:
    parts = [
        "（2023）浙0602民初1234号",
        "绍兴市越城区人民法院",
        "原告张三住浙江省绍兴市越城区解放北路123号",
        "身份证号330602199001011234",
    ]
    masked = _masked(parts)
    assert masked == mask_text(" ".join(parts))
    assert masked.startswith("（2023）浙0602民初1234号 绍兴市越城区人民法院 原告张三住浙江省绍兴市越城区")
    assert "解放北路123号" not in masked
    assert "330602199001011234" not in masked
    assert len(masked) == len(" ".join(parts))
