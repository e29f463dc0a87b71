"""The desk of issue 13 §6 in the browser's forms and the JSON API: approval by a 部门负责人,
bulk assign and dismiss with refusals, deadlines and overdue marking, outcome feedback on the
model's page, and notifications that reach only their user."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi import FastAPI
from sqlalchemy import delete, select, update

from jiandu.workflow.tables import Clue, Event, Notification
from tests.web.conftest import Login, csrf_of
from tests.web.world import KQ, MODEL, YC


@pytest.fixture(autouse=True)
def empty_inboxes(app: FastAPI) -> None:
    """Building the test workspace assigned and approved clues (and notified people): start each
    test with empty inboxes."""
    with app.state.jiandu.store.write() as s:
        s.execute(delete(Notification))


def post(client, url: str, data: dict[str, object]):  # type: ignore[no-untyped-def]
    return client.post(url, data={**data, "csrf_token": csrf_of(client)})


def to_verifying(client_as: Login, clue_id: str) -> None:
    pro = client_as("yc_pro")
    assert post(pro, f"/clues/{clue_id}/assign", {"assignee": "yc_pro"}).status_code == 303
    assert post(pro, f"/clues/{clue_id}/transition", {"to": "verifying"}).status_code == 303


def unread(client) -> int:  # type: ignore[no-untyped-def]
    found = re.search(r'id="unread-count">(\d+)<', client.get("/clues").text)
    return int(found.group(1)) if found else 0


def test_a_case_is_filed_only_after_a_chief_approves(client_as: Login) -> None:
    to_verifying(client_as, YC[0])
    pro, chief = client_as("yc_pro"), client_as("yc_chief")
    url = f"/clues/{YC[0]}"
    # the prosecutor cannot file it directly: the form offers a proposal instead
    page = pro.get(url).text
    assert 'id="form-propose"' in page and 'value="case_filed">已立案' not in page.split("form-propose")[0]
    direct = post(pro, f"{url}/transition", {"to": "case_filed"})
    assert direct.status_code == 409 and "须经部门负责人审批" in direct.text
    # an opinion is required
    assert post(pro, f"{url}/propose", {"to": "case_filed", "reason": " "}).status_code == 400
    assert post(pro, f"{url}/propose", {"to": "case_filed", "reason": "虚假诉讼迹象明显"}).status_code == 303
    page = pro.get(url).text
    assert "待审批" in page and "提请“已立案”" in page and 'id="form-approve"' not in page
    # the chief is told, and approves; the proposer is told in turn
    assert unread(chief) == 1
    notices = chief.get("/notifications").text
    assert "提请审批“已立案”" in notices
    assert 'id="form-approve"' in chief.get(url).text
    assert post(chief, f"{url}/approve", {"reason": "同意立案"}).status_code == 303
    page = pro.get(url).text
    assert "已立案" in page.split('id="clue-status"')[1][:200]
    assert "审批通过" in page and "同意立案" in page
    assert unread(pro) == 1 and "“已立案”已获批准" in pro.get("/notifications").text


def test_a_proposal_returned_with_a_reason_leaves_the_clue_where_it_was(client_as: Login) -> None:
    to_verifying(client_as, YC[0])
    pro, chief = client_as("yc_pro"), client_as("yc_chief")
    url = f"/clues/{YC[0]}"
    assert post(pro, f"{url}/propose", {"to": "case_filed", "reason": "建议立案"}).status_code == 303
    # while it waits, no other move is possible
    blocked = post(pro, f"{url}/transition", {"to": "rejected", "reject_reason": "lawful"})
    assert blocked.status_code == 409 and "待审批" in blocked.text
    assert post(chief, f"{url}/return", {"reason": ""}).status_code == 400
    assert post(chief, f"{url}/return", {"reason": "证据不足，补充借条原件"}).status_code == 303
    page = pro.get(url).text
    assert "核查中" in page.split('id="clue-status"')[1][:200] and 'id="clue-proposal"' not in page
    assert "审批退回" in page and "证据不足，补充借条原件" in page
    assert "申请被退回" in pro.get("/notifications").text


def test_nobody_approves_their_own_proposal(client_as: Login) -> None:
    to_verifying(client_as, YC[0])
    chief = client_as("yc_chief")
    url = f"/clues/{YC[0]}"
    # a chief working the clue proposes; a second approver is needed
    assert post(chief, f"{url}/propose", {"to": "case_filed", "reason": "本人提请"}).status_code == 303
    assert 'id="form-approve"' not in chief.get(url).text
    own = post(chief, f"{url}/approve", {})
    assert own.status_code == 403 and "不能审批本人提出的申请" in own.text
    # the province's chief may approve (the county's chief was the proposer)
    assert post(client_as("zj_chief"), f"{url}/approve", {}).status_code == 303
    # a prosecutor may not approve at all
    to_verifying(client_as, YC[1])
    assert (
        post(client_as("yc_pro"), f"/clues/{YC[1]}/propose", {"to": "case_filed", "reason": "x"}).status_code
        == 303
    )
    assert post(client_as("yc_pro2"), f"/clues/{YC[1]}/approve", {}).status_code == 403


def test_bulk_assign_changes_what_it_may_and_lists_the_rest(app: FastAPI, client_as: Login) -> None:
    pro = client_as("yc_pro")
    page = pro.get("/clues").text
    assert 'id="bulk"' in page and 'name="clue" value="' + YC[0] in page
    response = pro.post(
        "/clues/bulk",
        data={
            "csrf_token": csrf_of(pro),
            "action": "assign",
            "assignee": "yc_pro2",
            "reason": "集中办理",
            "clue": [YC[0], YC[1], YC[2], KQ[0]],  # YC[2] is a filed case; KQ[0] another county's
        },
    )
    assert response.status_code == 200
    assert "已分派给 yc_pro2 2 条线索，另有 2 条未处理" in response.text
    refused = response.text.split('id="bulk-refused"')[1]
    assert "不能分派" in refused and "未找到该线索（或不在您的辖区内）" in refused
    with app.state.jiandu.store.read() as s:
        rows = dict(s.execute(select(Clue.clue_id, Clue.assignee).where(Clue.clue_id.in_([*YC, *KQ]))).all())
        events = s.execute(
            select(Event.entity_id, Event.reason).where(Event.kind == "assigned", Event.actor == "yc_pro")
        ).all()
        notes = s.execute(select(Notification.username, Notification.message)).all()
    assert rows[YC[0]] == rows[YC[1]] == "yc_pro2" and rows[YC[2]] == "admin" and rows[KQ[0]] is None
    assert sorted(events) == sorted([(YC[0], "集中办理"), (YC[1], "集中办理")])
    assert notes == [("yc_pro2", "批量分派给您 2 条线索（集中办理）")]


def test_bulk_dismiss_needs_a_reason_and_confirms(client_as: Login) -> None:
    pro = client_as("yc_pro")
    assert 'data-confirm="确认将选中的线索全部作“不予立案”处理' in pro.get("/clues").text
    missing = pro.post(
        "/clues/bulk", data={"csrf_token": csrf_of(pro), "action": "dismiss", "clue": [YC[0], YC[1]]}
    )
    assert missing.status_code == 400 and "不予立案须选择理由" in missing.text
    done = pro.post(
        "/clues/bulk",
        data={
            "csrf_token": csrf_of(pro),
            "action": "dismiss",
            "reject_reason": "duplicate",
            "reason": "与另案重复",
            "clue": [YC[0], YC[1]],
        },
    )
    assert done.status_code == 200 and "已作不予立案处理 2 条线索" in done.text
    assert "不予立案" in pro.get(f"/clues/{YC[0]}").text
    assert re.findall(r'name="clue" value="(c\d+)"', pro.get("/clues?status=rejected").text) == [YC[0], YC[1]]


def test_deadlines_start_on_assignment_and_overdue_clues_are_marked(app: FastAPI, client_as: Login) -> None:
    to_verifying(client_as, YC[0])
    pro = client_as("yc_pro")
    page = pro.get(f"/clues/{YC[0]}").text
    assert "核查期限" in page and "还剩 30 天" in page
    # a new deadline needs a reason and a sensible day
    url = f"/clues/{YC[0]}/deadline"
    assert post(pro, url, {"day": "2027-13-01", "reason": "x"}).status_code == 400
    assert post(pro, url, {"day": "2000-01-01", "reason": "x"}).status_code == 400
    extended = (dt.date.today() + dt.timedelta(days=45)).isoformat()
    assert post(pro, url, {"day": extended, "reason": ""}).status_code == 400
    assert post(pro, url, {"day": extended, "reason": "经批准延长"}).status_code == 303
    assert "变更期限" in pro.get(f"/clues/{YC[0]}").text
    # time passes: the deadline is yesterday
    with app.state.jiandu.store.write() as s:
        s.execute(
            update(Clue)
            .where(Clue.clue_id == YC[0])
            .values(due_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=2))
        )
    page = pro.get(f"/clues/{YC[0]}").text
    assert "已逾期" in page
    overdue = pro.get("/clues?overdue=1").text
    assert re.findall(r'href="/clues/(c\d{31})" class="clue-link"', overdue) == [YC[0]]
    assert '<tr class="overdue">' in overdue
    assert "您承办的线索中有 1 条已超过期限" in pro.get("/notifications").text
    # a decision stops the clock
    post(pro, f"/clues/{YC[0]}/transition", {"to": "rejected", "reject_reason": "lawful"})
    assert "/clues/" + YC[0] not in pro.get("/clues?overdue=1").text


def test_a_false_positive_names_its_cause_and_the_model_page_shows_it(client_as: Login) -> None:
    to_verifying(client_as, YC[0])
    pro = client_as("yc_pro")
    url = f"/clues/{YC[0]}/outcome"
    missing = post(pro, url, {"outcome": "false_positive"})
    assert missing.status_code == 400 and "记录误报须选择误报原因" in missing.text
    done = post(
        pro, url, {"outcome": "false_positive", "cause": "namesake", "feedback": "原告与另案同名，非同一人"}
    )
    assert done.status_code == 303
    page = pro.get(f"/clues/{YC[0]}").text
    assert "误报原因：同名误认（非同一人）" in page and "原告与另案同名，非同一人" in page
    model = pro.get(f"/models/{MODEL}").text
    causes = model.split('id="fp-causes"')[1].split("</table>")[0]
    assert "同名误认（非同一人）" in causes and ">1<" in causes
    assert "原告与另案同名，非同一人" in model.split('id="feedback-notes"')[1]


def test_notifications_belong_to_their_user(app: FastAPI, client_as: Login) -> None:
    pro = client_as("yc_pro")
    post(pro, f"/clues/{YC[0]}/assign", {"assignee": "yc_pro2", "reason": "请协办"})
    other = client_as("yc_pro2")
    assert unread(other) == 1 and unread(pro) == 0
    with app.state.jiandu.store.read() as s:
        notice_id = s.execute(select(Notification.id)).scalar_one()
    # someone else opening the id neither reads it nor learns where it leads
    peek = pro.get(f"/notifications/{notice_id}", follow_redirects=False)
    assert peek.headers["location"] == "/notifications" and unread(other) == 1
    pro.post("/notifications/read", data={"csrf_token": csrf_of(pro), "id": [str(notice_id)]})
    assert unread(other) == 1
    opened = other.get(f"/notifications/{notice_id}", follow_redirects=False)
    assert opened.headers["location"] == f"/clues/{YC[0]}" and unread(other) == 0


def test_the_api_offers_the_same_desk(client_as: Login) -> None:
    pro, chief = client_as("yc_pro"), client_as("yc_chief")
    headers = {"X-CSRF-Token": csrf_of(pro)}
    bulk = pro.post(
        "/api/bulk/assign", json={"clue_ids": [YC[0], KQ[0]], "assignee": "yc_pro"}, headers=headers
    )
    assert bulk.status_code == 200
    body = bulk.json()
    assert body["done"] == [YC[0]] and [r["clue_id"] for r in body["refused"]] == [KQ[0]]
    pro.post(f"/api/clues/{YC[0]}/transition", json={"to": "verifying"}, headers=headers)
    proposed = pro.post(
        f"/api/clues/{YC[0]}/propose",
        json={"to": "suggestion_issued", "reason": "发检察建议"},
        headers=headers,
    )
    assert proposed.status_code == 200 and proposed.json()["proposal"] == "suggestion_issued"
    listed = chief.get("/api/notifications").json()
    assert listed["unread"] == 1 and listed["items"][0]["kind"] == "proposed"
    approved = chief.post(f"/api/clues/{YC[0]}/approve", json={}, headers={"X-CSRF-Token": csrf_of(chief)})
    detail = approved.json()
    assert detail["status"] == "suggestion_issued" and detail["proposal"] is None
    # the addressee's two months to reply
    due = dt.datetime.fromisoformat(detail["due_at"]).date()
    assert 59 <= (due - dt.date.today()).days <= 61
    marked = chief.post("/api/notifications/read", json={}, headers={"X-CSRF-Token": csrf_of(chief)})
    assert marked.json() == {"marked": 1}
