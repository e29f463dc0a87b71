"""Orchestrates the parse of one court document into a :class:`JudgmentRecord`."""

from __future__ import annotations

import datetime as dt
import re

from .amounts import PRINCIPAL_WORDS, FoundAmount, classify, find_amounts
from .case_number import find_case_number, type_code_category
from .cause import find_charges, find_civil_cause
from .doctype import find_court, find_heading, find_trailer
from .flags import (
    MEDIATION_NEG_RE,
    MEDIATION_RE,
    TERMINATED_RE,
    WITHDRAWAL_RE,
)
from .interest import find_interest_rates
from .numerals import ARABIC_DATE_RE, CN_DATE_RE, parse_date
from .parties import parse_header
from .record import (
    CIVIL,
    CRIMINAL,
    EXECUTION,
    JUDGMENT,
    MEDIATION,
    NOT_JUDGMENT,
    RULING,
    Amount,
    JudgmentRecord,
    Sign,
)
from .signature import find_signature
from .signs import find_signs
from .text import document_id, strip_ws

__all__ = ["parse_document"]

_DATE = rf"(?:{ARABIC_DATE_RE.pattern}|{CN_DATE_RE.pattern})"
FILING_RE = re.compile(rf"(?P<d>{_DATE})[^。；，,\d]{{0,8}}?(?:立案|受理)")
FILING2_RE = re.compile(
    rf"(?P<d>{_DATE})[^。；]{{0,40}}?(?:向本院|向我院|诉至本院)[^。；，,]{{0,4}}?"
    r"(?:提起公诉|提起诉讼|起诉|提起自诉|申请执行|提出申请|申请)"
)
HEARING_RE = re.compile(rf"(?P<d>{_DATE})[^。；，,\d]{{0,12}}?开庭")
_CIVIL_EXCERPT_RE = re.compile(r"原告|被告|上诉人|借款|本院")
_CRIMINAL_EXCERPT_RE = re.compile(r"被告人|公诉机关|犯罪")
VOICE_RE = re.compile(r"本院|诉称|诉讼请求|辩称|判决如下|裁定如下|审理查明")
CLAIM_START_RE = re.compile(
    r"诉称|诉讼请求|起诉要求|上诉请求|上诉称|申请再审称|请求判令|请求法院|申请执行称"
)
CLAIM_END_RE = re.compile(
    r"辩称|答辩称|未(?:作|提出|提交|进行)?答辩|放弃答辩|经审理查明|经审理|本院查明|本院认定|"
    r"本院认为|审理查明|经审查|"
    r"(?:原告|被告|上诉人)[^。，]{0,12}?(?:拒不到庭|未到庭|未出庭|提供了|提交了|向本院提交|举证)|"
    # a defence written without 辩称: 被告李某对原告的诉讼请求及事实理由均无异议
    r"(?:被告|被上诉人)[^。，；]{0,12}?对(?:原告)?(?:的)?(?:诉讼请求|诉请)"
)
_FIRST_INSTANCE_ROLES = {"原告", "被告", "第三人", "被告人", "公诉机关", "自诉人"}
_STRIP = " \u3000\n\r\t\ufeff。"
_CRIM_PROC_END_RE = re.compile(r"审理终结|(?:公诉机关|检察院)指控[：:，,]|经审理查明")
_NAMES_THE_CLAIMS = re.compile(r"对(?:原告)?(?:的)?$")
_FACTS_RE = re.compile(r"事实(?:和|与|及)理由|事实与依据")
_ANCHORS = [
    re.compile(r"诉讼请求[：:]?|上诉请求[：:]?"),
    re.compile(r"(?:请求|诉请|要求)(?:法院|人民法院|本院|贵院)?(?:依法)?(?:判令|判决|：|:|，|,)"),
    re.compile(r"(?:起诉|诉至法院|诉至本院)[，,]?要求"),
    re.compile(r"判令"),
    re.compile(r"(?:请求|要求|诉请)"),
]
DECISION_RE = re.compile(r"判决如下|裁定如下|调解协议如下|达成如下(?:调解)?协议|协议如下|决定如下")
APPEAL_BOILER_RE = re.compile(r"如不服本|本判决为终审判决|本裁定为终审裁定|本调解协议|本调解书经")
TRACK_SMALL_RE = re.compile(r"小额诉讼")
TRACK_SIMPLE_RE = re.compile(r"简易程序")
TRACK_ORDINARY_RE = re.compile(r"(?:转为|转换为|转入)?普通程序|合议庭")
_INSTANCE_BY_CODE = {"初": "first_instance", "终": "second_instance", "再": "retrial",
                     "申": "retrial", "监": "retrial", "抗": "retrial",
                     "提": "retrial"}  # fmt: skip


def _trial_procedure(code: str | None) -> str | None:
    if not code:
        return None
    if code.startswith("执") or code in ("财保", "诉保", "行保", "民保"):
        return "execution"
    if "再" in code:
        return "retrial"
    for ch in reversed(code):
        if ch in _INSTANCE_BY_CODE:
            return _INSTANCE_BY_CODE[ch]
    return None


def _first_date(rx: re.Pattern[str], text: str, a: int, b: int) -> tuple[str, int, int] | None:
    for m in rx.finditer(text, a, b):
        iso = parse_date(m.group("d"))
        if iso:
            return iso, m.start("d"), m.end("d")
    return None


def _set_flag(rec: JudgmentRecord, name: str, m: re.Match[str] | None, decidable: bool) -> None:
    if m is not None:
        setattr(rec, name, True)
        rec.spans[f"flags.{name}"] = [m.start(), m.end()]
    elif decidable:
        setattr(rec, name, False)


def _set_flag_from_sign(rec: JudgmentRecord, name: str, sign: Sign | None, decidable: bool) -> None:
    """A flag that is also a risk sign: true when the sign was found (its span), else as decidable."""
    if sign is not None:
        setattr(rec, name, True)
        rec.spans[f"flags.{name}"] = [sign.start, sign.end]
    elif decidable:
        setattr(rec, name, False)


def _sign_date(rec: JudgmentRecord) -> dt.date | None:
    """The date the interest cap is judged at: filing, else judgment date."""
    for value in (rec.filing_date, rec.judgment_date):
        if value:
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                continue
    return None


def _claimed(
    text: str, amounts: list[FoundAmount], a: int, b: int
) -> FoundAmount | None:
    inside = [x for x in amounts if a <= x.start < b]
    if not inside:
        return None
    for rx in _ANCHORS:
        # 对诉讼请求没有异议 (a defence that names the claims) is not where the claims are
        heads = (m for m in rx.finditer(text, a, b) if not _NAMES_THE_CLAIMS.search(text, a, m.start()))
        am = next(heads, None)
        if not am:
            continue
        fm = _FACTS_RE.search(text, am.end(), b)
        stop = fm.start() if fm else b
        after = [x for x in inside if am.end() <= x.start < stop]
        for x in after:
            near = text[max(a, x.start - 12) : x.start]
            cut = max(near.rfind("，"), near.rfind("；"), near.rfind("、"))
            clause = near[cut + 1 :]
            if PRINCIPAL_WORDS.search(clause) and not re.search(r"利息|违约金|费", clause):
                return x
        for x in after[:1]:
            near = text[max(a, x.start - 8) : x.start]
            if not re.search(r"利息|违约金|费|息", near):
                return x
        return None
    return None


def parse_document(text: str) -> JudgmentRecord:
    """Parse one court document. Pure; never raises: a text that cannot be parsed (or an
    internal error) yields a record with ``is_judgment`` False and ``doc_type`` not_judgment."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    try:
        return parse_document_strict(text)
    except Exception:  # pragma: no cover - safety net; tests call parse_document_strict
        return JudgmentRecord(doc_id=document_id(text), is_judgment=False, doc_type=NOT_JUDGMENT)


def parse_document_strict(text: str) -> JudgmentRecord:
    """Like :func:`parse_document` but lets internal errors propagate (for tests)."""
    rec = JudgmentRecord(doc_id=document_id(text), is_judgment=False, doc_type=NOT_JUDGMENT)
    trailer = find_trailer(text)
    body_end = trailer.start if trailer else len(text)

    court_m = find_court(text, min(body_end, 250))
    h_from = court_m.end() if court_m else 0
    heading = find_heading(text, h_from, min(body_end, h_from + 300))
    if heading is None and court_m is not None:
        heading = find_heading(text, 0, court_m.start())
    if heading is None and trailer and "案件名称" in trailer.fields:
        value, off = trailer.fields["案件名称"]
        heading = find_heading(text, off, off + len(value))
    cn = find_case_number(text, 0, min(body_end, 300), require_type=False)
    if cn is None or (cn.type_code is None and cn.start > 150):
        cn = find_case_number(text, 0, min(body_end, 500))
    if cn and not (court_m or heading) and cn.start > 100:
        cn = None
    hstart = max(
        [0]
        + [m.end for m in (heading, cn) if m and m.end <= body_end]
        + ([court_m.end()] if court_m else [])
    )
    header = parse_header(text, hstart, body_end)

    sides = {p.side for p in header.parties}
    full_doc = court_m is not None and heading is not None
    ok = (
        full_doc
        or (cn is not None and bool(header.parties))
        or (("plaintiff" in sides or "applicant" in sides or "prosecution" in sides)
        and (
            "defendant" in sides
            or "respondent" in sides
            or (bool(header.party_starts) and header.party_starts[0] - hstart <= 20)
        )
        and VOICE_RE.search(text, header.end, body_end) is not None)
    )
    if not ok:
        # an excerpt of a civil judgment (findings or reasoning without a header) still states signs
        if _CIVIL_EXCERPT_RE.search(text) and not _CRIMINAL_EXCERPT_RE.search(text):
            rec.signs = find_signs(text)
        return rec
    rec.is_judgment = True
    rec.doc_type = heading.doc_type if heading else None
    rec.parties = header.parties
    rec.agents = header.agents
    rec.legal_representatives = header.legal_representatives
    rec.spans.update(header.spans)
    if court_m:
        rec.court = court_m.group(0)
        rec.spans["court"] = [court_m.start(), court_m.end()]
        raw_title = text[: court_m.start()]
        title = raw_title.strip(_STRIP)
        if title and "书" in title[-6:] and "\n" not in title:
            off = len(raw_title) - len(raw_title.lstrip(_STRIP))
            rec.title = strip_ws(title)
            rec.spans["title"] = [off, off + len(title)]
    if cn:
        rec.case_number, rec.case_year, rec.case_type_code = cn.value, cn.year, cn.type_code
        rec.spans["case_number"] = [cn.start, cn.end]

    # trailer values are fallbacks only
    tf = trailer.fields if trailer else {}
    if rec.case_number is None and "案号" in tf:
        tcn = find_case_number(tf["案号"][0])
        if tcn:
            rec.case_number, rec.case_year, rec.case_type_code = tcn.value, tcn.year, tcn.type_code
            off = tf["案号"][1]
            rec.spans["case_number"] = [off + tcn.start, off + tcn.end]
    if rec.court is None and tf.get("法院名称", ("", 0))[0].endswith("法院"):
        rec.court, off = tf["法院名称"]
        rec.spans["court"] = [off, off + len(rec.court)]
    if rec.title is None and tf.get("案件名称", ("", 0))[0].endswith("书"):
        rec.title, off = tf["案件名称"]
        rec.spans["title"] = [off, off + len(rec.title)]

    # category and procedure
    roles = {p.role for p in rec.parties}
    cat = type_code_category(rec.case_type_code) or (heading.category if heading else None)
    if cat is None:
        if roles & {"被告人", "公诉机关", "原公诉机关", "自诉人"}:
            cat = CRIMINAL
        elif roles & {"申请执行人", "被执行人"}:
            cat = EXECUTION
        elif roles & {"原告", "被告", "第三人", "原审原告", "原审被告"}:
            cat = CIVIL
    rec.case_category = cat
    proc = _trial_procedure(rec.case_type_code)
    if proc is None:
        title = rec.title or ""
        if "二审" in title or roles & {"上诉人", "被上诉人"}:
            proc = "second_instance"
        elif "再审" in title or roles & {"再审申请人"}:
            proc = "retrial"
        elif cat == EXECUTION:
            proc = "execution"
        elif (
            "一审" in title
            or tf.get("审判程序", ("", 0))[0] == "一审"
            or (roles and roles <= _FIRST_INSTANCE_ROLES)
        ):
            proc = "first_instance"
    rec.trial_procedure = proc

    # sections
    sig = find_signature(text, body_end)
    main_end = sig.start if sig.start is not None else (
        sig.date_span[0] if sig.date_span else body_end)
    decisions = list(DECISION_RE.finditer(text, header.end, main_end))
    dec = decisions[-1] if decisions else None
    judged: tuple[int, int] | None = None
    if dec:
        bm = APPEAL_BOILER_RE.search(text, dec.end(), main_end)
        judged = (dec.end(), bm.start() if bm else main_end)
    claims: tuple[int, int] | None = None
    if cat != CRIMINAL:
        cm = CLAIM_START_RE.search(text, header.end, dec.start() if dec else main_end)
        if cm:
            em = CLAIM_END_RE.search(text, cm.end(), dec.start() if dec else main_end)
            c_end = em.start() if em else (dec.start() if dec else main_end)
            claims = (cm.start(), min(c_end, cm.start() + 1500))
    proc_end = min(claims[0] if claims else main_end, header.end + 900)
    if cat == CRIMINAL:
        fm = _CRIM_PROC_END_RE.search(text, header.end, main_end)
        proc_end = min(fm.start() if fm else proc_end, header.end + 900)

    # dates
    for name, rx in (("filing_date", FILING_RE), ("filing_date", FILING2_RE),
                     ("hearing_date", HEARING_RE)):
        if getattr(rec, name) is None:
            found = _first_date(rx, text, header.end, max(proc_end, header.end))
            if found:
                setattr(rec, name, found[0])
                rec.spans[name] = [found[1], found[2]]
    if sig.date and sig.date_span:
        rec.judgment_date = sig.date
        rec.spans["judgment_date"] = list(sig.date_span)
    elif "裁判日期" in tf:
        value, off = tf["裁判日期"]
        m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
        if m:
            rec.judgment_date = value
            rec.spans["judgment_date"] = [off, off + len(value)]
    rec.judges, rec.clerks = sig.judges, sig.clerks
    rec.spans.update(sig.spans)

    # procedure track
    seg = text[header.end : max(proc_end, header.end)]
    if TRACK_SMALL_RE.search(seg):
        rec.procedure_track = "small_claims"
    elif re.search(r"(?:转为|转换为|转入)普通程序", seg):
        rec.procedure_track = "ordinary"
    elif TRACK_SIMPLE_RE.search(seg):
        rec.procedure_track = "simple"
    elif TRACK_ORDINARY_RE.search(seg):
        rec.procedure_track = "ordinary"

    # cause / charges
    names = [p.name for p in rec.parties]
    if cat == CRIMINAL:
        charges = find_charges(text, judged[0], judged[1]) if judged else []
        if not charges and rec.title:
            ts = rec.spans["title"][0]
            charges = find_charges(text, ts, ts + len(rec.title))
        if not charges:
            charges = find_charges(text, header.end, main_end)[:3]
        if charges:
            rec.cause = [c for c, _, _ in charges]
            for i, (_, s, e) in enumerate(charges):
                rec.spans[f"cause.{i}"] = [s, e]
    else:
        cause = find_civil_cause(text, header.end, min(main_end, header.end + 400), names)
        if cause is None and rec.title and "title" in rec.spans:
            ts = rec.spans["title"][0]
            cause = find_civil_cause(text, ts, ts + len(rec.title), names)
        if cause:
            rec.cause = cause[0]
            rec.spans["cause"] = [cause[1], cause[2]]

    # amounts and rates
    amounts = find_amounts(text, header.end, main_end)
    claimed = _claimed(text, amounts, *claims) if claims else None
    for x in amounts:
        kind = "claimed_principal" if x is claimed else classify(text, x, judged)
        rec.spans[f"amounts.{len(rec.amounts)}.value"] = [x.start, x.end]
        rec.amounts.append(Amount(value=x.value, text=x.text, kind=kind))
    if claimed is not None:
        rec.claimed_principal = claimed.value
        rec.spans["claimed_principal"] = [claimed.start, claimed.end]
    all_rates = find_interest_rates(text)  # the record keeps those of the body; signs read all
    for i, (rate, s, e) in enumerate(
        r for r in all_rates if header.end <= r[1] < main_end
    ):
        rec.interest_rates.append(rate)
        rec.spans[f"interest_rates.{i}.text"] = [s, e]

    # flags
    dtype = rec.doc_type
    trial_doc = full_doc and dtype in (JUDGMENT, MEDIATION) and cat != EXECUTION
    any_doc = full_doc and dtype in (JUDGMENT, RULING, MEDIATION)
    signs = find_signs(
        text, on=_sign_date(rec), claimed_principal=rec.claimed_principal, rates=all_rates
    )
    if cat in (CIVIL, None):
        rec.signs = signs
    first: dict[str, Sign] = {}
    for sign in signs:
        first.setdefault(sign.code, sign)
    _set_flag_from_sign(rec, "defendant_absent", first.get("defendant_absent"), trial_doc)
    _set_flag_from_sign(rec, "public_notice_service", first.get("public_notice_service"), any_doc)
    med = None
    if dtype == MEDIATION and heading:
        med = re.compile(r".+", re.S).match(text, heading.start, heading.end)
    if med is None:
        for m in MEDIATION_RE.finditer(text, header.end, main_end):
            if not MEDIATION_NEG_RE.search(m.group(0)):
                med = m
                break
    _set_flag(rec, "mediation", med, any_doc)
    wd_end = judged[1] if judged else main_end
    _set_flag(rec, "withdrawal", WITHDRAWAL_RE.search(text, header.end, wd_end), any_doc)
    _set_flag_from_sign(rec, "cash_delivery", first.get("cash_delivery"), claims is not None and cat == CIVIL)
    _set_flag(rec, "terminated_execution", TERMINATED_RE.search(text, header.end, main_end),
              cat == EXECUTION)
    return rec
