"""Header flattening and footer detection of the export readers."""

from __future__ import annotations

from jiandu.sources.readers import _is_footer, flatten_header


def test_merged_headers_flatten_to_group_and_column() -> None:
    top = ["案号", "申请执行人", None, "被执行人", None, "备注"]
    sub = [None, "姓名", "证件号码", "姓名", "证件号码", None]
    assert flatten_header([top, sub]) == [
        "案号", "申请执行人/姓名", "申请执行人/证件号码", "被执行人/姓名", "被执行人/证件号码", "备注",
    ]  # fmt: skip
    # a cell merged down the rows is its own name; an empty group cell with no group to its left
    assert flatten_header([[None, "A"], ["x", "y"]]) == ["x", "A/y"]
    assert flatten_header([["a", "a", None]]) == ["a", "a#2", "column_3"]


def test_footers_and_subtotals_but_not_records() -> None:
    markers = ["合计", "制表人"]
    assert _is_footer(["合计", None, None, None, "18.5"], markers)
    assert _is_footer(["制表人：张三"], markers)
    assert _is_footer([None, "合计", None, None], markers)
    assert not _is_footer(["合计之家商贸有限公司", "91330602001978254A", "丁根朝", "2010-03-05"], markers)
    assert not _is_footer(["(2023)浙0602执1号", "越城区法院", None, None], markers)
