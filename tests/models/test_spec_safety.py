"""Loading shared model files safely: YAML bombs, huge or deep files, long values in messages,
bundles checked before they are hashed, and built-in models that an import cannot replace
silently. Every hostile file is generated here, at test time."""

from __future__ import annotations

import json
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from jiandu.cli.context import console, err_console
from jiandu.cli.main import app
from jiandu.models import library as library_module
from jiandu.models.library import Library, bundle, dump_yaml, read_spec_file
from jiandu.models.spec import MAX_SPEC_BYTES, SpecError, load_yaml, parse_spec, parse_yaml
from jiandu.workspace import Workspace
from tests.models.helpers import minimal_data

runner = CliRunner()
BUILTIN = "civil.serial_suit"


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "width", 250)
    monkeypatch.setattr(err_console, "width", 250)


def alias_bomb() -> str:
    """Billion laughs: nine levels of nine aliases, about 0.5 KB, 387 million strings expanded."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        refs = ",".join(f"*a{level - 1}" for _ in range(9))
        lines.append(f"a{level}: &a{level} [{refs}]")
    lines.append("id: civil.bomb")
    return "\n".join(lines) + "\n"


def test_the_alias_bomb_is_refused_quickly_and_small(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb(), "utf-8")
    assert path.stat().st_size < 2048
    # the attack is real: PyYAML's own safe loader would expand it (only the first level here)
    assert len(yaml.safe_load(alias_bomb().split("\na2:")[0])["a1"]) == 9
    tracemalloc.start()
    t0 = time.perf_counter()
    with pytest.raises(SpecError, match="aliases") as refused:
        load_yaml(path)
    seconds = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert seconds < 1.0 and peak < 5_000_000
    assert len(str(refused.value)) < 1000


def test_validate_command_refuses_the_bomb(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb(), "utf-8")
    result = runner.invoke(app, ["--workspace", str(tmp_path / "ws"), "models", "validate", str(path)])
    assert result.exit_code == 1
    assert "aliases" in result.stderr and len(result.stderr) < 1500


def test_a_single_anchor_without_alias_still_loads() -> None:
    assert parse_yaml("a: &x 1\nb: 2\n") == {"a": 1, "b": 2}


def test_an_oversized_file_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    data = minimal_data()
    data["description_zh"] = "长" * (MAX_SPEC_BYTES // 2)  # 3 bytes each in UTF-8
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    with pytest.raises(SpecError, match="larger than 256 KB"):
        load_yaml(path)
    with pytest.raises(SpecError, match="larger than"):
        read_spec_file(path)


def test_deep_nesting_is_a_clear_refusal_not_a_recursion_error() -> None:
    for text in ("[" * 50_000 + "]" * 50_000, "a:\n" + "".join("  " * i + "b:\n" for i in range(1, 200))):
        with pytest.raises(SpecError, match="nested deeper"):
            parse_yaml(text, source="deep.yaml")


def test_messages_never_print_a_long_value_in_full() -> None:
    secret = "S" * 50_000
    data = minimal_data()
    data["parameters"]["n"]["default"] = secret  # an integer parameter: refused, quoting it
    with pytest.raises(SpecError) as refused:
        parse_spec(data)
    message = str(refused.value)
    assert "SSSS" in message and secret not in message and len(message) < 2000
    data = minimal_data()
    data["id"] = "civil." + "x" * 10_000
    with pytest.raises(SpecError) as refused:
        parse_spec(data)
    assert len(str(refused.value)) < 3000


def test_region_override_messages_are_short() -> None:
    spec = parse_spec(minimal_data())
    with pytest.raises(ValueError) as refused:
        spec.resolve({"n": "9" * 10_000 + "x"})
    assert len(str(refused.value)) < 500


def _bundle_file(tmp_path: Path, data: dict[str, Any], name: str = "bundle.yaml") -> Path:
    path = tmp_path / name
    path.write_text(dump_yaml(data), "utf-8")
    return path


def test_a_bundle_is_checked_before_it_is_hashed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = bundle(parse_spec(minimal_data()))
    hashed: list[int] = []
    real_hash = library_module.spec_hash
    monkeypatch.setattr(library_module, "spec_hash", lambda d: hashed.append(1) or real_hash(d))
    for broken, reason in (
        ({**good, "sha256": "x" * 10_000}, "64 hex"),
        ({**good, "payload": ["x"] * 10}, "unknown keys"),
        ({**good, "exported_by": {"office": ["nested", {"deep": 1}]}}, "exported_by"),
        ({**good, "spec": "not a mapping"}, "no spec mapping"),
    ):
        with pytest.raises(SpecError, match=reason) as refused:
            read_spec_file(_bundle_file(tmp_path, broken))
        assert len(str(refused.value)) < 500
    assert hashed == []
    spec, _meta = read_spec_file(_bundle_file(tmp_path, good))
    assert spec.id == good["spec"]["id"] and hashed == [1]


def _changed_builtin(tmp_path: Path) -> Path:
    original = Library().get(BUILTIN)
    data = bundle(original)
    data["spec"]["name_zh"] = original.name_zh + "（已被替换）"
    data["sha256"] = parse_spec(data["spec"]).content_hash()
    return _bundle_file(tmp_path, data, "replacement.yaml")


def test_a_builtin_model_is_not_replaced_silently(tmp_path: Path) -> None:
    lib = Library(tmp_path / "models")
    replacement = _changed_builtin(tmp_path)
    with pytest.raises(SpecError, match="built-in"):
        lib.install(replacement)
    with pytest.raises(SpecError, match="built-in"):
        lib.install(replacement, replace=True)
    assert lib.specs[BUILTIN].origin == "builtin" and not (tmp_path / "models").exists()
    # the same content as the built-in is no replacement
    same = _bundle_file(tmp_path, bundle(Library().get(BUILTIN)), "same.yaml")
    assert lib.install(same).content_hash() == Library().get(BUILTIN).content_hash()
    installed = lib.install(replacement, replace=True, override_builtin=True)
    assert installed.name_zh.endswith("（已被替换）")


def test_the_cli_records_a_builtin_override_in_the_audit_log(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    ws.init("duckdb")
    replacement = _changed_builtin(tmp_path)
    refused = runner.invoke(app, ["--workspace", str(ws.root), "models", "import", str(replacement)])
    assert refused.exit_code == 1 and "--override-builtin" in refused.stderr
    assert not (ws.root / "models" / f"{BUILTIN}.yaml").exists()

    done = runner.invoke(
        app, ["--workspace", str(ws.root), "models", "import", str(replacement), "--override-builtin"]
    )
    assert done.exit_code == 0, done.output
    assert (ws.root / "models" / f"{BUILTIN}.yaml").is_file()
    log = runner.invoke(app, ["--workspace", str(ws.root), "audit", "log", "--json"])
    assert log.exit_code == 0, log.output
    events = [json.loads(line) for line in log.stdout.splitlines() if line.strip()]
    (override,) = [e for e in events if e["kind"] == "model_builtin_overridden"]
    assert override["entity_id"] == BUILTIN
    assert override["before"]["sha256"] == Library().get(BUILTIN).content_hash()
    assert override["after"]["sha256"] == read_spec_file(replacement)[0].content_hash()
    verify = runner.invoke(app, ["--workspace", str(ws.root), "audit", "verify"])
    assert verify.exit_code == 0, verify.output
