"""The queue: keyset paging in (score desc, clue_id desc) order, filters, synthetic bulk load."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from jiandu.workflow import ClueFilter, InvalidInput, list_clues, sync_clues
from jiandu.workflow.clues import decode_cursor, encode_cursor
from jiandu.workflow.synthetic import bulk_load
from jiandu.workflow.tables import Clue
from tests.workflow.conftest import World, make_clue


def walk(
    world: World, user: str, filters: ClueFilter | None = None, limit: int = 7
) -> list[tuple[float, str]]:
    out: list[tuple[float, str]] = []
    cursor = None
    with world.store.read() as s:
        while True:
            page = list_clues(s, world.p(user), filters, limit=limit, cursor=cursor)
            out.extend((c.score, c.clue_id) for c in page.items)
            if page.next_cursor is None:
                return out
            cursor = page.next_cursor


def test_keyset_pages_cover_everything_once_in_order(world: World) -> None:
    with world.store.write() as s:
        # ties on score, so the clue id decides within a score
        sync_clues(s, [make_clue(n, score=float(50 + n % 3)) for n in range(10, 40)])
        bulk_load(s, 500, seed=1)
    got = walk(world, "admin")
    assert len(got) == len(set(got)) == 535
    assert got == sorted(got, reverse=True)
    red = walk(world, "sx_pro", ClueFilter(band="red", status="new"), limit=50)
    with world.store.read() as s:
        expected = s.execute(
            select(func.count())
            .select_from(Clue)
            .where(Clue.band == "red", Clue.status == "new", Clue.jurisdiction_code.like("3306%"))
        ).scalar_one()
    assert len(red) == expected > 0


def test_filters(world: World) -> None:
    with world.store.read() as s:
        p = world.p("admin")
        assert {c.court for c in list_clues(s, p, ClueFilter(jurisdiction_code="330603")).items} == {"浙0603"}
        assert list_clues(s, p, ClueFilter(model_id="nope")).items == []
        assert all(c.score >= 87 for c in list_clues(s, p, ClueFilter(min_score=87)).items)
        with pytest.raises(InvalidInput):
            list_clues(s, p, ClueFilter(band="purple"))
        with pytest.raises(InvalidInput):
            list_clues(s, p, ClueFilter(status="lost"))
        with pytest.raises(InvalidInput):
            list_clues(s, p, cursor="!!!")


def test_cursor_round_trip() -> None:
    assert decode_cursor(encode_cursor(87.125, "abc")) == (87.125, "abc")
    assert decode_cursor(encode_cursor(0.1 + 0.2, "x")) == (0.1 + 0.2, "x")
