"""再识别 in the browser and the JSON API (issue 16 §4): a verified clue's pseudonyms resolved for a
user with ``clue.reidentify``, through `jiandu.workflow.reidentify` (which checks role, masked
view, verification and reason, and audits the act).

The key file is uploaded with each request and read in memory only: it is never stored, so the
key stays off the server except while re-identifying (docs/security.md). Raw identifiers are
those the workspace lawfully holds (`jiandu.ingest.pseudonymised.raw_holdings`, read from the
published snapshot). The result goes to the requester in that one response (``no-store``) and
is written nowhere else; the audit event holds what the service records (never a raw value).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from jiandu.ingest.pseudonymised import raw_holdings
from jiandu.privacy.pseudonyms import MAX_KEY_FILE_BYTES, KeyFileProblem, KeyRing, key_ring_from_bytes
from jiandu.sources.registry import catalogue
from jiandu.web.analytic import AnalyticUnavailable
from jiandu.web.deps import PagePrincipal, State, check_form_csrf, render
from jiandu.web.state import WebState
from jiandu.workflow import InvalidInput, Permission, Principal, WorkflowError
from jiandu.workflow.authz import require as require_permission
from jiandu.workflow.clues import load_clue
from jiandu.workflow.reidentify import Reidentification, clue_pseudonyms, is_verified, reidentify

router = APIRouter(dependencies=[Depends(check_form_csrf)], include_in_schema=False)

# optional in the signature so that a caller without the permission gets 403 whatever it sent;
# the service refuses an empty reason, `_ring` a missing key file
Reason = Annotated[str | None, Form(max_length=2000)]
KeyUpload = Annotated[UploadFile | None, File(description="the pseudonym key file (JSON), read in memory")]


def offered(session: Session, principal: Principal, clue_id: str) -> bool:
    """Whether the clue page offers 再识别 to this user: the permission, an unmasked view, a
    verified clue that shows pseudonyms."""
    if not principal.can(Permission.CLUE_REIDENTIFY) or principal.masked:
        return False
    try:
        clue = load_clue(session, principal, clue_id)
    except WorkflowError:
        return False
    return is_verified(clue) and bool(clue_pseudonyms(clue))


async def _ring(upload: UploadFile | None) -> KeyRing:
    if upload is None:
        raise InvalidInput("upload the key file (key_file)", zh="请上传假名化密钥文件")
    data = await upload.read(MAX_KEY_FILE_BYTES + 1)
    try:
        return key_ring_from_bytes(data, "(uploaded)")
    except KeyFileProblem as exc:
        raise InvalidInput(str(exc), zh="请上传有效的假名化密钥文件（JSON）") from None


@contextmanager
def _holdings(state: WebState) -> Iterator[Iterator[str]]:
    """The raw identifiers the workspace holds, read lazily from the published snapshot (none
    before the first ingest)."""
    try:
        with state.analytic.source() as source:
            yield iter(()) if source is None else raw_holdings(source, catalogue(state.root))
    except AnalyticUnavailable:
        yield iter(())


def _resolve(
    state: WebState, p: Principal, clue_id: str, reason: str | None, ring: KeyRing
) -> Reidentification:
    with _holdings(state) as held, state.store.write() as s:
        return reidentify(s, p, clue_id, reason=reason or "", ring=ring, holdings=held)


async def run(
    state: WebState, p: Principal, clue_id: str, reason: str | None, key_file: UploadFile | None
) -> Reidentification:
    """Check the permission, read the uploaded key in memory, and call the service."""
    require_permission(p, Permission.CLUE_REIDENTIFY)  # refused before the key is even read
    ring = await _ring(key_file)
    return await run_in_threadpool(_resolve, state, p, clue_id, reason, ring)


@router.post("/clues/{clue_id}/reidentify")
async def clue_reidentify(
    request: Request,
    clue_id: str,
    p: PagePrincipal,
    state: State,
    reason: Reason = None,
    key_file: KeyUpload = None,
) -> Response:
    """再识别 from the clue page: the result is shown in this response only."""
    result = await run(state, p, clue_id, reason, key_file)
    return render(
        request,
        "reidentify_result.html",
        {
            "result": result,
            "back": f"/clues/{quote(clue_id, safe='')}",
            "request_href": "data:text/plain;charset=utf-8," + quote(result.request_zh or ""),
        },
    )
