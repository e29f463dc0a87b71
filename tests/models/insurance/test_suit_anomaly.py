"""insurance.suit_anomaly end to end on DuckDB and Spark: planted insurance suits rendered as
judgments and ingested as text, the insurer's claims and the repair-shop register through the
declared sources, the document facts (civil domain's document_mentions) and the shop-name
matching built by the registry's operators.

Planted (jiandu/models/insurance/patterns/suits.py)
  strong  ten suits through one lawyer, one shop (written differently in the judgments and the
          claims), losses 2–3 times the insurer's assessment, valued unilaterally → red, for the
          lawyer and for the shop
  medium  six such suits at 1.6–1.9 times → a clue for the lawyer and for the shop
Near miss
  a lawyer with twelve ordinary suits at six shops, claims within 10% of the insurer's
  assessment → no clue
"""

from __future__ import annotations

import random
from pathlib import Path

from jiandu.engines.base import Engine
from jiandu.ingest.pipeline import ingest_judgments
from jiandu.ingest.registers import ingest_registers
from jiandu.models.clues import load_clues
from jiandu.models.insurance.patterns import suits
from jiandu.models.library import Library
from jiandu.models.operators import operators_for, update_derived
from jiandu.models.runner import run_model
from jiandu.schema.derived import derived_table
from jiandu.synth.county import County
from jiandu.synth.render import render

MODEL = "insurance.suit_anomaly"


def _county(tmp: Path) -> tuple[Path, Path, dict[str, str]]:
    county = County(11, 2000)
    instances = suits.plan(county, random.Random(11), 0)
    docs = tmp / "documents"
    docs.mkdir()
    rng = random.Random(5)
    specs = {id(s): s for inst in instances for s in inst.specs}
    for n, spec in enumerate(specs.values()):
        rendered = render(spec, rng, county.staff[spec.court.key])
        (docs / f"{n:04d}.txt").write_text(rendered.text, encoding="utf-8")
    suits.write(tmp / "registers", county, instances)
    keys = {inst.instance_id.split("-", 2)[2]: inst.subject.key for inst in instances}
    return docs, tmp / "registers", keys


def test_lawyer_and_shop_found_ordinary_lawyer_not(engine: Engine, tmp_path: Path) -> None:
    docs, registers, keys = _county(tmp_path)
    report = ingest_judgments(engine, tmp_path / "quarantine", [docs], workers=1)
    assert (report.parsed, report.quarantined) == (28, 0)
    loaded = ingest_registers(engine, tmp_path / "quarantine", [registers])
    assert loaded.quarantined["motor_claims"] == 0 and loaded.loaded["motor_claims"] == 28
    spec = Library().get(MODEL)
    engine.ensure_tables([derived_table(t) for t in ("clues", "clue_evidence", "model_runs")])
    update_derived(engine, run_id="test", operators=operators_for(spec.inputs))
    # the judgments write the planted shops another way than the register: matched, not exact
    methods = engine.rows(
        "SELECT method, count(*) AS n FROM insurance_shop_names WHERE source = 'judgments' GROUP BY method"
    )
    assert {r["method"] for r in methods} <= {"exact", "normalized", "fuzzy"}
    assert any(r["method"] != "exact" for r in methods)
    result = run_model(engine, spec, spec.resolve({}), run_id="test")
    assert result.status == "ok", result.message
    clues = {c["subject"]["key"]: c for c in load_clues(engine) if c["model_id"] == MODEL}
    assert set(clues) == {
        keys["strong-lawyer"],
        keys["strong-shop"],
        keys["medium-lawyer"],
        keys["medium-shop"],
    }
    assert clues[keys["strong-lawyer"]]["band"] == "red"
    assert clues[keys["strong-shop"]]["band"] == "red"
    assert keys["nm-ordinary-lawyer"] not in clues
    shop = clues[keys["strong-shop"]]
    assert "涉及财产保险合同纠纷10件" in shop["explanation"]
    sources = {e["source"] for e in shop["evidence"]}
    assert {"document_mentions", "agents", "insurance_claims_current"} <= sources


def test_a_batch_of_judgments_leaves_the_ring_graph(engine: Engine, tmp_path: Path) -> None:
    """The judgments' shop names change with every batch; the claims' names (matched apart,
    `insurance_claim_shop_names`) do not, so the ring graph built on them stays up to date."""
    docs, registers, _ = _county(tmp_path)
    halves = [tmp_path / "first", tmp_path / "later"]
    for half in halves:
        half.mkdir()
    for n, path in enumerate(sorted(docs.iterdir())):
        path.rename(halves[n % 2] / path.name)
    ingest_judgments(engine, tmp_path / "quarantine", [halves[0]], workers=1, run_id="ingest-1")
    ingest_registers(engine, tmp_path / "quarantine", [registers])
    engine.ensure_tables([derived_table("model_runs")])
    operators = operators_for(["insurance_shop_names", "insurance_claims_current"])
    assert {r.status for r in update_derived(engine, run_id="m1", operators=operators)} == {"built"}
    count = "SELECT source, sum(occurrences) AS n FROM insurance_shop_names GROUP BY source"
    before = {r["source"]: r["n"] for r in engine.rows(count)}
    claims = engine.rows("SELECT * FROM insurance_claim_shop_names ORDER BY name")
    ingest_judgments(engine, tmp_path / "quarantine", [halves[1]], workers=1, run_id="ingest-2")
    status = {r.name: r for r in update_derived(engine, run_id="m2", operators=operators)}
    assert status["insurance_shop_names"].status == "built", status["insurance_shop_names"]
    assert "输出未变" not in status["insurance_shop_names"].message
    assert status["insurance_claim_shop_names"].status == "up_to_date"
    assert status["insurance_rings"].status == "up_to_date"
    after = {r["source"]: r["n"] for r in engine.rows(count)}
    assert after["claims"] == before["claims"] and after["judgments"] > before["judgments"]
    assert engine.rows("SELECT * FROM insurance_claim_shop_names ORDER BY name") == claims
    copied = "SELECT * FROM insurance_shop_names WHERE source = 'claims' ORDER BY name"
    assert engine.rows(copied) == claims
