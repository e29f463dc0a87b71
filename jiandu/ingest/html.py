"""Visible text of an HTML page, as the national judgments site serves a document.

Block elements become line breaks; scripts, styles and the <head> (its title shows only in a
browser tab) disappear; inline markup is dropped.
Spans of the parsed record refer to the text returned here, which is what ingest stores.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from jiandu.ingest.rejection import Rejection

_BLOCK_TAGS = (
    "address,article,aside,blockquote,dd,div,dl,dt,footer,form,h1,h2,h3,h4,h5,h6,header,"
    "hr,li,main,nav,ol,p,pre,section,table,tr,ul,title"
)
_INVISIBLE_TAGS = "script,style,noscript,template,head > meta,head > link"
_SPACES = re.compile(r"[ \t\u00a0]+")

MAX_HTML_DEPTH = 512  # a judgment page nests a few dozen elements; hostile pages nest 100,000s
MAX_HTML_CHARS = 20 * 1024 * 1024
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*?(/?)>")
# elements that never nest (void) or whose end tag may be left out: they do not count as depth
_FLAT_TAGS = frozenset(
    {
        *("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"),
        *("source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option"),
        *("optgroup", "rb", "rt", "rp", "thead", "tbody", "tfoot", "colgroup", "caption"),
        *("html", "head", "body"),
    }
)


def nesting_depth(html: str, limit: int = MAX_HTML_DEPTH) -> int:
    """A cheap estimate of element nesting (opening minus closing tags), stopping past ``limit``."""
    depth = deepest = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.groups()
        if self_closing or name.lower() in _FLAT_TAGS:
            continue
        if closing:
            depth = max(0, depth - 1)
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest


def check_html(html: str, max_depth: int = MAX_HTML_DEPTH, max_chars: int = MAX_HTML_CHARS) -> None:
    """Raise `Rejection` for a page too large or too deeply nested to parse in bounded time."""
    if len(html) > max_chars:
        raise Rejection("oversized", f"HTML of {len(html)} characters exceeds the limit of {max_chars}")
    depth = nesting_depth(html, max_depth)
    if depth > max_depth:
        raise Rejection(
            "too_deep", f"HTML elements nested more than {max_depth} deep: not parsed (a hostile page?)"
        )


def html_to_text(html: str) -> str:
    """Return the visible text of ``html``: one line per block, no empty lines.

    Raises `Rejection` before parsing when the page is too large or too deeply nested."""
    check_html(html)
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
