"""The execution family in the web (issue 14 §7): the panels of its clue pages and the per-court
终本 view.

- A 限高/失信违规消费 clue page shows the person's events on a timeline (ECharts, vendored, drawn
  by ``/static/execution.js`` from a JSON block) against the ban and listing dates, the same
  events as a table, and the person's passports and permits (`jiandu.web.execution_timeline`).
- A 拒执 clue page shows the asset-transfer graph, drawn by the parties' network drawing, and the
  transfers as a table (`jiandu.web.execution_transfers`).
- ``/governance/execution-courts`` groups the 终本 findings per court for a 检察建议 to it, with
  its workbook ``/exports/execution-courts.xlsx`` (`jiandu.web.execution_courts`).

`install` registers the routes and the ``execution_panel(principal, clue)`` template global that
``execution_clue.html`` (included by ``clue.html``) calls, so the clue page's route needs no change.
Everything shown passes the viewer's mask; a passport or permit number column is masked by
`jiandu.privacy.mask_document_number` (the text mask's rule for document numbers, applied to the
whole value, so a number of a form the text rules do not know is hidden too).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from jiandu.privacy import mask_document_number
from jiandu.web import render as draw
from jiandu.web.analytic import AnalyticReader
from jiandu.web.deps import PagePrincipal, State, check_form_csrf, render
from jiandu.web.execution_courts import FINAL_MODEL, FINDINGS, CourtFindings, court_findings, draft_findings
from jiandu.web.execution_timeline import BAN_MODELS, KIND_ROW_ZH, Timeline, person_timeline
from jiandu.web.execution_transfers import REFUSAL_MODELS, Transfer, clue_transfers, graph_documents
from jiandu.web.exports import PageNames, _download
from jiandu.web.pages import docx_response
from jiandu.workflow import Permission, Principal, Store, masker_for
from jiandu.workflow.authz import require
from jiandu.workflow.errors import NotFound
from jiandu.workflow.governance import suggestion_draft
from jiandu.workflow.tables import Clue
from jiandu.workflow.xlsx import (
    Column,
    Export,
    Sheet,
    _about,
    _about_items,
    _book,
    _now,
    _save,
    file_name,
)

log = logging.getLogger(__name__)
router = APIRouter(dependencies=[Depends(check_form_csrf)], include_in_schema=False)
PASSPORT_KINDS = ("护照", "通行证")


@dataclass(slots=True)
class ExecutionPanel:
    """What an execution clue page adds (``kind`` ban or refusal)."""

    kind: str
    timeline: Timeline | None = None
    chart_data: Markup | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    passports: list[dict[str, Any]] = field(default_factory=list)
    passport_count: int = 0
    transfers: list[dict[str, Any]] = field(default_factory=list)
    graph: Markup | None = None
    notice: str | None = None


def json_block(data: Any) -> Markup:
    """JSON for a ``<script type="application/json">`` block (no ``</script>`` can close it)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _number_mask(principal: Principal) -> Callable[[str], str]:
    text_mask = masker_for(principal)
    if principal.sees_personal_data:
        return text_mask

    def mask(number: str) -> str:
        masked = text_mask(number)
        return masked if masked != number else mask_document_number(number)

    return mask


def ban_panel(source: Any, principal: Principal, clue: Clue) -> ExecutionPanel:
    """The timeline, its chart data, the events table and the passports of a ban clue (``clue``:
    the stored row, unmasked; what is shown is masked here)."""
    labels = {str(e.get("label")) for e in clue.evidence or [] if e.get("label")}
    timeline = person_timeline(source, clue.subject_key or "", clue.subject_name or "", labels)
    mask, number = masker_for(principal), _number_mask(principal)
    events = [
        {
            "date": e.date.isoformat(),
            "kind": e.kind_zh,
            "grade": mask(e.grade),
            "detail": mask(e.detail),
            "document": f"{e.doc_type} {number(e.doc_no)}".strip(),
            "violating": e.violating,
            "note": e.note,
        }
        for e in timeline.events
    ]
    marks = []
    for r in timeline.restrictions:
        name = "失信" if "失信" in r.measure else "限高"
        if r.start:
            marks.append(
                {"date": r.start.isoformat(), "label": f"{name} {r.start.isoformat()}", "kind": "start"}
            )
        if r.end:
            marks.append({"date": r.end.isoformat(), "label": f"解除 {r.end.isoformat()}", "kind": "end"})
    chart = {
        "rows": list(KIND_ROW_ZH.values()),
        "events": [
            {k: e[k] for k in ("date", "kind", "grade", "detail", "violating", "note")} for e in events
        ],
        "marks": marks,
        "total": timeline.total,
    }
    passports = [
        {
            "type": p.doc_type,
            "number": number(p.doc_no),
            "issued": p.issued.isoformat() if p.issued else "—",
            "expires": p.expires.isoformat() if p.expires else "—",
            "status": p.status or "—",
        }
        for p in timeline.passports
    ]
    return ExecutionPanel(
        kind="ban",
        timeline=timeline,
        chart_data=json_block(chart),
        events=events,
        passports=passports,
        passport_count=sum(1 for p in timeline.passports if any(k in p.doc_type for k in PASSPORT_KINDS)),
    )


def refusal_panel(source: Any, principal: Principal, clue: Clue) -> ExecutionPanel:
    """The asset-transfer graph and table of a 拒执 clue (``clue``: the stored row, unmasked)."""
    mask = masker_for(principal)
    transfers: list[Transfer] = clue_transfers(source, clue.subject_key or "", list(clue.evidence or []))
    graph = draw.network_svg(clue.subject_name or clue.subject_key, graph_documents(transfers, mask), mask)
    rows = [
        {
            "date": t.date.isoformat(),
            "kind": t.kind,
            "asset": mask(t.asset),
            "recipient": mask(t.recipient),
            "recipient_key": mask(t.recipient_key),
            "relation": t.relation_zh,
            "relation_source": t.relation_source or "来源不详",
            "duty_date": t.duty_date.isoformat(),
            "days": t.days_after_duty,
            "case_number": t.case_number,
            "court": t.court,
            "state": t.state,
        }
        for t in transfers
    ]
    return ExecutionPanel(kind="refusal", transfers=rows, graph=graph)


def _panel_global(
    store: Store, analytic: AnalyticReader
) -> Callable[[Principal, Any], ExecutionPanel | None]:
    def panel(principal: Principal, clue: Any) -> ExecutionPanel | None:
        """``clue``: the page's clue, which `get_clue` has shown this principal may see; its
        stored row (unmasked keys and evidence) is read to look the person up."""
        if clue.model_id not in BAN_MODELS and clue.model_id not in REFUSAL_MODELS:
            return None
        build = ban_panel if clue.model_id in BAN_MODELS else refusal_panel
        try:
            with store.read() as s:
                row = s.get(Clue, clue.clue_id)
                if row is None:
                    return None
                s.expunge(row)
            with analytic.source() as source:
                return build(source, principal, row)
        except Exception:
            log.warning("execution panel: the analytic store cannot be read", exc_info=True)
            empty = ExecutionPanel(kind="ban" if clue.model_id in BAN_MODELS else "refusal")
            empty.notice = "分析库暂时无法读取，执行明细未能显示"
            return empty

    return panel


def install(app: FastAPI, state: Any) -> None:
    """Register the routes and the ``execution_panel`` template global (called by `create_app`)."""
    app.include_router(router)
    state.templates.env.globals["execution_panel"] = _panel_global(state.store, state.analytic)


# ---------------------------------------------------------------- 终本 per court


@router.get("/governance/execution-courts")
def execution_courts_page(
    request: Request,
    p: PagePrincipal,
    state: State,
    court: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    with state.store.read() as s:
        rows = court_findings(s, p, masker_for(p), court=court or None)
    return render(
        request,
        "execution_courts.html",
        {
            "rows": rows,
            "findings": FINDINGS,
            "court": court,
            "can_draft": p.can(Permission.GOVERNANCE_DRAFT),
            "can_export": p.can(Permission.CLUE_EXPORT),
        },
    )


COURT_COLUMNS = (
    Column("法院", 30),
    Column("案件", 8, "int"),
    *(Column(name, 12, "int") for _, name, _ in FINDINGS),
    Column("线索", 8, "int"),
    Column("已确认线索", 10, "int"),
)
CASE_COLUMNS = (
    Column("法院", 30),
    Column("案号", 26),
    Column("立案日期", 12),
    Column("终本日期", 12),
    Column("问题", 60, "wrap"),
    Column("被执行人", 14),
    Column("线索状态", 10),
    Column("已确认", 8),
    Column("线索编号", 34),
)


def courts_workbook(
    principal: Principal, rows: list[CourtFindings], names: PageNames, court: str | None
) -> Export:
    """终本问题（按法院）: one row per court with its counts, one per case, and 说明."""
    now = _now()
    book = _book()
    per_court = Sheet(book, "按法院", COURT_COLUMNS)
    for r in rows:
        per_court.append(
            [
                r.court,
                len(r.cases),
                *(r.counts[k] for k, _, _ in FINDINGS),
                len(r.clue_ids),
                r.confirmed_clues,
            ]
        )
    per_court.finish()
    cases = Sheet(book, "案件", CASE_COLUMNS)
    for r in rows:
        for c in r.cases:
            cases.append(
                [
                    r.court,
                    c.case_number,
                    c.filed.isoformat(),
                    c.closed.isoformat(),
                    c.findings_zh,
                    c.debtor,
                    names.label("status", c.status),
                    "是" if c.confirmed else "否",
                    c.clue_id,
                ]
            )
    cases.finish()
    what = f"终本问题（{court}）" if court else "终本问题（按法院）"
    _about(book, _about_items(principal, names, what, cases.rows, now))
    return Export(
        what=what,
        file_name=file_name("终本问题", court or "按法院", now=now),
        rows=cases.rows,
        entity_type="court",
        entity_id=court,
        data=_save(book),
        summary=f"{what}，法院{len(rows)}个、案件{cases.rows}件",
        details={"courts": [r.court for r in rows], "cases": cases.rows},
    )


@router.get("/exports/execution-courts.xlsx")
def execution_courts_xlsx(
    p: PagePrincipal, state: State, court: Annotated[str | None, Query(max_length=200)] = None
) -> Response:
    require(p, Permission.CLUE_EXPORT)
    with state.store.read() as s:
        rows = court_findings(s, p, masker_for(p), court=court or None)
    return _download(state, p, courts_workbook(p, rows, PageNames(state), court or None))


@router.get("/governance/execution-courts/draft")
def execution_court_draft(
    p: PagePrincipal,
    state: State,
    court: Annotated[str, Query(min_length=1, max_length=200)],
    key: Annotated[str, Query(min_length=1, max_length=300)],
) -> Response:
    """The 检察建议书 draft to one court from its confirmed 终本 findings (the governance group
    ``key`` of their clues): the existing generator, given the court, cases and counts."""
    require(p, Permission.GOVERNANCE_DRAFT)
    template = state.root / "templates" / "suggestion.docx"
    with state.store.write() as s:  # the draft is an audit event
        rows = court_findings(s, p, masker_for(p), court=court)
        findings = draft_findings(rows[0], key) if rows else None
        if findings is None:
            raise NotFound(f"no confirmed 终本 findings of {court!r} in group {key!r}")
        data = suggestion_draft(
            s,
            p,
            key,
            model_title=state.model_title(FINAL_MODEL),
            template=template if template.is_file() else None,
            findings=findings,
        )
    return docx_response(data, key)
