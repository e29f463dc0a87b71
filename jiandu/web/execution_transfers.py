"""The asset-transfer graph of a 拒执 (refusal to execute) clue (issue 14 §7).

The refusal model (`execution.refusal_to_execute`) writes one evidence row per suspicious transfer,
in its spec's words: ``<date> <asset> 由被执行人转至 <recipient>（<key>，关系：<relation>）；此前
<duty date> 起负有履行义务（<case>，<court>，<state>）``. This module reads those rows back (the
model decided which transfers count; nothing is re-derived), adds where the relation comes from
(`person_relations.source`: household or company register, or a judgment that states it) and
shapes them for `jiandu.web.render.network_svg`, the drawing the parties' graph and the insurance
ring use: the debtor in the centre, each asset on the inner circle, its recipient outside with the
relation on the edge. Names and keys are masked by the drawing and by the caller.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from jiandu.inputs.identifiers import is_valid_credit_code
from jiandu.web.profile_data import RELATION_SOURCES_ZH
from jiandu.workflow.firms import RowSource

REFUSAL_MODELS = frozenset({"execution.refusal_to_execute"})
LABEL_PREFIX = "转移财产："
_ROW = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2}) (?P<asset>.*) 由被执行人转至 (?P<name>.*)（(?P<key>[^（，]*)，关系："
    r"(?P<relation>[a-z_]+)）；此前 (?P<duty>\d{4}-\d{2}-\d{2}) 起负有履行义务（(?P<case>[^，]*)，"
    r"(?P<court>[^，]*)，(?P<state>[^，]*)）$",
    re.S,
)
# what the recipient is to the debtor (person_relations.relation is what the debtor is to them)
RECIPIENT_ZH = {
    "spouse": "配偶",
    "parent": "子女",
    "child": "父母",
    "parent_child": "父母子女",
    "sibling": "兄弟姐妹",
    "household": "同户成员",
    "legal_rep_of": "本人担任法定代表人的单位",
    "company_of": "本单位法定代表人",
    "relative_company": "近亲属担任法定代表人的单位",
    "relative": "亲属",
    "partner": "同居伴侣或合伙人",
    "same_address_surname": "同址同姓人员",
    "employer_of": "本人雇员",
}
KIND_ZH = {"property_registrations": "不动产", "vehicle_registrations": "机动车", "equity_changes": "股权"}


@dataclass(slots=True)
class Transfer:
    date: dt.date
    kind: str  # 不动产 | 机动车 | 股权
    asset: str
    recipient: str
    recipient_key: str
    relation: str  # the code, as the model wrote it
    relation_zh: str
    relation_source: str  # 户籍登记 | 企业登记 | 裁判文书所述 …
    duty_date: dt.date
    case_number: str
    court: str
    state: str

    @property
    def days_after_duty(self) -> int:
        return (self.date - self.duty_date).days


def parse_transfer(item: dict[str, Any]) -> Transfer | None:
    """A transfer from one of the clue's evidence rows (None for any other row)."""
    if not str(item.get("label") or "").startswith(LABEL_PREFIX):
        return None
    found = _ROW.match(str(item.get("text") or ""))
    if found is None:
        return None
    g = found.groupdict()
    relation = g["relation"]
    return Transfer(
        date=dt.date.fromisoformat(g["date"]),
        kind=KIND_ZH.get(str(item.get("source") or ""), "财产"),
        asset=g["asset"],
        recipient=g["name"],
        recipient_key=g["key"],
        relation=relation,
        relation_zh=RECIPIENT_ZH.get(relation, "关联方"),
        relation_source="",
        duty_date=dt.date.fromisoformat(g["duty"]),
        case_number=g["case"],
        court=g["court"],
        state=g["state"],
    )


def _sources(source: RowSource | None, debtor: str, transfers: list[Transfer]) -> None:
    """Fill each transfer's relation source from `person_relations` (registers and documents)."""
    for t in transfers:
        t.relation_source = "企业登记（经近亲属）" if t.relation == "relative_company" else ""
    if source is None or not source.table_exists("person_relations") or not transfers:
        return
    keys = sorted({t.recipient_key for t in transfers})
    rows = source.rows(
        "SELECT key_b, relation, source, provenance FROM person_relations WHERE key_a = ? AND key_b IN ("
        + ", ".join("?" for _ in keys)
        + ")",
        [debtor, *keys],
    )
    found: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        names = found.setdefault((str(r["key_b"]), str(r["relation"])), [])
        name = RELATION_SOURCES_ZH.get(str(r["source"] or ""), "")
        if r["provenance"] == "both" and "裁判文书所述" not in names:
            names.append("裁判文书所述")
        if name and name not in names:
            names.append(name)
    for t in transfers:
        named = found.get((t.recipient_key, t.relation))
        if named:
            t.relation_source = "、".join(named)


def clue_transfers(source: RowSource | None, debtor: str, evidence: list[dict[str, Any]]) -> list[Transfer]:
    """The clue's transfers in date order, each with where its relation comes from."""
    transfers = [t for item in evidence if (t := parse_transfer(item)) is not None]
    transfers.sort(key=lambda t: (t.date, t.kind, t.asset))
    _sources(source, debtor, transfers)
    return transfers


def graph_documents(transfers: list[Transfer], mask: Any) -> list[dict[str, Any]]:
    """The transfers as `network_svg` documents: one per asset, its recipient the party."""
    out = []
    for i, t in enumerate(transfers):
        short = mask(t.asset).split("（", 1)[0]  # the drawing masks party names, not node labels
        out.append(
            {
                "doc_id": f"transfer-{i}",
                "case_number": f"{t.kind}：{short.removeprefix(t.kind).removeprefix('：')}",
                "parties": [
                    {
                        "name": t.recipient,
                        "role": f"{t.relation_zh}（{t.relation_source or '来源不详'}），"
                        f"{t.date.isoformat()}，义务起算后{t.days_after_duty}日",
                        "kind": "organization" if is_valid_credit_code(t.recipient_key) else "person",
                    }
                ],
            }
        )
    return out
