"""YAML that came from elsewhere (a shared model spec, a source declaration), read safely.

PyYAML's safe loader (no Python objects, no code), without aliases (no billion laughs), with a
nesting limit and a size limit checked before parsing. Model specs and source declarations use
this one loader.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_YAML_DEPTH = 64  # nesting of mappings and lists


class UnsafeYaml(ValueError):
    """The text is too large, not YAML, or uses what a shared file may not (aliases, depth)."""


class SafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases and with a depth limit."""

    what = "shared files"

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(
                None, None, f"YAML aliases (*name) are not allowed in {self.what}", mark
            )
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                mark = self.peek_event().start_mark
                raise yaml.composer.ComposerError(
                    None, None, f"YAML nested deeper than {MAX_YAML_DEPTH} levels", mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def safe_load(text: str, *, max_bytes: int, what: str = "shared files") -> Any:
    """Parse `text`; `UnsafeYaml` names the problem (size, syntax, alias, depth)."""
    if len(text.encode("utf-8")) > max_bytes:
        raise UnsafeYaml(f"larger than {max_bytes // 1024} KB; not read")
    loader = type("_Loader", (SafeLoader,), {"what": what})(text)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        raise UnsafeYaml(f"cannot read YAML: {exc}") from None
    finally:
        loader.dispose()
