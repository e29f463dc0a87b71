"""A synthetic county with planted truth.

``generate(out_dir, seed, documents)`` writes a believable Shaoxing (浙江省绍兴市): court
documents (txt, html, jsonl; some GB18030; a few damaged), agency registers (CSV), the truth
about planted patterns (``truth.jsonl``), a per-record ``index.jsonl`` and ``manifest.json``.
Same seed and size give byte-identical output. Documents are generated and written one at a
time, so memory stays bounded; only the population and the planted cases are held.
See docs/synth.md for the layout and schemas.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import damage
from .background import Background
from .cases import CaseSpec
from .county import County
from .patterns import Instance, declared_patterns
from .registers import write_registers
from .render import Rendered, render
from .rng import stream
from .truth import Truth
from .writer import DocumentWriter

SCHEMA_VERSION = 2  # 2: index rows carry ``signs`` and ``sign_near_misses``
# Version of what the generator writes (text, phrasing pools, planted patterns). Bump it when
# the same seed would give different documents; `jiandu evaluate` prints it with the seed.
GENERATOR_VERSION = "4.0.0"  # 4: the land, water and social domains plant register files too
# The frozen evaluation county: `jiandu synth C --seed 20261 --documents 20000` with this
# generator version. Synthetic figures are compared only between runs on this county.
EVALUATION_SEED = 20261
EVALUATION_DOCUMENTS = 20_000
PLANTED_SHARE = 0.4  # planted documents may use at most this share of the requested count
DAMAGE_RATE = 0.005

__all__ = [
    "EVALUATION_DOCUMENTS",
    "EVALUATION_SEED",
    "GENERATOR_VERSION",
    "SCHEMA_VERSION",
    "SynthDocument",
    "SynthSummary",
    "generate",
    "iter_documents",
]


@dataclass
class SynthSummary:
    out_dir: Path
    seed: int
    documents: int
    by_doc_type: dict[str, int] = field(default_factory=dict)
    by_cause: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    by_format: dict[str, int] = field(default_factory=dict)
    by_encoding: dict[str, int] = field(default_factory=dict)
    damaged: dict[str, int] = field(default_factory=dict)
    planted_documents: int = 0
    patterns: dict[str, dict[str, int]] = field(default_factory=dict)
    skipped_instances: list[str] = field(default_factory=list)
    registers: dict[str, int] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass(slots=True)
class SynthDocument:
    """One record of the stream: either a rendered case or a damaged record."""

    seq: int
    spec: CaseSpec | None
    rendered: Rendered | None
    damage: str | None = None


def _plan(county: County, budget: int) -> tuple[list[Instance], list[str]]:
    rng = stream(county.seed, "patterns")
    accepted: list[Instance] = []
    skipped: list[str] = []
    used = 0
    for copy in range(county.scale):
        for pattern in declared_patterns():
            mark = county.regs.mark()
            instances = pattern.plan(county, rng, copy)
            n = len({id(s) for inst in instances for s in inst.specs})
            if used + n > budget:
                county.regs.rollback(mark)
                skipped += [i.instance_id for i in instances]
                continue
            used += n
            if pattern.views is not None:
                instances = instances + pattern.views(instances)
            accepted += instances
    for inst in accepted:
        inst.tag()
    order = {p.name: i for i, p in enumerate(declared_patterns())}
    accepted.sort(key=lambda i: (order[i.pattern], i.instance_id))
    return accepted, skipped


def _plan_stream(
    county: County, documents: int
) -> tuple[list[Instance], list[str], dict[int, CaseSpec], dict[int, str]]:
    instances, skipped = _plan(county, int(documents * PLANTED_SHARE))
    seen: set[int] = set()
    planted: list[CaseSpec] = []
    for inst in instances:
        for s in inst.specs:
            if id(s) not in seen:
                seen.add(id(s))
                planted.append(s)
    rng = stream(county.seed, "stream")
    # keep each execution ruling after its basis: order by decision date, then shuffle slots
    planted.sort(key=lambda s: (s.decided, s.case_number))
    slots = sorted(rng.sample(range(documents), len(planted)))
    by_slot = dict(zip(slots, planted, strict=True))
    free = documents - len(planted)
    n_damage = min(free, max(8, int(documents * DAMAGE_RATE))) if documents >= 100 else 0
    damage_slots: dict[int, str] = {}
    if n_damage:
        candidates = rng.sample(range(documents), min(documents, n_damage * 3 + len(planted)))
        picks = [i for i in candidates if i not in by_slot][:n_damage]
        kinds = [
            "truncated",
            "undecodable",
            "binary",
            "empty",
            "not_judgment",
            "bad_json",
            "missing_field",
        ]
        for j, i in enumerate(sorted(picks)):
            damage_slots[i] = kinds[j % len(kinds)] if j < len(kinds) else rng.choice(kinds)
    return instances, skipped, by_slot, damage_slots


def iter_documents(
    county: County, documents: int, by_slot: dict[int, CaseSpec], damage_slots: dict[int, str]
) -> Iterator[SynthDocument]:
    """The document stream: planted cases at their slots, damage at its slots, honest
    background everywhere else."""
    rrng = stream(county.seed, "render")
    bg = Background(county).cases()
    for seq in range(documents):
        spec = by_slot.get(seq)
        kind = damage_slots.get(seq)
        if spec is None:
            spec = next(bg)
        rendered = render(spec, rrng, county.staff[spec.court.key])
        yield SynthDocument(seq, spec, rendered, kind)


def _doc_id_fn() -> Callable[[str], str] | None:
    try:
        from jiandu.documents import document_id
    except ImportError:
        return None
    fn: Callable[[str], str] = document_id
    return fn


def _index_fields(exp: dict[str, Any]) -> dict[str, Any]:
    keep = (
        "doc_type",
        "case_category",
        "case_number",
        "court",
        "court_code",
        "cause",
        "title",
        "filing_date",
        "judgment_date",
        "procedure_track",
        "parties",
        "agents",
        "legal_representatives",
        "judges",
        "clerks",
        "claimed_principal",
        "defendant_absent",
        "public_notice_service",
        "mediation",
        "withdrawal",
        "cash_delivery",
        "terminated_execution",
        "execution_basis",
        "mentions",
        "signs",
        "sign_near_misses",
        "masking",
        "layout",
    )
    return {k: exp.get(k) for k in keep}


def generate(
    out_dir: Path, seed: int, documents: int, progress: Callable[[int], None] | None = None
) -> SynthSummary:
    """Write a synthetic county of ``documents`` records under ``out_dir``."""
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    _prepare(out_dir)
    county = County(seed, documents)
    instances, skipped, by_slot, damage_slots = _plan_stream(county, documents)
    truth = Truth(instances)
    writer = DocumentWriter(out_dir, stream(seed, "writer"), _doc_id_fn())
    drng = stream(seed, "damage")
    summary = SynthSummary(out_dir=out_dir, seed=seed, documents=documents, skipped_instances=skipped)
    for doc in iter_documents(county, documents, by_slot, damage_slots):
        assert doc.spec is not None and doc.rendered is not None
        spec, r = doc.spec, doc.rendered
        if doc.damage is not None:
            _write_damaged(writer, drng, doc, summary)
        else:
            fmt = writer.pick_format()
            placed, visible = writer.write_document(r.text, r.title, r.lines, r.style.title_line, fmt)
            exp = r.expected
            if fmt == "html":
                exp["title"] = r.title
            ref: dict[str, Any] = {"file": placed.file, "record": placed.uid}
            if placed.line is not None:
                ref["line"] = placed.line
            if writer.doc_id is not None:
                ref["doc_id"] = writer.doc_id(visible)
            rec = {
                "seq": doc.seq,
                "format": placed.format,
                "encoding": placed.encoding,
                "damage": None,
                "planted": list(spec.tags),
                **ref,
                **_index_fields(exp),
            }
            writer.index(rec)
            if spec.tags:
                truth.attach(spec, exp, ref)
                summary.planted_documents += 1
            dt_ = exp.get("doc_type") or "unknown"
            summary.by_doc_type[dt_] = summary.by_doc_type.get(dt_, 0) + 1
            summary.by_cause[spec.cause] = summary.by_cause.get(spec.cause, 0) + 1
            summary.by_kind[spec.kind] = summary.by_kind.get(spec.kind, 0) + 1
        if progress is not None and (doc.seq + 1) % 1000 == 0:
            progress(doc.seq + 1)
    writer.close()
    if progress is not None and documents % 1000:
        progress(documents)
    summary.registers = write_registers(out_dir / "registers", county.regs, county.pop, county.orgs)
    for pattern in declared_patterns():  # a domain's own register files, in its export layouts
        if pattern.registers is not None:
            mine = [i for i in instances if i.pattern == pattern.name]
            for table, rows in pattern.registers(out_dir / "registers", county, mine).items():
                # several domains may write files of one table (e.g. 失信 records): rows add up
                summary.registers[table] = summary.registers.get(table, 0) + rows
    truth.write(out_dir / "truth.jsonl")
    for inst in instances:
        p = summary.patterns.setdefault(inst.pattern, {"positive": 0, "negative": 0, "documents": 0})
        p["positive" if inst.positive else "negative"] += 1
        p["documents"] += len(truth.documents_of(inst.instance_id))
    summary.by_format = dict(sorted(writer.stats.by_format.items()))
    summary.by_encoding = dict(sorted(writer.stats.by_encoding.items()))
    summary.paths = {
        "documents": out_dir / "documents",
        "registers": out_dir / "registers",
        "truth": out_dir / "truth.jsonl",
        "index": out_dir / "index.jsonl",
        "manifest": out_dir / "manifest.json",
    }
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "generator": "jiandu.synth",
        "generator_version": GENERATOR_VERSION,
        "evaluation_county": seed == EVALUATION_SEED and documents == EVALUATION_DOCUMENTS,
        "region": "浙江省绍兴市",
        "seed": seed,
        "documents": documents,
        "population": len(county.pop.people),
        "organizations": len(county.orgs.all),
        "planted_documents": summary.planted_documents,
        "by_doc_type": dict(sorted(summary.by_doc_type.items())),
        "by_cause": dict(sorted(summary.by_cause.items())),
        "by_kind": dict(sorted(summary.by_kind.items())),
        "by_format": summary.by_format,
        "by_encoding": summary.by_encoding,
        "bytes_by_format": dict(sorted(writer.stats.bytes_by_format.items())),
        "damaged": dict(sorted(summary.damaged.items())),
        "patterns": summary.patterns,
        "skipped_instances": skipped,
        "registers": summary.registers,
        "doc_ids": writer.doc_id is not None,
    }
    (out_dir / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    summary.seconds = time.perf_counter() - t0
    return summary


_OUTPUTS = ("documents", "registers", "truth.jsonl", "index.jsonl", "manifest.json")


def _prepare(out_dir: Path) -> None:
    """Make ``out_dir`` ready. A previous county there (recognised by its manifest) is
    replaced, so no stale shard survives; anything else in the way is refused."""
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = out_dir / "manifest.json"
    previous = False
    if manifest.exists():
        try:
            previous = json.loads(manifest.read_text(encoding="utf-8")).get("generator") == "jiandu.synth"
        except (ValueError, OSError):
            previous = False
    present = [name for name in _OUTPUTS if (out_dir / name).exists()]
    if present and not previous:
        raise FileExistsError(f"{out_dir} already holds {', '.join(present)} not written by jiandu.synth")
    for name in present:
        path = out_dir / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def _write_damaged(writer: DocumentWriter, rng: Any, doc: SynthDocument, summary: SynthSummary) -> None:
    assert doc.rendered is not None and doc.spec is not None
    kind = doc.damage or "truncated"
    text = doc.rendered.text
    if kind in ("bad_json", "missing_field"):
        uid = writer.uid()
        line = (
            damage.bad_json_line(rng, uid, text)
            if kind == "bad_json"
            else damage.missing_field_line(uid, text)
        )
        placed = writer.write_raw("jsonl", line, "utf-8")
    elif kind == "truncated":
        fmt = "jsonl" if rng.random() < 0.5 else "txt"
        cut = damage.truncate(rng, text)
        if fmt == "jsonl":
            placed = writer.write_raw(
                "jsonl", json.dumps({"id": writer.uid(), "text": cut}, ensure_ascii=False), "utf-8"
            )
        else:
            placed = writer.write_raw("txt", cut.encode("utf-8"), "utf-8")
    elif kind == "not_judgment":
        body = damage.not_judgment_text(rng, doc.spec.court.name, doc.spec.decided.year)
        placed = writer.write_raw("txt", body.encode("utf-8"), "utf-8")
    elif kind == "undecodable":
        placed = writer.write_raw("txt", damage.undecodable_bytes(rng, text), "mixed")
    elif kind == "binary":
        placed = writer.write_raw("txt", damage.binary_bytes(rng), "binary")
    else:
        placed = writer.write_raw("txt", b"", "empty")
    rec = {
        "seq": doc.seq,
        "format": placed.format,
        "encoding": placed.encoding,
        "damage": kind,
        "planted": [],
        "file": placed.file,
        "record": placed.uid,
    }
    if placed.line is not None:
        rec["line"] = placed.line
    writer.index(rec)
    summary.damaged[kind] = summary.damaged.get(kind, 0) + 1
