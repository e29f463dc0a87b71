"""Memory handed back between steps (`jiandu.memory`)."""

from __future__ import annotations

from jiandu.entities.names import name_info
from jiandu.inputs.identifiers import parse_id
from jiandu.memory import release_memory, step_cache

calls: list[str] = []


@step_cache(maxsize=100)
def _shout(word: str) -> str:
    calls.append(word)
    return word.upper()


def test_a_step_cache_serves_one_step_and_release_memory_empties_it() -> None:
    calls.clear()
    assert _shout("a") == "A" and _shout("a") == "A"
    assert calls == ["a"]  # the second call came from the cache
    release_memory()
    assert _shout.cache_info().currsize == 0
    assert _shout("a") == "A"
    assert calls == ["a", "a"]  # computed again after the release


def test_the_parsers_memoised_per_step_are_emptied() -> None:
    parse_id("330603199001011234")
    name_info("张三", "person")
    assert parse_id.cache_info().currsize > 0 and name_info.cache_info().currsize > 0
    release_memory()
    assert parse_id.cache_info().currsize == 0 and name_info.cache_info().currsize == 0
