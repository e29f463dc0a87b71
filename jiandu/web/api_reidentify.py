"""再识别 in the JSON API (issue 16 §4): ``POST /api/clues/{id}/reidentify``, multipart
(``reason``, ``key_file``); the same checks, audit and handling of the key as the clue page's
form (`jiandu.web.reidentify_views`)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from jiandu.web.api import CHANGE_ERRORS, ClueIdPath
from jiandu.web.deps import ApiPrincipal, State
from jiandu.web.reidentify_views import KeyUpload, Reason, run

router = APIRouter(prefix="/api", tags=["api"])


class Resolved(BaseModel):
    pseudonym: str
    value: str


class ReidentifyOut(BaseModel):
    clue_id: str
    resolved: list[Resolved]
    unresolved: list[str]
    request_zh: str | None


@router.post("/clues/{clue_id}/reidentify", responses=CHANGE_ERRORS)
async def api_clue_reidentify(
    clue_id: ClueIdPath, p: ApiPrincipal, state: State, reason: Reason = None, key_file: KeyUpload = None
) -> ReidentifyOut:
    """再识别 (multipart: ``reason``, ``key_file``): the pseudonyms resolved from raw identifiers
    the workspace holds, and the 协查函 text for the rest; audited; needs ``clue.reidentify``."""
    result = await run(state, p, clue_id, reason, key_file)
    return ReidentifyOut(
        clue_id=result.clue_id,
        resolved=[Resolved(pseudonym=k, value=v) for k, v in result.resolved.items()],
        unresolved=result.unresolved,
        request_zh=result.request_zh,
    )
