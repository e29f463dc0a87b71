"""What a profile (画像) of a resolved person or organisation shows, read from the analytic store.

Cases by role over the years, the documents with *why* each was linked to the entity (the
entity-resolution links: method, Splink match weight and probability, the comparisons that
agreed), execution cases and the dishonest-debtor and consumption-ban registers, relations,
and the parties of its documents for the network. Every string a page shows goes through the
viewer's mask. Visibility (the entity's jurisdictions) is decided by `jiandu.workflow.search`.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from jiandu.entities.model import COMPARISON_BY_NAME
from jiandu.workflow.firms import RowSource

_NUMBER_YEAR = re.compile(r"\s*[（(〔\[]\s*((?:19|20)\d\d)\s*[）)〕\]]")
MAX_DOCUMENTS = 1000
GRAPH_DOCUMENTS = 24
REASONS_PER_MENTION = 3  # a mention of a big entity may be linked to hundreds of others
METHOD_NAMES_ZH = {
    "judgement": "人工判定",
    "exact_id": "证件号码相同",
    "exact_org": "单位名称相同",
    "probabilistic": "概率匹配",
}
RELATION_NAMES_ZH = {
    "spouse": "配偶",
    "parent": "父母",
    "child": "子女",
    "parent_child": "父母子女",
    "sibling": "兄弟姐妹",
    "household": "同户成员",
    "same_address_surname": "同住址同姓",
    "employee_of": "受雇于",
    "employer_of": "雇用",
    "employee_of_legal_rep": "受雇于其担任法定代表人的单位",
    "legal_rep_of_employer": "所在单位的法定代表人",
    "legal_rep_of": "担任法定代表人",
    "company_of": "其法定代表人",
    "relative": "亲属",
    "partner": "合伙人或伴侣",
    "colleague": "同事",
}
RELATION_SOURCES_ZH = {
    "household": "户籍登记",
    "employment": "社保用工登记",
    "companies": "企业登记",
    "document": "裁判文书所述",
}
MENTION_SOURCES_ZH = {
    "parties": "裁判文书当事人",
    "household": "户籍登记",
    "companies": "企业登记",
    "company_reps": "企业法定代表人登记",
    "execution_applicants": "执行案件申请人",
    "execution_respondents": "执行案件被执行人",
    "dishonest_debtors": "失信被执行人名单",
    "consumption_bans": "限制消费人员名单",
}
PROVENANCE_ZH = {"register": "登记", "document": "文书所述", "both": "登记与文书"}


@dataclass
class LinkReason:
    """Why two mentions are one entity: one applied entity-resolution link."""

    mention_a: str
    mention_b: str
    other: str  # the other mention, described
    method: str
    probability: float | None
    match_weight: float | None
    agreed: list[str]  # comparisons that spoke for the match, with their weights
    explanation: str


@dataclass
class ProfileDocument:
    doc_id: str
    mention_id: str
    role: str
    case_number: str
    year: int | None
    court: str
    cause: str
    reasons: list[LinkReason] = field(default_factory=list)


@dataclass
class Profile:
    entity_id: str
    kind: str
    name: str
    id_key: str
    mentions: int
    sources: list[str]
    documents: list[ProfileDocument]
    more_documents: bool
    years: list[int]
    roles: list[tuple[str, list[int], int]]  # role, count per year, total
    executions: list[dict[str, Any]]
    dishonest: list[dict[str, Any]]
    bans: list[dict[str, Any]]
    relations: list[dict[str, Any]]
    graph_documents: list[dict[str, Any]]
    register_reasons: list[LinkReason]  # links to register rows (not documents)
    keys: list[str]  # entity id, ID number or credit code, fact keys (clues, executions, relations)


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


def _agreed(detail: str | None) -> list[str]:
    """The comparisons of a probabilistic link that spoke for the match, strongest first."""
    try:
        parsed = json.loads(detail) if detail else {}
    except ValueError:
        return []
    out = []
    for name, entry in parsed.items() if isinstance(parsed, dict) else []:
        comparison = COMPARISON_BY_NAME.get(name)
        if comparison is None or not isinstance(entry, dict):
            continue
        weight = float(entry.get("weight") or 0.0) + float(entry.get("tf_adjustment") or 0.0)
        level = next((lv for lv in comparison.levels if lv.code == entry.get("level")), None)
        if level is None or level.null or weight <= 0:
            continue
        out.append((weight, f"{level.label}（{weight:+.1f}）"))
    return [text for _, text in sorted(out, reverse=True)]


def _strongest(reasons: list[LinkReason]) -> list[LinkReason]:
    """The links of one mention, strongest first, at most `REASONS_PER_MENTION`."""
    ranked = sorted(reasons, key=lambda r: (-(r.probability or 0.0), -(r.match_weight or 0.0)))
    return ranked[:REASONS_PER_MENTION]


def _describe(mention: dict[str, Any] | None, cases: dict[str, str]) -> str:
    if mention is None:
        return "另一出现记录"
    source = MENTION_SOURCES_ZH.get(mention.get("source") or "", "其他登记")
    if mention.get("source") == "parties":
        number = cases.get(mention.get("doc_id") or "")
        role = mention.get("role") or "当事人"
        return f"{number or '另一份文书'}中的{role}{mention.get('name') or ''}"
    return f"{source}中的{mention.get('name') or ''}"


def _year(row: dict[str, Any]) -> int | None:
    """The case's year: from the case store, else the year in its number, else the judgment date."""
    if row.get("case_year"):
        return int(row["case_year"])
    found = _NUMBER_YEAR.match(row.get("case_number") or "")
    if found:
        return int(found.group(1))
    date = row.get("judgment_date")
    return int(date.year) if date is not None and hasattr(date, "year") else None


def load_profile(source: RowSource, entity_id: str, mask: Callable[[str], str]) -> Profile | None:
    """The profile of one entity, masked for the viewer; None when the store has no such entity."""
    if not source.table_exists("entities"):
        return None
    found = source.rows(
        "SELECT entity_id, kind, name, id_key, mentions, sources FROM entities WHERE entity_id = ?",
        [entity_id],
    )
    if not found:
        return None
    entity = found[0]
    m = mask

    mentions: dict[str, dict[str, Any]] = {}
    if source.table_exists("entity_mentions"):
        mentions = {
            r["mention_id"]: r
            for r in source.rows(
                "SELECT mention_id, source, doc_id, party_idx, name, role, court FROM entity_mentions "
                "WHERE entity_id = ?",
                [entity_id],
            )
        }
    docs: list[dict[str, Any]] = []
    if source.table_exists("party_entities"):
        docs = source.rows(
            "SELECT p.doc_id, p.party_idx, p.role, p.name, c.case_number, c.case_year, c.court, c.cause, "
            "c.judgment_date FROM party_entities pe JOIN parties p ON p.doc_id = pe.doc_id "
            "AND p.party_idx = pe.party_idx LEFT JOIN cases c ON c.doc_id = pe.doc_id "
            "WHERE pe.entity_id = ? ORDER BY c.case_year, c.case_number, p.doc_id, p.party_idx "
            f"LIMIT {MAX_DOCUMENTS + 1}",
            [entity_id],
        )
    more = len(docs) > MAX_DOCUMENTS
    docs = docs[:MAX_DOCUMENTS]
    case_of = {d["doc_id"]: d.get("case_number") or "" for d in docs}

    # links: the applied links of the entity (a spanning tree), by mention
    by_mention: dict[str, list[LinkReason]] = defaultdict(list)
    if source.table_exists("entity_links"):
        links = source.rows(
            "SELECT mention_a, mention_b, method, probability, match_weight, explanation, detail "
            "FROM entity_links WHERE entity_id = ? AND applied",
            [entity_id],
        )
        other_ids = {x for r in links for x in (r["mention_a"], r["mention_b"]) if x not in mentions}
        if other_ids and source.table_exists("entity_mentions"):  # a mention resolved elsewhere since
            for r in source.rows(
                "SELECT mention_id, source, doc_id, party_idx, name, role, court FROM entity_mentions "
                f"WHERE mention_id IN ({_marks(list(other_ids))})",
                list(other_ids),
            ):
                mentions.setdefault(r["mention_id"], r)
        for r in links:
            for own, other in ((r["mention_a"], r["mention_b"]), (r["mention_b"], r["mention_a"])):
                by_mention[own].append(
                    LinkReason(
                        mention_a=r["mention_a"],
                        mention_b=r["mention_b"],
                        other=m(_describe(mentions.get(other), case_of)),
                        method=METHOD_NAMES_ZH.get(r["method"] or "", "其他方式"),
                        probability=r["probability"],
                        match_weight=r["match_weight"],
                        # comparison labels and weights are jiandu's own words, never personal
                        # data (a mask would read 住址区县相同 as an address); a reviewer's
                        # judgement carries the reviewer's reason: masked
                        agreed=_agreed(r["detail"]),
                        explanation=m(r["explanation"] or "")
                        if r["method"] == "judgement"
                        else (r["explanation"] or ""),
                    )
                )

    documents = []
    for d in docs:
        mention_id = f"P:{d['doc_id']}:{d['party_idx']}"
        documents.append(
            ProfileDocument(
                doc_id=d["doc_id"],
                mention_id=mention_id,
                role=d.get("role") or "当事人",
                case_number=d.get("case_number") or "",
                year=_year(d),
                court=m(d.get("court") or ""),
                cause=m(d.get("cause") or ""),
                reasons=_strongest(by_mention.get(mention_id, [])),
            )
        )
    register_reasons = [
        reason
        for mention_id, row in mentions.items()
        if row.get("source") != "parties"
        for reason in _strongest(by_mention.get(mention_id, []))
    ]

    # roles over the years
    counts: Counter[tuple[str, int | None]] = Counter((d.role, d.year) for d in documents)
    years = sorted({y for _, y in counts if y is not None})
    roles = []
    for role in sorted(
        {r for r, _ in counts}, key=lambda r: -sum(v for (x, _), v in counts.items() if x == r)
    ):
        row = [counts.get((role, y), 0) for y in years]
        roles.append((role, row, sum(v for (x, _), v in counts.items() if x == role)))

    keys = _fact_keys(source, entity_id, entity.get("id_key"))
    executions, dishonest, bans, relations = _registers(source, keys, m)
    graph = _graph_documents(source, [d.doc_id for d in documents][:GRAPH_DOCUMENTS])
    return Profile(
        entity_id=entity_id,
        kind="organization" if entity.get("kind") == "organization" else "person",
        name=m(entity.get("name") or ""),
        id_key=m(entity.get("id_key") or ""),
        mentions=int(entity.get("mentions") or 0),
        sources=sorted(
            {
                MENTION_SOURCES_ZH.get(s.strip(), "其他登记")
                for s in (entity.get("sources") or "").split(",")
                if s
            }
        ),
        documents=documents,
        more_documents=more,
        years=years,
        roles=roles,
        executions=executions,
        dishonest=dishonest,
        bans=bans,
        relations=relations,
        graph_documents=graph,
        register_reasons=register_reasons,
        keys=keys,
    )


def _fact_keys(source: RowSource, entity_id: str, id_key: str | None) -> list[str]:
    """The keys execution cases and relations use for this entity."""
    keys = {entity_id}
    if id_key:
        keys.add(id_key)
    if source.table_exists("party_fact_keys") and source.table_exists("party_entities"):
        for r in source.rows(
            "SELECT DISTINCT pf.fact_key FROM party_fact_keys pf JOIN party_entities pe "
            "ON pe.doc_id = pf.doc_id AND pe.party_idx = pf.party_idx WHERE pe.entity_id = ?",
            [entity_id],
        ):
            if r["fact_key"]:
                keys.add(r["fact_key"])
    return sorted(keys)


def _registers(
    source: RowSource, keys: list[str], m: Callable[[str], str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    executions: list[dict[str, Any]] = []
    marks = _marks(keys)
    if source.table_exists("execution_cases_all"):
        for r in source.rows(
            "SELECT case_ref, case_number, court, filing_date, closing_mode, closing_date, listed_dishonest, "
            "provenance, respondent_key, respondent_name, applicant_name FROM execution_cases_all "
            f"WHERE respondent_key IN ({marks}) OR applicant_key IN ({marks}) ORDER BY filing_date LIMIT 500",
            keys + keys,
        ):
            executions.append(
                {
                    "case_number": r["case_number"] or "未载明案号",
                    "role": "被执行人" if r["respondent_key"] in keys else "申请执行人",
                    "court": m(r["court"] or ""),
                    "filing_date": r["filing_date"],
                    "closing": m(r["closing_mode"] or "")
                    or ("已结案" if r["closing_date"] else "未结案或不详"),
                    "dishonest": bool(r["listed_dishonest"]),
                    "provenance": PROVENANCE_ZH.get(r["provenance"] or "", "其他"),
                    "other": m(
                        (r["applicant_name"] if r["respondent_key"] in keys else r["respondent_name"]) or ""
                    ),
                }
            )
    dishonest: list[dict[str, Any]] = []
    if source.table_exists("dishonest_debtors"):
        dishonest = [
            {**r, "court": m(r["court"] or ""), "performance": m(r["performance"] or "")}
            for r in source.rows(
                "SELECT case_number, court, reg_date, performance, removed_date FROM dishonest_debtors "
                f"WHERE key IN ({marks}) ORDER BY reg_date",
                keys,
            )
        ]
    bans: list[dict[str, Any]] = []
    if source.table_exists("consumption_bans"):
        bans = [
            {**r, "court": m(r["court"] or "")}
            for r in source.rows(
                "SELECT case_number, court, issue_date, lifted_date FROM consumption_bans "
                f"WHERE key IN ({marks}) ORDER BY issue_date",
                keys,
            )
        ]
    relations: list[dict[str, Any]] = []
    if source.table_exists("person_relations"):
        rows = source.rows(
            "SELECT key_b, relation, source, provenance, confidence FROM person_relations "
            f"WHERE key_a IN ({marks}) AND key_b NOT IN ({marks}) ORDER BY confidence DESC LIMIT 200",
            keys + keys,
        )
        others = sorted({r["key_b"] for r in rows})
        named: dict[str, tuple[str, str | None, str]] = {}
        if others and source.table_exists("entities"):
            for e in source.rows(
                "SELECT entity_id, kind, name, id_key FROM entities "
                f"WHERE entity_id IN ({_marks(others)}) OR id_key IN ({_marks(others)})",
                others + others,
            ):
                kind = "organization" if e["kind"] == "organization" else "person"
                for k in (e["entity_id"], e["id_key"]):
                    if k:
                        named[k] = (e["name"] or "", e["entity_id"], kind)
        if others and source.table_exists("party_fact_keys"):
            for r in source.rows(
                "SELECT DISTINCT fact_key, fact_name FROM party_fact_keys "
                f"WHERE fact_key IN ({_marks(others)})",
                others,
            ):
                named.setdefault(r["fact_key"], (r["fact_name"] or "", None, "person"))
        for r in rows:
            name, other_id, kind = named.get(r["key_b"], ("", None, "person"))
            relations.append(
                {
                    "relation": RELATION_NAMES_ZH.get(r["relation"] or "", "其他关系"),
                    "name": m(name) or "未具名",
                    "entity_id": other_id,
                    "kind": kind,
                    "source": RELATION_SOURCES_ZH.get(r["source"] or "", "其他来源"),
                    "provenance": PROVENANCE_ZH.get(r["provenance"] or "", "其他"),
                    "confidence": r["confidence"],
                }
            )
    return executions, dishonest, bans, relations


def _graph_documents(source: RowSource, doc_ids: list[str]) -> list[dict[str, Any]]:
    """[{doc_id, case_number, parties: [{name, role, kind}]}] for `render.network_svg`."""
    ids = list(dict.fromkeys(doc_ids))
    if not ids or not source.table_exists("parties"):
        return []
    out: dict[str, dict[str, Any]] = {d: {"doc_id": d, "case_number": None, "parties": []} for d in ids}
    if source.table_exists("cases"):
        for r in source.rows(f"SELECT doc_id, case_number FROM cases WHERE doc_id IN ({_marks(ids)})", ids):
            out[r["doc_id"]]["case_number"] = r["case_number"]
    for r in source.rows(
        f"SELECT doc_id, role, name, kind FROM parties WHERE doc_id IN ({_marks(ids)}) "
        "ORDER BY doc_id, party_idx",
        ids,
    ):
        out[r["doc_id"]]["parties"].append(r)
    return list(out.values())
