"""One definition of a masked name: Python and the engines' SQL agree on every name."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiandu.documents.masked_names import is_masked_name, masked_name_sql

MASKED = [
    ("张某", "person"), ("张某某", "person"), ("李某1", "person"), ("张3", "person"),
    ("王××", "person"), ("张╳", "person"), ("张**", "person"), ("张XX", "person"), ("张X", "person"),
    ("欧阳某", None), ("张某明", "person"), ("王〇〇", "person"), ("李ⅹ", "person"), ("张ＸＸ", "person"),
    ("浙江某某科技有限公司", "organization"), ("某某公司", None), ("李某２", None),
]
NOT_MASKED = [
    ("张三丰", "person"), ("王芳", "person"), ("欧阳娜娜", None), ("绍兴市第3建筑工程有限公司", None),
    ("杭州123贸易有限公司", "organization"), ("Xavier", "person"), ("许晓霞", "person"),
    ("中国工商银行股份有限公司绍兴分行", "organization"),
]


@pytest.mark.parametrize(("name", "kind"), MASKED)
def test_masked(name: str, kind: str | None) -> None:
    assert is_masked_name(name, kind)


@pytest.mark.parametrize(("name", "kind"), NOT_MASKED)
def test_not_masked(name: str, kind: str | None) -> None:
    assert not is_masked_name(name, kind)


def _sql_verdicts(rows: list[tuple[str, str | None]]) -> list[bool]:
    con = duckdb.connect()
    con.execute("CREATE TABLE p (name VARCHAR, kind VARCHAR, i INTEGER)")
    con.executemany("INSERT INTO p VALUES (?, ?, ?)", [(n, k, i) for i, (n, k) in enumerate(rows)])
    with_kind = con.execute(f"SELECT {masked_name_sql('p.name', 'p.kind')} FROM p ORDER BY i").fetchall()
    return [bool(r[0]) for r in with_kind]


def test_sql_agrees_on_the_examples() -> None:
    rows = MASKED + NOT_MASKED
    assert _sql_verdicts(rows) == [is_masked_name(n, k) for n, k in rows]


def test_sql_without_a_kind_column_reads_the_name_as_python_does() -> None:
    con = duckdb.connect()
    names = [n for n, _ in MASKED + NOT_MASKED]
    con.execute("CREATE TABLE q (name VARCHAR, i INTEGER)")
    con.executemany("INSERT INTO q VALUES (?, ?)", [(n, i) for i, n in enumerate(names)])
    sql = f"SELECT {masked_name_sql('q.name')} FROM q ORDER BY i"
    got = [bool(r[0]) for r in con.execute(sql).fetchall()]
    assert got == [is_masked_name(n) for n in names]


NAME_CHARS = st.sampled_from([*"张王李欧阳某×╳ⅹ*＊○〇XxＸｘ0123４公司银行所院会明芳", "有限公司"])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.lists(NAME_CHARS, min_size=1, max_size=8).map("".join),
                  st.sampled_from(["person", "organization", None])),
        min_size=1, max_size=30,
    )
)
def test_sql_and_python_agree_on_generated_names(rows: list[tuple[str, str | None]]) -> None:
    assert _sql_verdicts(rows) == [is_masked_name(n, k) for n, k in rows]
