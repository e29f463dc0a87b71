"""画像 (issue 13 §4): cases by role over the years, clues, execution, relations, network, why
each document was linked, and "不是同一人" writing a judgement and an audit event."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import select

from jiandu.engines import snapshot
from jiandu.workflow import LatestRun, Store, mark_not_found
from jiandu.workflow.tables import Clue, Event
from tests.web.conftest import Login, csrf_of
from tests.web.entity_world import A1, A4, EXEC_CASE, LOAN, WANGWU, WW, build_search_workspace
from tests.web.world import ID_NUMBER, MODEL, copy_workspace, plaintiff

PROFILE_A1 = f"/profiles/person/{A1}"


@pytest.fixture(scope="session")
def profile_template(template_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_workspace(template_workspace, tmp_path_factory.mktemp("profile-template") / "ws")
    build_search_workspace(root)
    return root


@pytest.fixture
def workspace(profile_template: Path, tmp_path: Path) -> Path:  # overrides the plain web workspace
    return copy_workspace(profile_template, tmp_path / "ws")


def test_the_profile_shows_roles_by_year_clues_execution_relations_and_network(client_as: Login) -> None:
    page = client_as("yc_pro").get(PROFILE_A1)
    assert page.status_code == 200, page.text
    text = page.text
    assert plaintiff(1) in text and "人员画像" in text
    assert "2023年" in text and "<td>原告</td>" in text  # two suits in 2023 as 原告
    assert "/clues/c0000000000000000000000000000001" in text  # clue 1 is about this ID number
    assert EXEC_CASE in text and "被执行人" in text and "终结本次执行程序" in text
    assert "配偶" in text and f'href="/profiles/person/{WW}"' in text and WANGWU in text
    assert 'id="network"' in text and "<svg" in text
    assert ID_NUMBER in text  # a prosecutor reads the ID number


def test_the_profile_says_why_each_document_was_linked(client_as: Login) -> None:
    text = client_as("yc_pro").get(PROFILE_A1).text
    assert "概率匹配" in text and "匹配概率 98.7%" in text and "匹配权重 6.3" in text
    assert "姓名相同（+5.2）" in text and "出生日期相同（+3.1）" in text
    assert (
        "住址区县不同" not in text.split("一致的字段")[1].split("<br>")[0]
    )  # disagreeing fields are not "agreed"
    assert "（2023）浙0602民初201号中的原告" in text  # the other document of the link
    org = client_as("yc_pro").get(f"/profiles/organization/{LOAN}").text
    assert "单位画像" in org and "单位名称相同" in org


def test_a_viewer_sees_the_profile_masked_and_cannot_judge(client_as: Login) -> None:
    page = client_as("yc_viewer").get(PROFILE_A1)
    assert page.status_code == 200
    assert ID_NUMBER not in page.text and ID_NUMBER[:6] in page.text
    assert "不是同一人</button>" not in page.text


def test_another_countys_profile_is_not_found(client_as: Login) -> None:
    assert client_as("yc_pro").get(f"/profiles/person/{A4}").status_code == 404
    assert client_as("kq_pro").get(PROFILE_A1).status_code == 404
    assert client_as("kq_pro").get(f"/profiles/person/{A4}").status_code == 200
    assert client_as("sx_pro").get(f"/profiles/person/{A4}").status_code == 200
    assert client_as("yc_pro").get("/profiles/person/pk_nobody").status_code == 404
    assert client_as("yc_pro").get(f"/profiles/organization/{A1}").status_code == 404  # wrong kind
    assert client_as("yc_pro").get(f"/profiles/animal/{A1}").status_code == 404


def test_not_the_same_person_writes_a_judgement_and_an_event(client_as: Login, workspace: Path) -> None:
    client = client_as("yc_pro")
    token = csrf_of(client, PROFILE_A1)
    form = {
        "csrf_token": token,
        "mention_a": "P:d1x2:0",
        "mention_b": "P:d1x1:0",
        "reason": "出生日期不同，系同名",
    }
    response = client.post(f"{PROFILE_A1}/not-same", data=form)
    assert response.status_code == 303 and response.headers["location"] == f"{PROFILE_A1}?done=judged"
    published = snapshot.current(workspace / "jiandu.duckdb")
    assert published is not None
    with duckdb.connect(str(published.path), read_only=True) as con:
        rows = con.execute(
            'SELECT mention_a, mention_b, judgement, "user", reason FROM entity_judgements'
        ).fetchall()
    assert rows == [("P:d1x1:0", "P:d1x2:0", "not_same", "yc_pro", "出生日期不同，系同名")]
    store = Store.for_workspace(workspace)
    try:
        with store.read() as s:
            event = s.execute(select(Event).where(Event.kind == "entity_judged")).scalar_one()
    finally:
        store.close()
    assert (event.actor, event.entity_type, event.entity_id) == ("yc_pro", "entity", A1)
    assert event.after == {"mention_a": "P:d1x1:0", "mention_b": "P:d1x2:0", "judgement": "not_same"}
    assert "出生日期不同" in (event.reason or "")
    assert "已记录“不是同一人”" in client.get(response.headers["location"]).text
    audit = client_as("zj_auditor").get("/audit").text  # named in Chinese in the audit log
    assert "主体判定" in audit and "不是同一人：出生日期不同" in audit and "entity_judged" not in audit


def test_not_the_same_person_is_refused_without_reason_right_or_a_link_of_this_entity(
    client_as: Login, workspace: Path
) -> None:
    client = client_as("yc_pro")
    token = csrf_of(client, PROFILE_A1)
    base = {"csrf_token": token, "mention_a": "P:d1x1:0", "mention_b": "P:d1x2:0"}
    assert client.post(f"{PROFILE_A1}/not-same", data={**base, "reason": " "}).status_code == 400
    foreign = {**base, "mention_a": "P:d4x1:0", "mention_b": "P:d4x2:0", "reason": "x"}
    assert client.post(f"{PROFILE_A1}/not-same", data=foreign).status_code == 400
    assert (
        client.post(f"{PROFILE_A1}/not-same", data={**base, "reason": "x", "csrf_token": "bad"}).status_code
        == 403
    )
    viewer = client_as("yc_viewer")
    vtoken = csrf_of(viewer, PROFILE_A1)
    assert (
        viewer.post(f"{PROFILE_A1}/not-same", data={**base, "csrf_token": vtoken, "reason": "x"}).status_code
        == 403
    )
    other = client_as("kq_pro")
    ktoken = csrf_of(other, "/account")
    assert (
        other.post(f"{PROFILE_A1}/not-same", data={**base, "csrf_token": ktoken, "reason": "x"}).status_code
        == 404
    )
    published = snapshot.current(workspace / "jiandu.duckdb")
    assert published is not None
    with duckdb.connect(str(published.path), read_only=True) as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert "entity_judgements" not in tables


def test_search_results_and_the_clue_page_link_to_profiles(client_as: Login) -> None:
    client = client_as("yc_pro")
    assert f'href="{PROFILE_A1}"' in client.get("/search", params={"q": plaintiff(1)}).text
    assert client.get(PROFILE_A1).status_code == 200


def test_the_profile_and_search_tag_a_clue_no_longer_found(workspace: Path, client_as: Login) -> None:
    gone = "c0000000000000000000000000000001"  # clue 1, about A1
    store = Store.for_workspace(workspace)
    try:
        with store.write() as s:
            found = [c for c in s.scalars(select(Clue.clue_id)) if c != gone]
            finished = dt.datetime(2026, 12, 4, 8, 30)
            assert mark_not_found(s, found, {MODEL: LatestRun("run-2", "ok", finished)}).marked == 1
    finally:
        store.close()
    client = client_as("yc_pro")
    clues = client.get(PROFILE_A1).text.split('<section id="clues">', 1)[1].split("</section>", 1)[0]
    row = next(r for r in clues.split("<tr") if f"/clues/{gone}" in r)
    assert '<span class="badge not-found" title="自北京时间 2026-12-04 16:30 完成的模型运行起' in row
    hits = client.get("/search", params={"q": plaintiff(1)}).text
    group = hits.split('id="group-clue"', 1)[1].split("</section>", 1)[0]
    row = next(r for r in group.split("<tr") if f"/clues/{gone}" in r)
    assert ">未再命中</span>" in row
    other = client.get("/search", params={"q": plaintiff(2)}).text.split('id="group-clue"', 1)[1]
    assert "未再命中" not in other.split("</section>", 1)[0]
