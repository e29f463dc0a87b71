"""The law-firm classes read their clues' states either clue by clue or, for many clues, by one
scan of the scope (`jiandu.workflow.related._clue_states`): both give the same states, only the
visible clues', on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from jiandu.workflow import Store, add_user, install_defaults, related, system_principal
from jiandu.workflow.synthetic import bulk_load
from jiandu.workflow.users import principal_for_username


def test_scan_and_lookup_agree(workflow_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(workflow_db_url, workspace=tmp_path)  # its audit key in tmp_path
    try:
        with store.write() as s:
            install_defaults(s)
            system = system_principal(s)
            add_user(s, system, "county", role="prosecutor", jurisdiction_code="330602")
            add_user(s, system, "province", role="admin", jurisdiction_code="330000")
            bulk_load(s, 400)
            s.execute(text("UPDATE clues SET outcome = 'confirmed' WHERE status = 'closed'"))
        with store.read() as s:
            codes = dict(s.execute(text("SELECT clue_id, jurisdiction_code FROM clues")).all())
            ids = sorted(codes)[::2]  # half of them, as a law firm's clues would be
            for username in ("county", "province"):
                p = principal_for_username(s, username)
                monkeypatch.setattr(related, "SCAN_FROM", 10**9)
                looked_up = related._clue_states(s, p, ids)
                monkeypatch.setattr(related, "SCAN_FROM", 1)
                scanned = related._clue_states(s, p, ids)
                assert scanned == looked_up
                assert set(scanned) == {c for c in ids if p.can_see(codes[c])}
                statuses = {state[0] for state in scanned.values()}
                assert "new" in statuses and len(statuses) > 2
            county = principal_for_username(s, "county")
            assert 0 < len(related._clue_states(s, county, ids)) < len(ids)  # others' clues left out
    finally:
        store.close()
