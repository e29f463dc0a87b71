"""The idle-land status of a transfer (《闲置土地处置办法》, 国土资源部令第53号).

Idle (第二条): construction not started when a full year has passed after the agreed start date
(满一年: on the same calendar day a year later, `jiandu.legal.enforcement.full_years_after`;
started 364 days late is not idle). One full year: an idle fee of `IDLE_FEE_SHARE` (20%) of the
transfer price is due (第十四条第一项); two full years: the land is to be taken back without
compensation (第十四条第二项). A determination that records a government cause (政府原因, 第八条)
puts the parcel outside both.

Whether construction started is taken from the recorded actual start; an empty 实际开工时间
means "not recorded", so a parcel without a recorded start counts as not started only when an
idle-land determination says so (the main false positive of this model otherwise).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from jiandu.legal.enforcement import full_years_after

__all__ = ["IDLE_FEE_SHARE", "idle_status"]

IDLE_FEE_SHARE = 0.2
_GOVERNMENT = ("政府", "规划调整", "规划修改", "未按期交地", "未按约定交地")


def _government(cause: str | None, detail: str | None) -> bool:
    text = f"{cause or ''}{detail or ''}"
    if "企业原因" in text or "使用权人原因" in text:
        return False
    return any(w in text for w in _GOVERNMENT)


def idle_status(
    contract: dict[str, Any], findings: list[dict[str, Any]], idle_paid: float, as_of: dt.date
) -> dict[str, Any]:
    """The idle-land columns of land_parcel_status for one transfer."""
    start_due: dt.date | None = contract.get("start_due")
    started: dt.date | None = contract.get("start_actual")
    latest = max(
        findings, key=lambda f: (f.get("finding_date") or dt.date.min, f["finding_no"]), default=None
    )
    out: dict[str, Any] = {
        "start_due": start_due,
        "one_year_date": None,
        "two_year_date": None,
        "start_actual": started,
        "idle_years": 0,
        "idle_days": None,
        "finding_no": latest["finding_no"] if latest else None,
        "finding_date": latest.get("finding_date") if latest else None,
        "cause": latest.get("cause") if latest else None,
        "government_cause": bool(latest and _government(latest.get("cause"), latest.get("cause_detail"))),
        "disposal": latest.get("disposal") if latest else None,
        "idle_fee_due": 0.0,
        "idle_fee_paid": round(idle_paid, 2),
        "recovered": any(f.get("recovered_date") for f in findings),
        "recovered_date": min(
            (f["recovered_date"] for f in findings if f.get("recovered_date")), default=None
        ),
    }
    if start_due is None:
        return out
    one, two = full_years_after(start_due, 1), full_years_after(start_due, 2)
    out["one_year_date"], out["two_year_date"] = one, two
    # the day construction began, or (not started) the as-of date; unknown without a finding
    end = started if started is not None else (as_of if latest is not None else None)
    if end is None:
        return out
    out["idle_days"] = max(0, (end - start_due).days)
    out["idle_years"] = 2 if end >= two else (1 if end >= one else 0)
    if out["idle_years"] and not out["government_cause"]:
        out["idle_fee_due"] = round(IDLE_FEE_SHARE * float(contract.get("price") or 0.0), 2)
    return out
