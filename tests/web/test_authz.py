"""Authorization through every route of the app: a county user cannot read, list, export or
change another county's clue by any URL or API call; a viewer cannot change anything.

The routes are enumerated from the application, so a route added later is tried too (the test
fails if a route was not exercised)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jiandu.web.security import COOKIE_NAME
from jiandu.workflow import create_token
from jiandu.workflow.tables import Clue, Event
from jiandu.workflow.users import principal_for_username
from tests.web.conftest import csrf_of
from tests.web.world import KEQIAO, KQ, KQ_GROUP, MODEL, YC

# Text that only another county's clues and documents contain.
KQ_MARKERS = (*KQ, "浙0603民初", "原告甲4", "原告甲5", "被告乙4", "被告乙5")
NO_SUCH = "c9999999999999999999999999999999"
# Routes that change only the caller's own account (every role may use them) or the session.
# the user's own session, account and notifications (tests/web/test_desk.py: never another's)
OWN_ACCOUNT = {
    "/login",
    "/logout",
    "/account/token",
    "/account/password",
    "/notifications/read",
    "/notifications/{notice_id}",
    "/api/notifications/read",
}
FORM_BODY = {
    "assignee": "yc_pro",
    "to": "verifying",
    "outcome": "confirmed",
    "reason": "理由",
    "reject_reason": "lawful",
    "merged_into": YC[1],
    "username": "x_user",
    "role": "viewer",
    "jurisdiction_code": KEQIAO,
    "password": "a long password",
    "code": "330698",
    "name": "某院",
    "parent_code": KEQIAO,
    "active": "false",
    "current": "x",
    "new": "a long password",
    "label": "l",
    "action": "assign",
    "day": "2027-01-01",
}
JSON_BODY = {
    "assignee": "yc_pro",
    "to": "verifying",
    "outcome": "confirmed",
    "reason": "理由",
    "day": "2027-01-01",
    "reject_reason": "lawful",
    "clue_ids": [YC[0]],
}


def api_routes(app: FastAPI) -> list[APIRoute]:
    """Every APIRoute of the app, also those of included routers (FastAPI ≥ 0.13x keeps them
    behind `_IncludedRouter` objects with `effective_route_contexts`)."""
    found: list[APIRoute] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, APIRoute):
                found.append(item)
            elif hasattr(item, "effective_route_contexts"):
                walk([ctx.original_route for ctx in item.effective_route_contexts()])
            elif hasattr(item, "original_route"):
                walk([item.original_route])

    walk(list(app.routes))
    return found


def routes(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    out = []
    for route in api_routes(app):
        for method in sorted(route.methods - {"HEAD"}):
            out.append((method, route.path, route))
    assert len(out) >= 35, "route enumeration found too few routes"
    return out


def fill(route: APIRoute, clue: str, *, username: str = "kq_pro") -> tuple[str, dict[str, Any]]:
    values = {
        "clue_id": clue,
        "model_id": MODEL,
        "username": username,
        "reason": "party",  # /clues/{clue_id}/related/{reason}
        "kind": "person",  # /profiles/{kind}/{entity_id}: the clue's id is no entity of this county
        "entity_id": clue,
        "notice_id": "1",
    }
    path = route.path
    for param in route.dependant.path_params:
        path = path.replace("{" + param.name + "}", values[param.name])
    query_values = {
        "key": KQ_GROUP,
        "clue": clue,
        "entity_id": clue,
        "jurisdiction": KEQIAO,
        "jurisdiction_code": KEQIAO,
        "assignee": "kq_pro",
    }
    query = {q.name: query_values[q.name] for q in route.dependant.query_params if q.name in query_values}
    return path, query


def call(
    client: TestClient, method: str, route: APIRoute, clue: str, csrf: str, *, bearer: str | None = None
) -> Any:
    path, query = fill(route, clue)
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {"X-CSRF-Token": csrf}
    if method == "GET":
        return client.get(path, params=query, headers=headers)
    if path.startswith("/api/"):
        return client.request(method, path, params=query, json=JSON_BODY, headers=headers)
    return client.request(method, path, params=query, data=FORM_BODY | {"csrf_token": csrf})


def snapshot(app: FastAPI) -> tuple[list[tuple[Any, ...]], int]:
    with app.state.jiandu.store.read() as s:
        clues = [
            tuple(r)
            for r in s.execute(
                select(
                    Clue.clue_id,
                    Clue.status,
                    Clue.assignee,
                    Clue.outcome,
                    Clue.changed_judgment_at,
                    Clue.score,
                ).order_by(Clue.clue_id)
            )
        ]
        events = s.execute(select(func.count()).select_from(Event)).scalar_one()
    return clues, events


def client_for(app: FastAPI, username: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    client.cookies.set(COOKIE_NAME, app.state.jiandu.sessions.new(username)[1])
    return client


def token_for(app: FastAPI, username: str) -> str:
    with app.state.jiandu.store.write() as s:
        return create_token(s, principal_for_username(s, username), label="test")


@pytest.mark.parametrize("auth", ["cookie", "bearer"])
def test_a_county_user_cannot_reach_another_countys_clue_by_any_route(app: FastAPI, auth: str) -> None:
    client = client_for(app, "yc_pro")
    csrf = csrf_of(client)
    bearer = token_for(app, "yc_pro") if auth == "bearer" else None
    before = snapshot(app)
    kq_rows = [r for r in before[0] if r[0] in KQ]
    tried = set()
    for method, path, route in routes(app):
        if auth == "bearer" and not path.startswith("/api/"):
            continue
        if path in OWN_ACCOUNT:
            continue
        for target in KQ:
            response = call(client, method, route, target, csrf, bearer=bearer)
            tried.add((method, path))
            body = response.text.replace(target, "<the requested id>")  # an echo of the request is fine
            assert response.status_code < 500, (method, path, body[:300])
            for marker in KQ_MARKERS:
                assert marker not in body, (method, path, marker, body[:300])
            if "{clue_id}" in path:
                # a prosecutor may not approve or re-identify at all (403, whatever the id); else not found
                expected = 403 if path.endswith(("/approve", "/return", "/reidentify")) else 404
                assert response.status_code == expected, (method, path, response.status_code)
                # indistinguishable from an id that does not exist
                missing = call(client, method, route, NO_SUCH, csrf, bearer=bearer)
                assert missing.status_code == expected
                assert missing.text.replace(NO_SUCH, "<the requested id>") == body
    after = snapshot(app)
    assert [r for r in after[0] if r[0] in KQ] == kq_rows  # nothing changed on their clues
    expected = {
        (m, p)
        for m, p, _ in routes(app)
        if p not in OWN_ACCOUNT and (auth == "cookie" or p.startswith("/api/"))
    }
    assert tried == expected


def test_lists_and_exports_hold_only_the_users_county(app: FastAPI) -> None:
    client = client_for(app, "yc_pro")
    listed = {c["clue_id"] for c in client.get("/api/clues", params={"limit": 500}).json()["items"]}
    assert listed == set(YC)
    assert client.get("/api/clues", params={"jurisdiction_code": KEQIAO}).json()["items"] == []
    exported = [line for line in client.get("/api/export").text.splitlines() if line]
    assert {__import__("json").loads(line)["clue_id"] for line in exported} == set(YC)
    city = client_for(app, "sx_pro")
    assert {c["clue_id"] for c in city.get("/api/clues").json()["items"]} == set(YC + KQ)


@pytest.mark.parametrize("user", ["yc_viewer", "zj_auditor", "yc_analyst"])
def test_roles_without_clue_work_cannot_change_anything(app: FastAPI, user: str) -> None:
    client = client_for(app, user)
    csrf = csrf_of(client)
    bearer = token_for(app, user)
    before = snapshot(app)
    for method, path, route in routes(app):
        if method == "GET" or path in OWN_ACCOUNT:
            continue
        for target in (YC[0], YC[2]):  # a new clue and a confirmed one of their own county
            for token in (None, bearer) if path.startswith("/api/") else (None,):
                response = call(client, method, route, target, csrf, bearer=token)
                assert response.status_code in (403, 404), (user, method, path, response.status_code)
    assert snapshot(app) == before  # no clue changed and no event was appended


def test_viewer_cannot_export_or_draft(app: FastAPI) -> None:
    client = client_for(app, "yc_viewer")
    assert client.get("/api/export").status_code == 403
    assert client.get("/api/governance/draft", params={"key": "x"}).status_code == 403
    assert client.get("/api/users").status_code == 403
    assert client.get("/api/audit/events").status_code == 403


def test_prosecutor_cannot_work_a_clue_assigned_to_a_colleague(app: FastAPI) -> None:
    owner = client_for(app, "yc_pro")
    owner.post(
        f"/api/clues/{YC[0]}/assign", json={"assignee": "yc_pro"}, headers={"X-CSRF-Token": csrf_of(owner)}
    )
    colleague = client_for(app, "yc_pro2")
    response = colleague.post(
        f"/api/clues/{YC[0]}/transition",
        json={"to": "verifying"},
        headers={"X-CSRF-Token": csrf_of(colleague)},
    )
    assert response.status_code == 403


def test_admin_of_the_province_sees_everything(app: FastAPI) -> None:
    client = client_for(app, "admin")
    assert {c["clue_id"] for c in client.get("/api/clues").json()["items"]} == set(YC + KQ)
    assert client.get(f"/clues/{KQ[0]}").status_code == 200
