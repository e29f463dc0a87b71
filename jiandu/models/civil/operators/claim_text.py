"""The claim regions of a civil document as ``claim_wording`` compares them: the plaintiff's
pleading (诉讼请求 … before the defence or findings) and every quoted IOU, with party names
blanked to 某 and numbers to #."""

from __future__ import annotations

import re

from jiandu.models.textscan import anchored_finditer

__all__ = [
    "CLAIM_WORDS",
    "DIGITS",
    "DIGIT_SEPARATORS",
    "IOU_QUOTE",
    "IOU_WORDS",
    "NUMBERS",
    "NUMERALS",
    "QUOTE",
    "claim_regions",
    "names_blanked",
    "normalised",
]

_CLAIM_START = re.compile(r"诉讼请求|诉称")
_CLAIM_END = re.compile(
    r"辩称|未到庭|未作答辩|未提交(?:书面)?答辩|本院经审理|根据原告的陈述|经本院主持调解|本案审理过程中"
    r"|审理过程中|本院认为|提出撤诉|申请撤回|经审理查明"
)
QUOTE = re.compile(r"“[^”]{0,600}”")
IOU_QUOTE = re.compile(
    r"(?:借条|欠条|借据|借款协议)(?:上)?(?:载明|内容为|写明|约定)[：:，,]?“(?P<q>[^”]{10,600})”"
)
IOU_WORDS = ("借条", "欠条", "借据", "借款协议")  # every IOU_QUOTE match starts with one
# Numbers are blanked to one "#": a run of digits (with the separators written inside numbers),
# or a run of Chinese numerals. NUMBERS is the definition; the workers apply it in bulk with
# `collapse_runs`.
DIGITS = "0123456789０１２３４５６７８９"
DIGIT_SEPARATORS = ".,，"
NUMERALS = "零〇○一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億"
NUMBERS = re.compile(f"[{DIGITS}][{DIGITS}{DIGIT_SEPARATORS}]*|[{NUMERALS}]+")
_MAX_CLAIM = 1500
# a text holding none of these has neither a pleading nor a quoted IOU (see claim_regions)
CLAIM_WORDS = ("诉讼请求", "诉称", "借条", "欠条", "借据", "借款协议")


def claim_regions(text: str) -> list[tuple[str, int, int]]:
    """The pleading (诉讼请求 … before the defence or findings) and every quoted IOU:
    (kind, start, end)."""
    out: list[tuple[str, int, int]] = []
    m = _CLAIM_START.search(text)
    if m:
        e = _CLAIM_END.search(text, m.end())
        end = min(e.start() if e else len(text), m.end() + _MAX_CLAIM)
        out.append(("pleading", m.start(), end))
    if "“" in text:  # every quoted IOU opens a quotation; most texts quote nothing
        for q in anchored_finditer(IOU_QUOTE, text, IOU_WORDS):
            out.append(("iou", q.start("q"), q.end("q")))
    return out


def normalised(text: str, names: list[str]) -> str:
    """A claim region as it is compared: party names blanked to 某, numbers to #."""
    return NUMBERS.sub("#", names_blanked(text, names))


def names_blanked(text: str, names: list[str]) -> str:
    # longest first, then by name: overlapping names of one length blank the same way whatever
    # order the parties were listed in (TEXTS_SQL lists them unordered)
    for name in sorted(set(names), key=lambda n: (-len(n), n)):
        if name:
            text = text.replace(name, "某")
    return text
