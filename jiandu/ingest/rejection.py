"""Why an input record could not be ingested."""

from __future__ import annotations

REASON_CODES = (
    "empty",
    "binary",
    "undecodable",
    "truncated",
    "not_judgment",
    "oversized",
    "zip_limit",
    "bad_json",
    "missing_field",
    "unsupported",
    "unreadable",
    "parse_error",
    "invalid_row",
    "symlink",
    "too_deep",
    "unsafe_name",
    "vanished",
    "timeout",
)


class Rejection(Exception):
    """An input that goes to quarantine, with a reason code from `REASON_CODES` and a message."""

    def __init__(self, code: str, reason: str) -> None:
        if code not in REASON_CODES:
            raise ValueError(f"unknown rejection code {code!r}")
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason
