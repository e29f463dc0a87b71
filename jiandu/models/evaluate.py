"""Measure models against planted or labelled truth: precision, recall and rank per pattern.

A truth file is JSON lines, one instance each::

    {"pattern": "professional_lender", "instance_id": "professional_lender-00-a",
     "subject": {"name": "王大成", "key": "..."}, "documents": ["..."], "strength": "strong",
     "positive": true}

A line may carry ``"models": ["civil.x", ...]`` to say which models should find its pattern;
otherwise `DEFAULT_PATTERN_MODELS` (or ``--map pattern=model`` on the command line) decides.

For each pattern, over the clues of its models (ranked by score, highest first):
  recall     positives found by at least one clue / positives
  precision  clues about a positive of the pattern / clues of those models
  rank       of each positive: its best clue's position in that ranking (1 = top)
A clue is about an instance when its subject key equals the instance's key, or else when the
names are equal after removing spaces (so masked names only match themselves), or else — for a
party printed only masked in every document (张××), whom entity resolution can key but never
name — when the clue's subject name is one of the instance's names as written and the clue's
evidence cites every document of the instance (``documents`` of the truth line, by ``doc_id``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_PATTERN_MODELS: dict[str, tuple[str, ...]] = {
    "professional_lender": ("civil.professional_lender",),
    "serial_plaintiff": ("civil.serial_suit",),
    "collusive_suit": ("civil.collusive_debt_evasion",),
    "debt_assignment": ("civil.debt_assignment_after_listing",),
    "insurance_claims": ("civil.insurance_claim_suits",),
    "routine_loan": ("civil.routine_loan_signs",),
    "repeat_plaintiff": ("civil.repeat_plaintiff_basic",),
}


class TruthError(ValueError):
    """A truth file line is not a valid instance."""


@dataclass(frozen=True, slots=True)
class TruthInstance:
    pattern: str
    instance_id: str
    subject_name: str | None
    subject_key: str | None
    positive: bool
    strength: str | None
    documents: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    names_as_written: tuple[str, ...] = ()
    doc_ids: frozenset[str] = frozenset()


@dataclass(slots=True)
class InstanceResult:
    instance_id: str
    positive: bool
    strength: str | None
    subject_name: str | None
    found: bool
    rank: int | None
    score: float | None
    band: str | None
    clue_id: str | None


@dataclass(slots=True)
class PatternResult:
    pattern: str
    models: list[str]
    positives: int
    found: int
    near_misses: int
    near_misses_flagged: int
    clues: int
    true_clues: int
    recall: float | None
    precision: float | None
    instances: list[InstanceResult] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def read_truth(path: Path) -> list[TruthInstance]:
    out: list[TruthInstance] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                subject = data.get("subject") or {}
                models = data.get("models") or ()
                documents = data.get("documents") or ()
                out.append(
                    TruthInstance(
                        pattern=str(data["pattern"]),
                        instance_id=str(data["instance_id"]),
                        subject_name=subject.get("name"),
                        subject_key=subject.get("key"),
                        positive=bool(data["positive"]),
                        strength=data.get("strength"),
                        documents=tuple(documents),
                        models=tuple(str(m) for m in models),
                        names_as_written=tuple(str(n) for n in subject.get("names_as_written") or ()),
                        doc_ids=frozenset(
                            str(d["doc_id"]) for d in documents if isinstance(d, dict) and d.get("doc_id")
                        ),
                    )
                )
            except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
                raise TruthError(
                    f"{path}:{number}: not a truth instance ({type(exc).__name__}: {exc})"
                ) from None
    return out


def _norm(name: str | None) -> str | None:
    if name is None:
        return None
    return "".join(name.split()).replace("(", "（").replace(")", "）") or None


def _matches(clue: Mapping[str, Any], inst: TruthInstance) -> bool:
    subject = clue["subject"]
    if inst.subject_key and subject.get("key") == inst.subject_key:
        return True
    name = _norm(inst.subject_name)
    if name is not None and _norm(subject.get("name")) == name:
        return True
    written = _norm(subject.get("name"))
    if not inst.doc_ids or written is None or written not in {_norm(n) for n in inst.names_as_written}:
        return False
    cited = {e.get("doc_id") for e in clue.get("evidence") or ()}
    return inst.doc_ids <= cited


def _pattern_models(
    instances: Sequence[TruthInstance], mapping: Mapping[str, Sequence[str]] | None
) -> list[str]:
    """The models whose clues are measured against instances of one pattern: those the truth
    names, else the mapping's (default: `DEFAULT_PATTERN_MODELS`)."""
    declared = sorted({m for i in instances for m in i.models})
    if declared:
        return declared
    table = {**DEFAULT_PATTERN_MODELS, **{k: tuple(v) for k, v in (mapping or {}).items()}}
    return list(table.get(instances[0].pattern, ())) if instances else []


def models_to_measure(
    truth: Sequence[TruthInstance], mapping: Mapping[str, Sequence[str]] | None = None
) -> list[str]:
    """Every model `evaluate` reads clues of, for this truth: the only clues worth loading."""
    groups = _by_pattern(truth).values()
    return sorted({m for group in groups for m in _pattern_models(group, mapping)})


def _by_pattern(truth: Iterable[TruthInstance]) -> dict[str, list[TruthInstance]]:
    """The instances of each pattern, patterns in order of first appearance."""
    by_pattern: dict[str, list[TruthInstance]] = {}
    for inst in truth:
        by_pattern.setdefault(inst.pattern, []).append(inst)
    return by_pattern


def evaluate(
    clues: Sequence[Mapping[str, Any]],
    truth: Iterable[TruthInstance],
    mapping: Mapping[str, Sequence[str]] | None = None,
) -> list[PatternResult]:
    """One result per pattern in the truth, in order of first appearance."""
    results = []
    for pattern, instances in _by_pattern(truth).items():
        models = _pattern_models(instances, mapping)
        ranked = sorted(
            (c for c in clues if c["model_id"] in models),
            key=lambda c: (-float(c["score"]), c["model_id"], c["subject"]["key"] or ""),
        )
        inst_results = []
        true_ids: set[str] = set()
        for inst in instances:
            hit = next(((pos, c) for pos, c in enumerate(ranked, 1) if _matches(c, inst)), None)
            if hit and inst.positive:
                true_ids.add(hit[1]["clue_id"])
                true_ids.update(c["clue_id"] for c in ranked if _matches(c, inst))
            inst_results.append(
                InstanceResult(
                    inst.instance_id,
                    inst.positive,
                    inst.strength,
                    inst.subject_name,
                    hit is not None,
                    hit[0] if hit else None,
                    float(hit[1]["score"]) if hit else None,
                    hit[1]["band"] if hit else None,
                    hit[1]["clue_id"] if hit else None,
                )
            )
        positives = [r for r in inst_results if r.positive]
        negatives = [r for r in inst_results if not r.positive]
        found = sum(r.found for r in positives)
        results.append(
            PatternResult(
                pattern=pattern,
                models=models,
                positives=len(positives),
                found=found,
                near_misses=len(negatives),
                near_misses_flagged=sum(r.found for r in negatives),
                clues=len(ranked),
                true_clues=len(true_ids),
                recall=found / len(positives) if positives else None,
                precision=len(true_ids) / len(ranked) if ranked else None,
                instances=inst_results,
            )
        )
    return results


def parse_mapping(items: Sequence[str]) -> dict[str, list[str]]:
    """``pattern=model[,model]`` items from the command line."""
    out: dict[str, list[str]] = {}
    for item in items:
        pattern, sep, models = item.partition("=")
        if not sep or not pattern or not models:
            raise ValueError(f"--map {item!r}: use pattern=model_id[,model_id]")
        out.setdefault(pattern.strip(), []).extend(m.strip() for m in models.split(",") if m.strip())
    return out
