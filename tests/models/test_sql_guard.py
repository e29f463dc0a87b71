"""The SQL guard: hostile SQL is refused with a message that says why; real queries pass."""

from __future__ import annotations

import pytest

from jiandu.models.spec import SpecError, parse_spec
from jiandu.models.sql_guard import SqlRefused, check_sql
from jiandu.schema.derived import known_tables
from tests.models.helpers import minimal_data

KNOWN = list(known_tables())

# (SQL, a fragment the refusal must contain)
HOSTILE: list[tuple[str, str]] = [
    ("SELECT * FROM read_csv('/etc/passwd')", "reads a file via read_csv"),
    ("SELECT * FROM read_csv_auto('x.csv')", "reads a file via read_csv_auto"),
    ("SELECT * FROM read_parquet('s3://bucket/x.parquet')", "reads a file via read_parquet"),
    ("SELECT * FROM read_json_auto('x.json')", "reads a file via read_json_auto"),
    ("SELECT * FROM read_ndjson('x.json')", "reads a file via read_ndjson"),
    ("SELECT content FROM read_text('/etc/shadow')", "reads a file via read_text"),
    ("SELECT content FROM read_blob('/root/.ssh/id_rsa')", "reads a file via read_blob"),
    ("SELECT * FROM parquet_scan('x.parquet')", "reads a file via parquet_scan"),
    ("SELECT * FROM iceberg_scan('warehouse/t')", "reads a file via iceberg_scan"),
    ("SELECT * FROM sniff_csv('x.csv')", "reads a file via sniff_csv"),
    ("SELECT * FROM glob('/home/*')", "reads a file via glob"),
    ("SELECT * FROM 'secrets.csv'", "reads a file or URL 'secrets.csv'"),
    ("SELECT * FROM 'https://example.org/x.parquet'", "reads a file or URL"),
    ("SELECT * FROM documents JOIN read_csv('x.csv') AS r ON TRUE", "reads a file via read_csv"),
    ("WITH x AS (SELECT * FROM read_parquet('y')) SELECT * FROM x", "reads a file via read_parquet"),
    ("SELECT (SELECT count(*) FROM read_text('a')) AS n FROM cases", "reads a file via read_text"),
    ("SELECT * FROM st_read('parcels.shp')", "table function st_read"),
    ("ATTACH 'other.duckdb' AS other", "ATTACH"),
    ("DETACH other", "DETACH"),
    ("COPY documents TO '/tmp/out.csv'", "COPY"),
    ("INSTALL httpfs", "INSTALL"),
    ("LOAD httpfs", "command"),
    ("PRAGMA database_list", "PRAGMA"),
    ("SET threads = 1", "SET"),
    ("RESET threads", "command"),
    ("CALL pragma_version()", "command"),
    ("EXPORT DATABASE '/tmp/dump'", "does not parse"),
    ("CREATE TABLE stolen AS SELECT * FROM documents", "CREATE"),
    ("CREATE MACRO m(a) AS a", "CREATE"),
    ("INSERT INTO clues SELECT * FROM clues", "INSERT"),
    ("UPDATE clues SET score = 100", "UPDATE"),
    ("DELETE FROM documents", "DELETE"),
    ("DROP TABLE documents", "DROP"),
    ("ALTER TABLE clues RENAME TO gone", "ALTER"),
    ("USE other", "USE"),
    ("SELECT * FROM documents; DROP TABLE documents", "2 statements"),
    ("SELECT 1; SELECT 2", "2 statements"),
    ("SELECT getenv('HOME') AS h", "system function getenv"),
    ("SELECT current_setting('access_mode') AS s", "system function current_setting"),
    ("SELECT * FROM duckdb_settings()", "table function duckdb_settings"),
    ("SELECT * FROM duckdb_secrets()", "table function duckdb_secrets"),
    ("SELECT database_name FROM duckdb_databases() AS d", "duckdb_databases"),
    ("SELECT * FROM pragma_storage_info('documents')", "pragma_storage_info"),
    ("SELECT * FROM query('SELECT * FROM read_csv(''x'')')", "table function query"),
    ("SELECT * FROM query_table('documents')", "table function query_table"),
    ("SELECT json_execute_serialized_sql('x') AS r", "system function json_execute_serialized_sql"),
    ("SELECT load_extension('x') AS r", "system function load_extension"),
    ("SELECT reflect('java.lang.Runtime', 'getRuntime') AS r", "system function reflect"),
    ("SELECT java_method('java.lang.System', 'exit', 1) AS r", "system function java_method"),
    ("SELECT pg_read_file('/etc/passwd') AS r", "system function pg_read_file"),
    ("SELECT * FROM postgres_scan('dbname=x', 'public', 't')", "postgres_scan"),
    ("SELECT * FROM sqlite_attach('x.db')", "sqlite_attach"),
    ("SELECT * FROM information_schema.tables", "with a schema or database"),
    ("SELECT * FROM other.main.documents", "with a schema or database"),
    ("SELECT * FROM main.documents", "with a schema or database"),
    ("SELECT * FROM secrets_table", "unknown table 'secrets_table'"),
    ("SELECT * INTO stolen FROM documents", "SELECT … INTO"),
    ("DESCRIBE documents", "DESCRIBE"),
    ("SHOW TABLES", "SHOW"),
    ("SUMMARIZE documents", "SUMMARIZE"),
    ("VACUUM", "command"),
    ("CHECKPOINT", "not a SELECT"),
    ("PREPARE p AS SELECT 1", "command"),
    ("SELECT * FROM cases WHERE court = $1", "is not named"),
    ("SELECT * FROM cases WHERE court = ?", "is not named"),
    ("WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r) SELECT n FROM r", "RECURSIVE"),
    ("", "empty"),
    ("   -- only a comment", "statements"),
    ("SELECT * FROM", "does not parse"),
    ("SELECT 1 " + "+ 1 " * 60_000, "longer than"),
    # range/generate_series can make 10^15 rows: no table function but unnest is allowed
    ("SELECT x FROM range(10) AS r(x)", "table function generate_series"),
]


def test_the_hostile_list_is_long() -> None:
    assert len(HOSTILE) >= 25


@pytest.mark.parametrize(("sql", "fragment"), HOSTILE, ids=[h[0][:40] for h in HOSTILE])
def test_hostile_sql_is_refused(sql: str, fragment: str) -> None:
    with pytest.raises(SqlRefused) as info:
        check_sql(sql, KNOWN, model="test.hostile")
    message = str(info.value)
    assert message.startswith("model test.hostile: SQL refused:"), message
    assert fragment.lower() in message.lower(), message


@pytest.mark.parametrize(("sql", "fragment"), HOSTILE[:30], ids=[h[0][:40] for h in HOSTILE[:30]])
def test_hostile_specs_are_refused(sql: str, fragment: str) -> None:
    """The same SQL inside a spec, as main SQL or as evidence SQL, never loads."""
    with pytest.raises(SpecError) as info:
        parse_spec(minimal_data(sql=sql))
    assert "test.minimal" in str(info.value) and "refused" in str(info.value)
    with pytest.raises(SpecError) as info:
        parse_spec(minimal_data(evidence={"sql": sql}))
    assert "evidence SQL refused" in str(info.value) or "refused" in str(info.value)


LEGIT = [
    "SELECT doc_id FROM documents",
    "FROM documents SELECT doc_id",
    'SELECT d.doc_id FROM "documents" AS d',
    "WITH a AS (SELECT doc_id FROM cases) SELECT doc_id FROM a UNION ALL SELECT doc_id FROM flags",
    "SELECT c.court, count(*) AS n FROM cases AS c JOIN parties AS p USING (doc_id) GROUP BY ALL",
    "SELECT u.x FROM unnest([1, 2, 3]) AS u(x)",
    "SELECT * FROM (SELECT doc_id FROM cases) AS sub WHERE doc_id IN (SELECT doc_id FROM flags)",
    "SELECT party_key, row_number() OVER (PARTITION BY court ORDER BY suits DESC) AS r FROM party_stats",
    "SELECT regexp_matches(name, '银行') AS bank, strpos(name, 'read_csv') AS s FROM parties",
    "SELECT doc_id FROM cases WHERE court = :court AND case_year >= :year",
    "SELECT 'read_csv(''x'')' AS harmless_text FROM cases",
]


@pytest.mark.parametrize("sql", LEGIT)
def test_legit_queries_pass(sql: str) -> None:
    checked = check_sql(sql, KNOWN, model="test.legit")
    assert checked.tables <= set(KNOWN)


def test_guard_reports_tables_parameters_and_columns() -> None:
    checked = check_sql(
        "WITH w AS (SELECT party_key FROM party_stats) "
        "SELECT w.party_key AS k, :n AS n FROM w JOIN party_mentions AS m ON m.party_key = w.party_key",
        KNOWN,
    )
    assert checked.tables == {"party_stats", "party_mentions"}
    assert checked.parameters == {"n"}
    assert checked.output_columns == ("k", "n")
    assert check_sql("SELECT * FROM cases", KNOWN).output_columns is None


# Aggregates whose value depends on the order rows reach them: it changes between runs once the
# engine aggregates on several threads, so a spec may not use them (SQL, fragment of the refusal)
ORDER_DEPENDENT = [
    ("SELECT court, arg_max(party_key, suits) AS top FROM party_stats GROUP BY court", "arg_max"),
    ("SELECT court, arg_min(party_key, suits) AS low FROM party_stats GROUP BY court", "arg_min"),
    ("SELECT court, max_by(party_key, suits) AS top FROM party_stats GROUP BY court", "arg_max"),
    ("SELECT court, any_value(party_key) AS one FROM party_stats GROUP BY court", "any_value"),
    ("SELECT court, first(party_key) AS one FROM party_stats GROUP BY court", "first"),
    ("SELECT court, last(party_key) AS one FROM party_stats GROUP BY court", "last"),
    ("SELECT court, mode(party_key) AS most FROM party_stats GROUP BY court", "mode"),
    ("SELECT court, string_agg(party_key, '、') AS all_keys FROM party_stats GROUP BY court",
     "without order by"),
    ("SELECT court, list(party_key) AS all_keys FROM party_stats GROUP BY court", "without order by"),
    ("SELECT court, array_agg(DISTINCT party_key) AS k FROM party_stats GROUP BY court",
     "without order by"),
]


@pytest.mark.parametrize(("sql", "fragment"), ORDER_DEPENDENT, ids=[f for _, f in ORDER_DEPENDENT])
def test_order_dependent_aggregates_are_refused(sql: str, fragment: str) -> None:
    with pytest.raises(SqlRefused) as info:
        check_sql(sql, KNOWN, model="test.order")
    message = str(info.value)
    assert fragment in message.lower() and "order" in message, message


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT court, string_agg(party_key, '、' ORDER BY party_key) AS k FROM party_stats GROUP BY court",
        "SELECT court, array_to_string(list(DISTINCT party_key ORDER BY party_key), '、') AS k "
        "FROM party_stats GROUP BY court",
        "SELECT court, min(party_key) AS k, max(suits) AS n FROM party_stats GROUP BY court",
    ],
)
def test_ordered_aggregates_pass(sql: str) -> None:
    check_sql(sql, KNOWN, model="test.order")
