"""Every page renders for every role; the queue filters and pages; the clue page highlights the
cited spans, draws the network, and its forms move the clue; the governance draft downloads."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from fastapi import FastAPI
from fastapi.testclient import TestClient

from jiandu.web import WebConfig, create_app
from jiandu.web.security import COOKIE_NAME
from tests.web.conftest import Login, csrf_of
from tests.web.world import CITED, KQ, KQ_GROUP, MODEL, ROLES, YC, YC_GROUP

PAGES = (
    "/clues",
    "/clues?band=red&status=new&model=" + MODEL,
    f"/clues/{YC[0]}",
    "/models",
    f"/models/{MODEL}",
    "/dashboard",
    "/governance",
    "/account",
    "/notifications",
    "/clues?overdue=1&pending=1",
    "/audit",
    "/admin/users",
    "/admin/jurisdictions",
)
ONLY = {
    "/audit": {"admin", "auditor"},
    "/admin/users": {"admin"},
    "/admin/jurisdictions": {"admin"},
    "/governance": {"admin", "chief", "analyst", "prosecutor", "viewer"},
}


@pytest.mark.parametrize("user", sorted(ROLES))
def test_each_page_renders_for_each_role(client_as: Login, user: str) -> None:
    client = client_as(user)
    role = ROLES[user]
    for page in PAGES:
        response = client.get(page)
        allowed = role in ONLY.get(page.split("?")[0], {role})
        expected = 200 if allowed else 403
        if page == f"/clues/{YC[0]}" and user in ("kq_pro",):
            expected = 404  # another county's clue
        assert response.status_code == expected, (user, page, response.text[:300])
        assert response.headers["content-type"].startswith("text/html")
        assert '<html lang="zh-CN">' in response.text


def test_static_assets_come_from_the_package(client_as: Login) -> None:
    client = client_as(None)
    css = client.get("/static/style.css")
    assert css.status_code == 200 and "mark" in css.text
    assert client.get("/static/app.js").status_code == 200
    page = client_as("yc_pro").get("/clues").text
    assert "http://" not in page and "https://" not in page  # no CDN, no remote asset


def test_queue_filters(client_as: Login) -> None:
    client = client_as("sx_pro")
    rows = re.findall(r'href="/clues/(c\d{31})"', client.get("/clues").text)
    assert rows == [*YC, *KQ]  # highest score first
    assert re.findall(r'href="/clues/(c\d{31})"', client.get("/clues?jurisdiction=330603").text) == KQ
    confirmed = client.get("/clues?status=case_filed").text
    assert re.findall(r'href="/clues/(c\d{31})"', confirmed) == [YC[2], KQ[1]]
    assert re.findall(r'href="/clues/(c\d{31})"', client.get("/clues?assignee=admin").text) == [YC[2], KQ[1]]
    assert re.findall(r'href="/clues/(c\d{31})"', client.get("/clues?min_score=88.5").text) == [YC[0]]
    assert client.get("/clues?band=purple").status_code == 400
    assert client.get("/clues?min_score=abc").status_code == 400
    assert client.get("/clues?cursor=%%%").status_code == 400


def test_queue_keyset_paging(app: FastAPI) -> None:
    small = create_app(app.state.jiandu.root, WebConfig(page_size=2))
    client = TestClient(small, follow_redirects=False)
    client.cookies.set(COOKIE_NAME, small.state.jiandu.sessions.new("admin")[1])
    seen: list[str] = []
    url: str | None = "/clues"
    while url:
        text = client.get(url).text
        seen += re.findall(r'href="/clues/(c\d{31})"', text)
        found = re.search(r'href="([^"]+)" rel="next"', text)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert seen == [*YC, *KQ]
    small.state.jiandu.close()


def test_clue_page_highlights_the_cited_spans(client_as: Login) -> None:
    text = client_as("yc_pro").get(f"/clues/{YC[0]}").text
    marks = re.findall(r'<mark id="(ev-\d+)">([^<]*)</mark>', text)
    assert marks == [("ev-0", CITED), ("ev-1", CITED)]
    assert 'href="#ev-0"' in text
    assert "当事人关系图" in text and "<svg" in text and "原告甲1" in text
    assert "办理经过" in text and "生成线索" in text


def test_network_shows_a_party_shared_by_two_suits(client_as: Login) -> None:
    text = client_as("yc_pro").get(f"/clues/{YC[1]}").text
    svg = text.split('<svg class="network"', 1)[1].split("</svg>", 1)[0]
    assert "某小额贷款公司（2 份文书）" in svg
    assert svg.count('class="node document"') == 2


def test_viewer_sees_no_action_forms(client_as: Login) -> None:
    text = client_as("yc_viewer").get(f"/clues/{YC[0]}").text
    assert 'id="form-assign"' not in text and 'id="form-transition"' not in text
    assert "只能查看线索" in text
    pro = client_as("yc_pro").get(f"/clues/{YC[0]}").text
    assert 'id="form-assign"' in pro


def test_work_a_clue_through_the_forms(client_as: Login) -> None:
    client = client_as("yc_pro")
    token = csrf_of(client)
    url = f"/clues/{YC[0]}"
    chief = client_as("yc_chief")
    steps = [
        (client, "assign", {"assignee": "yc_pro", "reason": "本院承办"}),
        (client, "transition", {"to": "verifying"}),
        (client, "outcome", {"outcome": "confirmed", "reason": "经核查属实"}),
        (client, "propose", {"to": "case_filed", "reason": "建议立案监督"}),
        (chief, "approve", {"reason": "同意"}),
        (client, "changed-judgment", {"reason": "再审改判"}),
    ]
    for who, action, data in steps:
        response = who.post(f"{url}/{action}", data=data | {"csrf_token": csrf_of(who)})
        assert response.status_code == 303, (action, response.text[:300])
        assert response.headers["location"].startswith(url + "?done=")
    page = client.get(url).text
    assert "提请审批" in page and "审批通过" in page and "建议立案监督" in page
    assert "已立案" in page and "属实" in page and "经核查属实" in page and "记录改判" in page
    # a transition the lifecycle does not allow: 409 with the reason
    refused = client.post(f"{url}/transition", data={"to": "new", "csrf_token": token})
    assert refused.status_code == 409 and "allowed next" in refused.text


def test_reject_needs_a_reason_code(client_as: Login) -> None:
    client = client_as("yc_pro")
    token = csrf_of(client)
    url = f"/clues/{YC[1]}"
    client.post(f"{url}/assign", data={"assignee": "yc_pro", "csrf_token": token})
    client.post(f"{url}/transition", data={"to": "verifying", "csrf_token": token})
    assert client.post(f"{url}/transition", data={"to": "rejected", "csrf_token": token}).status_code == 400
    ok = client.post(
        f"{url}/transition", data={"to": "rejected", "reject_reason": "lawful", "csrf_token": token}
    )
    assert ok.status_code == 303
    assert "经核查合法" in client.get(url).text


def test_governance_page_and_draft_download(client_as: Login) -> None:
    client = client_as("yc_pro")
    page = client.get("/governance").text
    assert "下载草稿" in page and "浙0603" not in page
    response = client.get("/governance/draft", params={"key": YC_GROUP})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response.headers["content-disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "检察建议书" in text
    assert client.get("/governance/draft", params={"key": KQ_GROUP}).status_code == 404
    viewer = client_as("yc_viewer")
    assert "下载草稿" not in viewer.get("/governance").text
    assert viewer.get("/governance/draft", params={"key": YC_GROUP}).status_code == 403


def test_model_pages(client_as: Login) -> None:
    client = client_as("yc_analyst")
    listing = client.get("/models").text
    assert MODEL in listing and "精准率" in listing
    detail = client.get(f"/models/{MODEL}").text
    assert "法律依据" in detail and "参数" in detail and "运行记录" in detail
    assert client.get("/models/no.such_model").status_code == 404


def test_dashboard_draws_the_funnel(client_as: Login) -> None:
    text = client_as("sx_pro").get("/dashboard").text
    assert '<svg class="chart funnel"' in text
    for stage in ("线索", "已核查", "立案", "检察建议", "改判"):
        assert stage in text


def test_admin_adds_a_user_and_a_jurisdiction(client_as: Login) -> None:
    admin = client_as("admin")
    token = csrf_of(admin)
    response = admin.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "username": "new_pro",
            "role": "prosecutor",
            "jurisdiction_code": "330602",
            "password": "a long password",
        },
    )
    assert response.status_code == 303
    assert "new_pro" in admin.get("/admin/users").text
    response = admin.post(
        "/admin/jurisdictions",
        data={"csrf_token": token, "code": "330699", "name": "测试区人民检察院", "parent_code": "330600"},
    )
    assert response.status_code == 303
    assert "测试区人民检察院" in admin.get("/admin/jurisdictions").text
    deactivate = admin.post("/admin/users/new_pro/active", data={"csrf_token": token, "active": "false"})
    assert deactivate.status_code == 303
    assert (
        admin.post("/admin/users/admin/active", data={"csrf_token": token, "active": "false"}).status_code
        == 403
    )


def test_unknown_page_is_a_chinese_404(client_as: Login) -> None:
    response = client_as("yc_pro").get("/no/such/page")
    assert response.status_code == 404 and "未找到" in response.text
