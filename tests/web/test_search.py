"""检索 (issue 13 §3): the index in the workflow store (FTS5 trigram on SQLite, pg_trgm on
PostgreSQL), jurisdiction, masking, two- and three-character Chinese, case numbers in half- and
full-width brackets, the page and the header box."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from jiandu.cli.main import app as cli
from jiandu.workflow import Store, install_defaults, sync_clues, system_principal
from jiandu.workflow.search import SearchResults, _SnapshotRows, fold, rebuild_search_index, search, terms_of
from jiandu.workflow.users import add_user, principal_for_username
from tests.web.conftest import Login
from tests.web.entity_world import A1, A4, WANGWU, WW, ZHAOLIU, ZL, build_search_workspace
from tests.web.world import ID_NUMBER, PHONE, YUECHENG, copy_workspace, make_clue, plaintiff
from tests.workflow.search_sources import create_search_sources

KEQIAO, ZHEJIANG = "330603", "330000"


@pytest.fixture(scope="session")
def search_template(template_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_workspace(template_workspace, tmp_path_factory.mktemp("search-template") / "ws")
    build_search_workspace(root)
    return root


@pytest.fixture
def workspace(search_template: Path, tmp_path: Path) -> Path:  # overrides the plain web workspace
    return copy_workspace(search_template, tmp_path / "ws")


def _targets(results: SearchResults, kind: str) -> list[str]:
    return [h.target for h in results.groups[kind]]


def _search(workspace: Path, username: str, query: str) -> SearchResults:
    store = Store.for_workspace(workspace)
    try:
        with store.read() as s:
            return search(s, principal_for_username(s, username), query)
    finally:
        store.close()


def test_fold_makes_brackets_and_widths_alike() -> None:
    assert fold("(2023)浙0602民初101号") == fold("（２０２３）浙0602民初101号") == "（2023）浙0602民初101号"
    assert terms_of("  王五   原告甲1 ") == ["王五", "原告甲1"]


def test_a_county_user_finds_its_people_but_not_another_countys(workspace: Path) -> None:
    assert _targets(_search(workspace, "yc_pro", WANGWU), "person") == [
        f"/profiles/person/{WW}"
    ]  # 2 characters
    assert _targets(_search(workspace, "yc_pro", ZHAOLIU), "person") == []
    assert _targets(_search(workspace, "kq_pro", ZHAOLIU), "person") == [f"/profiles/person/{ZL}"]
    assert _targets(_search(workspace, "kq_pro", WANGWU), "person") == []
    mine = _search(workspace, "yc_pro", plaintiff(1))  # 4 characters: the FTS5 trigram index
    assert _targets(mine, "person") == [f"/profiles/person/{A1}"]
    assert _targets(mine, "clue") == ["/clues/c0000000000000000000000000000001"]
    theirs = _search(workspace, "yc_pro", plaintiff(4))
    assert theirs.total == 0
    city = _search(workspace, "sx_pro", "原告甲")  # the city sees both counties
    assert {f"/profiles/person/{A1}", f"/profiles/person/{A4}"} <= set(_targets(city, "person"))


def test_case_numbers_in_half_and_full_width_brackets(workspace: Path) -> None:
    for query in ("(2023)浙0602民初101号", "（2023）浙0602民初101号", "浙0602民初101"):
        hits = _search(workspace, "yc_pro", query).groups["case"]
        assert [h.title for h in hits] == ["（2023）浙0602民初101号"], query
        assert hits[0].target == f"/profiles/person/{A1}"
    assert _search(workspace, "yc_pro", "(2023)浙0603民初104号").total == 0
    assert [h.title for h in _search(workspace, "kq_pro", "(2023)浙0603民初104号").groups["case"]] == [
        "（2023）浙0603民初104号"
    ]


def test_identifiers_are_searched_and_shown_only_for_personal_read(workspace: Path) -> None:
    prosecutor = _search(workspace, "yc_pro", ID_NUMBER)
    assert f"/profiles/person/{A1}" in _targets(prosecutor, "person")
    assert any(ID_NUMBER in h.summary for h in prosecutor.groups["clue"])
    assert _search(workspace, "yc_viewer", ID_NUMBER).total == 0
    assert _search(workspace, "yc_viewer", PHONE).total == 0
    viewer = _search(workspace, "yc_viewer", plaintiff(1))
    assert viewer.groups["clue"], "the viewer finds the clue by name"
    for hits in viewer.groups.values():
        for h in hits:
            assert ID_NUMBER not in h.summary + h.title and PHONE not in h.summary + h.title


def test_multiple_terms_must_all_match_and_odd_input_is_harmless(workspace: Path) -> None:
    assert _targets(_search(workspace, "yc_pro", f"{plaintiff(1)} 撤诉"), "clue")
    assert _search(workspace, "yc_pro", f"{plaintiff(1)} 不存在的词").total == 0
    for odd in ('"', "%", "_", "a OR b", "NEAR(x y)", "*", "\\", "'; DROP TABLE clues; --"):
        _search(workspace, "yc_pro", odd)  # no error
    assert _search(workspace, "yc_pro", "%").total == 0


def test_the_page_groups_results_in_chinese_and_masks_for_a_viewer(client_as: Login) -> None:
    page = client_as("yc_pro").get("/search", params={"q": WANGWU})
    assert page.status_code == 200
    assert 'id="group-person"' in page.text and "人员（1）" in page.text
    assert f'href="/profiles/person/{WW}"' in page.text
    assert client_as("yc_pro").get("/search", params={"q": ZHAOLIU}).text.count("/profiles/person/") == 0
    viewer = client_as("yc_viewer").get("/search", params={"q": plaintiff(1)})
    assert viewer.status_code == 200 and "线索（1）" in viewer.text
    assert ID_NUMBER not in viewer.text and PHONE not in viewer.text
    prosecutor = client_as("yc_pro").get("/search", params={"q": plaintiff(1)})
    assert ID_NUMBER in prosecutor.text
    empty = client_as("yc_pro").get("/search", params={"q": "没有这个人"})
    assert "未找到" in empty.text


def test_every_page_has_the_search_box(client_as: Login) -> None:
    page = client_as("yc_pro").get("/clues")
    assert 'action="/search"' in page.text and 'name="q"' in page.text
    assert client_as(None).get("/search", params={"q": WANGWU}).status_code == 303  # login first


def test_reindex_command(workspace: Path) -> None:
    result = CliRunner().invoke(cli, ["-w", str(workspace), "search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "人员 4" in result.output and "单位 1" in result.output and "线索 5" in result.output
    found = CliRunner().invoke(cli, ["-w", str(workspace), "search", "find", WANGWU, "--as", "yc_pro"])
    assert found.exit_code == 0 and f"/profiles/person/{WW}" in found.output


# ---------------------------------------------------------------- the index on both databases


@pytest.fixture
def analytic() -> Iterator[_SnapshotRows]:
    con = duckdb.connect()
    create_search_sources(con, "entities", "party_entities", "cases")
    con.execute(
        "INSERT INTO entities VALUES ('pk_ww', 'person', '王五', NULL, 1), "
        "('pk_zl', 'person', '赵六', NULL, 1), "
        "('ok_x', 'organization', '绍兴某某建材有限公司', '91330602MA2B3C4D5E', 3)"
    )
    con.execute("INSERT INTO party_entities VALUES ('d1', 0, 'pk_ww'), ('d2', 0, 'pk_zl'), ('d1', 1, 'ok_x')")
    con.execute(
        "INSERT INTO cases VALUES "
        "('d1', '（2023）浙0602民初7号', '绍兴市越城区人民法院', '买卖合同纠纷', 2023), "
        "('d2', '（2023）浙0603民初8号', '绍兴市柯桥区人民法院', '民间借贷纠纷', 2023)"
    )
    try:
        yield _SnapshotRows(con)
    finally:
        con.close()


def test_the_index_on_sqlite_and_postgresql(
    workflow_db_url: str, tmp_path: Path, analytic: _SnapshotRows
) -> None:
    store = Store(workflow_db_url, workspace=tmp_path)
    try:
        with store.write() as s:
            install_defaults(s)
            root = system_principal(s)
            for name, code in (("yc", YUECHENG), ("kq", KEQIAO), ("zj", ZHEJIANG)):
                add_user(s, root, name, role="prosecutor", jurisdiction_code=code)
            add_user(s, root, "ycv", role="viewer", jurisdiction_code=YUECHENG)
            sync_clues(s, [make_clue(1, "浙0602"), make_clue(4, "浙0603")])
        result = rebuild_search_index(store, analytic)
        assert (result.clues, result.people, result.organizations, result.cases) == (2, 2, 1, 2)
        rebuild_search_index(store, analytic)  # again: replaces, never doubles
        with store.read() as s:
            yc, kq, zj, ycv = (principal_for_username(s, u) for u in ("yc", "kq", "zj", "ycv"))
            assert _targets(search(s, yc, "王五"), "person") == ["/profiles/person/pk_ww"]
            assert _targets(search(s, yc, "赵六"), "person") == []
            assert _targets(search(s, kq, "赵六"), "person") == ["/profiles/person/pk_zl"]
            assert _targets(search(s, zj, "赵六"), "person") == ["/profiles/person/pk_zl"]
            assert _targets(search(s, yc, "建材有限"), "organization") == ["/profiles/organization/ok_x"]
            assert _targets(search(s, yc, "91330602MA2B3C4D5E"), "organization") == [
                "/profiles/organization/ok_x"
            ]
            assert search(s, ycv, "91330602MA2B3C4D5E").total == 0
            assert [h.title for h in search(s, yc, "(2023)浙0602民初7号").groups["case"]] == [
                "（2023）浙0602民初7号"
            ]
            assert search(s, yc, "(2023)浙0603民初8号").total == 0
            assert _targets(search(s, yc, plaintiff(1)), "clue") == [
                "/clues/c0000000000000000000000000000001"
            ]
            assert search(s, yc, plaintiff(4)).total == 0
            assert search(s, kq, plaintiff(4)).groups["clue"]
            assert search(s, ycv, ID_NUMBER).total == 0
            assert search(s, yc, ID_NUMBER).groups["clue"]
    finally:
        store.close()
