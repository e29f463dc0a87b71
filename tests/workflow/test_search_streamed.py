"""The search index built a batch at a time from a DuckDB snapshot (issue 17: 1M judgments) has
the rows, in the order, of the whole-corpus-in-memory reading any other `RowSource` gets."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import duckdb
import pytest

from jiandu.workflow import Store, install_defaults
from jiandu.workflow.jurisdictions import Resolver
from jiandu.workflow.search import (
    _case_entries,
    _case_groups_in_memory,
    _case_groups_streamed,
    _entity_entries,
    _SnapshotRows,
    entity_jurisdictions,
)
from tests.workflow.search_sources import create_search_sources


class _Plain:
    """A `RowSource` with ``rows`` only (as a Spark engine): everything is read at once."""

    def __init__(self, inner: _SnapshotRows) -> None:
        self.inner = inner

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return self.inner.rows(sql, params)

    def table_exists(self, name: str) -> bool:
        return self.inner.table_exists(name)


@pytest.fixture
def analytic() -> Iterator[_SnapshotRows]:
    con = duckdb.connect()
    create_search_sources(con, "entities", "party_entities", "parties", "entity_mentions", "cases")
    con.execute(
        "INSERT INTO entities VALUES "
        "('ok_x', 'organization', '绍兴某某建材有限公司', '91330602MA2B3C4D5E', 3), "
        "('pk_ww', 'person', '王五', NULL, 2), ('pk_zl', 'person', '赵六', NULL, 1), "
        "('pk_none', 'person', '钱七', NULL, 0)"
    )
    # d1 and d3: one case number in full- and half-width brackets (one search row); d4: no parties
    con.execute(
        "INSERT INTO cases VALUES "
        "('d2', '（2023）浙0603民初8号', '绍兴市柯桥区人民法院', '民间借贷纠纷', 2023), "
        "('d1', '（2023）浙0602民初7号', '绍兴市越城区人民法院', '买卖合同纠纷', 2023), "
        "('d4', '（2022）浙0602民初9号', '绍兴市越城区人民法院', NULL, NULL), "
        "('d3', '(2023)浙0602民初7号', '绍兴市越城区人民法院', '买卖合同纠纷', 2023), "
        "('d5', NULL, '绍兴市越城区人民法院', NULL, 2021)"
    )
    con.execute(
        "INSERT INTO parties VALUES ('d1', 1, '绍兴某某建材有限公司', 'organization', '被告'), "
        "('d1', 0, '王五', 'person', '原告'), ('d2', 0, '赵六', 'person', NULL), "
        "('d3', 0, '王五', 'person', '原告'), ('d3', 1, '孙八', 'person', '被告')"
    )
    con.execute(
        "INSERT INTO party_entities VALUES ('d1', 0, 'pk_ww'), ('d2', 0, 'pk_zl'), ('d1', 1, 'ok_x'), "
        "('d3', 0, 'pk_ww')"
    )
    con.execute(
        "INSERT INTO entity_mentions VALUES ('pk_ww', '王五', 'parties', '绍兴市越城区人民法院'), "
        "('pk_ww', '王 五', 'parties', NULL), ('pk_ww', '王五', 'execution_cases', '绍兴市柯桥区人民法院'), "
        "('ok_x', '绍兴某某建材有限公司', 'parties', NULL), ('pk_none', '钱七', 'parties', NULL)"
    )
    try:
        yield _SnapshotRows(con)
    finally:
        con.close()


@pytest.fixture
def resolver(tmp_path: Any) -> Iterator[Resolver]:
    store = Store(f"sqlite:///{tmp_path / 'workflow.sqlite'}", workspace=tmp_path)
    try:
        with store.write() as s:
            install_defaults(s)
            yield Resolver(s)
    finally:
        store.close()


def _shape(groups: Any) -> list[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    return [
        (
            [(c["doc_id"], c["case_number"], c["court"], c["cause"], c["case_year"]) for c in cases],
            [(p["party_idx"], p["name"], p["kind"], p["role"], p.get("entity_id")) for p in people],
        )
        for cases, people in groups
    ]


def test_case_groups_streamed_are_the_in_memory_groups(analytic: _SnapshotRows) -> None:
    streamed = _shape(_case_groups_streamed(analytic))
    assert streamed == _shape(_case_groups_in_memory(analytic))
    assert [[c[0] for c in cases] for cases, _ in streamed] == [["d2"], ["d1", "d3"], ["d4"]]
    assert streamed[1][1] == [
        (0, "王五", "person", "原告", "pk_ww"),
        (1, "绍兴某某建材有限公司", "organization", "被告", "ok_x"),
        (0, "王五", "person", "原告", "pk_ww"),
        (1, "孙八", "person", "被告", None),
    ]
    assert streamed[2][1] == []


def test_case_groups_without_parties_tables(analytic: _SnapshotRows) -> None:
    analytic.con.execute("DROP TABLE party_entities")
    analytic._tables.discard("party_entities")
    assert _shape(_case_groups_streamed(analytic)) == _shape(_case_groups_in_memory(analytic))
    analytic.con.execute("DROP TABLE parties")
    analytic._tables.discard("parties")
    assert _shape(_case_groups_streamed(analytic)) == _shape(_case_groups_in_memory(analytic))


def test_index_rows_are_the_same_streamed_or_read_at_once(
    analytic: _SnapshotRows, resolver: Resolver
) -> None:
    plain = _Plain(analytic)
    assert list(_case_entries(analytic, resolver)) == list(_case_entries(plain, resolver))
    streamed = list(_entity_entries(analytic, resolver))
    assert sorted(streamed, key=repr) == sorted(_entity_entries(plain, resolver), key=repr)
    # one row per entity and jurisdiction, by entity id; the places are those of entity_jurisdictions
    places = entity_jurisdictions(analytic, resolver)
    assert places["pk_ww"] == {"330602", "330603"}
    by_target: dict[str, set[str | None]] = {}
    for row in streamed:
        by_target.setdefault(row["target"].rsplit("/", 1)[1], set()).add(row["jurisdiction_code"])
    assert by_target == {
        "ok_x": {"330602"},
        "pk_ww": {"330602", "330603"},
        "pk_zl": {"330603"},
        "pk_none": {None},
    }
    assert [row["target"].rsplit("/", 1)[1] for row in streamed][:1] == ["ok_x"]
    assert entity_jurisdictions(analytic, resolver, ["pk_zl"]) == {"pk_zl": {"330603"}}
    assert entity_jurisdictions(analytic, resolver, []) == {}


def test_entity_names_in_the_search_text(analytic: _SnapshotRows, resolver: Resolver) -> None:
    ww = [r for r in _entity_entries(analytic, resolver) if r["target"].endswith("/pk_ww")]
    assert ww and all(r["body"] == "王五王五王五" for r in ww)  # name, then its distinct names, folded


def test_a_merge_join_refuses_ids_out_of_order() -> None:
    from jiandu.workflow.search import _by_entity

    with pytest.raises(RuntimeError, match="out of order"):
        list(_by_entity([("b", 1), ("a", 2)]))
