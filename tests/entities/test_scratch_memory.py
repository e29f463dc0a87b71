"""Entity resolution's private DuckDB connections stay within a memory budget (issue 17)."""

from __future__ import annotations

import pytest

from jiandu.engines.duckdb_engine import scratch_connection
from jiandu.entities.clustering import Clusters, MentionFacts


def _limit_bytes(text: str) -> float:
    number, unit = text.split()
    return float(number) * {"KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}[unit]


def test_scratch_connection_has_the_default_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JIANDU_DUCKDB_SCRATCH_MEMORY_LIMIT", raising=False)
    con = scratch_connection(threads=1)
    try:
        limit = con.execute("SELECT current_setting('memory_limit')").fetchone()
        threads = con.execute("SELECT current_setting('threads')").fetchone()
    finally:
        con.close()
    assert limit is not None and threads is not None
    assert 0.9e9 <= _limit_bytes(str(limit[0])) <= 1.0e9  # 1GB (DuckDB shows 953.6 MiB)
    assert int(threads[0]) == 1


def test_scratch_budget_follows_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIANDU_DUCKDB_SCRATCH_MEMORY_LIMIT", "300MB")
    con = scratch_connection()
    try:
        limit = con.execute("SELECT current_setting('memory_limit')").fetchone()
    finally:
        con.close()
    assert limit is not None and 0.25e9 <= _limit_bytes(str(limit[0])) <= 0.3e9
    monkeypatch.setenv("JIANDU_DUCKDB_SCRATCH_MEMORY_LIMIT", "lots")
    with pytest.raises(ValueError, match="JIANDU_DUCKDB_SCRATCH_MEMORY_LIMIT"):
        scratch_connection()


def test_single_mention_sets_are_made_on_demand() -> None:
    facts = MentionFacts(doc_id=["d1", "d1", "d2", None], id_key=["k1", None, "k2", "k1"],
                         masked=[False] * 4)
    clusters = Clusters(facts)
    assert clusters.keys == {} and clusters.docs == {}  # nothing made up front
    # two parties of one document may not merge; two different keys may not merge
    assert clusters.apply(0, 1, check_keys=True, check_docs=True) == "conflict_document"
    assert clusters.apply(0, 2, check_keys=True, check_docs=True) == "conflict_id"
    assert clusters.apply(0, 3, check_keys=True, check_docs=True) == "linked"
    root = clusters.find(0)
    assert clusters.keys[root] == {"k1"} and clusters.docs[root] == {"d1"}
    assert clusters.apply(2, 3, check_keys=True, check_docs=True) == "conflict_id"
    assert clusters.apply(1, 3, check_keys=True, check_docs=True) == "conflict_document"


def test_scoring_gets_the_lower_of_its_budget_and_the_scratch_budget(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from jiandu.entities import ResolutionSettings
    from jiandu.entities.scoring import scoring_connection

    def limit(settings: ResolutionSettings) -> float:
        con = scoring_connection(settings)
        try:
            value = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        finally:
            con.close()
        return _limit_bytes(str(value))

    monkeypatch.delenv("JIANDU_DUCKDB_SCRATCH_MEMORY_LIMIT", raising=False)
    assert 0.5e9 <= limit(ResolutionSettings()) <= 0.52e9  # 512MB below the 1GB default
    assert 0.9e9 <= limit(ResolutionSettings(scoring_memory_mb=4000)) <= 1.0e9
    monkeypatch.setenv("JIANDU_DUCKDB_SCRATCH_MEMORY_LIMIT", "300MB")
    assert 0.25e9 <= limit(ResolutionSettings()) <= 0.3e9
