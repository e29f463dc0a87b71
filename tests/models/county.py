"""A tiny hand-built county of civil suits, written straight into canonical tables.

Each suit is one first-instance judgment whose text names the plaintiff and defendant and states
its flags, so spans quote real wording. Planted positives and near misses for
``civil.repeat_plaintiff_basic`` (defaults: ≥10 private-lending suits at one court in one year):

positives
  王大成     14 suits, 越城 2019, most withdrawn / default judgments / public notice → red
  恒通贸易   10 suits, 越城 2020, no anomalies → green
near misses (no clue with default parameters)
  李小明      9 suits at one court in 2019 (one short)
  陈丽       12 suits split 6 + 6 over two courts
  农商银行   20 suits, a licensed lender
  张某       12 suits by masked 张某 (different people; never merged)
  赵强       10 suits at one court but 5 in 2019 and 5 in 2020 (a clue when the window is 2 years)
  周伟       12 suits, but 买卖合同纠纷
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from jiandu.engines.base import Engine
from jiandu.schema import canonical_tables, table

YUECHENG = "浙江省绍兴市越城区人民法院"
KEQIAO = "浙江省绍兴市柯桥区人民法院"
LENDING = "民间借贷纠纷"
SALES = "买卖合同纠纷"
FLAG_WORDING = {
    "withdrawal": "原告于本院审理期间申请撤诉，本院准许撤诉。",
    "defendant_absent": "被告经本院传票传唤无正当理由拒不到庭参加诉讼，本院依法缺席判决。",
    "public_notice_service": "因被告下落不明，本院依法公告送达起诉状副本及开庭传票。",
}


@dataclass(frozen=True)
class Suit:
    plaintiff: str
    court: str
    year: int
    seq: int
    cause: str = LENDING
    flags: tuple[str, ...] = ()
    plaintiff_kind: str = "person"
    principal: float = 50_000.0


def suits(
    plaintiff: str,
    n: int,
    court: str,
    year: int,
    *,
    start: int = 1,
    cause: str = LENDING,
    flags: dict[str, int] | None = None,
    kind: str = "person",
    written: str | None = None,
) -> list[Suit]:
    """``n`` suits; ``flags`` gives how many of them carry each flag (the first ones)."""
    out = []
    for i in range(n):
        chosen = tuple(f for f, count in (flags or {}).items() if i < count)
        out.append(Suit(written or plaintiff, court, year, start + i, cause, chosen, kind))
    return out


def baseline() -> list[Suit]:
    return [
        *suits(
            "王大成",
            13,
            YUECHENG,
            2019,
            start=100,
            flags={"withdrawal": 10, "defendant_absent": 8, "public_notice_service": 6},
        ),
        *suits("王大成", 1, YUECHENG, 2019, start=200, written="王 大成"),  # same person, spaced
        *suits("绍兴恒通贸易有限公司", 10, YUECHENG, 2020, start=300, kind="organization"),
        *suits("李小明", 9, YUECHENG, 2019, start=400),
        *suits("陈丽", 6, YUECHENG, 2019, start=500, flags={"withdrawal": 6}),
        *suits("陈丽", 6, KEQIAO, 2019, start=600, flags={"withdrawal": 6}),
        *suits("浙江绍兴农村商业银行股份有限公司", 20, YUECHENG, 2019, start=700, kind="organization"),
        *suits("张某", 12, YUECHENG, 2019, start=800, flags={"defendant_absent": 12}),
        *suits("赵强", 5, YUECHENG, 2019, start=900),
        *suits("赵强", 5, YUECHENG, 2020, start=950),
        *suits("周伟", 12, YUECHENG, 2019, start=1000, cause=SALES, flags={"withdrawal": 12}),
    ]


def later() -> list[Suit]:
    """An incremental load: a new repeat plaintiff, and one more suit for 王大成."""
    return [
        *suits("孙立", 11, KEQIAO, 2021, start=1100, flags={"public_notice_service": 11}),
        *suits("王大成", 1, YUECHENG, 2019, start=1200, flags={"withdrawal": 1}),
    ]


def court_code(court: str) -> str:
    return "浙0602" if court == YUECHENG else "浙0603"


def case_number(s: Suit) -> str:
    return f"（{s.year}）{court_code(s.court)}民初{s.seq}号"


def doc_id(s: Suit) -> str:
    return hashlib.sha256(case_number(s).encode()).hexdigest()[:32]


def rows_for(batch: list[Suit]) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {
        "documents": [],
        "cases": [],
        "parties": [],
        "flags": [],
    }
    for s in batch:
        did = doc_id(s)
        defendant = f"被告{s.seq}号"
        head = f"{s.court}\n民事判决书\n{case_number(s)}\n"
        p_line = f"原告：{s.plaintiff}。\n"
        d_line = f"被告：{defendant}。\n"
        body = f"原告{s.plaintiff}与被告{defendant}{s.cause}一案，本院立案后依法适用简易程序审理。\n"
        text = head + p_line + d_line + body
        flag_spans = {}
        for flag in s.flags:
            start = len(text)
            text += FLAG_WORDING[flag]
            flag_spans[flag] = (start, len(text))
        p_start = len(head) + len("原告：")
        d_start = len(head) + len(p_line) + len("被告：")
        rows["documents"].append(
            {
                "doc_id": did,
                "source": "fixture",
                "record_ref": case_number(s),
                "source_format": "txt",
                "encoding": "utf-8",
                "text": text,
                "char_count": len(text),
                "is_judgment": True,
                "doc_type": "judgment",
                "case_category": "civil",
                "title": "民事判决书",
                "parser_version": "fixture",
                "ingested_at": dt.datetime(2024, 1, 1),
                "ingest_run_id": "fixture",
            }
        )
        rows["cases"].append(
            {
                "doc_id": did,
                "case_number": case_number(s),
                "case_year": s.year,
                "case_type_code": "民初",
                "court": s.court,
                "cause": s.cause,
                "trial_procedure": "first_instance",
                "procedure_track": "simple",
                "filing_date": dt.date(s.year, 3, 1) + dt.timedelta(days=s.seq % 200),
                "judgment_date": dt.date(s.year, 11, 1),
                "claimed_principal": s.principal,
            }
        )
        rows["parties"].append(
            {
                "doc_id": did,
                "party_idx": 0,
                "role": "原告",
                "side": "plaintiff",
                "name": s.plaintiff,
                "kind": s.plaintiff_kind,
                "span_start": p_start,
                "span_end": p_start + len(s.plaintiff),
            }
        )
        rows["parties"].append(
            {
                "doc_id": did,
                "party_idx": 1,
                "role": "被告",
                "side": "defendant",
                "name": defendant,
                "kind": "person",
                "span_start": d_start,
                "span_end": d_start + len(defendant),
            }
        )
        for flag in ("withdrawal", "defendant_absent", "public_notice_service", "mediation"):
            if flag in flag_spans:
                start, end = flag_spans[flag]
                rows["flags"].append(
                    {
                        "doc_id": did,
                        "flag": flag,
                        "value": True,
                        "span_start": start,
                        "span_end": end,
                    }
                )
            else:
                rows["flags"].append({"doc_id": did, "flag": flag, "value": False})
        for row in rows["parties"][-2:]:
            assert text[row["span_start"] : row["span_end"]] == row["name"]
    return rows


def load(engine: Engine, batch: list[Suit], *, run_id: str | None = None) -> None:
    """Store the suits' rows; with ``run_id``, as that ingest run (an incremental batch)."""
    engine.ensure_tables(canonical_tables().values())
    for name, rows in rows_for(batch).items():
        if run_id is not None:
            for row in rows:
                if "ingest_run_id" in row:
                    row["ingest_run_id"] = run_id
        engine.insert_new(table(name), table(name).to_arrow(rows))
