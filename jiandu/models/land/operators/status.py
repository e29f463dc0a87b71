"""land_instalment_status, land_parcel_status, land_penalty_status and land_districts.

Python over the rows the engine returns (`arrears`, `idle`, `penalties` do the work), so both
engines get the same tables. The as-of date of every status is the latest date in the land
registers (contracts, instalments, payments, idle-land findings, penalties and their actions):
the day the data describe, never the day the model runs.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from jiandu.engines.base import Engine
from jiandu.models.land.operators.arrears import Instalment, allocate, payment_kind
from jiandu.models.land.operators.idle import idle_status
from jiandu.models.land.operators.penalties import penalty_status
from jiandu.models.store import write_rows

__all__ = ["LandStatus", "addressee"]

_DATES = {
    "land_contracts": ("contract_date", "start_actual", "completion_actual"),
    "land_fee_payments": ("paid_date", "treasury_date"),
    "idle_land_findings": ("finding_date", "disposal_date", "recovered_date"),
    "land_penalties": ("decision_date", "served_date"),
    "land_penalty_actions": ("action_date",),
}


def addressee(district: str, agencies: list[str]) -> str:
    """The natural resources bureau a 检察建议 about ``district`` goes to: the agency named on the
    district's penalty decisions when there is one, else the district's 自然资源和规划局."""
    named = sorted({a for a in agencies if a and "自然资源" in a})
    return named[0] if named else f"{district}自然资源和规划局"


class LandStatus:
    """The land domain's tables (see the module docstring)."""

    name: str = "land_status"
    version: str = "1"
    inputs: tuple[str, ...] = ()
    optional_inputs: tuple[str, ...] = (
        "land_contracts",
        "land_instalments",
        "land_fee_payments",
        "idle_land_findings",
        "land_penalties",
        "land_penalty_actions",
    )
    outputs: tuple[str, ...] = (
        "land_instalment_status",
        "land_parcel_status",
        "land_penalty_status",
        "land_districts",
    )

    def run(self, engine: Engine) -> int:
        def rows(table: str, order: str) -> list[dict[str, Any]]:
            if not engine.table_exists(table):
                return []
            return engine.rows(f"SELECT * FROM {table} ORDER BY {order}")

        contracts = {r["supervision_no"]: r for r in rows("land_contracts", "supervision_no")}
        schedule = rows("land_instalments", "supervision_no, period_no")
        payments = rows("land_fee_payments", "payment_no")
        findings = rows("idle_land_findings", "finding_no")
        decisions = rows("land_penalties", "decision_no")
        actions = rows("land_penalty_actions", "decision_no, action_date, action")
        tables = {
            "land_contracts": list(contracts.values()),
            "land_fee_payments": payments,
            "idle_land_findings": findings,
            "land_penalties": decisions,
            "land_penalty_actions": actions,
        }
        days = [r[c] for t, cols in _DATES.items() for r in tables[t] for c in cols if r.get(c)]
        as_of = max(days, default=dt.date(1970, 1, 1))

        instalments = [
            Instalment(r["supervision_no"], int(r["period_no"]), r["due_date"], float(r["due_amount"]))
            for r in schedule
            if r["supervision_no"] in contracts
        ]
        fees, _ = allocate(contracts, instalments, payments)
        inst_rows = [i.status(as_of) for i in instalments]
        by_transfer: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in inst_rows:
            by_transfer[r["supervision_no"]].append(r)
        findings_by: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for f in findings:
            findings_by[f["supervision_no"]].append(f)
        parcels = [
            self._parcel(c, by_transfer[no], fees.get(no, []), findings_by[no], as_of)
            for no, c in sorted(contracts.items())
        ]
        acts: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for a in actions:
            acts[a["decision_no"]].append(a)
        penalties = [penalty_status(d, acts[d["decision_no"]], as_of) for d in decisions]
        written = write_rows(engine, "land_instalment_status", inst_rows)
        written += write_rows(engine, "land_parcel_status", parcels)
        written += write_rows(engine, "land_penalty_status", penalties)
        written += write_rows(engine, "land_districts", _districts(parcels, penalties))
        return written

    @staticmethod
    def _parcel(
        c: dict[str, Any],
        insts: list[dict[str, Any]],
        fees: list[dict[str, Any]],
        findings: list[dict[str, Any]],
        as_of: dt.date,
    ) -> dict[str, Any]:
        late_paid = sum(float(p["amount"]) for p in fees if payment_kind(p.get("income_item")) == "late_fee")
        idle_paid = sum(float(p["amount"]) for p in fees if payment_kind(p.get("income_item")) == "idle_fee")
        fee_due = round(sum(i["late_fee_due"] for i in insts), 2)
        unpaid = round(sum(i["unpaid_amount"] for i in insts), 2)
        outstanding = round(max(0.0, fee_due - late_paid), 2)
        idle = idle_status(c, findings, idle_paid, as_of)
        idle["idle_unhandled"] = bool(
            idle["idle_years"] and not idle["government_cause"] and idle_paid <= 0.5 and not idle["recovered"]
        )
        return {
            "supervision_no": c["supervision_no"],
            "district": c.get("district"),
            "project_name": c.get("project_name"),
            "location": c.get("location"),
            "grantee": c.get("grantee"),
            "grantee_key": c.get("grantee_key"),
            "price": c.get("price"),
            "instalments": len(insts),
            "late_instalments": sum(1 for i in insts if i["settled_date"] is not None and i["days_late"] > 0),
            "unpaid_instalments": sum(1 for i in insts if i["unpaid_amount"] > 0),
            "max_days_late": max((i["days_late"] for i in insts), default=0),
            "unpaid_principal": unpaid,
            "late_fee_due": fee_due,
            "late_fee_collected": round(late_paid, 2),
            "late_fee_outstanding": outstanding,
            "arrears_at_stake": round(unpaid + outstanding, 2),
            **idle,
            "as_of": as_of,
        }


def _districts(parcels: list[dict[str, Any]], penalties: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    agencies: dict[str, list[str]] = defaultdict(list)

    def row(district: str | None) -> dict[str, Any]:
        name = district or "未知区县"
        return out.setdefault(
            name,
            {
                "district": name,
                "addressee": "",
                "transfers": 0,
                "arrears_transfers": 0,
                "unpaid_principal": 0.0,
                "late_fee_outstanding": 0.0,
                "idle_parcels": 0,
                "idle_fee_outstanding": 0.0,
                "parcels_to_recover": 0,
                "penalties": 0,
                "penalties_not_enforced": 0,
                "fines_not_enforced": 0.0,
            },
        )

    for p in parcels:
        d = row(p["district"])
        d["transfers"] += 1
        if p["arrears_at_stake"] > 0:
            d["arrears_transfers"] += 1
            d["unpaid_principal"] += p["unpaid_principal"]
            d["late_fee_outstanding"] += p["late_fee_outstanding"]
        if p["idle_unhandled"]:
            d["idle_parcels"] += 1
            d["idle_fee_outstanding"] += p["idle_fee_due"]
            d["parcels_to_recover"] += p["idle_years"] >= 2
    for s in penalties:
        d = row(s["district"])
        d["penalties"] += 1
        agencies[d["district"]].append(s.get("agency") or "")
        if s["status"] in ("not_enforced", "applied_late"):
            d["penalties_not_enforced"] += 1
            d["fines_not_enforced"] += max(0.0, s["fine"] - s["paid_amount"])
    for name, d in out.items():
        d["addressee"] = addressee(name, agencies[name])
        for k in ("unpaid_principal", "late_fee_outstanding", "idle_fee_outstanding", "fines_not_enforced"):
            d[k] = round(d[k], 2)
    return [out[k] for k in sorted(out)]
