"""Real documents: a masked name in one document and the same masked name in another unrelated
document are different people until evidence says otherwise.

The shared real set (civil full judgments, CAIL fragments whose persons are renamed 李某1 per
document, separate criminal cases) is read at test time, never committed.
"""

from __future__ import annotations

from pathlib import Path

from jiandu.engines import Engine
from jiandu.entities import ResolutionSettings, resolve
from jiandu.entities.evaluate import same_name_pairs
from jiandu.ingest.pipeline import ingest_judgments
from tests.paths import CAIL_SCM, CIVIL_FULL, CRIMINAL, needs_real


@needs_real
def test_same_masked_name_in_different_real_documents_never_merges(duck: Engine,
                                                                   tmp_path: Path) -> None:
    ingest_judgments(duck, tmp_path / "quarantine", [CIVIL_FULL, CAIL_SCM, CRIMINAL], workers=1)
    # the real set is small: the reference model by default, and also fitted on itself
    for settings in (ResolutionSettings(), ResolutionSettings(min_training_records=100)):
        resolve(duck, settings)
        masked, full = same_name_pairs(duck)
        assert masked.masked and masked.pairs > 1000  # 李某1 etc. recur across documents
        assert masked.merged == 0, masked.examples
        assert full.merged == 0, full.examples
