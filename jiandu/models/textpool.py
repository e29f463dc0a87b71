"""Per-document text work on every core: kept here for the operators that import it; the pool
lives in `jiandu.engines.textpool` so that the engines (which stream `map_arrow` through it)
never import the models package."""

from jiandu.engines.textpool import ROWS_PER_TASK, map_batches, map_slices, shutdown, warm

__all__ = ["ROWS_PER_TASK", "map_batches", "map_slices", "shutdown", "warm"]
