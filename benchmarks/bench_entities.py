"""Entity resolution: speed on 1M drawn mentions, and quality on held-out labelled data.

    python benchmarks/bench_entities.py --mentions 1000000 [--household 200000] [--seed 1]
    python benchmarks/bench_entities.py --county 11 --documents 20000 [--weights FILE]
    python benchmarks/bench_entities.py --real [PATH]
    python benchmarks/bench_entities.py --workspace W [--copy-to DIR]

``--county SEED``: generate a synthetic county with that seed (names at published frequencies,
so namesakes are realistic; see jiandu/synth/names.py), ingest documents and registers, resolve,
and print pairwise precision and recall against the county's truth and how often namesakes were
merged. By default the model is fitted on the county itself without labels (what `jiandu run`
does); with ``--weights`` the given fitted model is used as-is (e.g. the packaged
jiandu/entities/reference_model.json, fitted on county seed 2: then nothing of the evaluated
county fitted the weights, apart from name frequencies, which are read from the data).

``--workspace W``: memory of entity resolution on an ingested workspace (issue 17). The store
is copied (W is not changed) and `resolve` runs in a fresh process that samples its own
resident memory every 50 ms; it prints the peak of each step (mentions, exact links, the parts
of Splink scoring, masked rule, clustering, naming, each table written), Arrow's allocated
bytes after each step, the seconds and the link counts.

``--real``: ingest the shared real documents (civil full judgments, CAIL fragments, criminal
judgments), resolve, and count same-name pairs across documents that were merged (for masked
names every merge is an error).

Speed mode:

A synthetic population (people with surname, sex, birth date, ethnicity, district and street
address, ID number; companies with credit codes) is drawn, and party mentions of documents are
drawn from it with a skewed frequency (most people appear once or twice, a few serial litigants
hundreds of times). Each document masks its natural persons in one style (full names 45%,
张某 25%, 张某某 18%, 张×× 12%), prints the full address for full names (else the district)
and the ID number in 20% of documents with full names, as the synthetic county does. Part of
the population is in the household register. The tables are written to a fresh DuckDB
workspace (not timed); then `jiandu.entities.resolve` runs in a subprocess whose wall time and
peak memory (process tree RSS from /proc) are measured; finally pairwise precision and recall
against the drawn truth are printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.memory import run_measured  # noqa: E402
from jiandu.synth.names import NameMaker  # noqa: E402

GIVEN = list(
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅玉兰志强文斌海燕春雷飞云峰亮丹萍鹏辉"
)
DISTRICTS = [
    ("浙江省绍兴市", "越城区", "330602"),
    ("浙江省绍兴市", "柯桥区", "330603"),
    ("浙江省绍兴市", "上虞区", "330604"),
    ("浙江省", "新昌县", "330624"),
    ("浙江省", "诸暨市", "330681"),
    ("浙江省", "嵊州市", "330683"),
    ("安徽省阜阳市", "颍州区", "341202"),
    ("江西省上饶市", "信州区", "361102"),
]
ROADS = list("解放中兴人民胜利环城迎恩新建湖滨府山")
MASKS = [("full", 0.45), ("mou", 0.25), ("moumou", 0.18), ("xx", 0.12)]


def _check(body: str) -> str:
    from stdnum.cn import ric

    return ric.calc_check_digit(body + "0")


def draw_population(rng: random.Random, people: int, companies: int) -> tuple[list[dict], list[dict]]:
    from stdnum.cn import uscc

    persons, seen = [], set()
    names = NameMaker(rng)
    while len(persons) < people:
        prefix, district, region = DISTRICTS[min(int(rng.expovariate(0.6)), len(DISTRICTS) - 1)]
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(365 * 65))
        male = rng.random() < 0.5
        seq = rng.randrange(0, 999)
        seq = seq - seq % 2 + (1 if male else 0)
        body = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
        key = body + _check(body)
        if key in seen:
            continue
        seen.add(key)
        persons.append(
            {
                "key": key,
                "name": names.full(male),
                "sex": "男" if male else "女",
                "birth": birth,
                "ethnicity": "汉族" if rng.random() < 0.97 else "回族",
                "short": prefix + district,
                "address": f"{prefix}{district}{rng.choice(ROADS)}路{rng.randrange(1, 999)}号",
            }
        )
    orgs = []
    for i in range(companies):
        base = f"91330602{i:09d}"
        code = base + uscc.calc_check_digit(base)
        orgs.append(
            {
                "key": code,
                "name": f"绍兴{rng.choice(GIVEN)}{rng.choice(GIVEN)}{i}贸易有限公司",
                "address": f"浙江省绍兴市越城区{rng.choice(ROADS)}路{i % 999 + 1}号",
            }
        )
    return persons, orgs


def _masked(name: str, style: str, n: int) -> str:
    base = name[0] + {"mou": "某", "moumou": "某某" if len(name) >= 3 else "某", "xx": "××"}[style]
    return base if n == 0 else f"{base}{n}"


def draw_parties(rng: random.Random, mentions: int, persons: list[dict], orgs: list[dict]):
    """Party rows and the truth (doc_id, party_idx) → key."""
    # most people are named once or twice; 2% are repeat litigants, 0.05% serial ones
    weights_p = []
    for _ in persons:
        u = rng.random()
        weights_p.append(rng.uniform(100, 400) if u < 0.0005 else rng.uniform(5, 30) if u < 0.02 else 1.0)
    cum_p = list(itertools.accumulate(weights_p))
    cum_o = list(itertools.accumulate(1.0 / (1 + i) ** 1.2 for i in range(len(orgs))))
    pick_p = iter(rng.choices(persons, cum_weights=cum_p, k=2 * mentions))
    pick_o = iter(rng.choices(orgs, cum_weights=cum_o, k=mentions))
    rows, truth, doc = [], {}, 0
    while len(rows) < mentions:
        doc += 1
        doc_id = f"d{doc:08d}"
        style = rng.choices([m for m, _ in MASKS], [w for _, w in MASKS])[0]
        print_id = style == "full" and rng.random() < 0.2
        size = 2 if rng.random() < 0.8 else 3
        chosen: list[tuple[str, dict]] = []
        for _ in range(size):
            if rng.random() < 0.2:
                chosen.append(("organization", next(pick_o)))
            else:
                chosen.append(("person", next(pick_p)))
        if len({c[1]["key"] for c in chosen}) < len(chosen):
            continue
        masks: dict[str, int] = {}
        for idx, (kind, e) in enumerate(chosen):
            row = {
                "doc_id": doc_id,
                "party_idx": idx,
                "kind": kind,
                "role": "原告" if idx == 0 else "被告",
                "side": "plaintiff" if idx == 0 else "defendant",
            }
            if kind == "organization":
                row.update(
                    name=e["name"],
                    address=e["address"],
                    id_number=e["key"] if print_id or rng.random() < 0.25 else None,
                )
            else:
                if style == "full":
                    name = e["name"]
                else:
                    base = _masked(e["name"], style, 0)
                    masks[base] = masks.get(base, 0) + 1
                    name = base if masks[base] == 1 else _masked(e["name"], style, masks[base])
                row.update(
                    name=name,
                    gender=e["sex"],
                    birth_date=e["birth"],
                    ethnicity=e["ethnicity"],
                    address=e["address"] if style == "full" and rng.random() < 0.7 else e["short"],
                    id_number=e["key"] if print_id else None,
                )
            rows.append(row)
            truth[f"P:{doc_id}:{idx}"] = e["key"]
    return rows, truth


def build(workspace: Path, mentions: int, household: int, seed: int) -> Path:
    import pyarrow as pa

    from jiandu.engines import open_engine
    from jiandu.schema.registry import canonical_tables

    rng = random.Random(seed)
    people = max(1000, mentions // 3)
    persons, orgs = draw_population(rng, people, max(100, mentions // 50))
    rows, truth = draw_parties(rng, mentions, persons, orgs)
    engine = open_engine("duckdb", workspace)
    tables = canonical_tables()
    for name in ("parties", "cases", "household"):
        engine.create_table(tables[name])
    engine.append("parties", tables["parties"].conform(pa.Table.from_pylist(rows)))
    docs = sorted({r["doc_id"] for r in rows})
    engine.append(
        "cases",
        tables["cases"].conform(
            pa.table({"doc_id": docs, "court": ["浙江省绍兴市柯桥区人民法院"] * len(docs)})
        ),
    )
    registered = rng.sample(persons, min(household, len(persons)))
    engine.append(
        "household",
        tables["household"].conform(
            pa.Table.from_pylist(
                [
                    {
                        "household_id": f"H{i:07d}",
                        "person_id": p["key"],
                        "name": p["name"],
                        "sex": p["sex"],
                        "birth_date": p["birth"],
                        "ethnicity": p["ethnicity"],
                        "address": p["address"],
                    }
                    for i, p in enumerate(registered)
                ]
            )
        ),
    )
    engine.close()
    truth_path = workspace / "truth.json"
    truth_path.write_text(json.dumps(truth), "utf-8")
    return truth_path


RESOLVE = """
import json, sys, time
from pathlib import Path
from jiandu.engines import open_engine
from jiandu.entities import resolve
engine = open_engine("duckdb", Path(sys.argv[1]))
started = time.perf_counter()
report = resolve(engine)
print(json.dumps({"seconds": time.perf_counter() - started, "mentions": report.mentions,
                  "entities": report.entities, "steps": report.seconds,
                  "links": dict(report.links)}))
engine.close()
"""


PROFILE = """
import importlib, json, sys, threading, time
from pathlib import Path
import pyarrow as pa
from jiandu.engines import open_engine
R = importlib.import_module("jiandu.entities.resolve")
S = importlib.import_module("jiandu.entities.scoring")

def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0

phase, peaks, arrow, done = ["start"], {}, {}, []
def sample():
    while not done:
        peaks[phase[0]] = max(peaks.get(phase[0], 0), rss())
        time.sleep(0.05)
threading.Thread(target=sample, daemon=True).start()

def wrap(name, module=R):
    f = getattr(module, name)
    def g(*a, **k):
        phase[0] = name
        try:
            return f(*a, **k)
        finally:
            arrow[name] = pa.total_allocated_bytes() >> 20
            phase[0] = "after " + name
    setattr(module, name, g)
for name in ("build_mentions", "_exact_links", "score_pairs", "masked_rule", "cluster",
             "name_clusters", "_entities", "_write", "_link_chunks"):
    wrap(name)
for name in ("splink_input", "_groups", "fit", "_collapse", "_score_duckdb", "_pairs"):
    wrap(name, S)  # the parts of scoring
engine = open_engine("duckdb", Path(sys.argv[1]))
started = rss()
clock = time.perf_counter()
report = R.resolve(engine)
seconds = time.perf_counter() - clock
done.append(True)
print(json.dumps({"seconds": round(seconds, 1), "start_mib": started,
                  "peak_mib": max(peaks.values()), "peaks_mib": peaks, "arrow_mib": arrow,
                  "steps": report.seconds, "mentions": report.mentions,
                  "entities": report.entities, "links": dict(report.links)}, indent=1))
engine.close()
"""


def profile(workspace: Path, copy_to: Path | None) -> None:
    """Peak memory of each step of entity resolution on a copy of an ingested workspace."""
    root = copy_to or Path(tempfile.mkdtemp(prefix="jiandu-bench-er-ws-"))
    try:
        store = root / "workspace"
        shutil.copytree(workspace, store, dirs_exist_ok=True)
        seconds, peak_mib, output = run_measured([sys.executable, "-c", PROFILE, str(store)])
        print(output.strip())
        print(f"process {seconds:.1f} s, peak RSS of the process tree {peak_mib:,} MiB")
    finally:
        if copy_to is None:
            shutil.rmtree(root, ignore_errors=True)


def evaluate(workspace: Path, truth_path: Path) -> None:
    from collections import Counter

    from jiandu.engines import open_engine
    from jiandu.entities.evaluate import PairScore, _category_pairs, format_scores

    truth = json.loads(truth_path.read_text("utf-8"))
    engine = open_engine("duckdb", workspace)
    rows = engine.query(
        "SELECT mention_id, kind, masked, entity_id FROM entity_mentions WHERE source = 'parties'"
    ).to_pylist()
    engine.close()
    groups: dict[str, dict] = {"p": {}, "t": {}, "b": {}}
    for r in rows:
        key = truth[r["mention_id"]]
        cat = (
            "organization"
            if r["kind"] == "organization"
            else ("person_masked" if r["masked"] else "person_full")
        )
        for g, k in (("p", r["entity_id"]), ("t", key), ("b", (r["entity_id"], key))):
            groups[g].setdefault(k, Counter())[cat] += 1
    p, t, c = (_category_pairs(groups[g].values()) for g in ("p", "t", "b"))
    print(
        format_scores(
            [PairScore(x, t[x], p[x], c[x]) for x in ("organization", "person_full", "person_masked", "all")]
        )
    )


def county(seed: int, documents: int, weights: Path | None, keep: Path | None) -> None:
    """Quality on a held-out synthetic county (see the module docstring)."""
    from jiandu.engines import open_engine
    from jiandu.entities import ResolutionSettings, resolve
    from jiandu.entities.evaluate import format_scores, load_truth, namesake_scores, pairwise_scores
    from jiandu.ingest.pipeline import ingest_judgments
    from jiandu.ingest.registers import ingest_registers
    from jiandu.synth import generate

    root = keep or Path(tempfile.mkdtemp(prefix="jiandu-bench-er-county-"))
    try:
        started = time.perf_counter()
        if not (root / "workspace").exists():
            generate(root / "county", seed, documents)
            engine = open_engine("duckdb", root / "workspace")
            ingest_judgments(engine, root / "quarantine", [root / "county" / "documents"], workers=1)
            ingest_registers(engine, root / "quarantine", [root / "county" / "registers"])
            engine.close()
        print(f"county seed {seed}, {documents:,} documents built in "
              f"{time.perf_counter() - started:.0f} s (not timed)")
        engine = open_engine("duckdb", root / "workspace")
        settings = ResolutionSettings(weights_file=str(weights) if weights else None)
        started = time.perf_counter()
        report = resolve(engine, settings)
        assert report.weights is not None
        print(f"resolve: {report.mentions:,} mentions → {report.entities:,} entities in "
              f"{time.perf_counter() - started:.1f} s; model: {report.weights.source}, "
              f"prior {report.weights.prior:.3g}, term frequencies "
              f"{'on' if report.weights.term_frequencies else 'off'}")
        for row in report.weights.table():
            print(f"  {row['comparison']:<15}{row['level']:<10}m={row['m']:<11.4g}"
                  f"u={row['u']:<11.4g}{row['weight']:+7.2f}{'  +TF' if row['tf'] else ''}")
        truth = load_truth(root / "county" / "index.jsonl")
        print(format_scores(pairwise_scores(engine, truth)))
        names = namesake_scores(engine, truth)
        print(f"namesakes: {names.people:,} labelled people share their full name with another; "
              f"{names.pairs:,} mention pairs of different people with one name, "
              f"{names.merged:,} merged ({names.merge_rate:.4f})")
        engine.close()
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)


def real(path: Path) -> None:
    """Same-name merges across the shared real documents (see the module docstring)."""
    from jiandu.engines import open_engine
    from jiandu.entities import resolve
    from jiandu.entities.evaluate import same_name_pairs
    from jiandu.ingest.pipeline import ingest_judgments

    root = Path(tempfile.mkdtemp(prefix="jiandu-bench-er-real-"))
    try:
        engine = open_engine("duckdb", root / "workspace")
        ingest_judgments(engine, root / "quarantine", [
            path / "civil" / "full", path / "civil" / "cail2019_scm_private_lending.jsonl",
            path / "criminal" / "judge_criminal.jsonl"], workers=1)
        report = resolve(engine)
        assert report.weights is not None
        print(f"resolve: {report.mentions:,} mentions → {report.entities:,} entities; model: "
              f"{report.weights.source}; links {dict(report.links)}")
        for check in same_name_pairs(engine):
            kind = "masked" if check.masked else "full"
            print(f"{kind} names: {check.pairs:,} same-name pairs across documents, "
                  f"{check.merged:,} merged {list(check.examples)}")
        engine.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--household", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="build the workspace here and keep it")
    parser.add_argument("--county", type=int, metavar="SEED", help="held-out county quality")
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--weights", type=Path, help="a fitted model to use as-is (--county)")
    parser.add_argument("--real", type=Path, nargs="?", const=REPO.parent / "shared" / "data" / "real",
                        help="same-name merges on the shared real documents")
    parser.add_argument("--workspace", type=Path, help="memory per step on a copy of this workspace")
    parser.add_argument("--copy-to", type=Path, help="where to copy --workspace (kept)")
    args = parser.parse_args()
    if args.workspace is not None:
        profile(args.workspace, args.copy_to)
        return
    if args.county is not None:
        county(args.county, args.documents, args.weights, args.keep)
        return
    if args.real is not None:
        real(args.real)
        return
    workspace = args.keep or Path(tempfile.mkdtemp(prefix="jiandu-bench-er-"))
    try:
        started = time.perf_counter()
        truth_path = build(workspace, args.mentions, args.household, args.seed)
        print(
            f"built {args.mentions:,} party mentions + {args.household:,} household rows in "
            f"{time.perf_counter() - started:.0f} s (not timed)"
        )
        seconds, peak_mib, output = run_measured([sys.executable, "-c", RESOLVE, str(workspace)])
        result = json.loads(output.strip().splitlines()[-1])
        total = result["mentions"]
        print(
            f"resolve: {total:,} mentions → {result['entities']:,} entities in "
            f"{result['seconds']:.1f} s ({total / result['seconds']:,.0f} mentions/s); "
            f"process {seconds:.1f} s, peak RSS {peak_mib:,} MiB"
        )
        print("steps (s):", result["steps"])
        print("links:", result["links"])
        evaluate(workspace, truth_path)
    finally:
        if args.keep is None:
            shutil.rmtree(workspace, ignore_errors=True)


if __name__ == "__main__":
    main()
