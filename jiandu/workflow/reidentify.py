"""Re-identification (再识别) of the pseudonyms of a verified clue, by role, audited.

A pseudonymised workspace shows a clue's subject as ``P1:<key>:I:…``. Once the clue is
verified (outcome 属实 or 有价值 recorded, or a case filed or a suggestion issued), a user whose
role has ``clue.reidentify`` (部门负责人, admin) may resolve its pseudonyms, giving a reason:
the pseudonyms are recomputed over raw identifiers the procuratorate lawfully holds (its
judgment parties, a source loaded raw under its legal basis) with the key the pseudonym names;
those that match are returned to that user only. For those that do not, the result carries the
request to the agency (协查函 text listing the pseudonyms and the legal basis), because only the
agency holds the raw values.

Every act is an audit event (``reidentified``: user, clue, reason, the pseudonyms asked, which
were resolved); raw values are never written to the store, the log or the clue.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from jiandu.privacy.pseudonyms import DOMAIN_ZH, KeyFileProblem, KeyRing, Pseudonymiser, parse_pseudonym
from jiandu.workflow.audit import chain, flush_chain
from jiandu.workflow.authz import Permission, Principal, require
from jiandu.workflow.clues import load_clue
from jiandu.workflow.errors import InvalidInput, InvalidTransition, PermissionDenied
from jiandu.workflow.lifecycle import POSITIVE_OUTCOMES, Status
from jiandu.workflow.tables import Clue

REIDENTIFIED = "reidentified"
_FOUND = re.compile(r"P1:[A-Z0-9]{1,16}:[IMDTN]:[0-9A-F]{32}")
VERIFIED_STATUSES = frozenset({Status.CASE_FILED, Status.SUGGESTION_ISSUED})
DEFAULT_BASIS = "《中华人民共和国人民检察院组织法》第二十一条：人民检察院行使法律监督职权，可以进行调查核实。"
_KINDS_OF_DOMAIN = {
    "I": ("id_number",),
    "M": ("id_number",),
    "D": ("document",),
    "T": ("phone",),
    "N": ("name",),
}


@dataclass(slots=True)
class Reidentification:
    """The outcome of one re-identification: for the requesting user only."""

    clue_id: str
    resolved: dict[str, str] = field(default_factory=dict)  # pseudonym → raw value held
    unresolved: list[str] = field(default_factory=list)
    request_zh: str | None = None  # the request to the agency for the unresolved ones


def clue_pseudonyms(clue: Clue) -> list[str]:
    """Every pseudonym the clue shows (subject, explanation, evidence), in order, once."""
    texts = [clue.subject_key or "", clue.subject_name or "", clue.explanation or ""]
    for item in clue.evidence or []:
        if isinstance(item, dict):
            texts.extend(str(v) for v in item.values() if isinstance(v, str))
    return list(dict.fromkeys(m for text in texts for m in _FOUND.findall(text)))


def is_verified(clue: Clue) -> bool:
    """Verified: an outcome 属实 or 有价值 recorded, or a case filed or a suggestion issued."""
    return clue.status in VERIFIED_STATUSES or (clue.outcome in POSITIVE_OUTCOMES)


def resolve(pseudonyms: list[str], ring: KeyRing, holdings: Iterable[str]) -> dict[str, str]:
    """Pseudonym → raw value among ``holdings`` whose pseudonym (under the key it names) it is."""
    wanted: dict[str, set[str]] = {}
    for text in pseudonyms:
        parsed = parse_pseudonym(text)
        wanted.setdefault(parsed.key_id, set()).update(_KINDS_OF_DOMAIN[parsed.domain])
    makers = {key_id: Pseudonymiser(ring.get(key_id)) for key_id in wanted}
    targets = set(pseudonyms)
    found: dict[str, str] = {}
    for value in holdings:
        if not value:
            continue
        for key_id, kinds in wanted.items():
            for kind in kinds:
                try:
                    pseudonym = makers[key_id].pseudonym(kind, value)
                except ValueError:
                    continue
                if pseudonym in targets:
                    found.setdefault(pseudonym, value)
        if len(found) == len(targets):
            break
    return found


def request_text(clue: Clue, unresolved: list[str], legal_basis: str, reason: str) -> str:
    """The request to the agency (协查函 text): the pseudonyms, why, on which legal basis."""
    lines = [
        "关于协助提供假名化数据对应身份信息的函",
        "",
        f"我院在履行法律监督职责中，对线索（编号 {clue.clue_id}）进行调查核实，该线索已核查属实。"
        "贵单位此前提供的数据已按约定密钥假名化，现请协助提供下列假名对应的原始身份信息：",
        "",
    ]
    for i, text in enumerate(unresolved, 1):
        lines.append(f"{i}. {text}（{DOMAIN_ZH[parse_pseudonym(text).domain]}）")
    lines += ["", f"调查核实事由：{reason}", f"法律依据：{legal_basis}", "", "请以保密方式回复。"]
    return "\n".join(lines)


def reidentify(
    session: Session,
    principal: Principal,
    clue_id: str,
    *,
    reason: str,
    ring: KeyRing,
    holdings: Iterable[str],
    legal_basis: str = DEFAULT_BASIS,
) -> Reidentification:
    """Resolve the pseudonyms of a verified clue (see the module docstring). Run in
    `Store.write()`: the act is an audit event in the same transaction."""
    require(principal, Permission.CLUE_REIDENTIFY)
    if principal.masked:
        raise PermissionDenied("a masked view may not re-identify", zh="脱敏视图下不能再识别")
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise InvalidInput("a reason is required (at least 4 characters)", zh="请填写再识别事由（至少4个字）")
    writer = chain(session)  # lock the chain head first: every writer takes the locks in one order
    clue = load_clue(session, principal, clue_id)
    if not is_verified(clue):
        raise InvalidTransition(
            f"clue {clue_id} is not verified (status {clue.status}, outcome {clue.outcome})",
            zh="仅对核查属实、已立案或已发检察建议的线索可以再识别",
        )
    pseudonyms = clue_pseudonyms(clue)
    if not pseudonyms:
        raise InvalidInput(f"clue {clue_id} shows no pseudonym", zh="该线索不含假名，无需再识别")
    try:
        found = resolve(pseudonyms, ring, holdings)
    except KeyFileProblem as exc:
        raise InvalidInput(str(exc), zh="密钥文件中没有该假名所用的密钥") from None
    result = Reidentification(clue.clue_id, found, [p for p in pseudonyms if p not in found])
    if result.unresolved:
        result.request_zh = request_text(clue, result.unresolved, legal_basis, reason)
    writer.append(
        actor=principal.username,
        kind=REIDENTIFIED,
        entity_type="clue",
        entity_id=clue.clue_id,
        after={
            "reason": reason,
            "pseudonyms": pseudonyms,
            "resolved": sorted(found),
            "unresolved": result.unresolved,
            "request_to_agency": bool(result.unresolved),
        },
    )
    flush_chain(session)
    return result
