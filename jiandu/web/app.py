"""The web application: `create_app(workspace_root)` serves one workspace.

Pages (Chinese, server-rendered with Jinja2) and the JSON API under ``/api/`` share the
workflow store's service layer, which checks permission, jurisdiction and lifecycle and masks
what it returns; this layer authenticates (session cookie or API token), checks CSRF tokens,
and turns service errors into HTTP statuses (`STATUS_OF`).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jiandu import __version__
from jiandu.web.state import (
    STATIC_DIR,
    CsrfRejected,
    LoginRequired,
    WebConfig,
    WebState,
)
from jiandu.web.state import local_time as local_time  # re-exported: the routers import it from here
from jiandu.workflow import (
    AuthenticationFailed,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    WorkflowError,
)

STATUS_OF: dict[type[WorkflowError], int] = {
    PermissionDenied: 403,
    NotFound: 404,
    InvalidTransition: 409,
    InvalidInput: 400,
    AuthenticationFailed: 401,
}
_CJK = re.compile(r"[\u4e00-\u9fff]")
MESSAGES_ZH = {
    400: "请求有误",
    401: "需要登录",
    403: "无权进行此操作",
    404: "未找到（或不在您的辖区内）",
    405: "不支持的请求方法",
    409: "线索当前状态不允许此操作",
    422: "请求参数有误",
}

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


class SecurityHeaders:
    """Adds CSP, frame, sniffing and referrer headers (and no-store on pages and API)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-frame-options", b"DENY"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                ]
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, wrapped)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def error_page(request: Request, status: int, message: str, detail: str = "") -> Response:
    """The error page: a Chinese title for the status, the Chinese message, and ``detail`` (an
    English message from the service layer) in the 技术信息 fold."""
    state: WebState = request.app.state.jiandu
    from jiandu.web.deps import render_context

    title = MESSAGES_ZH.get(status, "出错了")
    context = {"status": status, "title": title, "message": message, "detail": detail}
    return state.templates.TemplateResponse(
        request, "error.html", render_context(request, context), status_code=status
    )


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(WorkflowError)
    async def workflow_error(request: Request, exc: WorkflowError) -> Response:
        status = next((code for cls, code in STATUS_OF.items() if isinstance(exc, cls)), 400)
        if _is_api(request):
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            return JSONResponse({"detail": str(exc)}, status_code=status, headers=headers)
        if status == 401:
            return RedirectResponse("/login", status_code=303)
        message = str(exc)
        shown = exc.zh or (message if _CJK.search(message) else "")
        return error_page(request, status, shown, detail="" if shown == message else message)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(CsrfRejected)
    async def csrf_rejected(request: Request, exc: CsrfRejected) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "missing or invalid CSRF token (X-CSRF-Token)"}, status_code=403)
        return error_page(request, 403, "表单已过期或来源不明，未予受理：请刷新页面后重试。")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        detail = exc.detail if isinstance(exc.detail, str) else ""
        if not _CJK.search(detail):  # Starlette's own phrases ("Not Found") say nothing the title does not
            detail = ""
        return error_page(request, exc.status_code, detail)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": _jsonable_errors(exc)}, status_code=422)
        return error_page(request, 400, f"有 {len(exc.errors())} 项填写的内容不符合要求，请检查后重试。")


def _jsonable_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for e in exc.errors():
        out.append(
            {"loc": [str(x) for x in e.get("loc", [])], "msg": str(e.get("msg", "")), "type": e.get("type")}
        )
    return out


def create_app(workspace_root: Path | str, config: WebConfig | None = None) -> FastAPI:
    """The FastAPI application serving the workspace at ``workspace_root``."""
    from jiandu.web import admin, api, api_desk, desk, exports, pages, search_pages, statistics

    root = Path(workspace_root).expanduser().resolve()
    state = WebState(root, config or WebConfig())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        state.close()

    app = FastAPI(
        lifespan=lifespan,
        title="jiandu 监督 API",
        version=__version__,
        description=(
            "大数据法律监督线索的 JSON 接口。认证：`Authorization: Bearer <API 令牌>`（在“我的账号”页面或 "
            "`jiandu users token` 生成），或浏览器会话 Cookie（非 GET 请求需附 `X-CSRF-Token` 头）。"
            "所有数据按用户的角色与辖区过滤并脱敏。"
        ),
        docs_url=None,  # Swagger UI would load from a CDN; the spec is at /api/openapi.json
        redoc_url=None,
        openapi_url="/api/openapi.json",
        swagger_ui_oauth2_redirect_url=None,
    )
    app.state.jiandu = state
    app.add_middleware(SecurityHeaders)
    _install_handlers(app)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.include_router(pages.router)
    app.include_router(desk.router)  # approvals, deadlines, bulk actions, notifications (§6)
    from jiandu.web import related_pages  # 关联线索 and 类案 (issue 13 §5)

    related_pages.install(app, state)
    from jiandu.web import execution_views  # execution clue pages, 终本 per court (issue 14 §7)

    execution_views.install(app, state)
    app.include_router(exports.router)
    app.include_router(admin.router)
    app.include_router(api.router)
    app.include_router(api_desk.router)
    app.include_router(search_pages.router)
    app.include_router(statistics.router)
    from jiandu.web import maps  # 地图 (issue 15 §3)

    app.include_router(maps.router)
    from jiandu.web import api_reidentify, reidentify_views  # 再识别 (issue 16 §4)

    app.include_router(reidentify_views.router)
    app.include_router(api_reidentify.router)
    return app
