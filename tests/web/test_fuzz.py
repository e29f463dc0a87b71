"""Fuzz the JSON API from its OpenAPI spec (schemathesis): no input may cause a server error.

Runs against the ASGI app in process, for every operation of the spec: valid inputs (positive
mode; the responses must also match their declared schemas) as an admin and as a county viewer,
and invalid inputs (negative mode) as an admin. Examples per operation are bounded, so the
module takes well under a minute. (schemathesis' own pytest plugin does not run under pytest 9,
so the operations are driven through their Hypothesis strategies here.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from jiandu.web import create_app
from jiandu.workflow import create_token
from jiandu.workflow.users import principal_for_username
from tests.web.world import copy_workspace

EXAMPLES = 10


@pytest.fixture(scope="module")
def fuzz_app(template_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    root = copy_workspace(template_workspace, tmp_path_factory.mktemp("fuzz") / "ws")
    app = create_app(root)
    yield app
    app.state.jiandu.close()


def test_api_never_fails_with_a_server_error(fuzz_app: FastAPI) -> None:
    with fuzz_app.state.jiandu.store.write() as s:
        tokens = {u: create_token(s, principal_for_username(s, u)) for u in ("admin", "yc_viewer")}
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", fuzz_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    runs = [
        (GenerationMode.POSITIVE, "admin", [not_a_server_error, response_schema_conformance]),
        (GenerationMode.POSITIVE, "yc_viewer", [not_a_server_error, response_schema_conformance]),
        (GenerationMode.NEGATIVE, "admin", [not_a_server_error]),
    ]
    failures: list[str] = []
    for operation in operations:
        for mode, user, checks in runs:
            try:
                fuzz(operation, mode, {"Authorization": f"Bearer {tokens[user]}"}, checks)
            except Exception as exc:  # collect every operation's failure, then report them all
                failures.append(f"{operation.label} ({mode.value}, {user}): {exc}"[:2000])
    assert not failures, "\n\n".join(failures)


def fuzz(operation: Any, mode: GenerationMode, headers: dict[str, str], checks: list[Any]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    run()
