"""The vectorised shortcuts give exactly what the per-value Arrow functions give."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from jiandu.sources import fastcheck
from jiandu.sources.mapping import _MOJIBAKE

CODE_POINTS = [c for c in range(0x110000) if not 0xD800 <= c < 0xE000]


def test_the_listed_spaces_are_what_the_unicode_trim_strips_beyond_ascii() -> None:
    values = pa.array([chr(c) + "甲" for c in CODE_POINTS])
    stripped = {
        c
        for c, n in zip(
            CODE_POINTS, pc.binary_length(pc.utf8_trim_whitespace(values)).to_pylist(), strict=True
        )
        if n == 3
    }
    ascii_stripped = {
        c for c in range(128) if pc.ascii_trim_whitespace(pa.array([chr(c) + "a"]))[0].as_py() == "a"
    }
    assert stripped - ascii_stripped == {*range(0x1C, 0x20), *map(ord, fastcheck._UNICODE_SPACES)}


@pytest.mark.parametrize("space", [" ", "\u3000", "\xa0", "\u2003", "\x1d", "\u205f", ""])
def test_trim_equals_the_unicode_trim(space: str) -> None:
    values = pa.array(
        ["甲", f"{space}乙", f"丙{space}", None, space, "“引号”", "《法》", "a", f"{space}{space}丁"]
    )
    for array in (values, values.slice(1, 4), values.slice(5)):
        assert fastcheck.trim(array).to_pylist() == pc.utf8_trim_whitespace(array).to_pylist()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["浙江省绍兴市", "（2018）浙06执1号", None], False),
        (["浙江省绍兴市", "执行锟斤拷法院"], True),
        (["ä»¶", "x"], True),
        (["正常", "Ã\x85"], True),
    ],
)
def test_may_match_never_misses(values: list[str | None], expected: bool) -> None:
    array = pa.array(values)
    assert fastcheck.may_match(array, _MOJIBAKE) is expected
    assert (
        fastcheck.may_match(array.slice(1), _MOJIBAKE)
        is pc.any(pc.match_substring_regex(array.slice(1), _MOJIBAKE)).as_py()
    )
