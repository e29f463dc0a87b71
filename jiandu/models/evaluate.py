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
Recall and precision carry a 95% Wilson score interval (`wilson`): with a handful of planted
instances a point figure of 1.000 says little, the interval says how little.
A clue is about an instance when its subject key equals the instance's key, or else when the
names are equal after removing spaces (so masked names only match themselves), or else — for a
party printed only masked in every document (张××), whom entity resolution can key but never
name — when the clue's subject name is one of the instance's names as written and the clue's
evidence cites every document of the instance (``documents`` of the truth line, by ``doc_id``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

Interval = tuple[float, float]

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
    recall_ci: Interval | None = None  # 95% Wilson score interval
    precision_ci: Interval | None = None

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
                recall_ci=wilson(found, len(positives)),
                precision_ci=wilson(len(true_ids), len(ranked)),
            )
        )
    return results


def wilson(successes: int, trials: int, z: float = 1.959964) -> Interval | None:
    """The Wilson score interval of a proportion (95% by default); None without trials."""
    if trials <= 0:
        return None
    p = successes / trials
    denom = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denom
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def band_row(
    band: str,
    planted: Collection[str | None],
    found: int,
    pushed: Sequence[Mapping[str, Any]],
    model: str | None = None,
) -> dict[str, Any]:
    """One row of a per-band figure table: ``found`` of the ``planted`` subject keys were found
    (recall); of the ``pushed`` clues, those whose subject key is planted are true (precision);
    each with its Wilson interval. ``model``, when given, leads the row."""
    true = sum(1 for c in pushed if c["subject"]["key"] in planted)
    head = {} if model is None else {"model": model}
    return head | {
        "band": band,
        "planted": len(planted),
        "found": found,
        "recall": found / len(planted) if planted else None,
        "recall_ci": wilson(found, len(planted)),
        "clues": len(pushed),
        "true_clues": true,
        "precision": true / len(pushed) if pushed else None,
        "precision_ci": wilson(true, len(pushed)),
    }


def band_cells(row: Mapping[str, Any]) -> tuple[str, str]:
    """A `band_row` as two table cells: recall and precision, ``0.750 (3/4) [0.301, 0.954]``
    (an em dash without trials)."""
    return (
        _rate_text(row["recall"], row["recall_ci"], row["found"], row["planted"]),
        _rate_text(row["precision"], row["precision_ci"], row["true_clues"], row["clues"]),
    )


def _rate_text(value: float | None, ci: Interval | None, k: int, n: int) -> str:
    if value is None or ci is None:
        return "—"
    return f"{value:.3f} ({k}/{n}) [{ci[0]:.3f}, {ci[1]:.3f}]"


# --- the synthetic county and its planted risk signs ---------------------------------------


@dataclass(frozen=True, slots=True)
class CountyInfo:
    """What generated the county a truth file belongs to (its ``manifest.json``)."""

    generator_version: str | None
    seed: int | None
    documents: int | None
    frozen: bool  # the frozen evaluation county of the running generator version
    manifest: str


def county_info(truth_path: Path) -> CountyInfo | None:
    """The manifest beside ``truth_path``, when it is a synthetic county's truth file."""
    manifest = truth_path.parent / "manifest.json"
    if not manifest.is_file():
        return None
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("generator") != "jiandu.synth":
        return None
    from jiandu.synth import EVALUATION_DOCUMENTS, EVALUATION_SEED, GENERATOR_VERSION

    version = data.get("generator_version")
    seed, documents = data.get("seed"), data.get("documents")
    frozen = (version, seed, documents) == (GENERATOR_VERSION, EVALUATION_SEED, EVALUATION_DOCUMENTS)
    return CountyInfo(version, seed, documents, frozen, str(manifest))


@dataclass(slots=True)
class SignFigure:
    """A detector against the signs planted in a synthetic county, one risk sign.

    Per document: a true positive when the sign was planted and detected, a false positive
    when detected but not planted, a miss when planted and not detected. Near misses: documents
    holding a near-miss phrasing of the sign and not the sign, and how many of them the detector
    flagged. Per variant (with texts): a planted fragment is found when a detected span of the
    sign overlaps it."""

    code: str
    documents: int
    planted: int
    detected: int
    tp: int
    fp: int
    fn: int
    near_misses: int
    near_flagged: int
    recall: float | None
    precision: float | None
    recall_ci: Interval | None
    precision_ci: Interval | None
    near_flag_rate_ci: Interval | None
    variants: dict[str, list[int]] = field(default_factory=dict)  # variant -> [found, planted]
    near_variants: dict[str, list[int]] = field(default_factory=dict)  # variant -> [flagged, n]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def read_index(path: Path) -> list[dict[str, Any]]:
    """The undamaged rows of a county's ``index.jsonl`` that carry a doc id."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                if not row.get("damage") and row.get("doc_id"):
                    rows.append(row)
    return rows


def _overlaps(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def sign_figures(
    rows: Iterable[Mapping[str, Any]],
    detected: Mapping[str, Sequence[tuple[str, int, int]]],
    codes: Sequence[str],
    texts: Mapping[str, str] | None = None,
) -> list[SignFigure]:
    """Per-sign figures over the index ``rows`` whose doc id is in ``detected`` (every stored
    document, with its detected ``(code, start, end)``, possibly none). ``texts`` (doc id ->
    text the spans index) adds the per-variant figures."""
    figs = {c: SignFigure(c, 0, 0, 0, 0, 0, 0, 0, 0, None, None, None, None, None) for c in codes}
    for row in rows:
        doc_id = row["doc_id"]
        if doc_id not in detected:
            continue
        found = detected[doc_id]
        got = {c for c, _, _ in found}
        planted = {x["code"] for x in row.get("signs") or ()}
        near = {x["code"] for x in row.get("sign_near_misses") or ()} - planted
        text = texts.get(doc_id) if texts is not None else None
        for code, f in figs.items():
            f.documents += 1
            f.planted += code in planted
            f.detected += code in got
            f.tp += code in planted and code in got
            f.fp += code in got and code not in planted
            f.fn += code in planted and code not in got
            f.near_misses += code in near
            f.near_flagged += code in near and code in got
        if text is None:
            continue
        for key, entries, only in (
            ("variants", row.get("signs"), None),
            ("near_variants", row.get("sign_near_misses"), near),
        ):
            for x in entries or ():
                code = x["code"]
                if code not in figs or (only is not None and code not in only):
                    continue
                at = text.find(x["text"])
                if at < 0:
                    continue
                spans = [(s, e) for c, s, e in found if c == code]
                tally = getattr(figs[code], key).setdefault(x["variant"], [0, 0])
                tally[0] += _overlaps(spans, at, at + len(x["text"]))
                tally[1] += 1
    for f in figs.values():
        f.recall = f.tp / f.planted if f.planted else None
        f.precision = f.tp / f.detected if f.detected else None
        f.recall_ci = wilson(f.tp, f.planted)
        f.precision_ci = wilson(f.tp, f.detected)
        f.near_flag_rate_ci = wilson(f.near_flagged, f.near_misses)
        f.variants = dict(sorted(f.variants.items(), key=lambda kv: _variant_key(kv[0])))
        f.near_variants = dict(sorted(f.near_variants.items(), key=lambda kv: _variant_key(kv[0])))
    return [figs[c] for c in codes]


def _variant_key(variant: str) -> tuple[str, int]:
    head, _, tail = variant.rpartition(".")
    return (head, int(tail)) if tail.isdigit() else (variant, -1)


def parse_mapping(items: Sequence[str]) -> dict[str, list[str]]:
    """``pattern=model[,model]`` items from the command line."""
    out: dict[str, list[str]] = {}
    for item in items:
        pattern, sep, models = item.partition("=")
        if not sep or not pattern or not models:
            raise ValueError(f"--map {item!r}: use pattern=model_id[,model_id]")
        out.setdefault(pattern.strip(), []).extend(m.strip() for m in models.split(",") if m.strip())
    return out
