"""ID numbers, phone numbers and addresses never reach a role that may not see them: every GET
route (pages and API, export included) is fetched for such roles and searched for the values."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from tests.web.test_authz import client_for, fill, routes
from tests.web.world import ADDRESS_TAIL, ID_NUMBER, PHONE, YC, YC_GROUP

SECRETS = (ID_NUMBER, PHONE, ADDRESS_TAIL, ID_NUMBER[6:14])


def every_get(app: FastAPI, user: str) -> dict[str, str]:
    client = client_for(app, user)
    bodies = {}
    for method, _path, route in routes(app):
        if method != "GET":
            continue
        path, query = fill(route, YC[0])
        query = {
            k: (YC_GROUP if k == "key" else v) for k, v in query.items() if k in ("key", "clue", "entity_id")
        }
        response = client.get(path, params=query)
        assert response.status_code < 500
        bodies[str(response.url)] = response.text
    bodies["audit"] = client.get("/audit", params={"clue": YC[0]}).text
    return bodies


@pytest.mark.parametrize("user", ["yc_viewer", "yc_analyst", "zj_auditor"])
def test_masked_fields_never_appear_for_roles_without_personal_read(app: FastAPI, user: str) -> None:
    bodies = every_get(app, user)
    assert len(bodies) > 20
    for url, body in bodies.items():
        for secret in SECRETS:
            assert secret not in body, (user, url, secret)
    # the masked forms are shown instead, with the length kept
    detail = client_for(app, user).get(f"/clues/{YC[0]}").text
    assert "330602********1234" in detail and "138****5678" in detail


def test_prosecutor_sees_personal_data(app: FastAPI) -> None:
    detail = client_for(app, "yc_pro").get(f"/clues/{YC[0]}").text
    assert ID_NUMBER in detail and PHONE in detail and ADDRESS_TAIL in detail


def test_masked_judgment_text_keeps_the_spans_in_place(app: FastAPI) -> None:
    masked = client_for(app, "yc_viewer").get(f"/api/clues/{YC[0]}/documents").json()["documents"]
    clear = client_for(app, "yc_pro").get(f"/api/clues/{YC[0]}/documents").json()["documents"]
    assert len(masked) == len(clear) == 2
    for m, c in zip(masked, clear, strict=True):
        assert len(m["text"]) == len(c["text"]) and m["spans"] == c["spans"]
        start, end = m["spans"][0]
        assert m["text"][start:end] == c["text"][start:end] == "申请撤回起诉"
        assert ID_NUMBER not in m["text"] and ID_NUMBER in c["text"]
