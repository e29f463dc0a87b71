"""`jiandu parse FILE`: print the parsed record of each document in a file (the contract)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from jiandu.cli.context import err_console
from jiandu.documents import parse_document
from jiandu.ingest.rejection import Rejection
from jiandu.ingest.sources import DEFAULT_TEXT_FIELDS, RawRecord, read_inputs
from jiandu.ingest.worker import text_of


def parse(
    file: Annotated[Path, typer.Argument(help="A .txt, .html, .json, .jsonl or .zip file.")],
    text_field: Annotated[
        list[str] | None,
        typer.Option("--text-field", help="JSON field holding the text (repeatable)."),
    ] = None,
    pretty: Annotated[bool, typer.Option(help="Indent the JSON for reading.")] = False,
) -> None:
    """Parse a judgment file and print one JSON record per document to standard output."""
    fields = tuple(text_field) if text_field else DEFAULT_TEXT_FIELDS
    failures = 0
    for item in read_inputs([file], fields):
        where = f"{item.source}{' [' + item.record_ref + ']' if item.record_ref else ''}"
        if not isinstance(item, RawRecord):
            err_console.print(f"[red]{where}: {item.reason} ({item.code})[/red]")
            failures += 1
            continue
        try:
            text, _ = text_of(item)
        except Rejection as rejection:
            err_console.print(f"[red]{where}: {rejection.reason} ({rejection.code})[/red]")
            failures += 1
            continue
        record = parse_document(text).to_dict()
        typer.echo(json.dumps(record, ensure_ascii=False, indent=2 if pretty else None))
    if failures:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("parse")(parse)
