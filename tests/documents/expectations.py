"""Expected values of real documents, read by hand, with no person's name in the repository.

Each fixture in tests/fixtures/real_expectations/ (see its README) stores every name as a span
into the real text: ``"names": {"party1": [s, e], ...}``, and a field value ``"$party1"`` means
"the name at text[s:e]", layout spaces removed (刘　萍 → 刘萍). The texts are read from the shared
real data at test time, so the values compared are the names as the document prints them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "real_expectations"
_SPACE = re.compile(r"\s")


def name_at(text: str, span: list[int]) -> str:
    """The name a span points at, without the layout spaces of a signature block."""
    s, e = span
    return _SPACE.sub("", text[s:e])


def resolve(value: Any, names: Mapping[str, list[int]], text: str) -> Any:
    """Replace every ``"$alias"`` in a value (nested lists included) by the name in the text."""
    if isinstance(value, str) and value.startswith("$"):
        return name_at(text, names[value[1:]])
    if isinstance(value, list):
        return [resolve(v, names, text) for v in value]
    return value


def raw(name: str) -> dict[str, Any]:
    """A fixture file as stored (names still as spans)."""
    data: dict[str, Any] = json.loads((FOLDER / name).read_text(encoding="utf-8"))
    return data


def expectations(name: str, texts: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """The labelled documents of a fixture file by id, every name read from ``texts[id]``.

    Keys starting with ``_`` (notes) and the ``names`` table are dropped."""
    out: dict[str, dict[str, Any]] = {}
    for doc in raw(name)["docs"]:
        text = texts[doc["id"]]
        kept = {k: v for k, v in doc.items() if k != "names" and not k.startswith("_")}
        out[doc["id"]] = {k: resolve(v, doc["names"], text) for k, v in kept.items()}
    return out


def names(name: str, doc_id: str, text: str) -> dict[str, str]:
    """Alias → name for one document of a fixture (its ``docs`` or its ``examples``)."""
    return {alias: name_at(text, span) for alias, span in spans(name, doc_id).items()}


def spans(name: str, doc_id: str) -> dict[str, list[int]]:
    """Alias → [start, end] in the real text, for one document of a fixture."""
    data = raw(name)
    for doc in [*data.get("examples", []), *data["docs"]]:
        if doc["id"] == doc_id:
            found: dict[str, list[int]] = doc["names"]
            return found
    raise KeyError(f"{doc_id} not in {name}")
