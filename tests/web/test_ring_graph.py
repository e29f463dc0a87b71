"""The insurance ring's clue page draws the community's graph from the insurance domain's graph
tables: claims inside, the people, vehicles and phones they name outside, a person named by
several claims marked; phone numbers masked for a role without personal.read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
from fastapi.testclient import TestClient

from jiandu.schema.derived import derived_table as table
from jiandu.web import create_app
from jiandu.web.security import COOKIE_NAME
from jiandu.workflow import Store, sync_clues
from jiandu.workspace import Workspace

RING = "ring-0001"
PHONE = "13912345678"


def _graph(root: Path) -> None:
    nodes = [
        ("p:1", "person", "竺某国", 3),
        ("v:浙D12345", "vehicle", "浙D12345", 2),
        ("t:" + PHONE, "phone", PHONE, 3),
        ("s:华丰汽修", "repair_shop", "华丰汽修厂", 3),
    ]
    edges = [
        ("R1", "p:1", "driver"),
        ("R1", "v:浙D12345", "vehicle"),
        ("R1", "t:" + PHONE, "phone"),
        ("R2", "p:1", "third_party"),
        ("R2", "t:" + PHONE, "phone"),
        ("R3", "p:1", "insured"),
        ("R3", "v:浙D12345", "vehicle"),
        ("R3", "s:华丰汽修", "repair_shop"),
    ]
    engine = Workspace(root).open_engine()
    try:
        engine.ensure_tables([table("insurance_graph_nodes"), table("insurance_graph_edges")])
        engine.append(
            "insurance_graph_nodes",
            pa.Table.from_pylist(
                [
                    {
                        "community_id": RING,
                        "node_id": node_id,
                        "node_type": kind,
                        "label": label,
                        "roles": "",
                        "hub": False,
                        "claims": claims,
                        "accidents": claims,
                        "at_fault_accidents": 0,
                        "victim_accidents": 0,
                        "min_gap_days": None,
                    }
                    for node_id, kind, label, claims in nodes
                ]
            ),
        )
        engine.append(
            "insurance_graph_edges",
            pa.Table.from_pylist(
                [
                    {
                        "community_id": RING,
                        "report_no": report,
                        "claim_no": report + "-1",
                        "accident_id": "A" + report,
                        "node_id": node,
                        "role": role,
                        "loss_time": dt.datetime(2024, 3, int(report[1:])),
                    }
                    for report, node, role in edges
                ]
            ),
        )
    finally:
        engine.close()
    store = Store.for_workspace(root)
    try:
        with store.write() as s:
            sync_clues(
                s,
                [
                    {
                        "clue_id": "ring" + "0" * 28,
                        "model_id": "insurance.fraud_ring",
                        "model_version": "1.1.2",
                        "subject": {"type": "community", "key": RING, "name": "竺某国等1人（3起事故）"},
                        "score": 83.3,
                        "band": "red",
                        "explanation": "团伙骗保线索",
                        "evidence": [
                            {
                                "kind": "row",
                                "source": "insurance_claims_current",
                                "text": "出险地址：绍兴市越城区",
                            }
                        ],
                        "region": "zhejiang",
                    }
                ],
            )
    finally:
        store.close()


def _page(root: Path, user: str) -> str:
    app = create_app(root)
    try:
        client = TestClient(app)
        client.cookies.set(COOKIE_NAME, app.state.jiandu.sessions.new(user)[1])
        response = client.get("/clues/ring" + "0" * 28)
        assert response.status_code == 200, response.text[:300]
        return response.text
    finally:
        app.state.jiandu.close()


def test_the_ring_page_draws_its_graph(workspace: Path) -> None:
    _graph(workspace)
    page = _page(workspace, "admin")
    graph = page.split('id="ring-graph"', 1)[1].split("</section>", 1)[0]
    assert "内圈为理赔案件" in graph and "<svg" in graph
    for label in ("报案号R1", "报案号R2", "报案号R3", "浙D12345", "华丰汽修厂", PHONE):
        assert label in graph, label
    # a viewer sees the graph with the phone masked
    viewer = _page(workspace, "yc_viewer").split('id="ring-graph"', 1)[1].split("</section>", 1)[0]
    assert PHONE not in viewer and "139****5678" in viewer
