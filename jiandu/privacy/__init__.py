"""Masking of personal data: one definition for Python, the SQL engines and the web.

`jiandu.privacy.rules` defines which numbers are personal and which digits stay visible;
`numbers` and `addresses` apply it; `mask_text` is the whole mask; `jiandu.privacy.sql`
registers the same function as ``jiandu_mask_text`` on DuckDB and Spark, so SQL and Python can
never disagree. The role policy (who sees clues unmasked) is in `jiandu.workflow.masking`.
"""

from __future__ import annotations

from jiandu.privacy.addresses import mask_addresses
from jiandu.privacy.numbers import mask_numbers
from jiandu.privacy.rules import MASK, RULES


def mask_text(text: str) -> str:
    """All masks, in order: ID numbers, long digit runs and phone numbers, then addresses.
    Each hidden character becomes ``*``: the length of the text is kept."""
    if not text:
        return text
    return mask_addresses(mask_numbers(text))


__all__ = ["MASK", "RULES", "mask_addresses", "mask_numbers", "mask_text"]
