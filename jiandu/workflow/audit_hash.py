"""How an event is hashed: canonical JSON of its fields, chained to the previous hash.

``hash = HMAC-SHA256(key, canonical JSON of {seq, at, actor, kind, entity_type, entity_id, reason,
before, after} + prev_hash)``, hex. Canonical JSON: sorted keys, no spaces, UTF-8, times as UTC
ISO 8601 with microseconds. The key lives outside the database (`jiandu.workflow.audit_keys`), so
whoever can edit the database cannot recompute a valid chain. ``key=None`` is the scheme of
workspaces from before keyed hashing (plain sha256); it is only used to check such a chain once,
before it is re-keyed, and to recognise a chain re-hashed without the key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

GENESIS = "0" * 64
FIELDS = ("seq", "at", "actor", "kind", "entity_type", "entity_id", "reason", "before", "after")


def canonical_time(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds") + "Z"


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def event_hash(fields: dict[str, Any], prev_hash: str, key: bytes | None = None) -> str:
    """The event's hash: HMAC-SHA256 under ``key``, or plain sha256 (legacy) when ``key`` is None."""
    body = {name: fields[name] for name in FIELDS}
    body["at"] = canonical_time(fields["at"])
    message = (canonical_json(body) + prev_hash).encode("utf-8")
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
