"""Clues get their jurisdiction whatever the order of set-up: syncing before the tree exists,
then installing it, adding jurisdictions, courts or region aliases re-resolves them, each change
an audited event; ``jiandu jurisdictions resolve [--all]`` does it on request. Resolution reads
the trial court, then the parties' addresses, then the execution court, then the run's region."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from typer.testing import CliRunner

from jiandu.cli.main import app
from jiandu.workflow import (
    PermissionDenied,
    Store,
    add_court,
    add_jurisdiction,
    add_region_alias,
    add_user,
    assign,
    install_defaults,
    reresolve_clues,
    sync_clues,
    system_principal,
    verify_log,
)
from jiandu.workflow.jurisdictions import DEFAULT_JURISDICTIONS, Resolver
from jiandu.workflow.search import rebuild_search_index, search
from jiandu.workflow.tables import Clue, Event, SearchEntry, clue_target
from jiandu.workflow.users import principal_for_username
from tests.workflow.conftest import KEQIAO, SHAOXING, YUECHENG, ZHEJIANG, make_clue

KIND = "jurisdiction_changed"


def _jurisdictions(store: Store) -> dict[str, str | None]:
    with store.read() as s:
        return {c.clue_id: c.jurisdiction_code for c in s.execute(select(Clue)).scalars()}


def _changes(store: Store) -> list[Event]:
    with store.read() as s:
        return list(s.execute(select(Event).where(Event.kind == KIND).order_by(Event.seq)).scalars())


def _verified(store: Store) -> bool:
    with store.read() as s:
        return verify_log(s, system_principal(s)).ok


def _bare(
    n: int, evidence: list[dict[str, Any]], *, key: str | None = None, region: str | None = None
) -> dict[str, Any]:
    """A clue whose only clues to a place are the given evidence rows (no trial case numbers)."""
    clue = make_clue(n, region=region)
    clue["evidence"] = evidence
    clue["subject"] = {"type": "person", "key": key or f"name:当事人{n}", "name": f"当事人{n}"}
    return clue


def _row(text: str, label: str = "登记") -> dict[str, Any]:
    return {"kind": "row", "source": "register", "doc_id": None, "case_number": None, "court": None,
            "span": None, "text": text, "label": label}  # fmt: skip


def test_clues_synced_before_the_tree_get_it_when_installed(store: Store) -> None:
    clues = [make_clue(n) for n in (1, 2, 3)] + [make_clue(n, court="浙0603") for n in (4, 5)]
    with store.write() as s:
        sync_clues(s, clues, actor="cli:test")
    assert set(_jurisdictions(store).values()) == {None}

    with store.write() as s:
        install_defaults(s, actor="cli:test")
    placed = _jurisdictions(store)
    assert placed == {
        c["clue_id"]: YUECHENG if n <= 3 else KEQIAO for n, c in zip(range(1, 6), clues, strict=True)
    }

    events = _changes(store)
    assert {e.entity_id for e in events} == set(placed) and len(events) == 5
    for e in events:
        assert e.entity_type == "clue" and e.actor == "cli:test"
        assert e.before == {"jurisdiction_code": None, "court": e.after["court"]}
        assert e.after["jurisdiction_code"] == placed[e.entity_id] and e.after["basis"] == "court"
        assert e.reason is not None and e.reason.startswith("辖区重新解析：安装默认辖区")
    assert _verified(store)

    # nothing left to do: installing again, or asking for it, changes nothing and logs nothing
    with store.write() as s:
        install_defaults(s)
        again = reresolve_clues(s, system_principal(s), all_clues=True)
    assert again.changed == 0 and again.examined == 5
    assert len(_changes(store)) == 5


def test_search_finds_clues_where_they_were_placed(store: Store) -> None:
    """The search index, built when the clues had no jurisdiction, follows them when the tree
    arrives: a county prosecutor finds the county's clue without a reindex."""
    with store.write() as s:
        sync_clues(s, [make_clue(1), make_clue(4, court="浙0603")], actor="cli:test")
    rebuild_search_index(store, None)
    with store.write() as s:
        install_defaults(s, actor="cli:test")
        add_user(s, system_principal(s), "yc", role="prosecutor", jurisdiction_code=YUECHENG)
    with store.read() as s:
        rows = select(SearchEntry.target, SearchEntry.jurisdiction_code).where(SearchEntry.kind == "clue")
        places = {target: code for target, code in s.execute(rows)}
        yc = principal_for_username(s, "yc")
    placed = _jurisdictions(store)
    assert places == {clue_target(c): j for c, j in placed.items()}
    assert set(places.values()) == {YUECHENG, KEQIAO}
    with store.read() as s:
        hits = search(s, yc, make_clue(1)["subject"]["name"])
    assert [h.target for h in hits.groups.get("clue", [])] == [clue_target(make_clue(1)["clue_id"])]


def test_a_growing_tree_moves_clues_down_it(store: Store) -> None:
    with store.write() as s:
        root = system_principal(s)
        add_jurisdiction(s, root, ZHEJIANG, "浙江省人民检察院")
        sync_clues(s, [make_clue(1), make_clue(2, court="浙0603")])
    assert set(_jurisdictions(store).values()) == {ZHEJIANG}  # 浙0602 → 330602 → up to the province

    with store.write() as s:
        root = system_principal(s)
        add_jurisdiction(s, root, SHAOXING, "浙江省绍兴市人民检察院", parent_code=ZHEJIANG)
    assert set(_jurisdictions(store).values()) == {SHAOXING}

    with store.write() as s:
        root = system_principal(s)
        add_jurisdiction(s, root, YUECHENG, "绍兴市越城区人民检察院", parent_code=SHAOXING)
    assert sorted(_jurisdictions(store).values()) == sorted([YUECHENG, SHAOXING])

    events = _changes(store)
    assert [(e.before["jurisdiction_code"], e.after["jurisdiction_code"]) for e in events] == [
        (ZHEJIANG, SHAOXING),
        (ZHEJIANG, SHAOXING),
        (SHAOXING, YUECHENG),
    ]
    assert events[-1].reason == "辖区重新解析：新增辖区绍兴市越城区人民检察院（依据审判法院）"
    assert _verified(store)


def test_a_region_alias_places_clues_without_evidence(store: Store) -> None:
    with store.write() as s:
        install_defaults(s)
        sync_clues(s, [_bare(1, [], region="shaoxing-city")])
    assert list(_jurisdictions(store).values()) == [None]
    with store.write() as s:
        add_region_alias(s, system_principal(s), "shaoxing-city", SHAOXING)
    assert list(_jurisdictions(store).values()) == [SHAOXING]
    (event,) = _changes(store)
    assert event.after == {"jurisdiction_code": SHAOXING, "court": None, "basis": "region"}
    assert "地区shaoxing-city对应浙江省绍兴市人民检察院" in (event.reason or "")


def test_remapped_court_moves_clues_only_on_request_and_not_from_their_assignee(store: Store) -> None:
    with store.write() as s:
        install_defaults(s)
        root = system_principal(s)
        add_user(s, root, "yc_pro", role="prosecutor", jurisdiction_code=YUECHENG)
        sync_clues(s, [make_clue(1), make_clue(2)])
        assign(s, root, make_clue(2)["clue_id"], "yc_pro")
    with store.write() as s:  # a sideways move is not automatic: 越城 would lose its clues
        add_court(s, system_principal(s), "浙0602", "浙江省绍兴市越城区人民法院", KEQIAO)
    assert set(_jurisdictions(store).values()) == {YUECHENG} and not _changes(store)

    with store.write() as s:
        result = reresolve_clues(s, system_principal(s), all_clues=True)
    assert (result.changed, result.kept) == (1, 1)
    placed = _jurisdictions(store)
    assert placed[make_clue(1)["clue_id"]] == KEQIAO
    assert placed[make_clue(2)["clue_id"]] == YUECHENG  # its assignee works in 越城
    (event,) = _changes(store)
    assert event.reason == "辖区重新解析：手动重新解析（依据审判法院）"
    assert _verified(store)


def test_an_administrator_below_the_root_re_resolves_within_its_scope(store: Store) -> None:
    with store.write() as s:
        install_defaults(s)
        root = system_principal(s)
        add_jurisdiction(s, root, "330100", "浙江省杭州市人民检察院", parent_code=ZHEJIANG)
        root = system_principal(s)  # its scope now has 330100
        add_user(s, root, "sx_admin", role="admin", jurisdiction_code=SHAOXING)
        sync_clues(s, [make_clue(1), make_clue(2, court="浙0603")])
        add_court(s, root, "浙0602", "浙江省绍兴市越城区人民法院", KEQIAO)  # within 绍兴
        add_court(s, root, "浙0603", "浙江省绍兴市柯桥区人民法院", "330100")  # out of 绍兴
    with store.write() as s:
        result = reresolve_clues(s, principal_for_username(s, "sx_admin"), all_clues=True)
    assert (result.examined, result.changed, result.kept) == (2, 1, 1)
    assert list(_jurisdictions(store).values()) == [KEQIAO, KEQIAO]
    (event,) = _changes(store)
    assert event.actor == "sx_admin" and event.entity_id == make_clue(1)["clue_id"]


def test_only_administrators_re_resolve(store: Store) -> None:
    with store.write() as s:
        install_defaults(s)
        add_user(s, system_principal(s), "viewer", role="viewer", jurisdiction_code=ZHEJIANG)
    with store.write() as s, pytest.raises(PermissionDenied):
        reresolve_clues(s, principal_for_username(s, "viewer"))


def _varied() -> list[dict[str, Any]]:
    """Clues placed by each step of resolution, and one placed by none."""
    return [
        make_clue(1),
        make_clue(2, court="浙0683"),
        _bare(3, [_row("住所地浙江省绍兴市柯桥区某路8号")]),
        _bare(4, [], key="330624198001011234"),
        _bare(5, [_row("被执行人某某", label="执行案件：（2019）浙0681执1号")]),
        _bare(6, [_row("住所地浙江省某地")]),
        _bare(7, [], region="zhejiang"),
        _bare(8, [_row("某某借款十万元")]),
    ]


def test_the_order_of_set_up_does_not_matter(workflow_db_url: str, tmp_path: Path) -> None:
    (tmp_path / "first").mkdir()
    tree_first = Store(f"sqlite:///{tmp_path / 'first' / 'workflow.sqlite'}", workspace=tmp_path / "first")
    clues_first = Store(workflow_db_url, workspace=tmp_path)
    try:
        with tree_first.write() as s:
            install_defaults(s)
            sync_clues(s, _varied())
        with clues_first.write() as s:
            sync_clues(s, _varied())
        with clues_first.write() as s:
            install_defaults(s)
        expected = _jurisdictions(tree_first)
        assert list(expected.values()) == [
            YUECHENG,
            "330683",
            KEQIAO,
            "330624",
            "330681",
            ZHEJIANG,
            ZHEJIANG,
            None,
        ]
        assert _jurisdictions(clues_first) == expected
        assert len(_changes(clues_first)) == 7 and not _changes(tree_first)
        assert _verified(clues_first)
    finally:
        tree_first.close()
        clues_first.close()


COUNTIES = {code: name for code, name, level, _ in DEFAULT_JURISDICTIONS if level == "county"}


def _one_signal_clues() -> list[dict[str, Any]]:
    """Clues with one sign of place each, so that each lands deeper as the tree grows."""
    out = [make_clue(10 + i, court="浙" + code[2:]) for i, code in enumerate(COUNTIES)]
    out += [_bare(20, [_row("住所地浙江省绍兴市上虞区某路1号")]), _bare(21, [], key="330683198001011234")]
    out += [_bare(22, [_row("被执行人某某", label="执行案件：（2020）浙0624执9号")])]
    out += [_bare(23, [], region="shaoxing"), _bare(24, [], region="zhejiang"), _bare(25, [])]
    return out


@functools.cache
def _direct() -> tuple[tuple[str, str | None], ...]:
    """Where `_one_signal_clues` land with the tree installed first."""
    with tempfile.TemporaryDirectory() as d:
        store = Store(f"sqlite:///{d}/workflow.sqlite", workspace=Path(d))
        try:
            with store.write() as s:
                install_defaults(s)
                sync_clues(s, _one_signal_clues())
            return tuple(_jurisdictions(store).items())
        finally:
            store.close()


def test_one_signal_clues_land_in_every_kind_of_place() -> None:
    landed = [j for _, j in _direct()]
    assert landed == [*COUNTIES, "330604", "330683", "330624", SHAOXING, ZHEJIANG, None]


@settings(max_examples=12, deadline=None)
@given(
    st.permutations(["sync-a", "sync-b", "alias-zhejiang", "alias-shaoxing", ZHEJIANG, SHAOXING, *COUNTIES])
)
def test_any_order_of_set_up_ends_where_the_direct_one_does(order: list[str]) -> None:
    clues = _one_signal_clues()
    needs = {SHAOXING: ZHEJIANG, "alias-zhejiang": ZHEJIANG, "alias-shaoxing": SHAOXING}
    needs |= dict.fromkeys(COUNTIES, SHAOXING)
    with tempfile.TemporaryDirectory() as d:
        store = Store(f"sqlite:///{d}/workflow.sqlite", workspace=Path(d))
        try:
            done: set[str] = set()
            waiting = list(order)
            while waiting:  # in the order drawn, each step once what it hangs on is there
                step = next(x for x in waiting if needs.get(x) in done | {None})
                waiting.remove(step)
                done.add(step)
                with store.write() as s:
                    root = system_principal(s)
                    if step.startswith("sync"):
                        half = len(clues) // 2
                        sync_clues(s, clues[:half] if step == "sync-a" else clues[half:])
                    elif step.startswith("alias"):
                        add_region_alias(s, root, step.removeprefix("alias-"), needs[step])
                    elif step == ZHEJIANG:
                        add_jurisdiction(s, root, step, "浙江省人民检察院")
                    elif step == SHAOXING:
                        add_jurisdiction(s, root, step, "浙江省绍兴市人民检察院", parent_code=ZHEJIANG)
                    else:
                        add_jurisdiction(s, root, step, COUNTIES[step], parent_code=SHAOXING)
            assert _jurisdictions(store) == dict(_direct())
            assert _verified(store)
        finally:
            store.close()


# ------------------------------------------------------------------ the steps of resolution


@pytest.fixture
def resolver(store: Store) -> Resolver:
    with store.write() as s:
        install_defaults(s)
    with store.read() as s:
        return Resolver(s)


def test_the_trial_court_comes_first(resolver: Resolver) -> None:
    clue = make_clue(1, court="浙0603")
    clue["evidence"].append(_row("住所地浙江省绍兴市越城区某路1号"))
    found = resolver.resolution(clue)
    assert (found.jurisdiction, found.court, found.basis) == (KEQIAO, "浙0603", "court")


def test_then_the_parties_addresses(resolver: Resolver) -> None:
    by_address = _bare(1, [_row("被执行人某某，住所地浙江省绍兴市柯桥区柯桥街道某路8号")])
    assert resolver.resolution(by_address).jurisdiction == KEQIAO
    assert resolver.resolution(by_address).basis == "address"
    county_only = _bare(2, [_row("某某，男，住新昌县城关镇某村")])
    assert resolver.resolution(county_only).jurisdiction == "330624"
    by_id = _bare(3, [], key="330681198001011234")  # household registration: 诸暨
    assert (resolver.resolution(by_id).jurisdiction, resolver.resolution(by_id).basis) == (
        "330681",
        "address",
    )
    elsewhere = _bare(4, [], key="412726197003152821")  # registered in Henan: not in this tree
    assert resolver.resolution(elsewhere).jurisdiction is None


def test_then_the_execution_court(resolver: Resolver) -> None:
    by_number = _bare(1, [_row("被执行人某某", label="执行案件：（2019）浙0683执1615号")])
    assert (resolver.resolution(by_number).jurisdiction, resolver.resolution(by_number).basis) == (
        "330683",
        "execution_court",
    )
    by_name = _bare(2, [_row("某某于2019年被 浙江省绍兴市上虞区人民法院 纳入失信被执行人名单")])
    assert resolver.resolution(by_name).jurisdiction == "330604"
    # a province-wide address is coarser than the execution court
    both = _bare(3, [_row("住所地浙江省某地"), _row("执行案号（2019）浙0681执1号")])
    assert resolver.resolution(both).jurisdiction == "330681"
    # a county address comes before it
    county = _bare(4, [_row("住所地浙江省绍兴市越城区某路1号"), _row("执行案号（2019）浙0681执1号")])
    assert resolver.resolution(county).jurisdiction == YUECHENG
    # execution documents among the evidence count as execution courts, after trial courts
    mixed = make_clue(5, court="浙0602")
    mixed["evidence"] += [dict(mixed["evidence"][0], case_number=f"（2020）浙0683执{n}号") for n in range(3)]
    assert resolver.resolution(mixed).jurisdiction == YUECHENG


def test_addresses_of_other_places_are_not_read_as_ours(resolver: Resolver) -> None:
    assert resolver.for_address("浙江省绍兴市越城区灵芝街道1号") == YUECHENG
    assert resolver.for_address("绍兴市柯桥区某路") == KEQIAO
    assert resolver.for_address("浙江省绍兴市某路1号") == SHAOXING
    assert resolver.for_address("江苏省南京市鼓楼区某路") is None
    assert resolver.for_address("上虞") is None  # not a unit name: 上虞区


# ------------------------------------------------------------------ the command line


def test_cli_resolve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JIANDU_WORKFLOW_URL", raising=False)
    runner = CliRunner()
    root = tmp_path / "ws"
    assert runner.invoke(app, ["-w", str(root), "init"]).exit_code == 0
    store = Store.for_workspace(root)
    try:
        with store.write() as s:
            sync_clues(s, [make_clue(1), make_clue(2, court="浙0603")])
    finally:
        store.close()
    listed = runner.invoke(app, ["-w", str(root), "jurisdictions", "list"])
    assert "暂无辖区" in listed.output

    installed = runner.invoke(app, ["-w", str(root), "jurisdictions", "defaults"])
    assert installed.exit_code == 0, installed.output
    assert "0 clues without a jurisdiction" in installed.output
    listed = runner.invoke(app, ["-w", str(root), "jurisdictions", "list"])
    assert "330602  绍兴市越城区人民检察院  county  线索 1，含下级 1" in listed.output
    assert "330600  浙江省绍兴市人民检察院  city  线索 0，含下级 2" in listed.output
    assert "未定辖区 (no jurisdiction)  线索 0" in listed.output

    again = runner.invoke(app, ["-w", str(root), "jurisdictions", "resolve", "--all"])
    assert again.exit_code == 0, again.output
    assert "2 examined, 0 changed" in again.output


def test_a_clue_of_register_rows_takes_the_executing_court_as_its_court(resolver: Resolver) -> None:
    """Execution clues cite register rows, not documents: the court their texts name as executing
    is the clue's court (the 检察建议 goes to it), the most cited one first."""
    rows = [
        _row("被执行人某某", label="执行案件：（2019）浙0683执1615号"),
        _row("执行案号（2020）浙0683执77号"),
        _row("执行案号（2021）浙0681执1号"),
    ]
    assert resolver.resolution(_bare(1, rows)).court == "浙0683"
    by_name = _bare(2, [_row("某某于2019年被 浙江省绍兴市上虞区人民法院 纳入失信被执行人名单")])
    assert resolver.resolution(by_name).court is not None
    # a clue whose evidence cites a trial court keeps that court
    trial = make_clue(3, court="浙0603")
    trial["evidence"].append(_row("执行案号（2021）浙0681执1号"))
    assert resolver.resolution(trial).court == "浙0603"
