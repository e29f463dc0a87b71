"""The desk's pages and actions (issue 13 §6): approval (提请审批, 批准, 退回, 撤回), deadlines,
bulk assign and dismiss from the queue, and the user's notifications (站内通知).

The service layer (`jiandu.workflow.approvals`, `bulk`, `working`, `notifications`) checks every
permission; these handlers only read forms, call it, and redirect or render the result.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from jiandu.web.deps import PagePrincipal, State, check_form_csrf, render
from jiandu.workflow import (
    InvalidInput,
    Permission,
    approve,
    bulk_assign,
    bulk_dismiss,
    propose,
    return_proposal,
    set_deadline,
    withdraw,
)
from jiandu.workflow import notifications as notices
from jiandu.workflow.authz import require as require_permission
from jiandu.workflow.bulk import MAX_BATCH

router = APIRouter(dependencies=[Depends(check_form_csrf)], include_in_schema=False)

OptText = Annotated[str | None, Form(max_length=2000)]
Code = Annotated[str, Form(max_length=40)]


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _back(clue_id: str, done: str) -> RedirectResponse:
    return RedirectResponse(f"/clues/{quote(clue_id, safe='')}?done={done}", status_code=303)


@router.post("/clues/{clue_id}/propose")
def clue_propose(clue_id: str, p: PagePrincipal, state: State, to: Code, reason: OptText = None) -> Response:
    with state.store.write() as s:
        propose(s, p, clue_id, to, reason=_text(reason))
    return _back(clue_id, "proposed")


@router.post("/clues/{clue_id}/approve")
def clue_approve(clue_id: str, p: PagePrincipal, state: State, reason: OptText = None) -> Response:
    with state.store.write() as s:
        approve(s, p, clue_id, reason=_text(reason))
    return _back(clue_id, "approved")


@router.post("/clues/{clue_id}/return")
def clue_return(clue_id: str, p: PagePrincipal, state: State, reason: OptText = None) -> Response:
    with state.store.write() as s:
        return_proposal(s, p, clue_id, reason=_text(reason))
    return _back(clue_id, "returned")


@router.post("/clues/{clue_id}/withdraw")
def clue_withdraw(clue_id: str, p: PagePrincipal, state: State, reason: OptText = None) -> Response:
    with state.store.write() as s:
        withdraw(s, p, clue_id, reason=_text(reason))
    return _back(clue_id, "withdrawn")


@router.post("/clues/{clue_id}/deadline")
def clue_deadline(
    clue_id: str,
    p: PagePrincipal,
    state: State,
    day: Annotated[str, Form(max_length=20)],
    reason: OptText = None,
) -> Response:
    try:
        date = dt.date.fromisoformat(day.strip())
    except ValueError:
        raise InvalidInput(f"not a date: {day!r}", zh="请填写有效的日期（年-月-日）") from None
    with state.store.write() as s:
        set_deadline(s, p, clue_id, date, reason=_text(reason))
    return _back(clue_id, "deadline")


@router.post("/clues/bulk")
def clues_bulk(
    request: Request,
    p: PagePrincipal,
    state: State,
    action: Code,
    clue: Annotated[list[str] | None, Form(max_length=64)] = None,
    assignee: Annotated[str | None, Form(max_length=64)] = None,
    reject_reason: Annotated[str | None, Form(max_length=40)] = None,
    reason: OptText = None,
    back: Annotated[str | None, Form(max_length=2000)] = None,
) -> Response:
    """Assign or dismiss the clues ticked in the queue; the result page lists what was refused."""
    require_permission(p, Permission.CLUE_WORK)
    ids = clue or []
    if len(ids) > MAX_BATCH:
        raise InvalidInput(f"at most {MAX_BATCH} clues", zh=f"一次最多处理 {MAX_BATCH} 条线索")
    with state.store.write() as s:
        if action == "assign":
            if not _text(assignee):
                raise InvalidInput("choose a colleague", zh="批量分派须选择承办人")
            result = bulk_assign(s, p, ids, (assignee or "").strip(), reason=_text(reason))
        elif action == "dismiss":
            result = bulk_dismiss(
                s, p, ids, reject_reason=(reject_reason or "").strip(), reason=_text(reason)
            )
        else:
            raise InvalidInput(f"unknown bulk action {action!r}", zh="未知的批量操作")
    target = back if back and back.startswith("/clues") and not back.startswith("//") else "/clues"
    return render(
        request,
        "bulk_result.html",
        {"action": action, "result": result, "assignee": assignee, "back": target},
    )


@router.get("/notifications")
def notifications_page(request: Request, p: PagePrincipal, state: State) -> Response:
    with state.store.read() as s:
        items = notices.list_notifications(s, p.username, limit=100)
        overdue = notices.overdue_count(s, p.username)
    return render(
        request,
        "notifications.html",
        {"items": items, "overdue": overdue, "kinds": notices.KIND_NAMES_ZH},
    )


@router.post("/notifications/read")
def notifications_read(
    p: PagePrincipal, state: State, id: Annotated[list[int] | None, Form()] = None
) -> Response:
    with state.store.write() as s:
        notices.mark_read(s, p.username, id)
    return RedirectResponse("/notifications", status_code=303)


@router.get("/notifications/{notice_id}")
def notification_open(notice_id: int, p: PagePrincipal, state: State) -> Response:
    """Open a notification: mark it read and go to its clue (or the list)."""
    with state.store.write() as s:
        target = notices.open_notification(s, p.username, notice_id)
    return RedirectResponse(
        f"/clues/{quote(target, safe='')}" if target else "/notifications", status_code=303
    )
