"""Pairwise precision and recall of entity resolution against a labelled set.

The synthetic county's ``index.jsonl`` lists, for every document, its parties in order with
their true key (ID number or credit code). A party mention of the store is labelled with the
key of the party at the same position in the same document, when the names as written agree.

Precision = pairs of mentions put in one entity that truly are one entity / pairs put in one
entity; recall = pairs truly one entity that were put in one entity / pairs truly one entity.
Pairs are counted over labelled party mentions of documents and split by kind: organisations,
persons where both names are full, and persons where at least one name is masked.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from jiandu.engines.base import Engine
from jiandu.entities.names import normalize_name

CATEGORIES = ("organization", "person_full", "person_masked", "all")


@dataclass(frozen=True, slots=True)
class PairScore:
    category: str
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0


def load_truth(index_path: Path) -> dict[tuple[str, str], str]:
    """(doc_id, normalised name as written + '#' + position) → true key, from index.jsonl."""
    truth: dict[tuple[str, str], str] = {}
    with index_path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record.get("damage") or not record.get("doc_id"):
                continue
            for idx, party in enumerate(record.get("parties") or []):
                if party.get("key"):
                    slot = f"{normalize_name(party['name'])}#{idx}"
                    truth[(record["doc_id"], slot)] = party["key"]
    return truth


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _category_pairs(groups: Iterable[Counter[str]]) -> Counter[str]:
    """Pairs within groups, by category (counts of each mention kind per group)."""
    out: Counter[str] = Counter()
    for group in groups:
        org, full, masked = group["organization"], group["person_full"], group["person_masked"]
        out["organization"] += _pairs(org)
        out["person_full"] += _pairs(full)
        out["person_masked"] += _pairs(full + masked) - _pairs(full)
        out["all"] += _pairs(org + full + masked)
    return out


def pairwise_scores(engine: Engine, truth: dict[tuple[str, str], str]) -> list[PairScore]:
    """Precision and recall of the store's party_entities against `truth`."""
    rows = engine.query(
        "SELECT m.doc_id, m.party_idx, m.normalized_name, m.kind, m.masked, m.entity_id "
        "FROM entity_mentions AS m WHERE m.source = 'parties'"
    ).to_pylist()
    predicted: dict[str, Counter[str]] = {}
    actual: dict[str, Counter[str]] = {}
    both: dict[tuple[str, str], Counter[str]] = {}
    for row in rows:
        key = truth.get((row["doc_id"], f"{row['normalized_name']}#{row['party_idx']}"))
        if key is None:
            continue
        if row["kind"] == "organization":
            category = "organization"
        else:
            category = "person_masked" if row["masked"] else "person_full"
        predicted.setdefault(row["entity_id"], Counter())[category] += 1
        actual.setdefault(key, Counter())[category] += 1
        both.setdefault((row["entity_id"], key), Counter())[category] += 1
    p, t, c = (_category_pairs(g.values()) for g in (predicted, actual, both))
    return [PairScore(cat, t[cat], p[cat], c[cat]) for cat in CATEGORIES]


def format_scores(scores: list[PairScore]) -> str:
    lines = [f"{'category':<15}{'true pairs':>12}{'predicted':>12}{'correct':>12}"
             f"{'precision':>11}{'recall':>9}"]
    for s in scores:
        lines.append(f"{s.category:<15}{s.true_pairs:>12}{s.predicted_pairs:>12}"
                     f"{s.correct_pairs:>12}{s.precision:>11.4f}{s.recall:>9.4f}")
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class SameNameCheck:
    """Pairs of person mentions in different documents that write the same name, and how many
    of them resolution put in one entity."""

    masked: bool
    pairs: int
    merged: int
    examples: tuple[str, ...]


def same_name_pairs(engine: Engine) -> list[SameNameCheck]:
    """Same-name pairs across documents, for masked and for full names.

    On unrelated real documents (the shared real set: CAIL fragments whose persons are renamed
    李某1 per document, separate criminal cases) a masked name says nothing about identity, so
    every merged masked pair is an error; merged full-name pairs are listed for reading.
    """
    rows = engine.query(
        "SELECT doc_id, normalized_name, masked, entity_id FROM entity_mentions "
        "WHERE source = 'parties' AND kind = 'person'"
    ).to_pylist()
    out = []
    for masked in (True, False):
        by_name: dict[str, Counter[str]] = {}
        by_name_entity: dict[tuple[str, str], Counter[str]] = {}
        for r in rows:
            if bool(r["masked"]) != masked:
                continue
            by_name.setdefault(r["normalized_name"], Counter())[r["doc_id"]] += 1
            by_name_entity.setdefault((r["normalized_name"], r["entity_id"]), Counter())[
                r["doc_id"]] += 1

        def cross(docs: Counter[str]) -> int:
            total = sum(docs.values())
            return _pairs(total) - sum(_pairs(n) for n in docs.values())

        pairs = sum(cross(d) for d in by_name.values())
        merged_names = [(name, cross(d)) for (name, _), d in by_name_entity.items() if cross(d)]
        merged = sum(n for _, n in merged_names)
        examples = tuple(sorted({name for name, _ in merged_names}))[:20]
        out.append(SameNameCheck(masked, pairs, merged, examples))
    return out


@dataclass(frozen=True, slots=True)
class NamesakeScore:
    """Labelled full-name person mentions of different people with the same name."""

    pairs: int  # mention pairs: same written name, different true people
    merged: int  # of those, put in one entity (false merges)
    people: int  # true people who share their name with another labelled person

    @property
    def merge_rate(self) -> float:
        return self.merged / self.pairs if self.pairs else 0.0


def namesake_scores(engine: Engine, truth: dict[tuple[str, str], str]) -> NamesakeScore:
    """How often namesakes (same full name, different people) were merged."""
    rows = engine.query(
        "SELECT doc_id, party_idx, normalized_name, entity_id FROM entity_mentions "
        "WHERE source = 'parties' AND kind = 'person' AND NOT masked"
    ).to_pylist()
    by_name: dict[str, Counter[str]] = {}
    by_entity: dict[tuple[str, str], Counter[str]] = {}
    for row in rows:
        key = truth.get((row["doc_id"], f"{row['normalized_name']}#{row['party_idx']}"))
        if key is None:
            continue
        by_name.setdefault(row["normalized_name"], Counter())[key] += 1
        by_entity.setdefault((row["normalized_name"], row["entity_id"]), Counter())[key] += 1

    def different(keys: Counter[str]) -> int:
        return _pairs(sum(keys.values())) - sum(_pairs(n) for n in keys.values())

    return NamesakeScore(
        pairs=sum(different(k) for k in by_name.values()),
        merged=sum(different(k) for k in by_entity.values()),
        people=sum(len(k) for k in by_name.values() if len(k) > 1),
    )
