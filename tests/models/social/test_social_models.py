"""The three social models on the planted county, through the declared sources, on DuckDB and
Spark.

The patterns (jiandu/models/social/patterns/social.py) write the agencies' exports: pensions in
two half-year files overlapping by June (UTF-8 with BOM and GB18030, 15-digit numbers), 民政,
卫健 (GB18030) and 公安 death records with a late correction, the prison roster and accounts,
court sentences (GB18030), the correction register, leave, exit-entry records and documents,
property penalties, payments and real estate. Every planted positive is pushed with its band, no
near miss is (a payment for the month of death, a corrected death date, a release before the
payment month, one month of lag; a report on the tenth day, a trip inside an approved leave, a
trip after the term; instalments paid on time, a convict without means), nothing of the honest
background is, and both engines give the same clues, evidence included.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from jiandu.engines.base import Engine
from jiandu.models.social.patterns import social
from tests.models.social.support import MODELS, ingest, run_social, social_county

# sha256 of the clues (model, subject, band, score, explanation, evidence) as DuckDB builds them:
# Spark must build the very same
CLUES_DIGEST = "c31d71e76e18c47800b0670d11c115a28934489eaebb04a410edf6611d61a249"


def clues_digest(clues: list[dict[str, Any]]) -> str:
    lines = []
    for c in sorted(clues, key=lambda c: (c["model_id"], c["subject"]["key"])):
        evidence = sorted(f"{e['source']}|{e['label']}|{e['text']}" for e in c["evidence"])
        lines.append(
            "|".join([c["model_id"], c["subject"]["key"], c["band"], f"{c['score']:.2f}", c["explanation"]])
        )
        lines.extend(evidence)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _expected(instances: list[Any]) -> dict[tuple[str, str], str]:
    band = {"strong": "red", "medium": "yellow"}
    return {(i.models[0], i.subject.key): band[i.strength] for i in instances if i.positive}


def test_exports_look_like_the_agencies(tmp_path: Path) -> None:
    _, counts = social_county(tmp_path)
    assert set(counts) == {
        social.PAY_H1, social.PAY_H2, social.CREMATIONS, social.CERTIFICATES, social.DEREGISTRATIONS,
        social.PRISON, social.SENTENCES, social.CORRECTION_REG, social.LEAVES, social.CROSSINGS,
        social.DOCUMENTS, social.PENALTY_FILE, social.PAYMENTS, social.ACCOUNTS, social.PROPERTY,
        "household",  # the planted people joined to the county's household register
    }  # fmt: skip
    first = (tmp_path / social.PAY_H1).read_bytes()
    assert first.startswith("\ufeff社会保障号码,姓名,险种,发放年月".encode())
    second = (tmp_path / social.PAY_H2).read_bytes().decode("gb18030")
    assert second.startswith("社会保障号码,") and ",202406," in second  # June in both files
    ids = {line.split(",")[0] for line in first.decode("utf-8-sig").splitlines()[1:]}
    assert any(len(i) == 15 for i in ids) and any(len(i) == 18 for i in ids)
    assert (tmp_path / social.CERTIFICATES).read_bytes().decode("gb18030").startswith("死亡医学证明编号")
    assert (tmp_path / social.CORRECTION_REG).read_text("utf-8").startswith("JZDXBH,XM,SFZH,JZLB")
    assert (tmp_path / social.CROSSINGS).read_text("utf-8").startswith("XM,XB,CSRQ,GJ,ZJZL,ZJHM,CRJBS")
    cremations = (tmp_path / social.CREMATIONS).read_text("utf-8").splitlines()
    assert [r for r in cremations[1:] if not r.endswith(",")]  # a correction names the record it corrects


def test_planted_positives_and_near_misses(engine: Engine, tmp_path: Path) -> None:
    instances, _ = social_county(tmp_path / "registers")
    report = ingest(engine, tmp_path / "registers", tmp_path / "quarantine")
    assert sum(report.quarantined.values()) == 0
    assert report.duplicates["pension_payments"] > 0  # June re-sent, and rows sent twice
    clues, reports = run_social(engine)
    assert all(not r.message for r in reports)
    got = {(c["model_id"], c["subject"]["key"]): c["band"] for c in clues}
    # every planted positive with its band, nothing else: no near miss, no background person
    assert got == _expected(instances)
    assert len(got) == 9
    near = {i.subject.key for i in instances if not i.positive}
    assert len(near) == 9 and not near & {k for _, k in got}

    by_id = {i.instance_id: i.subject.key for i in instances}

    def key(pattern: str, rule: str) -> str:
        return by_id[f"{pattern}-00-{rule}"]

    by_key = {c["subject"]["key"]: c for c in clues}
    b, k, p = social.BENEFITS, social.CORRECTIONS, social.PENALTIES
    death = by_key[key(b, "death")]
    # paid from the month after death to December; the 15-digit number in the files matched
    assert "9个月（202404至202412），合计28138.50元" in death["explanation"]
    assert "人力资源和社会保障局制发检察建议" in death["explanation"]
    assert "该区县死亡或服刑期间发放共涉" in death["explanation"]  # the county roll-up
    assert "服刑期间10个月28900.00元" in by_key[key(b, "prison")]["explanation"]
    assert "3个月（202406至202408），合计708.00元" in by_key[key(b, "late")]["explanation"]
    assert all(any(e["text"].startswith("地址：") for e in c["evidence"]) for c in clues)
    never = by_key[key(k, "never")]
    assert "判决生效后未按期报到" in never["explanation"] and "司法局" in never["explanation"]
    late = by_key[key(k, "late")]
    assert late["band"] == "yellow" and any("生效后第24日，逾期14日" in e["text"] for e in late["evidence"])
    exit_clue = by_key[key(k, "exit")]
    assert any(
        "出境前往泰国" in e["text"] and "无经批准的请假外出" in e["text"] for e in exit_clue["evidence"]
    )
    assert any("审批结果：不批准" in e["text"] for e in exit_clue["evidence"])
    assert "最长逾期或在境外11日" in exit_clue["explanation"]
    flat = by_key[key(p, "flat")]
    assert "未缴200000.00元" in flat["explanation"] and "名下不动产1处" in flat["explanation"]
    assert "该院有履行能力而未执行财产刑共" in flat["explanation"]
    partial = by_key[key(p, "partial")]
    assert partial["band"] == "yellow" and "已缴5000.00元，未缴45000.00元" in partial["explanation"]

    # the near misses are in the tables as the rules say, and stay out of the clues
    over = {r["ssn"] for r in engine.rows("SELECT DISTINCT ssn FROM social_benefit_overpayments")}
    assert key(b, "nm-lag") in over  # one month after death: a finding, below min_months
    assert not {key(b, r) for r in ("nm-death-month", "nm-corrected", "nm-released")} & over
    gaps = {r["person_key"] for r in engine.rows("SELECT person_key FROM social_correction_gaps")}
    assert not {key(k, r) for r in ("nm-tenth-day", "nm-leave", "nm-after-term")} & gaps
    arrears = {r["person_key"]: r["has_means"] for r in engine.rows("SELECT * FROM social_penalty_arrears")}
    assert key(p, "nm-instalments") not in arrears and arrears[key(p, "nm-no-means")] is False

    # the roll-up per county and addressee for the 检察建议
    governance = engine.rows("SELECT * FROM social_governance ORDER BY county, problem")
    assert {r["addressee"] for r in governance} == {"人力资源和社会保障局", "司法局", "人民法院"}
    assert {r["model_id"] for r in governance} == set(MODELS)
    assert sum(r["amount_yuan"] for r in governance if r["problem"] == "有履行能力未执行财产刑") == 265000.0

    digest = clues_digest(clues)
    assert digest == CLUES_DIGEST, digest


def test_empty_required_slots_are_named(engine: Engine, tmp_path: Path) -> None:
    """With pensions alone, the correction and penalty models say which inputs are empty."""
    social_county(tmp_path / "all")
    only = tmp_path / "registers"
    only.mkdir()
    for name in (social.PAY_H1, social.PAY_H2):
        (only / name).write_bytes((tmp_path / "all" / name).read_bytes())
    ingest(engine, only, tmp_path / "quarantine")
    clues, reports = run_social(engine, models=(social.MODEL_BENEFITS, social.MODEL_CORRECTIONS))
    assert clues == []  # no death or prison record: nothing to compare the payments with
    messages = {r.model_id: r.message for r in reports}
    assert "刑事判决生效信息（criminal_sentences）" in messages[social.MODEL_CORRECTIONS]
    assert "社区矫正对象登记（community_corrections）" in messages[social.MODEL_CORRECTIONS]


# every column the social models join people on (the ID key of each table, the document number
# of exit-entry records): what `jiandu sources pseudonymise` replaces by keyed pseudonyms
JOIN_COLUMNS = {
    "pension_payments": ("ssn",),
    "death_records": ("person_key",),
    "prison_terms": ("person_key",),
    "prison_accounts": ("person_key",),
    "criminal_sentences": ("person_key",),
    "community_corrections": ("person_key",),
    "correction_leaves": ("person_key",),
    "passports": ("person_key", "doc_no"),
    "border_crossings": ("doc_no",),
    "property_penalties": ("person_key",),
    "penalty_payments": ("person_key",),
    "property_registrations": ("holder_key", "transferor_key"),
}


def test_same_clues_on_pseudonymised_keys(tmp_path: Path) -> None:
    """Keys replaced by keyed hashes (here md5 of a secret and the key, on DuckDB) give the same
    clues: the models join on the key columns only, never on digits inside them."""
    from jiandu.engines import open_engine

    _, _ = social_county(tmp_path / "registers")
    engine = open_engine("duckdb", tmp_path / "workspace")
    try:
        ingest(engine, tmp_path / "registers", tmp_path / "quarantine")
        raw, _ = run_social(engine)
        for name, columns in JOIN_COLUMNS.items():
            sets = ", ".join(f"{c} = md5('secret:' || {c})" for c in columns)
            engine.execute(f"UPDATE {name} SET {sets}")
        engine.execute("DELETE FROM operator_runs")
        hashed, _ = run_social(engine)
    finally:
        engine.close()
    digest = hashlib.md5  # the same function as the SQL's md5

    def pseudonym(key: str) -> str:
        return digest(f"secret:{key}".encode()).hexdigest()

    expected = {(c["model_id"], pseudonym(c["subject"]["key"])): (c["band"], c["score"]) for c in raw}
    got = {
        (c["model_id"], c["subject"]["key"]): (c["band"], c["score"])
        for c in hashed
        if len(c["subject"]["key"]) == 32
    }
    assert len(expected) == 9 and got == expected


def test_band_figures_per_model() -> None:
    from jiandu.models.evaluate import TruthInstance
    from jiandu.models.social.bands import band_figures

    def truth(key: str, positive: bool, strength: str) -> TruthInstance:
        return TruthInstance("social_benefits", f"i-{key}", None, key, positive, strength)

    def clue(key: str, band: str) -> dict[str, Any]:
        return {"model_id": social.MODEL_BENEFITS, "band": band, "subject": {"key": key}}

    rows = band_figures(
        [clue("a", "red"), clue("b", "yellow"), clue("x", "red")],
        [truth("a", True, "strong"), truth("b", True, "strong"), truth("n", False, "near_miss")],
    )
    red, yellow, near = rows[:3]
    assert (red["found"], red["planted"], red["true_clues"], red["clues"]) == (1, 2, 1, 2)
    assert yellow["planted"] == 0 and yellow["clues"] == 1 and yellow["true_clues"] == 0
    assert near == {"model": social.MODEL_BENEFITS, "band": "near_miss", "planted": 1, "flagged": 0}
