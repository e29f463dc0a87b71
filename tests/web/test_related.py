"""关联线索 on the clue page and the 类案 view (/classes), in Chinese and within the user's
jurisdiction (`jiandu.web.related_pages`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import update

from jiandu.workflow import Store, sync_clues
from jiandu.workflow.tables import User
from tests.web.conftest import Login
from tests.web.test_chinese_text import DISPLAY_NAMES, problems_in
from tests.web.world import clue_id, make_clue

OTHER_MODEL = "civil.professional_lender"


@pytest.fixture
def same_party(workspace: Path) -> Path:
    """Clue 6 (越城) and clue 7 (柯桥) are about clue 2's plaintiff, found by another model."""
    extra = []
    for n, court in ((6, "浙0602"), (7, "浙0603")):
        c = make_clue(n, court)
        c["model_id"] = OTHER_MODEL
        c["subject"] = dict(make_clue(2, "浙0602")["subject"])
        extra.append(c)
    store = Store.for_workspace(workspace)
    try:
        with store.write() as s:
            sync_clues(s, extra)
            for username, name in DISPLAY_NAMES.items():  # users are shown by name, never login
                s.execute(update(User).where(User.username == username).values(display_name=name))
    finally:
        store.close()
    return workspace


def section(html: str) -> str:
    found = re.search(r'<section id="related">.*?</section>', html, re.S)
    assert found, "no 关联线索 section"
    return found.group(0)


def test_the_clue_page_lists_related_clues_in_chinese(same_party: Path, client_as: Login) -> None:
    response = client_as("yc_pro").get(f"/clues/{clue_id(2)}")
    assert response.status_code == 200
    related = section(response.text)
    assert "关联线索" in related
    assert "同一当事人（1 条）" in related and f"/clues/{clue_id(6)}" in related
    assert "同一法院（3 条）" in related  # clues 1, 3 and 6 cite 浙0602
    for n in (4, 5, 7):  # 柯桥
        assert f"/clues/{clue_id(n)}" not in related
    found, _ = problems_in(response.text)
    assert not found, found


def test_a_city_user_sees_the_keqiao_clue_on_the_same_party(same_party: Path, client_as: Login) -> None:
    related = section(client_as("sx_pro").get(f"/clues/{clue_id(2)}").text)
    assert "同一当事人（2 条）" in related and f"/clues/{clue_id(7)}" in related


def test_more_than_the_cap_links_to_the_full_list(same_party: Path, client_as: Login) -> None:
    store = Store.for_workspace(same_party)
    try:
        with store.write() as s:
            sync_clues(s, [make_clue(n, "浙0602") for n in range(20, 28)])
    finally:
        store.close()
    client = client_as("yc_pro")
    related = section(client.get(f"/clues/{clue_id(1)}").text)
    assert "同一法院（11 条）" in related and "另有 6 条" in related  # 2, 3, 6, 20–27; five shown
    full = client.get(f"/clues/{clue_id(1)}/related/court")
    assert full.status_code == 200 and "共 11 条" in full.text
    assert sum(f'/clues/{clue_id(n)}"' in full.text for n in (2, 3, 6, *range(20, 28))) == 11
    assert not problems_in(full.text)[0]


def test_the_classes_page(same_party: Path, client_as: Login) -> None:
    client = client_as("yc_pro")
    response = client.get("/classes?min_size=2")
    assert response.status_code == 200
    html = response.text
    assert "类案视图" in html and "按模型" in html and "按法院" in html and "按当事人" in html
    assert "浙江省绍兴市越城区人民法院" in html and "浙江省绍兴市柯桥区人民法院" not in html
    assert "原告甲2" in html  # clues 2 and 6 are one party class
    assert "检察建议书" in html and "/governance/draft?key=" in html  # clue 3 is confirmed
    assert not problems_in(html)[0], problems_in(html)[0]
    court = client.get("/classes/court?key=浙0602")
    assert court.status_code == 200 and "共 4 条" in court.text  # 1, 2, 3, 6
    assert f"/clues/{clue_id(4)}" not in court.text
    party = client.get(f"/classes/party?key={clue_id(2)}")
    assert "共 2 条" in party.text
    assert client.get(f"/classes/party?key={clue_id(4)}").status_code == 404  # a 柯桥 clue
    model = client.get("/classes/model?key=" + OTHER_MODEL)
    assert model.status_code == 303 and model.headers["location"].startswith("/clues?model=")


def test_the_nav_links_the_classes_view(same_party: Path, client_as: Login) -> None:
    assert 'href="/classes"' in client_as("yc_pro").get("/clues").text
