"""What the synthetic county plants for the execution models (`PATTERNS`, in planting priority).

Each pattern plants positives and near misses; its instances carry their agency rows
(`Instance.rows`, in the layouts of ``exports``, read by the declared sources in
``jiandu/sources/builtin``) and its register writer (``background.writer``) writes them in one
batch of the exports, mixed with a share of the county's honest background.
"""

from __future__ import annotations

from jiandu.models.execution.patterns import background, ban_violation, batch_anomaly, final_closure, refusal
from jiandu.synth.patterns import Pattern

__all__ = ["PATTERNS"]

PATTERNS: tuple[Pattern, ...] = (
    Pattern(ban_violation.PATTERN, ban_violation.plan, registers=background.writer(1)),
    # the 终本 pattern's writer also writes every other case's measures: it knows its own
    Pattern(final_closure.PATTERN, final_closure.plan, registers=background.writer(2, singles=True)),
    Pattern(refusal.PATTERN, refusal.plan, registers=background.writer(3)),
    Pattern(batch_anomaly.PATTERN, batch_anomaly.plan),  # execution register rows only
)
