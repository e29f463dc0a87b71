"""How pages name things: codes, ids and numbers turned into the Chinese a prosecutor reads.

Every page draws names through these template globals, so a model is always its Chinese name, a
jurisdiction its region name, a table its Chinese title, a user his display name, an amount
``30,000元``. Ids (clue, run, model id, subject key) stay out of the visible text; templates
put them in a ``<details class="tech">技术信息</details>`` fold for data engineers.

Names come from their one definition: model names from the specs, table titles from the schema
YAML (`title_zh`), subject types and domains from `jiandu.models.spec`, parameter types from
`jiandu.models.parameters`, statuses and bands from `jiandu.web.labels`.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from jinja2 import Environment
from sqlalchemy import select

from jiandu.models.parameters import PARAM_TYPE_NAMES_ZH
from jiandu.models.spec import DOMAIN_NAMES_ZH, SUBJECT_TYPE_NAMES_ZH
from jiandu.schema.derived import known_tables
from jiandu.web.labels import zh
from jiandu.workflow import Store
from jiandu.workflow.jurisdictions import names as jurisdiction_names
from jiandu.workflow.notifications import unread_count
from jiandu.workflow.tables import User

UNRESOLVED_REGION = "未定辖区"
RUN_STATUS_ZH = {"ok": "成功", "failed": "失败", "skipped": "跳过"}
_CACHE_SECONDS = 5.0  # names change rarely; a page may lag a new jurisdiction by this much
# event fields a timeline shows, and how each value is named
_SHOWN_FIELDS = (
    "status",
    "assignee",
    "outcome",
    "reject_reason",
    "merged_into",
    "score",
    "band",
    "changed_judgment",
    "jurisdiction_code",
    "court",
    "proposal",
    "proposed_by",
    "due_at",
    "outcome_cause",
    "feedback",
)


_ID_FIELDS = frozenset({"run_id", "not_found_run_id"})  # ids an investigator reads in the 技术信息 fold


def day_zh(value: dt.date | str | None) -> str:
    """A calendar day as a prosecutor reads it: 2026年12月3日 (from a date or an ISO string)."""
    if value is None or value == "":
        return "—"
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{day.year}年{day.month}月{day.day}日"


class _State(Protocol):
    store: Store

    def model_title(self, model_id: str) -> str | None: ...

    def library(self) -> Any: ...


class Display:
    """Name lookups for one web app; store-backed names are cached for a few seconds."""

    def __init__(self, state: _State) -> None:
        self._state = state
        self._lock = threading.Lock()
        self._regions: dict[str, str] = {}
        self._users: dict[str, str] = {}
        self._loaded_at = -_CACHE_SECONDS

    def _refresh(self) -> None:
        with self._lock:
            if time.monotonic() - self._loaded_at < _CACHE_SECONDS:
                return
            with self._state.store.read() as s:
                self._regions = dict(jurisdiction_names(s))
                self._users = {
                    u: (d or u) for u, d in s.execute(select(User.username, User.display_name)).all()
                }
            self._loaded_at = time.monotonic()

    def forget(self) -> None:
        """Drop the cached names (after a jurisdiction or user was added)."""
        with self._lock:
            self._loaded_at = -_CACHE_SECONDS

    def model_name(self, model_id: str | None) -> str:
        if not model_id:
            return ""
        return self._state.model_title(model_id) or "未登记的模型"

    def region(self, code: str | None) -> str:
        if not code:
            return UNRESOLVED_REGION
        self._refresh()
        return self._regions.get(code, "未登记的辖区")

    def person(self, username: str | None) -> str:
        """A user by display name (the login name when none is set)."""
        if not username:
            return ""
        self._refresh()
        return self._users.get(username, username)

    def actor(self, actor: str | None) -> str:
        """Who did something: a user, the command line, or the system."""
        if not actor:
            return ""
        if actor.startswith("cli:"):
            return "命令行操作"
        if actor in ("system", "demo-setup"):
            return "系统"
        return self.person(actor)

    def changes(self, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[str]:
        """An event's changes as ``字段：前 → 后`` lines, values named, unknown fields left out."""
        before = before if isinstance(before, Mapping) else {}
        after = after if isinstance(after, Mapping) else {}
        lines = []
        for key in _SHOWN_FIELDS:
            if key not in after and key not in before:
                continue
            old, new = self.value(key, before.get(key)), self.value(key, after.get(key))
            name = zh("field", key)
            lines.append(f"{name}：{old} → {new}" if key in before else f"{name}：{new}")
        return lines

    def details(
        self, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
    ) -> tuple[list[str], dict[str, Any]]:
        """An audit event's before/after for an investigator: every field with a Chinese name as a
        ``字段：前 → 后`` line; the fields without one, unchanged, for the 技术信息 fold."""
        before = before if isinstance(before, Mapping) else {}
        after = after if isinstance(after, Mapping) else {}
        lines, rest = [], {}
        for key in dict.fromkeys([*before, *after]):
            name = zh("field", key)
            if name == key or key in _ID_FIELDS:
                rest[key] = {"before": before.get(key), "after": after.get(key)}
                continue
            new = self.value(key, after.get(key)) if key in after else "（删除）"
            old = self.value(key, before[key]) if key in before else None
            lines.append(f"{name}：{old} → {new}" if old is not None else f"{name}：{new}")
        return lines, rest

    def value(self, key: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        shown: Callable[[Any], str] = {
            "status": lambda v: zh("status", v),
            "outcome": lambda v: zh("outcome", v),
            "reject_reason": lambda v: zh("reject", v),
            "band": lambda v: zh("band", v),
            "assignee": self.person,
            "jurisdiction_code": self.region,
            "score": lambda v: f"{float(v):.1f}",
            "merged_into": lambda v: "另一线索",
            "changed_judgment": lambda v: "是" if v else "否",
            "active": lambda v: "是" if v else "否",
            "revoked": lambda v: "是" if v else "否",
            "role": lambda v: zh("role", v),
            "level": lambda v: zh("level", v),
            "parent_code": self.region,
            "until": lambda v: str(v).replace("T", " ")[:19],
            "proposal": lambda v: zh("status", v),
            "proposed_by": self.actor,
            "outcome_cause": lambda v: zh("cause", v),
            "due_at": day_zh,
        }.get(key, str)
        return shown(value)

    def unread_notices(self, username: str) -> int:
        """How many notifications the user has not read (the header's count)."""
        with self._state.store.read() as s:
            return unread_count(s, username)

    def install(self, env: Environment) -> None:
        env.globals.update(
            unread_notices=self.unread_notices,
            model_name=self.model_name,
            region=self.region,
            person=self.person,
            actor=self.actor,
            changes=self.changes,
            details=self.details,
            source_name=source_name,
            subject_kind=subject_kind,
            feature_rows=self.feature_rows,
            param_type=param_type,
            domain_name=domain_name,
            run_status=run_status,
        )
        env.filters["amount"] = amount
        env.filters["num"] = number
        env.filters["day"] = day_zh

    def feature_rows(self, model_id: str, features: Mapping[str, Any] | None) -> list[dict[str, str]]:
        """A clue's score features: what each measures (from the spec), its value and weight."""
        described: dict[str, str] = {}
        try:
            loaded = self._state.library().specs.get(model_id)
        except Exception:  # a broken spec folder must not break the page
            loaded = None
        if loaded is not None:
            described = {k: f.description_zh for k, f in loaded.spec.features.items()}
        rows = []
        for key, item in (features or {}).items():
            if isinstance(item, Mapping):
                value, weight = item.get("value"), item.get("weight")
            else:
                value, weight = item, None
            rows.append(
                {
                    "name": described.get(key, "评分特征"),
                    "value": number(value, 2),
                    "weight": number(weight, 1) if weight is not None else "—",
                }
            )
        return rows


def source_name(table: str | None) -> str:
    """The Chinese title of the table an evidence item comes from."""
    if not table:
        return ""
    found = known_tables().get(table)
    return found.title_zh if found else "其他数据"


def subject_kind(kind: str | None) -> str:
    return SUBJECT_TYPE_NAMES_ZH.get(kind or "", "对象")


def param_type(kind: str | None) -> str:
    return PARAM_TYPE_NAMES_ZH.get(kind or "", "其他")


def domain_name(domain: str | None) -> str:
    return DOMAIN_NAMES_ZH.get(domain or "", "其他领域")


def run_status(status: str | None) -> str:
    return RUN_STATUS_ZH.get(status or "", "未知")


def number(value: Any, digits: int = 0) -> str:
    """A number with thousands separators and at most ``digits`` decimals (trailing zeros cut)."""
    if value is None or value == "":
        return "—"
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    text = f"{x:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def amount(value: Any) -> str:
    """Yuan as prosecutors write them: ``30,000元``, ``3,000.5元``."""
    return "—" if value is None or value == "" else number(value, 2) + "元"
