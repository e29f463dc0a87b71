"""Money amounts: Arabic (3，000元, 1,000,000元, 204 416元), 万元 (5.5万元), capitals (伍万元整)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numerals import parse_amount

__all__ = ["AMOUNT_RE", "FoundAmount", "classify", "find_amounts"]

_CN_NUM = "零〇一二两三四五六七八九十百千万亿"
_CAP_NUM = "零壹贰叁肆伍陆柒捌玖拾佰仟萬億万亿"
AMOUNT_RE = re.compile(
    r"(?:人民币|￥|¥)?[ \u3000]?"
    r"(?:"
    # Arabic with thousands separators (comma, full-width comma, thin/normal space) or plain
    r"(?<![\d.])(?:\d{1,3}(?:[,，]\d{3})+|\d{1,3}(?: \d{3})+(?=[ ]?元)|\d+)(?:\.\d+)?"
    r"[ ]?(?:万元|元|万(?=[，,。；;、及和余]))"
    # Chinese numerals followed by 元 (五万元, 柒拾万零柒仟壹佰元整)
    rf"|[{_CN_NUM}{_CAP_NUM}]{{1,20}}元(?:整)?"
    # capital numerals without 元 but with a unit (叁拾万)
    rf"|[{_CAP_NUM}]{{1,15}}[万萬](?![元{_CN_NUM}{_CAP_NUM}])"
    r")"
)
_BAD_CN = re.compile(r"^[十百千万亿拾佰仟萬億]")

FEE_WORDS = re.compile(r"(?:受理费|诉讼费|保全费|公告费|鉴定费|申请费|执行费|评估费)")
TRANSFER_WORDS = re.compile(r"(?:转账|汇款|转款|汇入|打款|电汇|网银|银行转|转入|转给|汇给)")
IOU_WORDS = re.compile(r"(?:借条|欠条|借据|收条|借款合同|借款协议)")
PRINCIPAL_WORDS = re.compile(r"(?:本金|借款|欠款|借支|借到|货款|款项)")


@dataclass(slots=True)
class FoundAmount:
    value: float
    text: str
    start: int
    end: int


def find_amounts(text: str, start: int = 0, end: int | None = None) -> list[FoundAmount]:
    """Every amount in ``text[start:end]`` with its yuan value and surface span."""
    out: list[FoundAmount] = []
    for m in AMOUNT_RE.finditer(text, start, len(text) if end is None else end):
        surface = m.group(0)
        core = surface.lstrip("人民币￥¥ \u3000")
        if not core or (_BAD_CN.match(core) and not core.startswith(("十", "拾"))):
            continue
        value = parse_amount(surface)
        if value is None or value <= 0:
            continue
        s = m.start() + (len(surface) - len(surface.lstrip(" \u3000")))
        out.append(FoundAmount(value=value, text=text[s : m.end()], start=s, end=m.end()))
    return out


def classify(text: str, amt: FoundAmount, judged: tuple[int, int] | None) -> str:
    """Kind of an amount from its left context: fee, judged_principal, transfer, iou, other."""
    left_start = max(0, amt.start - 30)
    left = text[left_start : amt.start]
    # only the current clause matters
    cut = max(left.rfind("。"), left.rfind("；"), left.rfind("\n"))
    if cut >= 0:
        left = left[cut + 1 :]
    near = left[-12:]
    if FEE_WORDS.search(near):
        return "fee"
    if judged and judged[0] <= amt.start < judged[1] and PRINCIPAL_WORDS.search(near):
        return "judged_principal"
    if TRANSFER_WORDS.search(left):
        return "transfer"
    if IOU_WORDS.search(left):
        return "iou"
    return "other"
