"""Chinese court-document parser: ``parse_document(text) -> JudgmentRecord``.

Handles civil, criminal and execution judgments, rulings and mediation documents, with
headings, case numbers, parties, agents, dates, amounts, interest rates, flags and the
signature block. Every extracted value has a span (offsets into the exact text passed in).
"""

from __future__ import annotations

from .parser import parse_document, parse_document_strict
from .record import JudgmentRecord
from .text import document_id, normalise_text

PARSER_VERSION = "1.1.0"

__all__ = [
    "PARSER_VERSION",
    "JudgmentRecord",
    "document_id",
    "normalise_text",
    "parse_document",
    "parse_document_strict",
]
