"""Attack: passport and permit numbers written into every place a clue carries text (subject key
and name, explanation, evidence text, label and source, feature notes, event reasons) never
reach a role without personal.read, on any GET route (pages, API, exports and governance drafts,
workbooks and documents opened and searched inside); a prosecutor sees them as written."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from jiandu.web import create_app
from jiandu.workflow import (
    Store,
    approve,
    assign,
    principal_for_username,
    propose,
    record_outcome,
    sync_clues,
    system_principal,
    transition,
)
from jiandu.workflow.governance import group_key
from tests.web.test_authz import client_for, fill, routes
from tests.web.world import MODEL, YUECHENG, clue_id

CLUE = clue_id(9)
COURT = "浙0602"
GROUP = group_key(MODEL, COURT, YUECHENG)
# (as written, what must never be read back: the number without its letters)
DOCUMENTS = [
    ("普通护照E73920486", "73920486"),
    ("护照EA7392048", "7392048"),
    ("旧版护照G82736451", "82736451"),
    ("公务护照SE7391846", "7391846"),
    ("外交护照DE5283917", "5283917"),
    ("公务普通护照PE6192837", "6192837"),
    ("港澳通行证C58371926", "58371926"),
    ("港澳通行证W61829374", "61829374"),
    ("台湾通行证L40392817", "40392817"),
    ("往来台湾通行证 57381926", "57381926"),
    ("回乡证H3928174650", "3928174650"),
    ("回乡证M28391746", "28391746"),
    ("台胞证 83927164", "83927164"),
    ("台胞证号码：0392817465(B)", "0392817465"),
    ("护照号码：148392716", "148392716"),
]
ALL = "、".join(written for written, _ in DOCUMENTS)
SECRETS = [digits for _, digits in DOCUMENTS]


def passport_clue() -> dict[str, object]:
    return {
        "clue_id": CLUE,
        "model_id": MODEL,
        "model_version": "1.0.0",
        "subject": {"type": "person", "key": "doc:E73920486", "name": "持普通护照E73920486的原告"},
        "score": 88.0,
        "band": "red",
        "explanation": f"原告（证件：{ALL}）一年内在同一法院起诉2件后撤诉。",
        "features": {"suits": {"value": 2, "weight": 1.0, "note": f"证件 {ALL}"}},
        "evidence": [
            {
                "kind": "row",
                "source": "出入境证件 E73920486",
                "doc_id": None,
                "case_number": "（2023）浙0602民初901号",
                "court": "浙江省绍兴市越城区人民法院",
                "span": None,
                "text": f"证件：{ALL}",
                "label": f"证件：普通护照 E73920486；{DOCUMENTS[6][0]}",
            }
        ],
        "run_id": "run-documents",
        "region": "zhejiang",
    }


@pytest.fixture
def passport_app(workspace: Path) -> Iterator[FastAPI]:
    store = Store.for_workspace(workspace)
    try:
        with store.write() as s:
            system = system_principal(s)
            sync_clues(s, [passport_clue()])
            assign(s, system, CLUE, "admin")
            transition(s, system, CLUE, "verifying", reason=f"核实证件{DOCUMENTS[0][0]}")
            propose(s, system, CLUE, "case_filed", reason=f"提请立案，证件{ALL}")
            approve(s, principal_for_username(s, "zj_chief"), CLUE)
            record_outcome(s, system, CLUE, "confirmed", reason=f"证件 {DOCUMENTS[10][0]}")
    finally:
        store.close()
    application = create_app(workspace)
    yield application
    application.state.jiandu.close()


def _readable(content: bytes, text: str) -> str:
    """A response as a reader sees it: workbooks and documents unpacked (their XML searched)."""
    if not content.startswith(b"PK"):
        return text
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def every_get(app: FastAPI, user: str) -> dict[str, str]:
    client = client_for(app, user)
    bodies = {}
    for method, _path, route in routes(app):
        if method != "GET":
            continue
        path, query = fill(route, CLUE)
        values = {"key": GROUP, "clue": CLUE, "entity_id": CLUE, "jurisdiction": YUECHENG}
        query = {k: values.get(k, v) for k, v in query.items()}
        response = client.get(path, params=query)
        assert response.status_code < 500, (path, response.status_code)
        bodies[str(response.url)] = _readable(response.content, response.text)
    for extra in (f"/audit?clue={CLUE}", f"/governance/{GROUP}", f"/api/clues/{CLUE}"):
        response = client.get(extra)
        bodies[extra] = _readable(response.content, response.text)
    return bodies


@pytest.mark.parametrize("user", ["yc_viewer", "yc_analyst", "zj_auditor"])
def test_document_numbers_never_appear_for_roles_without_personal_read(
    passport_app: FastAPI, user: str
) -> None:
    bodies = every_get(passport_app, user)
    assert len(bodies) > 20
    for url, body in bodies.items():
        for secret in SECRETS:
            assert secret not in body, (user, url, secret)
    detail = client_for(passport_app, user).get(f"/clues/{CLUE}").text
    assert "E7*****86" in detail and "C5*****26" in detail  # masked, first and last two kept


def test_a_prosecutor_sees_the_numbers(passport_app: FastAPI) -> None:
    """The attack reaches the places it means to: the numbers are there for a prosecutor."""
    bodies = every_get(passport_app, "yc_pro")
    for place in (f"/clues/{CLUE}", f"/api/clues/{CLUE}/events", f"/exports/clues/{CLUE}.xlsx"):
        assert SECRETS[0] in bodies[f"http://testserver{place}"], place
    drafts = [body for url, body in bodies.items() if "/governance/draft" in url]
    assert drafts and all(SECRETS[0] in body for body in drafts)
    detail = bodies[f"http://testserver/clues/{CLUE}"]
    assert all(secret in detail for secret in SECRETS)
