"""The search index is brought up to date by writing only the rows that changed (issue 17):
a second rebuild writes nothing, a changed entity and a new clue write only their rows, the
full-text index stays in step (FTS5 integrity check on SQLite), the result is the index a
rebuild from scratch writes, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from sqlalchemy import text

from jiandu.workflow import Store, install_defaults, sync_clues, system_principal
from jiandu.workflow import search as search_module
from jiandu.workflow.index_diff import ROW_COLUMNS, SPOOL_PREFIX, STALE_SPOOL_SECONDS, Spool, apply_rows
from jiandu.workflow.search import _SnapshotRows, rebuild_search_index, search
from jiandu.workflow.users import add_user, principal_for_username
from tests.web.world import YUECHENG, make_clue, plaintiff
from tests.workflow.search_sources import create_search_sources

ENTITIES = 12  # people in the analytic store: one changed row is well under a quarter of the index


@pytest.fixture
def analytic() -> Iterator[_SnapshotRows]:
    con = duckdb.connect()
    create_search_sources(con, "entities", "party_entities", "cases")
    surnames = "王李张刘陈杨黄赵吴周徐孙"
    for i in range(ENTITIES):
        doc = f"d{i}"
        con.execute(
            "INSERT INTO entities VALUES (?, 'person', ?, NULL, 1)", [f"pk_{i}", f"{surnames[i]}某{i}"]
        )
        con.execute("INSERT INTO party_entities VALUES (?, 0, ?)", [doc, f"pk_{i}"])
        con.execute(
            "INSERT INTO cases VALUES (?, ?, '绍兴市越城区人民法院', '民间借贷纠纷', 2023)",
            [doc, f"（2023）浙0602民初{100 + i}号"],
        )
    try:
        yield _SnapshotRows(con)
    finally:
        con.close()


def _store(url: str, tmp_path: Path) -> Store:
    store = Store(url, workspace=tmp_path)
    with store.write() as s:
        install_defaults(s)
        add_user(s, system_principal(s), "yc", role="prosecutor", jurisdiction_code=YUECHENG)
        sync_clues(s, [make_clue(1, "浙0602")])
    return store


def _rows(store: Store) -> list[tuple[Any, ...]]:
    with store.read() as s:
        columns = ", ".join(ROW_COLUMNS)
        return sorted(tuple(r) for r in s.execute(text(f"SELECT {columns} FROM search_entries")))


def _fts_is_consistent(store: Store) -> None:
    if store.dialect == "sqlite":  # raises unless the FTS5 index matches search_entries
        with store.write() as s:
            s.execute(text("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)"))


def _found(store: Store, query: str, kind: str) -> list[str]:
    with store.read() as s:
        return [h.title for h in search(s, principal_for_username(s, "yc"), query).groups[kind]]


def test_only_changed_rows_are_written(workflow_db_url: str, tmp_path: Path, analytic: _SnapshotRows) -> None:
    store = _store(workflow_db_url, tmp_path)
    try:
        first = rebuild_search_index(store, analytic)
        assert first.applied.replaced and first.applied.inserted == first.rows == 1 + 2 * ENTITIES
        again = rebuild_search_index(store, analytic)
        assert (again.applied.kept, again.applied.deleted, again.applied.inserted) == (first.rows, 0, 0)
        assert not again.applied.replaced

        analytic.con.execute("UPDATE entities SET name = '钱新名' WHERE entity_id = 'pk_11'")
        with store.write() as s:
            sync_clues(s, [make_clue(1, "浙0602"), make_clue(2, "浙0602")])
        changed = rebuild_search_index(store, analytic)
        assert (changed.applied.deleted, changed.applied.inserted) == (
            1,
            2,
        )  # the entity's row; it and a clue
        assert changed.applied.kept == first.rows - 1
        _fts_is_consistent(store)
        assert _found(store, "钱新名", "person") == ["钱新名"]
        assert _found(store, "孙某11", "person") == []
        assert _found(store, "（2023）浙0602民初111号", "case") == ["（2023）浙0602民初111号"]

        with store.write() as s:  # as `reresolve` leaves a clue it moved: rewritten next time
            s.execute(text("UPDATE search_entries SET fingerprint = NULL WHERE kind = 'clue'"))
        moved = rebuild_search_index(store, analytic)
        assert (moved.applied.deleted, moved.applied.inserted) == (2, 2)
        _fts_is_consistent(store)

        scratch = Store(f"sqlite:///{tmp_path / 'scratch.sqlite'}", workspace=tmp_path)
        with scratch.write() as s:
            install_defaults(s)
            sync_clues(s, [make_clue(1, "浙0602"), make_clue(2, "浙0602")])
        rebuild_search_index(scratch, analytic)
        assert _rows(store) == _rows(scratch)  # the index a rebuild from scratch writes
        scratch.close()
    finally:
        store.close()


def _row(title: str) -> dict[str, Any]:
    return {
        "kind": "person",
        "title": title,
        "summary": "",
        "body": title,
        "personal": "",
        "jurisdiction_code": None,
        "target": f"/profiles/person/{title}",
        "rank": 1.0,
    }


def _apply(store: Store, tmp_path: Path, rows: list[dict[str, Any]]) -> Any:
    with Spool(tmp_path) as spool, store.write() as s:
        for row in rows:
            spool.add(row)
        return apply_rows(s, spool)


def test_rows_are_a_multiset_and_the_highest_id_can_go(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'w.sqlite'}", workspace=tmp_path)
    try:
        base = [_row(f"甲乙丙{i}") for i in range(10)]
        assert _apply(store, tmp_path, base).replaced
        twice = [*base, _row("甲乙丙0")]  # one more copy of a row: kept, and one inserted
        applied = _apply(store, tmp_path, twice)
        assert (applied.kept, applied.deleted, applied.inserted) == (10, 0, 1)
        assert _apply(store, tmp_path, twice).inserted == 0
        # the last row (the highest id) goes and a new row comes: it must be full-text indexed
        applied = _apply(store, tmp_path, [*twice[:-1], _row("丁戊己")])
        assert (applied.deleted, applied.inserted) == (1, 1)
        _fts_is_consistent(store)
        with store.read() as s:
            hits = s.execute(text("SELECT count(*) FROM search_fts WHERE search_fts MATCH '丁戊己'")).scalar()
            copies = s.execute(
                text("SELECT count(*) FROM search_fts WHERE search_fts MATCH '甲乙丙0'")
            ).scalar()
        assert (hits, copies) == (1, 1)
        assert _apply(store, tmp_path, []).replaced  # everything gone: the table is emptied
        assert _rows(store) == []
    finally:
        store.close()


def test_the_spool_leaves_nothing_behind(tmp_path: Path) -> None:
    with Spool(tmp_path) as spool:
        spool.add(_row("张三"))
        assert [r["title"] for r in spool.rows()] == ["张三"]
    assert list(tmp_path.iterdir()) == []


def test_a_clue_changed_while_the_rows_are_made_is_made_again(
    tmp_path: Path, analytic: _SnapshotRows, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(f"sqlite:///{tmp_path / 'w.sqlite'}", tmp_path)
    try:
        rebuild_search_index(store, analytic)
        make_all = search_module._ClueRows.make_all

        def then_a_sync(self: Any, session: Any) -> None:  # another sync commits before the lock
            make_all(self, session)
            clue = make_clue(1, "浙0602") | {"explanation": "被执行人庞某某虚假诉讼线索"}
            with store.write() as s:
                sync_clues(s, [clue])

        monkeypatch.setattr(search_module._ClueRows, "make_all", then_a_sync)
        result = rebuild_search_index(store, analytic)
        assert (result.clues, result.clues_remade) == (1, 1)
        assert (result.applied.deleted, result.applied.inserted) == (1, 1)
        assert _found(store, "庞某某虚假诉讼", "clue") == [plaintiff(1)]
        _fts_is_consistent(store)
    finally:
        store.close()


def test_a_discarded_row_is_not_written(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'w.sqlite'}", workspace=tmp_path)
    try:
        with Spool(tmp_path) as spool, store.write() as s:
            spool.add(_row("甲乙丙"))
            number, key = spool.add(_row("甲乙丙"))
            spool.add(_row("丁戊己"))
            spool.discard(number, key)
            assert spool.count == 2
            apply_rows(s, spool)
        assert [r[1] for r in _rows(store)] == ["丁戊己", "甲乙丙"]
    finally:
        store.close()


def test_a_spool_left_by_a_killed_rebuild_is_removed_after_a_day(tmp_path: Path) -> None:
    old, recent = tmp_path / f"{SPOOL_PREFIX}old", tmp_path / f"{SPOOL_PREFIX}recent"
    for folder in (old, recent):
        folder.mkdir()
        (folder / "rows.sqlite").write_bytes(b"x")
    day_ago = time.time() - STALE_SPOOL_SECONDS - 60
    os.utime(old, (day_ago, day_ago))
    with Spool(tmp_path):
        assert not old.exists() and recent.exists()  # another rebuild may still be using it
