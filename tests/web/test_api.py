"""The JSON API: the queue, one clue, working it, export, models, stats, governance, OpenAPI."""

from __future__ import annotations

import json

from fastapi import FastAPI
from fastapi.testclient import TestClient

from jiandu.workflow import create_token
from jiandu.workflow.users import principal_for_username
from tests.web.world import KQ, MODEL, YC, YC_GROUP


def api(app: FastAPI, username: str) -> TestClient:
    with app.state.jiandu.store.write() as s:
        token = create_token(s, principal_for_username(s, username))
    return TestClient(app, headers={"Authorization": f"Bearer {token}"})


def test_queue_pages_with_a_cursor(app: FastAPI) -> None:
    client = api(app, "admin")
    seen, cursor = [], None
    while True:
        page = client.get("/api/clues", params={"limit": 2} | ({"cursor": cursor} if cursor else {})).json()
        seen += [c["clue_id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [*YC, *KQ]
    assert client.get("/api/clues", params={"band": "purple"}).status_code == 422
    assert client.get("/api/clues", params={"cursor": "garbage!"}).status_code == 400


def test_work_a_clue_through_the_api(app: FastAPI) -> None:
    client = api(app, "yc_pro")
    url = f"/api/clues/{YC[0]}"
    assert client.post(f"{url}/assign", json={"assignee": "yc_pro"}).json()["status"] == "assigned"
    assert client.post(f"{url}/transition", json={"to": "verifying"}).json()["status"] == "verifying"
    detail = client.post(f"{url}/outcome", json={"outcome": "valuable", "reason": "有价值"}).json()
    assert detail["outcome"] == "valuable"
    assert client.post(f"{url}/transition", json={"to": "closed"}).status_code == 409
    assert client.post(f"{url}/changed-judgment", json={}).status_code == 409
    events = client.get(f"{url}/events").json()
    assert [e["kind"] for e in events] == ["created", "assigned", "status_changed", "outcome_recorded"]
    assert client.post(f"{url}/transition", json={"to": "rejected"}).status_code == 400


def test_export_is_jsonl_in_the_contract_form(app: FastAPI) -> None:
    response = api(app, "yc_pro").get("/api/export", params={"status": "new"})
    assert response.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in response.text.splitlines()]
    assert [r["clue_id"] for r in rows] == YC[:2]
    for key in (
        "clue_id",
        "model_id",
        "model_version",
        "subject",
        "score",
        "band",
        "explanation",
        "evidence",
    ):
        assert key in rows[0]
    audit = api(app, "admin").get("/api/audit/events", params={"limit": 1000}).json()
    assert any(e["kind"] == "exported" and e["actor"] == "yc_pro" for e in audit)


def test_models_stats_governance(app: FastAPI) -> None:
    client = api(app, "sx_pro")
    models = {m["id"]: m for m in client.get("/api/models").json()}
    assert models[MODEL]["clues"] == 5 and models[MODEL]["precision"] == 1.0
    detail = client.get(f"/api/models/{MODEL}").json()
    assert detail["spec"]["id"] == MODEL and detail["legal_basis"]
    assert client.get("/api/models/no.such").status_code == 404
    stats = client.get("/api/stats").json()
    assert stats["funnel"]["clues"] == 5 and stats["funnel"]["cases"] == 2
    groups = client.get("/api/governance").json()
    assert {g["key"] for g in groups} >= {YC_GROUP}
    draft = client.get("/api/governance/draft", params={"key": YC_GROUP})
    assert draft.status_code == 200 and draft.content[:2] == b"PK"


def test_me_jurisdictions_users(app: FastAPI) -> None:
    me = api(app, "yc_pro").get("/api/me").json()
    assert me == {
        "username": "yc_pro",
        "role": "prosecutor",
        "jurisdiction_code": "330602",
        "scope": ["330602"],
        "sees_personal_data": True,
    }
    assert next(j["code"] for j in api(app, "sx_pro").get("/api/jurisdictions").json()) == "330600"
    assert api(app, "yc_pro").get("/api/users").status_code == 403
    assert "kq_pro" in {u["username"] for u in api(app, "admin").get("/api/users").json()}


def test_openapi_documents_every_api_route(app: FastAPI) -> None:
    spec = TestClient(app).get("/api/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/clues", "/api/clues/{clue_id}", "/api/clues/{clue_id}/transition", "/api/export"} <= paths
    assert all(p.startswith("/api/") for p in paths)  # pages are not part of the API
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
