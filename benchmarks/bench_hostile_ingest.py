"""Ingest throughput and peak memory under hostile input (issue 12, section 2).

    python benchmarks/bench_hostile_ingest.py [--member-mb 256] [--documents 20000]

Generates into the work folder, once per attack, an input folder with the attack and a few
ordinary judgments (made-up texts), then runs `jiandu ingest judgments` on each in a fresh
DuckDB workspace (a subprocess; peak memory of its process tree sampled from /proc):

- ``nested-json``: a .json of 100,000 nested arrays and JSON lines nested as deep;
- ``deep-html``: a page of 20,000 nested <div>s and a 6 MB page of nested <div>s;
- ``zip-stream``: a zip whose JSON-lines member unpacks to ``--member-mb`` MB (ordinary
  records, a compression ratio the limits allow), plus a line far over the document limit;
- ``zip-hostile``: members named ``../x``, ``/abs``, a nested archive, a truncated archive;
- ``symlinks``: links to a secret file and to a folder outside the input;
- ``baseline``: ``--documents`` ordinary judgments in JSON lines (for comparison).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.bench_parse_ingest import ingest_read_count  # noqa: E402
from benchmarks.memory import run_measured  # noqa: E402

_TEMPLATE = """浙江省绍兴市越城区人民法院
民 事 判 决 书
（2021）浙0602民初{n}号
原告：周某{n}，男，1980年1月1日出生，汉族，住浙江省绍兴市。
被告：陈某{n}，女，1985年2月2日出生，汉族，住浙江省绍兴市。
原告周某{n}与被告陈某{n}民间借贷纠纷一案，本院于2021年3月1日立案后，依法适用简易程序进行了审理。
原告诉称：被告于2020年向原告借款{amount}元，约定月利率1%，到期未还。备注{noise}。
本院认为：当事人之间的借贷关系合法有效，被告应当按约还款。
判决如下：
被告陈某{n}于本判决生效之日起十日内归还原告周某{n}借款{amount}元。
审判员　赵某
二〇二一年五月六日
书记员　钱某
"""


def judgment(n: int, rng: random.Random) -> str:
    return _TEMPLATE.format(n=n, amount=rng.randrange(1000, 900_000), noise=rng.getrandbits(64))


def lines(start: int, count: int, rng: random.Random) -> Iterator[str]:
    for n in range(start, start + count):
        yield json.dumps({"id": n, "text": judgment(n, rng)}, ensure_ascii=False) + "\n"


def build(root: Path, member_mb: int, documents: int) -> dict[str, Path]:
    rng = random.Random(12)
    cases: dict[str, Path] = {}
    names = ("baseline", "nested-json", "deep-html", "zip-stream", "zip-hostile", "symlinks")
    for index, name in enumerate(names):
        folder = root / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        cases[name] = folder
        (folder / "ordinary.jsonl").write_text("".join(lines(index * 1000, 50, rng)), encoding="utf-8")

    with (cases["baseline"] / "many.jsonl").open("w", encoding="utf-8") as handle:
        handle.writelines(lines(10_000_000, documents, rng))

    deep = "[" * 100_000 + "]" * 100_000
    (cases["nested-json"] / "nested.json").write_text(deep, encoding="utf-8")
    (cases["nested-json"] / "nested.jsonl").write_text(
        (deep + "\n") * 20 + '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}\n", encoding="utf-8"
    )

    text = judgment(1, rng)
    (cases["deep-html"] / "deep-20k.html").write_text("<div>" * 20_000 + text + "</div>" * 20_000)
    (cases["deep-html"] / "deep-6mb.html").write_text("<div>" * 600_000 + text + "</div>" * 600_000)

    big = cases["zip-stream"] / "big.zip"
    with (
        zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("records.jsonl", "w", force_zip64=True) as member,
    ):
        written, n = 0, 20_000_000
        while written < member_mb * 1_000_000:
            chunk = "".join(lines(n, 1000, rng)).encode("utf-8")
            member.write(chunk)
            written += len(chunk)
            n += 1000
        member.write(('{"text": "' + "长" * 8_000_000 + '"}\n').encode("utf-8"))  # a 24 MB line

    hostile = cases["zip-hostile"]
    with zipfile.ZipFile(hostile / "names.zip", "w") as archive:
        for index, name in enumerate(("../../etc/evil.txt", "/abs/evil.txt", "inner.zip", "ok.txt")):
            archive.writestr(name, judgment(30_000_000 + index, rng))
    whole = hostile / "whole.zip"
    with zipfile.ZipFile(whole, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(200):
            archive.writestr(f"d{n}.txt", judgment(31_000_000 + n, rng))
    data = whole.read_bytes()
    (hostile / "truncated.zip").write_bytes(data[: len(data) // 2])
    whole.unlink()

    outside = root / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.key").write_bytes(os.urandom(32))
    (cases["symlinks"] / "key.txt").symlink_to(outside / "secret.key")
    (cases["symlinks"] / "elsewhere").symlink_to(outside, target_is_directory=True)
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--member-mb", type=int, default=256, help="unpacked size of the zip's JSON-lines member"
    )
    parser.add_argument("--documents", type=int, default=20_000, help="ordinary judgments of the baseline")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/jiandu-bench-hostile"))
    args = parser.parse_args()
    cases = build(args.workdir / "inputs", args.member_mb, args.documents)
    jiandu = str(Path(sys.executable).with_name("jiandu"))
    header = ("input MB", "seconds", "records/s", "peak MiB", "quarantine MB")
    print(f"{'case':12} " + " ".join(f"{h:>13}" for h in header))
    for name, folder in cases.items():
        workspace = args.workdir / f"workspace-{name}"
        shutil.rmtree(workspace, ignore_errors=True)
        env = dict(os.environ, JIANDU_HOME=str(workspace), COLUMNS="200")
        seconds, peak_mb, output = run_measured([jiandu, "ingest", "judgments", str(folder)], env)
        read = ingest_read_count(output)
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
        kept = sum(p.stat().st_size for p in (workspace / "quarantine").rglob("*") if p.is_file())
        cells = (size / 1e6, seconds, read / seconds, peak_mb, kept / 1e6)
        print(f"{name:12} " + " ".join(f"{c:>13.1f}" for c in cells))
        reasons = [line for line in output.splitlines() if "│" in line and not line.strip("│ ─").isdigit()]
        print("\n".join("    " + line for line in reasons[-8:]))


if __name__ == "__main__":
    main()
