"""The refined-oil domain (成品油): non-standard oil (非标油) tax evasion by mass balance.

Tanker tracks (JT/T 808/809 platform exports) give unloading events at fuel stations: stops
detected in SQL on the engine (`operators/stops.py`), matched to station geofences (radius or
polygon, `operators/visits.py`) with coordinates converted to WGS-84 (`jiandu/geo.py`). The model
``oil.nonstandard_fuel_mass_balance`` compares, per station and month, the volume unloaded with
the 成品油 purchases on VAT invoices and the sales declared in tax returns, and prices the gap
with dated tax rates (`rates.yaml`, operator ``oil_tax_rates``). ``patterns/`` builds the
synthetic fleet with planted positives and near misses. Declared in `jiandu.domains`; see
docs/models.md ("The refined-oil family").
"""
