"""Turn one parsed record into rows of the canonical tables (see jiandu/schema/canonical.yaml)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jiandu.documents.record import JudgmentRecord, Sign

Rows = dict[str, list[dict[str, Any]]]
CHILD_TABLES = (
    "cases",
    "parties",
    "legal_representatives",
    "agents",
    "judges",
    "flags",
    "amounts",
    "interest_rates",
    "signs",
)
FLAG_FIELDS = (
    "defendant_absent",
    "public_notice_service",
    "mediation",
    "withdrawal",
    "cash_delivery",
    "terminated_execution",
)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _span(record: JudgmentRecord, path: str) -> tuple[int | None, int | None]:
    span = record.spans.get(path)
    return (span[0], span[1]) if span else (None, None)


def record_rows(record: JudgmentRecord, doc_id: str) -> Rows:
    """Child-table rows of one record (everything except the documents row)."""
    cause = record.cause
    if isinstance(cause, list):
        cause = "、".join(cause)
    rows: Rows = {name: [] for name in CHILD_TABLES}
    rows["cases"].append(
        {
            "doc_id": doc_id,
            "case_number": record.case_number,
            "case_year": record.case_year,
            "case_type_code": record.case_type_code,
            "court": record.court,
            "cause": cause,
            "trial_procedure": record.trial_procedure,
            "procedure_track": record.procedure_track,
            "filing_date": _date(record.filing_date),
            "hearing_date": _date(record.hearing_date),
            "judgment_date": _date(record.judgment_date),
            "claimed_principal": record.claimed_principal,
        }
    )
    for i, party in enumerate(record.parties):
        start, end = _span(record, f"parties.{i}.name")
        rows["parties"].append(
            {
                "doc_id": doc_id,
                "party_idx": i,
                "role": party.role,
                "side": party.side,
                "name": party.name,
                "kind": party.kind,
                "gender": party.gender,
                "birth_date": _date(party.birth_date),
                "ethnicity": party.ethnicity,
                "address": party.address,
                "id_number": party.id_number,
                "original_role": party.original_role,
                "span_start": start,
                "span_end": end,
            }
        )
    for i, rep in enumerate(record.legal_representatives):
        start, end = _span(record, f"legal_representatives.{i}.name")
        rows["legal_representatives"].append(
            {
                "doc_id": doc_id,
                "rep_idx": i,
                "for_party": rep.for_,
                "name": rep.name,
                "title": rep.title,
                "span_start": start,
                "span_end": end,
            }
        )
    for i, agent in enumerate(record.agents):
        start, end = _span(record, f"agents.{i}.name")
        rows["agents"].append(
            {
                "doc_id": doc_id,
                "agent_idx": i,
                "for_party": agent.for_,
                "name": agent.name,
                "law_firm": agent.law_firm,
                "kind": agent.kind,
                "role": agent.role,
                "span_start": start,
                "span_end": end,
            }
        )
    officers = [(j.role, j.name, f"judges.{i}.name") for i, j in enumerate(record.judges)]
    officers += [("书记员", name, f"clerks.{i}") for i, name in enumerate(record.clerks)]
    for i, (role, name, path) in enumerate(officers):
        start, end = _span(record, path)
        rows["judges"].append(
            {
                "doc_id": doc_id,
                "judge_idx": i,
                "role": role,
                "name": name,
                "span_start": start,
                "span_end": end,
            }
        )
    for flag in FLAG_FIELDS:
        value = getattr(record, flag)
        if value is not None:
            start, end = _span(record, f"flags.{flag}")
            rows["flags"].append(
                {
                    "doc_id": doc_id,
                    "flag": flag,
                    "value": value,
                    "span_start": start,
                    "span_end": end,
                }
            )
    for i, amount in enumerate(record.amounts):
        start, end = _span(record, f"amounts.{i}.value")
        rows["amounts"].append(
            {
                "doc_id": doc_id,
                "amount_idx": i,
                "kind": amount.kind,
                "value": amount.value,
                "text": amount.text,
                "span_start": start,
                "span_end": end,
            }
        )
    for i, rate in enumerate(record.interest_rates):
        start, end = _span(record, f"interest_rates.{i}.text")
        rows["interest_rates"].append(
            {
                "doc_id": doc_id,
                "rate_idx": i,
                "text": rate.text,
                "period": rate.period,
                "rate": rate.rate,
                "annual_rate": rate.annual_rate,
                "span_start": start,
                "span_end": end,
            }
        )
    rows["signs"] = sign_rows(doc_id, record.signs)
    return rows


def sign_rows(doc_id: str, signs: list[Sign]) -> list[dict[str, Any]]:
    """Rows of the canonical table ``signs`` for one document's risk signs."""
    return [
        {
            "doc_id": doc_id,
            "sign_idx": i,
            "code": sign.code,
            "text": sign.text,
            "value": sign.value,
            "written_amount": sign.written,
            "delivered_amount": sign.delivered,
            "span_start": sign.start,
            "span_end": sign.end,
        }
        for i, sign in enumerate(signs)
    ]
