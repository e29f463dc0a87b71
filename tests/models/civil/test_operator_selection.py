"""A model run builds only the derived tables its models read, and what those are built from."""

from __future__ import annotations

import jiandu.models.runner  # noqa: F401  registers every built-in operator
from jiandu.models.civil.operators import OPERATORS as CIVIL_OPERATORS
from jiandu.models.library import FALSE_LITIGATION_FAMILY, Library
from jiandu.models.operators import OPERATORS, operators_for

CORE = ("entity_resolution", "party_keys", "party_stats")


def names_for(*model_ids: str) -> list[str]:
    library = Library()
    return [op.name for op in operators_for(t for m in model_ids for t in library.get(m).inputs)]


def test_the_family_needs_every_core_and_civil_operator_but_party_stats() -> None:
    """... and none of another domain's, in registry order."""
    chosen = names_for(*FALSE_LITIGATION_FAMILY)
    ours = {*CORE, *(op.name for op in CIVIL_OPERATORS)} - {"party_stats"}
    assert chosen == [op.name for op in OPERATORS if op.name in ours]
    assert set(chosen) == ours


def test_a_model_reading_one_derived_table_builds_only_that() -> None:
    # routine-loan signs read the canonical tables, loan_signs (which reads canonical tables) and
    # interest_caps (which reads none: it is the dated legal data of jiandu.legal)
    assert names_for("civil.routine_loan_signs") == ["loan_signs", "interest_caps"]


def test_operators_come_in_registry_order_with_their_producers() -> None:
    chosen = names_for("civil.serial_suit")
    order = [op.name for op in OPERATORS]
    assert chosen == sorted(chosen, key=order.index)
    assert {"entity_resolution", "party_keys", "party_links", "execution_applications"} <= set(chosen)
    assert "person_relations" not in chosen and "party_stats" not in chosen


def test_a_model_reading_party_stats_gets_it_and_its_inputs() -> None:
    chosen = names_for("civil.repeat_plaintiff_basic")
    assert chosen[-1] == "party_stats"
    assert {"entity_resolution", "party_keys"} <= set(chosen)
    assert "loan_signs" not in chosen


def test_unknown_tables_need_no_operator() -> None:
    assert operators_for(["documents", "cases"]) == []
