"""Transfer-fee payments allocated to the agreed instalments, and the late fee each late or
unpaid amount owes.

Payments find their transfer by the 电子监管号 (or contract or parcel number) they name, else by
the payer's credit code, else by the payer's normalised name (`jiandu.entities.names`), among
the grantees; a payer with several transfers pays the one with an open instalment of exactly the
amount paid, else the one whose open instalment is due first. Principal payments fill the
instalments in due order; a negative payment (退库, 冲正) takes back the last amounts allocated.

The late fee runs from the day after the due date (paid on the due day: none) at
`LATE_FEE_RATE` a day on each amount paid late, until the day it was paid, and on what is still
unpaid until the as-of date (the latest date in the land registers). The rate is the one the
transfer contracts fill into the model text (《国有建设用地使用权出让合同》示范文本 (GF-2008-2601)
第三十条 "每日按迟延支付款项的＿‰"; 1‰ as land bureaus fill it and as the domain brief states).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from jiandu.entities.names import normalize_name

__all__ = ["LATE_FEE_RATE", "Instalment", "allocate", "payment_kind"]

LATE_FEE_RATE = 0.001  # a day, on the amount paid late
TOLERANCE = 0.5  # yuan: rounding in the exports


def payment_kind(item: str | None) -> str:
    """principal | late_fee | idle_fee, from the income item as written."""
    text = item or ""
    if "闲置" in text:
        return "idle_fee"
    if "滞纳" in text or "违约" in text:
        return "late_fee"
    return "principal"


@dataclass(slots=True)
class Instalment:
    supervision_no: str
    period_no: int
    due_date: dt.date
    due_amount: float
    pieces: list[tuple[dt.date, float, str]] = field(default_factory=list)

    @property
    def paid(self) -> float:
        return sum(p[1] for p in self.pieces)

    @property
    def open_amount(self) -> float:
        return max(0.0, self.due_amount - self.paid)

    def status(self, as_of: dt.date) -> dict[str, Any]:
        """The row of land_instalment_status."""
        fee = 0.0
        total = 0.0
        settled: dt.date | None = None
        on_time = 0.0
        for day, amount, _ in sorted(self.pieces):
            late = max(0, (day - self.due_date).days)
            fee += amount * late * LATE_FEE_RATE
            on_time += amount if late == 0 else 0.0
            total += amount
            if settled is None and total >= self.due_amount - TOLERANCE:
                settled = day
        unpaid = max(0.0, self.due_amount - total)
        if unpaid <= TOLERANCE:
            unpaid = 0.0
        past_due = as_of > self.due_date
        if settled is not None:
            days = max(0, (settled - self.due_date).days)
        else:
            days = (as_of - self.due_date).days if past_due else 0
        if unpaid and past_due:
            fee += unpaid * (as_of - self.due_date).days * LATE_FEE_RATE
        return {
            "supervision_no": self.supervision_no,
            "period_no": self.period_no,
            "due_date": self.due_date,
            "due_amount": self.due_amount,
            "paid_amount": round(total, 2),
            "paid_on_time": round(on_time, 2),
            "settled_date": settled,
            "days_late": days,
            "unpaid_amount": round(unpaid if past_due else 0.0, 2),
            "late_fee_due": round(fee, 2),
            "payments_zh": "；".join(
                f"{no}，{day.isoformat()}缴{amount:,.2f}元" for day, amount, no in sorted(self.pieces)
            ),
            "as_of": as_of,
        }


def _candidates(pay: dict[str, Any], contracts: dict[str, dict[str, Any]], refs: dict[str, str]) -> list[str]:
    ref = (pay.get("contract_ref") or "").strip()
    if ref and ref in refs:
        return [refs[ref]]
    key = (pay.get("payer_key") or "").strip().upper()
    if key:
        found = [no for no, c in contracts.items() if (c.get("grantee_key") or "").upper() == key]
        if found:
            return found
    name = normalize_name(pay.get("payer_name") or "")
    return [no for no, c in contracts.items() if name and normalize_name(c.get("grantee") or "") == name]


def allocate(
    contracts: dict[str, dict[str, Any]],
    instalments: list[Instalment],
    payments: list[dict[str, Any]],
) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
    """Allocate payments; return the fee payments (late and idle) per transfer and the payments
    matched to no transfer."""
    refs: dict[str, str] = {}
    for no, c in contracts.items():
        for ref in (no, c.get("contract_no"), c.get("parcel_no")):
            if ref:
                refs[str(ref).strip()] = no
    by_transfer: dict[str, list[Instalment]] = defaultdict(list)
    for inst in sorted(instalments, key=lambda i: (i.supervision_no, i.period_no)):
        by_transfer[inst.supervision_no].append(inst)
    fees: dict[str, list[dict[str, Any]]] = defaultdict(list)
    unmatched: list[dict[str, Any]] = []
    for pay in sorted(payments, key=lambda p: (p["paid_date"], p["payment_no"])):
        found = _candidates(pay, contracts, refs)
        if not found:
            unmatched.append(pay)
            continue
        kind = payment_kind(pay.get("income_item"))
        amount = float(pay["amount"])
        if len(found) > 1 and kind == "principal":
            exact = [
                no for no in found if any(abs(i.open_amount - amount) <= TOLERANCE for i in by_transfer[no])
            ]
            found = exact or sorted(
                found,
                key=lambda no: min(
                    (i.due_date for i in by_transfer[no] if i.open_amount > TOLERANCE), default=dt.date.max
                ),
            )
        target = sorted(found)[0] if len(found) > 1 and kind != "principal" else found[0]
        if kind != "principal":
            fees[target].append(pay)
            continue
        if amount < 0:
            _take_back(by_transfer[target], -amount)
            continue
        left = amount
        for inst in by_transfer[target]:
            if left <= TOLERANCE:
                break
            take = min(left, inst.open_amount)
            if take > TOLERANCE:
                inst.pieces.append((pay["paid_date"], take, pay["payment_no"]))
                left -= take
    return fees, unmatched


def _take_back(instalments: list[Instalment], amount: float) -> None:
    """A refund or correction: remove ``amount`` from the last amounts allocated."""
    for inst in reversed(instalments):
        while amount > TOLERANCE and inst.pieces:
            day, paid, no = inst.pieces[-1]
            if paid <= amount + TOLERANCE:
                inst.pieces.pop()
                amount -= paid
            else:
                inst.pieces[-1] = (day, paid - amount, no)
                amount = 0.0
        if amount <= TOLERANCE:
            return
