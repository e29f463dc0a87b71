"""Resolved entities on top of the web-test workspace (tests/web/world.py), for search and profiles.

越城 (浙0602): 原告甲1 (pk_a1, the ID number of clue 1; two documents linked by a Splink match
with its weights), 王五 (pk_ww, a two-character name), 某小额贷款公司 (ok_loan). 柯桥 (浙0603):
原告甲4 (pk_a4) and 赵六 (pk_zl). 原告甲1 is the respondent of an execution case (listed as a
dishonest debtor) and 王五's spouse.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jiandu.schema.derived import derived_table
from jiandu.schema.registry import table
from jiandu.workflow import Store
from jiandu.workflow.search import analytic_source, rebuild_search_index
from jiandu.workspace import Workspace
from tests.web.world import ID_NUMBER, plaintiff

WANGWU, ZHAOLIU = "王五", "赵六"
A1, A4, WW, ZL, LOAN = "pk_a1", "pk_a4", "pk_ww", "pk_zl", "ok_loan"
EXPLANATION = "姓名相同(+5.2)；出生日期相同(+3.1)；匹配权重6.3，概率0.987"
DETAIL = {
    "name": {"level": "exact", "weight": 5.2},
    "birth_date": {"level": "exact", "weight": 3.1},
    "sex": {"level": "null", "weight": 0.0},
    "address": {"level": "else", "weight": -1.5},
}
EXEC_CASE = "（2024）浙0602执5号"


def _mention(
    doc: str, idx: int, name: str, entity: str, kind: str = "person", role: str = "原告"
) -> dict[str, Any]:
    return {
        "mention_id": f"P:{doc}:{idx}",
        "source": "parties",
        "doc_id": doc,
        "party_idx": idx,
        "name": name,
        "normalized_name": name,
        "kind": kind,
        "role": role,
        "entity_id": entity,
        "id_key": ID_NUMBER if entity == A1 else None,
    }


def add_entities(root: Path) -> None:
    """Append extra parties and the entity-resolution tables to the workspace's analytic store."""
    extra_parties = [
        {
            "doc_id": "d2x1",
            "party_idx": 5,
            "role": "被告",
            "side": "defendant",
            "name": WANGWU,
            "kind": "person",
        },
        {
            "doc_id": "d4x1",
            "party_idx": 5,
            "role": "被告",
            "side": "defendant",
            "name": ZHAOLIU,
            "kind": "person",
        },
    ]
    mentions = [
        _mention("d1x1", 0, plaintiff(1), A1),
        _mention("d1x2", 0, plaintiff(1), A1),
        _mention("d4x1", 0, plaintiff(4), A4),
        _mention("d4x2", 0, plaintiff(4), A4),
        _mention("d2x1", 5, WANGWU, WW, role="被告"),
        _mention("d4x1", 5, ZHAOLIU, ZL, role="被告"),
        _mention("d2x1", 2, "某小额贷款公司", LOAN, kind="organization", role="第三人"),
        _mention("d2x2", 2, "某小额贷款公司", LOAN, kind="organization", role="第三人"),
    ]
    entities = [
        {
            "entity_id": A1,
            "kind": "person",
            "name": plaintiff(1),
            "id_key": ID_NUMBER,
            "id_source": "key",
            "mentions": 2,
            "documents": 2,
            "masked_mentions": 0,
            "sources": "parties",
        },
        {
            "entity_id": A4,
            "kind": "person",
            "name": plaintiff(4),
            "mentions": 2,
            "documents": 2,
            "sources": "parties",
        },
        {
            "entity_id": WW,
            "kind": "person",
            "name": WANGWU,
            "mentions": 1,
            "documents": 1,
            "sources": "parties",
        },
        {
            "entity_id": ZL,
            "kind": "person",
            "name": ZHAOLIU,
            "mentions": 1,
            "documents": 1,
            "sources": "parties",
        },
        {
            "entity_id": LOAN,
            "kind": "organization",
            "name": "某小额贷款公司",
            "mentions": 2,
            "documents": 2,
            "sources": "parties",
        },
    ]
    links = [
        {
            "mention_a": "P:d1x1:0",
            "mention_b": "P:d1x2:0",
            "method": "probabilistic",
            "status": "linked",
            "applied": True,
            "probability": 0.987,
            "match_weight": 6.3,
            "explanation": EXPLANATION,
            "detail": json.dumps(DETAIL, ensure_ascii=False),
            "entity_id": A1,
        },
        {
            "mention_a": "P:d4x1:0",
            "mention_b": "P:d4x2:0",
            "method": "probabilistic",
            "status": "linked",
            "applied": True,
            "probability": 0.95,
            "match_weight": 4.4,
            "explanation": "姓名相同(+5.2)",
            "detail": json.dumps({"name": {"level": "exact", "weight": 5.2}}),
            "entity_id": A4,
        },
        {
            "mention_a": "P:d2x1:2",
            "mention_b": "P:d2x2:2",
            "method": "exact_org",
            "status": "linked",
            "applied": True,
            "probability": 1.0,
            "explanation": "单位名称相同",
            "entity_id": LOAN,
        },
    ]
    executions = [
        {
            "case_ref": EXEC_CASE,
            "case_number": EXEC_CASE,
            "respondent_key": ID_NUMBER,
            "respondent_name": plaintiff(1),
            "applicant_name": "某银行",
            "court": "绍兴市越城区人民法院",
            "closing_mode": "终结本次执行程序",
            "listed_dishonest": True,
            "provenance": "register",
        },
    ]
    relations = [
        {
            "key_a": ID_NUMBER,
            "key_b": WW,
            "relation": "spouse",
            "source": "document",
            "provenance": "document",
            "confidence": 0.9,
        },
    ]
    engine = Workspace(root).open_engine()
    try:
        engine.append("parties", table("parties").to_arrow(extra_parties))
        for name, rows in (
            ("entity_mentions", mentions),
            ("entities", entities),
            (
                "party_entities",
                [
                    {"doc_id": m["doc_id"], "party_idx": m["party_idx"], "entity_id": m["entity_id"]}
                    for m in mentions
                ],
            ),
            ("entity_links", links),
            ("execution_cases_all", executions),
            ("person_relations", relations),
        ):
            schema = derived_table(name)
            engine.create_table(schema)
            engine.append(name, schema.to_arrow(rows))
    finally:
        engine.close()


def build_search_workspace(root: Path) -> None:
    """The web-test workspace plus entities, with the search index built."""
    add_entities(root)
    store = Store.for_workspace(root)
    try:
        with analytic_source(root) as source:
            assert source is not None
            rebuild_search_index(store, source)
        with store.engine.connect() as conn:
            if store.dialect == "sqlite":
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()


__all__ = ["A1", "A4", "LOAN", "WANGWU", "WW", "ZHAOLIU", "ZL", "build_search_workspace"]
