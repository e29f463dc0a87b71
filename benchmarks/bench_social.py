"""The pension model (social.benefits_after_death_or_in_prison) over a county-year of payments
(brief sources.md §7.1: ≈141k recipients, ≈1.7 M monthly rows a year in one county).

    python benchmarks/bench_social.py [--recipients 141000] [--work DIR]

Generates with DuckDB SQL (no Python loop over rows) a year of monthly payments for
``--recipients`` people, death records for 7‰ of them (民政 for all, 公安 for half) and prison
terms for 0.3%, and leaves 5% of the dead and 20% of the prisoners paid on (the positives): the
others are stopped after the month of death or admission. Then one `jiandu.models.runner.run`
of the model: its operator (``social_benefits``), the model query, scoring, evidence and the clue
tables, as `jiandu run` does. Reported: generation time (not part of the model), the operator and
model seconds, clues, evidence rows, and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import logging
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from jiandu.engines.duckdb_engine import DuckDBEngine  # noqa: E402
from jiandu.models.library import Library  # noqa: E402
from jiandu.models.runner import run  # noqa: E402
from jiandu.schema import canonical_tables  # noqa: E402

MODEL = "social.benefits_after_death_or_in_prison"
PROV = "'bench' AS source_id, 'bench' AS source_file, i AS source_row, 'bench' AS load_id"


def h(expr: str, salt: int) -> str:
    """A deterministic pseudo-random non-negative integer from ``expr``."""
    return f"CAST(hash({expr} * 7919 + {salt}) % 1000000007 AS BIGINT)"


def generate(engine: DuckDBEngine, recipients: int) -> dict[str, int]:
    schemas = canonical_tables()
    con = engine.con
    # people: i; dies in month d (1..12) when hash < 7‰; in prison from month p when 0.3%
    con.execute(
        f"""CREATE TEMP TABLE people AS
        SELECT i, printf('33%016d', i) AS ssn,
            CASE WHEN {h("i", 1)} % 1000 < 7 THEN 1 + {h("i", 2)} % 12 END AS death_month,
            CASE WHEN {h("i", 1)} % 1000 BETWEEN 7 AND 9 THEN 1 + {h("i", 3)} % 12 END AS prison_month,
            {h("i", 4)} % 100 AS luck
        FROM range({recipients}) AS t(i)"""
    )
    con.execute(
        f"""CREATE TABLE pension_payments AS
        SELECT p.ssn, '姓名' || CAST(p.i AS VARCHAR) AS name, '企业职工基本养老保险' AS scheme,
            202400 + m AS pay_month, 2500.0 AS gross_yuan, 2500.0 AS net_yuan,
            '6228' || CAST(p.i AS VARCHAR) AS account, '正常' AS benefit_status,
            CAST(NULL AS VARCHAR) AS suspend_reason, '社会保险事业管理中心' AS agency,
            CASE p.i % 6 WHEN 0 THEN '越城区' WHEN 1 THEN '柯桥区' WHEN 2 THEN '上虞区'
                 WHEN 3 THEN '诸暨市' WHEN 4 THEN '嵊州市' ELSE '新昌县' END AS county,
            {PROV.replace("i AS source_row", "p.i * 12 + m AS source_row")}
        FROM people AS p, range(1, 13) AS r(m)
        WHERE (p.death_month IS NULL OR m <= p.death_month OR p.luck < 5)
          AND (p.prison_month IS NULL OR m <= p.prison_month OR p.luck < 20)"""
    )
    con.execute(
        f"""CREATE TABLE death_records AS
        SELECT src AS record_source, src || CAST(i AS VARCHAR) AS record_no, ssn AS person_key,
            '姓名' || CAST(i AS VARCHAR) AS name, make_date(2024, death_month, 10) AS death_date,
            make_date(2024, death_month, 20) AS recorded_date, '疾病' AS cause,
            CAST(NULL AS DATE) AS cremation_date, CAST(NULL AS VARCHAR) AS funeral_home,
            CAST(NULL AS VARCHAR) AS address, CAST(NULL AS VARCHAR) AS corrects, {PROV}
        FROM people, (VALUES ('民政'), ('公安')) AS s(src)
        WHERE death_month IS NOT NULL AND (src = '民政' OR i % 2 = 0)"""
    )
    con.execute(
        f"""CREATE TABLE prison_terms AS
        SELECT 'P' || CAST(i AS VARCHAR) AS inmate_no, ssn AS person_key,
            '姓名' || CAST(i AS VARCHAR) AS name,
            '浙江省第一监狱' AS facility, '有期徒刑' AS penalty, CAST(NULL AS VARCHAR) AS case_number,
            make_date(2024, prison_month, 5) AS sentence_start, CAST(NULL AS DATE) AS sentence_end,
            make_date(2024, prison_month, 5) AS admission_date, CAST(NULL AS DATE) AS release_date,
            CAST(NULL AS VARCHAR) AS release_reason, CAST(NULL AS VARCHAR) AS address, {PROV}
        FROM people WHERE prison_month IS NOT NULL"""
    )
    for table in ("pension_payments", "death_records", "prison_terms"):  # canonical column order
        cols = ", ".join(f'CAST("{c.name}" AS {c.type}) AS "{c.name}"' for c in schemas[table].columns)
        con.execute(f"CREATE TABLE {table}_x AS SELECT {cols} FROM {table}")
        con.execute(f"DROP TABLE {table}")
        con.execute(f"ALTER TABLE {table}_x RENAME TO {table}")
    engine.ensure_tables(schemas[t] for t in schemas)
    return {t: engine.count(t) for t in ("pension_payments", "death_records", "prison_terms")}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--recipients", type=int, default=141_000)
    parser.add_argument("--work", type=Path, default=None, help="folder for the store")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-social-"))
    work.mkdir(parents=True, exist_ok=True)
    engine = DuckDBEngine(work / "jiandu.duckdb")
    try:
        t0 = time.perf_counter()
        counts = generate(engine, args.recipients)
        t_gen = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = run(engine, Library(), [MODEL], run_id="bench")
        t_run = time.perf_counter() - t0
        (model,) = report.models
        evidence = engine.rows("SELECT count(*) AS n FROM clue_evidence")[0]["n"]
        over = engine.rows("SELECT count(*) AS n, sum(net_yuan) AS y FROM social_benefit_overpayments")[0]
    finally:
        engine.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()) + f"; generated in {t_gen:.1f} s")
    for op in report.operators:
        print(f"operator {op.name}: {op.status} in {op.seconds:.1f} s ({op.rows} rows)")
    print(f"overpaid months: {over['n']:,}, {over['y'] or 0:,.2f} yuan")
    print(
        f"model {MODEL}: {model.status} {model.clues:,} clues ({dict(model.bands)}), "
        f"{evidence:,} evidence rows, "
        f"{model.seconds:.1f} s (whole run incl. operator and clue writes: {t_run:.1f} s)"
    )
    print(f"peak RSS (process, incl. generation): {peak:.2f} GiB")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
