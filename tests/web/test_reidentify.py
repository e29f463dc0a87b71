"""再识别 on the clue page and in the API (issue 16 §4): offered and done only for a verified clue
by a role with clue.reidentify, with a reason and the CSRF token; audited; the raw values shown
once to the requester and stored nowhere; the 协查函 draft for what the office does not hold."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from jiandu.privacy.pseudonyms import Pseudonymiser, add_key
from jiandu.synth.ids import resident_id
from jiandu.workflow import assign, record_outcome, sync_clues, system_principal, transition
from jiandu.workflow.reidentify import REIDENTIFIED
from jiandu.workflow.tables import Clue, Event
from tests.web.conftest import Login, csrf_of
from tests.web.world import make_clue

CLUE = f"c{9:031d}"
HELD = "被告乙12"  # a party (defendant) of the workspace's judgments: the office holds this name
STRANGER = resident_id("330602", dt.date(1980, 1, 1), 12, False)  # held by the agency only
REASON = "核查属实，确认当事人身份以便立案"


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "keys.json"
    add_key(path, "K1")
    return path


@pytest.fixture
def pseudonyms(app: FastAPI, key_file: Path) -> tuple[str, str]:
    """Clue 9 (越城), its subject pseudonymised: a name the office holds, an ID number it does not."""
    from jiandu.privacy.pseudonyms import load_key_file

    maker = Pseudonymiser(load_key_file(key_file).current)
    name, number = maker.pseudonym("name", HELD), maker.pseudonym("id_number", STRANGER)
    clue = make_clue(9, "浙0602")
    clue["subject"] = {"type": "person", "key": number, "name": name}
    clue["explanation"] = f"{name}（{number}）一年内在同一法院起诉2件后撤诉。"
    with app.state.jiandu.store.write() as s:
        sync_clues(s, [clue])
    return name, number


def verify(app: FastAPI) -> None:
    with app.state.jiandu.store.write() as s:
        system = system_principal(s)
        assign(s, system, CLUE, "yc_pro")
        transition(s, system, CLUE, "verifying")
        record_outcome(s, system, CLUE, "confirmed")


def form(client, key_file: Path, reason: str = REASON, csrf: bool = True):  # type: ignore[no-untyped-def]
    data = {"reason": reason, **({"csrf_token": csrf_of(client)} if csrf else {})}
    files = {"key_file": ("keys.json", key_file.read_bytes(), "application/json")}
    return client.post(f"/clues/{CLUE}/reidentify", data=data, files=files)


def api(client, key_file: Path, reason: str = REASON):  # type: ignore[no-untyped-def]
    files = {"key_file": ("keys.json", key_file.read_bytes(), "application/json")}
    headers = {"X-CSRF-Token": csrf_of(client)}
    return client.post(f"/api/clues/{CLUE}/reidentify", data={"reason": reason}, files=files, headers=headers)


def events(app: FastAPI) -> list[Event]:
    with app.state.jiandu.store.read() as s:
        rows = s.execute(select(Event).where(Event.kind == REIDENTIFIED)).scalars().all()
        s.expunge_all()
        return list(rows)


def test_refused_for_a_prosecutor_and_before_verification(
    app: FastAPI, client_as: Login, key_file: Path, pseudonyms: tuple[str, str]
) -> None:
    chief, pro = client_as("yc_chief"), client_as("yc_pro")
    assert 'id="form-reidentify"' not in chief.get(f"/clues/{CLUE}").text  # not verified yet
    refused = form(chief, key_file)
    assert refused.status_code == 409 and "核查属实" in refused.text
    assert api(chief, key_file).status_code == 409
    verify(app)
    assert 'id="form-reidentify"' not in pro.get(f"/clues/{CLUE}").text
    assert form(pro, key_file).status_code == 403
    assert api(pro, key_file).status_code == 403
    assert events(app) == []


def test_a_chief_reidentifies_once_audited_and_no_one_else_sees_it(
    app: FastAPI, client_as: Login, key_file: Path, pseudonyms: tuple[str, str]
) -> None:
    name, number = pseudonyms
    verify(app)
    chief = client_as("yc_chief")
    assert 'id="form-reidentify"' in chief.get(f"/clues/{CLUE}").text
    # the CSRF token is required, and a reason
    assert form(chief, key_file, csrf=False).status_code == 403
    assert form(chief, key_file, reason=" ").status_code == 400
    assert events(app) == []
    done = form(chief, key_file)
    assert done.status_code == 200 and done.headers["cache-control"] == "no-store"
    page = done.text
    assert f"<code>{name}</code></td><td class=\"resolved\">{HELD}</td>" in page
    assert 'id="reidentify-request"' in page and number in page.split('id="reidentify-request"')[1]
    assert 'id="reidentify-download"' in page
    # audited with what the service records, never a raw value
    (event,) = events(app)
    assert event.actor == "yc_chief" and event.entity_id == CLUE
    recorded = json.dumps(event.after, ensure_ascii=False)
    assert event.after["reason"] == REASON and event.after["resolved"] == [name]
    assert event.after["unresolved"] == [number] and HELD not in recorded and STRANGER not in recorded
    with app.state.jiandu.store.read() as s:
        stored = s.get(Clue, CLUE)
        assert stored is not None and HELD not in (stored.subject_name or "") + (stored.explanation or "")
    # another user, the auditor included, never sees the raw value
    for user in ("admin", "zj_auditor", "yc_pro"):
        other = client_as(user)
        assert HELD not in other.get(f"/clues/{CLUE}").text
        assert HELD not in other.get("/audit").text
    assert HELD not in chief.get(f"/clues/{CLUE}").text  # shown once, not kept for the requester either


def test_the_api_returns_the_values_to_the_caller_and_audits(
    app: FastAPI, client_as: Login, key_file: Path, pseudonyms: tuple[str, str]
) -> None:
    name, number = pseudonyms
    verify(app)
    chief = client_as("yc_chief")
    response = api(chief, key_file)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["resolved"] == [{"pseudonym": name, "value": HELD}]
    assert body["unresolved"] == [number] and number in body["request_zh"]
    assert len(events(app)) == 1
    bad = chief.post(
        f"/api/clues/{CLUE}/reidentify",
        data={"reason": REASON},
        files={"key_file": ("keys.json", b"{\"keys\": \"0123abcd\"}", "application/json")},
        headers={"X-CSRF-Token": csrf_of(chief)},
    )
    assert bad.status_code == 400 and "0123abcd" not in bad.text  # the content is never echoed
    assert len(events(app)) == 1
