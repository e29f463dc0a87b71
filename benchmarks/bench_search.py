"""Search latency on a 100k-row index (issue 13 §3).

Generates an analytic store in memory (DuckDB) with people, companies and cases spread over the
counties of 绍兴, plus clues in the workflow store, rebuilds the search index
(`rebuild_search_index`) and runs queries of each shape as a county prosecutor, a county viewer
and the province administrator: two-character names (LIKE), three-character names (FTS5
trigram MATCH), case numbers typed with half-width brackets, company name fragments, two-term
queries, a two-character word found in a third of the rows and words that match nothing.
Prints the rebuild time, p50/p95 per shape and the peak memory of the process.

    .venv/bin/python -m benchmarks.bench_search [--rows 100000] [--queries 200] [--url URL]

``--url`` runs on another workflow database (e.g. PostgreSQL) instead of a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from jiandu.workflow import Store, install_defaults, sync_clues, system_principal
from jiandu.workflow.search import _SnapshotRows, rebuild_search_index, search
from jiandu.workflow.users import add_user, principal_for_username
from tests.workflow.search_sources import create_search_sources

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰春梅海波宁飞鹏辉斌宇浩凯"
COURTS = {  # court code → (court name, county)
    "浙0602": ("绍兴市越城区人民法院", "330602"),
    "浙0603": ("绍兴市柯桥区人民法院", "330603"),
    "浙0604": ("绍兴市上虞区人民法院", "330604"),
    "浙0624": ("新昌县人民法院", "330624"),
    "浙0681": ("诸暨市人民法院", "330681"),
    "浙0683": ("嵊州市人民法院", "330683"),
}
CAUSES = (
    "民间借贷纠纷",
    "买卖合同纠纷",
    "金融借款合同纠纷",
    "劳动争议",
    "租赁合同纠纷",
    "机动车交通事故责任纠纷",
)
TRADES = ("建材", "纺织", "印染", "贸易", "机械", "小额贷款", "物流", "餐饮", "科技", "置业")


def _name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def analytic(rows: int, rng: random.Random) -> duckdb.DuckDBPyConnection:
    """People (60%), companies (10%) and cases (30%) of ``rows`` index rows."""
    people, companies, cases = int(rows * 0.6), int(rows * 0.1), int(rows * 0.3)
    con = duckdb.connect()
    create_search_sources(con, "entities", "party_entities", "parties", "cases")
    entities = [(f"pk_{i:08x}", "person", _name(rng), None, 1) for i in range(people)]
    entities += [
        (
            f"ok_{i:08x}",
            "organization",
            f"绍兴{_name(rng)}{rng.choice(TRADES)}有限公司",
            f"9133060{i:011d}",
            2,
        )
        for i in range(companies)
    ]
    con.executemany("INSERT INTO entities VALUES (?, ?, ?, ?, ?)", entities)
    codes = list(COURTS)
    case_rows, party_rows, links = [], [], []
    for i in range(cases):
        code = rng.choice(codes)
        year = rng.randint(2015, 2024)
        doc = f"d{i:08x}"
        case_rows.append(
            (doc, f"（{year}）{code}民初{i % 9000 + 1}号", COURTS[code][0], rng.choice(CAUSES), year)
        )
        for idx in range(2):
            entity = entities[rng.randrange(len(entities))]
            party_rows.append((doc, idx, entity[2], entity[1], "原告" if idx == 0 else "被告"))
            links.append((doc, idx, entity[0]))
    con.executemany("INSERT INTO cases VALUES (?, ?, ?, ?, ?)", case_rows)
    con.executemany("INSERT INTO parties VALUES (?, ?, ?, ?, ?)", party_rows)
    con.executemany("INSERT INTO party_entities VALUES (?, ?, ?)", links)
    return con


def clues(n: int, rng: random.Random) -> list[dict[str, object]]:
    out = []
    for i in range(n):
        code = rng.choice(list(COURTS))
        name = _name(rng)
        out.append(
            {
                "clue_id": f"b{i:031d}",
                "model_id": "civil.repeat_plaintiff_basic",
                "model_version": "1.0.0",
                "subject": {"type": "person", "key": f"name:{name}", "name": name},
                "score": rng.uniform(10, 99),
                "band": "red",
                "explanation": f"{name}一年内在同一法院起诉{rng.randint(3, 30)}件，"
                f"电话1381234{i % 10000:04d}。",
                "features": {},
                "run_id": "bench",
                "evidence": [
                    {
                        "kind": "document",
                        "source": "judgments",
                        "doc_id": f"x{i}",
                        "case_number": f"（2023）{code}民初{i + 1}号",
                    }
                ],
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000, help="analytic rows of the index (plus clues)")
    parser.add_argument("--clues", type=int, default=5_000)
    parser.add_argument("--queries", type=int, default=200, help="queries per shape and user")
    parser.add_argument("--url", help="workflow database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    rng = random.Random(13)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'workflow.sqlite'}"
        store = Store(url, workspace=Path(tmp))
        with store.write() as s:
            install_defaults(s)
            root = system_principal(s)
            add_user(s, root, "yc_pro", role="prosecutor", jurisdiction_code="330602")
            add_user(s, root, "yc_viewer", role="viewer", jurisdiction_code="330602")
            add_user(s, root, "zj_admin", role="admin", jurisdiction_code="330000")
            sync_clues(s, clues(args.clues, rng))
        con = analytic(args.rows, rng)
        started = time.perf_counter()
        result = rebuild_search_index(store, _SnapshotRows(con))
        rebuild = time.perf_counter() - started
        print(
            f"index: {result.rows:,} rows (clues {result.clues:,}, people {result.people:,}, "
            f"organizations {result.organizations:,}, cases {result.cases:,}); rebuilt in {rebuild:.1f} s "
            f"on {store.dialect}"
        )
        names = [r[0] for r in con.execute("SELECT name FROM entities WHERE kind = 'person'").fetchall()]
        numbers = [r[0] for r in con.execute("SELECT case_number FROM cases").fetchall()]
        firms = [
            r[0] for r in con.execute("SELECT name FROM entities WHERE kind = 'organization'").fetchall()
        ]
        shapes = {
            "2-char name (LIKE)": lambda: rng.choice([n for n in names[:5000] if len(n) == 2]),
            "3-char name (trigram)": lambda: rng.choice([n for n in names[:5000] if len(n) == 3]),
            "case number, half-width ()": lambda: rng.choice(numbers).replace("（", "(").replace("）", ")"),
            "company fragment (4 chars)": lambda: rng.choice(firms)[2:6],
            "two terms": lambda: f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(GIVEN)} 纠纷",
            "frequent 2-char word (纠纷)": lambda: "纠纷",
            "no hit": lambda: "不存在的当事人名称",
        }
        with store.read() as s:
            users = {u: principal_for_username(s, u) for u in ("yc_pro", "yc_viewer", "zj_admin")}
        print(f"{'shape':30} {'user':10} {'p50 ms':>8} {'p95 ms':>8} {'hits':>6}")
        worst = 0.0
        for shape, make in shapes.items():
            for username, principal in users.items():
                times, hits = [], 0
                for _ in range(args.queries):
                    query = make()
                    t0 = time.perf_counter()
                    with store.read() as s:
                        found = search(s, principal, query)
                    times.append((time.perf_counter() - t0) * 1000)
                    hits += found.total
                times.sort()
                p95 = times[int(len(times) * 0.95) - 1]
                worst = max(worst, p95)
                print(
                    f"{shape:30} {username:10} {statistics.median(times):8.1f} {p95:8.1f} "
                    f"{hits / args.queries:6.1f}"
                )
        store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"worst p95 {worst:.1f} ms; peak memory of the process {peak:.0f} MiB")


if __name__ == "__main__":
    main()
