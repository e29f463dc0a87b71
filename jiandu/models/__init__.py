"""Supervision models as data: specs, the SQL guard, regions, the library, operators and the runner.

See ``spec.py`` for the spec format, ``sql_guard.py`` for what a spec's SQL may do,
``operators.py`` for the derived tables built before models run and ``runner.py`` for how a
run scores, explains and stores clues.
"""

from jiandu.models import operators_civil as _operators_civil  # noqa: F401  (registers its operators)
from jiandu.models import operators_collusion as _operators_collusion  # noqa: F401  (registers its operators)
from jiandu.models import operators_legal as _operators_legal  # noqa: F401  (registers its operators)
from jiandu.models import operators_mentions as _operators_mentions  # noqa: F401  (registers its operators)
from jiandu.models.library import Library
from jiandu.models.spec import ModelSpec, SpecError, parse_spec
from jiandu.models.sql_guard import SqlRefused, check_sql

__all__ = ["Library", "ModelSpec", "SpecError", "SqlRefused", "check_sql", "parse_spec"]
