"""Who sees personal data unmasked, and masking the values of clues and events for the others.

Policy (the one place it is stated): a role with the ``personal.read`` permission (prosecutor,
admin; see `jiandu.workflow.authz`) sees clues as they are; every other role (analyst, auditor,
viewer) gets every string of a clue — subject key and name, explanation, evidence text, labels,
sources, feature values, event reasons — through `mask_text`. Identifiers that are not personal
(clue id, model id and version, run id, band, score, case numbers, document ids, spans) pass.

What a mask hides is defined once, in `jiandu.privacy` (`jiandu.privacy.rules` for ID and phone
numbers in the forms people write them, `jiandu.privacy.addresses` for addresses); SQL engines call
the same function (`jiandu.privacy.sql`). Masks keep the length of the text (each hidden character
becomes ``*``), so evidence spans (character offsets into the judgment text) still point at the
same words after masking. See docs/security.md ("Masking of personal data").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jiandu.privacy import MASK, mask_addresses, mask_numbers, mask_text

_ID_RULES = frozenset({"id_or_account"})
_PHONE_RULES = frozenset({"mobile_with_country_code", "mobile", "landline"})


def mask_id_numbers(text: str) -> str:
    """Mask ID numbers (18 and 15 digits) and every longer number: keep the first 6 and last 4."""
    return mask_numbers(text, _ID_RULES)


def mask_phone_numbers(text: str) -> str:
    """Mask mobile numbers (keep 3 + 4 digits) and landlines (keep the area code and last 2)."""
    return mask_numbers(text, _PHONE_RULES)


# Keys of a clue (or event) whose values are identifiers, not personal data.
UNMASKED_KEYS = frozenset(
    {
        "clue_id",
        "model_id",
        "model_version",
        "outcome_model_version",
        "run_id",
        "first_run_id",
        "band",
        "score",
        "kind",
        "type",
        "case_number",
        "case_numbers",
        "doc_id",
        "span",
        "status",
        "outcome",
        "reject_reason",
        "merged_into",
        "region",
        "jurisdiction_code",
        "court",
    }
)


def mask_value(value: Any, mask: Callable[[str], str] = mask_text, key: str | None = None) -> Any:
    """Mask every string inside a JSON-like value, except under the keys in `UNMASKED_KEYS`."""
    if key in UNMASKED_KEYS:
        return value
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {k: mask_value(v, mask, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(v, mask) for v in value]
    return value


def identity(text: str) -> str:
    """No mask (roles with ``personal.read``)."""
    return text


def masker(sees_personal_data: bool) -> Callable[[str], str]:
    """The text filter for a principal: identity for roles with personal.read, else `mask_text`."""
    return identity if sees_personal_data else mask_text


__all__ = [
    "MASK",
    "UNMASKED_KEYS",
    "identity",
    "mask_addresses",
    "mask_id_numbers",
    "mask_phone_numbers",
    "mask_text",
    "mask_value",
    "masker",
]
