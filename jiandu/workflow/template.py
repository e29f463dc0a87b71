"""The default 检察建议书 template, built with python-docx and filled by docxtpl.

The template is generated in code (no binary file in the repository); `jiandu governance
template --output FILE` writes it out so an office can restyle it and put it at
``<workspace>/templates/suggestion.docx``, which is then used instead. Variables: see
`jiandu.workflow.governance.draft_context`.
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

BODY_FONT = "仿宋"
TITLE_FONT = "宋体"


def _font(run: Any, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _para(
    doc: Any,
    text: str,
    *,
    size: float = 16,
    bold: bool = False,
    align=None,
    font: str = BODY_FONT,
    indent: bool = False,
):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    _font(p.add_run(text), font, size, bold)
    return p


@lru_cache(maxsize=1)
def default_template() -> bytes:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, "{{ office_name }}", size=22, bold=True, align=center, font=TITLE_FONT)
    _para(doc, "检察建议书", size=26, bold=True, align=center, font=TITLE_FONT)
    _para(doc, "{{ doc_number }}", align=center)
    _para(doc, "{{ addressee }}：")
    _para(
        doc,
        "本院在履行法律监督职责中，运用大数据法律监督模型“{{ model_title }}”（编号 {{ model_id }}，"
        "版本 {{ model_versions }}）对{{ court_name }}{{ year_span }}办理的案件进行筛查。经检察官逐条核查，"
        "确认线索{{ clue_count }}条，涉及案件{{ case_count }}件、当事人{{ subject_count }}个，"
        "线索平均风险分{{ mean_score }}分。现将有关情况通报如下：",
        indent=True,
    )
    _para(doc, "一、发现的问题", bold=True, indent=True)
    _para(doc, "{{ problem }}", indent=True)
    _para(doc, "涉及案件如下：", indent=True)
    table = doc.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("序号", "对象", "风险分", "涉及案号"), strict=True):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for item in items %}"
    row = table.rows[2].cells
    row[0].text = "{{ item.n }}"
    row[1].text = "{{ item.subject }}"
    row[2].text = "{{ item.score }}"
    row[3].text = "{{ item.case_numbers }}"
    table.rows[3].cells[0].text = "{%tr endfor %}"
    _para(doc, "二、检察建议", bold=True, indent=True)
    _para(doc, "（一）对上述{{ case_count }}件案件依法进行复查，对确有错误的依法予以纠正；", indent=True)
    _para(
        doc, "（二）加强对同类案件的审查甄别，建立类案预警与协同治理机制，防止同类问题再次发生；", indent=True
    )
    _para(doc, "（三）加强业务培训，统一类案裁判尺度，规范司法行为。", indent=True)
    _para(
        doc,
        "根据《中华人民共和国人民检察院组织法》第二十一条和《人民检察院检察建议工作规定》的有关规定，"
        "请你院在收到本检察建议书之日起两个月以内，将采纳检察建议的情况书面回复本院。",
        indent=True,
    )
    right = WD_ALIGN_PARAGRAPH.RIGHT
    _para(doc, "{{ office_name }}", align=right)
    _para(doc, "{{ date_zh }}", align=right)
    _para(doc, "（本文书为系统根据已核实线索生成的草稿，须经检察官审核修改后方可使用。）", size=10.5)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
