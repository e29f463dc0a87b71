"""The land models on the planted land county, through the declared sources, on DuckDB and Spark.

The patterns (jiandu/models/land/patterns) plant, per model, positives and near misses among an
honest background and write the agencies' exports (供地结果 as .xlsx with a title row and as
UTF-8 CSV with BOM, 分期支付约定, 出让收入缴款 with a re-sent part and a 退库 correction, 闲置土地
and 行政处罚 in GB18030, 执行情况 with acts reported later). Every positive is pushed with its band,
nothing else is; the derived tables are the same on both engines (digest); the dates are exact
(paid on the due day, 364 days late, applied on the last day).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from jiandu.engines.base import Engine
from jiandu.ingest.registers import ingest_registers
from jiandu.models.land.patterns import arrears, idle, penalties
from jiandu.models.land.patterns.common import AS_OF
from tests.models.land.support import MODELS, ingest, land_county, run_land

BANDS = {
    "land_arrears-00-unpaid-long": "red",
    "land_arrears-00-refunded": "red",
    "land_arrears-00-late-no-fee": "green",
    "land_idle-00-two-years": "red",
    "land_idle-00-one-year": "yellow",
    "land_idle-00-late-start": "green",
    "land_penalties-00-never-applied": "red",
    "land_penalties-00-partial": "red",
    "land_penalties-00-applied-late": "green",
}
# sha256 of the land derived tables as DuckDB builds them: Spark must build the very same
DIGEST = "ad85e44c5b5d9f5102dc3cd4032f67aa4377d8d994de34d23a65139d00a0fd45"
CLUES_DIGEST = "49e60e8f7451454f97bc445ed4aa3c183b043fa0da653560037ced63d672f14d"


def digest(engine: Engine) -> str:
    parts = []
    for table, order in (
        ("land_instalment_status", "supervision_no, period_no"),
        ("land_parcel_status", "supervision_no"),
        ("land_penalty_status", "decision_no"),
        ("land_districts", "district"),
    ):
        for r in engine.rows(f"SELECT * FROM {table} ORDER BY {order}"):
            parts.append("|".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in r.values()))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def clues_digest(clues: list[dict]) -> str:
    lines = [
        "|".join(
            [
                c["model_id"],
                c["subject"]["key"],
                c["band"],
                f"{c['score']:.4f}",
                c["explanation"],
                *sorted(f"{e['source']}:{e['label']}:{e['text']}" for e in c["evidence"]),
            ]
        )
        for c in sorted(clues, key=lambda c: (c["model_id"], c["subject"]["key"]))
    ]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def test_exports_look_like_the_agencies(tmp_path: Path) -> None:
    _, counts = land_county(tmp_path)
    assert "国有建设用地供地结果_1.xlsx" in counts and "国有建设用地供地结果_2.csv" in counts
    assert (
        (tmp_path / "国有建设用地供地结果_2.csv").read_bytes().startswith("\ufeff行政区,电子监管号".encode())
    )
    ledger = (tmp_path / "土地违法行政处罚决定台账_3.csv").read_bytes().decode("gb18030")
    assert ledger.startswith("决定书文号,作出机关") and "自然资罚〔" in ledger
    assert "****" in ledger  # persons' ID numbers as the ledger masks them
    fixes = (tmp_path / "国有土地出让收入缴款_1_更正.csv").read_text("utf-8")
    assert "退库" in fixes and ",-" in fixes
    assert counts["国有土地出让收入缴款_1_重发.csv"] > 0 and counts["行政处罚执行情况_3_补报.csv"] > 0
    contracts = (tmp_path / "国有建设用地供地结果_2.csv").read_text("utf-8-sig")
    assert "1900-01-01" in contracts


def test_planted_land_clues(engine: Engine, tmp_path: Path) -> None:
    instances, _ = land_county(tmp_path / "registers")
    report = ingest(engine, tmp_path / "registers", tmp_path / "quarantine")
    assert sum(report.quarantined.values()) == 0, report.reasons
    assert report.duplicates["land_fee_payments"] > 0  # the re-sent payments
    clues, reports = run_land(engine)
    assert all(r.status == "ok" and not r.message for r in reports.values()), reports
    by_key = {(c["model_id"], c["subject"]["key"]): c for c in clues}
    ids = {i.instance_id: i for i in instances}
    # every positive with its band, nothing about a near miss or the background
    assert {(c["model_id"], c["subject"]["key"]) for c in clues} == {
        (i.models[0], i.subject.key) for i in instances if i.positive
    }
    assert {i: by_key[(ids[i].models[0], ids[i].subject.key)]["band"] for i in BANDS} == BANDS

    # arrears: exact late days and fees
    def inst(name: str) -> dict:
        no = ids[name].subject.key
        return {
            r["period_no"]: r
            for r in engine.rows(f"SELECT * FROM land_instalment_status WHERE supervision_no = '{no}'")
        }

    due_day = inst("land_arrears-00-nm-due-day")
    assert {r["days_late"] for r in due_day.values()} == {0}
    assert {r["late_fee_due"] for r in due_day.values()} == {0.0}
    late = inst("land_arrears-00-late-no-fee")[1]  # paid by name only, 45 days late
    assert late["days_late"] == 45 and late["settled_date"] == late["due_date"] + dt.timedelta(days=45)
    assert late["late_fee_due"] == pytest.approx(late["due_amount"] * 45 * 0.001, abs=0.01)
    collected = engine.rows(
        "SELECT late_fee_due, late_fee_collected, late_fee_outstanding FROM land_parcel_status "
        f"WHERE supervision_no = '{ids['land_arrears-00-nm-fee-collected'].subject.key}'"
    )[0]
    assert collected["late_fee_due"] > 0 and collected["late_fee_outstanding"] == 0.0
    refunded = inst("land_arrears-00-refunded")[2]
    assert refunded["settled_date"] is None and refunded["unpaid_amount"] == refunded["due_amount"]
    assert inst("land_arrears-00-nm-not-yet-due")[2]["unpaid_amount"] == 0.0

    # idle land: full years, government cause, fee paid, recovered, start not recorded
    parcels = {r["supervision_no"]: r for r in engine.rows("SELECT * FROM land_parcel_status")}
    assert {r["as_of"] for r in parcels.values()} == {AS_OF}  # the latest date the exports hold

    def parcel(name: str) -> dict:
        return parcels[ids[name].subject.key]

    p364 = parcel("land_idle-00-nm-364-days")
    assert p364["idle_days"] == 364 and p364["idle_years"] == 0
    assert p364["one_year_date"] == p364["start_actual"] + dt.timedelta(days=1)
    assert parcel("land_idle-00-late-start")["idle_years"] == 1
    assert parcel("land_idle-00-two-years")["idle_years"] == 2
    gov = parcel("land_idle-00-nm-government")
    assert gov["government_cause"] and gov["idle_years"] == 2 and gov["idle_fee_due"] == 0.0
    paid = parcel("land_idle-00-nm-fee-paid")
    assert paid["idle_fee_paid"] == pytest.approx(paid["idle_fee_due"]) and not paid["idle_unhandled"]
    assert parcel("land_idle-00-nm-recovered")["recovered"]
    unknown = parcel("land_idle-00-nm-not-recorded")
    assert unknown["start_actual"] is None and unknown["idle_days"] is None and not unknown["idle_unhandled"]
    two = by_key[("land.idle_land", ids["land_idle-00-two-years"].subject.key)]
    assert "满两年" in two["explanation"] and "应无偿收回" in two["explanation"]
    fee = parcel("land_idle-00-two-years")["idle_fee_due"]
    assert fee == pytest.approx(0.2 * parcel("land_idle-00-two-years")["price"], abs=0.01)
    assert f"应征土地闲置费{fee:.2f}元" in two["explanation"], two["explanation"]

    # penalties: the last day is in time, the day after is not
    status = {r["decision_no"]: r for r in engine.rows("SELECT * FROM land_penalty_status")}

    def pen(name: str) -> dict:
        return status[ids[name].subject.key]

    last = pen("land_penalties-00-nm-last-day")
    assert (
        last["applied_date"] == last["apply_deadline"]
        and last["applied_in_time"]
        and last["status"] == "applied"
    )
    assert pen("land_penalties-00-applied-late")["status"] == "applied_late"
    assert pen("land_penalties-00-nm-paid-late-file")["status"] == "performed"  # from the 补报 file
    assert pen("land_penalties-00-nm-pending")["status"] == "pending"
    assert pen("land_penalties-00-nm-challenged")["status"] == "challenged"
    assert pen("land_penalties-00-nm-enforced")["status"] == "enforced"
    partial = pen("land_penalties-00-partial")
    assert partial["paid_amount"] == 20_000.0 and partial["status"] == "not_enforced"

    # evidence: the register rows and an address for the jurisdiction; the addressee
    for c in clues:
        assert any(e["text"].startswith("地址：") for e in c["evidence"]), c["evidence"]
        assert "自然资源和规划局" in c["explanation"], c["explanation"]
    unpaid = by_key[("land.transfer_fee_arrears", ids["land_arrears-00-unpaid-long"].subject.key)]
    assert [e["label"] for e in unpaid["evidence"] if e["source"] == "land_instalment_status"][1].startswith(
        "第2期"
    )

    # the district roll-up for the 检察建议
    districts = engine.rows("SELECT * FROM land_districts")
    assert sum(r["arrears_transfers"] for r in districts) == 3
    assert (
        sum(r["idle_parcels"] for r in districts) == 3
        and sum(r["parcels_to_recover"] for r in districts) == 1
    )
    assert sum(r["penalties_not_enforced"] for r in districts) == 3
    assert all(r["addressee"].endswith("分局") for r in districts)
    assert digest(engine) == DIGEST
    assert clues_digest(clues) == CLUES_DIGEST


def test_empty_slots_said(engine: Engine, tmp_path: Path) -> None:
    """Only the penalty ledger loaded: the transfer models say their slots are empty."""
    land_county(tmp_path / "registers")
    ledger = [tmp_path / "registers" / "土地违法行政处罚决定台账_3.csv"]
    ingest_registers(engine, tmp_path / "quarantine", ledger)
    clues, reports = run_land(engine)
    assert "输入数据为空" in reports[MODELS[0]].message and "land_contracts" in reports[MODELS[0]].message
    assert "land_contracts" in reports[MODELS[1]].message
    assert not reports[MODELS[2]].message
    # no enforcement records at all: every decision whose window closed is a clue
    assert {c["model_id"] for c in clues} == {MODELS[2]}


def test_patterns_declared() -> None:
    assert (arrears.MODEL, idle.MODEL, penalties.MODEL) == MODELS
