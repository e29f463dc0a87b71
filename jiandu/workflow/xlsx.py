"""Excel workbooks (.xlsx) of the clue queue, one clue, a class of clues and the statistics.

What a prosecutor files or forwards: Chinese headers and values (红色, 新线索, model and region
names, Beijing time), column widths set, the header row frozen, an autofilter on every table,
and a 说明 sheet saying who exported what, when, with which filters. Everything is masked for
principals without ``personal.read`` exactly as the pages are. A cell text that a spreadsheet
would read as a formula (``= + - @``, tab, carriage return first) is written as a string cell
with Excel's quote prefix, so it shows and stays as the text it is.

Names come from the caller (`Names`: the web layer passes the names its pages use), so this
module needs no web import. The service functions check permission and jurisdiction; each
export is recorded with `record_export` (kind ``exported``) before its file is handed out.
Workbooks are written in openpyxl's write-only mode into a spooled temporary file, so a large
queue does not sit in memory.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from jiandu.workflow.audit import chain, flush_chain
from jiandu.workflow.authz import Permission, Principal, require
from jiandu.workflow.clues import MAX_PAGE, ClueFilter, get_clue, list_clues, masker_for
from jiandu.workflow.errors import NotFound
from jiandu.workflow.governance import BEIJING, _case_numbers, _cases_by_number, _groups, year_span_zh
from jiandu.workflow.jurisdictions import court_names
from jiandu.workflow.not_found import NOT_FOUND_FILTERS, NOT_FOUND_NOTICE
from jiandu.workflow.stats import FUNNEL, FUNNEL_NAMES_ZH, StatsRow, funnel, model_stats
from jiandu.workflow.views import ClueDetail, ClueSummary

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 1_048_575  # an Excel sheet holds 1,048,576 rows, one of them the header
MAX_CELL = 32_767  # characters in one Excel cell
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_FILE_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TIME_FORMAT = "yyyy-mm-dd hh:mm"
_FORMATS = {"int": "#,##0", "score": "0.0", "percent": "0.0%", "time": _TIME_FORMAT}


class Names(Protocol):
    """How things are named for prosecutors (the web layer passes the names its pages use)."""

    def model_name(self, model_id: str | None) -> str: ...

    def region(self, code: str | None) -> str: ...

    def person(self, username: str | None) -> str: ...

    def actor(self, actor: str | None) -> str: ...

    def label(self, kind: str, code: object) -> str: ...

    def source_name(self, table: str | None) -> str: ...

    def subject_kind(self, kind: str | None) -> str: ...

    def feature_rows(self, model_id: str, features: Mapping[str, Any] | None) -> list[dict[str, str]]: ...

    def changes(self, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[str]: ...


@dataclass
class Export:
    """A finished workbook: ``data`` (a file positioned at its start), its Chinese file name and
    what the audit event says about it."""

    what: str
    file_name: str
    rows: int
    entity_type: str
    entity_id: str | None
    data: IO[bytes]
    summary: str = ""  # the audit event's reason, in Chinese
    details: dict[str, Any] = field(default_factory=dict)

    def read(self) -> bytes:
        self.data.seek(0)
        return self.data.read()


def record_export(session: Session, principal: Principal, export: Export) -> None:
    """The export as an audit event (kind ``exported``): what, how many rows, the file name."""
    chain(session).append(
        actor=principal.username,
        kind="exported",
        entity_type=export.entity_type,
        entity_id=export.entity_id,
        reason=f"导出电子表格：{export.summary or export.what}",
        after={
            "format": "xlsx",
            "what": export.what,
            "rows": export.rows,
            "file_name": export.file_name,
            **export.details,
        },
    )
    flush_chain(session)


# ---------------------------------------------------------------- cells and sheets


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    width: float
    kind: str = "text"  # text | wrap | int | score | percent | time


def beijing(value: dt.datetime | None) -> dt.datetime | None:
    """A stored time (naive means UTC) as a naive Beijing time, which Excel shows as written."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(BEIJING).replace(tzinfo=None, microsecond=0)


def clean_text(text: str) -> str:
    """Text a cell can hold: no control characters XML forbids, at most 32,767 characters."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START)


class Sheet:
    """One table of a write-only workbook: header row (bold, frozen), widths, autofilter."""

    def __init__(self, book: Workbook, title: str, columns: Sequence[Column]) -> None:
        self.ws = book.create_sheet(title)
        self.columns = list(columns)
        for i, c in enumerate(self.columns, 1):
            self.ws.column_dimensions[get_column_letter(i)].width = c.width
        self.ws.freeze_panes = "A2"
        header = []
        for c in self.columns:
            cell = self._cell(c.header)
            cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
            header.append(cell)
        self.ws.append(header)
        self.rows = 0

    def _cell(self, value: str) -> Any:
        cell = WriteOnlyCell(self.ws, value=value)
        if isinstance(value, str) and is_formula_like(value):
            cell.data_type = "s"  # text, never a formula
            cell.quotePrefix = True
        return cell

    def _value(self, value: Any, column: Column) -> Any:
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            cell = WriteOnlyCell(self.ws, value=beijing(value))
            cell.number_format = _TIME_FORMAT
            return cell
        if isinstance(value, str):
            value = clean_text(value)
            if is_formula_like(value) or column.kind == "wrap":
                cell = self._cell(value)
                if column.kind == "wrap":
                    cell.alignment = _WRAP
                return cell
            return value
        if isinstance(value, int | float) and column.kind in _FORMATS:
            cell = WriteOnlyCell(self.ws, value=value)
            cell.number_format = _FORMATS[column.kind]
            return cell
        return value

    def append(self, values: Sequence[Any]) -> None:
        self.ws.append([self._value(v, c) for v, c in zip(values, self.columns, strict=True)])
        self.rows += 1

    def finish(self) -> None:
        last = get_column_letter(len(self.columns))
        self.ws.auto_filter.ref = f"A1:{last}{self.rows + 1}"


def _book() -> Workbook:
    return Workbook(write_only=True)


def _save(book: Workbook) -> IO[bytes]:
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024, mode="w+b")  # noqa: SIM115
    try:
        book.save(out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def _about(book: Workbook, items: Sequence[tuple[str, Any]]) -> None:
    sheet = Sheet(book, "说明", [Column("项目", 16), Column("内容", 80, "wrap")])
    for key, value in items:
        sheet.append([key, value])
    sheet.finish()


def _about_items(
    principal: Principal, names: Names, what: str, rows: int, now: dt.datetime
) -> list[tuple[str, Any]]:
    return [
        ("导出内容", what),
        ("行数", rows),
        ("导出人", f"{names.person(principal.username)}（{names.label('role', principal.role.value)}）"),
        ("导出人辖区", names.region(principal.jurisdiction_code)),
        ("导出时间", now),
        (
            "个人信息",
            "未脱敏，请按规定妥善保管，不得外传"
            if principal.sees_personal_data
            else "身份证号、电话、住址等已按角色脱敏",
        ),
        ("时间", "均为北京时间"),
    ]


def file_name(*parts: str | None, now: dt.datetime) -> str:
    """``<part>_<part>_<Beijing yyyymmdd-hhmm>.xlsx``, safe on every file system."""
    stamp = now.astimezone(BEIJING).strftime("%Y%m%d-%H%M")
    stem = "_".join(p for p in parts if p)
    stem = _UNSAFE_FILE_CHARS.sub("", stem).strip()[:100] or "导出"
    return f"{stem}_{stamp}.xlsx"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# ---------------------------------------------------------------- the queue

QUEUE_COLUMNS = (
    Column("分值", 8, "score"),
    Column("等级", 7),
    Column("模型", 26),
    Column("线索对象", 24),
    Column("对象类型", 10),
    Column("摘要", 60),
    Column("状态", 12),
    Column("核查结论", 10),
    Column("模型运行命中", 12),
    Column("承办人", 12),
    Column("辖区", 16),
    Column("法院", 22),
    Column("更新时间", 17),
    Column("线索编号", 36),
)


def describe_filters(filters: ClueFilter, names: Names) -> str:
    """The queue's filters in Chinese (全部 when none)."""
    parts = []
    if filters.model_id:
        parts.append(f"模型：{names.model_name(filters.model_id)}")
    if filters.band:
        parts.append(f"等级：{names.label('band', filters.band)}")
    if filters.status:
        parts.append(f"状态：{names.label('status', filters.status)}")
    if filters.jurisdiction_code:
        parts.append(f"辖区：{names.region(filters.jurisdiction_code)}")
    if filters.assignee:
        parts.append(f"承办人：{names.person(filters.assignee)}")
    if filters.min_score is not None:
        parts.append(f"最低分：{filters.min_score:g}")
    if filters.overdue:
        parts.append("逾期")
    if filters.pending_approval:
        parts.append("待审批")
    if filters.not_found:
        parts.append(NOT_FOUND_FILTERS[filters.not_found])
    return "；".join(parts) or "全部线索"


def _every_page(session: Session, principal: Principal, filters: ClueFilter) -> Iterator[ClueSummary]:
    cursor = None
    while True:
        page = list_clues(session, principal, filters, limit=MAX_PAGE, cursor=cursor)
        yield from page.items
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def _summary_row(c: ClueSummary, names: Names, courts: Mapping[str, str]) -> list[Any]:
    return [
        c.score,
        names.label("band", c.band),
        names.model_name(c.model_id),
        c.subject.name or names.subject_kind(c.subject.type),
        names.subject_kind(c.subject.type),
        c.headline,
        names.label("status", c.status),
        names.label("outcome", c.outcome),
        "未再命中" if c.not_found_run_id else None,
        names.person(c.assignee),
        names.region(c.jurisdiction_code),
        courts.get(c.court, c.court) if c.court else None,
        c.updated_at,
        c.clue_id,
    ]


def queue_workbook(
    session: Session,
    principal: Principal,
    filters: ClueFilter,
    names: Names,
    *,
    now: dt.datetime | None = None,
) -> Export:
    """The whole queue under ``filters`` (every page, highest score first), masked for the
    principal. Needs ``clue.export``; record it with `record_export`."""
    require(principal, Permission.CLUE_EXPORT)
    now = now or _now()
    courts = court_names(session)
    book = _book()
    sheet = Sheet(book, "线索队列", QUEUE_COLUMNS)
    cut = False
    for c in _every_page(session, principal, filters):
        if sheet.rows >= MAX_ROWS:
            cut = True
            break
        sheet.append(_summary_row(c, names, courts))
    sheet.finish()
    described = describe_filters(filters, names)
    about = [*_about_items(principal, names, "线索队列", sheet.rows, now), ("筛选条件", described)]
    if cut:
        about.append(("注意", f"超出电子表格单表上限，仅导出分值最高的{MAX_ROWS}条"))
    _about(book, about)
    wanted = filters.chosen()
    return Export(
        what="线索队列",
        file_name=file_name(
            "线索队列", None if described == "全部线索" else described.replace("：", ""), now=now
        ),
        rows=sheet.rows,
        entity_type="store",
        entity_id=None,
        data=_save(book),
        summary=f"线索队列（{described}），共{sheet.rows}条",
        details={"filters": wanted},
    )


# ---------------------------------------------------------------- one clue


def clue_for_export(session: Session, principal: Principal, clue_id: str) -> ClueDetail:
    """The clue to export (``clue.export`` and its jurisdiction; a view of personal data is
    logged, as on its page: run in `Store.write()`)."""
    require(principal, Permission.CLUE_EXPORT)
    return get_clue(session, principal, clue_id)


@dataclass(frozen=True, slots=True)
class Excerpt:
    """A cited span with up to ``context`` characters either side (``…`` marks a cut)."""

    before: str
    cited: str
    after: str

    def __str__(self) -> str:
        return f"{self.before}【{self.cited}】{self.after}"


def quoted_span(text: str | None, span: Sequence[int] | None, context: int = 40) -> Excerpt | None:
    """The cited span of an already masked text with its context; None when it does not fit."""
    if not text or not span or len(span) != 2:
        return None
    try:
        start, end = int(span[0]), int(span[1])
    except (TypeError, ValueError):
        return None
    if not 0 <= start < end <= len(text):
        return None
    lead = "…" if start > context else ""
    tail = "…" if end + context < len(text) else ""
    return Excerpt(
        lead + text[max(0, start - context) : start], text[start:end], text[end : end + context] + tail
    )


FACT_COLUMNS = (Column("项目", 16), Column("内容", 90, "wrap"))
EVIDENCE_COLUMNS = (
    Column("序号", 6, "int"),
    Column("证据", 16),
    Column("案号", 26),
    Column("引用内容", 40, "wrap"),
    Column("原文摘录（【】内为引用处）", 70, "wrap"),
    Column("来源", 14),
    Column("文书", 18),
    Column("法院", 20),
    Column("原文位置", 14),
)
FEATURE_COLUMNS = (Column("特征", 50, "wrap"), Column("取值（0–1）", 12), Column("权重", 10))
EVENT_COLUMNS = (
    Column("时间", 17),
    Column("事件", 14),
    Column("操作人", 14),
    Column("变更", 50, "wrap"),
    Column("理由", 40, "wrap"),
)


def clue_facts(clue: ClueDetail, names: Names, court_name: str | None = None) -> list[tuple[str, Any]]:
    """A clue's facts as (项目, 内容) pairs, named for prosecutors (also the print view's)."""
    subject = clue.subject.name or names.subject_kind(clue.subject.type)
    status = names.label("status", clue.status)
    if clue.reject_reason:
        status += f"（{names.label('reject', clue.reject_reason)}）"
    not_found: list[tuple[str, Any]] = (
        [
            ("未再命中", NOT_FOUND_NOTICE),
            ("未再命中的运行完成时间", clue.not_found_at),
        ]
        if clue.not_found_run_id
        else []
    )
    return [
        ("线索对象", subject),
        ("对象类型", names.subject_kind(clue.subject.type)),
        ("模型", names.model_name(clue.model_id)),
        ("分值", clue.score),
        ("等级", names.label("band", clue.band)),
        ("状态", status),
        ("核查结论", names.label("outcome", clue.outcome) or "—"),
        *not_found,
        ("承办人", names.person(clue.assignee) or "—"),
        ("辖区", names.region(clue.jurisdiction_code)),
        ("法院", court_name or clue.court or "—"),
        ("说明", clue.explanation),
        ("证据条数", len(clue.evidence)),
        ("生成时间", clue.created_at),
        ("更新时间", clue.updated_at),
        ("核查完成时间", clue.verified_at),
        ("立案时间", clue.case_filed_at),
        ("检察建议时间", clue.suggestion_at),
        ("改判时间", clue.changed_judgment_at),
        ("线索编号", clue.clue_id),
    ]


def evidence_rows(
    clue: ClueDetail, documents: Mapping[str, Mapping[str, Any]], mask: Callable[[str], str]
) -> list[dict[str, Any]]:
    """Every evidence item with its cited span cut from the masked document text when the
    document is at hand (also the print view's rows)."""
    masked: dict[str, str] = {}
    rows = []
    for i, e in enumerate(clue.evidence, 1):
        doc = documents.get(e.doc_id or "") or {}
        text = doc.get("text")
        if e.doc_id and isinstance(text, str) and e.doc_id not in masked:
            masked[e.doc_id] = mask(text)  # whole text first: a window could cut an ID number in two
        excerpt = quoted_span(masked.get(e.doc_id or ""), e.span)
        rows.append(
            {
                "n": i,
                "label": e.label,
                "case_number": e.case_number or doc.get("case_number"),
                "text": e.text or (excerpt.cited if excerpt else None),
                "excerpt": excerpt,
                "source": e.source,
                "title": mask(doc["title"]) if doc.get("title") else None,
                "court": mask(doc["court"]) if doc.get("court") else None,
                "span": f"第{e.span[0]}–{e.span[1]}字" if e.span and len(e.span) == 2 else None,
                "found": bool(doc),
            }
        )
    return rows


def clue_workbook(
    principal: Principal,
    clue: ClueDetail,
    names: Names,
    *,
    documents: Mapping[str, Mapping[str, Any]] | None = None,
    court_name: str | None = None,
    notice: str | None = None,
    now: dt.datetime | None = None,
) -> Export:
    """One clue: 线索 (facts), 证据 (every item: case number, quoted span, source by Chinese
    table name), 评分特征, 办理经过 and 说明. ``documents`` (doc_id → text, title, case number,
    court) gives the cited spans their context; it is masked here."""
    now = now or _now()
    book = _book()
    facts = Sheet(book, "线索", FACT_COLUMNS)
    for key, value in clue_facts(clue, names, court_name):
        facts.append([key, value])
    facts.finish()
    evidence = Sheet(book, "证据", EVIDENCE_COLUMNS)
    for r in evidence_rows(clue, documents or {}, masker_for(principal)):
        evidence.append(
            [
                r["n"],
                r["label"],
                r["case_number"],
                r["text"],
                str(r["excerpt"]) if r["excerpt"] else None,
                names.source_name(r["source"]) if r["source"] else None,
                r["title"],
                r["court"],
                r["span"],
            ]
        )
    evidence.finish()
    features = Sheet(book, "评分特征", FEATURE_COLUMNS)
    for f in names.feature_rows(clue.model_id, clue.features):
        features.append([f["name"], f["value"], f["weight"]])
    features.finish()
    events = Sheet(book, "办理经过", EVENT_COLUMNS)
    for ev in clue.events:
        events.append(
            [
                ev.at,
                names.label("event", ev.kind),
                names.actor(ev.actor),
                "；".join(names.changes(ev.before, ev.after)),
                ev.reason,
            ]
        )
    events.finish()
    subject = clue.subject.name or names.subject_kind(clue.subject.type)
    about = _about_items(principal, names, f"线索：{subject}", evidence.rows, now)
    about[1] = ("证据条数", evidence.rows)
    if notice:
        about.append(("注意", notice))
    _about(book, about)
    return Export(
        what=f"线索（{names.model_name(clue.model_id)}）",
        file_name=file_name("线索", subject, names.model_name(clue.model_id), now=now),
        rows=evidence.rows,
        entity_type="clue",
        entity_id=clue.clue_id,
        data=_save(book),
        summary=f"线索一条，证据{evidence.rows}项",
        details={"evidence": evidence.rows},
    )


# ---------------------------------------------------------------- a class of clues

GROUP_CLUE_COLUMNS = (
    Column("分值", 8, "score"),
    Column("等级", 7),
    Column("线索对象", 24),
    Column("对象类型", 10),
    Column("状态", 12),
    Column("核查结论", 10),
    Column("承办人", 12),
    Column("涉及案号", 40, "wrap"),
    Column("说明", 70, "wrap"),
    Column("更新时间", 17),
    Column("线索编号", 36),
)
GROUP_CASE_COLUMNS = (Column("序号", 6, "int"), Column("案号", 30), Column("当事人", 50, "wrap"))


def group_workbook(
    session: Session, principal: Principal, key: str, names: Names, *, now: dt.datetime | None = None
) -> Export:
    """One class-case group (类案, key from `governance_groups`): 类案 (facts), 线索, 案件 (each
    distinct case once, with the parties whose clues cite it), 说明. Needs ``governance.read``
    and ``clue.export``."""
    require(principal, Permission.GOVERNANCE_READ)
    require(principal, Permission.CLUE_EXPORT)
    found = _groups(session, principal).get(key)
    if found is None:
        raise NotFound(f"no governance group {key!r} in your jurisdiction")
    group, members = found
    now = now or _now()
    mask = masker_for(principal)
    model = names.model_name(group.model_id)
    court = group.court_name or group.court or "有关单位"
    region = group.jurisdiction_name or names.region(group.jurisdiction_code)
    book = _book()
    cases = _cases_by_number(members, mask)
    facts = Sheet(book, "类案", FACT_COLUMNS)
    for item in (
        ("模型", model),
        ("法院（单位）", court),
        ("辖区", region),
        ("线索数", group.clues),
        ("涉及案件", len(cases)),
        ("涉及当事人", group.subjects),
        ("年份", year_span_zh(group.first_year, group.last_year) or "—"),
        ("平均分", group.mean_score),
    ):
        facts.append(list(item))
    facts.finish()
    clues = Sheet(book, "线索", GROUP_CLUE_COLUMNS)
    for c in members:
        name = mask(c.subject_name) if c.subject_name else names.subject_kind(c.subject_type)
        clues.append(
            [
                c.score,
                names.label("band", c.band),
                name,
                names.subject_kind(c.subject_type),
                names.label("status", c.status),
                names.label("outcome", c.outcome),
                names.person(c.assignee),
                "、".join(_case_numbers(c)),
                mask(c.explanation or ""),
                c.updated_at,
                c.clue_id,
            ]
        )
    clues.finish()
    listed = Sheet(book, "案件", GROUP_CASE_COLUMNS)
    for row in cases:
        listed.append([row["n"], row["case_number"], row["parties"]])
    listed.finish()
    _about(book, _about_items(principal, names, f"类案：{court}（{model}）", clues.rows, now))
    return Export(
        what=f"类案（{court}，{model}）",
        file_name=file_name("类案", court, model, now=now),
        rows=clues.rows,
        entity_type="court",
        entity_id=group.court,
        data=_save(book),
        summary=f"类案（{court}，{model}），线索{clues.rows}条、案件{len(cases)}件",
        details={"group": key, "cases": len(cases), "clues": group.clue_ids},
    )


# ---------------------------------------------------------------- statistics

STATS_NOTE = (
    "线索 → 已核查 → 立案 → 检察建议 → 改判，按线索经历过的环节计数；"
    "精准率 = （属实 + 有价值）÷ 已有结论；转化率 = 立案 ÷ 线索"
)
STAT_COLUMNS = (
    Column("线索", 9, "int"),
    Column("已核查", 9, "int"),
    Column("立案", 9, "int"),
    Column("检察建议", 10, "int"),
    Column("改判", 9, "int"),
    Column("已有结论", 10, "int"),
    Column("属实", 9, "int"),
    Column("有价值", 9, "int"),
    Column("误报", 9, "int"),
    Column("精准率", 10, "percent"),
    Column("转化率", 10, "percent"),
)


def _stat_values(rows: Iterable[StatsRow]) -> list[Any]:
    rows = list(rows)
    total = funnel(rows)
    confirmed = sum(r.confirmed for r in rows)
    valuable = sum(r.valuable for r in rows)
    false_positive = sum(r.false_positive for r in rows)
    judged = confirmed + valuable + false_positive
    return [
        *(total[k] for k in FUNNEL),
        judged,
        confirmed,
        valuable,
        false_positive,
        (confirmed + valuable) / judged if judged else None,
        total["cases"] / total["clues"] if total["clues"] else None,
    ]


def _grouped(rows: list[StatsRow], key: Callable[[StatsRow], Any]) -> dict[Any, list[StatsRow]]:
    out: dict[Any, list[StatsRow]] = {}
    for r in rows:
        out.setdefault(key(r), []).append(r)
    return out


def stats_workbook(
    session: Session, principal: Principal, names: Names, *, now: dt.datetime | None = None
) -> Export:
    """The statistics of the principal's jurisdiction: 漏斗 (the funnel), 按模型, 按辖区,
    按模型和辖区, 说明. Needs ``stats.read`` (counts only, no personal data)."""
    rows = model_stats(session, principal, by_jurisdiction=True)
    now = now or _now()
    book = _book()
    total = funnel(rows)
    stages = Sheet(
        book, "漏斗", [Column("环节", 12), Column("数量", 10, "int"), Column("占线索", 10, "percent")]
    )
    for k in FUNNEL:
        stages.append([FUNNEL_NAMES_ZH[k], total[k], total[k] / total["clues"] if total["clues"] else None])
    stages.finish()
    by_model = Sheet(book, "按模型", [Column("模型", 30), *STAT_COLUMNS])
    models = _grouped(rows, lambda r: r.model_id)
    for model_id in sorted(models, key=lambda m: -sum(r.clues for r in models[m])):
        by_model.append([names.model_name(model_id), *_stat_values(models[model_id])])
    by_model.finish()
    by_place = Sheet(book, "按辖区", [Column("辖区", 18), *STAT_COLUMNS])
    places = _grouped(rows, lambda r: r.jurisdiction_code)
    for code in sorted(places, key=lambda c: -sum(r.clues for r in places[c])):
        by_place.append([names.region(code), *_stat_values(places[code])])
    by_place.finish()
    both = Sheet(book, "按模型和辖区", [Column("模型", 30), Column("辖区", 18), *STAT_COLUMNS])
    pairs = _grouped(rows, lambda r: (r.model_id, r.jurisdiction_code))
    for model_id, code in sorted(pairs, key=lambda p: (names.model_name(p[0]), names.region(p[1]))):
        both.append([names.model_name(model_id), names.region(code), *_stat_values(pairs[(model_id, code)])])
    both.finish()
    about = _about_items(principal, names, "统计（线索漏斗，按模型、按辖区）", both.rows, now)
    about.append(("口径", STATS_NOTE))
    _about(book, about)
    return Export(
        what="统计",
        file_name=file_name("统计", names.region(principal.jurisdiction_code), now=now),
        rows=both.rows,
        entity_type="store",
        entity_id=None,
        data=_save(book),
        summary=f"统计（{len(models)}个模型、{len(places)}个辖区，线索{total['clues']}条）",
        details={"clues": total["clues"], "models": len(models), "jurisdictions": len(places)},
    )
