"""What the synthetic county plants for the land models (`PATTERNS`, in planting priority).

Each pattern plants positives and near misses; its instances carry their agency rows
(`Instance.rows`, in the layouts of ``exports``, read by the declared sources natres.* and
tax.land_fee_payments) and its register writer writes them in one batch of the exports (the
transfers' batch with the honest background of transfers and payments, the penalties' batch
with the background of decisions). Every pattern draws from its own random stream.
"""

from __future__ import annotations

from jiandu.models.land.patterns import arrears, background, idle, penalties
from jiandu.synth.patterns import Pattern

__all__ = ["PATTERNS"]

PATTERNS: tuple[Pattern, ...] = (
    Pattern(arrears.PATTERN, arrears.plan, registers=background.writer(1, background.transfers)),
    Pattern(idle.PATTERN, idle.plan, registers=background.writer(2)),
    Pattern(penalties.PATTERN, penalties.plan, registers=background.writer(3, background.penalties)),
)
