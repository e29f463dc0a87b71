"""Region files: per-region parameter values for models (e.g. Zhejiang's lender counts).

A region file is YAML::

    region: zhejiang
    name_zh: 浙江省
    description_zh: 浙江省高级人民法院等2018年职业放贷人认定标准
    models:
      civil.repeat_plaintiff_basic:
        min_suits: 10

Built-in regions live in ``jiandu/models/regions/``; a workspace may add ``<workspace>/regions/``.
Every value is checked against the model's declared type and range when the region is loaded
for a run, and by `check_region` (``jiandu models validate --region``).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from jiandu.models.parameters import ParameterError, ParamValue
from jiandu.models.spec import ModelSpec, SpecError, load_yaml

REGION_PATTERN = r"^[a-z][a-z0-9_-]*$"


class RegionError(ValueError):
    """A region file is missing or sets something its models do not accept."""


class Region(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    region: str = Field(pattern=REGION_PATTERN)
    name_zh: str = Field(min_length=1)
    description_zh: str | None = None
    models: dict[str, dict[str, Any]] = Field(default_factory=dict)

    def parameters_for(self, spec: ModelSpec) -> dict[str, ParamValue]:
        """Defaults overridden by this region's values for one model."""
        try:
            return spec.resolve(self.models.get(spec.id), origin=f"region {self.region}")
        except ParameterError as exc:
            raise RegionError(str(exc)) from None


def builtin_regions_dir() -> Path:
    return Path(str(resources.files("jiandu.models").joinpath("regions")))


def parse_region(data: Any, *, source: str) -> Region:
    if not isinstance(data, dict):
        raise RegionError(f"{source}: a region file must be a mapping")
    try:
        return Region.model_validate(data)
    except ValidationError as exc:
        details = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'region'}: {e['msg']}" for e in exc.errors()
        )
        raise RegionError(f"{source}: invalid region file: {details}") from None


def load_region(name_or_path: str, workspace_regions: Path | None = None) -> Region:
    """A region by name (workspace first, then built-in) or by path to a YAML file."""
    candidates: list[Path] = []
    as_path = Path(name_or_path)
    if as_path.suffix in (".yaml", ".yml") or as_path.is_file():
        candidates.append(as_path)
    else:
        if workspace_regions is not None:
            candidates.append(workspace_regions / f"{name_or_path}.yaml")
        candidates.append(builtin_regions_dir() / f"{name_or_path}.yaml")
    for path in candidates:
        if path.is_file():
            try:
                return parse_region(load_yaml(path), source=str(path))
            except SpecError as exc:
                raise RegionError(str(exc)) from None
    raise RegionError(f"no region {name_or_path!r} (looked in {', '.join(str(p) for p in candidates)})")


def available_regions(workspace_regions: Path | None = None) -> list[str]:
    names = {p.stem for p in builtin_regions_dir().glob("*.yaml")}
    if workspace_regions is not None and workspace_regions.is_dir():
        names |= {p.stem for p in workspace_regions.glob("*.yaml")}
    return sorted(names)


def check_region(region: Region, specs: Mapping[str, ModelSpec]) -> list[str]:
    """Every problem of a region against installed models (empty: fine)."""
    problems: list[str] = []
    for model_id, values in region.models.items():
        spec = specs.get(model_id)
        if spec is None:
            problems.append(f"region {region.region}: model {model_id} is not installed")
            continue
        try:
            region.parameters_for(spec)
        except RegionError as exc:
            problems.append(str(exc))
        if not isinstance(values, dict):
            problems.append(f"region {region.region}: model {model_id}: values must be a mapping")
    return problems
