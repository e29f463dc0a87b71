"""Visible text of an HTML page, as the national judgments site serves a document.

Block elements become line breaks; scripts, styles and the <head> (its title shows only in a
browser tab) disappear; inline markup is dropped.
Spans of the parsed record refer to the text returned here, which is what ingest stores.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

_BLOCK_TAGS = (
    "address,article,aside,blockquote,dd,div,dl,dt,footer,form,h1,h2,h3,h4,h5,h6,header,"
    "hr,li,main,nav,ol,p,pre,section,table,tr,ul,title"
)
_INVISIBLE_TAGS = "script,style,noscript,template,head > meta,head > link"
_SPACES = re.compile(r"[ \t\u00a0]+")


def html_to_text(html: str) -> str:
    """Return the visible text of ``html``: one line per block, no empty lines."""
    tree = LexborHTMLParser(html)
    for node in tree.css(_INVISIBLE_TAGS):
        node.decompose()
    root = tree.body
    if root is None:
        return ""
    for node in root.css("br"):
        node.replace_with("\n")
    for node in root.css(_BLOCK_TAGS):
        node.insert_after("\n")
    raw = root.text(separator="")
    lines = [_SPACES.sub(" ", line).strip() for line in raw.splitlines()]
    return "\n".join(line for line in lines if line)
