"""A pseudonymised workspace gives the same clues as a raw one (issue 16 §4).

The synthetic county's register files that the consumption-ban model reads are loaded twice: as
the agencies export them, and after every identifier column was pseudonymised with a test key
(`jiandu sources pseudonymise`, through the same declared sources, declared `pseudonymised` in
the second workspace). The model runs on both; the clue subjects, mapped through the
pseudonyms, their scores, bands and evidence are identical. The one thing a pseudonymised
workspace cannot do is named and asserted: a public-list entry whose number is masked
(37280119701****7692) was matched to full numbers by name and visible digits; a keyed hash shows
neither, so that clue (identity certainty 0.7) is found in the raw workspace only.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest
from engine_support import make_engine

from jiandu.ingest.registers import choose_source, ingest_registers
from jiandu.models.clues import load_clues
from jiandu.models.library import Library
from jiandu.models.runner import run
from jiandu.privacy.pseudonyms import Pseudonymiser, add_key, load_key_file
from jiandu.sources.model import Source
from jiandu.sources.pseudonymise import pseudonymise_file
from jiandu.sources.readers import file_format
from jiandu.sources.registry import Catalogue, LoadedSource, catalogue
from jiandu.synth import generate

pytestmark = pytest.mark.slow

# models that join only on ID numbers, documents and names (the social-security models of issue 16
# §3 are to be added here when they exist)
MODELS = ["execution.ban_violation"]
TABLES = {
    "consumption_bans",
    "dishonest_debtors",
    "companies",
    "passports",
    "flights",
    "train_trips",
    "hotel_stays",
    "hotels",
    "property_registrations",
    "vehicle_registrations",
    "equity_changes",
}


def pseudonymised_catalogue(sources: Catalogue, ids: set[str], key_id: str) -> Catalogue:
    """The catalogue with the given sources declared as arriving pseudonymised under ``key_id``."""
    own = []
    for source_id in sorted(ids):
        data = sources.get(source_id).source.model_dump(by_alias=True, exclude_none=True)
        own.append(
            LoadedSource(
                Source.model_validate({**data, "pseudonymised": {"key_id": key_id}}), "workspace", "-"
            )
        )
    return Catalogue(own + [s for s in sources.sources if s.source.id not in ids], [])


@pytest.fixture(scope="module")
def two_workspaces(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("pseudonymised")
    generate(tmp / "county", seed=3, documents=200)
    key_file = tmp / "keys.json"
    add_key(key_file, "TEST1")
    ps = Pseudonymiser(load_key_file(key_file).current)
    sources = catalogue(None)
    raw_dir, pse_dir = tmp / "raw", tmp / "pseudonymised"
    raw_dir.mkdir()
    pse_dir.mkdir()
    manifests = tmp / "manifests"
    manifests.mkdir()
    used: set[str] = set()
    for path in sorted((tmp / "county" / "registers").iterdir()):
        fmt = file_format(path)
        chosen = choose_source(path, fmt or "", sources)
        if isinstance(chosen, str) or chosen.source.table not in TABLES:
            continue
        shutil.copy(path, raw_dir / path.name)
        if not chosen.source.identifiers:
            shutil.copy(path, pse_dir / path.name)  # nothing personal in it (hotels, companies' changes)
            continue
        report = pseudonymise_file(chosen.source, ps, path, pse_dir / path.name)
        assert report.rejected_count == 0, (path.name, report.rejected[:3])
        os.replace(pse_dir / f"{path.name}.manifest.json", manifests / f"{path.name}.manifest.json")
        used.add(chosen.source.id)
    results = {}
    for name, folder, cat in (
        ("raw", raw_dir, sources),
        ("pseudonymised", pse_dir, pseudonymised_catalogue(sources, used, "TEST1")),
    ):
        engine = make_engine("duckdb", tmp / f"ws-{name}")
        report = ingest_registers(engine, tmp / f"quarantine-{name}", [folder], sources=cat)
        run(engine, Library(), MODELS, run_id=name)
        results[name] = (report, load_clues(engine), engine)
    yield ps, results, raw_dir, pse_dir
    for _, _, engine in results.values():
        engine.close()


def test_the_pseudonymised_files_load_like_the_raw_ones(two_workspaces: Any) -> None:
    results = two_workspaces[1]
    raw, pse = results["raw"][0], results["pseudonymised"][0]
    assert dict(pse.loaded) == dict(raw.loaded) and sum(pse.loaded.values()) > 1000
    assert dict(pse.quarantined) == dict(raw.quarantined)
    engine = results["pseudonymised"][2]
    # no raw ID number is stored anywhere the sources declare identifiers
    ids = engine.rows(
        "SELECT id_no FROM flights UNION ALL SELECT key FROM consumption_bans WHERE kind = 'person'"
    )
    assert ids and all(r["id_no"].startswith("P1:TEST1:") for r in ids)
    # what an ID number shows is kept: key kind, person or organisation, the birth year (the
    # public list's derived column), the birth date of a check-in
    shown = "SELECT case_number, key_kind, kind, birth_year FROM dishonest_debtors ORDER BY ALL"
    assert engine.rows(shown) == results["raw"][2].rows(shown)
    dates = "SELECT stay_id, birth_date FROM hotel_stays ORDER BY stay_id, birth_date"
    assert engine.rows(dates) == results["raw"][2].rows(dates)
    names = engine.rows(
        "SELECT passenger_name AS n FROM flights UNION ALL SELECT holder_name FROM property_registrations"
    )
    assert names and all(r["n"].startswith("P1:TEST1:N:") for r in names)


def test_same_clues_through_the_pseudonyms(two_workspaces: Any) -> None:
    ps, results = two_workspaces[:2]
    raw = results["raw"][1]
    pse = {(c["model_id"], c["subject"]["key"]): c for c in results["pseudonymised"][1]}
    assert pse, "the model found nothing: the comparison would prove nothing"
    masked_only = []
    for clue in raw:
        key = (clue["model_id"], ps.pseudonym("id_number", clue["subject"]["key"]))
        if key not in pse:
            masked_only.append(clue)
            continue
        twin = pse.pop(key)
        assert twin["subject"]["name"] == ps.pseudonym("name", clue["subject"]["name"])
        assert (twin["score"], twin["band"]) == (clue["score"], clue["band"])
        assert sorted(e["label"] for e in twin["evidence"]) == sorted(e["label"] for e in clue["evidence"])
    assert not pse, f"clues only in the pseudonymised workspace: {list(pse)}"
    # found only through a masked public-list number: named, not silently different
    assert all("脱敏" in c["explanation"] for c in masked_only)
    assert len(masked_only) <= 1 and len(raw) - len(masked_only) >= 3
