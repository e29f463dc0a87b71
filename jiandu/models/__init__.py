"""Supervision models as data: the core (specs, the SQL guard, regions, the library, operators
and the runner) and one package per domain (``civil/``), declared in `jiandu.domains`.

See ``spec.py`` for the spec format, ``sql_guard.py`` for what a spec's SQL may do,
``operators.py`` for the derived tables built before models run and ``runner.py`` for how a
run scores, explains and stores clues; docs/models.md describes the layout.
"""

from jiandu.models.library import Library
from jiandu.models.operators import register_domains
from jiandu.models.spec import ModelSpec, SpecError, parse_spec
from jiandu.models.sql_guard import SqlRefused, check_sql

register_domains()  # every declared domain's operators, after the core's

__all__ = ["Library", "ModelSpec", "SpecError", "SqlRefused", "check_sql", "parse_spec"]
