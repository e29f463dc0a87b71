"""Writing a case spec as a document: ``render(spec, rng, staff)`` -> ``Rendered``."""

from __future__ import annotations

import random

from ..cases import CaseSpec
from ..courts import Staff
from .base import DocBuilder, Rendered, layout
from .civil import CIVIL_RENDERERS
from .execution import EXECUTION_RENDERERS
from .phrasings import CASH
from .style import Style, draw_style

__all__ = ["Rendered", "Style", "draw_style", "render"]

_CASE_TYPE = {"judgment": "民事案件", "ruling": "民事案件", "mediation": "民事案件"}


def render(spec: CaseSpec, rng: random.Random, staff: Staff, style: Style | None = None) -> Rendered:
    year = spec.decided.year
    if style is None:
        style = draw_style(rng, year)
    b = DocBuilder(spec, style, rng, staff)
    fn = CIVIL_RENDERERS.get(spec.kind) or EXECUTION_RENDERERS[spec.kind]
    fn(b)
    title = b.expected.get("title") or _fallback_title(b)
    b.expected["title"] = b.expected.get("title")
    trailer = None
    if style.trailer:
        trailer = {
            "案件类型": "2" if spec.type_code.startswith("民") else "5",
            "裁判日期": spec.decided.isoformat(),
            "案件名称": title,
            "案号": spec.case_number,
            "法院名称": spec.court.name.removeprefix("浙江省"),
        }
    text = layout(b.lines, style, trailer)
    signs, near_misses = b.signs_in(text)
    b.expected["cash_delivery"] = any(x["code"] == CASH for x in signs)
    b.expected.update(
        {
            "court_code": spec.court.code,
            "cause": spec.cause,
            "case_category": "execution" if spec.type_code.startswith("执") else "civil",
            "procedure_track": None if spec.type_code.startswith("执") else spec.procedure,
            # only who the rendered text really names (a withdrawal ruling drops the facts)
            "mentions": [m for m in b.mentions() if m["name"] in text],
            # risk signs the text states and near misses it holds, with the variant and the
            # fragment as written (per-sign synthetic recall and precision)
            "signs": signs,
            "sign_near_misses": near_misses,
            "masking": style.mask,
            "layout": style.layout,
        }
    )
    return Rendered(lines=b.lines, title=title, style=style, expected=b.expected, text=text)


def _fallback_title(b: DocBuilder) -> str:
    s = b.spec
    word = {"judgment": "一审民事判决书", "mediation": "一审民事调解书"}.get(
        b.expected.get("doc_type", ""), "民事裁定书"
    )
    if s.type_code.startswith("执"):
        word = "执行裁定书"
    return f"{b.names(s.plaintiffs)}与{b.names(s.defendants)}{s.cause}{word}"
