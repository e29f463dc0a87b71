"""How one document is written: masking of natural persons, heading and bracket forms,
amount forms, layout. Drawn per document so one court's output varies as real output does."""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..rng import weighted

# masking styles of natural persons' names
FULL = "full"  # 张三丰
MOU = "mou"  # 张某
MOUMOU = "moumou"  # 张某某 (three-character names), 张某 (two)
XX = "xx"  # 张××

LAYOUTS = (("lines", 0.55), ("indented", 0.2), ("blank", 0.1), ("flat", 0.15))


@dataclass(slots=True)
class Style:
    mask: str
    layout: str
    title_line: bool  # a title line (张三与李四民间借贷纠纷一审民事判决书) above the court
    spaced_title: bool  # 民 事 判 决 书 rather than 民事判决书
    province_prefix: bool  # 浙江省绍兴市越城区人民法院 rather than 绍兴市越城区人民法院
    half_brackets: bool  # (2019) rather than （2019）
    colon_after_role: bool  # 原告：张三 rather than 原告张三
    amount: str  # plain | wan | comma | rmb | decimal
    zero: str  # 〇 or ○ in Chinese-numeral dates
    sign_spacing: str  # how the signature block is spaced
    print_id: bool  # print ID numbers / credit codes of parties
    verified_line: bool  # 本件与原本核对无异
    trailer: bool  # metadata trailer of a site export (flat layout only)
    old_agent_label: bool  # 委托代理人 rather than 委托诉讼代理人


def draw_style(rng: random.Random, year: int, force_mask: str | None = None) -> Style:
    if force_mask is not None:
        mask = force_mask
    elif year <= 2017:
        mask = weighted(rng, [(FULL, 0.55), (MOU, 0.2), (MOUMOU, 0.13), (XX, 0.12)])
    else:
        mask = weighted(rng, [(FULL, 0.38), (MOU, 0.3), (MOUMOU, 0.2), (XX, 0.12)])
    layout = weighted(rng, list(LAYOUTS))
    return Style(
        mask=mask,
        layout=layout,
        title_line=rng.random() < 0.4,
        spaced_title=rng.random() < 0.7,
        province_prefix=rng.random() < 0.85,
        half_brackets=rng.random() < 0.12,
        colon_after_role=rng.random() < 0.6,
        amount=weighted(
            rng, [("plain", 0.6), ("wan", 0.15), ("comma", 0.08), ("rmb", 0.12), ("decimal", 0.05)]
        ),
        zero="○" if rng.random() < 0.15 else "〇",
        sign_spacing=weighted(rng, [("wide", 0.6), ("spread", 0.3), ("narrow", 0.1)]),
        print_id=mask == FULL and rng.random() < 0.2,
        verified_line=rng.random() < 0.3,
        trailer=layout == "flat" and rng.random() < 0.5,
        old_agent_label=year <= 2016 and rng.random() < 0.5,
    )
