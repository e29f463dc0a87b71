"""Hostile model specs against the SQL guard (issue 12, section 1).

Each file-read trick is generated at test time against real files in ``tmp_path``: the test
first shows that the very same SQL leaks the file on an unguarded DuckDB connection (so the
attack is live), then that the guard refuses it, as main SQL and as evidence SQL, and that the
refusal carries nothing of the file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from jiandu.models.library import builtin_spec_dirs
from jiandu.models.spec import EVIDENCE_SUBJECTS_TABLE, SpecError, parse_spec
from jiandu.models.sql_guard import MAX_NESTING, SqlRefused, check_sql
from jiandu.schema.derived import known_tables
from tests.models.helpers import minimal_data

SECRET_ID = "110101199003077777"
SECRET_NAME = "张秘密"
KNOWN = list(known_tables())
EVIDENCE_KNOWN = [*KNOWN, EVIDENCE_SUBJECTS_TABLE]


@pytest.fixture
def secret_files(tmp_path: Path) -> dict[str, str]:
    """Files an attacker would like to read, each holding columns ``name`` and ``idno``."""
    (tmp_path / "secret.csv").write_text(f"name,idno\n{SECRET_NAME},{SECRET_ID}\n", encoding="utf-8")
    (tmp_path / "secret.json").write_text(
        json.dumps([{"name": SECRET_NAME, "idno": SECRET_ID}], ensure_ascii=False), encoding="utf-8"
    )
    other = duckdb.connect(str(tmp_path / "other.duckdb"))
    other.execute(f"CREATE TABLE t AS SELECT '{SECRET_NAME}' AS name, '{SECRET_ID}' AS idno")
    other.close()
    return {
        "csv": str(tmp_path / "secret.csv"),
        "json": str(tmp_path / "secret.json"),
        "glob": str(tmp_path / "*.csv"),
        "duckdb": str(tmp_path / "other.duckdb"),
    }


MAIN_TRICKS: dict[str, str] = {
    "union": "SELECT party_key AS subject_key, party_name AS subject_name, 1.0 AS volume "
    "FROM party_stats UNION ALL SELECT CAST(idno AS TEXT), name, 1.0 FROM {p}",
    "lateral": "SELECT p.party_key AS subject_key, l.name AS subject_name, 1.0 AS volume "
    "FROM party_stats AS p, LATERAL (SELECT name FROM {p}) AS l",
    "scalar_subquery": "SELECT party_key AS subject_key, "
    "(SELECT max(CAST(idno AS TEXT)) FROM {p}) AS subject_name, 1.0 AS volume FROM party_stats",
    "cte_own_name": "WITH {p} AS (SELECT * FROM {p}) "
    "SELECT CAST(idno AS TEXT) AS subject_key, name AS subject_name, 1.0 AS volume FROM {p}",
    "cte_later": "WITH a AS (SELECT * FROM {p}), {p} AS (SELECT 1 AS x) "
    "SELECT CAST(idno AS TEXT) AS subject_key, name AS subject_name, 1.0 AS volume FROM a",
    "cte_inner_scope": "SELECT * FROM (WITH {p} AS (SELECT party_key AS subject_key, "
    "party_name AS subject_name, 1.0 AS volume FROM party_stats) SELECT * FROM {p}) "
    "UNION ALL SELECT CAST(idno AS TEXT), name, 1.0 FROM {p}",
    "where_subquery": "SELECT party_key AS subject_key, party_name AS subject_name, 1.0 AS volume "
    "FROM party_stats WHERE EXISTS (SELECT 1 FROM {p} WHERE name = '" + SECRET_NAME + "')",
}
EVIDENCE_HEAD = (
    "SELECT s.subject_key, 'party_mentions' AS source, m.doc_id, m.span_start, m.span_end "
    "FROM clue_subjects AS s JOIN party_mentions AS m ON m.party_key = s.subject_key"
)
EVIDENCE_TRICKS: dict[str, str] = {
    "union": EVIDENCE_HEAD + " UNION ALL SELECT 'k', name, CAST(idno AS TEXT), 0, 0 FROM {p}",
    "lateral": "SELECT s.subject_key, 'party_mentions' AS source, l.idno AS doc_id, 0 AS span_start, "
    "0 AS span_end FROM clue_subjects AS s, LATERAL (SELECT CAST(idno AS TEXT) AS idno FROM {p}) AS l",
    "scalar_subquery": "SELECT s.subject_key, 'party_mentions' AS source, "
    "(SELECT max(CAST(idno AS TEXT)) FROM {p}) AS doc_id, 0 AS span_start, 0 AS span_end "
    "FROM clue_subjects AS s",
    "cte_own_name": "WITH {p} AS (SELECT * FROM {p}) SELECT s.subject_key, 'x' AS source, "
    "CAST(f.idno AS TEXT) AS doc_id, 0 AS span_start, 0 AS span_end FROM clue_subjects AS s, {p} AS f",
    "cte_later": "WITH a AS (SELECT * FROM {p}), {p} AS (SELECT 1 AS x) SELECT s.subject_key, "
    "'x' AS source, CAST(a.idno AS TEXT) AS doc_id, 0 AS span_start, 0 AS span_end "
    "FROM clue_subjects AS s, a",
}
FILES = ("csv", "json", "glob", "duckdb")


def _quoted(path: str) -> str:
    return '"' + path.replace('"', '""') + '"'


def _unguarded_leak(sql: str) -> list[tuple[Any, ...]]:
    """Run ``sql`` on a plain DuckDB connection holding the tables it names: what the guard stops."""
    con = duckdb.connect()
    try:
        con.execute("CREATE TABLE party_stats AS SELECT 'k' AS party_key, '甲' AS party_name, 3 AS suits")
        con.execute(
            "CREATE TABLE party_mentions AS "
            "SELECT 'k' AS party_key, 'd1' AS doc_id, 0 AS span_start, 1 AS span_end"
        )
        con.execute(f"CREATE TABLE {EVIDENCE_SUBJECTS_TABLE} AS SELECT 'k' AS subject_key")
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _assert_refused_without_content(sql: str, known: list[str], what: str) -> None:
    with pytest.raises(SqlRefused) as info:
        check_sql(sql, known, model="test.hostile", what=what)
    message = str(info.value)
    assert message.startswith(f"model test.hostile: {what} refused:"), message
    assert SECRET_ID not in message and SECRET_NAME not in message


CASES = [(trick, kind) for trick in MAIN_TRICKS for kind in FILES]


@pytest.mark.parametrize(("trick", "kind"), CASES, ids=[f"{t}-{k}" for t, k in CASES])
def test_quoted_path_in_main_sql_is_refused(trick: str, kind: str, secret_files: dict[str, str]) -> None:
    sql = MAIN_TRICKS[trick].format(p=_quoted(secret_files[kind]))
    if trick != "where_subquery":  # the attack is live: unguarded, the file reaches the rows
        assert SECRET_ID in repr(_unguarded_leak(sql)) or SECRET_NAME in repr(_unguarded_leak(sql))
    _assert_refused_without_content(sql, KNOWN, "SQL")
    with pytest.raises(SpecError) as info:
        parse_spec(minimal_data(sql=sql))
    assert "test.minimal: SQL refused" in str(info.value)
    assert SECRET_ID not in str(info.value)


EVIDENCE_CASES = [(trick, kind) for trick in EVIDENCE_TRICKS for kind in FILES]


@pytest.mark.parametrize(("trick", "kind"), EVIDENCE_CASES, ids=[f"{t}-{k}" for t, k in EVIDENCE_CASES])
def test_quoted_path_in_evidence_sql_is_refused(trick: str, kind: str, secret_files: dict[str, str]) -> None:
    sql = EVIDENCE_TRICKS[trick].format(p=_quoted(secret_files[kind]))
    assert SECRET_ID in repr(_unguarded_leak(sql))
    _assert_refused_without_content(sql, EVIDENCE_KNOWN, "evidence SQL")
    with pytest.raises(SpecError) as info:
        parse_spec(minimal_data(evidence={"sql": sql}))
    assert "test.minimal: evidence SQL refused" in str(info.value)
    assert SECRET_ID not in str(info.value)


@pytest.mark.parametrize(
    ("sql", "fragment"),
    [
        # plain names out of scope: a CTE never sees itself or a later CTE, nor one of a subquery
        ("WITH a AS (SELECT * FROM a) SELECT * FROM a", "no CTE of that name is in scope"),
        ("WITH a AS (SELECT * FROM b), b AS (SELECT 1 AS x) SELECT * FROM a", "no CTE of that name"),
        ("SELECT * FROM (WITH b AS (SELECT 1 AS x) SELECT * FROM b) AS s, b", "no CTE of that name"),
        ("WITH a AS (SELECT 1 AS x), a AS (SELECT 2 AS x) SELECT * FROM a", "defined twice"),
        ('WITH "x.csv" AS (SELECT 1 AS x) SELECT * FROM "x.csv"', "not a plain name"),
        # every path-like or pattern-like quoted name, whatever the extension
        ('SELECT * FROM "secret"', "unknown table"),
        ('SELECT * FROM "~/notes"', "reads a file or URL"),
        ('SELECT * FROM "data?.csv"', "reads a file or URL"),
        ('SELECT * FROM "s3:bucket"', "reads a file or URL"),
        ('SELECT * FROM "x.db"', "reads a file or URL"),
        ('SELECT * FROM "party_stats.parquet"', "reads a file or URL"),
        # the evidence table is not there for the main SQL
        ("SELECT subject_key FROM clue_subjects", "unknown table 'clue_subjects'"),
    ],
)
def test_names_outside_scope_are_refused(sql: str, fragment: str) -> None:
    with pytest.raises(SqlRefused, match="refused") as info:
        check_sql(sql, KNOWN, model="test.hostile")
    assert fragment in str(info.value), str(info.value)


@pytest.mark.parametrize(
    ("sql", "fragment"),
    [
        # functions of extensions that are not loaded: DuckDB would fetch the extension
        ("SELECT stem(party_name, 'english') AS s FROM party_stats", "function stem"),
        ("SELECT excel_text(suits, '0') AS s FROM party_stats", "function excel_text"),
        ("SELECT CAST(party_key AS INET) AS s FROM party_stats", "type 'INET'"),
        ("SELECT party_key::JSON AS s FROM party_stats", "type 'JSON'"),
        ("SELECT party_name COLLATE de AS s FROM party_stats", "Collate"),
        # time, the session and the outside world
        ("SELECT sleep_ms(100000) AS s FROM party_stats", "system function sleep_ms"),
        ("SELECT getvariable('x') AS s", "system function getvariable"),
        ("SELECT now() AS s", "function now"),
        ("SELECT nextval('s') AS s", "function nextval"),
        ("SELECT main.getenv('HOME') AS s", "Dot"),
        ("SELECT current_schema AS s", "session value 'current_schema'"),
        ("SELECT user AS s FROM party_stats", "session value 'user'"),
        ("SELECT current_role AS s", "session value 'current_role'"),
        ("SELECT 'HOME'.getenv() AS s", "Dot"),
        # rows without end
        ("SELECT count(*) AS n FROM range(1e15)", "table function generate_series"),
        ("SELECT count(*) AS n FROM generate_series(1, 1e15) AS g(x)", "table function generate_series"),
        ("SELECT unnest(range(1e15)) AS x", "function generate_series"),
        ("SELECT len(generate_series(1, 1e15)) AS x", "function generate_series"),
        ("SELECT repeat('x', 1e12) AS x", "function repeat"),
        ("SELECT * FROM party_stats, LATERAL range(1e15)", "function generate_series"),
    ],
)
def test_impure_functions_are_refused(sql: str, fragment: str) -> None:
    with pytest.raises(SqlRefused) as info:
        check_sql(sql, KNOWN, model="test.hostile")
    assert fragment.lower() in str(info.value).lower(), str(info.value)


@pytest.mark.parametrize(
    "name",
    ["stem(party_name, 'english')", "excel_text(suits, '0')", "sleep_ms(1)", "CAST(party_key AS INET)"],
)
def test_impure_functions_are_refused_in_specs(name: str) -> None:
    sql = f"SELECT party_key AS subject_key, {name} AS subject_name, 1.0 AS volume FROM party_stats"
    with pytest.raises(SpecError, match="SQL refused"):
        parse_spec(minimal_data(sql=sql))
    evidence = EVIDENCE_HEAD.replace(
        "'party_mentions' AS source", f"{name.replace('party_', 'm.party_')} AS source"
    )
    with pytest.raises(SpecError, match="evidence SQL refused"):
        parse_spec(minimal_data(evidence={"sql": evidence}))


DEEP = {
    "500 parentheses": "SELECT " + "(" * 500 + "1" + ")" * 500 + " AS x",
    "500 parentheses in a subquery": "SELECT * FROM (" * 500 + "SELECT 1 AS x" + ")" * 500,
    "2000 NOTs": "SELECT " + "NOT " * 2000 + "TRUE AS x",
    "1000 minus signs": "SELECT " + "- " * 1000 + "1 AS x",
    "300 nested CASEs": "SELECT " + "CASE WHEN TRUE THEN " * 300 + "1" + " END" * 300 + " AS x",
}


@pytest.mark.parametrize("sql", DEEP.values(), ids=list(DEEP))
def test_deep_nesting_is_refused_not_a_crash(sql: str) -> None:
    with pytest.raises(SqlRefused, match="nest") as info:
        check_sql(sql, KNOWN, model="test.hostile")
    assert "refused" in str(info.value)
    with pytest.raises(SpecError, match="refused"):
        parse_spec(minimal_data(sql=sql))


def test_nesting_within_the_limit_passes() -> None:
    depth = MAX_NESTING - 1
    checked = check_sql("SELECT " + "(" * depth + "1" + ")" * depth + " AS x", KNOWN)
    assert checked.output_columns == ("x",)


LEGIT_SCOPES = [
    # a CTE sees the CTEs before it
    "WITH a AS (SELECT party_key FROM party_stats), b AS (SELECT party_key FROM a) SELECT party_key FROM b",
    # an enclosing CTE is visible in subqueries and in nested WITHs
    "WITH a AS (SELECT party_key FROM party_stats) SELECT party_key FROM "
    "(WITH b AS (SELECT party_key FROM a) SELECT party_key FROM b) AS s "
    "WHERE party_key IN (SELECT party_key FROM a)",
    # a WITH over a set operation covers both sides
    "WITH a AS (SELECT party_key FROM party_stats) SELECT party_key FROM a UNION ALL SELECT party_key FROM a",
    # a CTE may shadow a table it reads
    "WITH party_stats AS (SELECT * FROM party_stats WHERE suits > 1) SELECT party_key FROM party_stats",
    # windows, lambdas, filters, unnest, casts to plain types
    "SELECT party_key, row_number() OVER (PARTITION BY court ORDER BY suits DESC) AS r, "
    "count(*) FILTER (WHERE suits > 1) OVER () AS n, list_transform([1, 2], x -> x + 1) AS l, "
    "CAST(suits AS DOUBLE) AS d, TRY_CAST(party_key AS BIGINT) AS i FROM party_stats",
    "SELECT u.x FROM unnest([1, 2, 3]) AS u(x)",
]


@pytest.mark.parametrize("sql", LEGIT_SCOPES)
def test_scoped_ctes_pass(sql: str) -> None:
    checked = check_sql(sql, KNOWN, model="test.legit")
    assert checked.tables <= {"party_stats"}


def test_shadowing_cte_still_counts_the_table_it_reads() -> None:
    checked = check_sql(LEGIT_SCOPES[3], KNOWN)
    assert checked.tables == {"party_stats"}


def test_builtin_specs_pass_before_and_after_rendering() -> None:
    """Every built-in model's SQL passes, and so does the DuckDB SQL generated from it (the
    runner checks the bound SQL once more just before it reaches the engine)."""
    paths = sorted(p for folder in builtin_spec_dirs() for p in folder.glob("*.yaml"))
    assert len(paths) >= 8
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec = parse_spec(data)
        for sql, known in ((spec.sql, KNOWN), (spec.evidence.sql, EVIDENCE_KNOWN)):
            if not sql:
                continue
            checked = check_sql(sql, known, model=spec.id)
            again = check_sql(checked.tree.sql(dialect="duckdb"), known, model=spec.id)
            assert again.tables == checked.tables
