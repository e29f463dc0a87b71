"""Typed model parameters and how their values reach the SQL.

A spec's SQL names parameters as ``:name`` (DuckDB's ``$name`` parses the same; ``?`` and ``$1``
are refused). Values (defaults, region overrides) are first checked
against the declared type and range, then bound by replacing each placeholder node of the parsed
SQL with a typed literal built by sqlglot, which quotes strings itself. Raw text is never pasted
into SQL.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlglot import exp

ParamType = Literal["integer", "number", "string", "boolean", "date", "string_list"]
PARAM_TYPE_NAMES_ZH: dict[str, str] = {
    "integer": "整数",
    "number": "数值",
    "string": "文本",
    "boolean": "是/否",
    "date": "日期",
    "string_list": "文本列表",
}
ParamValue = int | float | str | bool | dt.date | list[str]
MAX_STRING = 500
MAX_LIST = 200


class ParameterError(ValueError):
    """A parameter value does not fit its declaration."""


class Parameter(BaseModel):
    """One parameter: type, default, meaning, and bounds for numbers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: ParamType
    default: Any
    description_zh: str = Field(min_length=1)
    min: float | None = None
    max: float | None = None
    choices: list[str] | None = None

    @model_validator(mode="after")
    def _check(self) -> Parameter:
        if (self.min is not None or self.max is not None) and self.type not in (
            "integer",
            "number",
        ):
            raise ValueError(f"min/max apply to integer and number parameters, not {self.type}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        if self.choices is not None and self.type not in ("string", "string_list"):
            raise ValueError("choices apply to string and string_list parameters")
        self.coerce(self.default, where="default")
        return self

    def coerce(self, value: Any, *, where: str = "value") -> ParamValue:
        """The value as this parameter's Python type; ParameterError says what is wrong."""
        kind = self.type
        if kind == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                else:
                    raise ParameterError(f"{where} {value!r} is not an integer")
            self._range(value, where)
            return int(value)
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ParameterError(f"{where} {value!r} is not a number")
            if not math.isfinite(float(value)):
                raise ParameterError(f"{where} {value!r} is not a finite number")
            self._range(value, where)
            return float(value)
        if kind == "boolean":
            if not isinstance(value, bool):
                raise ParameterError(f"{where} {value!r} is not true or false")
            return value
        if kind == "date":
            if isinstance(value, dt.datetime):
                raise ParameterError(f"{where} {value!r} is a timestamp, not a date")
            if isinstance(value, dt.date):
                return value
            if isinstance(value, str):
                try:
                    return dt.date.fromisoformat(value)
                except ValueError:
                    pass
            raise ParameterError(f"{where} {value!r} is not a date (YYYY-MM-DD)")
        if kind == "string":
            return self._string(value, where)
        if not isinstance(value, list) or len(value) > MAX_LIST:
            raise ParameterError(f"{where} {value!r} is not a list of at most {MAX_LIST} strings")
        if not value:
            raise ParameterError(f"{where} is an empty list")
        return [self._string(item, where) for item in value]

    def _string(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise ParameterError(f"{where} {value!r} is not a string")
        if len(value) > MAX_STRING or "\x00" in value:
            raise ParameterError(f"{where} is longer than {MAX_STRING} characters or holds NUL")
        if self.choices is not None and value not in self.choices:
            raise ParameterError(f"{where} {value!r} is not one of {self.choices}")
        return value

    def _range(self, value: float, where: str) -> None:
        if self.min is not None and value < self.min:
            raise ParameterError(f"{where} {value!r} is below the minimum {self.min:g}")
        if self.max is not None and value > self.max:
            raise ParameterError(f"{where} {value!r} is above the maximum {self.max:g}")


def literal(value: ParamValue) -> exp.Expr:
    """A SQL literal for a checked value, built by sqlglot (which does the quoting)."""
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float):
        return exp.Literal.number(value)
    if isinstance(value, dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.build("DATE"))
    if isinstance(value, str):
        return exp.Literal.string(value)
    return exp.Array(expressions=[exp.Literal.string(v) for v in value])


def bind(tree: exp.Expr, values: dict[str, ParamValue]) -> exp.Expr:
    """A copy of the parsed SQL with every ``:name`` replaced by its literal.

    A list parameter used as ``x IN (:names)`` expands to the list items.
    """
    tree = tree.copy()
    for node in list(tree.find_all(exp.Placeholder)):
        name = str(node.name)
        if name not in values:
            raise ParameterError(f"parameter :{name} has no value")
        value = values[name]
        parent = node.parent
        if isinstance(value, list) and isinstance(parent, exp.In) and node in parent.expressions:
            items = [literal(v) for v in value]
            others = [e for e in parent.expressions if e is not node]
            parent.set("expressions", others + items)
        else:
            node.replace(literal(value))
    return tree


def to_json(value: ParamValue) -> Any:
    """A JSON-ready form of a value (dates as ISO text)."""
    return value.isoformat() if isinstance(value, dt.date) else value
