"""Small hand-made stores for entity-resolution tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from stdnum.cn import ric

from jiandu.engines import Engine
from jiandu.schema.registry import canonical_tables


def make_id(region: str, birth: str, seq: str) -> str:
    """A valid 18-digit ID number: region (6), birth YYYYMMDD, sequence (3) + check digit."""
    body = region + birth + seq
    return body + ric.calc_check_digit(body + "0")


def party(doc: str, idx: int, name: str, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"doc_id": doc, "party_idx": idx, "name": name,
                           "kind": fields.pop("kind", "person"),
                           "role": fields.pop("role", "原告" if idx == 0 else "被告"),
                           "side": fields.pop("side", "plaintiff" if idx == 0 else "defendant")}
    if "birth_date" in fields and isinstance(fields["birth_date"], str):
        fields["birth_date"] = dt.date.fromisoformat(fields["birth_date"])
    row.update(fields)
    return row


def load(engine: Engine, table: str, rows: list[dict[str, Any]]) -> None:
    schema = canonical_tables()[table]
    engine.create_table(schema)
    engine.append(table, schema.to_arrow(rows))


def load_parties(engine: Engine, rows: list[dict[str, Any]], court: str = "绍兴市柯桥区人民法院") -> None:
    load(engine, "parties", rows)
    docs = sorted({r["doc_id"] for r in rows})
    load(engine, "cases", [{"doc_id": d, "court": court} for d in docs])


def entity_of(engine: Engine) -> dict[str, str]:
    """mention id → entity id."""
    rows = engine.rows("SELECT mention_id, entity_id FROM entity_mentions")
    return {r["mention_id"]: r["entity_id"] for r in rows}


def same(entities: dict[str, str], a: str, b: str) -> bool:
    return entities[a] == entities[b]

