"""CPU work of ingest, run in worker processes: decode, strip HTML, parse, build rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jiandu.documents import PARSER_VERSION, document_id, parse_document
from jiandu.documents.record import JudgmentRecord
from jiandu.ingest.decode import decode_bytes
from jiandu.ingest.html import html_to_text
from jiandu.ingest.rejection import Rejection
from jiandu.ingest.rows import Rows, record_rows
from jiandu.ingest.sources import RawRecord, RejectedRecord


@dataclass(slots=True)
class ParsedDocument:
    doc_id: str
    document: dict[str, Any]  # the documents row, without run id and timestamp
    rows: Rows  # child-table rows


def text_of(raw: RawRecord) -> tuple[str, str]:
    """The visible text of a record and its encoding; raises `Rejection` when there is none."""
    if raw.text is not None:
        text, encoding = raw.text, raw.encoding or "utf-8"
    else:
        assert raw.data is not None
        text, encoding = decode_bytes(raw.data)
    if raw.fmt == "html":
        text = html_to_text(text)
    if not text.strip():
        raise Rejection("empty", "no visible text")
    return text, encoding


def _check_complete(record: JudgmentRecord) -> None:
    """A document with a heading but no signature block was cut off."""
    if not record.is_judgment:
        raise Rejection(
            "not_judgment", "text is not a court document (no court, document type or party roles)"
        )
    has_heading = record.court is not None and record.doc_type is not None
    has_end = record.judgment_date is not None or bool(record.judges) or bool(record.clerks)
    if has_heading and not has_end:
        raise Rejection("truncated", "document has a heading but no signature block or date: cut off")


def process_record(raw: RawRecord) -> ParsedDocument | RejectedRecord:
    """Decode and parse one record; every failure becomes a rejection, nothing escapes."""
    sample = raw.data if raw.data is not None else (raw.text or "").encode("utf-8")
    try:
        text, encoding = text_of(raw)
        record = parse_document(text)
        _check_complete(record)
    except Rejection as rejection:
        return RejectedRecord.of(raw.source, raw.record_ref, rejection, sample)
    except Exception as exc:  # a parser bug must not stop a run; keep the input and the error
        return RejectedRecord(
            raw.source, raw.record_ref, "parse_error", f"{type(exc).__name__}: {exc}", sample
        )
    doc_id = document_id(text)
    document = {
        "doc_id": doc_id,
        "source": raw.source,
        "record_ref": raw.record_ref,
        "source_format": raw.fmt,
        "encoding": encoding,
        "text": text,
        "char_count": len(text),
        "is_judgment": record.is_judgment,
        "doc_type": record.doc_type,
        "case_category": record.case_category,
        "title": record.title,
        "parser_version": PARSER_VERSION,
    }
    return ParsedDocument(doc_id, document, record_rows(record, doc_id))


def process_batch(batch: list[RawRecord]) -> list[ParsedDocument | RejectedRecord]:
    """Worker entry point: one pickled batch in, one list of results out."""
    return [process_record(raw) for raw in batch]
