"""Related clues (关联线索) and classes (类案): same party, lawyer, court, case; jurisdiction; honest
counts beyond the cap. The analytic side is a small DuckDB database built from the clues here."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import duckdb
import pytest

from jiandu.workflow import NotFound, assign, record_outcome, sync_clues
from jiandu.workflow import transition as move
from jiandu.workflow.firms import rebuild_clue_firms
from jiandu.workflow.related import (
    AGENT,
    CASE,
    COURT,
    PARTY,
    RelatedGroup,
    class_members,
    clue_classes,
    related_clues,
)
from tests.workflow.conftest import World, make_clue

OTHER_MODEL = "civil.false_litigation_basic"
FIRM = "浙江某某律师事务所"


def cid(n: int) -> str:
    return f"c{n:031d}"


class Rows:
    """A RowSource over an in-memory DuckDB (what the web layer passes from the read snapshot)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def table_exists(self, name: str) -> bool:
        found = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
        ).fetchone()
        return bool(found and found[0])

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self.con.execute(sql, list(params))
        names = [d[0] for d in cur.description or []]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def clue(n: int, **kw: Any) -> dict[str, Any]:
    subject_key = kw.pop("subject_key", None)
    evidence = kw.pop("evidence", None)
    c = make_clue(n, **kw)
    if subject_key:
        c["subject"]["key"] = subject_key
        c["subject"]["name"] = subject_key.removeprefix("name:")
    if evidence is not None:
        c["evidence"] = evidence
    return c


def doc(doc_id: str, case_number: str) -> dict[str, Any]:
    return {
        "kind": "document",
        "source": "judgments",
        "doc_id": doc_id,
        "case_number": case_number,
        "text": "撤诉",
    }


EXTRA = [
    # 6 (越城): another model about clue 2's plaintiff; 7 (柯桥): the same plaintiff
    clue(6, model=OTHER_MODEL, subject_key="name:原告2"),
    clue(7, model=OTHER_MODEL, subject_key="name:原告2", court="浙0603"),
    # 8 (越城): cites clue 3's case, brackets written half-width; 9 (柯桥) cites it too
    clue(8, model=OTHER_MODEL, evidence=[doc("d8x", "(2023)浙0602民初103号")]),
    clue(
        9,
        model=OTHER_MODEL,
        court="浙0603",
        evidence=[
            doc("d9x", "（2023）浙0602民初103号"),
            doc("d9y", "（2024）浙0603民初1号"),
            doc("d9z", "（2024）浙0603民初2号"),
        ],
    ),
    # 10 (越城): a document where clue 1's lawyer appears; 11 (柯桥) another with the same lawyer
    clue(10, model=OTHER_MODEL, evidence=[doc("d10x", "（2023）浙0602民初910号")]),
    clue(11, model=OTHER_MODEL, court="浙0603", evidence=[doc("d11x", "（2023）浙0603民初911号")]),
    # 12 (越城): its evidence names the lender of clue 1's suit, resolved as one entity
    clue(12, model=OTHER_MODEL, evidence=[doc("d12x", "（2023）浙0602民初912号")]),
]
ENTITY = "ok_00000000000000000001"


@pytest.fixture
def related_world(world: World) -> Iterator[tuple[World, Rows]]:
    with world.store.write() as s:
        sync_clues(s, EXTRA)
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE clue_evidence "
        "(clue_id VARCHAR, evidence_idx INTEGER, doc_id VARCHAR, case_number VARCHAR)"
    )
    for c in [make_clue(n) for n in (1, 2, 3)] + [make_clue(n, court="浙0603") for n in (4, 5)] + EXTRA:
        for i, e in enumerate(c["evidence"]):
            con.execute(
                "INSERT INTO clue_evidence VALUES (?, ?, ?, ?)",
                [c["clue_id"], i, e["doc_id"], e["case_number"]],
            )
    con.execute(
        "CREATE TABLE agents (doc_id VARCHAR, agent_idx INTEGER, for_party VARCHAR, name VARCHAR, "
        "law_firm VARCHAR, kind VARCHAR, role VARCHAR)"
    )
    for d in ("d1a", "d10x", "d11x"):
        con.execute("INSERT INTO agents VALUES (?, 0, '原告', '李律师', ?, 'lawyer', 'agent')", [d, FIRM])
    con.execute("CREATE TABLE parties (doc_id VARCHAR, party_idx INTEGER, name VARCHAR)")
    con.execute("CREATE TABLE party_entities (doc_id VARCHAR, party_idx INTEGER, entity_id VARCHAR)")
    for d in ("d1b", "d12x"):
        con.execute("INSERT INTO parties VALUES (?, 1, '某小额贷款有限公司')", [d])
        con.execute("INSERT INTO party_entities VALUES (?, 1, ?)", [d, ENTITY])
    yield world, Rows(con)
    con.close()


def groups_of(world: World, user: str, n: int, source: Rows | None, **kw: Any) -> dict[str, RelatedGroup]:
    with world.store.read() as s:
        return {g.reason: g for g in related_clues(s, world.p(user), cid(n), source, **kw)}


def ids(group: RelatedGroup) -> set[str]:
    return {r.clue.clue_id for r in group.items}


def test_same_court_in_the_users_jurisdiction(related_world: tuple[World, Rows]) -> None:
    world, source = related_world
    court = groups_of(world, "yc_pro", 1, source)[COURT]
    assert court.name_zh == "同一法院"
    # clues 2, 3, 6, 8, 10, 12 are 浙0602 clues in 越城
    assert ids(court) <= {cid(n) for n in (2, 3, 6, 8, 10, 12)}
    assert court.total == 6
    assert len(court.items) == 5 and court.more == 1  # capped, with an honest count


def test_same_party_by_subject_key_and_by_resolved_entity(related_world: tuple[World, Rows]) -> None:
    world, source = related_world
    party = groups_of(world, "yc_pro", 2, source)[PARTY]
    assert ids(party) == {cid(6)} and party.total == 1
    assert party.items[0].shared == ["原告2"]
    assert ids(groups_of(world, "admin", 2, source)[PARTY]) == {cid(6), cid(7)}
    lender = groups_of(world, "yc_pro", 1, source)[PARTY]
    assert ids(lender) == {cid(12)} and lender.items[0].shared == ["某小额贷款有限公司"]


def test_same_lawyer(related_world: tuple[World, Rows]) -> None:
    world, source = related_world
    agent = groups_of(world, "yc_pro", 1, source)[AGENT]
    assert agent.name_zh == "同一代理人"
    assert ids(agent) == {cid(10)} and agent.total == 1
    assert agent.items[0].shared == [f"李律师（{FIRM}）"]
    assert AGENT not in groups_of(world, "kq_pro", 11, source)  # its lawyer's other clues are in 越城
    assert ids(groups_of(world, "admin", 11, source)[AGENT]) == {cid(1), cid(10)}


def test_same_case_whatever_the_brackets(related_world: tuple[World, Rows]) -> None:
    world, source = related_world
    case = groups_of(world, "yc_pro", 3, source)[CASE]
    assert case.name_zh == "同一案件"
    assert ids(case) == {cid(8)}
    assert case.items[0].shared == ["（2023）浙0602民初103号"]
    assert ids(groups_of(world, "sx_pro", 3, source)[CASE]) == {cid(8), cid(9)}


def test_a_yuecheng_user_never_sees_a_keqiao_clue_as_related(related_world: tuple[World, Rows]) -> None:
    world, source = related_world
    keqiao = {cid(n) for n in (4, 5, 7, 9, 11)}
    for n in (1, 2, 3, 6, 8, 10, 12):
        for g in groups_of(world, "yc_pro", n, source, per_reason=50).values():
            assert not ids(g) & keqiao, (n, g.reason)
            assert g.total == len(g.items)  # all listed: the count counts only visible clues
    with world.store.read() as s, pytest.raises(NotFound):
        related_clues(s, world.p("yc_pro"), cid(4), source)


def test_ranked_by_how_related_then_score(related_world: tuple[World, Rows]) -> None:
    world, source = related_world
    court = groups_of(world, "yc_pro", 1, source)[COURT]
    # 10 (same lawyer) and 12 (same party) share more than the court: they come first
    assert [r.clue.clue_id for r in court.items[:2]] == [cid(12), cid(10)]
    assert court.items[0].reasons == ["同一当事人", "同一法院"]


def test_without_the_analytic_store_only_subject_and_court(related_world: tuple[World, Rows]) -> None:
    world, _ = related_world
    groups = groups_of(world, "yc_pro", 2, None)
    assert set(groups) == {PARTY, COURT}
    assert groups[COURT].total == 6


def test_full_list_of_one_reason(related_world: tuple[World, Rows]) -> None:
    world, source = related_world
    (court,) = groups_of(world, "yc_pro", 1, source, only=COURT, per_reason=500).values()
    assert court.total == 6 and len(court.items) == 6 and court.more == 0


def test_classes_by_model_court_party_and_firm(related_world: tuple[World, Rows]) -> None:
    world, source = related_world
    p = world.p("admin")
    with world.store.write() as s:
        for n in (3, 8):
            assign(s, p, cid(n), "admin")
            move(s, p, cid(n), "verifying")
            record_outcome(s, p, cid(n), "confirmed")
    with world.store.read() as s:
        yc = clue_classes(s, world.p("yc_pro"), source, min_size=2)
        everyone = clue_classes(s, world.p("admin"), source, min_size=2)
        members, total = class_members(s, world.p("yc_pro"), "court", "浙0602", source)
        firm_members, firm_total = class_members(s, world.p("yc_pro"), "agent", FIRM, source)
        party_members, party_total = class_members(s, world.p("admin"), "party", cid(2), source)
    models = {c.key: c for c in yc["model"]}
    assert models[OTHER_MODEL].total == 4  # 6, 8, 10, 12
    assert models[OTHER_MODEL].by_status == {"verifying": 1, "new": 3}
    assert models[OTHER_MODEL].confirmed == 1 and models[OTHER_MODEL].governance_keys
    assert {c.key for c in yc["court"]} == {"浙0602"}
    assert yc["court"][0].total == 7 and yc["court"][0].name == "浙江省绍兴市越城区人民法院"
    assert [(c.name, c.total) for c in yc["party"]] == [("原告2", 2)]  # clue 7 is in 柯桥
    assert total == 7 and {c.clue_id for c in members} == {cid(n) for n in (1, 2, 3, 6, 8, 10, 12)}
    assert firm_total == 2 and {c.clue_id for c in firm_members} == {cid(1), cid(10)}
    assert party_total == 3 and {c.clue_id for c in party_members} == {cid(2), cid(6), cid(7)}
    assert [c.name for c in everyone["agent"]] == [FIRM] and everyone["agent"][0].total == 3


def test_law_firm_classes_from_clue_firms_equal_the_analytic_pairs(related_world: tuple[World, Rows]) -> None:
    """The 类案 view counts law-firm classes from ``clue_firms`` once it is built (with the search
    index); the counts are those read from the analytic store's pairs, for every scope."""
    world, source = related_world
    p = world.p("admin")
    with world.store.write() as s:
        assign(s, p, cid(10), "admin")
        move(s, p, cid(10), "verifying")
        record_outcome(s, p, cid(10), "confirmed")
    users = ("admin", "yc_pro", "kq_pro", "sx_pro")
    with world.store.read() as s:
        live = {u: clue_classes(s, world.p(u), source, min_size=2)["agent"] for u in users}
    with world.store.write() as s:
        assert rebuild_clue_firms(s, source) == 3
    with world.store.read() as s:
        stored = {u: clue_classes(s, world.p(u), None, min_size=2)["agent"] for u in users}
    assert stored == live
    assert [(c.name, c.total, c.confirmed) for c in stored["admin"]] == [(FIRM, 3, 1)]
    assert [(c.total, c.by_status) for c in stored["yc_pro"]] == [(2, {"new": 1, "verifying": 1})]
