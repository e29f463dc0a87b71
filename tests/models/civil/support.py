"""Hand-built private-lending suits for the false-litigation model tests, written straight into
canonical tables (and, when asked, the household and company registers).

Each suit is one document whose text states what the civil operators read: the plaintiff's
pleading (a standard wording shared across suits, or a short one of its own), flags (withdrawal,
default judgment, public notice), and the routine-loan signs (IOU above the transfer, cash
delivery not proven, interest deducted up front), so every span quotes real wording. Execution
rulings name the plaintiff as 申请执行人.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass, field
from typing import Any

from jiandu.documents.signs import find_signs
from jiandu.engines.base import Engine
from jiandu.ingest.rows import sign_rows
from jiandu.models.civil.operators.claim_wording import ClaimWording
from jiandu.models.civil.operators.execution_applications import ExecutionApplications
from jiandu.models.civil.operators.interest_caps import InterestCaps
from jiandu.models.civil.operators.loan_signs import LoanSigns
from jiandu.models.civil.operators.party_links import PartyLinks
from jiandu.models.clues import load_clues
from jiandu.models.library import Library
from jiandu.models.operators import Operator, PartyKeys, PartyStats, update_derived
from jiandu.models.runner import run_model
from jiandu.schema import canonical_tables, table
from jiandu.schema.derived import derived_table

YUECHENG = "浙江省绍兴市越城区人民法院"
KEQIAO = "浙江省绍兴市柯桥区人民法院"
CODES = {YUECHENG: "浙0602", KEQIAO: "浙0603"}
LENDING = "民间借贷纠纷"
STANDARD = (
    "被告以资金周转为由向原告借款，并出具借条一份，约定于到期前归还。借款到期后，经原告多次催讨，"
    "被告以各种理由推脱，至今分文未还。原告为维护自身合法权益，特诉至法院，望判如所请。"
)
OTHER_STANDARD = (
    "原告系被告的朋友，被告称家中装修急需用钱，原告遂出借款项。被告承诺半年内还清，后经原告及其家人"
    "反复上门催要，被告均避而不见，电话亦不接听，原告无奈只得依法起诉，请求法院支持。"
)
WORDING = {
    "withdrawal": "审理过程中，原告申请撤回起诉，本院裁定准许撤诉。",
    "defendant_absent": "被告经本院传票传唤无正当理由拒不到庭参加诉讼，本院依法缺席判决。",
    "public_notice_service": "因被告下落不明，本院依法公告送达起诉状副本及开庭传票。",
}


@dataclass(frozen=True)
class Suit:
    plaintiff: str
    seq: int
    court: str = YUECHENG
    year: int = 2019
    principal: float = 50_000.0
    flags: tuple[str, ...] = ()
    wording: str | None = None  # standard pleading shared across suits
    transfer: float | None = None  # money actually transferred when below the principal
    upfront: bool = False
    cash_unproven: bool = False
    rate: tuple[str, float] | None = None  # (text, annual rate)
    kind: str = "person"
    filing: dt.date | None = None
    executed: bool = False  # a published execution ruling follows

    @property
    def case_number(self) -> str:
        return f"（{self.year}）{CODES[self.court]}民初{self.seq}号"

    @property
    def doc_id(self) -> str:
        return hashlib.sha256(self.case_number.encode()).hexdigest()[:32]


def series(plaintiff: str, n: int, start: int, **kw: Any) -> list[Suit]:
    """``n`` suits; a keyword ``every_<name>=(k, value)`` sets ``name`` on the first k suits."""
    special = {k.removeprefix("first_"): v for k, v in kw.items() if k.startswith("first_")}
    plain = {k: v for k, v in kw.items() if not k.startswith("first_")}
    out = []
    for i in range(n):
        fields = dict(plain)
        for name, (k, value) in special.items():
            if i < k:
                fields[name] = value
        out.append(Suit(plaintiff, start + i, **fields))
    return out


PHRASES = (
    "双方系多年同学",
    "被告经营饭店缺少资金",
    "借款用于购买货车",
    "约定按季度付息",
    "被告之妻在场见证",
    "原告通过手机银行转账",
    "被告曾出具还款承诺书",
    "借款时被告之子在场",
    "被告称生意亏损无力偿还",
    "原告多次发送短信催讨",
    "双方在茶室签订借款协议",
    "被告以房产证作抵押承诺",
    "还款期限届满后被告搬离原址",
    "原告委托律师发出律师函",
    "被告曾偿还部分利息后停止",
    "借款用于支付工人工资",
    "被告称另有债务需先行清偿",
    "原告系被告的表兄",
    "被告用于购买养殖饲料",
    "双方约定不计利息",
    "被告承包鱼塘需要周转",
    "借款当日双方在银行柜台办理",
    "被告之父作为担保人签字",
    "被告用于偿还信用卡欠款",
    "原告出售股票筹得款项",
    "被告承诺年底前结清",
    "双方约定以车辆抵债",
    "被告称孩子出国留学急用",
    "原告从亲戚处转借资金",
    "被告在微信中多次确认欠款",
    "借款系分三次交付",
    "被告经营的工厂已停产",
    "被告称已将款项转借他人",
    "原告曾到被告老家催讨",
    "被告于春节前后失去联系",
    "双方曾在派出所调解",
    "被告用于支付医疗费用",
    "原告系退休教师",
    "被告为个体工商户",
    "借款用于装修门面",
)


def own_story(seq: int) -> str:
    """A short pleading of the plaintiff's own, different for every suit."""
    rng = random.Random(seq)
    return "，".join(rng.sample(PHRASES, 6)) + "。"


@dataclass
class Builder:
    rows: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {
            t: [] for t in ("documents", "cases", "parties", "flags", "amounts", "interest_rates", "signs")
        }
    )

    def document(self, doc_id: str, text: str, doc_type: str, category: str) -> None:
        self.rows["documents"].append(
            {
                "doc_id": doc_id,
                "source": "fixture",
                "record_ref": doc_id,
                "source_format": "txt",
                "encoding": "utf-8",
                "text": text,
                "char_count": len(text),
                "is_judgment": True,
                "doc_type": doc_type,
                "case_category": category,
                "title": None,
                "parser_version": "fixture",
                "ingested_at": dt.datetime(2024, 1, 1),
                "ingest_run_id": "fixture",
            }
        )

    def party(self, doc_id: str, idx: int, role: str, side: str, name: str, kind: str, start: int) -> None:
        self.rows["parties"].append(
            {
                "doc_id": doc_id,
                "party_idx": idx,
                "role": role,
                "side": side,
                "name": name,
                "kind": kind,
                "span_start": start,
                "span_end": start + len(name),
            }
        )

    def suit(self, s: Suit) -> None:
        did = s.doc_id
        defendant = f"被告{s.seq}号"
        head = f"{s.court}\n民事判决书\n{s.case_number}\n"
        text = head + f"原告：{s.plaintiff}。\n被告：{defendant}。\n"
        p_start = len(head) + len("原告：")
        d_start = p_start + len(s.plaintiff) + len("。\n被告：")
        text += f"原告{s.plaintiff}与被告{defendant}民间借贷纠纷一案，本院立案后依法审理。\n"
        pleading = s.wording or own_story(s.seq)
        text += (
            f"原告{s.plaintiff}向本院提出诉讼请求：判令被告归还借款{int(s.principal)}元。"
            f"事实和理由：{pleading}\n"
        )
        spans: dict[str, tuple[int, int]] = {}
        for flag in s.flags:
            start = len(text)
            text += WORDING[flag]
            spans[flag] = (start, len(text))
        text += "\n本院经审理认定事实如下："
        if s.upfront:
            kept = s.transfer or s.principal * 0.8
            text += (
                f"原告在出借时预先扣除利息{int(s.principal - kept)}元，"
                f"实际通过银行转账方式向被告交付{int(kept)}元。"
            )
        elif s.transfer is not None:
            rest = int(s.principal - s.transfer)
            text += (
                f"原告于当日通过微信转账方式向被告支付{int(s.transfer)}元，"
                f"原告称其余{rest}元以现金方式交付，但未能提供相应证据。"
                f"被告辩称其实际仅收到{int(s.transfer)}元。"
            )
        elif s.cash_unproven:
            text += "原告称借款已以现金方式全额交付，但未能提供相应证据。"
        else:
            text += "原告于当日通过银行转账方式向被告交付了借款。"
        rate_span = None
        if s.rate is not None:
            text += "双方约定"
            rate_span = (len(text), len(text) + len(s.rate[0]))
            text += s.rate[0] + "。"
        text += "\n"
        doc_type = "ruling" if "withdrawal" in s.flags else "judgment"
        self.document(did, text, doc_type, "civil")
        filing = s.filing or dt.date(s.year, 3, 1) + dt.timedelta(days=s.seq % 200)
        # the record's risk signs as ingest writes them, the cap judged at filing like the parser
        self.rows["signs"] += sign_rows(did, find_signs(text, on=filing, claimed_principal=s.principal))
        self.rows["cases"].append(
            {
                "doc_id": did,
                "case_number": s.case_number,
                "case_year": s.year,
                "case_type_code": "民初",
                "court": s.court,
                "cause": LENDING,
                "trial_procedure": "first_instance",
                "procedure_track": "simple",
                "filing_date": filing,
                "judgment_date": filing + dt.timedelta(days=60),
                "claimed_principal": s.principal,
            }
        )
        self.party(did, 0, "原告", "plaintiff", s.plaintiff, s.kind, p_start)
        self.party(did, 1, "被告", "defendant", defendant, "person", d_start)
        for flag in ("withdrawal", "defendant_absent", "public_notice_service", "mediation"):
            if flag in spans:
                start, end = spans[flag]
                self.rows["flags"].append(
                    {"doc_id": did, "flag": flag, "value": True, "span_start": start, "span_end": end}
                )
            else:
                self.rows["flags"].append({"doc_id": did, "flag": flag, "value": False})
        if rate_span is not None:
            assert s.rate is not None
            self.rows["interest_rates"].append(
                {
                    "doc_id": did,
                    "rate_idx": 0,
                    "text": s.rate[0],
                    "period": "year",
                    "rate": s.rate[1],
                    "annual_rate": s.rate[1],
                    "span_start": rate_span[0],
                    "span_end": rate_span[1],
                }
            )
        if s.executed:
            self.execution(s)

    def execution(self, s: Suit) -> None:
        number = f"（{s.year + 1}）{CODES[s.court]}执{s.seq}号"
        did = hashlib.sha256(number.encode()).hexdigest()[:32]
        head = f"{s.court}\n执行裁定书\n{number}\n申请执行人："
        text = (
            head
            + f"{s.plaintiff}。\n被执行人：被告{s.seq}号。\n依据{s.case_number}民事判决书申请强制执行。\n"
        )
        self.document(did, text, "ruling", "execution")
        self.rows["cases"].append(
            {
                "doc_id": did,
                "case_number": number,
                "case_year": s.year + 1,
                "case_type_code": "执",
                "court": s.court,
                "cause": LENDING,
                "trial_procedure": "execution",
            }
        )
        self.party(did, 0, "申请执行人", "applicant", s.plaintiff, s.kind, len(head))


def load(
    engine: Engine,
    suits: list[Suit],
    registers: dict[str, list[dict[str, Any]]] | None = None,
    *,
    run_id: str = "fixture",
) -> None:
    """Write the suits (and register rows) into the canonical tables, as ingest run ``run_id``."""
    b = Builder()
    for s in suits:
        b.suit(s)
    engine.ensure_tables(canonical_tables().values())
    for name, rows in {**b.rows, **(registers or {})}.items():
        for row in rows:
            if "ingest_run_id" in row:
                row["ingest_run_id"] = run_id
        if rows:
            engine.insert_new(table(name), table(name).to_arrow(rows))


CIVIL_OPERATORS: list[Operator] = [
    PartyKeys(),
    PartyStats(),
    LoanSigns(),
    ClaimWording(),
    PartyLinks(),
    ExecutionApplications(),
    InterestCaps(),
]


def run_civil(engine: Engine, model_id: str, **params: Any) -> list[dict[str, Any]]:
    """Build the party and civil derived tables, run one model, return its clues best first."""
    engine.ensure_tables([derived_table(t) for t in ("clues", "clue_evidence", "model_runs")])
    update_derived(engine, run_id="test", operators=CIVIL_OPERATORS)
    spec = Library().get(model_id)
    report = run_model(engine, spec, spec.resolve(params), run_id="test")
    assert report.status == "ok", report.message
    clues = [c for c in load_clues(engine) if c["model_id"] == model_id]
    return sorted(clues, key=lambda c: (-c["score"], c["subject"]["key"]))


def texts(engine: Engine) -> dict[str, str]:
    return {r["doc_id"]: r["text"] for r in engine.rows("SELECT doc_id, text FROM documents")}


def assert_spans_quote_text(engine: Engine, clues: list[dict[str, Any]]) -> None:
    """Every document evidence item quotes exactly the text at its span."""
    docs = texts(engine)
    for clue in clues:
        assert clue["evidence"], clue["subject"]
        for e in clue["evidence"]:
            if e["kind"] == "document" and e["span"] and e["span"][0] is not None:
                start, end = e["span"]
                assert docs[e["doc_id"]][start:end] == e["text"], e


def summary(clues: list[dict[str, Any]]) -> list[tuple[str, float, str]]:
    return [(c["subject"]["name"], c["score"], c["band"]) for c in clues]
