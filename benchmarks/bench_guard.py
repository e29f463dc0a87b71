"""Throughput of the model SQL guard on the built-in specs and on hostile SQL.

Every query of every built-in spec (main and evidence SQL) is checked, then a set of hostile
queries generated here (file paths as tables in inner scopes, CTE scope tricks, extension and
session functions, deep nesting, oversized SQL), each of which must be refused. Prints checks per
second, the slowest check and the peak memory of the process.

    .venv/bin/python -m benchmarks.bench_guard [--rounds N]
"""

from __future__ import annotations

import argparse
import resource
import time

from jiandu.models.library import Library
from jiandu.models.spec import EVIDENCE_SUBJECTS_TABLE
from jiandu.models.sql_guard import SqlRefused, check_sql
from jiandu.schema.derived import known_tables

HOSTILE = [
    "SELECT * FROM cases UNION ALL SELECT * FROM '/etc/passwd'",
    "SELECT c.* FROM cases AS c, LATERAL (SELECT * FROM 'secret.csv') AS s",
    "SELECT (SELECT count(*) FROM 'x.json') AS n FROM cases",
    "WITH a AS (SELECT * FROM a) SELECT * FROM a",
    "WITH a AS (SELECT * FROM b), b AS (SELECT 1 AS x) SELECT * FROM a",
    "SELECT * FROM '*.csv'",
    "SELECT * FROM 'other.duckdb'",
    "SELECT sleep_ms(100000) FROM cases",
    "SELECT stem(cause, 'english') FROM cases",
    "SELECT CAST(court AS INET) FROM cases",
    "SELECT getenv('HOME') FROM cases",
    "SELECT * FROM range(1000000000000000)",
    "SELECT " + "(" * 500 + "1" + ")" * 500 + " AS x FROM cases",
    "SELECT " + " + ".join(["1"] * 20000) + " AS x FROM cases",
]


def _builtin_queries() -> list[tuple[str, str, list[str]]]:
    known = list(known_tables())
    out = []
    for spec in Library().all().values():
        out.append((spec.id, spec.sql, known))
        if spec.evidence.sql:
            out.append((spec.id + " (evidence)", spec.evidence.sql, [*known, EVIDENCE_SUBJECTS_TABLE]))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    builtin = _builtin_queries()
    known = list(known_tables())
    for label, queries in (("built-in specs", builtin), ("hostile SQL", [("h", q, known) for q in HOSTILE])):
        n, slowest, t0 = 0, 0.0, time.perf_counter()
        for _ in range(args.rounds):
            for name, sql, tables in queries:
                t = time.perf_counter()
                try:
                    check_sql(sql, tables, model=name)
                    refused = False
                except SqlRefused:
                    refused = True
                slowest = max(slowest, time.perf_counter() - t)
                n += 1
                if refused != (label == "hostile SQL"):
                    raise SystemExit(f"unexpected guard result for {name}: refused={refused}")
        spent = time.perf_counter() - t0
        print(f"{label:<15} {n:>5} checks in {spent:6.2f} s: {n / spent:7.1f} checks/s, "
              f"slowest {1000 * slowest:7.1f} ms")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
