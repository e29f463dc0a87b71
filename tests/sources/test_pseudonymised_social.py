"""The social-security models (issue 16 §3) give the same clues on pseudonymised exports.

The social county's exports (pensions, deaths, prison rosters and accounts, sentences,
community correction, exit-entry, property penalties) are pseudonymised with a test key through
their declared sources by `pseudonymise_file`, and loaded through workspace copies of those
sources declared ``pseudonymised``. The built-in social sources do not declare ``identifiers``
yet (filled at integration); the workspace copies here declare the columns the exports carry
people in, as an office would.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from jiandu.engines import open_engine
from jiandu.ingest.registers import choose_source, ingest_registers
from jiandu.privacy.pseudonyms import Pseudonymiser, PseudonymKey
from jiandu.sources.model import Source
from jiandu.sources.pseudonymise import pseudonymise_file
from jiandu.sources.readers import file_format
from jiandu.sources.registry import Catalogue, LoadedSource, catalogue
from tests.models.social.support import run_social, social_county

pytestmark = pytest.mark.slow

KEY = PseudonymKey("SOC1", dt.date(2026, 1, 1), b"s" * 32)
# canonical columns that hold people, and the kind of identifier each export column holds
KINDS = {"person_key": "id_number", "ssn": "id_number", "doc_no": "document", "name": "name"}


def declared(source: Source) -> dict[str, Any]:
    """The source as an office's workspace copy: identifiers declared, files pseudonymised."""
    data = source.model_dump(by_alias=True, exclude_none=True)
    identifiers = dict(data.get("identifiers", {}))
    for column, kind in KINDS.items():
        mapping = source.columns.get(column)
        if mapping is not None:
            identifiers.update({header: kind for header in mapping.from_ if header not in identifiers})
    return {**data, "identifiers": identifiers}


def test_social_models_give_the_same_clues_on_pseudonymised_exports(tmp_path: Path) -> None:
    social_county(tmp_path / "raw")
    sources = catalogue(None)
    ps = Pseudonymiser(KEY)
    (tmp_path / "pseudonymised").mkdir()
    own: dict[str, LoadedSource] = {}
    for path in sorted((tmp_path / "raw").iterdir()):
        chosen = choose_source(path, file_format(path) or "", sources)
        assert not isinstance(chosen, str), chosen
        source = Source.model_validate(declared(chosen.source))
        target = tmp_path / "pseudonymised" / path.name
        if not source.identifiers:
            shutil.copy(path, target)
            continue
        report = pseudonymise_file(source, ps, path, target)
        assert report.rejected_count == 0, (path.name, report.rejected[:3])
        target.with_name(f"{target.name}.manifest.json").unlink()
        own[source.id] = LoadedSource(
            Source.model_validate({**declared(source), "pseudonymised": {"key_id": KEY.id}}), "workspace", "-"
        )
    pseudonymised = Catalogue([*own.values(), *[s for s in sources.sources if s.source.id not in own]], [])
    results = {}
    for name, cat in (("raw", sources), ("pseudonymised", pseudonymised)):
        engine = open_engine("duckdb", tmp_path / f"ws-{name}")
        try:
            report = ingest_registers(engine, tmp_path / f"q-{name}", [tmp_path / name], sources=cat)
            results[name] = (report, run_social(engine)[0])
        finally:
            engine.close()
    assert dict(results["pseudonymised"][0].loaded) == dict(results["raw"][0].loaded)
    expected = {
        (c["model_id"], ps.pseudonym("id_number", c["subject"]["key"])): (
            c["band"],
            c["score"],
            len(c["evidence"]),
        )
        for c in results["raw"][1]
    }
    got = {
        (c["model_id"], c["subject"]["key"]): (c["band"], c["score"], len(c["evidence"]))
        for c in results["pseudonymised"][1]
    }
    assert len(expected) >= 9 and got == expected
