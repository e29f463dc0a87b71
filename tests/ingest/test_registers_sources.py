"""Register ingest through declared sources: real layouts, Chinese headers, Excel with merged
headers, GB18030, row-level quarantine with row and column, provenance, idempotent re-runs."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
from stdnum.cn import ric
from typer.testing import CliRunner

from jiandu.cli import sources_cmd
from jiandu.cli.context import console, err_console
from jiandu.cli.main import app
from jiandu.engines.base import Engine
from jiandu.engines.duckdb_engine import DuckDBEngine
from jiandu.ingest.registers import ingest_registers
from jiandu.schema import canonical_tables
from jiandu.schema.registry import TableSchema
from jiandu.sources.model import register_tables
from jiandu.sources.registry import Catalogue, LoadedSource, catalogue, parse_source
from tests.paths import REAL, needs_real
from tests.sources.helpers import MINIMAL, as_yaml, declaration

SHIXIN = REAL / "execution" / "shixin_records.json"
runner = CliRunner()


def _id(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


PERSON = _id("33060219850702023")
PERSON_2 = _id("33060219881213530")
CREDIT = "91330602001978254A"


@pytest.fixture
def duck(tmp_path: Path) -> Any:
    store = DuckDBEngine(tmp_path / "ws")
    yield store
    store.close()


def office(data: dict[str, Any] | None = None) -> Catalogue:
    """The built-in sources plus an office's own declaration (tests/sources/helpers.MINIMAL)."""
    own = LoadedSource(parse_source(data or MINIMAL), "workspace", "test")
    return Catalogue([own, *catalogue(None).sources], [])


def quarantine_rows(engine: Engine) -> dict[tuple[str, str], str]:
    rows = engine.rows("SELECT source, record_ref, reason_code, reason FROM quarantine")
    return {(Path(r["source"]).name, r["record_ref"]): f"{r['reason_code']}: {r['reason']}" for r in rows}


@needs_real
def test_real_shixin_records_load_through_their_declared_source(duck: Engine, tmp_path: Path) -> None:
    report = ingest_registers(duck, tmp_path / "q", [SHIXIN])
    assert report.files[0].source == "court.shixin_list" and report.loaded["dishonest_debtors"] == 3
    rows = {r["name"]: r for r in duck.rows("SELECT * FROM dishonest_debtors")}
    qu = rows["曲宝庆"]
    assert qu["key"] == "37280119701****7692" and qu["key_kind"] == "ric_masked"
    assert (qu["kind"], qu["sex"], qu["birth_year"], qu["age_at_listing"]) == ("person", "男", 1970, 46)
    assert qu["case_number"] == "（2017）鲁1302执791号"  # full-width brackets, the contract
    assert str(qu["reg_date"]) == "2017-02-09" and str(qu["publish_date"]) == "2017-09-27"
    assert qu["basis_case_number"] == "（2017）临兰山证执字第76号"
    assert qu["basis_issuer"] == "山东省临沂市兰山区公证处" and qu["province"] == "山东"
    assert qu["source_url"] == "http://shixin.court.gov.cn/detail?id=701170373"
    assert rows["周兰英"]["sex"] == "女" and rows["徐云夫"]["case_number"] == "（2015）金婺执民字第04665号"
    assert "204 416元" in rows["徐云夫"]["duty_text"]
    assert {(r["source_id"], r["source_file"], r["source_row"], r["load_id"]) for r in rows.values()} == {
        ("court.shixin_list", str(SHIXIN), n, report.run_id) for n in (1, 2, 3)
    }
    again = ingest_registers(duck, tmp_path / "q", [SHIXIN])
    assert again.loaded["dishonest_debtors"] == 0 and again.duplicates["dishonest_debtors"] == 3
    runs = duck.rows("SELECT run_id, read, parsed, duplicates FROM ingest_runs ORDER BY started_at")
    assert [(r["run_id"], r["read"], r["parsed"], r["duplicates"]) for r in runs] == [
        (report.run_id, 3, 3, 0), (again.run_id, 3, 0, 3),
    ]  # fmt: skip


def _office_csv(folder: Path, encoding: str) -> Path:
    lines = [
        "XX县人民法院执行案件登记表（2023年1-6月）,,,,,,,,",
        "执行案号,执行法院,立案日期,申请执行人,申请执行人证件号码,被执行人,被执行人证件号码,被执行人类型,执行标的（万元）",
        f"(2023)浙0602执1号,越城区法院,20230105,马利,{PERSON_2},丁根朝,{PERSON},0,1.5",
        f"(2023)浙0602执2号,越城区法院,2023年1月6日,马利,{PERSON_2},丁根朝,330602850702023,0,2",
        f"(2023)浙0602执3号,越城区法院,2023-01-07,马利,{PERSON_2},某公司,{CREDIT},1,3,多出一列",
        f"(2023)浙0602执4号,越城区法院,2023-01-08,马利,{PERSON_2},错号,{PERSON[:17]}0,0,4",
        f"(2023)浙0602执5号,越城区法院,2023-01-09,马利,{PERSON_2},代码错,{CREDIT},7,5",
        f"(2023)浙0602执6号,越城区法院,2023-01-10,马利,{PERSON_2},某公司,{CREDIT},1,6",
        "合计,,,,,,,,18.5",
    ]
    path = folder / "执行案件2023上半年.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_an_office_export_with_chinese_headers(duck: Engine, tmp_path: Path, encoding: str) -> None:
    path = _office_csv(tmp_path, encoding)
    report = ingest_registers(duck, tmp_path / "q", [path], sources=office())
    item = report.files[0]
    assert (item.source, item.encoding) == (
        "office.execution_cn",
        "utf-8" if encoding != "gb18030" else "gb18030",
    )
    assert (item.read, item.loaded, item.quarantined, item.footers) == (6, 3, 3, 1)
    rows = {r["case_number"]: r for r in duck.rows("SELECT * FROM execution_cases")}
    first = rows["（2023）浙0602执1号"]
    assert first["respondent_key"] == PERSON and first["respondent_kind"] == "person"
    assert first["amount"] == 15000.0 and str(first["filing_date"]) == "2023-01-05"
    assert first["source_row"] == 3  # title row and header counted, as the spreadsheet shows it
    upgraded = rows["（2023）浙0602执2号"]
    assert upgraded["respondent_key"] == PERSON and str(upgraded["filing_date"]) == "2023-01-06"
    assert rows["（2023）浙0602执6号"]["respondent_kind"] == "organization"
    assert rows["（2023）浙0602执6号"]["source_row"] == 8  # numbers stay right after a bad row
    bad = quarantine_rows(duck)
    name = path.name
    assert "9 columns" in bad[(name, "row 5")] and bad[(name, "row 5")].startswith("invalid_row")
    assert "check digit does not match" in bad[(name, "row 6, column 被执行人证件号码")]
    assert "code '7' is not in the declared code list" in bad[(name, "row 7, column 被执行人类型")]
    again = ingest_registers(duck, tmp_path / "q", [path], sources=office())
    assert again.files[0].loaded == 0 and again.files[0].duplicates == 3
    assert duck.count("execution_cases") == 3 and len(quarantine_rows(duck)) == 3


def test_xlsx_with_title_row_merged_header_and_footer(duck: Engine, tmp_path: Path) -> None:
    data = declaration(
        columns={
            "case_number": {"from": "案号"},
            "court": {"from": "执行法院"},
            "filing_date": {"from": "立案日期"},
            "applicant_name": {"from": "申请执行人/姓名"},
            "applicant_key": {"from": "申请执行人/证件号码"},
            "respondent_name": {"from": "被执行人/姓名"},
            "respondent_key": {"from": "被执行人/证件号码"},
        }
    )
    data["files"]["header_rows"] = 2  # a merged two-row header
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["XX县人民法院执行案件（2023年）"])
    sheet.append(["案号", "执行法院", "立案日期", "申请执行人", None, "被执行人", None])
    sheet.append([None, None, None, "姓名", "证件号码", "姓名", "证件号码"])
    for cells in ("A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:G2", "A1:G1"):
        sheet.merge_cells(cells)
    sheet.append(
        ["（2023）浙0602执9号", "越城区法院", dt.datetime(2023, 3, 1), "马利", PERSON_2, "丁根朝", PERSON]
    )
    sheet.append(["（2023）浙0602执10号", "越城区法院", 44986, "马利", PERSON_2, "丁根朝", 3.70828e17])
    sheet.append(["合计", None, None, None, None, None, None])
    sheet.append(["制表人：张三"])
    path = tmp_path / "执行案件2023.xlsx"
    book.save(path)
    report = ingest_registers(duck, tmp_path / "q", [path], sources=office(data))
    item = report.files[0]
    assert (item.read, item.loaded, item.quarantined, item.footers) == (2, 1, 1, 2)
    row = duck.rows("SELECT * FROM execution_cases")[0]
    assert row["respondent_key"] == PERSON and row["applicant_name"] == "马利"
    assert str(row["filing_date"]) == "2023-03-01" and row["source_row"] == 4
    bad = quarantine_rows(duck)[(path.name, "row 5, column 被执行人/证件号码")]
    assert "rounded by a spreadsheet" in bad


def test_mojibake_is_quarantined_not_repaired(duck: Engine, tmp_path: Path) -> None:
    path = tmp_path / "执行案件乱码.csv"
    good = f"(2023)浙0602执1号,越城区法院,2023-01-05,马利,{PERSON_2},丁根朝,{PERSON}"
    broken = f"(2023)浙0602执2号,è¯ä»¶法院,2023-01-05,马利,{PERSON_2},丁根朝,{PERSON}"
    header = "案号,执行法院,立案日期,申请执行人,申请执行人证件号码,被执行人,证件号码"
    path.write_text("\n".join([header, good, broken]) + "\n", encoding="utf-8")
    ingest_registers(duck, tmp_path / "q", [path], sources=office())
    assert duck.count("execution_cases") == 1
    assert "mojibake" in quarantine_rows(duck)[(path.name, "row 3, column 执行法院")]


def test_json_lines_with_bad_lines(duck: Engine, tmp_path: Path) -> None:
    path = tmp_path / "shixin_2023.jsonl"
    record = {"iname": "曲宝庆", "cardNum": "37280119701****7692", "caseCode": "(2017)鲁1302执791号",
              "regDate": "20170209", "courtName": "临沂市兰山区人民法院"}  # fmt: skip
    lines = [json.dumps(record, ensure_ascii=False), "{not json", "[1, 2]", "",
             json.dumps({**record, "caseCode": "(2017)鲁1302执792号", "regDate": "2017-13-01"},
                        ensure_ascii=False)]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = ingest_registers(duck, tmp_path / "q", [path])
    assert report.files[0].source == "court.shixin_list"
    assert (report.files[0].loaded, report.files[0].quarantined) == (1, 3)
    bad = quarantine_rows(duck)
    assert (
        "not a JSON object" in bad[(path.name, "row 2")] and "not a JSON object" in bad[(path.name, "row 3")]
    )
    assert "not a date" in bad[(path.name, "row 5, column regDate")]


def test_a_file_no_source_reads_and_a_forced_source(duck: Engine, tmp_path: Path) -> None:
    path = tmp_path / "unknown_export.csv"
    path.write_text("案号,执行法院\n1,2\n", encoding="utf-8")
    report = ingest_registers(duck, tmp_path / "q", [path])
    assert report.reasons["unsupported"] == 1
    assert "no declared source reads 'unknown_export.csv'" in quarantine_rows(duck)[(path.name, "")]
    report = ingest_registers(duck, tmp_path / "q", [path], sources=office(), source_id="office.execution_cn")
    assert report.reasons["missing_field"] == 1  # read with the forced source: its header lacks columns


def test_provenance_is_declared_once_for_every_register_table() -> None:
    registers = register_tables()
    assert {"execution_cases", "dishonest_debtors", "consumption_bans", "household", "companies",
            "employment"} <= set(registers)  # fmt: skip
    for name, schema in canonical_tables().items():
        columns = schema.column_names
        if name in registers:
            assert columns[-4:] == ["source_id", "source_file", "source_row", "load_id"], name
        else:  # court documents and quarantine: not read through declared sources
            assert "load_id" not in columns, name


def test_a_table_stored_before_provenance_is_upgraded(engine: Engine, tmp_path: Path) -> None:
    old = canonical_tables()["companies"]
    keep = tuple(
        c for c in old.columns if c.name not in {"source_id", "source_file", "source_row", "load_id"}
    )
    before = TableSchema(old.name, old.description, old.key, keep, old.title_zh)
    engine.create_table(before)
    engine.append("companies", before.to_arrow([{"credit_code": CREDIT, "name": "旧公司"}]))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "companies.csv").write_text(
        f"credit_code,name,legal_rep_id\n{CREDIT},旧公司,\n91330602001978254A,重复,\n", encoding="utf-8"
    )
    report = ingest_registers(engine, tmp_path / "q", [folder])
    assert report.duplicates["companies"] == 2
    rows = engine.rows("SELECT name, source_id, load_id FROM companies")
    assert rows == [{"name": "旧公司", "source_id": None, "load_id": None}]


def test_cli_sources_add_then_ingest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "width", 250)
    monkeypatch.setattr(err_console, "width", 250)
    workspace = tmp_path / "ws"
    own = tmp_path / "mine.yaml"
    own.write_text(as_yaml(MINIMAL), encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(as_yaml(declaration(table="users")), encoding="utf-8")
    base = ["--workspace", str(workspace)]
    result = runner.invoke(app, [*base, "sources", "validate", str(own), str(bad)])
    assert result.exit_code == 1 and "not a register table" in result.output
    result = runner.invoke(app, [*base, "sources", "add", str(own)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, [*base, "sources", "list"])
    assert "office.execution_cn" in result.output and "court.shixin_list" in result.output
    csv_path = _office_csv(tmp_path, "utf-8")
    result = runner.invoke(app, [*base, "ingest", "registers", str(csv_path)])
    assert result.exit_code == 0, result.output
    assert "office.execution_cn" in result.output
    result = runner.invoke(app, [*base, "sources", "show", "office.execution_cn"])
    assert result.exit_code == 0 and "3 行" in result.output and "被执行人证件号码" in result.output
    assert "超过保存期限" not in result.output

    class Later(dt.datetime):  # 2,000 days on: past the source's 1,825-day retention
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> Later:
            return cls.fromtimestamp((dt.datetime.now(tz) + dt.timedelta(days=2000)).timestamp(), tz)

    monkeypatch.setattr(
        sources_cmd, "dt", SimpleNamespace(datetime=Later, UTC=dt.UTC, timedelta=dt.timedelta)
    )
    result = runner.invoke(app, [*base, "sources", "show", "office.execution_cn"])
    assert "其中 3 行已超过保存期限" in result.output


def test_builtin_sources_for_agency_layouts(duck: Engine, tmp_path: Path) -> None:
    """Court DB dump (T_SCZX columns, GB18030), 公安 pinyin columns, 限高 with masked numbers,
    市场监管 Chinese headers: each read by its built-in source, chosen by file name."""
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "T_SCZX_2023.csv").write_bytes(
        (
            "C_AH,执行法院,N_FYDM,D_LARQ,申请执行人,申请执行人证件号码,被执行人,被执行人证件号码,"
            "C_ZXYJWSWH,N_YZXBDJE,C_JAFS,D_JARQ,D_FCZXTZSRQ,C_ZJBCZXSY,N_SWZXBDJE,C_ZCZXYJDW\n"
            f"(2023)浙0602执7号,越城区法院,1302,2023-02-01 00:00:00.0,马利,{PERSON_2},丁根朝,{PERSON},"
            "(2022)浙0602民初5号,120000.0000,终结本次执行程序,1900-01-01,20230206,"
            "被执行人无可供执行的财产,118000.0000,越城区法院\n"
        ).encode("gb18030")
    )
    (folder / "常住人口2023.csv").write_text(
        "HH,GMSFHM,XM,XB,CSRQ,MZ,YHZGX,ZZ\n"
        f"H9,{PERSON},丁根朝,1,19850702,01,户主,浙江省绍兴市越城区镜湖路753号\n"
        f"H9,{PERSON_2},马利,3,19881213,01,配偶,浙江省绍兴市越城区镜湖路753号\n",
        encoding="utf-8",
    )
    (folder / "限制消费人员2023.csv").write_text(
        "被限制人,证件号码,案号,执行法院,发布日期\n"
        "曲宝庆,37280119701****7692,(2017)鲁1302执791号,临沂市兰山区人民法院,2017年09月27日\n",
        encoding="utf-8",
    )
    (folder / "企业登记信息.csv").write_text(
        f"统一社会信用代码,企业名称,法定代表人,成立日期,注册资本（万元）\n{CREDIT},浙江鼎盛建筑工程有限公司,丁根朝,2010/3/5,500\n",
        encoding="utf-8",
    )
    report = ingest_registers(duck, tmp_path / "q", [folder])
    used = {Path(f.file).name: (f.source, f.loaded, f.quarantined) for f in report.files}
    assert used == {
        "T_SCZX_2023.csv": ("court.execution_cases", 1, 0),
        "常住人口2023.csv": ("police.household", 1, 1),
        "限制消费人员2023.csv": ("court.consumption_bans", 1, 0),
        "企业登记信息.csv": ("market.companies", 1, 0),
    }
    case = duck.rows("SELECT * FROM execution_cases")[0]
    assert (case["case_number"], case["basis_case_number"]) == (
        "（2023）浙0602执7号",
        "（2022）浙0602民初5号",
    )
    assert case["amount"] == 120000.0 and str(case["filing_date"]) == "2023-02-01"
    assert case["closing_date"] is None and case["closing_mode"] == "终结本次执行程序"  # 1900-01-01: empty
    # the 终本 details the execution models read
    assert str(case["notice_date"]) == "2023-02-06" and case["outstanding_amount"] == 118000.0
    assert (case["zhongben_reason"], case["basis_issuer"]) == ("被执行人无可供执行的财产", "越城区法院")
    person = duck.rows("SELECT * FROM household")[0]
    assert (person["name"], person["sex"], str(person["birth_date"])) == ("丁根朝", "男", "1985-07-02")
    assert (
        "code '3' is not in the declared code list"
        in quarantine_rows(duck)[("常住人口2023.csv", "row 3, column XB")]
    )
    ban = duck.rows("SELECT * FROM consumption_bans")[0]
    assert (ban["key"], ban["key_kind"], ban["kind"]) == ("37280119701****7692", "ric_masked", "person")
    assert str(ban["issue_date"]) == "2017-09-27"
    company = duck.rows("SELECT * FROM companies")[0]
    assert company["registered_capital_wan"] == 500.0 and str(company["established"]) == "2010-03-05"


def test_hostile_register_files(duck: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "hostile"
    folder.mkdir()
    bomb = folder / "执行案件炸弹.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 2**20))  # 64 MB of zeros
    (folder / "执行案件假的.xlsx").write_bytes(b"not a zip at all")
    (folder / "shixin_deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (folder / "shixin_scalar.json").write_text('"a string"', encoding="utf-8")
    (folder / "执行案件二进制.csv").write_bytes(bytes(range(256)) * 40)
    seen: list[int] = []
    report = ingest_registers(
        duck, tmp_path / "q", [folder], sources=office(), on_progress=lambda r: seen.append(len(r.files))
    )
    bad = quarantine_rows(duck)
    assert bad[("执行案件炸弹.xlsx", "")].startswith("zip_limit: ")
    assert bad[("执行案件假的.xlsx", "")].startswith("truncated: ")
    assert bad[("shixin_deep.json", "")].startswith("bad_json: ")
    assert bad[("shixin_scalar.json", "")].startswith("bad_json: ")
    assert bad[("执行案件二进制.csv", "")].startswith("binary: ")
    assert report.files == [] and len(seen) == 5  # progress after every file
