"""Evidence without caps: a clue citing 45 documents shows every evidence item, pages its
documents 20 at a time, links every item to a mark that exists on the page it names, and counts
honestly (no document reported missing that the store holds; a missing one said as missing)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from jiandu.schema.registry import table
from jiandu.web.pages import DOCS_PER_PAGE
from jiandu.workflow import Store, sync_clues
from jiandu.workspace import Workspace
from tests.web.conftest import Login
from tests.web.world import MODEL

CLUE = "e" * 32
DOCUMENTS = 45
QUOTED = "借款已以现金方式全部交付"
LINK = re.compile(r'<a href="([^"]*)" class="data">')


def _doc_id(k: int) -> str:
    return f"{k:032x}"


def _text(k: int) -> str:
    return f"浙江省绍兴市越城区人民法院民事判决书（2021）浙0602民初{1000 + k}号。原告称{QUOTED}。"


@pytest.fixture
def many_documents(workspace: Path) -> Path:
    stored = range(DOCUMENTS - 1)  # the last cited document is not in the analytic store
    engine = Workspace(workspace).open_engine()
    try:
        engine.ensure_tables([table("documents"), table("cases")])
        engine.append(
            "documents",
            pa.Table.from_pylist(
                [{"doc_id": _doc_id(k), "text": _text(k), "char_count": len(_text(k)), "title": "民事判决书"}
                 for k in stored]
            ),
        )
        engine.append(
            "cases",
            pa.Table.from_pylist(
                [{"doc_id": _doc_id(k), "case_number": f"（2021）浙0602民初{1000 + k}号", "court": "越城法院"}
                 for k in stored]
            ),
        )
    finally:
        engine.close()  # publishes the snapshot the pages read
    evidence: list[dict[str, Any]] = []
    for k in range(DOCUMENTS):
        start = _text(k).index(QUOTED)
        evidence.append(
            {"kind": "document", "source": "parties", "doc_id": _doc_id(k),
             "case_number": f"（2021）浙0602民初{1000 + k}号", "span": [start, start + len(QUOTED)],
             "text": QUOTED, "label": "现金交付"}
        )
    evidence.append({"kind": "row", "source": "household", "doc_id": None, "case_number": None,
                     "span": None, "text": "户籍登记：同一户", "label": "关联"})
    clue = {
        "clue_id": CLUE, "model_id": MODEL, "model_version": "1.0.0",
        "subject": {"type": "person", "key": "name:王某", "name": "王某"}, "score": 88.0, "band": "red",
        "explanation": "王某作为原告起诉45件。", "features": {}, "evidence": evidence,
        "run_id": "run-1", "region": "zhejiang", "court": "浙0602",
    }
    store = Store.for_workspace(workspace)
    try:
        with store.write() as s:
            sync_clues(s, [clue])
    finally:
        store.close()
    return workspace


def test_every_item_is_listed_and_every_link_lands_on_its_mark(
    many_documents: Path, client_as: Login
) -> None:
    client = client_as("yc_pro")
    first = client.get(f"/clues/{CLUE}")
    assert first.status_code == 200
    assert f"证据（{DOCUMENTS + 1} 条，涉及文书 {DOCUMENTS} 份）" in first.text
    links = LINK.findall(first.text)
    assert len(links) == DOCUMENTS - 1  # each stored document's item: not the missing one, not the row
    pages = -(-DOCUMENTS // DOCS_PER_PAGE)
    assert f"证据文书第 1 / {pages} 页" in first.text
    for link in links:
        page, _, anchor = link.partition("#")
        target = client.get(f"/clues/{CLUE}{page}") if page else first
        assert f'id="{anchor}"' in target.text, link
    assert first.text.count('class="document"') == DOCS_PER_PAGE


def test_a_missing_document_is_counted_once_on_every_page(many_documents: Path, client_as: Login) -> None:
    client = client_as("yc_pro")
    pages = -(-DOCUMENTS // DOCS_PER_PAGE)
    for n in range(1, pages + 1):
        assert "共 1 份证据文书在分析库中未找到" in client.get(f"/clues/{CLUE}?docs={n}").text
    last = client.get(f"/clues/{CLUE}?docs={pages}")
    assert last.text.count('class="document"') == DOCUMENTS - 1 - (pages - 1) * DOCS_PER_PAGE


def test_the_api_and_the_print_view_have_every_document(many_documents: Path, client_as: Login) -> None:
    client = client_as("yc_pro")
    documents = client.get(f"/api/clues/{CLUE}/documents")
    assert documents.status_code == 200
    assert len(documents.json()["documents"]) == DOCUMENTS - 1
    printed = client.get(f"/clues/{CLUE}/print", params={"full": 1})
    assert printed.status_code == 200
    assert printed.text.count(QUOTED) >= DOCUMENTS
