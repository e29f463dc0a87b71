"""The JSON API under /api/ (OpenAPI at /api/openapi.json).

Authenticated by ``Authorization: Bearer <token>`` or the browser session (changes then need the
``X-CSRF-Token`` header); every endpoint calls the service layer with the caller's principal,
which checks permission and jurisdiction and masks the output.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Iterator
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field

from jiandu.web.analytic import AnalyticUnavailable
from jiandu.web.deps import ApiPrincipal, State
from jiandu.web.pages import docx_response, draft_bytes
from jiandu.workflow import (
    ClueDetail,
    ClueFilter,
    EventView,
    NotFound,
    Page,
    assign,
    clue_events,
    export_clues,
    get_clue,
    governance_groups,
    list_clues,
    list_events,
    list_jurisdictions,
    list_users,
    masker_for,
    model_stats,
    record_changed_judgment,
    record_outcome,
    transition,
    verify_log,
)
from jiandu.workflow.stats import funnel

router = APIRouter(prefix="/api", tags=["api"])
T = TypeVar("T")

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "invalid input"},
    401: {"description": "not authenticated"},
    403: {"description": "role may not do this (or CSRF token missing)"},
    404: {"description": "not found, or outside your jurisdiction"},
}
CHANGE_ERRORS: dict[int | str, dict[str, Any]] = ERRORS | {
    409: {"description": "lifecycle does not allow it"}
}

Band = Literal["red", "yellow", "green"]
NotFoundChoice = Literal["only", "hide"]  # 未再命中: only the clues the latest run no longer found, or none
StatusCode = Literal[
    "new", "assigned", "verifying", "case_filed", "suggestion_issued", "rejected", "merged", "closed"
]
ClueIdPath = Annotated[str, Path(max_length=64)]


class Me(BaseModel):
    username: str
    role: str
    jurisdiction_code: str
    scope: list[str]
    sees_personal_data: bool


class AssignIn(BaseModel):
    assignee: str = Field(min_length=1, max_length=64)
    reason: str | None = Field(default=None, max_length=2000)


class TransitionIn(BaseModel):
    to: Literal["new", "verifying", "case_filed", "suggestion_issued", "rejected", "merged", "closed"]
    reason: str | None = Field(default=None, max_length=2000)
    reject_reason: Literal["data_error", "lawful", "duplicate", "insufficient_evidence", "other"] | None = (
        None
    )
    merged_into: str | None = Field(default=None, max_length=64)


class OutcomeIn(BaseModel):
    outcome: Literal["confirmed", "valuable", "false_positive"]
    reason: str | None = Field(default=None, max_length=2000)
    cause: (
        Literal["data_error", "namesake", "rule_too_broad", "text_misread", "already_handled", "other"] | None
    ) = Field(default=None, description="why a false positive was one (required then)")
    feedback: str | None = Field(default=None, max_length=2000, description="for the model's authors")


class ReasonIn(BaseModel):
    reason: str | None = Field(default=None, max_length=2000)


class DocumentOut(BaseModel):
    doc_id: str
    title: str | None
    case_number: str | None
    text: str = Field(description="the judgment text, masked for the caller (length kept)")
    spans: list[list[int]] = Field(description="[start, end] offsets of the cited evidence in text")


class DocumentsOut(BaseModel):
    documents: list[DocumentOut]
    notice: str | None = None


class ModelOut(BaseModel):
    id: str
    version: str
    name_zh: str
    name_en: str
    domain: str
    supervision_point: str
    origin: str
    enabled: bool
    legal_basis: list[dict[str, Any]]
    parameters: dict[str, Any]
    clues: int
    judged: int
    precision: float | None
    conversion: float | None


class ModelDetailOut(ModelOut):
    spec: dict[str, Any]
    runs: list[dict[str, Any]]


class StatsRowOut(BaseModel):
    model_id: str
    model_version: str
    jurisdiction_code: str | None
    jurisdiction_name: str | None
    clues: int
    verified: int
    cases: int
    suggestions: int
    changed_judgments: int
    confirmed: int
    valuable: int
    false_positive: int
    precision: float | None
    conversion: float | None


class StatsOut(BaseModel):
    funnel: dict[str, int]
    rows: list[StatsRowOut]


class GroupOut(BaseModel):
    key: str
    model_id: str
    court: str | None
    court_name: str | None
    jurisdiction_code: str | None
    jurisdiction_name: str | None
    clues: int
    clue_ids: list[str]
    case_numbers: list[str]
    subjects: int
    model_versions: list[str]
    mean_score: float
    first_year: int | None
    last_year: int | None


class JurisdictionOut(BaseModel):
    code: str
    name: str
    level: str
    parent_code: str | None
    depth: int


class UserOut(BaseModel):
    username: str
    display_name: str | None
    role: str
    jurisdiction_code: str
    active: bool


class VerifyOut(BaseModel):
    ok: bool
    description: str  # in Chinese
    head_seq: int | None = None
    head_hash: str | None = None
    anchor_seq: int | None = None  # the newest anchor in audit-anchors.log
    problem: str | None = None  # the kind of the first problem (altered, deleted, anchors ...)
    problem_seq: int | None = None


def aware(value: T) -> T:
    """The value with naive datetimes marked UTC (SQLite returns the stored UTC times naive; the
    API promises RFC 3339 date-times with an offset)."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        return value.model_copy(update={k: aware(getattr(value, k)) for k in fields})
    if isinstance(value, list):
        return [aware(v) for v in value]  # type: ignore[return-value]
    if isinstance(value, dict):
        return {k: aware(v) for k, v in value.items()}  # type: ignore[return-value]
    return value


def _filters(
    model_id: str | None,
    band: str | None,
    status: str | None,
    jurisdiction_code: str | None,
    assignee: str | None,
    min_score: float | None,
    not_found: str | None = None,
) -> ClueFilter:
    return ClueFilter(
        model_id=model_id or None,
        band=band or None,
        status=status or None,
        jurisdiction_code=jurisdiction_code or None,
        assignee=assignee or None,
        min_score=min_score,
        not_found=not_found or None,
    )


ModelQ = Annotated[str | None, Query(max_length=200)]
BandQ = Annotated[Band | None, Query()]
StatusQ = Annotated[StatusCode | None, Query()]
JurisdictionQ = Annotated[str | None, Query(max_length=12)]
AssigneeQ = Annotated[str | None, Query(max_length=64)]
ScoreQ = Annotated[float | None, Query(ge=-1e9, le=1e9)]


@router.get("/me", responses=ERRORS)
def me(p: ApiPrincipal) -> Me:
    """Who the token or session belongs to."""
    return Me(
        username=p.username,
        role=p.role.value,
        jurisdiction_code=p.jurisdiction_code,
        scope=sorted(p.scope),
        sees_personal_data=p.sees_personal_data,
    )


@router.get("/clues", responses=ERRORS)
def clues(
    p: ApiPrincipal,
    state: State,
    model_id: ModelQ = None,
    band: BandQ = None,
    status: StatusQ = None,
    jurisdiction_code: JurisdictionQ = None,
    assignee: AssigneeQ = None,
    min_score: ScoreQ = None,
    not_found: Annotated[NotFoundChoice | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=300)] = None,
) -> Page:
    """The clue queue, highest score first, keyset paged: pass `next_cursor` back as `cursor`.
    Each clue carries `not_found_run_id` when the latest successful run of its model no longer
    produced it (未再命中); `not_found=only` lists just those, `not_found=hide` leaves them out."""
    with state.store.read() as s:
        return aware(
            list_clues(
                s,
                p,
                _filters(model_id, band, status, jurisdiction_code, assignee, min_score, not_found),
                limit=limit,
                cursor=cursor or None,
            )
        )


@router.get("/clues/{clue_id}", responses=ERRORS)
def clue(clue_id: ClueIdPath, p: ApiPrincipal, state: State) -> ClueDetail:
    """One clue: explanation, evidence, features, events and the statuses allowed next (a view of
    personal data is logged)."""
    with state.store.write() as s:
        return aware(get_clue(s, p, clue_id))


@router.get("/clues/{clue_id}/events", responses=ERRORS)
def clue_timeline(clue_id: ClueIdPath, p: ApiPrincipal, state: State) -> list[EventView]:
    """The clue's events (hash-chained), oldest first."""
    with state.store.read() as s:
        return aware(clue_events(s, p, clue_id))


@router.get("/clues/{clue_id}/documents", responses=ERRORS)
def clue_documents(clue_id: ClueIdPath, p: ApiPrincipal, state: State) -> DocumentsOut:
    """The evidence documents' texts (masked for the caller) with the cited spans (a view of
    personal data is logged)."""
    with state.store.write() as s:
        detail = get_clue(s, p, clue_id)
    doc_ids = list(dict.fromkeys(e.doc_id for e in detail.evidence if e.doc_id))
    try:
        found = state.analytic.documents(doc_ids)
    except AnalyticUnavailable as exc:
        return DocumentsOut(documents=[], notice=str(exc))
    mask = masker_for(p)
    out = []
    for doc_id in doc_ids:
        d = found.get(doc_id)
        if d is None or d.get("text") is None:
            continue
        spans = [list(e.span) for e in detail.evidence if e.doc_id == doc_id and e.span and len(e.span) == 2]
        out.append(
            DocumentOut(
                doc_id=doc_id,
                title=d.get("title"),
                case_number=d.get("case_number"),
                text=mask(d["text"]),
                spans=spans,
            )
        )
    return DocumentsOut(documents=out)


@router.post("/clues/{clue_id}/assign", responses=CHANGE_ERRORS)
def clue_assign(clue_id: ClueIdPath, body: AssignIn, p: ApiPrincipal, state: State) -> ClueDetail:
    """Assign a new clue (new → assigned) or reassign one being worked."""
    with state.store.write() as s:
        return aware(assign(s, p, clue_id, body.assignee, reason=body.reason))


@router.post("/clues/{clue_id}/transition", responses=CHANGE_ERRORS)
def clue_transition(clue_id: ClueIdPath, body: TransitionIn, p: ApiPrincipal, state: State) -> ClueDetail:
    """Move a clue to another status (rejected needs `reject_reason`, merged needs `merged_into`)."""
    with state.store.write() as s:
        return aware(
            transition(
                s,
                p,
                clue_id,
                body.to,
                reason=body.reason,
                reject_reason=body.reject_reason,
                merged_into=body.merged_into,
            )
        )


@router.post("/clues/{clue_id}/outcome", responses=CHANGE_ERRORS)
def clue_outcome(clue_id: ClueIdPath, body: OutcomeIn, p: ApiPrincipal, state: State) -> ClueDetail:
    """Record or correct the outcome of verification."""
    with state.store.write() as s:
        return aware(
            record_outcome(
                s, p, clue_id, body.outcome, reason=body.reason, cause=body.cause, feedback=body.feedback
            )
        )


@router.post("/clues/{clue_id}/changed-judgment", responses=CHANGE_ERRORS)
def clue_changed_judgment(clue_id: ClueIdPath, body: ReasonIn, p: ApiPrincipal, state: State) -> ClueDetail:
    """Record that the judgment was changed (改判) after the case or suggestion."""
    with state.store.write() as s:
        return aware(record_changed_judgment(s, p, clue_id, reason=body.reason))


@router.get(
    "/export",
    responses=ERRORS | {200: {"content": {"application/x-ndjson": {}}, "description": "one clue per line"}},
    response_class=StreamingResponse,
)
def export(
    p: ApiPrincipal,
    state: State,
    model_id: ModelQ = None,
    band: BandQ = None,
    status: StatusQ = None,
    jurisdiction_code: JurisdictionQ = None,
    assignee: AssigneeQ = None,
    min_score: ScoreQ = None,
    not_found: Annotated[NotFoundChoice | None, Query()] = None,
) -> StreamingResponse:
    """Clues in the contract form as JSON lines, masked for the caller; the export is logged.

    The rows are written to a temporary file inside the (short) write transaction, then streamed,
    so a slow client does not hold the store's write lock."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, mode="w+b")  # noqa: SIM115
    try:
        with state.store.write() as s:
            for row in export_clues(
                s, p, _filters(model_id, band, status, jurisdiction_code, assignee, min_score, not_found)
            ):
                spool.write(json.dumps(row, ensure_ascii=False, default=str).encode("utf-8") + b"\n")
    except BaseException:
        spool.close()
        raise
    spool.seek(0)

    def chunks() -> Iterator[bytes]:
        try:
            while block := spool.read(64 * 1024):
                yield block
        finally:
            spool.close()

    return StreamingResponse(
        chunks(),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="clues.jsonl"'},
    )


def _stats_by_model(rows: list[Any]) -> dict[str, dict[str, Any]]:
    from jiandu.web.pages import _precision_by_model

    return _precision_by_model(rows)


def _model_out(loaded: Any, stats: dict[str, Any]) -> dict[str, Any]:
    spec = loaded.spec
    st = stats.get(spec.id, {})
    return {
        "id": spec.id,
        "version": spec.version,
        "name_zh": spec.name_zh,
        "name_en": spec.name_en,
        "domain": spec.domain,
        "supervision_point": spec.supervision_point,
        "origin": loaded.origin,
        "enabled": spec.enabled,
        "legal_basis": [b.model_dump(mode="json") for b in spec.legal_basis],
        "parameters": {k: v.model_dump(mode="json") for k, v in spec.parameters.items()},
        "clues": st.get("clues", 0),
        "judged": st.get("judged", 0),
        "precision": st.get("precision"),
        "conversion": st.get("conversion"),
    }


@router.get("/models", responses=ERRORS)
def models(p: ApiPrincipal, state: State) -> list[ModelOut]:
    """The model library with each model's precision and conversion in your jurisdiction."""
    with state.store.read() as s:
        stats = _stats_by_model(model_stats(s, p, by_jurisdiction=False))
    library = state.library()
    return [ModelOut(**_model_out(ls, stats)) for _, ls in sorted(library.specs.items())]


@router.get("/models/{model_id}", responses=ERRORS)
def model(model_id: Annotated[str, Path(max_length=200)], p: ApiPrincipal, state: State) -> ModelDetailOut:
    """One model: its full spec, recent runs and feedback."""
    loaded = state.library().specs.get(model_id)
    if loaded is None:
        raise NotFound(f"no model {model_id}")
    with state.store.read() as s:
        stats = _stats_by_model(model_stats(s, p, model_id=model_id, by_jurisdiction=False))
    try:
        runs = state.analytic.model_runs(model_id)
    except AnalyticUnavailable:
        runs = []
    runs = [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()} for r in runs]
    return ModelDetailOut(**_model_out(loaded, stats), spec=loaded.spec.model_dump(mode="json"), runs=runs)


@router.get("/stats", responses=ERRORS)
def stats(
    p: ApiPrincipal,
    state: State,
    model_id: ModelQ = None,
    by_jurisdiction: bool = True,
) -> StatsOut:
    """The funnel (clues → verified → cases → suggestions → changed judgments) and precision."""
    with state.store.read() as s:
        rows = model_stats(s, p, model_id=model_id or None, by_jurisdiction=by_jurisdiction)
    return StatsOut(funnel=funnel(rows), rows=[StatsRowOut(**r.as_dict()) for r in rows])


@router.get("/governance", responses=ERRORS)
def governance(
    p: ApiPrincipal, state: State, min_clues: Annotated[int, Query(ge=1, le=1_000_000)] = 1
) -> list[GroupOut]:
    """Confirmed clues grouped by model, court and jurisdiction (class cases)."""
    with state.store.read() as s:
        groups = governance_groups(s, p, min_clues=min_clues)
    return [
        GroupOut(
            key=g.key,
            model_id=g.model_id,
            court=g.court,
            court_name=g.court_name,
            jurisdiction_code=g.jurisdiction_code,
            jurisdiction_name=g.jurisdiction_name,
            clues=g.clues,
            clue_ids=g.clue_ids,
            case_numbers=g.case_numbers,
            subjects=g.subjects,
            model_versions=g.model_versions,
            mean_score=g.mean_score,
            first_year=g.first_year,
            last_year=g.last_year,
        )
        for g in groups
    ]


@router.get(
    "/governance/draft",
    responses=ERRORS
    | {
        200: {
            "content": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document": {}},
            "description": "the 检察建议书 draft",
        }
    },
    response_class=Response,
)
def governance_draft(p: ApiPrincipal, state: State, key: Annotated[str, Query(max_length=300)]) -> Response:
    """A procuratorial suggestion draft (.docx) for one group (key from GET /api/governance)."""
    return docx_response(draft_bytes(state, p, key), key)


@router.get("/jurisdictions", responses=ERRORS)
def jurisdictions(p: ApiPrincipal, state: State) -> list[JurisdictionOut]:
    """The jurisdictions you can see (yours and below)."""
    with state.store.read() as s:
        return [
            JurisdictionOut(code=j.code, name=j.name, level=j.level, parent_code=j.parent_code, depth=j.depth)
            for j in list_jurisdictions(s, p)
        ]


@router.get("/users", responses=ERRORS)
def users(p: ApiPrincipal, state: State) -> list[UserOut]:
    """Users in your jurisdiction subtree (admin)."""
    with state.store.read() as s:
        return [
            UserOut(
                username=u.username,
                display_name=u.display_name,
                role=u.role,
                jurisdiction_code=u.jurisdiction_code,
                active=u.active,
            )
            for u in list_users(s, p)
        ]


@router.get("/audit/events", responses=ERRORS)
def audit_events(
    p: ApiPrincipal,
    state: State,
    after_seq: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    entity_id: Annotated[str | None, Query(max_length=64)] = None,
) -> list[EventView]:
    """Events of the hash-chained log after `after_seq` (auditor, admin), of the caller's
    jurisdiction only."""
    with state.store.read() as s:
        return aware(list_events(s, p, after_seq=after_seq, limit=limit, entity_id=entity_id or None))


@router.get("/audit/verify", responses=ERRORS)
def audit_verify(p: ApiPrincipal, state: State) -> VerifyOut:
    """Verify the keyed hash chain, its head and its anchors; names the first problem."""
    with state.store.read() as s:
        result = verify_log(s, p)
    return VerifyOut(
        ok=result.ok,
        description=result.describe_zh(),
        head_seq=result.head_seq,
        head_hash=result.head_hash,
        anchor_seq=result.anchor.seq if result.anchor else None,
        problem=result.problem.kind if result.problem else None,
        problem_seq=result.problem.seq if result.problem else None,
    )
