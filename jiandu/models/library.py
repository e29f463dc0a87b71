"""The model library: built-in specs plus the specs a workspace installed, and sharing them.

Built-in specs are the ``specs/*.yaml`` of each domain package declared in `jiandu.domains`
(``jiandu/models/civil/specs/``, ...); installed specs are ``<workspace>/models/*.yaml`` and win
over a built-in spec with the same id (a localised copy).

Export writes one self-contained YAML file another office can import::

    format: jiandu-model/1
    sha256: <hash of the spec's canonical JSON>
    exported_by: {software: jiandu 0.1.0, exported_at: 2025-01-01T00:00:00Z, office: ...}
    spec: {id: ..., version: ..., ...}

Import refuses a file whose hash does not match its spec (changed after export), then validates
the spec in full (fields, SQL guard, known tables) before anything is written.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from jiandu import __version__
from jiandu.domains import domain_spec_dirs
from jiandu.models.spec import ModelSpec, SpecError, clip, load_yaml, parse_spec, spec_hash

EXPORT_FORMAT = "jiandu-model/1"
BUNDLE_KEYS = frozenset({"format", "sha256", "exported_by", "spec", "imported_at"})

# The built-in false-litigation family (虚假诉讼), in the order of issue 4 and docs/models.md.
FALSE_LITIGATION_FAMILY = (
    "civil.professional_lender",
    "civil.serial_suit",
    "civil.collusive_debt_evasion",
    "civil.debt_assignment_after_listing",
    "civil.insurance_claim_suits",
    "civil.routine_loan_signs",
)


@dataclass(frozen=True, slots=True)
class LoadedSpec:
    spec: ModelSpec
    origin: str  # builtin | workspace
    path: Path
    metadata: dict[str, Any] = field(default_factory=dict)  # exporter metadata of an imported spec


def builtin_spec_dirs() -> list[Path]:
    """The folders of built-in specs: one per declared domain, in `jiandu.domains.DOMAINS` order."""
    return domain_spec_dirs()


def builtin_spec_path(model_id: str) -> Path | None:
    """The file of a built-in spec (built-in specs are named by their id), None when unknown."""
    for folder in builtin_spec_dirs():
        path = folder / f"{model_id}.yaml"
        if path.is_file():
            return path
    return None


def builtin_specs_dir() -> Path:
    """The folder of the first declared domain's specs (``civil``). Kept for callers that look
    up a civil spec by file name; use `builtin_spec_path` or `builtin_spec_dirs`, which see
    every domain."""
    return builtin_spec_dirs()[0]


def read_spec_file(path: Path) -> tuple[ModelSpec, dict[str, Any]]:
    """A spec from a plain spec file or an export bundle (whose hash is checked)."""
    data = load_yaml(path)
    if isinstance(data, dict) and data.get("format") == EXPORT_FORMAT:
        return unbundle(data, source=str(path))
    return parse_spec(data, source=str(path)), {}


def unbundle(data: dict[str, Any], *, source: str) -> tuple[ModelSpec, dict[str, Any]]:
    """The spec of an export bundle, its structure checked before its content is hashed."""
    source = clip(source)
    strange = sorted(str(k) for k in data if k not in BUNDLE_KEYS)
    if strange:
        raise SpecError(f"{source}: export bundle has unknown keys {clip(strange)}")
    raw = data.get("spec")
    if not isinstance(raw, dict):
        raise SpecError(f"{source}: export bundle has no spec mapping")
    declared = data.get("sha256")
    if not isinstance(declared, str) or not re.fullmatch(r"[0-9a-f]{64}", declared):
        raise SpecError(f"{source}: export bundle has no sha256 of 64 hex digits: {clip(declared)}")
    exported_by = data.get("exported_by")
    if exported_by is not None and not (
        isinstance(exported_by, dict) and all(isinstance(v, str | int | float) for v in exported_by.values())
    ):
        raise SpecError(f"{source}: export bundle's exported_by is not a flat mapping")
    actual = spec_hash(raw)
    if declared != actual:
        raise SpecError(
            f"{source}: content hash mismatch: the spec was changed after export "
            f"(declared {declared}, actual {actual}); ask the exporting office for a fresh export"
        )
    spec = parse_spec(raw, source=source)
    if spec.content_hash() != actual:
        raise SpecError(f"{source}: spec does not round-trip to its exported form (hash differs)")
    return spec, {k: v for k, v in data.items() if k != "spec"}


def bundle(spec: ModelSpec, *, office: str | None = None, now: dt.datetime | None = None) -> dict[str, Any]:
    """The export form of a spec."""
    when = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    exported_by: dict[str, Any] = {"software": f"jiandu {__version__}", "exported_at": when}
    if office:
        exported_by["office"] = office
    return {
        "format": EXPORT_FORMAT,
        "sha256": spec.content_hash(),
        "exported_by": exported_by,
        "spec": spec.model_dump(mode="json"),
    }


def dump_yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


class Library:
    """Specs by id; `problems` lists files that did not load (and why)."""

    def __init__(self, workspace_models: Path | None = None) -> None:
        self.workspace_models = workspace_models
        self.specs: dict[str, LoadedSpec] = {}
        self.problems: list[str] = []
        for folder in builtin_spec_dirs():
            self._load(folder, "builtin")
        self.builtin: dict[str, ModelSpec] = {k: v.spec for k, v in self.specs.items()}
        if workspace_models is not None and workspace_models.is_dir():
            self._load(workspace_models, "workspace")

    @classmethod
    def for_workspace(cls, root: Path) -> Library:
        return cls(root / "models")

    def _load(self, folder: Path, origin: str) -> None:
        for path in sorted(folder.glob("*.yaml")):
            try:
                spec, meta = read_spec_file(path)
            except SpecError as exc:
                self.problems.append(str(exc))
                continue
            self.specs[spec.id] = LoadedSpec(spec, origin, path, meta)

    def get(self, model_id: str) -> ModelSpec:
        try:
            return self.specs[model_id].spec
        except KeyError:
            raise KeyError(
                f"no model {model_id!r}; installed: {', '.join(sorted(self.specs)) or '(none)'}"
            ) from None

    def all(self) -> dict[str, ModelSpec]:
        return {k: v.spec for k, v in sorted(self.specs.items())}

    def enabled(self) -> list[ModelSpec]:
        return [s for s in self.all().values() if s.enabled]

    def replaces_builtin(self, spec: ModelSpec) -> ModelSpec | None:
        """The built-in model `spec` would replace with different content, if any."""
        builtin = self.builtin.get(spec.id)
        if builtin is None or builtin.content_hash() == spec.content_hash():
            return None
        return builtin

    def install(self, path: Path, *, replace: bool = False, override_builtin: bool = False) -> ModelSpec:
        """Validate a spec or export bundle and copy it into the workspace library.

        A spec with a built-in model's id but different content is refused unless
        `override_builtin` is given (the caller records the override in the audit log).
        """
        if self.workspace_models is None:
            raise SpecError("no workspace to install into")
        spec, meta = read_spec_file(path)  # hash + full validation before anything is stored
        builtin = self.replaces_builtin(spec)
        if builtin is not None and not override_builtin:
            raise SpecError(
                f"model {spec.id} is a built-in model (version {builtin.version}); importing "
                "would replace it. 该模型为内置模型，导入将替换内置版本；如确需替换，请使用 "
                "--override-builtin（将记入审计日志）"
            )
        current = self.specs.get(spec.id)
        if current is not None and current.origin == "workspace" and not replace:
            if current.spec.content_hash() == spec.content_hash():
                return spec
            raise SpecError(
                f"model {spec.id} is already installed (version {current.spec.version}); "
                "use --replace to overwrite it"
            )
        data = bundle(spec)
        if meta.get("exported_by"):
            data["exported_by"] = meta["exported_by"]
        data["imported_at"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.workspace_models.mkdir(parents=True, exist_ok=True)
        target = self.workspace_models / f"{spec.id}.yaml"
        tmp = target.with_suffix(".yaml.tmp")
        tmp.write_text(dump_yaml(data), encoding="utf-8")
        tmp.replace(target)
        self.specs[spec.id] = LoadedSpec(spec, "workspace", target, data)
        return spec
