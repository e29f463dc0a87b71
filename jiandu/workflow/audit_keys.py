"""The audit chain's key and anchor files, kept outside the database.

- The key, ``<workspace>/audit-chain.key`` (or the file ``JIANDU_AUDIT_KEY_FILE`` names): 256
  random bits as hex, mode 0600, created once. Every event hash is an HMAC under it, so whoever
  can edit the database but not read this file cannot recompute a valid chain.
- The anchors, ``<workspace>/audit-anchors.log``: one line ``seq hash time`` with the chain head
  after every committed transaction that appended events; opened with ``O_APPEND``, mode 0600.
  A chain cut short, a deleted head or a chain rewritten under another key no longer matches it.

A session's workspace is what `Store.for_workspace` put in ``session.info`` (also for a
PostgreSQL store), else the folder of a SQLite database file; with neither, the key file's folder
(``JIANDU_AUDIT_KEY_FILE``) holds the anchors.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from jiandu.workflow.errors import WorkflowError

KEY_FILE = "audit-chain.key"
ANCHOR_FILE = "audit-anchors.log"
ENV_KEY_FILE = "JIANDU_AUDIT_KEY_FILE"
WORKSPACE_INFO = "jiandu.workspace"
_ANCHOR_LINE = re.compile(r"(\d{1,18}) ([0-9a-f]{64}) (\S{1,64})")
_KEY_TEXT = re.compile(r"[0-9a-f]{64}")
log = logging.getLogger(__name__)


class AuditError(WorkflowError):
    """The audit chain cannot be extended or read safely (a missing key, head or anchor)."""


@dataclass(frozen=True, slots=True)
class AuditFiles:
    key_path: Path
    anchor_path: Path


@dataclass(frozen=True, slots=True)
class Anchor:
    line: int
    seq: int
    hash: str
    at: str


class GarbledAnchors(AuditError):
    """A line of the anchor file is not ``seq hash time``."""

    def __init__(self, path: Path, line: int) -> None:
        super().__init__(f"{path.name} line {line} is not 'seq hash time'")
        self.line = line


def workspace_of(session: Session) -> Path | None:
    """The workspace folder of the session's store, if it has one."""
    workspace = session.info.get(WORKSPACE_INFO)
    if workspace is not None:
        return Path(workspace)
    url = session.get_bind().engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).resolve().parent
    return None


def locate(session: Session) -> AuditFiles | None:
    """Where the session's store keeps its audit key and anchors (None: nowhere known)."""
    workspace = workspace_of(session)
    env = os.environ.get(ENV_KEY_FILE)
    if env:
        key_path = Path(env)
    elif workspace is not None:
        key_path = workspace / KEY_FILE
    else:
        return None
    return AuditFiles(key_path, (workspace or key_path.parent) / ANCHOR_FILE)


def load_key(path: Path) -> bytes | None:
    """The key in ``path``; None when the file does not exist."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditError(f"the audit key {path} cannot be read: {exc}") from None
    if not _KEY_TEXT.fullmatch(text):
        raise AuditError(f"the audit key {path} is not 64 hex digits (256 bits)")
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        log.warning("the audit key %s is readable by others (mode %o); run chmod 600 on it", path, mode)
    return bytes.fromhex(text)


def create_key(path: Path) -> tuple[bytes, bool]:
    """The key in ``path``, created (256 random bits, 0600) when missing; and whether it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = load_key(path)
        if key is None:  # pragma: no cover - removed between the two calls
            raise AuditError(f"the audit key {path} vanished while it was read") from None
        return key, False
    key = secrets.token_bytes(32)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key.hex() + "\n")
        f.flush()
        os.fsync(f.fileno())
    return key, True


def read_anchors(path: Path) -> list[Anchor] | None:
    """The anchors in file order; None when the file does not exist. Raises `GarbledAnchors`."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise AuditError(f"{path} cannot be read: {exc}") from None
    anchors = []
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    else:  # a last line without its newline: cut short
        if lines:
            raise GarbledAnchors(path, len(lines))
    for number, raw in enumerate(lines, 1):
        try:
            match = _ANCHOR_LINE.fullmatch(raw.decode("ascii"))
        except UnicodeDecodeError:
            match = None
        if match is None:
            raise GarbledAnchors(path, number)
        anchors.append(Anchor(number, int(match[1]), match[2], match[3]))
    return anchors


def write_anchor(path: Path, seq: int, head_hash: str, at: str) -> None:
    """Append ``seq hash time`` to the anchor file (created 0600; one write, O_APPEND)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, 0o600)
        os.write(fd, f"{seq} {head_hash} {at}\n".encode("ascii"))
    finally:
        os.close(fd)
