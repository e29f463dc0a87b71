"""The ban-violation model (execution.ban_violation) over a province-year of travel and stay
records (issue 14 §6: ≥ 50M rows in ≤ 2 minutes, peak RSS ≤ 4 GiB on DuckDB).

    python benchmarks/bench_execution.py [--rows 50000000] [--persons 8000000] [--work DIR]

Generates, with DuckDB only (no Python loop over rows), Parquet files of flights (40% of
``--rows``), train tickets (40%) and hotel stays (20%) for ``--persons`` people, plus the lists
the model starts from: consumption bans for 0.5% of the people, the dishonest list for 0.25%
(half of them also banned), organisations with banned legal representatives, two passports for
2% of the people (the banned ones among them fly on them), 6,000 hotels (5% star-rated),
property and vehicle registrations (1% of the people each). Refunds, boardings, booking
classes, seat classes and dates are drawn from a hash of the row number. The Parquet files are
loaded into a fresh DuckDB workspace (canonical tables, provenance columns filled), then one
`jiandu.models.runner.run` of the model: its operator (``execution_restrictions``), the model
query, scoring, evidence (every violating event) and the clue tables, exactly as `jiandu run`.

Reported: generation and load times (not part of the model), the run's operator and model
seconds, the clues and evidence rows, and the peak RSS of the process (max resident set since
start, which includes generation and load). DuckDB's buffer pool is JIANDU_DUCKDB_MEMORY_LIMIT
(default 2GB).
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

MODEL = "execution.ban_violation"
PROV = "'bench' AS source_id, 'bench.parquet' AS source_file, i AS source_row, 'bench' AS load_id"


def h(expr: str, salt: int) -> str:
    """A deterministic pseudo-random non-negative integer from ``expr``."""
    return f"CAST(hash({expr} * 7919 + {salt}) % 1000000007 AS BIGINT)"


def person_id(expr: str) -> str:
    return f"printf('33%016d', {expr})"


def generate(work: Path, rows: int, persons: int) -> dict[str, int]:
    import duckdb

    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    n_flights, n_trains = int(rows * 0.4), int(rows * 0.4)
    n_stays = rows - n_flights - n_trains
    pick = f"({h('i', 1)} % {persons})"
    day = f"(DATE '2019-01-01' + CAST({h('i', 2)} % 1826 AS INTEGER))"
    trains = "['G', 'G', 'G', 'D', 'C', 'K', 'Z', 'T']"
    seats = "['二等座', '二等座', '二等座', '二等座', '二等座', '一等座', '商务座', '硬卧', '软卧', '硬座']"
    holder = person_id(f"{h('i', 16)} % {persons}")
    statements = {
        "flights": f"""
            SELECT {PROV}, 'P' || {pick} AS passenger_name,
                CASE WHEN {pick} % 50 = 0 AND {h("i", 3)} % 3 = 0 THEN '护照' ELSE '居民身份证' END
                    AS id_type,
                CASE WHEN {pick} % 50 = 0 AND {h("i", 3)} % 3 = 0 THEN 'E' || printf('%08d', {pick})
                     ELSE {person_id(pick)} END AS id_no,
                'CA' AS carrier, 'CA' || CAST(1000 + {h("i", 4)} % 8000 AS VARCHAR) AS flight_no,
                ['Y', 'B', 'M', 'H', 'K', 'C', 'J', 'F'][1 + {h("i", 5)} % 8] AS booking_class,
                CAST(NULL AS VARCHAR) AS cabin_class, 'HGH' AS dep_airport, 'PEK' AS arr_airport,
                {day} AS dep_date, CAST({day} AS TIMESTAMP) AS dep_time,
                    'T' || CAST(i AS VARCHAR) AS ticket_no,
                'PNR' AS pnr, {h("i", 6)} % 50 <> 0 AS boarded,
                CASE WHEN {h("i", 6)} % 50 = 0 THEN '已退票' ELSE '已使用' END AS ticket_status
            FROM range({n_flights}) AS t(i)""",
        "train_trips": f"""
            SELECT {PROV}, 'P' || {pick} AS passenger_name, '居民身份证' AS id_type,
                {person_id(pick)} AS id_no,
                {trains}[1 + {h("i", 7)} % 8] || CAST({h("i", 8)} % 9000 AS VARCHAR) AS train_no,
                {day} AS travel_date, '绍兴北' AS from_station, '上海虹桥' AS to_station,
                CAST({day} AS TIMESTAMP) AS dep_time,
                {seats}[1 + {h("i", 9)} % 10] AS seat_class,
                CAST({h("i", 10)} % 16 AS VARCHAR) AS coach, CAST(i AS VARCHAR) AS seat, 99.5 AS fare,
                CASE WHEN {h("i", 11)} % 40 = 0 THEN '已退票' ELSE '已出票' END AS ticket_status
            FROM range({n_trains}) AS t(i)""",
        "hotel_stays": f"""
            SELECT {PROV}, 'S' || CAST(i AS VARCHAR) AS stay_id, 'P' || {pick} AS guest_name, '男' AS sex,
                '居民身份证' AS id_type, {person_id(pick)} AS id_no,
                'H' || CAST({h("i", 12)} % 6000 AS VARCHAR) AS hotel_code, '宾馆' AS hotel_name,
                CAST({h("i", 13)} % 900 AS VARCHAR) AS room, CAST({day} AS TIMESTAMP) AS checkin_time,
                CAST({day} AS TIMESTAMP) + INTERVAL 1 DAY AS checkout_time,
                    CAST({day} AS TIMESTAMP) AS uploaded_at
            FROM range({n_stays}) AS t(i)""",
        "hotels": f"""
            SELECT {PROV}, 'H' || CAST(i AS VARCHAR) AS hotel_code,
                '宾馆' || CAST(i AS VARCHAR) AS hotel_name, '地址' AS address, '330602' AS admin_code,
                CAST(NULL AS VARCHAR) AS credit_code, '宾馆' AS kind,
                CASE WHEN i % 20 = 0 THEN 3 + i % 3 ELSE 0 END AS star_rating
            FROM range(6000) AS t(i)""",
        "consumption_bans": f"""
            SELECT {PROV}, 'P' || CAST(i * 200 AS VARCHAR) AS name, {person_id("i * 200")} AS key,
                'ric' AS key_kind,
                'person' AS kind, CAST(NULL AS VARCHAR) AS legal_rep_name,
                '（2020）浙0602执' || CAST(i AS VARCHAR) || '号' AS case_number, '越城区人民法院' AS court,
                DATE '2019-01-01' + CAST({h("i", 14)} % 1500 AS INTEGER) AS issue_date,
                CASE WHEN i % 12 = 0 THEN DATE '2023-06-01' END AS lifted_date
            FROM range({persons // 200}) AS t(i)
            UNION ALL
            SELECT {PROV}, '公司' || CAST(i AS VARCHAR) AS name, 'C' || CAST(i AS VARCHAR) AS key,
                'uscc' AS key_kind,
                'organization' AS kind, 'P' || CAST(i * 200 + 7 AS VARCHAR) AS legal_rep_name,
                '（2021）浙0602执' || CAST(i AS VARCHAR) || '号' AS case_number, '越城区人民法院' AS court,
                DATE '2020-01-01' AS issue_date, CAST(NULL AS DATE) AS lifted_date
            FROM range({persons // 2000}) AS t(i)""",
        "companies": f"""
            SELECT {PROV}, 'C' || CAST(i AS VARCHAR) AS credit_code, '公司' || CAST(i AS VARCHAR) AS name,
                'company' AS type, '批发业' AS industry, 'yuecheng' AS district, '地址' AS address,
                'P' || CAST(i * 200 + 7 AS VARCHAR) AS legal_rep_name,
                    {person_id("i * 200 + 7")} AS legal_rep_id,
                '法定代表人' AS rep_title, DATE '2010-01-01' AS established, 100.0 AS registered_capital_wan,
                false AS financial_licence
            FROM range({persons // 2000}) AS t(i)""",
        "dishonest_debtors": f"""
            SELECT {PROV}, 'P' || CAST(i * 400 AS VARCHAR) AS name, {person_id("i * 400")} AS key,
                'ric' AS key_kind,
                'person' AS kind, '男' AS sex, 1970 AS birth_year, CAST(NULL AS VARCHAR) AS legal_rep_name,
                '（2019）浙0602执' || CAST(i AS VARCHAR) || '号' AS case_number, '越城区人民法院' AS court,
                CAST(NULL AS VARCHAR) AS basis_case_number,
                DATE '2019-06-01' + CAST({h("i", 15)} % 1200 AS INTEGER) AS reg_date,
                CAST(NULL AS DATE) AS publish_date, '全部未履行' AS performance, '' AS disrupt_type,
                CAST(NULL AS DATE) AS removed_date, '失信被执行人名单' AS list_type, 50 AS age_at_listing,
                '浙江' AS province, '' AS basis_issuer, '' AS duty_text, '' AS source_url
            FROM range({persons // 400}) AS t(i)""",
        "passports": f"""
            SELECT {PROV}, {person_id("i * 50")} AS person_key, 'P' || CAST(i * 50 AS VARCHAR) AS name,
                '男' AS sex,
                DATE '1970-01-01' AS birth_date, '普通护照' AS doc_type,
                'E' || printf('%08d', i * 50) AS doc_no,
                DATE '2018-01-01' AS issue_date, DATE '2028-01-01' AS expiry_date, '有效' AS status
            FROM range({persons // 50}) AS t(i)
            UNION ALL
            SELECT {PROV}, {person_id("i * 50")} AS person_key, 'P' || CAST(i * 50 AS VARCHAR) AS name,
                '男' AS sex,
                DATE '1970-01-01' AS birth_date, '港澳通行证' AS doc_type,
                'C' || printf('%08d', i * 50) AS doc_no,
                DATE '2018-01-01' AS issue_date, DATE '2028-01-01' AS expiry_date, '有效' AS status
            FROM range({persons // 50}) AS t(i)""",
        "property_registrations": f"""
            SELECT {PROV}, 'U' || CAST(i AS VARCHAR) AS unit_id, 'CERT' || CAST(i AS VARCHAR) AS cert_no,
                'P' || {h("i", 16)} % {persons} AS holder_name, {holder} AS holder_key,
                CAST(NULL AS VARCHAR) AS transferor_name, CAST(NULL AS VARCHAR) AS transferor_key,
                    '单独所有' AS share_type,
                '坐落' AS address, '房屋所有权' AS right_type, '首次登记' AS reg_type,
                DATE '2019-01-01' + CAST({h("i", 17)} % 1826 AS INTEGER) AS reg_date, '住宅' AS use,
                90.0 AS area_m2, 1000000.0 AS price
            FROM range({persons // 100}) AS t(i)""",
        "vehicle_registrations": f"""
            SELECT {PROV}, '浙D' || CAST(i AS VARCHAR) AS plate, '02' AS plate_type,
                'VIN' || CAST(i AS VARCHAR) AS vin,
                'K33' AS vehicle_type, '品牌' AS brand, 'P' || {h("i", 18)} % {persons} AS owner_name,
                '居民身份证' AS owner_id_type, {person_id(f"{h('i', 18)} % {persons}")} AS owner_key,
                CAST(NULL AS VARCHAR) AS prev_owner_name, CAST(NULL AS VARCHAR) AS prev_owner_key,
                    '非营运' AS use_type,
                'A' AS status, '注册登记' AS business_type,
                DATE '2019-01-01' + CAST({h("i", 19)} % 1826 AS INTEGER) AS reg_date,
                    CAST(NULL AS DATE) AS first_reg_date,
                200000.0 AS price
            FROM range({persons // 100}) AS t(i)""",
    }
    counts = {}
    for table, sql in statements.items():
        path = work / f"{table}.parquet"
        con.execute(f"COPY ({sql}) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)")
        counts[table] = con.execute(f"SELECT count(*) FROM '{path}'").fetchone()[0]  # type: ignore[index]
    con.close()
    return counts


def load(engine: DuckDBEngine, work: Path, tables: list[str]) -> None:
    """Each generated table straight from its Parquet file (columns in the canonical order and
    types; no key constraint to check, as register ingest has already deduplicated), then the
    other canonical tables, empty."""
    schemas = canonical_tables()
    for table in tables:
        path = work / f"{table}.parquet"
        have = set(engine.con.sql(f"SELECT * FROM '{path}' LIMIT 0").columns)
        cols = ", ".join(
            f'CAST("{c.name}" AS {c.type}) AS "{c.name}"'
            if c.name in have
            else f'CAST(NULL AS {c.type}) AS "{c.name}"'
            for c in schemas[table].columns
        )
        engine.con.execute(f"CREATE TABLE {table} AS SELECT {cols} FROM '{path}'")
    engine.ensure_tables(schemas[t] for t in schemas)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rows", type=int, default=50_000_000, help="travel and stay rows (flights, trains, stays)"
    )
    parser.add_argument("--persons", type=int, default=8_000_000)
    parser.add_argument("--work", type=Path, default=None, help="folder for the Parquet files and the store")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-execution-"))
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    counts = generate(work, args.rows, args.persons)
    t_gen = time.perf_counter() - t0
    engine = DuckDBEngine(work / "jiandu.duckdb")
    try:
        t0 = time.perf_counter()
        load(engine, work, list(counts))
        t_load = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = run(engine, Library(), [MODEL], run_id="bench")
        t_run = time.perf_counter() - t0
        (model,) = report.models
        evidence = engine.rows("SELECT count(*) AS n FROM clue_evidence")[0]["n"]
        restricted = engine.rows("SELECT count(DISTINCT person_key) AS n FROM restricted_persons")[0]["n"]
    finally:
        engine.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    travel = counts["flights"] + counts["train_trips"] + counts["hotel_stays"]
    print(
        f"rows: {travel:,} travel and stay rows ({counts['flights']:,} flights, "
        f"{counts['train_trips']:,} trains, "
        f"{counts['hotel_stays']:,} stays); {restricted:,} restricted people; lists and registries: "
        + ", ".join(
            f"{t} {n:,}" for t, n in counts.items() if t not in {"flights", "train_trips", "hotel_stays"}
        )
    )
    print(f"generate (Parquet, DuckDB): {t_gen:.1f} s; load into the store: {t_load:.1f} s")
    for op in report.operators:
        print(f"operator {op.name}: {op.status} in {op.seconds:.1f} s ({op.rows} rows)")
    print(
        f"model {MODEL}: {model.status} {model.clues:,} clues, {evidence:,} evidence rows, "
        f"{model.seconds:.1f} s (whole run incl. operator and clue writes: {t_run:.1f} s)"
    )
    print(f"peak RSS (process, incl. generation and load): {peak:.2f} GiB")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
