"""Demo users for trying the web UI: one per role, with random passwords shown once.

`create_demo_users(store)` installs the default jurisdiction tree if it is missing (which gives
clues synced before it their jurisdiction, audited: `jiandu.workflow.reresolve`) and adds the
users in `DEMO_USERS` that do not exist yet, each with a fresh random password. Existing users are
left alone (their password is not shown again and not reset) unless ``reset=True``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from jiandu.workflow import Store, add_user, install_defaults, set_password, system_principal
from jiandu.workflow.tables import User

# (username, role, jurisdiction code, display name)
DEMO_USERS = (
    ("demo_admin", "admin", "330000", "演示管理员（省院）"),
    ("demo_prosecutor", "prosecutor", "330602", "演示检察官（越城区院）"),
    ("demo_chief", "chief", "330602", "演示部门负责人（越城区院）"),
    ("demo_city_prosecutor", "prosecutor", "330600", "演示检察官（绍兴市院）"),
    ("demo_analyst", "analyst", "330600", "演示数据分析员（绍兴市院）"),
    ("demo_auditor", "auditor", "330000", "演示审计员（省院）"),
    ("demo_viewer", "viewer", "330602", "演示查看者（越城区院）"),
)


@dataclass(frozen=True, slots=True)
class DemoLogin:
    username: str
    role: str
    jurisdiction_code: str
    display_name: str
    password: str | None  # None: the user existed and keeps its password


def create_demo_users(store: Store, *, reset: bool = False) -> list[DemoLogin]:
    """Add the demo users (idempotent); passwords of new (or, with ``reset``, all) users."""
    out = []
    with store.write() as s:
        install_defaults(s, actor="demo-setup")
        root = system_principal(s, name="demo-setup")
        existing = set(s.execute(select(User.username)).scalars())
        for username, role, code, name in DEMO_USERS:
            password: str | None = None
            if username not in existing:
                password = secrets.token_urlsafe(12)
                add_user(
                    s, root, username, role=role, jurisdiction_code=code, password=password, display_name=name
                )
            elif reset:
                password = secrets.token_urlsafe(12)
                set_password(s, root, username, password)
            out.append(DemoLogin(username, role, code, name, password))
    return out
