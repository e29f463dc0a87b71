"""Who is asking: the session cookie or API token → a `Principal`; CSRF checks; page context."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from jiandu.web.security import COOKIE_NAME, CSRF_FIELD, CSRF_HEADER, SessionData
from jiandu.web.state import CsrfRejected, LoginRequired, WebState
from jiandu.workflow import AuthenticationFailed, Permission, Principal, principal_for_username
from jiandu.workflow.users import principal_from_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
bearer = HTTPBearer(
    auto_error=False, description="API 令牌（jdt_…）：`jiandu users token` 或“我的账号”页面生成"
)


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.jiandu
    return state


def client_address(request: Request) -> str:
    """The client's address (behind a proxy, run uvicorn with --proxy-headers)."""
    return request.client.host if request.client else "unknown"


def session_of(request: Request) -> SessionData | None:
    """The request's session: signed, not expired, and (when logged in) alive in the store."""
    if hasattr(request.state, "jiandu_session"):
        cached: SessionData | None = request.state.jiandu_session
        return cached
    state = web_state(request)
    data = state.sessions.read(request.cookies.get(COOKIE_NAME), state.store, client_address(request))
    request.state.jiandu_session = data
    return data


def _principal_for(request: Request, username: str) -> Principal:
    with web_state(request).store.read() as s:
        return principal_for_username(s, username)


def page_principal(request: Request) -> Principal:
    """The logged-in user of a page; redirects to the login page when there is none."""
    session = session_of(request)
    if session is None or session.username is None:
        raise LoginRequired()
    try:
        principal = _principal_for(request, session.username)
    except AuthenticationFailed:  # user deactivated since login
        raise LoginRequired() from None
    request.state.principal = principal
    return principal


async def check_form_csrf(request: Request) -> None:
    """Form POSTs must carry the session's CSRF token in ``csrf_token``."""
    if request.method in SAFE_METHODS:
        return
    session = session_of(request)
    form = await request.form()
    token = form.get(CSRF_FIELD)
    if session is None or not web_state(request).sessions.csrf_ok(
        session.sid, token if isinstance(token, str) else None
    ):
        raise CsrfRejected()


def api_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """An API caller: a bearer token, else the session cookie (plus X-CSRF-Token on changes)."""
    state = web_state(request)
    if credentials is not None:
        if credentials.scheme.lower() != "bearer":
            raise AuthenticationFailed("use Authorization: Bearer <token>")
        with state.store.read() as s:
            return principal_from_token(s, credentials.credentials)
    session = session_of(request)
    if session is None or session.username is None:
        raise AuthenticationFailed("log in or send Authorization: Bearer <API token>")
    if request.method not in SAFE_METHODS and not state.sessions.csrf_ok(
        session.sid, request.headers.get(CSRF_HEADER)
    ):
        raise CsrfRejected()
    return _principal_for(request, session.username)


PagePrincipal = Annotated[Principal, Depends(page_principal)]
ApiPrincipal = Annotated[Principal, Depends(api_principal)]
State = Annotated[WebState, Depends(web_state)]


def set_session_cookie(request: Request, response: Response, cookie: str) -> None:
    state = web_state(request)
    secure = state.config.secure_cookies
    if secure is None:
        secure = request.url.scheme == "https"
    response.set_cookie(
        COOKIE_NAME,
        cookie,
        max_age=state.sessions.max_age,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )


def render_context(request: Request, extra: dict[str, Any]) -> dict[str, Any]:
    session = session_of(request)
    principal: Principal | None = getattr(request.state, "principal", None)
    state = web_state(request)
    context = {
        "principal": principal,
        "csrf_token": state.sessions.csrf_token(session.sid) if session else "",
        "P": Permission,
        "path": request.url.path,
    }
    context.update(extra)
    return context


def render(request: Request, template: str, extra: dict[str, Any], status_code: int = 200) -> Response:
    state = web_state(request)
    return state.templates.TemplateResponse(
        request, template, render_context(request, extra), status_code=status_code
    )
