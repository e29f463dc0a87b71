"""Chinese ID numbers (居民身份证号码) and unified social credit codes (统一社会信用代码).

One definition for the whole package lives in `jiandu.inputs.identifiers` (with the 15-digit,
masked, organisation-code, plate and passport forms register ingest normalises); entity
resolution uses the same functions, re-exported here.
"""

from __future__ import annotations

from jiandu.inputs.identifiers import IdNumber, compact, is_valid_credit_code, is_valid_id, parse_id

__all__ = ["IdNumber", "compact", "is_valid_credit_code", "is_valid_id", "parse_id"]
