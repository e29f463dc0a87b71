"""Planted patterns. The generic part lives here (`Instance`, `Pattern`); the patterns themselves
live with their domain (``jiandu/models/<domain>/patterns/``), declared in `jiandu.domains`.
`declared_patterns` lists them in planting priority: domain by domain, each in its declared order."""

from __future__ import annotations

from functools import cache

from .base import Instance, Pattern, Planner, RegisterWriter, Views

__all__ = ["Instance", "Pattern", "Planner", "RegisterWriter", "Views", "declared_patterns"]


@cache
def declared_patterns() -> tuple[Pattern, ...]:
    """Every declared domain's patterns, in planting priority."""
    from jiandu.domains import domain_patterns

    return tuple(domain_patterns())
