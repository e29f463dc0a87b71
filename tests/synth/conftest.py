from __future__ import annotations

from pathlib import Path

import pytest

from jiandu.synth import SynthSummary, generate

SMALL = 3000


@pytest.fixture(scope="session")
def county(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SynthSummary]:
    out = tmp_path_factory.mktemp("county")
    summary = generate(out, seed=11, documents=SMALL)
    return out, summary
