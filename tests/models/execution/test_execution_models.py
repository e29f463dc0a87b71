"""The execution models on a hand-built county written in the agencies' layouts (support.py):
the files load through the declared sources, planted positives become clues with every event as
evidence, near misses do not, and both engines give the same clues. The ban model also runs on
the real 失信 records (no travel records exist in the real data: it says so)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from engine_support import make_engine

from jiandu.engines.base import Engine
from jiandu.ingest.registers import RegisterReport, ingest_registers
from jiandu.inputs.identifiers import parse_id
from jiandu.models.clues import load_clues
from jiandu.models.library import Library
from jiandu.models.runner import run
from tests.models.execution import support as S
from tests.paths import REAL, needs_real

BAN = "execution.ban_violation"
FINAL = "execution.final_closure_compliance"
REFUSAL = "execution.refusal_to_execute"
BATCH = "execution.batch_anomaly"
MODELS = [BAN, FINAL, REFUSAL, BATCH]


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One DuckDB store with the hand-built county loaded and the three models run."""
    tmp = tmp_path_factory.mktemp("execution")
    engine = make_engine("duckdb", tmp / "workspace")
    report = S.load(engine, tmp / "exports", tmp / "quarantine")
    run_report = run(engine, Library(), MODELS, run_id="execution")
    clues = load_clues(engine)
    yield engine, report, run_report, clues
    engine.close()


def by_model(clues: list[dict[str, Any]], model: str) -> dict[str, dict[str, Any]]:
    return {c["subject"]["key"]: c for c in clues if c["model_id"] == model}


def test_agency_files_load_through_their_declared_sources(county: Any) -> None:
    engine, report, _, _ = county
    assert isinstance(report, RegisterReport)
    sources = {
        Path(f.file).name: (f.source, f.read, f.loaded, f.duplicates, f.quarantined) for f in report.files
    }
    assert sources["民航旅客乘机记录.csv"] == ("caac.flights", 9, 8, 1, 0)  # one re-sent row
    assert sources["铁路旅客乘车记录.csv"][:3] == ("railway.train_trips", 3, 3)
    assert {f.encoding for f in report.files if Path(f.file).name == "铁路旅客乘车记录.csv"} == {"gb18030"}
    for name, source in {
        "旅馆业场所登记.csv": "police.hotels",
        "旅馆住宿登记.csv": "police.hotel_stays",
        "不动产登记信息.csv": "realestate.registrations",
        "机动车登记信息.csv": "vehicles.registrations",
        "企业变更记录.csv": "market.equity_changes",
        "出入境证件信息.csv": "immigration.documents",
        "执行措施记录.csv": "court.execution_measures",
        "shixin_test.json": "court.shixin_list",
    }.items():
        assert sources[name][0] == source and sources[name][4] == 0, name
    # codes mapped, keys normalised, the refund kept as its own row, provenance on every row
    refunds = engine.rows("SELECT ticket_status, boarded FROM flights WHERE ticket_no = '999-3' ORDER BY 1")
    assert refunds == [
        {"ticket_status": "已出票", "boarded": False},
        {"ticket_status": "已退票", "boarded": False},
    ]
    passports = engine.rows("SELECT doc_type, doc_no FROM passports ORDER BY doc_no")
    assert passports == [
        {"doc_type": "普通护照", "doc_no": "E12345678"},
        {"doc_type": "普通护照", "doc_no": "E87654321"},
    ]
    seats = {r["seat_class"] for r in engine.rows("SELECT seat_class FROM train_trips")}
    assert seats == {"二等座", "一等座"}
    (car,) = engine.rows(
        "SELECT plate, business_type, owner_key FROM vehicle_registrations WHERE vin LIKE '%3'"
    )
    assert car == {"plate": "浙DC3456", "business_type": "转移登记", "owner_key": S.WEI_CO}
    (listed,) = engine.rows("SELECT key, key_kind, case_number FROM dishonest_debtors")
    assert listed == {"key": S.masked(S.LI), "key_kind": "ric_masked", "case_number": "（2019）浙0602执888号"}
    assert engine.rows("SELECT count(*) AS n FROM hotels WHERE star_rating = 5") == [{"n": 1}]
    assert engine.rows("SELECT count(*) AS n FROM flights WHERE source_id IS NULL OR source_row IS NULL") == [
        {"n": 0}
    ]


def test_every_model_runs(county: Any) -> None:
    _, _, run_report, _ = county
    assert [(m.model_id, m.status) for m in run_report.models] == [(m, "ok") for m in MODELS]


@pytest.mark.parametrize("model", MODELS)
def test_planted_positives_fire_and_near_misses_do_not(county: Any, model: str) -> None:
    clues = by_model(county[3], model)
    assert set(clues) == S.EXPECTED[model]
    assert not set(clues) & S.NEAR_MISSES[model]
    assert all(c["evidence"] for c in clues.values())


def test_ban_violation_cites_every_violating_event(county: Any) -> None:
    clues = by_model(county[3], BAN)
    wang = clues[S.WANG]
    labels = sorted(e["label"] for e in wang["evidence"])
    # the flight before the ban, the refunded ticket, the D train and the guesthouse are not events
    assert labels == [
        "乘坐列车：2021-08-01 G7501",
        "乘坐飞机：2021-05-02 MU5101",
        "乘坐飞机：2021-07-01 HO1234",
        "入住星级宾馆：2021-09-01 绍兴咸亨大酒店",
    ]
    passport_trip = next(e for e in wang["evidence"] if e["label"] == "乘坐飞机：2021-07-01 HO1234")
    assert "公务舱" in passport_trip["text"] and "普通护照 E12345678" in passport_trip["text"]
    assert "持有出入境证件2本" in wang["explanation"] and "违规消费事件4起" in wang["explanation"]
    assert wang["band"] == "yellow"
    li = clues[S.LI]  # found through the masked number of the public list: scored lower
    assert "脱敏" in li["explanation"] and li["score"] < wang["score"]
    qian = clues[S.QIAN]
    assert "单位法定代表人" in qian["explanation"] and [e["label"] for e in qian["evidence"]] == [
        "购买车辆：2022-01-01 大众帕萨特"
    ]


def test_ban_violation_flight_rule_is_a_parameter(tmp_path: Path) -> None:
    """Art. 3 bans any flight (default); a region reading it as business and first class only
    keeps 王建国's business-class flight and drops his economy one; the 失信 list still bans
    every flight (李秀英 flew economy)."""
    from jiandu.models.regions import parse_region

    engine = make_engine("duckdb", tmp_path / "workspace")
    try:
        S.load(engine, tmp_path / "exports", tmp_path / "quarantine")
        region = parse_region(
            {"region": "test", "name_zh": "测试", "models": {BAN: {"ban_any_flight": False}}}, source="test"
        )
        run(engine, Library(), [BAN], region=region)
        clues = by_model(load_clues(engine), BAN)
    finally:
        engine.close()
    labels = sorted(e["label"] for e in clues[S.WANG]["evidence"])
    assert labels == [
        "乘坐列车：2021-08-01 G7501",
        "乘坐飞机：2021-07-01 HO1234",
        "入住星级宾馆：2021-09-01 绍兴咸亨大酒店",
    ]
    assert S.LI in clues


def test_final_closure_names_the_missing_steps(county: Any) -> None:
    clues = by_model(county[3], FINAL)
    assert "未网络查控" in clues[S.WU]["explanation"] and "未约谈申请执行人" in clues[S.WU]["explanation"]
    assert "未发限制消费令" not in clues[S.WU]["explanation"]  # on the ban list, not in the measures
    assert "立案后2个月即终本" in clues[S.ZHENG]["explanation"]
    chen = clues[S.CHEN]
    assert "终本后于2022-03-01起取得财产1项，未恢复执行" in chen["explanation"]
    assert any(e["label"].startswith("终本后取得财产：2022-03-01 不动产首次登记") for e in chen["evidence"])


def test_batch_anomaly_grades_notarised_batches_red(county: Any) -> None:
    (lender,) = by_model(county[3], BATCH).values()
    assert lender["band"] == "red" and "明显违法违规线索" in lender["explanation"]
    assert "执行依据为公证债权文书的24件（100%），2021-03-15同日立案8件" in lender["explanation"]
    assert len(lender["evidence"]) == 8  # the batch filed that day


def test_batch_anomaly_breaks_ties_by_the_earliest_year_and_day(tmp_path: Path) -> None:
    """Two years with as many cases and two batch days as large: the clue names the earlier of
    each, whatever order the rows come in (the later ones are written first here)."""
    import csv
    import datetime as dt

    from jiandu.synth.ids import credit_code

    folder = tmp_path / "exports"
    S.write_exports(folder)
    applicant, key = "绍兴瑞丰商务咨询有限公司", credit_code(S._rng, "330602")
    # 2022 first: 20 cases, 6 of them on 2022-09-01 and 6 on 2022-05-01; then 2021: 20 cases
    days = [dt.date(2022, 9, 1)] * 6 + [dt.date(2022, 5, 1)] * 6 + [
        dt.date(2022, 6, 1) + dt.timedelta(days=3 * i) for i in range(8)
    ] + [dt.date(2021, 2, 1) + dt.timedelta(days=5 * i) for i in range(20)]
    path = folder / "execution_cases.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for n, day in enumerate(days, start=900):
            row = {
                "case_number": S.case(n, day.year), "court": S.YUECHENG, "court_code": S.COURT_CODE,
                "filing_date": day.isoformat(), "applicant_name": applicant, "applicant_key": key,
                "applicant_kind": "organization", "respondent_name": "施杰",
                "respondent_key": S.BORROWER, "respondent_kind": "person", "cause": "借款合同纠纷",
                "basis_case_number": f"（{day.year}）浙绍越证执字第{n}号",
                "basis_document": "公证债权文书", "amount": 40_000 + n, "status": "执行中",
            }
            writer.writerow([row.get(column, "") for column in header])
    engine = make_engine("duckdb", tmp_path / "workspace")
    try:
        ingest_registers(engine, tmp_path / "quarantine", [folder])
        run(engine, Library(), [BATCH])
        clue = by_model(load_clues(engine), BATCH)[key]
    finally:
        engine.close()
    assert "2021年达20件" in clue["explanation"]
    assert "2022-05-01同日立案6件" in clue["explanation"]


def test_refusal_names_the_transfer_and_the_relation(county: Any) -> None:
    clues = by_model(county[3], REFUSAL)
    assert "转至配偶何芳" in clues[S.CHU]["explanation"]
    assert "转至其担任法定代表人的单位绍兴卫东贸易有限公司" in clues[S.WEI]["explanation"]
    assert (
        "股权：绍兴杨帆实业有限公司" in clues[S.YANG]["explanation"]
        and "配偶秦霞" in clues[S.YANG]["explanation"]
    )


@needs_real
def test_ban_model_reads_the_real_dishonest_list(tmp_path: Path) -> None:
    """The three real 失信 records load through court.shixin_list with their masked numbers.
    The real data hold no travel records, so the model says its travel slots are empty and gives
    no clue; a trip written for the test by one listed person (a full ID number that fits the
    mask, the name, after the listing date) is found, with the identity marked as inferred."""
    records = json.loads((REAL / "execution" / "shixin_records.json").read_text(encoding="utf-8"))
    engine = make_engine("duckdb", tmp_path / "workspace")
    try:
        shutil.copy(REAL / "execution" / "shixin_records.json", tmp_path / "shixin_records.json")
        report = ingest_registers(engine, tmp_path / "quarantine", [tmp_path / "shixin_records.json"])
        assert report.loaded["dishonest_debtors"] == len(records) == 3
        keys = engine.rows("SELECT key, key_kind FROM dishonest_debtors ORDER BY key")
        assert {k["key_kind"] for k in keys} == {"ric_masked"}
        first = run(engine, Library(), [BAN])
        (model,) = first.models
        assert model.status == "ok" and model.clues == 0
        assert "flights" in model.message and "train_trips" in model.message
        # one trip by 曲宝庆 after his listing (2017-02-09), on a full number that fits the mask
        person = records[0]
        full = next(
            f"{person['cardNum'][:11]}{hidden:03d}{person['cardNum'][-4:]}"
            for hidden in range(1000)
            if parse_id(f"{person['cardNum'][:11]}{hidden:03d}{person['cardNum'][-4:]}") is not None
        )
        folder = tmp_path / "exports"
        folder.mkdir()
        S.write_flights(folder, [(person["iname"], full, "2017-06-01")])
        ingest_registers(engine, tmp_path / "quarantine", [folder])
        run(engine, Library(), [BAN])
        (clue,) = [c for c in load_clues(engine) if c["model_id"] == BAN]
    finally:
        engine.close()
    assert clue["subject"]["key"] == full and clue["subject"]["name"] == person["iname"]
    assert "脱敏" in clue["explanation"] and "(2017)鲁1302执791号" not in clue["explanation"]
    assert "（2017）鲁1302执791号" in clue["explanation"]


@pytest.mark.spark
@pytest.mark.slow
def test_same_clues_on_duckdb_and_spark(tmp_path: Path) -> None:
    results: dict[str, list[dict[str, Any]]] = {}
    for kind in ("duckdb", "spark"):
        engine: Engine = make_engine(kind, tmp_path / kind)
        try:
            S.load(engine, tmp_path / f"exports-{kind}", tmp_path / f"quarantine-{kind}")
            report = run(engine, Library(), MODELS, run_id="same")
            assert [m.status for m in report.models] == ["ok"] * len(MODELS), [
                (m.model_id, m.message) for m in report.models
            ]
            results[kind] = load_clues(engine)
        finally:
            engine.close()
    assert {c["subject"]["key"] for c in results["duckdb"]} == set().union(*S.EXPECTED.values())
    assert results["duckdb"] == results["spark"]
