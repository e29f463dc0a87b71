"""Where declarations live: built-in ones shipped with the package, and a workspace's own.

Built-in sources are `jiandu/sources/builtin/*.yaml`; a workspace adds its own in
``WORKSPACE/sources/`` (`jiandu sources add FILE` copies a validated declaration there). A
workspace source with the id of a built-in one replaces it in that workspace.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from jiandu.sources.model import MAX_SOURCE_BYTES, Source, SourceError
from jiandu.sources.safe_yaml import UnsafeYaml, safe_load

MAX_ERROR_LINES = 40
FILE_MODE = 0o600
FOLDER_MODE = 0o700


@dataclass(frozen=True, slots=True)
class LoadedSource:
    source: Source
    origin: str  # builtin | workspace
    path: str


def _clip(text: object, limit: int = 200) -> str:
    value = str(text)
    return value if len(value) <= limit else value[:limit] + f"…(+{len(value) - limit} chars)"


def parse_source(data: Any, *, where: str = "source") -> Source:
    """A validated declaration from parsed YAML; `SourceError` lists every problem."""
    if not isinstance(data, dict):
        raise SourceError(f"{_clip(where)}: a source must be a mapping, got {type(data).__name__}")
    try:
        return Source.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors()[:MAX_ERROR_LINES]:
            loc = ".".join(str(p) for p in err["loc"]) or "source"
            lines.append(f"  {_clip(loc, 80)}: {_clip(str(err['msg']).removeprefix('Value error, '), 400)}")
        more = len(exc.errors()) - MAX_ERROR_LINES
        if more > 0:
            lines.append(f"  … and {more} more problems")
        raise SourceError(f"{_clip(where)}: invalid source\n" + "\n".join(lines)) from None


def parse_source_text(text: str, *, where: str = "source") -> Source:
    try:
        data = safe_load(text, max_bytes=MAX_SOURCE_BYTES, what="source files")
    except UnsafeYaml as exc:
        raise SourceError(f"{_clip(where)}: {_clip(exc, 400)}") from None
    return parse_source(data, where=where)


def _read_raw(path: Path) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            raw = handle.read(MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        raise SourceError(f"{_clip(path)}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_SOURCE_BYTES:
        raise SourceError(f"{_clip(path)}: larger than {MAX_SOURCE_BYTES // 1024} KB; not read")
    return raw


def _parse_raw(raw: bytes, where: str) -> Source:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SourceError(f"{_clip(where)}: not UTF-8 text") from None
    return parse_source_text(text, where=where)


def read_source_file(path: Path) -> Source:
    """Read and validate one declaration: size checked before reading, links not followed."""
    return _parse_raw(_read_raw(path), str(path))


@cache
def _builtin_sources() -> tuple[LoadedSource, ...]:
    folder = resources.files("jiandu.sources").joinpath("builtin")
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            source = parse_source_text(entry.read_text("utf-8"), where=f"builtin/{entry.name}")
            out.append(LoadedSource(source, "builtin", f"builtin/{entry.name}"))
    return tuple(out)


def builtin_sources() -> list[LoadedSource]:
    """The sources shipped with the package (read once per process)."""
    return list(_builtin_sources())


def sources_dir(workspace_root: Path) -> Path:
    return workspace_root / "sources"


@dataclass(slots=True)
class Catalogue:
    """Every source of a workspace (its own first, then the built-in ones) and the problems of
    workspace files that do not load (they are reported, never half-used)."""

    sources: list[LoadedSource]
    problems: list[str]

    def get(self, source_id: str) -> LoadedSource:
        for loaded in self.sources:
            if loaded.source.id == source_id:
                return loaded
        raise KeyError(f"no source {source_id!r}; see `jiandu sources list`")

    def for_table(self, table: str) -> list[LoadedSource]:
        return [s for s in self.sources if s.source.table == table]

    def for_file(self, name: str, fmt: str) -> list[LoadedSource]:
        """Sources whose file-name patterns and formats match (workspace ones first)."""
        lowered = name.lower()
        return [
            s
            for s in self.sources
            if fmt in s.source.files.format
            and any(fnmatch.fnmatchcase(lowered, p.lower()) for p in s.source.files.names)
        ]


def catalogue(workspace_root: Path | None = None) -> Catalogue:
    builtin = builtin_sources()
    own: list[LoadedSource] = []
    problems: list[str] = []
    if workspace_root is not None and sources_dir(workspace_root).is_dir():
        for path in sorted(sources_dir(workspace_root).glob("*.yaml")):
            try:
                own.append(LoadedSource(read_source_file(path), "workspace", str(path)))
            except SourceError as exc:
                problems.append(str(exc))
    replaced = {s.source.id for s in own}
    return Catalogue(own + [s for s in builtin if s.source.id not in replaced], problems)


def add_source(workspace_root: Path, path: Path) -> LoadedSource:
    """Validate ``path`` and copy it to the workspace's sources folder as ``<id>.yaml``."""
    data = _read_raw(path)  # read once: what is validated is what is copied
    source = _parse_raw(data, str(path))
    folder = sources_dir(workspace_root)
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    os.chmod(folder, FOLDER_MODE)
    target = folder / f"{source.id}.yaml"
    tmp = folder / f".{source.id}.yaml.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(tmp, flags, FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, target)
    return LoadedSource(source, "workspace", str(target))
