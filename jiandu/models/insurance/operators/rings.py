"""The ``insurance_rings`` operator: the graph of motor claims and the communities in it.

Every claim (its latest revision) names people (insured, driver, third party: by ID number, or
by name and masked ID number; a bare name links nothing, since namesakes are common), vehicles
(plates), the reporter's phone (unmasked only), the repair shop (matched to the register by
``insurance_shop_names`` when that table exists), the assessor and the surveyor. The graph has a
vertex per claim and per such node, an edge per claim and node it names. Only people, vehicles
and phones link claims: shops, assessors and surveyors serve strangers every day, so they are
kept in the graph and its evidence (and one shop for a whole ring is scored) but link nothing,
or one busy honest shop would make one community of its customers. A person, vehicle or phone
on more than `HUB_LIMIT` claims (a taxi fleet's phone, a driving school's car) is a hub and
links nothing either.

Communities are the connected components (igraph), and a component with more than
`SPLIT_ABOVE` claims is split by the Leiden algorithm (igraph's ``community_leiden``, modularity,
a fixed seed, so a run is reproducible). A community with claims from at least two accidents is
written with its figures (`insurance_communities`), its nodes (`insurance_graph_nodes`) and its
edges (`insurance_graph_edges`); the model ``insurance.fraud_ring`` scores it and the UI draws it.

The heavy lifting (latest revisions aside, which the engine selects) runs in an in-memory DuckDB
over Arrow and in igraph, so the result is the same on every engine.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

import duckdb
import igraph
import numpy as np
import pyarrow as pa

from jiandu.engines.base import Engine
from jiandu.engines.duckdb_engine import scratch_connection
from jiandu.schema.derived import derived_table

__all__ = ["HUB_LIMIT", "SPLIT_ABOVE", "InsuranceRings", "build_rings"]

HUB_LIMIT = 50  # a person, vehicle or phone on more claims than this links nothing
# Node kinds that link claims. Repair shops, assessors and surveyors serve strangers every day:
# they are kept in the graph (and scored: one shop for a whole ring is a feature) but link nothing.
LINKING = "('person', 'vehicle', 'phone')"
SPLIT_ABOVE = 60  # components with more claims are split by Leiden
# seconds per phase of the last run in this process (read by benchmarks/bench_insurance.py)
LAST_TIMINGS: dict[str, float] = {}
LEIDEN_SEED = 20261
LEIDEN_RESOLUTION = 1.0

CURRENT_SQL = """
SELECT report_no, claim_no, insurer, coverage, insured_name, insured_key, plate, loss_time,
    report_time, loss_place, driver_name, driver_key, reporter_phone, liability, tp_plate, tp_name,
    tp_key, assessor, surveyor, repair_shop, assessed_amount, paid_amount, payee, revisions
FROM (
    SELECT m.*,
        row_number() OVER (PARTITION BY report_no, claim_no ORDER BY revision_time DESC) AS rn,
        count(*) OVER (PARTITION BY report_no, claim_no) AS revisions
    FROM motor_claims AS m
) AS t
WHERE rn = 1
"""

DETERMINATIONS_SQL = """
SELECT plate, CAST(accident_time AS DATE) AS day, min(liability) AS liability
FROM accident_determinations
WHERE plate IS NOT NULL
GROUP BY plate, CAST(accident_time AS DATE)
"""

_FULL_ID = r"^[0-9]{17}[0-9X]$"


def _person(key: str, name: str) -> str:
    """A person node: by full ID number, or name + masked ID; NULL for a bare name."""
    return (
        f"CASE WHEN regexp_matches(coalesce({key}, ''), '{_FULL_ID}') THEN 'p:' || {key} "
        f"WHEN strpos(coalesce({key}, ''), '*') > 0 AND {name} IS NOT NULL "
        f"THEN 'p:' || {name} || '|' || {key} END"
    )


INCIDENCES_SQL = f"""
SELECT DISTINCT claim_idx, node_id, node_type, label, role FROM (
    SELECT claim_idx, {_person("insured_key", "insured_name")} AS node_id, 'person' AS node_type,
        insured_name AS label, 'insured' AS role FROM cur
    UNION ALL
    SELECT claim_idx, {_person("driver_key", "driver_name")}, 'person', driver_name, 'driver' FROM cur
    UNION ALL
    SELECT claim_idx, {_person("tp_key", "tp_name")}, 'person', tp_name, 'third_party' FROM cur
    UNION ALL
    SELECT claim_idx, 'v:' || plate, 'vehicle', plate, 'vehicle' FROM cur
    UNION ALL
    SELECT claim_idx, 'v:' || tp_plate, 'vehicle', tp_plate, 'third_party_vehicle' FROM cur
    UNION ALL
    SELECT claim_idx, CASE WHEN strpos(reporter_phone, '*') = 0 THEN 't:' || reporter_phone END,
        'phone', reporter_phone, 'phone' FROM cur
) AS t
WHERE node_id IS NOT NULL
"""

# The service nodes (shop, assessor, surveyor) of the claims in communities only: they link nothing.
SERVICE_SQL = """
SELECT DISTINCT claim_idx, node_id, node_type, label, role FROM (
    SELECT claim_idx, 's:' || coalesce(shop_code, repair_shop) AS node_id, 'repair_shop' AS node_type,
        shop_name AS label, 'repair_shop' AS role FROM member
    UNION ALL
    SELECT claim_idx, 'a:' || assessor, 'assessor', assessor, 'assessor' FROM member
    UNION ALL
    SELECT claim_idx, 'q:' || surveyor, 'surveyor', surveyor, 'surveyor' FROM member
) AS t
WHERE node_id IS NOT NULL
"""

# A masked ID number (33060219800****0233) is one person's full number (brief sources.md §0.2)
# when exactly one full number of the same name in the claims shows the same visible digits;
# otherwise the masked node stays apart (never a guess between namesakes).
UNMASK_SQL = f"""
CREATE TABLE unmask AS
WITH full_people AS (
    SELECT DISTINCT name, key FROM (
        SELECT insured_name AS name, insured_key AS key FROM cur
        UNION ALL SELECT driver_name, driver_key FROM cur
        UNION ALL SELECT tp_name, tp_key FROM cur
    ) AS t
    WHERE name IS NOT NULL AND regexp_matches(coalesce(key, ''), '{_FULL_ID}')
),
masked AS (
    SELECT DISTINCT node_id, label, split_part(node_id, '|', 2) AS masked
    FROM inc WHERE node_type = 'person' AND strpos(node_id, '*') > 0
)
SELECT m.node_id, min(f.key) AS key
FROM masked AS m
JOIN full_people AS f
  ON f.name = m.label AND left(f.key, 11) = left(m.masked, 11) AND right(f.key, 4) = right(m.masked, 4)
GROUP BY m.node_id
HAVING count(DISTINCT f.key) = 1
"""

_AT_FAULT = """CASE WHEN role IN ('insured', 'driver', 'vehicle') THEN liability IN ('全部', '主要')
    WHEN role IN ('third_party', 'third_party_vehicle') THEN liability = '无责' ELSE FALSE END"""
_VICTIM = """CASE WHEN role IN ('insured', 'driver', 'vehicle') THEN liability = '无责'
    WHEN role IN ('third_party', 'third_party_vehicle') THEN liability IN ('全部', '主要') ELSE FALSE END"""


@dataclass(frozen=True)
class InsuranceRings:
    """insurance_claims_current, insurance_communities, insurance_graph_nodes and
    insurance_graph_edges from motor_claims (and accident determinations, matched shop names)."""

    name: str = "insurance_rings"
    version: str = "3"  # 2: service nodes computed for community claims only; 3: exact (DECIMAL) totals
    inputs: tuple[str, ...] = ("motor_claims",)
    optional_inputs: tuple[str, ...] = ("accident_determinations", "insurance_claim_shop_names")
    outputs: tuple[str, ...] = (
        "insurance_claims_current",
        "insurance_communities",
        "insurance_graph_nodes",
        "insurance_graph_edges",
    )

    def run(self, engine: Engine) -> int:
        determinations = (
            engine.query(DETERMINATIONS_SQL) if engine.table_exists("accident_determinations") else None
        )
        names = (  # the claims' names only: a batch of judgments leaves them as they were
            engine.query("SELECT name, credit_code, registered_name FROM insurance_claim_shop_names")
            if engine.table_exists("insurance_claim_shop_names")
            else None
        )
        tables = build_rings(_read_claims(engine), determinations, names)
        started = time.perf_counter()
        written = 0
        for name, rows in tables.items():
            schema = derived_table(name)
            engine.drop_table(name, missing_ok=True)
            engine.create_table(schema)
            if rows.num_rows:
                engine.append(name, schema.conform(rows))
            written += rows.num_rows
        LAST_TIMINGS["write the four tables"] = time.perf_counter() - started
        return written


def _read_claims(engine: Engine) -> pa.Table:
    started = time.perf_counter()
    claims = engine.query(CURRENT_SQL)
    LAST_TIMINGS["read the latest claims from the store"] = time.perf_counter() - started
    return claims


def build_rings(
    claims: pa.Table, determinations: pa.Table | None = None, names: pa.Table | None = None
) -> dict[str, pa.Table]:
    """The four output tables from the latest claims (`CURRENT_SQL`'s columns), the police
    determinations per plate and day, and the matched shop names."""
    started = time.perf_counter()
    # the scratch budget (JIANDU_DUCKDB_SCRATCH_MEMORY_LIMIT, spilling past it): this pool sits
    # beside the store's own in the same process
    con = scratch_connection(threads=2)
    try:
        con.sql("SET preserve_insertion_order = false")
        con.register("claims_in", claims)
        con.register(
            "det",
            determinations
            if determinations is not None
            else pa.table(
                {
                    "plate": pa.array([], pa.string()),
                    "day": pa.array([], pa.date32()),
                    "liability": pa.array([], pa.string()),
                }
            ),
        )
        con.register(
            "names",
            names
            if names is not None
            else pa.table(
                {
                    "name": pa.array([], pa.string()),
                    "credit_code": pa.array([], pa.string()),
                    "registered_name": pa.array([], pa.string()),
                }
            ),
        )
        con.sql(
            """
            CREATE TABLE cur AS
            SELECT (row_number() OVER (ORDER BY c.report_no, c.claim_no) - 1)::BIGINT AS claim_idx,
                c.*,
                strftime(c.loss_time, '%Y%m%d%H%M') || '|' || least(c.plate, coalesce(c.tp_plate, c.plate))
                    || '|' || greatest(c.plate, coalesce(c.tp_plate, c.plate)) AS accident_id,
                n.credit_code AS shop_code,
                coalesce(n.registered_name, c.repair_shop) AS shop_name,
                coalesce(c.payee = c.repair_shop OR pn.credit_code = n.credit_code, FALSE)
                    AS payee_is_shop,
                d.plate IS NOT NULL AS police_record,
                d.liability AS police_liability
            FROM claims_in AS c
            LEFT JOIN (SELECT DISTINCT name, credit_code, registered_name FROM names) AS n
                ON n.name = c.repair_shop
            LEFT JOIN (SELECT DISTINCT name, credit_code FROM names) AS pn ON pn.name = c.payee
            LEFT JOIN det AS d ON d.plate = c.plate AND d.day = CAST(c.loss_time AS DATE)
            """
        )
        con.unregister("claims_in")
        del claims  # the claims live on in `cur` only
        mark = _phase("copy claims, accidents, shops, police records", started)
        con.sql(f"CREATE TABLE inc AS {INCIDENCES_SQL}")
        con.sql(UNMASK_SQL)
        con.sql("UPDATE inc SET node_id = 'p:' || u.key FROM unmask AS u WHERE inc.node_id = u.node_id")
        con.sql("CREATE OR REPLACE TABLE inc AS SELECT DISTINCT * FROM inc")
        con.sql(
            """
            CREATE TABLE nodes AS
            SELECT node_id, (row_number() OVER (ORDER BY node_id) - 1)::BIGINT AS node_idx,
                count(DISTINCT claim_idx) AS degree
            FROM inc GROUP BY node_id
            """
        )
        n_claims = con.sql("SELECT count(*) FROM cur").fetchall()[0][0]
        # only nodes that link two or more claims and are no hubs make edges
        links = con.sql(
            f"""
            SELECT DISTINCT i.claim_idx, n.node_idx FROM inc AS i JOIN nodes AS n USING (node_id)
            WHERE n.degree BETWEEN 2 AND {HUB_LIMIT} AND i.node_type IN {LINKING}
            """
        ).to_arrow_table()
        mark = _phase("incidences, unmasking, node degrees", mark)
        membership = _communities(con, n_claims, links)
        mark = _phase("graph: components and Leiden (igraph)", mark)
        con.register("membership", membership)
        out = _outputs(con)
        _phase("communities, nodes, edges, current claims", mark)
    finally:
        con.close()
    return out


def _phase(name: str, since: float) -> float:
    now = time.perf_counter()
    LAST_TIMINGS[name] = now - since
    return now


def _communities(con: duckdb.DuckDBPyConnection, n_claims: int, links: pa.Table) -> pa.Table:
    """claim_idx → (group, method, component_claims) for claims in a linked component."""
    empty = pa.table(
        {
            "claim_idx": pa.array([], pa.int64()),
            "grp": pa.array([], pa.int64()),
            "method": pa.array([], pa.string()),
            "component_claims": pa.array([], pa.int64()),
        }
    )
    if links.num_rows == 0:
        return empty
    claim_idx = links.column("claim_idx").to_numpy()
    node_idx = links.column("node_idx").to_numpy()
    # compact vertex ids: linked claims first, then linked nodes
    claims_used, claim_v = np.unique(claim_idx, return_inverse=True)
    nodes_used, node_v = np.unique(node_idx, return_inverse=True)
    n_c = len(claims_used)
    edges = np.column_stack([claim_v, node_v + n_c]).astype(np.int64)
    graph = igraph.Graph(n=n_c + len(nodes_used), edges=edges)
    comp = np.asarray(graph.connected_components().membership, dtype=np.int64)
    claim_comp = comp[:n_c]
    sizes = np.bincount(claim_comp)
    group = claim_comp.copy()
    method = np.full(n_c, "component", dtype=object)
    next_group = int(comp.max()) + 1
    for c in np.nonzero(sizes > SPLIT_ABOVE)[0]:
        vertices = np.nonzero(comp == c)[0]
        sub = graph.subgraph(vertices.tolist())
        igraph.set_random_number_generator(random.Random(LEIDEN_SEED))
        parts = sub.community_leiden(
            objective_function="modularity", resolution=LEIDEN_RESOLUTION, n_iterations=-1
        ).membership
        igraph.set_random_number_generator(random)
        parts_arr = np.asarray(parts, dtype=np.int64)
        is_claim = vertices < n_c
        for local, v in zip(parts_arr[is_claim], vertices[is_claim], strict=True):
            group[v] = next_group + int(local)
            method[v] = "leiden"
        next_group += int(parts_arr.max()) + 1
    component_claims = sizes[claim_comp]
    return pa.table(
        {
            "claim_idx": pa.array(claims_used, pa.int64()),
            "grp": pa.array(group, pa.int64()),
            "method": pa.array(method.tolist(), pa.string()),
            "component_claims": pa.array(component_claims, pa.int64()),
        }
    )


def _outputs(con: duckdb.DuckDBPyConnection) -> dict[str, pa.Table]:
    con.sql(
        """
        CREATE TABLE grp AS
        WITH g AS (
            SELECT m.grp, min(m.method) AS method, max(m.component_claims) AS component_claims,
                min(c.report_no) AS first_report, count(DISTINCT c.accident_id) AS accidents
            FROM membership AS m JOIN cur AS c USING (claim_idx)
            GROUP BY m.grp
        )
        SELECT grp, 'ring:' || first_report AS community_id, method, component_claims
        FROM g WHERE accidents >= 2
        """
    )
    con.sql(
        """
        CREATE TABLE member AS
        SELECT g.community_id, g.method, g.component_claims, c.*
        FROM membership AS m JOIN grp AS g USING (grp) JOIN cur AS c USING (claim_idx)
        """
    )
    con.sql(
        f"""
        CREATE TABLE edge AS
        WITH i AS (
            SELECT i.claim_idx, i.node_id, i.node_type, i.label, i.role, n.degree > {HUB_LIMIT} AS hub
            FROM inc AS i JOIN nodes AS n USING (node_id)
            WHERE i.claim_idx IN (SELECT claim_idx FROM member)
            UNION ALL
            SELECT claim_idx, node_id, node_type, label, role, TRUE AS hub FROM ({SERVICE_SQL}) AS s
        )
        SELECT m.community_id, m.report_no, m.claim_no, m.accident_id, i.node_id, i.node_type,
            i.label, i.role, m.loss_time, m.liability,
            {_AT_FAULT} AS at_fault, {_VICTIM} AS victim, i.hub
        FROM member AS m JOIN i USING (claim_idx)
        """
    )
    edges = con.sql(
        """
        SELECT community_id, report_no, claim_no, accident_id, node_id, role, loss_time
        FROM edge ORDER BY community_id, report_no, claim_no, node_id, role
        """
    ).to_arrow_table()
    con.sql(
        """
        CREATE TABLE node AS
        WITH per_accident AS (
            SELECT community_id, node_id, accident_id, min(loss_time) AS loss_time,
                bool_or(at_fault) AS at_fault, bool_or(victim) AS victim
            FROM edge GROUP BY community_id, node_id, accident_id
        ),
        gaps AS (
            SELECT community_id, node_id,
                date_diff('day', lag(CAST(loss_time AS DATE)) OVER (
                    PARTITION BY community_id, node_id ORDER BY loss_time, accident_id),
                    CAST(loss_time AS DATE)) AS gap
            FROM per_accident
        ),
        gap AS (SELECT community_id, node_id, min(gap) AS min_gap_days FROM gaps GROUP BY ALL),
        acc AS (
            SELECT community_id, node_id, count(*) AS accidents,
                count(*) FILTER (WHERE at_fault) AS at_fault_accidents,
                count(*) FILTER (WHERE victim AND NOT at_fault) AS victim_accidents
            FROM per_accident GROUP BY community_id, node_id
        ),
        info AS (
            SELECT community_id, node_id, min(node_type) AS node_type, min(label) AS label,
                string_agg(DISTINCT role, ',' ORDER BY role) AS roles, bool_or(hub) AS hub,
                count(DISTINCT report_no || '|' || claim_no) AS claims
            FROM edge GROUP BY community_id, node_id
        )
        SELECT i.community_id, i.node_id, i.node_type, i.label, i.roles, i.hub, i.claims,
            a.accidents, a.at_fault_accidents, a.victim_accidents,
            CAST(g.min_gap_days AS INTEGER) AS min_gap_days
        FROM info AS i JOIN acc AS a USING (community_id, node_id)
        JOIN gap AS g USING (community_id, node_id)
        """
    )
    nodes = con.sql("SELECT * FROM node ORDER BY community_id, node_id").to_arrow_table()
    communities = con.sql(
        """
        WITH acc AS (
            SELECT community_id, accident_id,
                bool_and(liability IN ('全部', '无责')) AS one_sided,
                bool_or(police_record) AS police
            FROM member GROUP BY community_id, accident_id
        ),
        acc_c AS (
            SELECT community_id, count(*) AS accidents,
                count(*) FILTER (WHERE one_sided) AS one_sided_accidents,
                count(*) FILTER (WHERE police) AS police_accidents
            FROM acc GROUP BY community_id
        ),
        shop AS (
            SELECT community_id, shop_name, min(shop_code) AS shop_code, count(*) AS n,
                row_number() OVER (PARTITION BY community_id ORDER BY count(*) DESC, shop_name) AS rn
            FROM member WHERE shop_name IS NOT NULL GROUP BY community_id, shop_name
        ),
        assessor AS (
            SELECT community_id, assessor, count(*) AS n,
                row_number() OVER (PARTITION BY community_id ORDER BY count(*) DESC, assessor) AS rn
            FROM member WHERE assessor IS NOT NULL GROUP BY community_id, assessor
        ),
        phone AS (
            SELECT community_id, reporter_phone
            FROM member
            WHERE reporter_phone IS NOT NULL AND strpos(reporter_phone, '*') = 0
            GROUP BY community_id, reporter_phone
            HAVING count(DISTINCT coalesce(driver_name, insured_name)) >= 2
        ),
        shared AS (
            SELECT m.community_id, count(*) AS n FROM member AS m
            JOIN phone AS p USING (community_id, reporter_phone) GROUP BY m.community_id
        ),
        nodes_c AS (
            SELECT community_id,
                count(*) FILTER (WHERE node_type = 'person') AS people,
                count(*) FILTER (WHERE node_type = 'vehicle') AS vehicles,
                count(*) FILTER (WHERE node_type = 'phone') AS phones,
                count(*) FILTER (WHERE node_type = 'repair_shop') AS shops,
                coalesce(max(victim_accidents) FILTER (WHERE node_type IN ('person', 'vehicle')), 0)
                    AS max_victim_accidents
            FROM node GROUP BY community_id
        ),
        lead_person AS (
            SELECT community_id, label,
                row_number() OVER (
                    PARTITION BY community_id ORDER BY accidents DESC, claims DESC, node_id
                ) AS rn
            FROM node WHERE node_type = 'person' AND label IS NOT NULL
        ),
        base AS (
            SELECT community_id, min(method) AS method, max(component_claims) AS component_claims,
                count(*) AS claims, min(loss_time) AS first_loss, max(loss_time) AS last_loss,
                count(*) FILTER (WHERE payee_is_shop) AS payee_shop_claims,
                -- exact (DECIMAL): a float sum's order varies with engine and threads
                CAST(sum(CAST(coalesce(assessed_amount, 0) AS DECIMAL(20, 4))) AS DOUBLE) AS assessed_total,
                CAST(sum(CAST(coalesce(paid_amount, 0) AS DECIMAL(20, 4))) AS DOUBLE) AS paid_total
            FROM member GROUP BY community_id
        )
        SELECT b.community_id,
            coalesce(lp.label || '等' || CAST(nc.people AS VARCHAR) || '人', '车辆' || b.community_id)
                || '（' || CAST(a.accidents AS VARCHAR) || '起事故）' AS community_name,
            b.method, b.component_claims, b.claims, a.accidents, nc.people, nc.vehicles, nc.phones,
            nc.shops, b.first_loss, b.last_loss, a.one_sided_accidents, a.police_accidents,
            nc.max_victim_accidents, s.shop_name AS top_shop, s.shop_code AS top_shop_code,
            coalesce(s.n, 0) AS top_shop_claims, coalesce(sh.n, 0) AS shared_phone_claims,
            b.payee_shop_claims, ass.assessor AS top_assessor, coalesce(ass.n, 0) AS top_assessor_claims,
            b.assessed_total, b.paid_total
        FROM base AS b
        JOIN acc_c AS a USING (community_id)
        JOIN nodes_c AS nc USING (community_id)
        LEFT JOIN shop AS s ON s.community_id = b.community_id AND s.rn = 1
        LEFT JOIN assessor AS ass ON ass.community_id = b.community_id AND ass.rn = 1
        LEFT JOIN shared AS sh ON sh.community_id = b.community_id
        LEFT JOIN lead_person AS lp ON lp.community_id = b.community_id AND lp.rn = 1
        ORDER BY b.community_id
        """
    ).to_arrow_table()
    current = con.sql(
        """
        SELECT report_no, claim_no, accident_id, insurer, coverage, insured_name, insured_key, plate,
            loss_time, report_time, loss_place, driver_name, driver_key, reporter_phone, liability,
            tp_plate, tp_name, tp_key, assessor, surveyor, repair_shop, shop_code, shop_name,
            assessed_amount, paid_amount, payee, payee_is_shop, revisions, police_record,
            police_liability
        FROM cur ORDER BY report_no, claim_no
        """
    ).to_arrow_table()
    return {
        "insurance_claims_current": current,
        "insurance_communities": communities,
        "insurance_graph_nodes": nodes,
        "insurance_graph_edges": edges,
    }
