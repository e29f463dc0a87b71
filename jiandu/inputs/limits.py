"""Size limits that protect a run from hostile or broken input (judgments and registers)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """Size limits that protect a run from hostile or broken input."""

    max_document_bytes: int = 20 * 1024 * 1024  # one document (file, JSON line, zip member)
    max_container_bytes: int = 512 * 1024 * 1024  # one .json file holding many documents
    max_zip_total_bytes: int = 4 * 1024 * 1024 * 1024  # what a zip may unpack to in all
    max_zip_members: int = 200_000
    max_zip_ratio: float = 200.0  # uncompressed / compressed, per member
