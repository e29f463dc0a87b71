"""关联线索 and 类案 (issue 13 §5): the related-clues section of a clue page, the full list of one
relation, the classes page and each class's clues (`jiandu.workflow.related`).

The clue page's route is not here: `install` puts a ``related_clues(principal, clue)`` template
global into the app's Jinja environment, which ``related.html`` (included by ``clue.html``) calls,
so the section is server-rendered with the page and needs no JavaScript. The analytic store
(documents, agents, entities) is read from its published snapshot; when it cannot be read the
section still shows the relations the workflow store knows (same subject, same court). The
snapshot is read through the web's pooled connection (`jiandu.web.analytic.AnalyticReader.source`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import RedirectResponse, Response

from jiandu.web.analytic import AnalyticReader
from jiandu.web.deps import PagePrincipal, State, check_form_csrf, render
from jiandu.workflow import Permission, Principal, Store
from jiandu.workflow.errors import NotFound
from jiandu.workflow.lifecycle import Status
from jiandu.workflow.related import (
    CLASS_KINDS,
    CLASS_NAMES_ZH,
    MAX_LIST,
    REASON_NAMES_ZH,
    REASONS,
    ClueClass,
    RelatedGroup,
    class_members,
    clue_classes,
    related_clues,
)

log = logging.getLogger(__name__)
router = APIRouter(dependencies=[Depends(check_form_csrf)], include_in_schema=False)
MIN_CLASS = 3
CLASSES_SECONDS = 60.0


def _related_global(store: Store, analytic: AnalyticReader) -> Callable[[Principal, Any], list[RelatedGroup]]:
    def related(principal: Principal, clue: Any) -> list[RelatedGroup]:
        try:
            with analytic.source() as source, store.read() as s:
                return related_clues(s, principal, clue.clue_id, source)
        except NotFound:
            return []
        except Exception:
            log.warning("related clues: the analytic store cannot be read", exc_info=True)
        with store.read() as s:
            return related_clues(s, principal, clue.clue_id, None)

    return related


class _ClassCache:
    """The classes of each scope for `CLASSES_SECONDS` (grouping 100k clues takes a second or
    more); the page says they may lag by that much."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._found: dict[Hashable, tuple[float, dict[str, list[ClueClass]]]] = {}

    def get(self, key: Hashable) -> dict[str, list[ClueClass]] | None:
        with self._lock:
            hit = self._found.get(key)
        return hit[1] if hit and time.monotonic() - hit[0] < CLASSES_SECONDS else None

    def put(self, key: Hashable, classes: dict[str, list[ClueClass]]) -> None:
        with self._lock:
            if len(self._found) >= 256:
                self._found.clear()
            self._found[key] = (time.monotonic(), classes)


def install(app: FastAPI, state: Any) -> None:
    """Register the routes and the ``related_clues`` and ``evidence_total`` template globals
    (called by `create_app`)."""
    app.include_router(router)
    app.state.jiandu_classes = _ClassCache()
    state.templates.env.globals["related_clues"] = _related_global(state.store, state.analytic)
    # how many evidence items the model found (clue.html says 显示前 N 项，共 M 项 when it kept fewer)
    state.templates.env.globals["evidence_total"] = state.analytic.evidence_total


@router.get("/clues/{clue_id}/related/{reason}")
def related_list(request: Request, clue_id: str, reason: str, p: PagePrincipal, state: State) -> Response:
    if reason not in REASONS or len(clue_id) > 64:
        raise NotFound(f"no relation {reason}")
    try:
        with state.analytic.source() as source, state.store.read() as s:
            groups = related_clues(s, p, clue_id, source, only=reason, per_reason=MAX_LIST)
    except NotFound:
        raise
    except Exception:
        log.warning("related clues: the analytic store cannot be read", exc_info=True)
        with state.store.read() as s:
            groups = related_clues(s, p, clue_id, None, only=reason, per_reason=MAX_LIST)
    group = groups[0] if groups else RelatedGroup(reason, REASON_NAMES_ZH[reason], [], 0)
    return render(
        request,
        "classes.html",
        {
            "mode": "related",
            "title": f"关联线索：{group.name_zh}",
            "back": f"/clues/{clue_id}",
            "members": [r.clue for r in group.items],
            "shared": {r.clue.clue_id: r.shared for r in group.items},
            "total": group.total,
            "at_least": group.at_least,
            "tech": {"线索编号": clue_id, "关联类型": reason},
        },
    )


@router.get("/classes")
def classes_page(
    request: Request,
    p: PagePrincipal,
    state: State,
    min_size: Annotated[int, Query(ge=2, le=1000)] = MIN_CLASS,
) -> Response:
    cache: _ClassCache = request.app.state.jiandu_classes
    key = (p.scope, p.sees_unassigned, p.sees_personal_data, p.can(Permission.GOVERNANCE_READ), min_size)
    classes = cache.get(key)
    if classes is None:
        try:
            with state.analytic.source() as source, state.store.read() as s:
                classes = clue_classes(s, p, source, min_size=min_size)
        except Exception:
            log.warning("classes: the analytic store cannot be read", exc_info=True)
            with state.store.read() as s:
                classes = clue_classes(s, p, None, min_size=min_size)
        cache.put(key, classes)
    return render(
        request,
        "classes.html",
        {
            "mode": "classes",
            "title": "类案视图",
            "classes": [(k, CLASS_NAMES_ZH[k], classes.get(k, [])) for k in CLASS_KINDS],
            "statuses": [s.value for s in Status],
            "min_size": min_size,
            "cache_minutes": int(CLASSES_SECONDS // 60),
        },
    )


@router.get("/classes/{kind}")
def class_page(
    request: Request,
    kind: str,
    p: PagePrincipal,
    state: State,
    key: Annotated[str, Query(min_length=1, max_length=400)],
) -> Response:
    if kind not in CLASS_KINDS:
        raise NotFound(f"no class kind {kind}")
    if kind == "model":
        return RedirectResponse("/clues?" + urlencode({"model": key}), status_code=303)
    try:
        with state.analytic.source() as source, state.store.read() as s:
            members, total = class_members(s, p, kind, key, source)
    except NotFound:
        raise
    except Exception:
        log.warning("classes: the analytic store cannot be read", exc_info=True)
        with state.store.read() as s:
            members, total = class_members(s, p, kind, key, None)
    return render(
        request,
        "classes.html",
        {
            "mode": "members",
            "title": f"类案线索（{CLASS_NAMES_ZH[kind]}）",
            "back": "/classes",
            "members": members,
            "shared": {},
            "total": total,
            "at_least": False,
            "tech": {"类别": kind, "键": key},
        },
    )
