"""The enforcement status of a land penalty decision (裁而不执).

The periods come from `jiandu.legal.enforcement` (dated data): the suit period runs from the
day after service (the decision date when no service date is sent), then the period to apply
to court (行政强制法 第五十三条: three months). A decision is

- ``performed``: fine paid in full, or the ordered act reported done (履行, 已拆除, 已退还);
- ``enforced``: 行政强制执行 recorded;
- ``applied`` / ``applied_late``: an application to court on or before / after the last day;
- ``challenged``: 复议 or 诉讼 recorded (periods run from the end of the proceedings: not screened);
- ``pending``: none of these and the window to apply still open on the as-of date;
- ``not_enforced``: none of these and the window closed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from jiandu.legal.enforcement import enforcement_deadlines

__all__ = ["penalty_status"]

_PAID = ("缴纳", "缴款", "罚款已缴")
_DONE = ("已履行", "履行完毕", "已拆除", "已退还", "自行拆除", "自行履行")
_ENFORCED = ("行政强制执行", "代履行", "强制拆除")
_APPLIED = ("申请人民法院强制执行", "申请法院强制执行", "申请强制执行", "非诉执行")
_CHALLENGED = ("复议", "诉讼", "起诉")


def _has(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text for w in words)


def penalty_status(decision: dict[str, Any], actions: list[dict[str, Any]], as_of: dt.date) -> dict[str, Any]:
    """The row of land_penalty_status for one decision."""
    served = decision.get("served_date") or decision["decision_date"]
    deadlines = enforcement_deadlines(served)
    acts = sorted(actions, key=lambda a: (a["action_date"], a["action"]))
    fine = float(decision.get("fine") or 0.0)
    paid = sum(float(a.get("amount") or 0.0) for a in acts if _has(a["action"], _PAID))
    done = any(_has(a["action"], _DONE) for a in acts)
    performed = done or (fine > 0 and paid >= fine - 0.5)
    enforced = min((a["action_date"] for a in acts if _has(a["action"], _ENFORCED)), default=None)
    applied = min(
        (a["action_date"] for a in acts if _has(a["action"], _APPLIED) and "不予受理" not in a["action"]),
        default=None,
    )
    challenged = any(_has(a["action"], _CHALLENGED) and not _has(a["action"], _APPLIED) for a in acts)
    in_time = None if applied is None or deadlines is None else applied <= deadlines.apply_deadline
    if performed:
        status = "performed"
    elif enforced is not None:
        status = "enforced"
    elif applied is not None:
        status = "applied" if in_time in (True, None) else "applied_late"
    elif challenged:
        status = "challenged"
    elif deadlines is None or as_of <= deadlines.apply_deadline:
        status = "pending"
    else:
        status = "not_enforced"
    return {
        "decision_no": decision["decision_no"],
        "agency": decision.get("agency"),
        "district": decision.get("district"),
        "party_name": decision.get("party_name"),
        "penalty": decision.get("penalty"),
        "fine": fine,
        "decision_date": decision["decision_date"],
        "served_date": served,
        "suit_deadline": deadlines.suit_deadline if deadlines else None,
        "apply_deadline": deadlines.apply_deadline if deadlines else None,
        "paid_amount": round(paid, 2),
        "performed": performed,
        "enforced_date": enforced,
        "applied_date": applied,
        "applied_in_time": in_time,
        "challenged": challenged,
        "status": status,
        "periods_zh": deadlines.periods_zh if deadlines else "送达日期早于法定期限数据，未计算",
        "actions_zh": "；".join(
            f"{a['action_date'].isoformat()}{a['action']}"
            + (f"{float(a['amount']):,.2f}元" if a.get("amount") else "")
            + (f"（{a['court']}{a.get('court_case_no') or ''}）" if a.get("court") else "")
            for a in acts
        )
        or "无缴纳、强制执行或申请法院强制执行记录",
        "as_of": as_of,
    }
