"""Re-identification (再识别) of a pseudonymised clue: only verified, only by role, always audited,
raw values returned to the requester only (issue 16 §4)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from jiandu.privacy.pseudonyms import KeyRing, Pseudonymiser, PseudonymKey
from jiandu.synth.ids import resident_id
from jiandu.workflow import (
    InvalidTransition,
    PermissionDenied,
    assign,
    list_events,
    record_outcome,
    sync_clues,
    transition,
)
from jiandu.workflow.errors import InvalidInput
from jiandu.workflow.reidentify import REIDENTIFIED, clue_pseudonyms, reidentify
from jiandu.workflow.tables import Clue
from tests.workflow.conftest import World, make_clue

KEY = PseudonymKey("K1", dt.date(2026, 1, 1), b"k" * 32)
RING = KeyRing((KEY,))
PERSON = resident_id("330602", dt.date(1975, 3, 4), 11, True)
STRANGER = resident_id("330602", dt.date(1980, 1, 1), 12, False)
PS = Pseudonymiser(KEY)
SUBJECT = PS.pseudonym("id_number", PERSON)
NAME = PS.pseudonym("name", "王建国")
OTHER = PS.pseudonym("id_number", STRANGER)
CLUE = f"c{9:031d}"


@pytest.fixture()
def pseudonymised(world: World) -> World:
    clue = make_clue(9)
    clue["subject"] = {"type": "person", "key": SUBJECT, "name": NAME}
    clue["explanation"] = f"{NAME}（{SUBJECT}）自2021-05-01起被限制消费，此后乘坐飞机2次；同行人{OTHER}。"
    with world.store.write() as s:
        sync_clues(s, [clue])
    return world


def _verify(world: World) -> None:
    with world.store.write() as s:
        assign(s, world.p("yc_pro"), CLUE, "yc_pro")
        transition(s, world.p("yc_pro"), CLUE, "verifying")
        record_outcome(s, world.p("yc_pro"), CLUE, "confirmed")


def test_pseudonyms_of_a_clue_are_found_in_subject_and_text(pseudonymised: World) -> None:
    with pseudonymised.store.read() as s:
        clue = s.get(Clue, CLUE)
        assert clue is not None and clue_pseudonyms(clue) == [SUBJECT, NAME, OTHER]


def test_refused_before_verification_and_for_roles_without_the_permission(pseudonymised: World) -> None:
    world = pseudonymised
    with world.store.write() as s, pytest.raises(InvalidTransition, match="not verified") as caught:
        reidentify(s, world.p("yc_chief"), CLUE, reason="核查属实后确认身份", ring=RING, holdings=[PERSON])
    assert caught.value.zh and "核查属实" in caught.value.zh
    _verify(world)
    for user in ("yc_pro", "yc_analyst", "zj_auditor", "yc_viewer"):
        with world.store.write() as s, pytest.raises(PermissionDenied):
            reidentify(s, world.p(user), CLUE, reason="核查属实后确认身份", ring=RING, holdings=[PERSON])
    with world.store.write() as s, pytest.raises(PermissionDenied):
        reidentify(
            s,
            world.p("yc_chief").masked_view(),
            CLUE,
            reason="核查属实后确认身份",
            ring=RING,
            holdings=[PERSON],
        )
    with world.store.write() as s, pytest.raises(InvalidInput):
        reidentify(s, world.p("yc_chief"), CLUE, reason=" ", ring=RING, holdings=[PERSON])
    with world.store.read() as s:
        assert not [e for e in list_events(s, world.p("admin"), entity_id=CLUE) if e.kind == REIDENTIFIED]


def test_a_chief_resolves_what_the_office_holds_and_gets_a_request_for_the_rest(pseudonymised: World) -> None:
    world = pseudonymised
    _verify(world)
    holdings = ["张三", "王建国", PERSON[:6] + PERSON[8:17], "13812345678"]  # the 15-digit form meets
    with world.store.write() as s:
        result = reidentify(
            s, world.p("yc_chief"), CLUE, reason="立案前核实被执行人身份", ring=RING, holdings=holdings
        )
    assert result.resolved == {SUBJECT: PERSON[:6] + PERSON[8:17], NAME: "王建国"}
    assert result.unresolved == [OTHER]
    assert result.request_zh is not None
    assert OTHER in result.request_zh and "法律依据" in result.request_zh and CLUE in result.request_zh
    assert PERSON not in result.request_zh and "王建国" not in result.request_zh
    # the act is audited with user, clue, reason and pseudonyms; never a raw value
    with world.store.read() as s:
        events = [e for e in list_events(s, world.p("admin"), entity_id=CLUE) if e.kind == REIDENTIFIED]
        auditor_view = json.dumps(
            [e.model_dump(mode="json") for e in list_events(s, world.p("zj_auditor"), entity_id=CLUE)],
            ensure_ascii=False,
        )
        stored = json.dumps([c.subject_key for c in s.query(Clue).all()], ensure_ascii=False)
    (event,) = events
    assert event.actor == "yc_chief" and event.after is not None
    assert event.after["reason"] == "立案前核实被执行人身份"
    assert event.after["resolved"] == sorted([SUBJECT, NAME]) and event.after["unresolved"] == [OTHER]
    for raw in (PERSON, PERSON[:6] + PERSON[8:17], "王建国"):
        assert raw not in json.dumps(event.model_dump(mode="json"), ensure_ascii=False)
        assert raw not in auditor_view and raw not in stored


def test_an_admin_may_and_a_case_filed_counts_as_verified(pseudonymised: World) -> None:
    world = pseudonymised
    with world.store.write() as s:
        assign(s, world.p("yc_pro"), CLUE, "yc_pro")
        transition(s, world.p("yc_pro"), CLUE, "verifying")
    with world.store.write() as s:
        world.approved(s, CLUE, "case_filed")
    with world.store.write() as s:
        result = reidentify(
            s, world.p("admin"), CLUE, reason="立案后确认身份", ring=RING, holdings=[STRANGER]
        )
    assert result.resolved == {OTHER: STRANGER}


def test_the_command_line_resolves_against_the_workspace_and_writes_the_request(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from jiandu.cli.main import app
    from jiandu.privacy.pseudonyms import add_key, load_key_file
    from jiandu.workflow import Store, principal_for_username

    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(app, ["-w", str(ws), "users", "demo"]).exit_code == 0
    key_file = tmp_path / "keys.json"
    add_key(key_file, "K9")
    ps = Pseudonymiser(load_key_file(key_file).current)
    clue = make_clue(9, court="浙0602")
    clue["subject"] = {
        "type": "person",
        "key": ps.pseudonym("id_number", PERSON),
        "name": ps.pseudonym("name", "王建国"),
    }
    clue["explanation"] = "假名化线索"
    store = Store.for_workspace(ws)
    try:
        with store.write() as s:
            sync_clues(s, [clue])
        with store.write() as s:
            pro = principal_for_username(s, "demo_prosecutor")
            assign(s, pro, CLUE, "demo_prosecutor")
            transition(s, pro, CLUE, "verifying")
            record_outcome(s, pro, CLUE, "confirmed")
    finally:
        store.close()
    holdings = tmp_path / "held.txt"
    holdings.write_text(f"{PERSON}\n", encoding="utf-8")
    args = [
        "-w",
        str(ws),
        "clues",
        "reidentify",
        CLUE,
        "--reason",
        "核实身份后立案",
        "--key-file",
        str(key_file),
    ]
    refused = runner.invoke(app, [*args, "--user", "demo_prosecutor"])
    assert refused.exit_code == 1 and "无权" in refused.output
    request = tmp_path / "request.txt"
    done = runner.invoke(
        app, [*args, "--user", "demo_chief", "--holdings", str(holdings), "--request-out", str(request)]
    )
    assert done.exit_code == 0, done.output
    assert PERSON in done.output and "王建国" not in done.output  # the name is not held: asked for
    assert ps.pseudonym("name", "王建国") in request.read_text("utf-8")
