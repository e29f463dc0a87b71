"""The synthetic county's insurance files, through the declared sources, into insurance.fraud_ring,
on DuckDB and Spark.

The pattern (jiandu/models/insurance/patterns/claims.py) plants three rings (strong, medium,
weak) and two near misses (a family with two real accidents a year apart, a busy honest shop)
among honest background claims, and writes the agencies' exports: two overlapping claim files
(UTF-8 with BOM and GB18030), a correction file, the police determinations and the repair-shop
register. Every planted ring is found and neither near miss is pushed, on both engines alike.
"""

from __future__ import annotations

import random
from pathlib import Path

from jiandu.engines.base import Engine
from jiandu.ingest.registers import ingest_registers
from jiandu.models.insurance.patterns import claims
from jiandu.synth.county import County
from tests.models.insurance.support import run_insurance

MODEL = "insurance.fraud_ring"


def _county(tmp: Path) -> tuple[Path, dict[str, str], dict[str, int]]:
    county = County(7, 2000)
    instances = claims.plan(county, random.Random(7), 0)
    counts = claims.write(tmp / "registers", county, instances)
    keys = {(i.strength if i.positive else i.instance_id): i.subject.key for i in instances}
    return tmp / "registers", keys, counts


def test_exports_look_like_the_agencies(tmp_path: Path) -> None:
    folder, keys, counts = _county(tmp_path)
    assert set(counts) == {
        "车险理赔明细_2016-2020.csv",
        "车险理赔明细_2021-2024.csv",
        "车险理赔明细_更正.csv",
        "交通事故认定_2016-2024.csv",
        "机动车维修经营者名录.csv",
    }
    late = (folder / "车险理赔明细_2021-2024.csv").read_bytes()
    assert late.decode("gb18030").startswith("报案号,立案号,保单号")
    assert (folder / "车险理赔明细_2016-2020.csv").read_bytes().startswith("\ufeff报案号".encode())
    assert all(key.startswith("ring:RDAA") for key in keys.values())


def test_planted_rings_found_near_misses_not(engine: Engine, tmp_path: Path) -> None:
    folder, keys, counts = _county(tmp_path)
    report = ingest_registers(engine, tmp_path / "quarantine", [folder])
    assert report.quarantined["motor_claims"] == 0
    assert report.duplicates["motor_claims"] > 0  # the period files overlap by a month
    assert (
        report.loaded["motor_claims"]
        == sum(n for name, n in counts.items() if name.startswith("车险理赔"))
        - report.duplicates["motor_claims"]
    )
    clues = run_insurance(engine, MODEL)
    by_key = {c["subject"]["key"]: c for c in clues}
    assert by_key[keys["strong"]]["band"] == "red"
    assert by_key[keys["medium"]]["score"] >= 65
    assert by_key[keys["weak"]]["score"] >= 50
    assert keys["fraud_ring-00-nm-family"] not in by_key
    assert keys["fraud_ring-00-nm-busy-shop"] not in by_key
    corrected = engine.rows("SELECT count(*) AS n FROM insurance_claims_current WHERE revisions > 1")
    assert corrected[0]["n"] > 0
