"""What the web routes share, apart from the app: the server settings (`WebConfig`), the shared
state (`WebState`: store, sessions, templates, analytic reader, caches) and the two exceptions
a dependency raises for the app's handlers (`LoginRequired`, `CsrfRejected`).

Kept out of ``app.py`` so that ``deps.py`` (and the routers) can import them without importing
the app, which imports the routers.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from sqlalchemy import select

from jiandu import __version__
from jiandu.web.analytic import AnalyticReader
from jiandu.web.display import Display
from jiandu.web.labels import zh
from jiandu.web.security import DEFAULT_MAX_AGE, Sessions, load_or_create_secret
from jiandu.workflow import Store
from jiandu.workflow.tables import Clue

PACKAGE_DIR = Path(__file__).parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"


@dataclass(frozen=True, slots=True)
class WebConfig:
    """Settings of one server.

    ``secure_cookies``: None sets the cookie's Secure flag when the request came over https
    (behind a TLS proxy, run uvicorn with --proxy-headers); True/False force it.
    """

    secure_cookies: bool | None = None
    session_max_age: int = DEFAULT_MAX_AGE
    page_size: int = 50
    pool_size: int = 20


CHINA = dt.timezone(dt.timedelta(hours=8), "CST")


def local_time(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time (naive on SQLite) as Beijing time, for pages."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(CHINA).strftime(fmt)


class LoginRequired(Exception):
    """A page needs a logged-in user: redirect to the login page."""


class CsrfRejected(Exception):
    """A form or cookie-authenticated API call came without a valid CSRF token."""


class WebState:
    """What the routes share: the store, sessions, templates, analytic reader and caches."""

    def __init__(self, root: Path, config: WebConfig) -> None:
        self.root = root
        self.config = config
        store_kwargs: dict[str, Any] = {}
        if config.pool_size:
            store_kwargs = {"pool_size": config.pool_size, "max_overflow": config.pool_size}
        self.store = Store.for_workspace(root, **store_kwargs)
        self.sessions = Sessions(load_or_create_secret(root), max_age=config.session_max_age)
        self.analytic = AnalyticReader(root)
        self.templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
        self.templates.env.globals.update(zh=zh, version=__version__)
        self.templates.env.filters["local"] = local_time
        self.display = Display(self)
        self.display.install(self.templates.env)
        self._lock = threading.Lock()
        self._library: Any = None
        self._library_at = 0.0
        self._model_ids: list[str] = []
        self._model_ids_at = 0.0

    def library(self) -> Any:
        """The model library (built-in and workspace specs), checked for changes once a minute."""
        with self._lock:
            if self._library is None or time.monotonic() - self._library_at > 60:
                self._library = _library(self.root)
                self._library_at = time.monotonic()
            return self._library

    def model_title(self, model_id: str) -> str | None:
        try:
            loaded = self.library().specs.get(model_id)
        except Exception:  # a broken spec folder must not break the pages
            return None
        return loaded.spec.name_zh if loaded else None

    def model_ids(self) -> list[str]:
        """Model ids for the queue filter: library specs and models that have clues (cached 5 min)."""
        with self._lock:
            fresh = time.monotonic() - self._model_ids_at < 300
            if fresh:
                return self._model_ids
        with self.store.read() as s:
            found = set(s.execute(select(Clue.model_id).distinct()).scalars())
        with suppress(Exception):
            found |= set(self.library().specs)
        with self._lock:
            self._model_ids, self._model_ids_at = sorted(found), time.monotonic()
            return self._model_ids

    def close(self) -> None:
        self.analytic.close()
        self.store.close()


_LIBRARIES: dict[tuple[Path | None, tuple[tuple[str, float], ...]], Any] = {}
_LIBRARIES_LOCK = threading.Lock()


def _library(root: Path) -> Any:
    """Loading and validating every spec takes a while: keep one library per workspace and
    state of its models folder (file names and modification times) in the process."""
    from jiandu.models.library import Library

    folder = root / "models"
    files = (
        tuple(sorted((p.name, p.stat().st_mtime) for p in folder.glob("*.yaml"))) if folder.is_dir() else ()
    )
    key = (root if files else None, files)  # workspaces without their own specs share one
    with _LIBRARIES_LOCK:
        if key not in _LIBRARIES:
            if len(_LIBRARIES) >= 8:
                _LIBRARIES.clear()
            _LIBRARIES[key] = Library.for_workspace(root)
        return _LIBRARIES[key]
