"""A small workspace for the web tests, built with the service layer and the analytic engine.

Two counties of 绍兴 (越城 330602, 柯桥 330603): clues 1–3 cite judgments of 浙0602, clues 4–5
judgments of 浙0603. The judgments sit in the analytic store (documents, cases, parties) with the
cited spans; clue 1's texts carry an ID number, a phone number and an address (masked for roles
without personal.read). Clue 3 (越城) and clue 5 (柯桥) are confirmed, so each county has a
governance group.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from jiandu.schema.registry import table
from jiandu.workflow import (
    Store,
    add_user,
    approve,
    assign,
    install_defaults,
    principal_for_username,
    propose,
    record_outcome,
    sync_clues,
    system_principal,
    transition,
)
from jiandu.workflow.governance import group_key
from jiandu.workspace import Workspace

YUECHENG, KEQIAO, SHAOXING, ZHEJIANG = "330602", "330603", "330600", "330000"
ID_NUMBER = "330602198001011234"
PHONE = "13812345678"
ADDRESS = "浙江省绍兴市越城区解放北路123号5幢201室"
ADDRESS_TAIL = "解放北路123号"
PASSWORD = "correct horse battery"
MODEL = "civil.repeat_plaintiff_basic"
CITED = "申请撤回起诉"

# (username, role, jurisdiction)
USERS = (
    ("admin", "admin", ZHEJIANG),
    ("yc_pro", "prosecutor", YUECHENG),
    ("yc_pro2", "prosecutor", YUECHENG),
    ("kq_pro", "prosecutor", KEQIAO),
    ("sx_pro", "prosecutor", SHAOXING),
    ("yc_chief", "chief", YUECHENG),
    ("zj_chief", "chief", ZHEJIANG),
    ("yc_viewer", "viewer", YUECHENG),
    ("yc_analyst", "analyst", YUECHENG),
    ("zj_auditor", "auditor", ZHEJIANG),
)
ROLES = {u: r for u, r, _ in USERS}


def clue_id(n: int) -> str:
    return f"c{n:031d}"


YC = [clue_id(n) for n in (1, 2, 3)]
KQ = [clue_id(n) for n in (4, 5)]


def plaintiff(n: int) -> str:
    return f"原告甲{n}"


def judgment(n: int, k: int, court: str) -> tuple[str, str, str]:
    """(doc_id, case number, text) of the k-th judgment cited by clue n."""
    case_number = f"（2023）{court}民初{100 * k + n}号"
    personal = f"身份证号{ID_NUMBER}，住{ADDRESS}，电话{PHONE}" if n == 1 else "住所地不详"
    text = (
        f"浙江省绍兴市人民法院\n民事裁定书\n{case_number}\n"
        f"原告：{plaintiff(n)}，男，1980年1月1日出生，{personal}。\n"
        f"被告：被告乙{n}{k}，女。\n"
        f"原告{plaintiff(n)}与被告被告乙{n}{k}民间借贷纠纷一案，本院于2023年3月1日立案。"
        f"原告于2023年4月1日向本院{CITED}。\n"
        "本院认为，原告撤诉的请求不违反法律规定，准许撤诉。"
    )
    return f"d{n}x{k}", case_number, text


def make_clue(n: int, court: str) -> dict[str, Any]:
    evidence = []
    for k in (1, 2):
        doc_id, case_number, text = judgment(n, k, court)
        start = text.index(CITED)
        evidence.append(
            {
                "kind": "document",
                "source": "judgments",
                "doc_id": doc_id,
                "case_number": case_number,
                "span": [start, start + len(CITED)],
                "text": CITED,
                "label": "撤诉",
            }
        )
    subject_key = f"id:{ID_NUMBER}" if n == 1 else f"name:{plaintiff(n)}"
    return {
        "clue_id": clue_id(n),
        "model_id": MODEL,
        "model_version": "1.0.0",
        "subject": {"type": "person", "key": subject_key, "name": plaintiff(n)},
        "score": float(90 - n),
        "band": "red",
        "explanation": (
            f"{plaintiff(n)}（身份证号{ID_NUMBER}，电话{PHONE}，住{ADDRESS}）一年内在同一法院起诉2件后撤诉。"
            if n == 1
            else f"{plaintiff(n)}一年内在同一法院起诉2件后撤诉。"
        ),
        "features": {"suits": {"value": 2, "weight": 1.0}},
        "evidence": evidence,
        "run_id": "run-1",
        "region": "zhejiang",
    }


COURTS = {1: "浙0602", 2: "浙0602", 3: "浙0602", 4: "浙0603", 5: "浙0603"}
YC_GROUP = group_key(MODEL, "浙0602", YUECHENG)
KQ_GROUP = group_key(MODEL, "浙0603", KEQIAO)


def _documents(root: Path) -> None:
    documents, cases, parties = [], [], []
    for n, court in COURTS.items():
        for k in (1, 2):
            doc_id, case_number, text = judgment(n, k, court)
            documents.append(
                {
                    "doc_id": doc_id,
                    "text": text,
                    "char_count": len(text),
                    "title": "民事裁定书",
                    "is_judgment": True,
                }
            )
            cases.append({"doc_id": doc_id, "case_number": case_number, "court": "绍兴法院"})
            parties.append(
                {
                    "doc_id": doc_id,
                    "party_idx": 0,
                    "role": "原告",
                    "side": "plaintiff",
                    "name": plaintiff(n),
                    "kind": "person",
                }
            )
            parties.append(
                {
                    "doc_id": doc_id,
                    "party_idx": 1,
                    "role": "被告",
                    "side": "defendant",
                    "name": f"被告乙{n}{k}",
                    "kind": "person",
                }
            )
            if n == 2:  # a lender shared by both of clue 2's suits
                parties.append(
                    {
                        "doc_id": doc_id,
                        "party_idx": 2,
                        "role": "第三人",
                        "side": "third_party",
                        "name": "某小额贷款公司",
                        "kind": "organization",
                    }
                )
    engine = Workspace(root).open_engine()
    try:
        engine.ensure_tables([table("documents"), table("cases"), table("parties")])
        engine.append("documents", pa.Table.from_pylist(documents))
        engine.append("cases", pa.Table.from_pylist(cases))
        engine.append("parties", pa.Table.from_pylist(parties))
    finally:
        engine.close()


def build_workspace(root: Path) -> None:
    Workspace(root).init(engine="duckdb")
    _documents(root)
    store = Store.for_workspace(root)
    try:
        with store.write() as s:
            install_defaults(s)
            system = system_principal(s)
            for username, role, code in USERS:
                add_user(s, system, username, role=role, jurisdiction_code=code, password=PASSWORD)
            sync_clues(s, [make_clue(n, court) for n, court in COURTS.items()])
            for n in (3, 5):
                assign(s, system, clue_id(n), "admin")
                transition(s, system, clue_id(n), "verifying")
                propose(s, system, clue_id(n), "case_filed", reason="提请立案")
                approve(s, principal_for_username(s, "zj_chief"), clue_id(n))
                record_outcome(s, system, clue_id(n), "confirmed")
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()


@dataclass
class Copy:
    root: Path


def copy_workspace(template: Path, target: Path) -> Path:
    shutil.copytree(template, target)
    return target
