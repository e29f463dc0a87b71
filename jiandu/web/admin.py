"""Administration pages (admin role): users and jurisdictions. The service layer refuses
everyone else (403) and limits an administrator to their own jurisdiction subtree. Setting a
user's password or deactivating a user ends that user's sessions (`jiandu.workflow.users`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from jiandu.web.deps import PagePrincipal, State, check_form_csrf, render, session_of
from jiandu.workflow import (
    Permission,
    PermissionDenied,
    Role,
    add_jurisdiction,
    add_user,
    list_jurisdictions,
    list_users,
    set_active,
    set_password,
)
from jiandu.workflow.authz import require
from jiandu.workflow.jurisdictions import LEVELS

router = APIRouter(prefix="/admin", dependencies=[Depends(check_form_csrf)], include_in_schema=False)

Short = Annotated[str, Form(max_length=64)]


def _none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


@router.get("/users")
def users_page(request: Request, p: PagePrincipal, state: State) -> Response:
    with state.store.read() as s:
        users = list_users(s, p)
        jurisdictions = list_jurisdictions(s, p)
    return render(
        request,
        "admin_users.html",
        {
            "users": users,
            "jurisdictions": jurisdictions,
            "roles": [r.value for r in Role],
            "done": request.query_params.get("done"),
        },
    )


@router.post("/users")
def users_add(
    p: PagePrincipal,
    state: State,
    username: Short,
    role: Short,
    jurisdiction_code: Annotated[str, Form(max_length=12)],
    password: Annotated[str, Form(max_length=256)],
    display_name: Annotated[str | None, Form(max_length=100)] = None,
) -> Response:
    with state.store.write() as s:
        add_user(
            s,
            p,
            username.strip(),
            role=role,
            jurisdiction_code=jurisdiction_code,
            password=password,
            display_name=_none(display_name),
        )
    return RedirectResponse("/admin/users?done=added", status_code=303)


@router.post("/users/{username}/active")
def users_active(
    p: PagePrincipal,
    state: State,
    username: str,
    active: Annotated[bool, Form()],
    reason: Annotated[str | None, Form(max_length=500)] = None,
) -> Response:
    with state.store.write() as s:
        if username == p.username and not active:
            raise PermissionDenied("不能停用自己的账号")
        set_active(s, p, username, active, reason=_none(reason))
    return RedirectResponse("/admin/users?done=active", status_code=303)


@router.post("/users/{username}/password")
def users_password(
    request: Request,
    p: PagePrincipal,
    state: State,
    username: str,
    password: Annotated[str, Form(max_length=256)],
) -> Response:
    """Set a user's password: every session of that user ends (but this one, if it is one's own)."""
    session = session_of(request)
    with state.store.write() as s:
        require(p, Permission.USER_ADMIN)
        set_password(
            s, p, username, password, keep_sid=session.sid if session else None, now=state.sessions.now()
        )
    return RedirectResponse("/admin/users?done=password", status_code=303)


@router.get("/jurisdictions")
def jurisdictions_page(request: Request, p: PagePrincipal, state: State) -> Response:
    require(p, Permission.JURISDICTION_ADMIN)
    with state.store.read() as s:
        jurisdictions = list_jurisdictions(s, p)
    return render(
        request,
        "admin_jurisdictions.html",
        {"jurisdictions": jurisdictions, "levels": LEVELS, "done": request.query_params.get("done")},
    )


@router.post("/jurisdictions")
def jurisdictions_add(
    p: PagePrincipal,
    state: State,
    code: Annotated[str, Form(max_length=12)],
    name: Annotated[str, Form(max_length=100)],
    parent_code: Annotated[str | None, Form(max_length=12)] = None,
    level: Annotated[str | None, Form(max_length=20)] = None,
) -> Response:
    with state.store.write() as s:
        add_jurisdiction(s, p, code, name.strip(), parent_code=_none(parent_code), level=_none(level))
    return RedirectResponse("/admin/jurisdictions?done=added", status_code=303)
