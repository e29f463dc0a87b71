"""检索 (issue 13 §3): one box in the page header, results grouped by kind, in the user's
jurisdiction and masked for its role (`jiandu.workflow.search`). Also carries the profile pages'
router (`jiandu.web.profiles`), so the app registers both with one line."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from jiandu.web import profiles
from jiandu.web.deps import PagePrincipal, State, check_form_csrf, render
from jiandu.workflow.search import KIND_NAMES_ZH, KINDS, search, terms_of

router = APIRouter(dependencies=[Depends(check_form_csrf)], include_in_schema=False)
router.include_router(profiles.router)
PER_KIND = 20


@router.get("/search")
def search_page(
    request: Request,
    p: PagePrincipal,
    state: State,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    query = (q or "").strip()
    with state.store.read() as s:
        results = search(s, p, query, per_kind=PER_KIND)
    return render(
        request,
        "search.html",
        {
            "q": query,
            "results": results,
            "kinds": [(k, KIND_NAMES_ZH[k]) for k in KINDS],
            "searched": bool(terms_of(query)),
        },
    )
