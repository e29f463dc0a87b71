"""Primitives for hostile input that ingest (judgments) and declared sources (agency registers)
both use, below both: key normalisation (`identifiers`), binary detection (`binary`) and size
limits (`limits`). Importing nothing of jiandu, so neither package needs the other for them."""
