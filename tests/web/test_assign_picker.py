"""Assignment picks a named colleague from the office's users: the form offers exactly the users
`assign` accepts for this clue (active prosecutors and administrators whose jurisdiction covers
the clue's), by display name; a typed-in name the list does not offer is still refused."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import update

from jiandu.workflow import Store, assignable_users
from jiandu.workflow.tables import User
from jiandu.workflow.users import principal_for_username
from tests.web.conftest import Login, csrf_of
from tests.web.world import YC

OPTION = re.compile(r'<option value="([^"]+)"[^>]*>([^<]+)</option>')


def _name_users(workspace: Path) -> None:
    store = Store.for_workspace(workspace)
    try:
        with store.write() as s:
            names = {"yc_pro": "张检察官", "yc_pro2": "李检察官", "sx_pro": "王检察官", "yc_chief": "赵主任"}
            for login, name in names.items():
                s.execute(update(User).where(User.username == login).values(display_name=name))
    finally:
        store.close()


def _offered(html: str) -> dict[str, str]:
    form = html.split('id="form-assign"', 1)[1].split("</form>", 1)[0]
    return dict(OPTION.findall(form))


def test_the_form_offers_the_colleagues_who_may_take_the_clue(workspace: Path, client_as: Login) -> None:
    _name_users(workspace)
    # a county prosecutor hands clues to the county's prosecutors and its 部门负责人; never to
    # 柯桥's, nor to a viewer, analyst or auditor, nor up to the city or province (outside what
    # the county sees)
    offered = _offered(client_as("yc_pro").get(f"/clues/{YC[0]}").text)
    assert offered == {"yc_pro": "张检察官", "yc_pro2": "李检察官", "yc_chief": "赵主任"}
    # the city prosecutor also to himself (绍兴 covers 越城); the province administrator and the
    # province's chief are above him
    city = _offered(client_as("sx_pro").get(f"/clues/{YC[0]}").text)
    assert set(city) == {"yc_pro", "yc_pro2", "yc_chief", "sx_pro"} and city["sx_pro"] == "王检察官"
    store = Store.for_workspace(workspace)
    try:
        with store.read() as s:
            listed = assignable_users(s, principal_for_username(s, "yc_pro"), YC[0])
    finally:
        store.close()
    assert {login for login, _ in listed} == set(offered)


def test_choosing_a_colleague_assigns_and_an_unoffered_one_is_refused(
    workspace: Path, client_as: Login
) -> None:
    _name_users(workspace)
    client = client_as("yc_pro")
    token = csrf_of(client, f"/clues/{YC[0]}")
    refused = client.post(f"/clues/{YC[0]}/assign", data={"assignee": "kq_pro", "csrf_token": token})
    # a user outside what the county sees is not even said to exist
    assert refused.status_code == 404 and "没有登录名为“kq_pro”的在职用户" in refused.text
    done = client.post(f"/clues/{YC[0]}/assign", data={"assignee": "yc_pro2", "csrf_token": token})
    assert done.status_code == 303
    page = client.get(f"/clues/{YC[0]}").text
    assert "李检察官" in page.split("承办人", 1)[1].split("</dd>", 1)[0]
