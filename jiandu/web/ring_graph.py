"""The graph of an insurance-fraud ring (团伙关系图) for its clue page (issue 14 §7).

The insurance domain keeps each community's graph as data (``insurance_graph_nodes`` and
``insurance_graph_edges``, jiandu/schema/derived.yaml): claims and the people, vehicles, phones
and repair shops they name. This module reads one community's graph in the shape
`jiandu.web.render.network_svg` draws (claims on the inner circle, what they name outside, a node
named by several claims marked), so the ring needs no drawing code of its own. Labels are masked
by the drawing with the viewer's mask, like every party name.
"""

from __future__ import annotations

from typing import Any

from jiandu.workflow.firms import RowSource

RING_MODELS = frozenset({"insurance.fraud_ring"})
TABLES = ("insurance_graph_nodes", "insurance_graph_edges")
ROLE_NAMES_ZH = {
    "insured": "被保险人",
    "driver": "驾驶员",
    "vehicle": "车辆",
    "third_party": "三者",
    "third_party_vehicle": "三者车辆",
    "phone": "报案电话",
    "repair_shop": "修理厂",
    "assessor": "定损员",
    "surveyor": "查勘员",
}
MAX_CLAIMS = 24  # what the drawing shows of a clue's documents (network_svg's max_docs)


def ring_claims(source: RowSource | None, community_id: str) -> list[dict[str, Any]]:
    """The community's claims, each with the nodes it names, as ``network_svg`` documents
    ({doc_id, case_number, parties: [{name, role, kind}]}); [] without the graph tables."""
    if source is None or not all(source.table_exists(t) for t in TABLES):
        return []
    rows = source.rows(
        "SELECT e.report_no, min(e.loss_time) AS loss_time, e.role, n.label, n.node_type "
        "FROM insurance_graph_edges AS e JOIN insurance_graph_nodes AS n "
        "ON n.community_id = e.community_id AND n.node_id = e.node_id "
        "WHERE e.community_id = ? AND NOT n.hub "
        "GROUP BY e.report_no, e.role, n.label, n.node_type ORDER BY loss_time, e.report_no, e.role",
        [community_id],
    )
    claims: dict[str, dict[str, Any]] = {}
    for r in rows:
        claim = claims.get(r["report_no"])
        if claim is None:
            if len(claims) >= MAX_CLAIMS:
                continue
            claim = claims[r["report_no"]] = {
                "doc_id": r["report_no"],
                "case_number": f"报案号{r['report_no']}",
                "parties": [],
            }
        claim["parties"].append(
            {
                "name": str(r["label"] or ""),
                "role": ROLE_NAMES_ZH.get(str(r["role"]), "关联"),
                "kind": "organization" if r["node_type"] == "repair_shop" else "person",
            }
        )
    return list(claims.values())
