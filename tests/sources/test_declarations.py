"""Source declarations are hostile input: every attack is refused with a reason."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from jiandu.sources.model import MAX_SOURCE_BYTES, SourceError
from jiandu.sources.registry import (
    add_source,
    builtin_sources,
    catalogue,
    parse_source,
    parse_source_text,
    read_source_file,
)

from .helpers import MINIMAL, as_yaml, declaration


def refused(data: Any, match: str) -> str:
    with pytest.raises(SourceError, match=match) as caught:
        parse_source(data)
    assert len(str(caught.value)) < 3000  # a message, never an echo of a huge input
    return str(caught.value)


def test_minimal_declaration_loads() -> None:
    source = parse_source(MINIMAL)
    assert source.table == "execution_cases"
    assert source.columns["respondent_key"].from_ == ["证件号码", "被执行人证件号码"]
    assert source.columns["amount"].scale == 10000


def test_every_builtin_source_validates() -> None:
    ids = {s.source.id for s in builtin_sources()}
    assert {"court.shixin_list", "synth.execution_cases", "synth.household"} <= ids
    for loaded in builtin_sources():
        assert loaded.source.legal_basis and loaded.source.retention_days > 0


def test_unknown_keys_are_refused() -> None:
    refused(declaration(script="import os"), "script")
    data = declaration()
    data["columns"]["court"] = {"from": "执行法院", "eval": "1+1"}
    refused(data, "eval")
    data = declaration()
    data["files"]["command"] = "rm -rf /"
    refused(data, "command")


def test_tables_and_columns_are_allowlisted() -> None:
    refused(declaration(table="users"), "not a register table")
    refused(declaration(table="quarantine"), "not a register table")
    refused(declaration(table="documents"), "not a register table")
    data = declaration()
    data["columns"]["password_hash"] = {"from": "x"}
    refused(data, "not a column of execution_cases")
    data = declaration()
    data["columns"]["load_id"] = {"value": "forged"}
    refused(data, "provenance")
    data = declaration()
    data["columns"]["court; DROP TABLE parties"] = {"from": "x"}
    refused(data, "not a column")


def test_required_and_key_columns_must_be_mapped() -> None:
    data = declaration()
    del data["columns"]["respondent_name"]
    refused(data, "needs column")


def test_transforms_are_a_fixed_vocabulary() -> None:
    data = declaration()
    data["columns"]["court"] = {"from": "执行法院", "transform": "__import__('os').system"}
    refused(data, "unknown transform")
    data = declaration()
    data["columns"]["amount"] = {"from": "标的", "transform": "plate"}
    refused(data, "transform plate gives varchar, the column is double")


def test_constant_or_columns_not_both() -> None:
    data = declaration()
    data["columns"]["court"] = {"from": "执行法院", "value": "某法院"}
    refused(data, "either from")


def test_names_may_not_reach_outside_and_carry_no_controls() -> None:
    data = declaration()
    data["files"]["names"] = ["../../etc/passwd"]
    refused(data, "may not name a folder")
    data = declaration()
    data["files"]["names"] = ["/etc/*.csv"]
    refused(data, "may not name a folder")
    data = declaration()
    data["columns"]["court"] = {"from": "执行\x00法院"}
    refused(data, "control characters")


def test_size_limits() -> None:
    data = declaration()
    data["columns"]["respondent_kind"]["codes"] = {str(i): "person" for i in range(6000)}
    refused(data, "at most 5000")
    data = declaration()
    data["columns"]["court"] = {"from": ["x" * 129]}
    refused(data, "at most 128")
    data = declaration(dataset="数" * 201)
    refused(data, "at most 200")
    data = declaration(retention_days=10**9)
    refused(data, "less than or equal to 36500")
    with pytest.raises(SourceError, match="larger than 256 KB"):
        parse_source_text("x: " + "y" * MAX_SOURCE_BYTES)


def test_unsupported_datum_is_refused_not_mixed() -> None:
    refused(declaration(coordinate_system="gcj02"), "not implemented")
    refused(declaration(coordinate_system="mars"), "coordinate_system")
    refused(declaration(time_zone="America/New_York"), "time_zone")


def test_yaml_runs_no_code_and_expands_no_aliases() -> None:
    with pytest.raises(SourceError, match="cannot read YAML"):
        parse_source_text("id: !!python/object/apply:os.system ['echo pwned']\n")
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    with pytest.raises(SourceError, match="aliases"):
        parse_source_text(laughs)
    with pytest.raises(SourceError, match="nested deeper"):
        parse_source_text("a: " + "[" * 200 + "]" * 200)
    with pytest.raises(SourceError, match="must be a mapping"):
        parse_source_text("- a\n- b\n")


def test_add_copies_the_validated_bytes_privately(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(as_yaml(MINIMAL), encoding="utf-8")
    workspace = tmp_path / "ws"
    loaded = add_source(workspace, path)
    target = Path(loaded.path)
    assert target == workspace / "sources" / "office.execution_cn.yaml"
    assert target.read_bytes() == path.read_bytes()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    found = catalogue(workspace)
    assert found.sources[0].source.id == "office.execution_cn" and found.sources[0].origin == "workspace"
    assert found.for_file("执行案件2023.csv", "csv")[0].source.id == "office.execution_cn"


def test_add_refuses_invalid_and_links(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(as_yaml(declaration(table="users")), encoding="utf-8")
    with pytest.raises(SourceError, match="not a register table"):
        add_source(tmp_path / "ws", bad)
    assert not (tmp_path / "ws" / "sources" / "office.execution_cn.yaml").exists()
    secret = tmp_path / "secret.yaml"
    secret.write_text(as_yaml(MINIMAL), encoding="utf-8")
    link = tmp_path / "link.yaml"
    os.symlink(secret, link)
    with pytest.raises(SourceError, match="cannot read"):
        read_source_file(link)


def test_a_broken_workspace_source_is_reported_not_used(tmp_path: Path) -> None:
    folder = tmp_path / "ws" / "sources"
    folder.mkdir(parents=True)
    (folder / "broken.yaml").write_text("id: x\ntable: users\n", encoding="utf-8")
    found = catalogue(tmp_path / "ws")
    assert len(found.problems) == 1 and "broken.yaml" in found.problems[0]
    assert all(s.origin == "builtin" for s in found.sources)
