"""The default 检察建议书 template, built with python-docx and filled by docxtpl.

The layout follows GB/T 9704-2012 (党政机关公文格式): A4 paper, margins top 3.7 cm, bottom 3.5 cm,
left 2.8 cm, right 2.6 cm; body in 仿宋_GB2312 三号 (16 pt) on a fixed 28.95 pt line (22 lines
a page), first-level headings in 黑体, the issuing office and the title in 方正小标宋简体 二号
(22 pt); page numbers "— 1 —" at the foot. Where an office lacks 仿宋_GB2312 or 方正小标宋简体,
the font table names 仿宋 and 宋体 as their substitutes.

The template is generated in code (no binary file in the repository); `jiandu governance
template --output FILE` writes it out so an office can restyle it and put it at
``<workspace>/templates/suggestion.docx``, which is then used instead. Variables (see
`jiandu.workflow.governance.draft_context`): office_name, doc_number, addressee, opening,
finding, basis_intro, legal_basis (list), suggestion_intro, suggestions (list), reply, attachment,
date_zh, items (list of n, case_number, parties), and the figures case_count, subject_count,
year_span, model_title, court_name, case_numbers.
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
PAGE_NUMBER_FONT = "宋体"
# substitutes named in the font table for machines without the GB/T 9704 fonts
FONT_SUBSTITUTES = {BODY_FONT: "仿宋", TITLE_FONT: "宋体"}

PAGE_WIDTH_CM, PAGE_HEIGHT_CM = 21.0, 29.7  # A4
MARGINS_CM = {"top": 3.7, "bottom": 3.5, "left": 2.8, "right": 2.6}
SIZE_ER = 22.0  # 二号
SIZE_SAN = 16.0  # 三号
SIZE_SI = 14.0  # 四号
LINE_PT = 28.95  # 22 lines on the 22.5 cm type area

CENTER = WD_ALIGN_PARAGRAPH.CENTER
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY


def _set_fonts(rpr: Any, name: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _font(run: Any, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    _set_fonts(run._element.get_or_add_rPr(), name)


def _para(
    doc: Any,
    text: str,
    *,
    size: float = SIZE_SAN,
    align: Any = JUSTIFY,
    font: str = BODY_FONT,
    indent: bool = True,
    bold: bool = False,
    right_indent_chars: float = 0,
) -> Any:
    p = doc.add_paragraph()
    p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    if right_indent_chars:
        p.paragraph_format.right_indent = Pt(SIZE_SAN * right_indent_chars)
    if size > SIZE_SAN:  # title lines take their own height
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if text:
        _font(p.add_run(text), font, size, bold)
    return p


def _page(doc: Any) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Cm(PAGE_WIDTH_CM)
    section.page_height = Cm(PAGE_HEIGHT_CM)
    section.top_margin = Cm(MARGINS_CM["top"])
    section.bottom_margin = Cm(MARGINS_CM["bottom"])
    section.left_margin = Cm(MARGINS_CM["left"])
    section.right_margin = Cm(MARGINS_CM["right"])
    section.header_distance = Cm(1.5)
    section.footer_distance = Cm(2.5)
    footer = section.footer.paragraphs[0]
    footer.alignment = CENTER
    _font(footer.add_run("— "), PAGE_NUMBER_FONT, SIZE_SI)
    run = footer.add_run()
    _font(run, PAGE_NUMBER_FONT, SIZE_SI)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText" if text == " PAGE " else "w:t")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)
    _font(footer.add_run(" —"), PAGE_NUMBER_FONT, SIZE_SI)


def _normal_style(doc: Any) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(SIZE_SAN)
    rpr = normal.element.get_or_add_rPr()
    _set_fonts(rpr, BODY_FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)
    fmt = normal.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)


def _font_table(doc: Any) -> None:
    """Name a substitute for each GB/T 9704 font an office may not have installed."""
    part = doc.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
    )
    root = part.element if hasattr(part, "element") else None
    if root is None:
        return
    for name, substitute in FONT_SUBSTITUTES.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        alt = OxmlElement("w:altName")
        alt.set(qn("w:val"), substitute)
        charset = OxmlElement("w:charset")
        charset.set(qn("w:val"), "86")  # GB2312
        family = OxmlElement("w:family")
        family.set(qn("w:val"), "modern" if name == BODY_FONT else "roman")
        font.extend([alt, charset, family])
        root.append(font)


def _case_table(doc: Any) -> None:
    table = doc.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Cm(1.6), Cm(7.0), Cm(7.0))
    rows = (
        ("序号", "案号", "相关当事人"),
        ("{%tr for item in items %}", "", ""),
        ("{{ item.n }}", "{{ item.case_number }}", "{{ item.parties }}"),
        ("{%tr endfor %}", "", ""),
    )
    for row, texts in zip(table.rows, rows, strict=True):
        for cell, text, width in zip(row.cells, texts, widths, strict=True):
            cell.width = width
            p = cell.paragraphs[0]
            p.alignment = CENTER
            p.paragraph_format.first_line_indent = Pt(0)
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            if text:
                _font(p.add_run(text), HEADING_FONT if row is table.rows[0] else BODY_FONT, SIZE_SI)


@lru_cache(maxsize=1)
def default_template() -> bytes:
    """The built-in template (.docx bytes) with docxtpl variables."""
    doc = Document()
    _normal_style(doc)
    _page(doc)
    _font_table(doc)
    # the front: issuing office, title, number, addressee
    _para(doc, "{{ office_name }}", size=SIZE_ER, align=CENTER, font=TITLE_FONT, indent=False)
    _para(doc, "检察建议书", size=SIZE_ER, align=CENTER, font=TITLE_FONT, indent=False)
    _para(doc, "", indent=False)
    _para(doc, "{{ doc_number }}", align=RIGHT, indent=False)
    _para(doc, "", indent=False)
    _para(doc, "{{ addressee }}：", indent=False)
    # the body
    _para(doc, "{{ opening }}")
    _para(doc, "一、发现的问题", font=HEADING_FONT)
    _para(doc, "{{ finding }}")
    _para(doc, "二、相关规定", font=HEADING_FONT)
    _para(doc, "{{ basis_intro }}")
    _para(doc, "{%p for basis in legal_basis %}")
    _para(doc, "{{ basis }}")
    _para(doc, "{%p endfor %}")
    _para(doc, "三、检察建议", font=HEADING_FONT)
    _para(doc, "{{ suggestion_intro }}")
    _para(doc, "{%p for suggestion in suggestions %}")
    _para(doc, "{{ suggestion }}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{{ reply }}")
    _para(doc, "")
    _para(doc, "{{ attachment }}")
    # signature: office and date, four characters from the right margin
    _para(doc, "", indent=False)
    _para(doc, "", indent=False)
    _para(doc, "{{ office_name }}", align=RIGHT, indent=False, right_indent_chars=4)
    _para(doc, "{{ date_zh }}", align=RIGHT, indent=False, right_indent_chars=4)
    _para(doc, "", indent=False)
    _para(
        doc,
        "（本稿由系统生成，须经承办检察官审核修改、按程序审批后方可印发。）",
        size=SIZE_SI,
    )
    # the attachment on its own page (when there are cases to list)
    _para(doc, "{%p if items %}", indent=False)
    brk = _para(doc, "", indent=False)
    brk.add_run().add_break(WD_BREAK.PAGE)
    _para(doc, "附件", font=HEADING_FONT, indent=False)
    _para(doc, "涉及案件清单", size=SIZE_ER, align=CENTER, font=TITLE_FONT, indent=False)
    _para(doc, "", indent=False)
    _case_table(doc)
    _para(doc, "{%p endif %}", indent=False)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
