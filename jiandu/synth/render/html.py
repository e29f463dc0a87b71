"""HTML as the national judgments site serves a document: a title div, one div per
paragraph with inline styles, and some script and style noise around it."""

from __future__ import annotations

from html import escape

_HEAD_STYLE = (
    "body{margin:0;padding:0;font-family:'宋体'}.PDF_box{width:760px;margin:0 auto}"
    ".PDF_title{font-size:22pt;text-align:center;font-weight:bold;padding:20px 0}"
)
_SCRIPT = (
    "var _hmt = _hmt || [];(function(){var hm=document.createElement('script');"
    "hm.src='/static/js/stat.js';var s=document.getElementsByTagName('script')[0];"
    "s.parentNode.insertBefore(hm,s);})();"
)
_CENTER = "TEXT-ALIGN: center; LINE-HEIGHT: 25pt; MARGIN: 0.5pt 0cm; FONT-FAMILY: 宋体; FONT-SIZE: {size}pt;"
_RIGHT = (
    "TEXT-ALIGN: right; LINE-HEIGHT: 25pt; MARGIN: 0.5pt 36pt 0.5pt 0cm; FONT-FAMILY: 宋体; FONT-SIZE: 16pt;"
)
_BODY = "LINE-HEIGHT: 25pt; TEXT-INDENT: 30pt; MARGIN: 0.5pt 0cm; FONT-FAMILY: 宋体; FONT-SIZE: 16pt;"


def to_html(title: str, lines: list[str], charset: str, doc_uid: str) -> str:
    """``lines`` are the document paragraphs without a title line; the title goes in its own
    div (and in <title>)."""
    out = [
        "<!DOCTYPE html>",
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">',
        f"<title>{escape(title)}</title>",
        f'<style type="text/css">{_HEAD_STYLE}</style>',
        f'<script type="text/javascript">var docId="{doc_uid}";{_SCRIPT}</script>',
        "</head><body>",
        "<!-- content start -->",
        '<div id="DivContent" class="PDF_box">',
        f'<div class="PDF_title">{escape(title)}</div>',
        '<div class="PDF_pox">',
    ]
    for i, ln in enumerate(lines):
        if i == 0:
            style = _CENTER.format(size=18)
        elif i == 1:
            style = _CENTER.format(size=26)
        elif i == 2 or ln.startswith(
            ("审判", "书记", "代理", "人民陪审", "二〇", "二○", "本件", "审　", "书　")
        ):
            style = _RIGHT
        else:
            style = _BODY
        out.append(f"<div style='{style}'>{escape(ln)}</div>")
    out += [
        "</div></div>",
        "<!-- content end -->",
        '<script type="text/javascript">window.onload=function(){};</script>',
        "</body></html>",
        "",
    ]
    return "\n".join(out)
