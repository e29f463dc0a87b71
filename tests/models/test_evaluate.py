"""Evaluation arithmetic: precision, recall, ranks, matching by key then by name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jiandu.models.evaluate import (
    DEFAULT_PATTERN_MODELS,
    TruthError,
    TruthInstance,
    evaluate,
    models_to_measure,
    parse_mapping,
    read_truth,
)


def clue(model: str, key: str, name: str, score: float) -> dict[str, Any]:
    return {
        "clue_id": f"{model}:{key}",
        "model_id": model,
        "subject": {"key": key, "name": name},
        "score": score,
        "band": "red" if score >= 60 else "green",
    }


def inst(
    iid: str, name: str, positive: bool = True, key: str | None = None, pattern: str = "p"
) -> TruthInstance:
    return TruthInstance(pattern, iid, name, key, positive, "strong" if positive else "near_miss")


def test_precision_recall_and_rank() -> None:
    clues = [
        clue("m.a", "k1", "甲", 90),
        clue("m.a", "name:乙", "乙", 70),
        clue("m.a", "name:丙", "丙", 50),
        clue("m.b", "name:丁", "丁", 99),  # another model: not counted for pattern p
    ]
    truth = [
        inst("i1", "甲甲", key="k1"),
        inst("i2", "乙 "),
        inst("i3", "戊"),
        inst("n1", "丙", positive=False),
    ]
    (result,) = evaluate(clues, truth, {"p": ["m.a"]})
    assert (result.positives, result.found, result.recall) == (3, 2, pytest.approx(2 / 3))
    assert (result.clues, result.true_clues, result.precision) == (3, 2, pytest.approx(2 / 3))
    assert (result.near_misses, result.near_misses_flagged) == (1, 1)
    assert [(i.instance_id, i.rank) for i in result.instances] == [
        ("i1", 1),
        ("i2", 2),
        ("i3", None),
        ("n1", 3),
    ]


def test_masked_only_subject_is_matched_by_its_documents() -> None:
    masked = TruthInstance(
        "p", "i1", "张祥水", "330621198802223570", True, "medium",
        names_as_written=("张××",), doc_ids=frozenset({"d1", "d2", "d3"}),
    )
    other = TruthInstance(
        "p", "i2", "张伟", "330621199001010011", True, "weak",
        names_as_written=("张××",), doc_ids=frozenset({"d4", "d5"}),
    )

    def cited(key: str, name: str, docs: list[str]) -> dict[str, Any]:
        return {**clue("m.a", key, name, 50), "evidence": [{"doc_id": d} for d in docs]}

    clues = [
        cited("pk_1", "张××", ["d1", "d2", "d3", "d9"]),  # every document of i1: i1
        cited("pk_2", "张××", ["d4"]),  # one of i2's two documents: not enough
        cited("pk_3", "李××", ["d4", "d5"]),  # i2's documents, but another name as written
    ]
    (result,) = evaluate(clues, [masked, other], {"p": ["m.a"]})
    assert [(i.instance_id, i.found, i.clue_id) for i in result.instances] == [
        ("i1", True, "m.a:pk_1"),
        ("i2", False, None),
    ]


def test_pattern_without_models_or_clues() -> None:
    (result,) = evaluate([], [inst("i1", "甲", pattern="unknown_pattern")])
    assert result.models == [] and result.recall == 0.0 and result.precision is None


def test_only_the_measured_models_clues_are_needed() -> None:
    named = TruthInstance("p", "i1", "甲", None, True, "strong", models=("m.b", "m.a"))
    lender = inst("i2", "乙", pattern="professional_lender")
    assert models_to_measure([named, lender]) == sorted(
        {"m.a", "m.b", *DEFAULT_PATTERN_MODELS["professional_lender"]}
    )
    assert models_to_measure([lender], {"professional_lender": ["m.x"]}) == ["m.x"]
    assert models_to_measure([inst("i3", "丙", pattern="unknown_pattern")]) == []
    # evaluate reads the same models: other models' clues change nothing
    clues = [clue("m.a", "k1", "甲", 80), clue("m.other", "k9", "甲", 99)]
    (result, _) = evaluate(clues, [named, lender])
    assert result.models == ["m.a", "m.b"] and result.clues == 1 and result.recall == 1.0


def test_truth_file_and_mapping_parsing(tmp_path: Path) -> None:
    path = tmp_path / "truth.jsonl"
    path.write_text(
        json.dumps(
            {
                "pattern": "professional_lender",
                "instance_id": "x",
                "subject": {"name": "甲", "key": "k"},
                "documents": ["d1"],
                "strength": "strong",
                "positive": True,
                "models": ["m.z"],
            },
            ensure_ascii=False,
        )
        + "\n\n",
        "utf-8",
    )
    (item,) = read_truth(path)
    assert item.models == ("m.z",) and item.documents == ("d1",)
    (result,) = evaluate([clue("m.z", "k", "甲", 10)], [item])
    assert result.models == ["m.z"] and result.recall == 1.0
    path.write_text('{"pattern": "p"}\n', "utf-8")
    with pytest.raises(TruthError, match=r"truth\.jsonl:1"):
        read_truth(path)
    assert parse_mapping(["a=m.x,m.y", "b=m.z"]) == {"a": ["m.x", "m.y"], "b": ["m.z"]}
    with pytest.raises(ValueError, match=r"pattern=model_id"):
        parse_mapping(["nonsense"])
