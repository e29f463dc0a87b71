"""Region overrides, and sharing specs between offices: export → import, tamper detection."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from jiandu.models.library import EXPORT_FORMAT, Library, bundle, dump_yaml, read_spec_file
from jiandu.models.regions import RegionError, check_region, load_region, parse_region
from jiandu.models.spec import SpecError, parse_spec, spec_hash
from tests.models.helpers import EXAMPLE, minimal_data


def region(models: dict[str, dict[str, object]]) -> dict[str, object]:
    return {"region": "testland", "name_zh": "测试省", "models": models}


def test_builtin_zhejiang_region_is_valid_and_applies() -> None:
    lib = Library()
    zj = load_region("zhejiang")
    assert check_region(zj, lib.all()) == []
    values = zj.parameters_for(lib.get(EXAMPLE))
    assert values["min_suits"] == 10 and values["window_years"] == 1
    assert values["cause_keyword"] == "民间借贷"  # not overridden: the default


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        ({"min_suits": "ten"}, "not an integer"),
        ({"min_suits": 1}, "below the minimum"),
        ({"window_years": 11}, "above the maximum"),
        ({"min_suitz": 10}, "unknown parameter 'min_suitz'"),
        ({"cause_keyword": 5}, "not a string"),
    ],
)
def test_region_values_are_checked(values: dict[str, object], fragment: str) -> None:
    lib = Library()
    bad = parse_region(region({EXAMPLE: values}), source="test")
    problems = check_region(bad, lib.all())
    assert len(problems) == 1 and fragment in problems[0] and "region testland" in problems[0]
    with pytest.raises(RegionError, match=fragment):
        bad.parameters_for(lib.get(EXAMPLE))


def test_region_naming_an_unknown_model_is_reported() -> None:
    problems = check_region(parse_region(region({"civil.nothing": {"x": 1}}), source="t"), Library().all())
    assert problems == ["region testland: model civil.nothing is not installed"]


def test_region_file_shape_is_checked(tmp_path: Path) -> None:
    with pytest.raises(RegionError, match="invalid region file"):
        parse_region({"region": "Bad Name!", "name_zh": "x"}, source="t")
    with pytest.raises(RegionError, match="no region 'atlantis'"):
        load_region("atlantis", tmp_path)
    own = tmp_path / "testland.yaml"
    own.write_text(yaml.safe_dump(region({EXAMPLE: {"min_suits": 4}}), allow_unicode=True), "utf-8")
    assert load_region("testland", tmp_path).models[EXAMPLE]["min_suits"] == 4
    assert load_region(str(own)).region == "testland"


def test_export_import_round_trip(tmp_path: Path) -> None:
    source = Library()
    spec = source.get(EXAMPLE)
    exported = tmp_path / "shared.yaml"
    exported.write_text(dump_yaml(bundle(spec, office="绍兴市人民检察院")), "utf-8")
    data = yaml.safe_load(exported.read_text("utf-8"))
    assert data["format"] == EXPORT_FORMAT and data["sha256"] == spec.content_hash()
    assert data["exported_by"]["office"] == "绍兴市人民检察院"

    other_office = Library(tmp_path / "ws" / "models")
    installed = other_office.install(exported)
    assert installed == spec and installed.content_hash() == spec.content_hash()
    again = Library(tmp_path / "ws" / "models")
    assert again.specs[EXAMPLE].origin == "workspace"
    assert again.get(EXAMPLE).content_hash() == spec.content_hash()
    assert again.specs[EXAMPLE].metadata["exported_by"]["office"] == "绍兴市人民检察院"
    assert again.install(exported) == spec  # the same content again: nothing to do


def test_tampered_export_is_refused(tmp_path: Path) -> None:
    spec = Library().get(EXAMPLE)
    data = bundle(spec)
    data["spec"]["scoring"]["bands"]["green"] = 0  # quietly push more clues
    tampered = tmp_path / "tampered.yaml"
    tampered.write_text(dump_yaml(data), "utf-8")
    lib = Library(tmp_path / "ws" / "models")
    with pytest.raises(SpecError, match="content hash mismatch"):
        lib.install(tampered)
    assert not (tmp_path / "ws" / "models").exists()  # nothing stored


def test_rehashed_hostile_export_is_refused_by_the_guard(tmp_path: Path) -> None:
    data = bundle(parse_spec(minimal_data()))
    data["spec"]["sql"] = data["spec"]["sql"].replace("FROM party_stats", "FROM read_csv('/etc/passwd')")
    data["sha256"] = spec_hash(data["spec"])  # a consistent hash does not make it safe
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(dump_yaml(data), "utf-8")
    with pytest.raises(SpecError, match="reads a file via read_csv"):
        read_spec_file(hostile)
    with pytest.raises(SpecError):
        Library(tmp_path / "ws" / "models").install(hostile)
    assert not (tmp_path / "ws" / "models").exists()


def test_install_refuses_to_overwrite_a_different_version(tmp_path: Path) -> None:
    lib = Library(tmp_path / "models")
    first = tmp_path / "v1.yaml"
    first.write_text(dump_yaml(bundle(parse_spec(minimal_data()))), "utf-8")
    lib.install(first)
    second = tmp_path / "v2.yaml"
    second.write_text(dump_yaml(bundle(parse_spec(minimal_data(version="0.2.0")))), "utf-8")
    with pytest.raises(SpecError, match="already installed"):
        lib.install(second)
    assert lib.install(second, replace=True).version == "0.2.0"


def test_a_broken_workspace_spec_is_reported_not_fatal(tmp_path: Path) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "broken.yaml").write_text(yaml.safe_dump(minimal_data(sql="DROP TABLE documents")), "utf-8")
    lib = Library(folder)
    assert EXAMPLE in lib.specs and "test.minimal" not in lib.specs
    assert len(lib.problems) == 1 and "DROP" in lib.problems[0]
