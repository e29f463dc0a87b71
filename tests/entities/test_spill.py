"""Entity resolution with the mention table in a file and row numbers as Splink's ids (issue 17:
memory at a million documents): the same tables as with the table in memory and string ids."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from jiandu.engines import Engine
from jiandu.entities import ResolutionSettings, resolve
from jiandu.entities.mentions import build_mentions
from jiandu.entities.model import SPLINK_COLUMNS
from jiandu.entities.scoring import _groups, _score_duckdb, splink_input
from jiandu.entities.spill import MentionFile
from jiandu.entities.training import reference_model
from jiandu.memory import release_memory
from jiandu.schema.derived import derived_table

from .helpers import load_parties, party

KEQIAO = "浙江省绍兴市柯桥区"


def _people() -> list[dict[str, object]]:
    rows = []
    for doc in range(6):
        rows.append(party(f"d{doc}", 0, "张伟", gender="男", birth_date="1980-01-01",
                          ethnicity="汉族", address=KEQIAO + "华舍街道1号"))
        rows.append(party(f"d{doc}", 1, "张某" if doc % 2 else "李娜", gender="女",
                          birth_date=f"198{doc % 3}-02-0{doc % 2 + 1}", address=KEQIAO))
        rows.append(party(f"d{doc}", 2, "绍兴汇通贸易有限公司", kind="organization"))
    return rows


def test_mention_file_gives_back_columns_and_slices(tmp_path: Path) -> None:
    table = pa.table({"id": [f"m{i}" for i in range(7)], "n": pa.array(range(7), pa.int32()),
                      "d": pa.array([None, "a", "b", None, "a", "c", ""], pa.string())})
    mentions = MentionFile.write(table, tmp_path / "m.parquet")
    try:
        assert mentions.num_rows == 7
        assert mentions.read(["d", "id"]).equals(table.select(["d", "id"]))
        assert mentions.column("n").equals(table.column("n").combine_chunks())
        parts = list(mentions.slices(3))
        assert [p.num_rows for p in parts] == [3, 3, 1]
        assert pa.concat_tables(parts).equals(table)
    finally:
        mentions.close()
    release_memory()  # callable anywhere; frees nothing that is in use
    assert table.num_rows == 7


def test_resolve_writes_the_mentions_as_built_and_removes_its_file(
        duck: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    load_parties(duck, _people())
    resolve(duck)
    assert [p.name for p in scratch.iterdir() if p.name.startswith("jiandu-er-")] == []
    schema = derived_table("entity_mentions")
    built = schema.conform(build_mentions(duck)).drop_columns(["entity_id"])
    stored = schema.conform(duck.query("SELECT * FROM entity_mentions ORDER BY mention_id"))
    assert stored.drop_columns(["entity_id"]).to_pylist() == built.to_pylist()
    assert stored.column("entity_id").null_count == 0


def test_splink_scores_rows_as_it_scores_mention_ids(duck: Engine) -> None:
    """Rows are in mention-id order, so row numbers as ``unique_id`` give the same pairs (the
    smaller id on the left) and the same scores as the mention ids."""
    load_parties(duck, _people())
    mentions = build_mentions(duck)
    assert mentions.column("mention_id").to_pylist() == sorted(
        mentions.column("mention_id").to_pylist())
    persons = splink_input(mentions)
    settings = ResolutionSettings(store_threshold=0.01)
    weights = reference_model()
    by_id = _score_duckdb(persons, weights, settings)
    rows = pc.indices_nonzero(pc.equal(mentions.column("kind"), "person")).cast(pa.int64())
    by_row = _score_duckdb(persons.set_column(0, "unique_id", rows), weights, settings)
    assert by_id.num_rows > 5
    ids = mentions.column("mention_id")
    mapped = by_row.set_column(0, "unique_id_l", ids.take(by_row.column("unique_id_l")))
    mapped = mapped.set_column(1, "unique_id_r", ids.take(by_row.column("unique_id_r")))
    order = [("unique_id_l", "ascending"), ("unique_id_r", "ascending")]
    by_id = by_id.sort_by(order)
    mapped = mapped.sort_by(order)
    assert mapped.column_names == by_id.column_names
    for name in by_id.column_names:
        assert mapped.column(name).to_pylist() == by_id.column(name).to_pylist(), name


def _groups_by_text(persons: pa.Table) -> npt.NDArray[np.int64]:
    """The group of each row as `_groups` numbered them before (one joined string per row)."""
    signature = [c for c in SPLINK_COLUMNS if c != "unique_id"]
    text = [pc.cast(persons.column(c), pa.string()) for c in signature]
    joined = pc.binary_join_element_wise(*text, "\x1f", null_handling="replace",
                                         null_replacement="\x00")
    return np.asarray(joined.combine_chunks().dictionary_encode().indices.to_numpy(), np.int64)


def test_groups_of_identical_records_are_numbered_as_before() -> None:
    rng = random.Random(7)
    rows = [{
        "unique_id": f"m{i:05d}",
        "full_name": rng.choice(["张伟", "李娜", None]),
        "normalized_name": rng.choice(["张伟", "李娜", "张某"]),
        "masked": rng.choice([True, False, None]),
        "surname": rng.choice(["张", "李", None]),
        "first_char": rng.choice(["张", "李"]),
        "sex": rng.choice(["男", "女", None]),
        "birth_date": rng.choice([dt.date(1980, 1, 1), dt.date(1981, 2, 3), None]),
        "birth_year": rng.choice([1980, 1981, None]),
        "address": rng.choice(["柯桥区华舍街道1号", None]),
        "district": rng.choice(["柯桥区", "越城区", None]),
        "ethnicity": rng.choice(["汉族", None]),
        "id_key": rng.choice([None, None, "k1", "k2"]),
    } for i in range(3000)]
    persons = pa.Table.from_pylist(rows).cast(pa.schema(
        [(c, pa.date32() if c == "birth_date" else pa.int32() if c == "birth_year"
          else pa.bool_() if c == "masked" else pa.string()) for c in SPLINK_COLUMNS]))
    groups = _groups(persons)
    expected = _groups_by_text(persons)
    assert 100 < len(groups.sizes) < 3000
    assert np.array_equal(groups.group, expected)
    assert np.array_equal(groups.sizes, np.bincount(expected))
    assert np.array_equal(groups.first, np.unique(expected, return_index=True)[1])
