"""Register ingest with validation: rows per second from CSV, and what .xlsx costs (issue 14 §1).

    python benchmarks/bench_registers.py [--rows 1000000] [--xlsx-rows 100000] [--work DIR]

Writes an execution-case register (`execution_cases`, the synthetic county's layout, read
through the built-in source ``synth.execution_cases``) of ``--rows`` rows as UTF-8 CSV and as
GB18030 CSV, and ``--xlsx-rows`` rows as .xlsx with a title row and a merged two-row header
(read through a declared source written here), then loads each into a fresh DuckDB workspace
with `jiandu.ingest.registers.ingest_registers` and reports rows/s (read, validated, stored,
provenance added). The rows are what an export looks like: 20,000 people and 2,000
organisations as parties (valid ID numbers and credit codes), 12 courts, dates over six
years, 0.5% of rows with a bad ID number (quarantined, with their row and column).
Peak memory is the benchmark process's maximum RSS.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import logging
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from stdnum.cn import ric, uscc  # noqa: E402

from jiandu.engines import open_engine  # noqa: E402
from jiandu.ingest.registers import ingest_registers  # noqa: E402
from jiandu.inputs.identifiers import normalize_key, parse_id  # noqa: E402
from jiandu.sources.registry import Catalogue, LoadedSource, catalogue, parse_source_text  # noqa: E402
from jiandu.synth.registers import EXECUTION_COLUMNS  # noqa: E402

XLSX_SOURCE = """
id: bench.execution_xlsx
agency: 法院
dataset: 执行案件（Excel 导出，合并表头）
legal_basis: [{law: 《中华人民共和国人民检察院组织法》, article: 第二十一条}]
sensitivity: sensitive
retention_days: 1825
refresh: monthly
table: execution_cases
files: {format: [xlsx], names: ["执行案件*.xlsx"], header_rows: 2}
columns:
  case_number: {from: 案号}
  court: {from: 执行法院}
  court_code: {from: 法院代码}
  filing_date: {from: 立案日期}
  applicant_name: {from: 申请执行人/姓名或名称}
  applicant_key: {from: 申请执行人/证件号码}
  applicant_kind: {from: 申请执行人/类型, codes: {自然人: person, 单位: organization}}
  respondent_name: {from: 被执行人/姓名或名称}
  respondent_key: {from: 被执行人/证件号码}
  respondent_kind: {from: 被执行人/类型, codes: {自然人: person, 单位: organization}}
  cause: {from: 案由}
  amount: {from: 执行标的（元）}
  status: {from: 案件状态}
  closing_mode: {from: 结案方式}
  closing_date: {from: 结案日期}
"""
XLSX_GROUPS = [
    ("案号", None), ("执行法院", None), ("法院代码", None), ("立案日期", None),
    ("申请执行人", "姓名或名称"), ("申请执行人", "证件号码"), ("申请执行人", "类型"),
    ("被执行人", "姓名或名称"), ("被执行人", "证件号码"), ("被执行人", "类型"),
    ("案由", None), ("执行标的（元）", None), ("案件状态", None), ("结案方式", None), ("结案日期", None),
]  # fmt: skip


def _person(rng: random.Random) -> str:
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 50 * 365))
    body = f"3306{rng.randint(0, 99):02d}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    return body + ric.calc_check_digit(body + "0")


def _org(rng: random.Random) -> str:
    body = f"91330602{rng.randint(0, 10**9 - 1):09d}"
    return body + uscc.calc_check_digit(body)


def rows(count: int, seed: int = 7) -> list[tuple[str, ...]]:
    rng = random.Random(seed)
    people = [(f"张{rng.choice('伟芳娜敏静丽强磊军洋')}{i % 97}", _person(rng)) for i in range(20_000)]
    orgs = [(f"绍兴{i}号商贸有限公司", _org(rng)) for i in range(2_000)]
    courts = [(f"浙江省绍兴市第{i}人民法院", f"浙06{i:02d}") for i in range(12)]
    causes = ["民间借贷纠纷", "金融借款合同纠纷", "买卖合同纠纷", "劳务合同纠纷"]
    start = dt.date(2018, 1, 1)
    out: list[tuple[str, ...]] = []
    for i in range(count):
        court, code = rng.choice(courts)
        filed = start + dt.timedelta(days=rng.randint(0, 6 * 365))
        applicant = rng.choice(orgs) if rng.random() < 0.4 else rng.choice(people)
        respondent = rng.choice(people) if rng.random() < 0.8 else rng.choice(orgs)
        key = respondent[1]
        if rng.random() < 0.005:
            key = key[:17] + ("0" if key[17] != "0" else "1")  # bad check digit
        closed = rng.random() < 0.6
        out.append(
            (
                f"（{filed.year}）{code}执{i + 1}号", court, code, filed.isoformat(),
                applicant[0], applicant[1], "organization" if applicant[1][:2] == "91" else "person",
                respondent[0], key, "organization" if respondent[1][:2] == "91" else "person",
                rng.choice(causes), "", "民事判决书", str(rng.randint(1000, 2_000_000)),
                "已结案" if closed else "执行中", "终结本次执行程序" if closed else "",
                (filed + dt.timedelta(days=rng.randint(90, 400))).isoformat() if closed else "", "",
            )
        )  # fmt: skip
    return out


def write_csv(path: Path, data: list[tuple[str, ...]], encoding: str) -> None:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(EXECUTION_COLUMNS)
        writer.writerows(data)


def write_xlsx(path: Path, data: list[tuple[str, ...]]) -> None:
    import openpyxl

    top: list[str | None] = []  # a merged group cell holds its value once, the cells to its right are empty
    previous = None
    for group, sub in XLSX_GROUPS:
        top.append(group if group != previous or sub is None else None)
        previous = group
    second = [sub for _, sub in XLSX_GROUPS]
    columns = {c: i for i, c in enumerate(EXECUTION_COLUMNS)}
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("执行案件")
    sheet.append(["XX县人民法院执行案件登记表（2018年1月-2023年12月）"])
    sheet.append(top)
    sheet.append(second)
    kind = {"person": "自然人", "organization": "单位"}
    for r in data:
        sheet.append(
            [
                r[columns["case_number"]], r[columns["court"]], r[columns["court_code"]],
                dt.date.fromisoformat(r[columns["filing_date"]]),
                r[columns["applicant_name"]], r[columns["applicant_key"]],
                kind[r[columns["applicant_kind"]]],
                r[columns["respondent_name"]], r[columns["respondent_key"]],
                kind[r[columns["respondent_kind"]]],
                r[columns["cause"]], int(r[columns["amount"]]), r[columns["status"]],
                r[columns["closing_mode"]], r[columns["closing_date"]],
            ]
        )  # fmt: skip
    sheet.append(["合计", None, None, None, None, None, None, None, None, None, None, None])
    sheet.append(["制表人：张三"])
    book.save(path)


def measure(label: str, path: Path, work: Path, sources: Catalogue | None = None) -> dict[str, float]:
    folder = work / f"ws-{label}"
    shutil.rmtree(folder, ignore_errors=True)
    normalize_key.cache_clear()  # each measurement starts cold: no key seen before
    parse_id.cache_clear()
    engine = open_engine("duckdb", folder)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        report = ingest_registers(engine, folder / "quarantine", [path], sources=sources)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        engine.close()
    read = sum(report.read.values())
    loaded = sum(report.loaded.values())
    quarantined = sum(report.quarantined.values())
    print(
        f"{label:14} {read:>10,} rows read  {loaded:>10,} loaded  {quarantined:>6,} quarantined  "
        f"{seconds:6.2f} s  {read / seconds:>9,.0f} rows/s  "
        f"(CPU {cpu:6.2f} s: {read / cpu:>9,.0f} rows/CPU-s; "
        f"{path.stat().st_size / 2**20:.0f} MB)",
        flush=True,
    )
    return {"rows": read, "seconds": seconds, "cpu": cpu}


def main() -> None:
    logging.disable(logging.WARNING)  # one warning per quarantined row: not part of the figure
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="jiandu-bench-registers-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        data = rows(args.rows)
        for encoding, label in (("utf-8", "utf8"), ("gb18030", "gb18030")):
            folder = work / label
            folder.mkdir(exist_ok=True)
            write_csv(folder / "execution_cases.csv", data, encoding)
        (work / "xlsx").mkdir(exist_ok=True)
        write_xlsx(work / "xlsx" / "执行案件2023.xlsx", data[: args.xlsx_rows])
        del data
        print(f"execution_cases register, {args.rows:,} rows (CSV), {args.xlsx_rows:,} rows (.xlsx)")
        warm = work / "warm"  # imports and first opens are not part of the figures
        warm.mkdir(exist_ok=True)
        write_csv(warm / "execution_cases.csv", rows(1000, seed=1), "utf-8")
        measure("(warm-up)", warm / "execution_cases.csv", work)
        measure("csv utf-8", work / "utf8" / "execution_cases.csv", work)
        measure("csv gb18030", work / "gb18030" / "execution_cases.csv", work)
        declared = LoadedSource(parse_source_text(XLSX_SOURCE), "workspace", "bench")
        xlsx = Catalogue([declared, *catalogue(None).sources], [])
        measure("xlsx", work / "xlsx" / "执行案件2023.xlsx", work, xlsx)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS of the benchmark process: {peak:,.0f} MB")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
