"""Small helpers shared by the model tests."""

from __future__ import annotations

import copy
from typing import Any

import yaml

from jiandu.models.library import builtin_spec_path

EXAMPLE = "civil.repeat_plaintiff_basic"

MINIMAL_SQL = (
    "SELECT party_key AS subject_key, min(party_name) AS subject_name, "
    "least(1.0, sum(suits) / :n) AS volume FROM party_stats GROUP BY party_key"
)


def example_data() -> dict[str, Any]:
    """The built-in example spec as plain data, to mutate in tests."""
    path = builtin_spec_path(EXAMPLE)
    assert path is not None
    return copy.deepcopy(yaml.safe_load(path.read_text(encoding="utf-8")))


def minimal_data(**changes: Any) -> dict[str, Any]:
    """A small valid spec; keyword arguments replace top-level fields."""
    data: dict[str, Any] = {
        "id": "test.minimal",
        "version": "0.1.0",
        "name_zh": "测试模型",
        "name_en": "Test model",
        "domain": "civil",
        "supervision_point": "测试监督点",
        "legal_basis": [{"law": "《中华人民共和国民事诉讼法》", "article": "第一百一十五条"}],
        "inputs": ["party_stats"],
        "parameters": {
            "n": {"type": "integer", "default": 10, "min": 1, "max": 100, "description_zh": "下限"}
        },
        "sql": MINIMAL_SQL,
        "features": {"volume": {"weight": 1, "description_zh": "数量"}},
        "scoring": {"bands": {"red": 80, "yellow": 50, "green": 10}},
        "subject": {"type": "party", "key_column": "subject_key", "name_column": "subject_name"},
        "evidence": {"doc_ids_column": None, "sql": None},
        "explanation_zh": "{subject_name}起诉较多（下限{n}件）。",
    }
    data["evidence"] = {
        "sql": "SELECT s.subject_key, 'party_mentions' AS source, m.doc_id, m.span_start, m.span_end "
        "FROM clue_subjects AS s JOIN party_mentions AS m ON m.party_key = s.subject_key",
    }
    data["inputs"] = ["party_stats", "party_mentions"]
    data.update(changes)
    return data


def framework_only(monkeypatch: Any) -> None:
    """Run the framework with its example model alone: leave out the other built-in models and
    the operators that other parts register (civil operators, entity resolution), so the runner
    and CLI tests keep checking exactly what they were written for."""
    from jiandu.models import operators
    from jiandu.models.library import Library

    monkeypatch.setattr(operators, "OPERATORS", [operators.PartyKeys(), operators.PartyStats()])
    enabled = Library.enabled
    monkeypatch.setattr(Library, "enabled", lambda self: [s for s in enabled(self) if s.id == EXAMPLE])
