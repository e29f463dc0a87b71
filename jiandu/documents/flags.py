"""Flags stated in the text, with the rule for True / False / None.

Rule: a flag is True when the text states it (and ``spans["flags.<name>"]`` points at the
statement). It is False when the document is of a kind that would state it and nothing is
stated; otherwise None:

- defendant_absent, public_notice_service: decidable for complete judgments and mediation
  documents (court, heading and a procedural paragraph present);
- mediation, withdrawal: decidable for complete judgments, rulings and mediation documents;
- cash_delivery: decidable when the plaintiff's claim paragraph was found; stated in the claim
  paragraph, or in the findings as the plaintiff's account (原告称…以现金方式交付);
- terminated_execution: decidable for execution documents.
Partial texts (e.g. party header + claims only) leave undecidable flags None.
"""

from __future__ import annotations

import re

__all__ = [
    "ABSENT_RE",
    "CASH_FACT_RE",
    "CASH_RE",
    "MEDIATION_RE",
    "NOTICE_RE",
    "TERMINATED_RE",
    "WITHDRAWAL_RE",
]

ABSENT_RE = re.compile(
    r"(?:传票传唤|合法传唤|依法传唤|公告传唤|经传唤)[^。]{0,24}?(?:拒不到庭|未到庭|不到庭|未出庭|拒不出庭)"
    # served, then absent after a comma (no 传唤): 经本院公告送达开庭传票，未出庭参加诉讼;
    # 经公告送达，未到庭; 经本院依法送达开庭传票，未参加诉讼
    r"|(?:公告送达|送达[^。；]{0,6}?传票)[^。；]{0,14}?"
    r"(?:拒不到庭|未到庭|不到庭|未出庭|拒不出庭|没有到庭|未参加诉讼|未参加庭审)"
    r"|缺席(?:判决|审理)"
    r"|(?:被告|被上诉人|被申请人)[^。，,；]{0,12}?(?:未出庭|未到庭|拒不到庭|没有到庭|拒绝到庭)"
)
NOTICE_RE = re.compile(r"公告(?:方式)?送达|以公告方式")
MEDIATION_RE = re.compile(
    r"(?:经本院主持调解|经本院调解|主持调解|调解)[^。]{0,30}?(?<!未)(?<!未能)(?<!没有)达成[^。]{0,6}?协议"
    r"|自愿达成如下协议|达成如下(?:调解)?协议"
)
MEDIATION_NEG_RE = re.compile(r"未能达成|未达成|不能达成|调解不成|调解无效|无法达成|没有达成")
WITHDRAWAL_RE = re.compile(
    r"准许[^。；]{0,40}?撤回(?:起诉|诉讼|上诉|执行申请|申请|对[^。；]{0,40}?的起诉)"
    r"|准许[^。；]{0,10}?撤诉|按(?:[^。；自]{0,6})撤(?:回起)?诉处理|撤诉处理"
)
CASH_RE = re.compile(
    r"现金(?:交付|支付|给付|方式|借给|交给|的方式)|以现金|交付现金|支付现金|给付现金|现金[^。，；]{0,4}?(?:借给|交付)"
)
# the plaintiff's account of delivering the loan in cash, restated in the findings
# (原告称其余10800元以现金方式交付 / 原告称借款已以现金方式全额交付)
CASH_FACT_RE = re.compile(
    r"原告[^。；，,]{0,16}?(?:以|用)现金(?:方式|形式)?[^。；，,]{0,4}?(?:交付|出借|借给|交给)"
)
TERMINATED_RE = re.compile(r"终结本次执行程序|终结本次执行")
