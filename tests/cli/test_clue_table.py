"""`jiandu clues list` fits the terminal: one line per clue, Chinese names, truncation with an
ellipsis measured in cells (CJK characters are two cells wide), full data in the exports."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from jiandu.cli.clues_cmd import COLUMNS, clue_table, column_widths, overhead
from jiandu.cli.context import console
from jiandu.cli.main import app
from jiandu.models.library import Library
from jiandu.models.spec import BAND_ZH
from jiandu.schema.derived import derived_table
from jiandu.workflow.lifecycle import STATUS_NAMES_ZH, Status
from jiandu.workspace import Workspace

runner = CliRunner()
# made-up subjects, long enough to need truncation at any width
SUBJECTS = (
    "浙江省绍兴市越城区城南街道某某建筑劳务分包有限责任公司第三项目部",
    "欧阳某某",
    "杭州某某网络科技有限公司绍兴分公司（原绍兴某某信息咨询服务部）",
    "司马某",
    "宁波某某融资担保股份有限公司与其关联的某某小额贷款有限公司",
)
BANDS = ("red", "yellow", "green", "red", "yellow")


def _models() -> list[tuple[str, str]]:
    specs = Library().specs
    return [(model_id, specs[model_id].spec.name_zh) for model_id in sorted(specs)[:2]]


def _clue(i: int, model_id: str, subject: str, band: str) -> dict[str, object]:
    return {
        "clue_id": f"{i:02d}c0ffee{'ab' * 28}"[:64],
        "model_id": model_id,
        "model_version": "1.0.0",
        "subject_type": "party",
        "subject_key": f"name:{subject}",
        "subject_name": subject,
        "score": 90.0 - 7 * i,
        "band": band,
        "explanation": f"该主体在两年内作为原告提起民间借贷诉讼{10 + i}件，其中多数以撤诉结案，"
        "另有多件缺席审理，需进一步核查是否存在虚假诉讼。\n评分依据：起诉件数。",
        "features": "{}",
        "evidence_count": 12 + i,
        "region": None,
        "run_id": "run-test",
        "first_run_id": "run-test",
    }


def _add_clues(root: Path, rows: list[dict[str, object]]) -> None:
    engine = Workspace(root).open_engine()
    try:
        schema = derived_table("clues")
        engine.ensure_tables([schema, derived_table("clue_evidence")])
        engine.append("clues", schema.conform(pa.Table.from_pylist(rows)))
    finally:
        engine.close()


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Five clues with long Chinese subjects, synced into the workflow store; then a sixth one
    that is not synced yet."""
    monkeypatch.delenv("JIANDU_WORKFLOW_URL", raising=False)
    monkeypatch.delenv("JIANDU_PROGRESS", raising=False)
    ws = Workspace(tmp_path / "ws")
    ws.init("duckdb")
    models = _models()
    _add_clues(
        ws.root,
        [_clue(i, models[i % 2][0], s, b) for i, (s, b) in enumerate(zip(SUBJECTS, BANDS, strict=True))],
    )
    result = runner.invoke(app, ["--workspace", str(ws.root), "clues", "sync"])
    assert result.exit_code == 0, result.output
    _add_clues(ws.root, [_clue(5, models[0][0], "诸葛某某某某某某某某某某某某某某某某某", "green")])
    return ws.root


@pytest.fixture
def columns_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shared console reads COLUMNS at every print unless a width was fixed when it was made
    (COLUMNS set when the module was imported); forget such a width for this test."""
    monkeypatch.setattr(console, "_width", None)


def _list(root: Path, columns: int) -> str:
    result = runner.invoke(
        app, ["--workspace", str(root), "clues", "list"], env={"COLUMNS": str(columns)}
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def _clue_lines(out: str) -> dict[str, str]:
    """The line of each clue, by the clue's ordinal; fails when a clue spans several lines."""
    lines = out.splitlines()
    found = {}
    for n in range(1, 7):
        mine = [line for line in lines if line.split()[:1] == [str(n)]]
        assert len(mine) == 1, (n, out)
        found[str(n)] = mine[0]
    return found


@pytest.mark.parametrize("columns", [80, 120])
def test_clues_list_fits_the_terminal(
    workspace: Path, columns_from_environment: None, columns: int
) -> None:
    out = _list(workspace, columns)
    widths = [cell_len(line) for line in out.splitlines()]
    assert max(widths) <= columns, out
    assert max(widths) >= columns - 2  # and uses the width it has
    lines = _clue_lines(out)
    assert "…" in lines["1"] and "…" in lines["3"]  # long subjects end in an ellipsis
    assert "欧阳某某" in lines["2"] and "司马某" in lines["4"]  # short ones are whole
    for n, band in zip("12345", BANDS, strict=True):
        assert BAND_ZH[band] in lines[n]
    for code in ("red", "yellow", "green"):
        assert code not in out
    models = _models()
    for model_id, _name in models:
        assert model_id not in out
    assert models[0][1][:3] in lines["1"] and models[1][1][:3] in lines["2"]
    new = STATUS_NAMES_ZH[Status.NEW]
    assert all(new in lines[n] for n in "12345")
    assert new not in lines["6"] and "未同步" in lines["6"]


def test_wider_terminals_show_more(workspace: Path, columns_from_environment: None) -> None:
    narrow, wide = _list(workspace, 80), _list(workspace, 120)
    assert "说明" not in narrow and "说明" in wide  # the explanation needs the room

    def subject_shown(line: str) -> int:
        return max(
            len(part.rstrip("…").strip()) for part in line.split("  ") if part.startswith("浙江省")
        )

    assert subject_shown(_clue_lines(wide)["1"]) > subject_shown(_clue_lines(narrow)["1"])
    assert "两年内" in _clue_lines(wide)["1"]


def test_exports_keep_the_full_texts(workspace: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["--workspace", str(workspace), "clues", "export"], env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0, result.output
    clues = [json.loads(line) for line in result.stdout.splitlines()]
    assert {c["subject"]["name"] for c in clues} >= set(SUBJECTS)
    assert all("\n评分依据" in c["explanation"] for c in clues)
    target = tmp_path / "out" / "clues.csv"
    result = runner.invoke(
        app, ["--workspace", str(workspace), "clues", "export", "-f", "csv", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8"))))
    assert {r["subject_name"] for r in rows} >= set(SUBJECTS)
    assert "6" in result.stderr and result.stdout == ""


def test_clues_show_names_model_band_and_status(workspace: Path) -> None:
    result = runner.invoke(app, ["--workspace", str(workspace), "clues", "show", "00c0ffee"])
    assert result.exit_code == 0, result.output
    assert _models()[0][1] in result.stdout
    assert BAND_ZH["red"] in result.stdout and STATUS_NAMES_ZH[Status.NEW] in result.stdout


@pytest.mark.parametrize("width", [60, 80, 100, 120, 160, 240])
def test_the_table_never_exceeds_the_width(width: int) -> None:
    models = _models()
    clues = [
        {
            "clue_id": f"{i:02d}{'f' * 62}",
            "model_id": models[0][0],
            "subject": {"type": "party", "key": "k", "name": subject},
            "score": 100.0 - i,
            "band": BANDS[i],
            "evidence_count": 1000 + i,
            "explanation": "长" * (40 + 9 * i),
        }
        for i, subject in enumerate(SUBJECTS)
    ]
    statuses = {str(clues[0]["clue_id"]): "suggestion_issued", str(clues[1]["clue_id"]): "new"}
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None).print(
        clue_table(clues, "监督线索", width=width, model_names=dict(models), statuses=statuses)
    )
    lines = buffer.getvalue().splitlines()
    assert max(cell_len(line) for line in lines) <= width
    assert len(lines) == 3 + len(clues)  # title, headings, rule, one line per clue
    assert "#" in lines[1] and "风险分" in lines[1] and "证据" in lines[1]


def test_column_widths_add_up() -> None:
    natural = {c.heading: 60 for c in COLUMNS} | {"#": 2, "编号": 8, "风险分": 6, "等级": 4, "证据": 4}
    for width in range(60, 300, 7):
        widths = column_widths(COLUMNS, natural, width)
        assert sum(widths.values()) + overhead(len(widths)) <= width
        assert ("说明" in widths) == (width >= 24 + 3 * 6 + 24 + overhead(9))


@settings(max_examples=60, deadline=None)
@given(
    width=st.integers(min_value=60, max_value=260),
    subjects=st.lists(
        st.text(alphabet=st.sampled_from("张王李某有限公司（）·ABCxyz 0123浙绍兴，"), max_size=60),
        min_size=1,
        max_size=6,
    ),
    model_name=st.text(alphabet=st.sampled_from("虚假诉讼民间借贷模型ABC-"), min_size=1, max_size=40),
)
def test_any_texts_fit_on_one_line_each(width: int, subjects: list[str], model_name: str) -> None:
    clues = [
        {
            "clue_id": f"{i:04x}{'e' * 60}",
            "model_id": "m",
            "subject": {"type": "party", "key": f"k{i}", "name": subject or None},
            "score": 55.5,
            "band": "yellow",
            "evidence_count": 3,
            "explanation": subject * 3,
        }
        for i, subject in enumerate(subjects)
    ]
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None).print(
        clue_table(clues, "监督线索", width=width, model_names={"m": model_name}, statuses={})
    )
    lines = buffer.getvalue().splitlines()
    assert max(cell_len(line) for line in lines) <= width
    assert len(lines) == 3 + len(clues)
