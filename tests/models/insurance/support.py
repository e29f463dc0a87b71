"""Hand-built claims, accident determinations and repair shops for the insurance models.

`Claims` collects rows in the canonical columns; `Accident` writes the claims one accident gives
(the at-fault insured's 交强险 and 商业险-三者 claims, with the other side as third party) and,
unless it was settled without the police, the determination rows of both parties.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from jiandu.engines.base import Engine
from jiandu.models.clues import load_clues
from jiandu.models.insurance.operators import OPERATORS
from jiandu.models.library import Library
from jiandu.models.operators import update_derived
from jiandu.models.runner import run_model
from jiandu.schema import canonical_tables, table
from jiandu.schema.derived import derived_table
from jiandu.synth.ids import resident_id


@dataclass(frozen=True)
class P:
    """A person with a valid ID number."""

    name: str
    seq: int
    birth: dt.date = dt.date(1980, 5, 5)
    phone: str = ""

    @property
    def key(self) -> str:
        return resident_id("330602", self.birth, self.seq, self.seq % 2 == 1)


@dataclass
class Claims:
    rows: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {"motor_claims": [], "accident_determinations": [], "repair_shops": []}
    )
    _report: int = 0
    _accident: int = 0

    def shop(self, code: str, name: str, address: str, district: str) -> None:
        self.rows["repair_shops"].append(
            {"credit_code": code, "name": name, "address": address, "district": district, "category": "二类"}
        )

    def accident(
        self,
        when: dt.datetime,
        at_fault: P,
        fault_plate: str,
        other: P,
        other_plate: str,
        *,
        liability: str = "全部",
        shop: str | None = None,
        phone: str | None = None,
        amount: float = 8000.0,
        police: bool = False,
        assessor: str = "DS001",
        payee_shop: bool = False,
        place: str = "绍兴市越城区",
    ) -> list[str]:
        """The claims of one accident on the at-fault party's policy; returns their report numbers."""
        self._report += 1
        report = f"RDAA{when.year}{self._report:06d}"
        out = []
        for i, coverage in enumerate(("交强险", "商业险-三者")):
            paid = 2000.0 if coverage == "交强险" else amount - 2000.0
            row = {
                "report_no": report,
                "claim_no": f"{report}-{i + 1}",
                "policy_no": f"PDAA{fault_plate}{i}",
                "insurer": "中国人民财产保险股份有限公司绍兴市分公司",
                "coverage": coverage,
                "insured_name": at_fault.name,
                "insured_key": at_fault.key,
                "owner_name": at_fault.name,
                "plate": fault_plate,
                "loss_time": when,
                "report_time": when + dt.timedelta(hours=2),
                "loss_place": place,
                "driver_name": at_fault.name,
                "driver_key": at_fault.key,
                "reporter_phone": phone or at_fault.phone or None,
                "liability": liability,
                "tp_plate": other_plate,
                "tp_name": other.name,
                "tp_key": other.key,
                "surveyor": "CK01",
                "assessor": assessor,
                "repair_shop": shop,
                "assessed_amount": paid,
                "approved_amount": paid,
                "paid_amount": paid,
                "payee": shop if payee_shop else other.name,
                "closed_time": when + dt.timedelta(days=20),
                "revision_time": when + dt.timedelta(days=20),
            }
            self.rows["motor_claims"].append(row)
            out.append(row["claim_no"])
        if police:
            self._accident += 1
            number = f"330602{when.year}{self._accident:06d}"
            other_liability = {
                "全部": "无责",
                "主要": "次要",
                "同等": "同等",
                "次要": "主要",
                "无责": "全部",
            }[liability]
            for seq, (person, plate, who) in enumerate(
                ((at_fault, fault_plate, liability), (other, other_plate, other_liability)), start=1
            ):
                self.rows["accident_determinations"].append(
                    {
                        "accident_no": number,
                        "accident_time": when,
                        "place": place,
                        "procedure": "简易",
                        "party_seq": seq,
                        "party_name": person.name,
                        "party_key": person.key,
                        "plate": plate,
                        "plate_type": "小型汽车",
                        "liability": who,
                        "injured": 0,
                        "killed": 0,
                        "determination_no": f"第{number}号",
                        "determination_date": when.date(),
                        "officer": "王警官",
                    }
                )
        return out

    def load(self, engine: Engine) -> None:
        engine.ensure_tables(canonical_tables().values())
        for name, rows in self.rows.items():
            if rows:
                engine.insert_new(table(name), table(name).to_arrow(rows))


def run_insurance(engine: Engine, model_id: str, **params: Any) -> list[dict[str, Any]]:
    """Build the insurance derived tables, run one model, return its clues best first."""
    engine.ensure_tables([derived_table(t) for t in ("clues", "clue_evidence", "model_runs")])
    update_derived(engine, run_id="test", operators=list(OPERATORS))
    spec = Library().get(model_id)
    report = run_model(engine, spec, spec.resolve(params), run_id="test")
    assert report.status == "ok", report.message
    clues = [c for c in load_clues(engine) if c["model_id"] == model_id]
    return sorted(clues, key=lambda c: (-c["score"], c["subject"]["key"]))


def summary(clues: list[dict[str, Any]]) -> list[tuple[str, str, float, str]]:
    return [(c["subject"]["key"], c["subject"]["name"], c["score"], c["band"]) for c in clues]
