"""The declared list of model domains: the one place that names them.

A domain is a package under ``jiandu.models`` (``jiandu/models/<name>/``) that holds one family
of supervision models side by side:

- ``specs/*.yaml`` — its built-in model specs (file name = model id, e.g. ``civil.serial_suit``);
- ``operators/`` — a package whose ``OPERATORS`` tuple lists the operators that build the
  derived tables its models read, in the order they run (each declares its tables in
  ``jiandu/schema/derived.yaml``);
- ``patterns/`` — a package whose ``PATTERNS`` tuple lists the patterns it plants in the
  synthetic county (`jiandu.synth.patterns.Pattern`), in planting order;
- its tests live in ``tests/models/<name>/``.

The core (``jiandu.models`` modules, ``jiandu.synth``) finds the domains here, by name, and
imports them with `importlib`; it never imports a domain by a statement of its own, and no
domain imports another (``tests/models/test_layout.py`` checks both). To add a domain, add its
name to `DOMAINS`.
"""

from __future__ import annotations

import importlib
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["DOMAINS", "domain_operators", "domain_package", "domain_patterns", "domain_spec_dirs"]

# In this order: the library loads specs, the registry appends operators and the synthetic county
# plants patterns domain by domain.
DOMAINS: tuple[str, ...] = ("civil", "execution", "insurance", "oil", "hotels", "land", "water", "social")


def domain_package(name: str) -> str:
    """The import name of a domain's package."""
    if name not in DOMAINS:
        raise KeyError(f"no domain {name!r}; declared: {', '.join(DOMAINS)}")
    return f"jiandu.models.{name}"


def _part(name: str, part: str) -> ModuleType:
    return importlib.import_module(f"{domain_package(name)}.{part}")


def domain_spec_dirs() -> list[Path]:
    """Each declared domain's folder of built-in specs, in `DOMAINS` order."""
    return [Path(str(resources.files(domain_package(d)).joinpath("specs"))) for d in DOMAINS]


def domain_operators() -> list[Any]:
    """The operators of every declared domain, domain by domain, each in its declared order."""
    return [op for d in DOMAINS for op in _part(d, "operators").OPERATORS]


def domain_patterns() -> list[Any]:
    """The synthetic patterns of every declared domain, domain by domain, in planting order."""
    return [p for d in DOMAINS for p in _part(d, "patterns").PATTERNS]
