"""Execution rulings (执行裁定书): termination of this round of execution (终结本次执行程序),
and the same after a creditor joined the distribution of seized assets (参与分配)."""

from __future__ import annotations

import datetime as dt

from ..cases import EXEC_DISTRIBUTION, EXEC_TERMINATION
from ..companies import Organization
from .base import DocBuilder, laws
from .numerals import date_ar


def render_execution(b: DocBuilder) -> None:
    s = b.spec
    a = b.names(s.plaintiffs)
    d = b.names(s.defendants)
    b.heading("执行裁定书", f"{a}与{d}{s.cause}执行裁定书")
    b.party_block()
    filed = s.exec_filing or s.filing
    basis_court = "本院" if s.basis and s.court.code in s.basis else "绍兴市中级人民法院"
    para = (
        f"本院在执行申请执行人{a}与被执行人{d}{s.cause}一案中，申请执行人{a}依据{basis_court}作出的"
        f"{s.basis}{s.basis_kind}，于{date_ar(filed)}向本院申请强制执行，本院于同日立案执行。"
        f"执行标的为{b.amount(s.exec_amount)}及利息。"
    )
    b.lines.append(para)
    if s.kind == EXEC_DISTRIBUTION:
        seized = s.extra.get("seized_case", "")
        asset = s.extra.get("asset", "房产")
        share = s.extra.get("share", 0)
        b.lines.append(
            f"执行过程中，申请执行人{a}向本院申请参与分配本院在{seized}案件中查封的被执行人{d}名下{asset}"
            f"的变价款。本院经审查，依法将其列入分配方案，按债权比例分配给申请执行人{a}{share}元。"
        )
    b.lines.append(
        "本院依法向被执行人发出执行通知书、报告财产令，并通过网络执行查控系统对被执行人名下的银行存款、"
        "车辆、不动产、证券、网络资金等财产进行了查询，"
        + ("除上述已分配款项外，" if s.kind == EXEC_DISTRIBUTION else "")
        + "未发现被执行人有其他可供执行的财产。本院已对被执行人"
        + d
        + "采取限制消费措施"
        + ("，并将其纳入失信被执行人名单" if s.extra.get("listed") else "")
        + "。"
    )
    b.lines.append(
        f"本院将上述执行情况告知申请执行人，申请执行人{a}表示暂时无法提供被执行人其他可供执行的"
        f"财产线索，{b.phrase('admits.exec')}。"
    )
    b.lines.append(
        f"本院认为，本案已穷尽财产调查措施，未发现被执行人有可供执行的财产，依照"
        f"{laws(s.decided)['termination']}之规定，裁定如下："
    )
    b.lines.append(
        f"终结本院{s.case_number}案件的本次执行程序。" if b.rng.random() < 0.5 else "终结本次执行程序。"
    )
    b.lines.append(
        "申请执行人发现被执行人有可供执行财产的，可以再次申请执行。再次申请不受申请执行时效期间的限制。"
    )
    b.lines.append("本裁定送达后立即生效。")
    b.signature(s.decided, collegial=b.rng.random() < 0.6)
    b.expected["doc_type"] = "ruling"
    b.expected["terminated_execution"] = True
    b.expected["filing_date"] = filed.isoformat()
    b.expected["execution_basis"] = s.basis
    if any(isinstance(p.entity, Organization) for p in s.defendants):
        b.expected["respondent_is_organization"] = True


EXECUTION_RENDERERS = {EXEC_TERMINATION: render_execution, EXEC_DISTRIBUTION: render_execution}


def exec_dates_ok(filed: dt.date, decided: dt.date) -> bool:
    """终本 needs more than three months since filing."""
    return decided.toordinal() - filed.toordinal() > 90
