"""Migrations: upgrade from an empty database on SQLite and PostgreSQL; the result matches the
models exactly; the URL is never shown with its password."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select

from jiandu.workflow import Store, safe_url
from jiandu.workflow.audit import GENESIS
from jiandu.workflow.db import current_revision, head_revision, workflow_url
from jiandu.workflow.search import include_name
from jiandu.workflow.tables import Base, ChainHead


def test_upgrade_from_empty_matches_the_models(workflow_db_url: str) -> None:
    store = Store(workflow_db_url, migrate=False)
    try:
        assert current_revision(store.engine) is None
        store.upgrade()
        assert current_revision(store.engine) == head_revision()
        tables = set(inspect(store.engine).get_table_names())
        assert {
            "clues",
            "events",
            "chain_head",
            "users",
            "api_tokens",
            "jurisdictions",
            "courts",
            "region_aliases",
            "alembic_version",
        } <= tables
        with store.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name}),
                Base.metadata,
            )
        assert diff == []
        with store.read() as s:
            head = s.execute(select(ChainHead)).scalar_one()
            assert (head.seq, head.hash) == (0, GENESIS)
        store.upgrade()  # a second time is a no-op
    finally:
        store.close()


def test_reopening_does_not_migrate_again(workflow_db_url: str) -> None:
    Store(workflow_db_url).close()
    store = Store(workflow_db_url)
    assert current_revision(store.engine) == head_revision()
    store.close()


def test_passwords_are_masked(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = "postgresql+psycopg://jiandu:s3cret@db.example:5432/jiandu"
    assert "s3cret" not in safe_url(url) and "***" in safe_url(url)
    assert "s3cret" not in repr(Store(url, migrate=False))
    monkeypatch.delenv("JIANDU_WORKFLOW_URL", raising=False)
    assert workflow_url(tmp_path) == f"sqlite:///{tmp_path / 'workflow.sqlite'}"
    (tmp_path / "workspace.yaml").write_text(f"engine: duckdb\nworkflow_url: {url}\n", encoding="utf-8")
    assert workflow_url(tmp_path) == url
    monkeypatch.setenv("JIANDU_WORKFLOW_URL", "sqlite:////tmp/x.sqlite")
    assert workflow_url(tmp_path) == "sqlite:////tmp/x.sqlite"


def test_an_unreachable_database_is_reported_without_the_password() -> None:
    import pytest

    from jiandu.workflow import StoreError

    with pytest.raises(StoreError) as err:
        Store("postgresql+psycopg://jiandu:s3cret@127.0.0.1:1/jiandu?connect_timeout=2")
    assert "s3cret" not in str(err.value) and "***" in str(err.value)


def test_0002_adds_and_removes_the_session_tables(workflow_db_url: str) -> None:
    from alembic import command

    from jiandu.workflow.db import alembic_config, upgrade

    session_tables = {"web_sessions", "session_cutoffs", "login_failures"}
    store = Store(workflow_db_url, migrate=False)
    try:
        upgrade(store.engine, "0001")
        assert not session_tables & set(inspect(store.engine).get_table_names())
        upgrade(store.engine, "0002")
        assert session_tables <= set(inspect(store.engine).get_table_names())
        with store.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0001")
        assert not session_tables & set(inspect(store.engine).get_table_names())
        assert current_revision(store.engine) == "0001"
    finally:
        store.close()


def test_0009_adds_and_removes_the_not_found_columns(workflow_db_url: str) -> None:
    from alembic import command

    from jiandu.workflow.db import alembic_config, upgrade

    def columns() -> set[str]:
        return {c["name"] for c in inspect(store.engine).get_columns("clues")}

    def indexes() -> set[str]:
        return {i["name"] for i in inspect(store.engine).get_indexes("clues") if i["name"]}

    store = Store(workflow_db_url, migrate=False)
    try:
        upgrade(store.engine, "0008_clue_firms")
        assert not {"not_found_run_id", "not_found_at"} & columns()
        upgrade(store.engine, "0009_clue_not_found")
        assert {"not_found_run_id", "not_found_at"} <= columns()
        assert "ix_clues_not_found_score" in indexes()
        with store.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0008_clue_firms")
        assert not {"not_found_run_id", "not_found_at"} & columns()
        assert "ix_clues_not_found_score" not in indexes() and "ix_clues_id_state" in indexes()
        assert current_revision(store.engine) == "0008_clue_firms"
    finally:
        store.close()


def test_0010_adds_and_removes_the_search_fingerprint(workflow_db_url: str) -> None:
    from alembic import command

    from jiandu.workflow.db import alembic_config, upgrade

    def shape() -> tuple[bool, bool]:
        names = {c["name"] for c in inspect(store.engine).get_columns("search_entries")}
        indexes = {i["name"] for i in inspect(store.engine).get_indexes("search_entries")}
        return "fingerprint" in names, "ix_search_entries_fingerprint" in indexes

    store = Store(workflow_db_url, migrate=False)
    try:
        upgrade(store.engine, "0009_clue_not_found")
        assert shape() == (False, False)
        upgrade(store.engine, "0010_search_fingerprint")
        assert shape() == (True, True)
        with store.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0009_clue_not_found")
        assert shape() == (False, False)
        assert current_revision(store.engine) == "0009_clue_not_found"
    finally:
        store.close()
