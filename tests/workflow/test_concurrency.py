"""Several writers at once (as in a multi-user office): the chain stays one unbroken line."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from jiandu.workflow import InvalidTransition, Store, assign, sync_clues, transition, verify_log
from jiandu.workflow.tables import Event
from tests.workflow.conftest import World, make_clue


def test_concurrent_writers_keep_the_chain_intact(world: World) -> None:
    with world.store.read() as s:
        before = s.execute(select(func.count()).select_from(Event)).scalar_one()
    errors: list[BaseException] = []
    refused: list[str] = []
    store = Store(world.store.url, workspace=world.store.workspace)  # its own pool, as another process

    def syncer(offset: int) -> None:
        try:
            for i in range(5):
                with store.write() as s:
                    sync_clues(s, [make_clue(100 + offset * 10 + i)])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def worker() -> None:
        p = world.p("admin")
        for n in (1, 2, 3, 4, 5):
            try:
                with store.write() as s:
                    assign(s, p, f"c{n:031d}", "admin")
                with store.write() as s:
                    transition(s, p, f"c{n:031d}", "verifying")
            except InvalidTransition as exc:  # the other worker got there first: fine
                refused.append(str(exc))
            except BaseException as exc:  # pragma: no cover
                errors.append(exc)

    threads = [threading.Thread(target=syncer, args=(k,)) for k in range(3)]
    threads += [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store.close()
    assert errors == []
    with world.store.read() as s:
        result = verify_log(s, world.p("admin"))
        after = s.execute(select(func.count()).select_from(Event)).scalar_one()
    assert result.ok, result.describe()
    assert after - before == 15 + 10  # 15 created; each clue assigned once and moved once
