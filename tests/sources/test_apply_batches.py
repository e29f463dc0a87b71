"""Values seen in an earlier batch of a file convert (and fail) exactly as in the first."""

from __future__ import annotations

import pyarrow as pa
from stdnum.cn import ric

from jiandu.inputs.identifiers import ALL_KEY_KINDS, normalize_key
from jiandu.sources.mapping import apply, plan
from jiandu.sources.registry import catalogue
from jiandu.synth.registers import EXECUTION_COLUMNS


def person(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def normalised(key: str) -> str:
    return normalize_key(key, ALL_KEY_KINDS).value


def batch(keys: list[str], dates: list[str]) -> pa.Table:
    rows = {c: [None] * len(keys) for c in EXECUTION_COLUMNS}
    rows["case_number"] = [f"（2020）浙0602执{i}号" for i in range(len(keys))]
    filled = {
        "court": "越城区人民法院",
        "court_code": "浙0602",
        "applicant_name": "甲",
        "applicant_kind": "person",
    }
    filled |= {
        "respondent_name": "乙",
        "respondent_kind": "person",
        "cause": "民间借贷纠纷",
        "amount": "1000",
    }
    for column, value in (
        filled | {"status": "执行中", "applicant_key": person("33060219700303003")}
    ).items():
        rows[column] = [value] * len(keys)
    rows["respondent_key"] = keys
    rows["filing_date"] = dates
    return pa.table({c: pa.array(v, pa.string()) for c, v in rows.items()})


def test_later_batches_reuse_what_earlier_ones_converted() -> None:
    source = catalogue(None).get("synth.execution_cases")
    good, other = person("33060219800101001"), person("33060219900202002")
    variant = good[:17] + ("0" if good[17] != "0" else "1")
    the_plan = plan(source.source, list(EXECUTION_COLUMNS))
    first = apply(the_plan, batch([good, variant, good], ["2020-01-02", "2020-13-01", "20200103"]))
    second = apply(
        the_plan,
        batch([variant, other, good, None], ["2020-01-02", "2020-13-01", "2021-02-03", "2020-01-02"]),
    )
    fresh = apply(
        plan(source.source, list(EXECUTION_COLUMNS)),
        batch([variant, other, good, None], ["2020-01-02", "2020-13-01", "2021-02-03", "2020-01-02"]),
    )
    assert [(f[0], f[1]) for f in first.failures] == [(1, "filing_date")]  # the first problem found
    assert second.failures == fresh.failures and second.rows.equals(fresh.rows)
    assert [(f[0], f[1]) for f in second.failures] == [(1, "filing_date"), (3, "respondent_key")]
    assert second.failures[0][2] == first.failures[0][2]
    assert second.rows.column("respondent_key").to_pylist() == [normalised(variant), good]
