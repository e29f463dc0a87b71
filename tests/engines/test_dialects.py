"""One test per difference between DuckDB and Spark named in jiandu/engines/dialects.py.

Each runs on every engine and asserts the literal expected result, so a change in either
engine or in sqlglot shows up here.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from jiandu.engines import Engine, UnsupportedSQLError
from jiandu.engines.dialects import DIALECTS

D = dt.date
TS = dt.datetime

SAMPLE = pa.table(
    {
        "i": pa.array([1, 2, 3, 4], pa.int32()),
        "g": ["a", "a", "b", "b"],
        "x": ["甲", None, "乙", "丙"],
        "d": pa.array([D(2020, 1, 31), D(2020, 2, 1), None, D(2021, 12, 31)], pa.date32()),
        "ts": pa.array(
            [TS(2020, 1, 1, 23), TS(2020, 1, 2, 1), None, TS(2020, 1, 1, 23, 59)],
            pa.timestamp("us"),
        ),
        "v": pa.array([1.5, None, 3.0, 4.5], pa.float64()),
    }
)


@pytest.fixture
def sample(engine: Engine) -> Engine:
    engine.register_temp("t", SAMPLE)
    return engine


def column(engine: Engine, sql: str, name: str = "r") -> list[object]:
    return engine.query(sql).column(name).to_pylist()


def test_nulls_sort_last_ascending_and_descending(sample: Engine) -> None:
    assert column(sample, "SELECT x AS r FROM t ORDER BY x") == ["丙", "乙", "甲", None]
    assert column(sample, "SELECT x AS r FROM t ORDER BY x DESC") == ["甲", "乙", "丙", None]
    assert column(sample, "SELECT v AS r FROM t ORDER BY v") == [1.5, 3.0, 4.5, None]


def test_nulls_last_inside_windows(sample: Engine) -> None:
    sql = "SELECT i, row_number() OVER (ORDER BY v) AS r FROM t ORDER BY i"
    assert column(sample, sql) == [1, 4, 2, 3]


def test_date_diff_counts_boundaries(sample: Engine) -> None:
    rows = sample.rows(
        "SELECT date_diff('month', d, DATE '2020-02-01') AS m, "
        "date_diff('year', d, DATE '2022-01-01') AS y, "
        "datediff('day', d, DATE '2020-02-01') AS dd, "
        "date_diff('day', ts, TIMESTAMP '2020-01-02 00:30:00') AS td, "
        "date_diff('hour', ts, TIMESTAMP '2020-01-02 00:30:00') AS h "
        "FROM t ORDER BY i"
    )
    assert rows == [
        {"m": 1, "y": 2, "dd": 1, "td": 1, "h": 1},
        {"m": 0, "y": 2, "dd": 0, "td": 0, "h": -1},
        {"m": None, "y": None, "dd": None, "td": None, "h": None},
        {"m": -22, "y": 1, "dd": -699, "td": 1, "h": 1},
    ]


@pytest.mark.parametrize(
    ("a", "b", "weeks"),
    [("2024-01-07", "2024-01-08", 0), ("2024-01-03", "2024-01-10", 1),
     ("2024-01-10", "2024-01-03", -1), ("2024-01-01", "2024-01-14", 1)],
)
def test_date_diff_week_is_whole_days_over_seven(
    sample: Engine, a: str, b: str, weeks: int
) -> None:
    sql = f"SELECT date_diff('week', DATE '{a}', DATE '{b}') AS r"
    assert column(sample, sql) == [weeks]


def test_date_sub_counts_complete_units(sample: Engine) -> None:
    sql = "SELECT date_sub('month', d, DATE '2020-02-01') AS r FROM t ORDER BY i"
    assert column(sample, sql) == [0, 0, None, -22]


def test_interval_arithmetic(sample: Engine) -> None:
    rows = sample.rows(
        "SELECT d + INTERVAL 30 DAY AS a, d + INTERVAL 1 MONTH AS b, "
        "ts - INTERVAL 2 HOUR AS c, d + 3 AS e FROM t WHERE i = 1"
    )
    assert rows == [
        {"a": TS(2020, 3, 1), "b": TS(2020, 2, 29), "c": TS(2020, 1, 1, 21), "e": D(2020, 2, 3)}
    ]


def test_date_minus_date(sample: Engine) -> None:
    sql = "SELECT d - DATE '2020-01-01' AS r FROM t WHERE i = 1"
    if sample.name == "spark":  # an interval on Spark
        with pytest.raises(UnsupportedSQLError, match="date_diff"):
            sample.query(sql)
    else:
        assert column(sample, sql) == [30]


def test_interval_results_are_refused(sample: Engine) -> None:
    with pytest.raises(UnsupportedSQLError, match="interval"):
        sample.query("SELECT ts - TIMESTAMP '2020-01-01 00:00:00' AS r FROM t")


def test_list_drops_nulls_and_is_empty_not_null(sample: Engine) -> None:
    rows = sample.rows(
        "SELECT g, list(x ORDER BY x) AS l, list(x ORDER BY x DESC) AS ld, "
        "list(x) FILTER (WHERE i > 10) AS none FROM t GROUP BY g ORDER BY g"
    )
    assert rows == [
        {"g": "a", "l": ["甲"], "ld": ["甲"], "none": []},
        {"g": "b", "l": ["丙", "乙"], "ld": ["乙", "丙"], "none": []},
    ]
    assert column(sample, "SELECT list_sort(array_agg(x)) AS r FROM t") == [["丙", "乙", "甲"]]
    assert column(sample, "SELECT list(DISTINCT g ORDER BY g DESC) AS r FROM t") == [["b", "a"]]


def test_list_ordered_by_another_column(sample: Engine) -> None:
    sql = "SELECT list(x ORDER BY i) AS r FROM t"
    if sample.name == "spark":
        with pytest.raises(UnsupportedSQLError, match="ordered by another"):
            sample.query(sql)
    else:
        assert column(sample, sql) == [["甲", "乙", "丙"]]


def test_string_agg_with_order(sample: Engine) -> None:
    rows = sample.rows(
        "SELECT g, string_agg(x, '、' ORDER BY x) AS s FROM t GROUP BY g ORDER BY g"
    )
    assert rows == [{"g": "a", "s": "甲"}, {"g": "b", "s": "丙、乙"}]


def test_ordered_string_agg_next_to_distinct_aggregate(sample: Engine) -> None:
    sql = "SELECT count(DISTINCT g) AS n, string_agg(x, ',' ORDER BY x) AS r FROM t"
    if sample.name == "spark":
        with pytest.raises(UnsupportedSQLError, match="separate CTEs"):
            sample.query(sql)
    else:
        assert sample.rows(sql) == [{"n": 2, "r": "丙,乙,甲"}]


def test_qualify_keeps_only_the_selected_columns(sample: Engine) -> None:
    result = sample.query(
        "SELECT * FROM t QUALIFY row_number() OVER (PARTITION BY g ORDER BY i DESC) = 1"
    )
    assert result.column_names == SAMPLE.column_names
    assert sorted(result.column("i").to_pylist()) == [2, 4]


def test_integer_division(sample: Engine) -> None:
    assert sample.rows("SELECT 7 / 2 AS a, 7 // 2 AS b, -7 // 2 AS c, -7 % 2 AS e") == [
        {"a": 3.5, "b": 3, "c": -3, "e": -1}
    ]


@pytest.mark.parametrize("sql", ["SELECT 1 / 0 AS r", "SELECT 7 // 0 AS r", "SELECT 1.5 / 0 AS r"])
def test_division_by_zero_is_an_error(sample: Engine, sql: str) -> None:
    with pytest.raises(Exception, match=r"(?i)divi"):
        sample.query(sql)
    assert column(sample, "SELECT 1 / NULLIF(0, 0) AS r") == [None]


def test_invalid_cast_is_an_error_and_try_cast_is_null(sample: Engine) -> None:
    with pytest.raises(Exception, match=r"(?i)cast|convert"):
        sample.query("SELECT CAST('十' AS INTEGER) AS r")
    assert column(sample, "SELECT TRY_CAST('十' AS INTEGER) AS r") == [None]


def test_count_distinct_ignores_nulls(sample: Engine) -> None:
    assert sample.rows("SELECT count(DISTINCT x) AS a, count(x) AS b, count(*) AS c FROM t") == [
        {"a": 3, "b": 3, "c": 4}
    ]


def test_regexp_functions(sample: Engine) -> None:
    rows = sample.rows(
        "SELECT regexp_matches('（2023）京0105民初123号', '民初\\d+') AS m, "
        "regexp_extract('（2023）京0105民初123号', '（(\\d{4})）') AS whole, "
        "regexp_extract('（2023）京0105民初123号', '（(\\d{4})）', 1) AS yr, "
        "regexp_extract('无', '\\d+') AS none, "
        "regexp_replace('a-b-c', '-', '', 'g') AS g, "
        "regexp_replace('AbA', 'a', 'x', 'gi') AS gi"
    )
    assert rows == [
        {"m": True, "whole": "（2023）", "yr": "2023", "none": "", "g": "abc", "gi": "xbx"}
    ]


def test_regexp_replace_without_g(sample: Engine) -> None:
    sql = "SELECT regexp_replace('aaa', 'a', 'b') AS r"
    if sample.name == "spark":
        with pytest.raises(UnsupportedSQLError, match="'g' flag"):
            sample.query(sql)
    else:
        assert column(sample, sql) == ["baa"]


def test_concat_skips_nulls_but_pipes_do_not(sample: Engine) -> None:
    rows = sample.rows("SELECT concat(g, x) AS c, g || x AS p FROM t ORDER BY i")
    assert [r["c"] for r in rows] == ["a甲", "a", "b乙", "b丙"]
    assert [r["p"] for r in rows] == ["a甲", None, "b乙", "b丙"]


def test_case_coalesce_and_formatting(sample: Engine) -> None:
    rows = sample.rows(
        "SELECT CASE WHEN v >= 3 THEN '高' WHEN v IS NULL THEN '无' ELSE '低' END AS band, "
        "coalesce(x, '未知') AS name, strftime(d, '%Y年%m月') AS month "
        "FROM t ORDER BY i"
    )
    assert rows == [
        {"band": "低", "name": "甲", "month": "2020年01月"},
        {"band": "无", "name": "未知", "month": "2020年02月"},
        {"band": "高", "name": "乙", "month": None},
        {"band": "高", "name": "丙", "month": "2021年12月"},
    ]


def test_quantile_cont_and_median(sample: Engine) -> None:
    assert sample.rows("SELECT quantile_cont(v, 0.5) AS q, median(v) AS m FROM t") == [
        {"q": 3.0, "m": 3.0}
    ]


def test_result_types_are_the_same_on_every_engine(sample: Engine) -> None:
    result = sample.query(
        "SELECT sum(i) AS s, max(i) AS m, row_number() OVER (ORDER BY max(i)) AS r, "
        "date_trunc('month', max(d)) AS dt, 7 // 2 AS q FROM t"
    )
    assert result.schema == pa.schema(
        [("s", pa.int64()), ("m", pa.int64()), ("r", pa.int64()),
         ("dt", pa.timestamp("us")), ("q", pa.int64())]
    )
    assert result.to_pylist() == [{"s": 10, "m": 4, "r": 1, "dt": TS(2021, 12, 1), "q": 3}]


def test_function_spark_lacks_fails_loudly(sample: Engine) -> None:
    sql = "SELECT jaro_winkler_similarity('张三', '张山') AS r"
    if sample.name == "spark":
        with pytest.raises(UnsupportedSQLError, match="jaro_winkler_similarity"):
            sample.query(sql)
    else:
        assert column(sample, sql)[0] > 0.5


def test_unknown_function_fails_on_every_engine(sample: Engine) -> None:
    with pytest.raises(Exception, match=r"(?i)no_such_function"):
        sample.query("SELECT no_such_function(x) AS r FROM t")


def test_several_statements_are_refused() -> None:
    with pytest.raises(UnsupportedSQLError, match="one statement"):
        DIALECTS["spark"].transpile("SELECT 1; SELECT 2")


@pytest.mark.parametrize(
    ("duckdb_sql", "spark_sql"),
    [
        ("SELECT a FROM t ORDER BY a", "SELECT a FROM t ORDER BY a NULLS LAST"),
        (
            "SELECT date_diff('month', a, b) FROM t",
            "SELECT TIMESTAMPDIFF(MONTH, DATE_TRUNC('MONTH', a), DATE_TRUNC('MONTH', b)) FROM t",
        ),
        ("SELECT d + INTERVAL 1 DAY FROM t",
         "SELECT CAST((d + INTERVAL '1' DAY) AS TIMESTAMP_NTZ) FROM t"),
        ("SELECT list(x ORDER BY x DESC) FROM t",
         "SELECT SORT_ARRAY(COLLECT_LIST(x), FALSE) FROM t"),
        ("SELECT 7 // 2", "SELECT 7 DIV 2"),
    ],
)
def test_spark_transpilation(duckdb_sql: str, spark_sql: str) -> None:
    assert DIALECTS["spark"].transpile(duckdb_sql) == spark_sql


def test_duckdb_runs_sql_it_does_not_need_to_rewrite_as_written() -> None:
    sql = "SELECT a FROM t ORDER BY a"
    assert DIALECTS["duckdb"].transpile(sql) == sql
