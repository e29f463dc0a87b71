"""The pages: login, clue queue, clue detail (with its actions), models, dashboard, governance,
account, audit. Every page asks the service layer, which checks permission and jurisdiction."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.exc import OperationalError

from jiandu.web import render as draw
from jiandu.web.analytic import AnalyticUnavailable
from jiandu.web.deps import (
    PagePrincipal,
    State,
    check_form_csrf,
    client_address,
    render,
    session_of,
    set_session_cookie,
    web_state,
)
from jiandu.web.labels import zh
from jiandu.web.maps import clue_map
from jiandu.web.queue_query import QueueQuery
from jiandu.web.reidentify_views import offered
from jiandu.web.ring_graph import RING_MODELS, ring_claims
from jiandu.workflow import (
    InvalidInput,
    Permission,
    Principal,
    assign,
    assignable_users,
    create_token,
    get_clue,
    governance_groups,
    list_clues,
    list_events,
    list_jurisdictions,
    masker_for,
    model_stats,
    record_changed_judgment,
    record_outcome,
    set_password,
    suggestion_draft,
    transition,
    verify_log,
)
from jiandu.workflow.clues import BANDS
from jiandu.workflow.deadlines import deadline_label, is_overdue
from jiandu.workflow.feedback import model_feedback
from jiandu.workflow.lifecycle import (
    CHANGED_JUDGMENT_FROM,
    DEADLINE_STATUSES,
    DECIDED,
    NEEDS_APPROVAL,
    OUTCOME_FROM,
    REASSIGNABLE,
    FalsePositiveCause,
    Outcome,
    RejectReason,
    Status,
)
from jiandu.workflow.logins import attempt_login, check_own_password
from jiandu.workflow.not_found import NOT_FOUND_FILTERS
from jiandu.workflow.stats import FUNNEL, StatsRow, conversion, funnel, precision
from jiandu.workflow.working import colleagues

router = APIRouter(dependencies=[Depends(check_form_csrf)], include_in_schema=False)

ClueId = Annotated[str, Form(max_length=64)]
Text = Annotated[str, Form(max_length=2000)]
OptText = Annotated[str | None, Form(max_length=2000)]


def _none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/clues"


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# ---------------------------------------------------------------- login / logout


@router.get("/")
def home(request: Request) -> Response:
    session = session_of(request)
    return _see_other("/clues" if session and session.username else "/login")


@router.get("/login")
def login_page(request: Request, next: Annotated[str | None, Query(max_length=500)] = None) -> Response:
    state = web_state(request)
    session = session_of(request)
    cookie = None
    if session is None:  # an anonymous session, so the login form has a CSRF token
        session, cookie = state.sessions.new(None)
        request.state.jiandu_session = session
    response = render(request, "login.html", {"next": _safe_next(next), "error": None})
    if cookie:
        set_session_cookie(request, response, cookie)
    return response


def _locked_message(until: dt.datetime, now: dt.datetime) -> str:
    """The same words whether the user name exists or not, and whichever lock holds."""
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return f"登录失败次数过多，已暂时锁定，请 {minutes} 分钟后再试"


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    next: Annotated[str | None, Form(max_length=500)] = None,
) -> Response:
    state = web_state(request)
    address = client_address(request)
    now = state.sessions.now()
    old = session_of(request)
    result = attempt_login(
        state.store, username, password, address=address, now=now, policy=state.sessions.login_policy
    )
    if result.principal is None:
        if result.locked_until is not None:
            error, status = _locked_message(result.locked_until, now), 429
        else:
            error, status = "用户名或密码错误", 401
        page = render(request, "login.html", {"next": _safe_next(next), "error": error}, status_code=status)
        if result.locked_until is not None:
            page.headers["Retry-After"] = str(max(1, math.ceil((result.locked_until - now).total_seconds())))
        return page
    with state.store.write() as s:
        _, cookie = state.sessions.open(s, result.principal, address)
    if old is not None:  # another login in the same browser ends the session it had
        state.sessions.end(state.store, old, address, reason="replaced")
    response = _see_other(_safe_next(next))
    set_session_cookie(request, response, cookie)
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    state = web_state(request)
    session = session_of(request)
    if session is not None:
        state.sessions.end(state.store, session, client_address(request))
    response = _see_other("/login")
    response.delete_cookie("jiandu_session", path="/")
    return response


# ---------------------------------------------------------------- the queue


@router.get("/clues")
def queue(
    request: Request,
    p: PagePrincipal,
    state: State,
    query: Annotated[QueueQuery, Depends()],
    cursor: Annotated[str | None, Query(max_length=300)] = None,
) -> Response:
    filters = query.clue_filter(p)
    with state.store.read() as s:
        page = list_clues(s, p, filters, limit=state.config.page_size, cursor=_none(cursor))
        jurisdictions = list_jurisdictions(s, p)
        team = colleagues(s, p) if p.can(Permission.CLUE_WORK) else []
    params = query.params()
    next_url = "/clues?" + urlencode({**params, "cursor": page.next_cursor}) if page.next_cursor else None
    return render(
        request,
        "queue.html",
        {
            "page": page,
            "params": params,
            "first_url": "/clues" + ("?" + urlencode(params) if params else ""),
            "next_url": next_url,
            "paged": bool(_none(cursor)),
            "models": state.model_ids(),
            "titles": {m: state.model_title(m) for m in {c.model_id for c in page.items}},
            "bands": BANDS,
            "statuses": [s.value for s in Status],
            "jurisdictions": jurisdictions,
            "colleagues": team,
            "reject_reasons": [r.value for r in RejectReason],
            "not_found_choices": NOT_FOUND_FILTERS,
            "now": dt.datetime.now(dt.UTC),
            "overdue": is_overdue,
            "back": str(request.url.path) + ("?" + request.url.query if request.url.query else ""),
        },
    )


# ---------------------------------------------------------------- one clue


DOCS_PER_PAGE = 20  # evidence documents shown in full on one page of a clue
# How long a clue page waits to log a view of personal data before showing the clue masked
# instead (a long clue sync holds the workflow store's write lock).
VIEW_WAIT = 2.0
BUSY_NOTICE = "系统正在同步线索，个人信息暂以脱敏方式显示，办理操作暂不可用；请稍后刷新页面。"


@dataclass
class EvidenceView:
    """What a clue page shows of its evidence: one page of documents (masked, highlighted), a
    link for every evidence item (to its mark, on whichever page its document is), honest counts."""

    documents: list[dict[str, Any]]
    graph_documents: list[dict[str, Any]]
    links: list[str | None]  # per evidence item: where its span is shown, None for a data row
    page: int
    pages: int
    total_documents: int
    notice: str | None


def _evidence_view(state: Any, p: Principal, clue: Any, page: int) -> EvidenceView:
    doc_ids = list(dict.fromkeys(e.doc_id for e in clue.evidence if e.doc_id))
    pages = max(1, -(-len(doc_ids) // DOCS_PER_PAGE))
    page = min(max(1, page), pages)
    shown = doc_ids[(page - 1) * DOCS_PER_PAGE : page * DOCS_PER_PAGE]
    page_of = {d: i // DOCS_PER_PAGE + 1 for i, d in enumerate(doc_ids)}
    links: list[str | None] = []
    for i, e in enumerate(clue.evidence):
        if not e.doc_id:
            links.append(None)
            continue
        anchor = f"#ev-{i}" if e.span and len(e.span) == 2 else f"#doc-{e.doc_id}"
        links.append(anchor if page_of[e.doc_id] == page else f"?docs={page_of[e.doc_id]}{anchor}")
    view = EvidenceView([], [], links, page, pages, len(doc_ids), None)
    if not shown:
        return view
    try:
        found, held = state.analytic.cited_documents(shown, doc_ids)
    except AnalyticUnavailable as exc:
        view.notice = str(exc)
        return view
    for i, e in enumerate(clue.evidence):
        if e.doc_id and e.doc_id not in held:
            view.links[i] = None  # nothing to land on: its document is not in the store
    mask = masker_for(p)
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for i, e in enumerate(clue.evidence):
        if e.doc_id in found and e.span and len(e.span) == 2:
            spans[e.doc_id].append((int(e.span[0]), int(e.span[1]), f"ev-{i}"))
    for doc_id in shown:
        d = found.get(doc_id)
        if d is None or d.get("text") is None:
            continue
        view.documents.append(
            {
                "doc_id": doc_id,
                "title": d.get("title"),
                "case_number": d.get("case_number")
                or next((e.case_number for e in clue.evidence if e.doc_id == doc_id), None),
                "court": d.get("court"),
                "html": draw.highlight(mask(d["text"]), spans.get(doc_id, [])),
                "marks": len(spans.get(doc_id, [])),
            }
        )
    missing = len(doc_ids) - len(held & set(doc_ids))
    if missing:
        view.notice = f"共 {missing} 份证据文书在分析库中未找到（可能尚未导入或已被清理），相应证据只显示引文"
    view.graph_documents = [
        {"doc_id": k, "case_number": v.get("case_number"), "parties": v.get("parties", [])}
        for k, v in found.items()
    ]
    return view


@router.get("/clues/{clue_id}")
def clue_page(
    request: Request, clue_id: str, p: PagePrincipal, state: State, docs: Annotated[int, Query(ge=1)] = 1
) -> Response:
    can_work = p.can(Permission.CLUE_WORK)
    busy_notice = None
    try:  # write: a view of personal data is an audit event
        with state.store.write(wait=VIEW_WAIT if p.sees_personal_data else None) as s:
            clue = get_clue(s, p, clue_id)
            can_assign = can_work and clue.status in (Status.NEW, *REASSIGNABLE)
            colleagues = assignable_users(s, p, clue_id) if can_assign else []
            can_reidentify = offered(s, p, clue_id)  # 再识别 (jiandu/web/reidentify_views.py)
    except OperationalError:  # a long clue sync holds the store: show it masked, nothing to log
        p, can_work = p.masked_view(), False
        busy_notice = BUSY_NOTICE
        with state.store.read() as s:
            clue = get_clue(s, p, clue_id)
            can_assign, colleagues, can_reidentify = False, [], False
    evidence = _evidence_view(state, p, clue, docs)
    graph_documents, graph_kind = evidence.graph_documents, "parties"
    if clue.model_id in RING_MODELS and clue.subject.key:
        try:
            with state.analytic.source() as source:
                graph_documents, graph_kind = ring_claims(source, clue.subject.key), "ring"
        except AnalyticUnavailable:
            graph_documents = []
    graph = draw.network_svg(clue.subject.name or clue.subject.key, graph_documents, masker_for(p))
    holds = can_work and (clue.assignee in (None, p.username) or p.supervises)
    pending = clue.proposal is not None
    nexts = [t for t in clue.allowed_next if t != Status.ASSIGNED.value] if holds and not pending else []
    return render(
        request,
        "clue.html",
        {
            "clue": clue,
            "title": state.model_title(clue.model_id),
            "documents": evidence.documents,
            "doc_notice": evidence.notice,
            "evidence": evidence,
            "graph": graph,
            "graph_kind": graph_kind,
            "can_work": can_work,
            "can_assign": can_assign,
            "irreversible": sorted(d.value for d in DECIDED),
            "colleagues": colleagues,
            "transitions": [t for t in nexts if t not in NEEDS_APPROVAL],
            "proposable": [t for t in nexts if t in NEEDS_APPROVAL],
            "can_approve": pending and p.supervises and clue.proposed_by != p.username,
            "can_withdraw": pending and holds and (clue.proposed_by == p.username or p.supervises),
            "deadline": deadline_label(clue.status, clue.due_at, dt.datetime.now(dt.UTC)),
            "can_set_deadline": holds and clue.status in DEADLINE_STATUSES,
            "can_outcome": holds and clue.status in OUTCOME_FROM,
            "can_changed_judgment": holds
            and clue.status in CHANGED_JUDGMENT_FROM
            and clue.changed_judgment_at is None,
            "outcomes": [o.value for o in Outcome],
            "causes": [c.value for c in FalsePositiveCause],
            "reject_reasons": [r.value for r in RejectReason],
            "done": request.query_params.get("done"),
            "busy_notice": busy_notice,
            "can_reidentify": can_reidentify,
            "clue_map": clue_map(state, p, clue),  # 地图 of an oil or hotel clue (jiandu/web/maps.py)
        },
    )


def _back(clue_id: str, done: str) -> RedirectResponse:
    return _see_other(f"/clues/{quote(clue_id, safe='')}?done={done}")


@router.post("/clues/{clue_id}/assign")
def clue_assign(
    clue_id: str,
    p: PagePrincipal,
    state: State,
    assignee: Annotated[str, Form(max_length=64)],
    reason: OptText = None,
) -> Response:
    with state.store.write() as s:
        assign(s, p, clue_id, assignee.strip(), reason=_none(reason))
    return _back(clue_id, "assigned")


@router.post("/clues/{clue_id}/transition")
def clue_transition(
    clue_id: str,
    p: PagePrincipal,
    state: State,
    to: Annotated[str, Form(max_length=40)],
    reason: OptText = None,
    reject_reason: Annotated[str | None, Form(max_length=40)] = None,
    merged_into: Annotated[str | None, Form(max_length=64)] = None,
) -> Response:
    with state.store.write() as s:
        transition(
            s,
            p,
            clue_id,
            to,
            reason=_none(reason),
            reject_reason=_none(reject_reason) if to == Status.REJECTED else None,
            merged_into=_none(merged_into) if to == Status.MERGED else None,
        )
    return _back(clue_id, "transition")


@router.post("/clues/{clue_id}/outcome")
def clue_outcome(
    clue_id: str,
    p: PagePrincipal,
    state: State,
    outcome: Annotated[str, Form(max_length=40)],
    reason: OptText = None,
    cause: Annotated[str | None, Form(max_length=40)] = None,
    feedback: OptText = None,
) -> Response:
    with state.store.write() as s:
        record_outcome(
            s,
            p,
            clue_id,
            outcome,
            reason=_none(reason),
            cause=_none(cause) if outcome == Outcome.FALSE_POSITIVE else None,
            feedback=_none(feedback),
        )
    return _back(clue_id, "outcome")


@router.post("/clues/{clue_id}/changed-judgment")
def clue_changed_judgment(clue_id: str, p: PagePrincipal, state: State, reason: OptText = None) -> Response:
    with state.store.write() as s:
        record_changed_judgment(s, p, clue_id, reason=_none(reason))
    return _back(clue_id, "changed_judgment")


# ---------------------------------------------------------------- models


def _precision_by_model(rows: list[StatsRow]) -> dict[str, dict[str, Any]]:
    grouped: dict[str, list[StatsRow]] = defaultdict(list)
    for r in rows:
        grouped[r.model_id].append(r)
    out = {}
    for model_id, items in grouped.items():
        total = funnel(items)
        outcomes = [sum(getattr(r, k) for r in items) for k in ("confirmed", "valuable", "false_positive")]
        out[model_id] = total | {
            "judged": sum(outcomes),
            "precision": precision(*outcomes),
            "conversion": conversion(total["cases"], total["clues"]),
        }
    return out


@router.get("/models")
def models_page(request: Request, p: PagePrincipal, state: State) -> Response:
    library = state.library()
    with state.store.read() as s:
        stats = _precision_by_model(model_stats(s, p, by_jurisdiction=False))
    specs = sorted(library.specs.values(), key=lambda ls: ls.spec.id)
    return render(request, "models.html", {"specs": specs, "stats": stats, "problems": library.problems})


@router.get("/models/{model_id}")
def model_page(request: Request, model_id: str, p: PagePrincipal, state: State) -> Response:
    from jiandu.workflow import NotFound

    loaded = state.library().specs.get(model_id)
    if loaded is None:
        raise NotFound(f"no model {model_id}")
    with state.store.read() as s:
        rows = model_stats(s, p, model_id=model_id, by_jurisdiction=False)
        causes, notes = model_feedback(s, p, model_id)
    try:
        runs, runs_notice = state.analytic.model_runs(model_id), None
    except AnalyticUnavailable as exc:
        runs, runs_notice = [], str(exc)
    return render(
        request,
        "model.html",
        {
            "loaded": loaded,
            "spec": loaded.spec,
            "rows": rows,
            "runs": runs,
            "runs_notice": runs_notice,
            "causes": causes,
            "notes": notes,
        },
    )


# ---------------------------------------------------------------- dashboard


@router.get("/dashboard")
def dashboard(request: Request, p: PagePrincipal, state: State) -> Response:
    with state.store.read() as s:
        rows = model_stats(s, p, by_jurisdiction=True)
    total = funnel(rows)
    by_model = _precision_by_model(rows)
    by_place: dict[str, int] = defaultdict(int)
    for r in rows:
        by_place[r.jurisdiction_name or r.jurisdiction_code or "未定辖区"] += r.clues
    model_bars = [
        (
            state.model_title(m) or m,
            v["clues"],
            f"精准率 {v['precision'] * 100:.0f}%" if v["precision"] is not None else "",
        )
        for m, v in sorted(by_model.items(), key=lambda kv: -kv[1]["clues"])
    ]
    return render(
        request,
        "dashboard.html",
        {
            "total": total,
            "funnel_svg": draw.funnel_svg([(zh("funnel", k), total[k]) for k in FUNNEL]),
            "models_svg": draw.bars_svg(model_bars, label="各模型线索数") if model_bars else None,
            "places_svg": draw.bars_svg(
                [(k, v, "") for k, v in sorted(by_place.items(), key=lambda kv: -kv[1])], label="各辖区线索数"
            )
            if by_place
            else None,
            "by_model": by_model,
            "titles": {m: state.model_title(m) for m in by_model},
        },
    )


# ---------------------------------------------------------------- governance


@router.get("/governance")
def governance_page(request: Request, p: PagePrincipal, state: State) -> Response:
    with state.store.read() as s:
        groups = governance_groups(s, p)
    return render(
        request,
        "governance.html",
        {
            "groups": groups,
            "titles": {g.model_id: state.model_title(g.model_id) for g in groups},
            "can_draft": p.can(Permission.GOVERNANCE_DRAFT),
        },
    )


def docx_response(data: bytes, key: str) -> Response:
    name = getattr(data, "file_name", "检察建议书（稿）.docx")  # a SuggestionDraft names itself
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}"},
    )


def draft_bytes(state: Any, p: Principal, key: str) -> bytes:
    template = state.root / "templates" / "suggestion.docx"
    with state.store.write() as s:  # the draft is an audit event
        return suggestion_draft(
            s,
            p,
            key,
            model_title=state.model_title(key.split("|", 1)[0]),
            template=template if template.is_file() else None,
        )


@router.get("/governance/draft")
def governance_draft(p: PagePrincipal, state: State, key: Annotated[str, Query(max_length=300)]) -> Response:
    return docx_response(draft_bytes(state, p, key), key)


# ---------------------------------------------------------------- account and audit


@router.get("/account")
def account_page(request: Request, p: PagePrincipal) -> Response:
    return render(request, "account.html", {"token": None, "message": None})


@router.post("/account/token")
def account_token(request: Request, p: PagePrincipal, state: State, label: OptText = None) -> Response:
    with state.store.write() as s:
        token = create_token(s, p, label=_none(label) or "网页生成")
    return render(request, "account.html", {"token": token, "message": None})


@router.post("/account/password")
def account_password(
    request: Request,
    p: PagePrincipal,
    state: State,
    current: Annotated[str, Form(max_length=256)],
    new: Annotated[str, Form(max_length=256)],
) -> Response:
    """Change one's own password: the current one is checked under the login lock-outs; the
    user's other sessions end, this one stays."""
    session = session_of(request)
    now = state.sessions.now()
    message, status = "密码已修改，其他会话已退出", 200
    checked = check_own_password(
        state.store, p, current, address=client_address(request), now=now, policy=state.sessions.login_policy
    )
    if checked.principal is not None:
        try:
            with state.store.write() as s:
                set_password(s, p, p.username, new, keep_sid=session.sid if session else None, now=now)
        except InvalidInput as exc:
            message, status = str(exc), 400
    elif checked.locked_until is not None:
        message, status = _locked_message(checked.locked_until, now), 429
    else:
        message, status = "当前密码不正确", 400
    return render(request, "account.html", {"token": None, "message": message}, status_code=status)


@router.get("/audit")
def audit_page(
    request: Request,
    p: PagePrincipal,
    state: State,
    after: Annotated[int, Query(ge=0)] = 0,
    clue: Annotated[str | None, Query(max_length=64)] = None,
    verify: Annotated[bool, Query()] = False,
) -> Response:
    with state.store.read() as s:  # list_events keeps to the auditor's jurisdiction
        events = list_events(s, p, after_seq=after, limit=100, entity_id=_none(clue))
        last = events[-1].seq if len(events) == 100 else None
        result = verify_log(s, p) if verify else None
    return render(
        request,
        "audit.html",
        {"events": events, "result": result, "next_after": last, "clue": _none(clue) or ""},
    )
