"""The per-document text operators on one engine: seconds of each, peak memory, sorted output.

    python benchmarks/bench_text_operators.py --workspace DIR [--engine duckdb|spark]
                                              [--dump OUT] [--driver-max-result 1m]
                                              [--only claim_wording ...]

The workspace holds an ingested county (``jiandu ingest judgments``). Its DuckDB store is
copied to a scratch folder (the workspace is never written); with ``--engine spark`` the input
tables are loaded from that copy into a scratch Spark warehouse first (not timed). Then the
operators loan_signs, civil_mentions, document_facts and claim_wording run one after the other
(``--only`` names the ones to run, alone: they read only the ingested tables).
Printed: seconds per operator, rows written, and the peak RSS of this process and of its
worker processes (``getrusage``). With ``--dump OUT`` each output table is written to
``OUT/<table>.parquet`` with its rows sorted, to compare two versions of the code.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

INPUTS = ("documents", "cases", "parties", "signs", "flags")
OUTPUTS = {
    "loan_signs": ("loan_signs",),
    "civil_mentions": ("document_mentions",),
    "document_facts": ("document_executions", "document_relations"),
    "claim_wording": ("claim_wording",),
}


def _operators() -> dict[str, object]:
    import jiandu.models  # noqa: F401  (registers every domain's operators)
    from jiandu.models.civil.operators.claim_wording import ClaimWording
    from jiandu.models.civil.operators.docfacts import DocumentFacts
    from jiandu.models.civil.operators.loan_signs import LoanSigns
    from jiandu.models.civil.operators.mentions import DocumentMentions

    return {
        "loan_signs": LoanSigns(),
        "civil_mentions": DocumentMentions(),
        "document_facts": DocumentFacts(),
        "claim_wording": ClaimWording(),
    }


def _open(kind: str, workspace: Path, scratch: Path, driver_max_result: str | None) -> object:
    from jiandu.engines.duckdb_engine import DuckDBEngine

    copy = scratch / "jiandu.duckdb"
    shutil.copy(workspace / "jiandu.duckdb", copy)
    duck = DuckDBEngine(copy)
    if kind == "duckdb":
        return duck
    from jiandu.engines import spark_engine
    from jiandu.schema import canonical_tables

    if driver_max_result:
        spark_engine.SPARK_CONF["spark.driver.maxResultSize"] = driver_max_result
    spark = spark_engine.SparkEngine(scratch / "spark-warehouse")
    tables = canonical_tables()
    for name in INPUTS:
        spark.create_table(tables[name])
        reader = duck.con.sql(f"SELECT * FROM {name}").to_arrow_reader(50_000)
        for batch in reader:
            import pyarrow as pa

            spark.append(name, pa.Table.from_batches([batch]))
    duck.close()
    return spark


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, required=True)
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    parser.add_argument("--dump", type=Path)
    parser.add_argument("--driver-max-result", help="spark.driver.maxResultSize, e.g. 1m")
    parser.add_argument("--only", nargs="+", choices=tuple(OUTPUTS), help="run only these operators")
    args = parser.parse_args()
    import pyarrow.parquet as pq

    scratch = Path(tempfile.mkdtemp(prefix="jiandu-textops-"))
    try:
        engine = _open(args.engine, args.workspace, scratch, args.driver_max_result)
        total = 0.0
        for name, op in _operators().items():
            if args.only and name not in args.only:
                continue
            started = time.perf_counter()
            op.run(engine)  # type: ignore[attr-defined]
            seconds = time.perf_counter() - started
            total += seconds
            counts = {t: engine.count(t) for t in OUTPUTS[name]}  # type: ignore[attr-defined]
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{name:16s} {seconds:8.1f} s  {counts}  (peak RSS so far {peak:.0f} MiB)", flush=True)
            if args.dump:
                args.dump.mkdir(parents=True, exist_ok=True)
                for table in OUTPUTS[name]:
                    rows = engine.query(f"SELECT * FROM {table} ORDER BY ALL")  # type: ignore[attr-defined]
                    pq.write_table(rows, args.dump / f"{table}.parquet")
        engine.close()  # type: ignore[attr-defined]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    from jiandu.models import textpool

    textpool.shutdown()  # workers reaped, so their peak counts below
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{'total':16s} {total:8.1f} s  peak RSS: this process {own:.0f} MiB, "
          f"largest worker {workers:.0f} MiB")


if __name__ == "__main__":
    main()
