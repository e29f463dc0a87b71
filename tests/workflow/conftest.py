"""Fixtures for the workflow store: a migrated store on SQLite and PostgreSQL, the default
jurisdiction tree (浙江 → 绍兴 → counties), one user per role and place, and clue factories."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiandu.workflow import (
    Principal,
    Store,
    approve,
    install_defaults,
    propose,
    sync_clues,
    system_principal,
)
from jiandu.workflow.audit_keys import ANCHOR_FILE, KEY_FILE
from jiandu.workflow.tables import User
from jiandu.workflow.users import add_user, principal_for

YUECHENG, KEQIAO, SHAOXING, ZHEJIANG = "330602", "330603", "330600", "330000"
ID_NUMBER = "330602198001011234"
PHONE = "13812345678"
ADDRESS = "浙江省绍兴市越城区解放北路123号5幢201室"

# (username, role, jurisdiction)
USERS = (
    ("admin", "admin", ZHEJIANG),
    ("yc_pro", "prosecutor", YUECHENG),
    ("yc_pro2", "prosecutor", YUECHENG),
    ("kq_pro", "prosecutor", KEQIAO),
    ("sx_pro", "prosecutor", SHAOXING),
    ("yc_chief", "chief", YUECHENG),
    ("sx_chief", "chief", SHAOXING),
    ("zj_chief", "chief", ZHEJIANG),
    ("yc_viewer", "viewer", YUECHENG),
    ("yc_analyst", "analyst", YUECHENG),
    ("zj_auditor", "auditor", ZHEJIANG),
    ("zj_viewer", "viewer", ZHEJIANG),
)


def make_clue(
    n: int,
    *,
    court: str = "浙0602",
    score: float | None = None,
    model: str = "civil.repeat_plaintiff_basic",
    version: str = "1.0.0",
    region: str | None = "zhejiang",
    band: str | None = None,
) -> dict[str, Any]:
    score = float(90 - n) if score is None else score
    band = band or ("red" if score >= 70 else "yellow" if score >= 40 else "green")
    return {
        "clue_id": f"c{n:031d}",
        "model_id": model,
        "model_version": version,
        "subject": {
            "type": "person",
            "key": f"id:{ID_NUMBER}" if n == 1 else f"name:原告{n}",
            "name": f"原告{n}",
        },
        "score": score,
        "band": band,
        "explanation": f"原告{n}（身份证号{ID_NUMBER}，电话{PHONE}，住{ADDRESS}）一年内在同一法院起诉12件。",
        "features": {"suits": {"value": 12, "weight": 1.0}},
        "evidence": [
            {
                "kind": "document",
                "source": "judgments",
                "doc_id": f"d{n}a",
                "case_number": f"（2023）{court}民初{100 + n}号",
                "span": [10, 20],
                "text": f"原告原告{n}，住{ADDRESS}，电话{PHONE}",
                "label": "原告",
            },
            {
                "kind": "document",
                "source": "judgments",
                "doc_id": f"d{n}b",
                "case_number": f"（2024）{court}民初{200 + n}号",
                "span": [5, 9],
                "text": "被告某某",
                "label": "被告",
            },
        ],
        "run_id": "run-1",
        "region": region,
    }


@dataclass
class World:
    store: Store
    principals: dict[str, Principal]

    def p(self, name: str) -> Principal:
        return self.principals[name]

    def approved(
        self, session: Session, clue_id: str, to: str, *, by: str = "yc_pro", chief: str = "zj_chief"
    ) -> None:
        """File a case or issue a suggestion the way the office does: ``by`` proposes, ``chief``
        approves."""
        propose(session, self.p(by), clue_id, to, reason="提请审批")
        approve(session, self.p(chief), clue_id)


def build_world(store: Store) -> dict[str, Principal]:
    with store.write() as s:
        install_defaults(s)
        root = system_principal(s)
        for username, role, code in USERS:
            add_user(s, root, username, role=role, jurisdiction_code=code)
        sync_clues(s, [make_clue(n) for n in (1, 2, 3)] + [make_clue(n, court="浙0603") for n in (4, 5)])
    with store.read() as s:
        return {u.username: principal_for(s, u) for u in s.execute(select(User)).scalars()}


@pytest.fixture(scope="session")
def sqlite_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Principal]]:
    """The world built once on SQLite; each test gets a copy of the file (much faster)."""
    path = tmp_path_factory.mktemp("world") / "workflow.sqlite"
    store = Store(f"sqlite:///{path}")
    principals = build_world(store)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path, principals


@pytest.fixture
def store(workflow_db_url: str, tmp_path: Path) -> Iterator[Store]:
    """An empty, migrated store (its audit key and anchors in tmp_path)."""
    s = Store(workflow_db_url, workspace=tmp_path)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def world(workflow_db_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """Default tree, one user per role/place, clues 1–3 in 越城 (浙0602) and 4–5 in 柯桥 (浙0603)."""
    if workflow_db_url.startswith("sqlite:///"):
        template, principals = request.getfixturevalue("sqlite_world")
        target = Path(workflow_db_url.removeprefix("sqlite:///"))
        shutil.copyfile(template, target)
        for name in (KEY_FILE, ANCHOR_FILE):  # the audit key and anchors go with the database
            shutil.copy2(template.parent / name, target.parent / name)
        store = Store(workflow_db_url, workspace=target.parent)
    else:
        store = Store(workflow_db_url, workspace=tmp_path)
        principals = build_world(store)
    try:
        yield World(store, principals)
    finally:
        store.close()
