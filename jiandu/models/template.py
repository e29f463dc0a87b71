"""Explanation templates: ``{name}`` placeholders filled from a result row, nothing more.

A template comes from a shared spec, so it gets Python's ``str.format`` syntax minus everything
that reaches into objects: no attribute or index access (``{a.b}``, ``{a[0]}``), no conversions
(``!r``), and format specs limited to short number formats (``{share:.0%}``, ``{amount:,.0f}``).
Missing values print as 未知.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Mapping
from typing import Any

UNKNOWN = "未知"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SPEC = re.compile(r"^[<>^=]?[+\- ]?[0-9]{0,2}[,_]?(\.[0-9]{1,2})?[dfegs%]?$")
MAX_TEMPLATE = 4000


class TemplateError(ValueError):
    """The template uses something other than plain ``{name}`` fields."""


def fields(template: str) -> list[str]:
    """Names the template uses, in order; TemplateError for anything unsafe."""
    if len(template) > MAX_TEMPLATE:
        raise TemplateError(f"explanation template is longer than {MAX_TEMPLATE} characters")
    names: list[str] = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise TemplateError(f"explanation template does not parse: {exc}") from None
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not _NAME.match(name):
            raise TemplateError(
                f"explanation field {{{name}}} is not a plain name (no attribute, index or positional fields)"
            )
        if conversion:
            raise TemplateError(f"explanation field {{{name}!{conversion}}}: conversions are not allowed")
        if spec and not _SPEC.match(spec):
            raise TemplateError(f"explanation field {{{name}:{spec}}}: format spec not allowed")
        names.append(name)
    return names


def _show(value: Any, spec: str) -> str:
    if value is None:
        return UNKNOWN
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "、".join(_show(v, "") for v in value)
    if spec:
        try:
            return format(value, spec)
        except (ValueError, TypeError):
            return str(value)
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e15 else f"{value:.0f}"
    return str(value)


def render(template: str, values: Mapping[str, Any]) -> str:
    """Fill a template checked by `fields`; unknown names print as 未知."""
    out: list[str] = []
    for literal, name, spec, _conversion in string.Formatter().parse(template):
        out.append(literal)
        if name is not None:
            out.append(_show(values.get(name), spec or ""))
    return "".join(out)
