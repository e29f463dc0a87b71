"""The audit trail on the web: views of personal data are logged by the page and the API alike,
and an auditor of a county sees only that county's events (page and API), on a workspace with
two counties (越城 330602, 柯桥 330603)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from jiandu.workflow import add_user, create_token, system_principal
from jiandu.workflow.users import principal_for_username
from tests.web.conftest import Login
from tests.web.world import KEQIAO, KQ, YC, YUECHENG

VIEWED = "personal_data_viewed"


def api(app: FastAPI, username: str) -> TestClient:
    with app.state.jiandu.store.write() as s:
        token = create_token(s, principal_for_username(s, username))
    return TestClient(app, headers={"Authorization": f"Bearer {token}"})


def add_county_auditors(app: FastAPI) -> None:
    with app.state.jiandu.store.write() as s:
        system = system_principal(s)
        add_user(s, system, "yc_auditor", role="auditor", jurisdiction_code=YUECHENG)
        add_user(s, system, "kq_auditor", role="auditor", jurisdiction_code=KEQIAO)


def views(app: FastAPI) -> list[dict[str, object]]:
    events = api(app, "admin").get("/api/audit/events", params={"limit": 1000}).json()
    return [e for e in events if e["kind"] == VIEWED]


def test_the_page_the_api_and_the_documents_each_log_a_view(app: FastAPI, client_as: Login) -> None:
    assert client_as("yc_pro").get(f"/clues/{YC[0]}").status_code == 200
    prosecutor = api(app, "yc_pro")
    assert prosecutor.get(f"/api/clues/{YC[0]}").status_code == 200
    assert prosecutor.get(f"/api/clues/{YC[0]}/documents").status_code == 200
    logged = views(app)
    assert [(e["actor"], e["entity_id"]) for e in logged] == [("yc_pro", YC[0])] * 3
    # a viewer sees masked data only: not a view of personal data
    assert client_as("yc_viewer").get(f"/clues/{YC[0]}").status_code == 200
    assert api(app, "yc_viewer").get(f"/api/clues/{YC[0]}").status_code == 200
    assert len(views(app)) == 3
    # the clue's own timeline shows its changes, not who looked at it
    timeline = prosecutor.get(f"/api/clues/{YC[0]}/events").json()
    assert all(e["kind"] != VIEWED for e in timeline)


def test_a_county_auditor_sees_only_the_county(app: FastAPI, client_as: Login) -> None:
    add_county_auditors(app)
    api(app, "yc_pro").get(f"/api/clues/{YC[0]}")
    api(app, "kq_pro").get(f"/api/clues/{KQ[0]}")
    for auditor, own, other, colleague, stranger in (
        ("yc_auditor", YC, KQ, "yc_pro", "kq_pro"),
        ("kq_auditor", KQ, YC, "kq_pro", "yc_pro"),
    ):
        events = api(app, auditor).get("/api/audit/events", params={"limit": 1000}).json()
        clue_ids = {e["entity_id"] for e in events if e["entity_type"] == "clue"}
        assert clue_ids and clue_ids <= set(own) and not clue_ids & set(other)
        assert any(e["kind"] == VIEWED and e["actor"] == colleague for e in events)
        assert not any(e["actor"] == stranger or e["entity_id"] == stranger for e in events)
        assert not any(e["kind"] == "jurisdiction_added" for e in events)  # the province's own events
        page = client_as(auditor).get("/audit")
        assert page.status_code == 200
        assert colleague in page.text and stranger not in page.text
        assert "新增辖区" not in page.text
    everything = client_as("zj_auditor").get("/audit").text
    assert "新增辖区" in everything and "yc_pro" in everything and "kq_pro" in everything


def test_verify_on_the_web_is_in_chinese_and_reports_the_anchor(app: FastAPI, client_as: Login) -> None:
    add_county_auditors(app)
    page = client_as("yc_auditor").get("/audit", params={"verify": 1}).text
    assert "审计链完整" in page and "最近锚点" in page
    auditor = api(app, "zj_auditor")
    result = auditor.get("/api/audit/verify").json()
    assert result["ok"] is True and result["problem"] is None
    assert result["anchor_seq"] == result["head_seq"] and "审计链完整" in result["description"]
    (app.state.jiandu.root / "audit-anchors.log").unlink()
    broken = auditor.get("/api/audit/verify").json()
    assert broken["ok"] is False and broken["problem"] == "anchors" and "锚点文件" in broken["description"]
    assert "锚点文件" in client_as("zj_auditor").get("/audit", params={"verify": 1}).text
