"""Legal parameters as dated data: the one-year LPR and the private-lending interest cap.

National law lives here as YAML (``lpr.yaml``, ``interest_caps.yaml``), read once; region files
(``jiandu/models/regions``) cannot change it. See docs/models.md, "Legal parameters as dated data".
"""

from jiandu.legal.rates import (
    CapPeriod,
    InterestCap,
    cap_periods,
    data_version,
    interest_cap,
    lpr_on,
)

__all__ = ["CapPeriod", "InterestCap", "cap_periods", "data_version", "interest_cap", "lpr_on"]
