"""Flags stated in the text, with the rule for True / False / None.

defendant_absent, public_notice_service and cash_delivery are also risk signs: their one
definition is in ``jiandu.documents.signs``; the parser sets these flags from the signs found.

Rule: a flag is True when the text states it (and ``spans["flags.<name>"]`` points at the
statement). It is False when the document is of a kind that would state it and nothing is
stated; otherwise None:

- defendant_absent, public_notice_service: decidable for complete judgments and mediation
  documents (court, heading and a procedural paragraph present);
- mediation, withdrawal: decidable for complete judgments, rulings and mediation documents;
- cash_delivery: decidable when the plaintiff's claim paragraph was found;
- terminated_execution: decidable for execution documents.
Partial texts (e.g. party header + claims only) leave undecidable flags None.
"""

from __future__ import annotations

import re

__all__ = [
    "MEDIATION_RE",
    "TERMINATED_RE",
    "WITHDRAWAL_RE",
]

MEDIATION_RE = re.compile(
    r"(?:经本院主持调解|经本院调解|主持调解|调解)[^。]{0,30}?(?<!未)(?<!未能)(?<!没有)达成[^。]{0,6}?协议"
    r"|自愿达成如下协议|达成如下(?:调解)?协议"
)
MEDIATION_NEG_RE = re.compile(r"未能达成|未达成|不能达成|调解不成|调解无效|无法达成|没有达成")
WITHDRAWAL_RE = re.compile(
    r"准许[^。；]{0,40}?撤回(?:起诉|诉讼|上诉|执行申请|申请|对[^。；]{0,40}?的起诉)"
    r"|准许[^。；]{0,10}?撤诉|按(?:[^。；自]{0,6})撤(?:回起)?诉处理|撤诉处理"
)
TERMINATED_RE = re.compile(r"终结本次执行程序|终结本次执行")
