"""The social models give the same clues on pseudonymised exports (issue 16 §4 for §3).

The planted social county's files are loaded twice on DuckDB: as the agencies export them, and
after every declared identifier column (ID numbers, travel documents, names) was pseudonymised
with a test key (`jiandu.sources.pseudonymise`, the same declared sources declared
``pseudonymised``). The three models run on both; the subjects, mapped through the pseudonyms,
their bands and scores are the same, and no raw ID number is stored in the second workspace.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from jiandu.engines import open_engine
from jiandu.ingest.registers import choose_source, ingest_registers
from jiandu.privacy.pseudonyms import Pseudonymiser, add_key, load_key_file
from jiandu.sources.model import Source
from jiandu.sources.pseudonymise import pseudonymise_file
from jiandu.sources.readers import file_format
from jiandu.sources.registry import Catalogue, LoadedSource, catalogue
from tests.models.social.support import run_social, social_county


def _pseudonymised(sources: Catalogue, ids: set[str], key_id: str) -> Catalogue:
    own = []
    for source_id in sorted(ids):
        data = sources.get(source_id).source.model_dump(by_alias=True, exclude_none=True)
        own.append(
            LoadedSource(
                Source.model_validate({**data, "pseudonymised": {"key_id": key_id}}), "workspace", "-"
            )
        )
    return Catalogue(own + [s for s in sources.sources if s.source.id not in ids], [])


def test_same_clues_on_pseudonymised_exports(tmp_path: Path) -> None:
    social_county(tmp_path / "raw")
    key_file = tmp_path / "keys.json"
    add_key(key_file, "TEST1")
    ps = Pseudonymiser(load_key_file(key_file).current)
    sources = catalogue(None)
    pse_dir = tmp_path / "pseudonymised"
    pse_dir.mkdir()
    used: set[str] = set()
    for path in sorted((tmp_path / "raw").iterdir()):
        chosen = choose_source(path, file_format(path) or "", sources)
        assert not isinstance(chosen, str), (path.name, chosen)
        if not chosen.source.identifiers:
            shutil.copy(path, pse_dir / path.name)
            continue
        report = pseudonymise_file(chosen.source, ps, path, pse_dir / path.name)
        assert report.rejected_count == 0, (path.name, report.rejected[:3])
        os.replace(pse_dir / f"{path.name}.manifest.json", tmp_path / f"{path.name}.manifest.json")
        used.add(chosen.source.id)
    assert "hrss.pension_payments" in used and "immigration.border_crossings" in used
    clues = {}
    for name, folder, cat in (
        ("raw", tmp_path / "raw", sources),
        ("pseudonymised", pse_dir, _pseudonymised(sources, used, "TEST1")),
    ):
        engine = open_engine("duckdb", tmp_path / f"ws-{name}")
        try:
            report = ingest_registers(engine, tmp_path / f"quarantine-{name}", [folder], sources=cat)
            assert sum(report.quarantined.values()) == 0, report.quarantined
            clues[name], _ = run_social(engine)
            if name == "pseudonymised":
                stored = engine.rows(
                    "SELECT ssn FROM pension_payments UNION ALL SELECT person_key FROM prison_terms"
                )
                assert stored and all(r["ssn"].startswith("P1:TEST1:") for r in stored)
        finally:
            engine.close()
    expected = {
        (c["model_id"], ps.pseudonym("id_number", c["subject"]["key"])): (c["band"], c["score"])
        for c in clues["raw"]
    }
    got = {(c["model_id"], c["subject"]["key"]): (c["band"], c["score"]) for c in clues["pseudonymised"]}
    assert len(expected) == 9 and got == expected
