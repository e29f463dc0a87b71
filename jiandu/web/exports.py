"""Exports a prosecutor takes away: Excel workbooks (.xlsx) and the A4 print view of a clue.

``/exports/queue.xlsx`` (the queue under the page's filters, every page), ``/exports/clues/{id}.xlsx``
(one clue), ``/exports/governance.xlsx?key=`` (one class of clues), ``/exports/stats.xlsx`` (the
statistics) and ``/clues/{id}/print``. The workbooks are built by `jiandu.workflow.xlsx`, which
checks permission and jurisdiction and masks; this module names things as the pages do, records
each export in the audit chain before handing the file out, and streams it with a Chinese file
name (RFC 5987).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from markupsafe import Markup, escape

from jiandu.web import render as draw
from jiandu.web.analytic import AnalyticUnavailable
from jiandu.web.deps import PagePrincipal, State, check_form_csrf, render
from jiandu.web.display import number, source_name, subject_kind
from jiandu.web.labels import zh
from jiandu.web.queue_query import QueueQuery
from jiandu.web.state import WebState, local_time
from jiandu.workflow import Principal, get_clue, masker_for
from jiandu.workflow.governance import content_disposition
from jiandu.workflow.jurisdictions import court_names
from jiandu.workflow.views import ClueDetail
from jiandu.workflow.xlsx import (
    MEDIA_TYPE,
    Export,
    clue_facts,
    clue_for_export,
    clue_workbook,
    evidence_rows,
    group_workbook,
    queue_workbook,
    record_export,
    stats_workbook,
)

router = APIRouter(dependencies=[Depends(check_form_csrf)], include_in_schema=False)


class PageNames:
    """The names the pages use (`jiandu.web.display`, `jiandu.web.labels`), for workbooks."""

    def __init__(self, state: WebState) -> None:
        self._display = state.display

    def model_name(self, model_id: str | None) -> str:
        return self._display.model_name(model_id)

    def region(self, code: str | None) -> str:
        return self._display.region(code)

    def person(self, username: str | None) -> str:
        return self._display.person(username)

    def actor(self, actor: str | None) -> str:
        return self._display.actor(actor)

    def label(self, kind: str, code: object) -> str:
        return zh(kind, code)

    def source_name(self, table: str | None) -> str:
        return source_name(table)

    def subject_kind(self, kind: str | None) -> str:
        return subject_kind(kind)

    def feature_rows(self, model_id: str, features: Mapping[str, Any] | None) -> list[dict[str, str]]:
        return self._display.feature_rows(model_id, features)

    def changes(self, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[str]:
        return self._display.changes(before, after)


def _download(state: WebState, p: Principal, export: Export) -> StreamingResponse:
    """Record the export, then stream the file (the audit event comes first: no event, no file)."""
    try:
        with state.store.write() as s:
            record_export(s, p, export)
    except BaseException:
        export.data.close()
        raise
    data = export.data

    def chunks() -> Iterator[bytes]:
        try:
            data.seek(0)
            while block := data.read(64 * 1024):
                yield block
        finally:
            data.close()

    return StreamingResponse(
        chunks(),
        media_type=MEDIA_TYPE,
        headers={"Content-Disposition": content_disposition(export.file_name)},
    )


def _documents(state: WebState, clue: ClueDetail) -> tuple[dict[str, dict[str, Any]], str | None]:
    """The clue's evidence documents from the analytic store, and a notice when some are not there."""
    doc_ids = list(dict.fromkeys(e.doc_id for e in clue.evidence if e.doc_id))
    if not doc_ids:
        return {}, None
    try:
        found = state.analytic.documents(doc_ids)
    except AnalyticUnavailable as exc:
        return {}, str(exc)
    missing = sum(1 for d in doc_ids if d not in found)
    return found, (f"{len(doc_ids)} 份证据文书中有 {missing} 份不在分析库中" if missing else None)


# ---------------------------------------------------------------- Excel


@router.get("/exports/queue.xlsx")
def queue_xlsx(
    p: PagePrincipal,
    state: State,
    query: Annotated[QueueQuery, Depends()],
) -> Response:
    """The queue as on /clues with the same filters, every page."""
    filters = query.clue_filter(p)
    with state.store.read() as s:  # a long read; the audit event is a short write after it
        export = queue_workbook(s, p, filters, PageNames(state))
    return _download(state, p, export)


@router.get("/exports/clues/{clue_id}.xlsx")
def clue_xlsx(clue_id: str, p: PagePrincipal, state: State) -> Response:
    with state.store.write() as s:  # write: a view of personal data is an audit event
        clue = clue_for_export(s, p, clue_id)
        courts = court_names(s)
    documents, notice = _documents(state, clue)
    export = clue_workbook(
        p,
        clue,
        PageNames(state),
        documents=documents,
        court_name=courts.get(clue.court) if clue.court else None,
        notice=notice,
    )
    return _download(state, p, export)


@router.get("/exports/governance.xlsx")
def governance_xlsx(p: PagePrincipal, state: State, key: Annotated[str, Query(max_length=300)]) -> Response:
    with state.store.read() as s:
        export = group_workbook(s, p, key, PageNames(state))
    return _download(state, p, export)


@router.get("/exports/stats.xlsx")
def stats_xlsx(p: PagePrincipal, state: State) -> Response:
    with state.store.read() as s:
        export = stats_workbook(s, p, PageNames(state))
    return _download(state, p, export)


# ---------------------------------------------------------------- print view


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.datetime):
        return local_time(value)
    if isinstance(value, float):
        return number(value, 1)
    return str(value)


def _marked(excerpt: Any) -> Markup | None:
    if excerpt is None:
        return None
    return Markup(f"{escape(excerpt.before)}<mark>{escape(excerpt.cited)}</mark>{escape(excerpt.after)}")


@router.get("/clues/{clue_id}/print")
def clue_print(
    request: Request,
    clue_id: str,
    p: PagePrincipal,
    state: State,
    full: Annotated[bool, Query()] = False,
) -> Response:
    """A clue on A4: facts, explanation, features, every evidence item with its cited span in
    context, the timeline; with ``full=1`` also the evidence documents' whole texts."""
    with state.store.write() as s:  # write: a view of personal data is an audit event
        clue = get_clue(s, p, clue_id)
        courts = court_names(s)
    documents, notice = _documents(state, clue)
    mask = masker_for(p)
    names = PageNames(state)
    facts = [
        (k, _shown(v))
        for k, v in clue_facts(clue, names, courts.get(clue.court) if clue.court else None)
        if k not in ("线索编号", "说明")
    ]
    evidence = evidence_rows(clue, documents, mask)
    for r in evidence:
        r["marked"] = _marked(r["excerpt"])
    texts = []
    if full:
        for doc_id in dict.fromkeys(e.doc_id for e in clue.evidence if e.doc_id):
            d = documents.get(doc_id)
            if d is None or d.get("text") is None:
                continue
            spans = [
                (int(e.span[0]), int(e.span[1]), f"p-ev-{i}")
                for i, e in enumerate(clue.evidence)
                if e.doc_id == doc_id and e.span and len(e.span) == 2
            ]
            texts.append(
                {
                    "case_number": d.get("case_number"),
                    "title": d.get("title"),
                    "html": draw.highlight(mask(d["text"]), spans),
                }
            )
    return render(
        request,
        "print.html",
        {
            "clue": clue,
            "facts": facts,
            "features": names.feature_rows(clue.model_id, clue.features),
            "evidence": evidence,
            "doc_notice": notice,
            "texts": texts,
            "full": full,
            "printed_at": dt.datetime.now(dt.UTC),
        },
    )
