"""画像 (issue 13 §4): a page per resolved person or organisation, and "不是同一人".

``/profiles/person/{entity_id}`` and ``/profiles/organization/{entity_id}`` show the entity's
cases by role over the years, its clues (workflow store, jurisdiction-filtered), execution
status, relations, network and why each document was linked (`jiandu.web.profile_data`). An
entity is visible to a user when one of its jurisdictions is (`entity_visible`); otherwise the
page is 404 like any object outside the jurisdiction. A view by a role that sees personal data
unmasked is an audit event, as for clues.

``POST …/not-same`` records a reviewer's ``not_same`` judgement on one applied link of the
entity through `jiandu.entities.record_judgement` (table ``entity_judgements`` of the analytic
store, applied by the next `jiandu entities resolve` / `jiandu run`) and an ``entity_judged``
audit event, in one workflow-store transaction.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from jiandu.web import render as draw
from jiandu.web.analytic import NOT_BUILT, AnalyticUnavailable
from jiandu.web.deps import PagePrincipal, State, check_form_csrf, render
from jiandu.web.profile_data import Profile, load_profile
from jiandu.workflow import InvalidInput, NotFound, Permission, Principal, masker_for
from jiandu.workflow.audit import chain, flush_chain, record
from jiandu.workflow.authz import require
from jiandu.workflow.clues import VIEWED
from jiandu.workflow.search import analytic_source, entity_clues, entity_visible

router = APIRouter(dependencies=[Depends(check_form_csrf)], include_in_schema=False)
PROFILE_KINDS = {"person": "人员画像", "organization": "单位画像"}
JUDGED = "entity_judged"


def _load(state: State, p: Principal, kind: str, entity_id: str) -> Profile:
    """The profile, masked, when the principal may see the entity (NotFound otherwise)."""
    if kind not in PROFILE_KINDS or len(entity_id) > 64:
        raise NotFound(f"no profile {kind}/{entity_id}")
    require(p, Permission.CLUE_READ)
    with analytic_source(state.root) as source:
        if source is None:
            raise AnalyticUnavailable(NOT_BUILT)
        with state.store.read() as s:
            visible = entity_visible(s, p, source, entity_id)
        if not visible:
            raise NotFound(f"no profile {kind}/{entity_id}")
        profile = load_profile(source, entity_id, masker_for(p))
    if profile is None or profile.kind != kind:
        raise NotFound(f"no profile {kind}/{entity_id}")
    return profile


JUDGEMENT_LOCK_WAIT = 2.0  # seconds a 不是同一人 judgement waits for the analytic store


@router.get("/profiles/{kind}/{entity_id}")
def profile_page(request: Request, kind: str, entity_id: str, p: PagePrincipal, state: State) -> Response:
    try:
        profile = _load(state, p, kind, entity_id)
    except AnalyticUnavailable as exc:
        context = {"profile": None, "notice": str(exc), "kind_title": PROFILE_KINDS.get(kind, "画像")}
        return render(request, "profile.html", context)
    with state.store.write() as s:  # write: a view of personal data is an audit event
        if p.sees_personal_data:
            chain(s).append(actor=p.username, kind=VIEWED, entity_type="entity", entity_id=entity_id)
            flush_chain(s)
        clues = entity_clues(s, p, profile.keys)
    mask = masker_for(p)
    return render(
        request,
        "profile.html",
        {
            "profile": profile,
            "notice": None,
            "kind_title": PROFILE_KINDS[kind],
            "clues": clues,
            "graph": draw.network_svg(profile.name, profile.graph_documents, mask),
            "can_judge": p.can(Permission.CLUE_WORK),
            "done": request.query_params.get("done"),
        },
    )


@router.post("/profiles/{kind}/{entity_id}/not-same")
def profile_not_same(
    kind: str,
    entity_id: str,
    p: PagePrincipal,
    state: State,
    mention_a: Annotated[str, Form(max_length=300)] = "",  # optional here: the role is checked first
    mention_b: Annotated[str, Form(max_length=300)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """不是同一人: a not_same judgement on one applied link of this entity, and an audit event."""
    from jiandu.entities import record_judgement
    from jiandu.workspace import Workspace, WorkspaceError

    require(p, Permission.CLUE_WORK)
    if not mention_a or not mention_b:
        raise InvalidInput("未指明要否定的匹配关联")
    reason = reason.strip()
    if not reason:
        raise InvalidInput("请写明为何不是同一人")
    profile = _load(state, p, kind, entity_id)
    pairs = {
        (r.mention_a, r.mention_b)
        for r in [*profile.register_reasons, *(x for d in profile.documents for x in d.reasons)]
    }
    a, b = sorted((mention_a, mention_b))
    if (a, b) not in pairs:
        raise InvalidInput("只能否定本画像中的一条匹配关联")
    with state.store.write() as s:  # the event commits only when the judgement was stored
        try:
            # a page never waits out a nightly run: a store held by a writer is refused at once
            engine = Workspace(state.root).open_engine(lock_wait=JUDGEMENT_LOCK_WAIT)
        except WorkspaceError:
            raise InvalidInput(
                "分析库正在由模型运行或导入任务写入，判定暂未保存；请在任务结束后再提交。"
            ) from None
        try:
            row = record_judgement(engine, a, b, "not_same", user=p.username, reason=reason)
        finally:
            engine.close()
        record(
            s,
            actor=p.username,
            kind=JUDGED,
            entity_type="entity",
            entity_id=entity_id[:64],
            reason=f"不是同一人：{reason}",
            after={"mention_a": row.mention_a, "mention_b": row.mention_b, "judgement": row.judgement},
        )
    return RedirectResponse(f"/profiles/{kind}/{quote(entity_id, safe='')}?done=judged", status_code=303)
