"""CSV encoding detection: UTF-8 exactly when Python would decode the whole file as UTF-8,
whatever the block boundaries split."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from jiandu.sources import readers


def expected(raw: bytes) -> str:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def test_detection_agrees_with_python_across_block_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "CSV_BLOCK_BYTES", 7)  # characters split at every place
    rng = random.Random(1)
    path = tmp_path / "x.csv"
    samples = [b"abc\xe4\xb8", b"\xff", b"ab\xe4\xb8\xadcd\x80", "甲".encode() * 5, b""]
    for _ in range(200):
        text = "".join(
            rng.choice(["a", "甲", "é", "𠀀", "\n", ",", "\u3000"]) for _ in range(rng.randint(0, 40))
        )
        samples += [text.encode("utf-8"), text.encode("gb18030")]
    for raw in samples:
        path.write_bytes(raw)
        assert readers.detect_encoding(path, "auto") == expected(raw), raw
