"""Masking of personal data: one definition for Python, the SQL engines and the web.

`jiandu.privacy.rules` defines which numbers are personal and which digits stay visible;
`numbers`, `documents` (passport and permit numbers) and `addresses` apply it; `mask_text` is
the whole mask; `jiandu.privacy.sql` registers the same function as ``jiandu_mask_text`` on
DuckDB and Spark, so SQL and Python can never disagree. The role policy (who sees clues
unmasked) is in `jiandu.workflow.masking`.
"""

from __future__ import annotations

from jiandu.privacy.addresses import mask_addresses
from jiandu.privacy.documents import mask_document_number, mask_documents
from jiandu.privacy.numbers import mask_numbers
from jiandu.privacy.rules import DOCUMENT_RULES, MASK, RULES


def mask_text(text: str) -> str:
    """All masks: ID numbers, long digit runs and phone numbers, passport and permit numbers,
    then addresses. Each hidden character becomes ``*``: the length of the text is kept."""
    if not text:
        return text
    # both number masks read the text as written: neither hides a number from the other
    return mask_addresses(mask_documents(text, onto=mask_numbers(text)))


__all__ = [
    "DOCUMENT_RULES",
    "MASK",
    "RULES",
    "mask_addresses",
    "mask_document_number",
    "mask_documents",
    "mask_numbers",
    "mask_text",
]
