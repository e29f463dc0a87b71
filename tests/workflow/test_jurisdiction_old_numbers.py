"""Where a clue belongs when its case numbers are old style: the court's name decides, never the
character after the year (萧 is 萧山, 赣 is 赣县, 新 is not Xinjiang). New-style numbers keep
resolving by their court code. Checked on the five real judgments and on 新, 赣 and 京."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from jiandu.documents import parse_document
from jiandu.engines import open_engine
from jiandu.models.clues import load_clues
from jiandu.schema import table
from jiandu.schema.derived import derived_table
from jiandu.workflow import Store, install_defaults, sync_clues
from jiandu.workflow.jurisdictions import Resolver, court_code, court_place
from jiandu.workflow.tables import Clue, Jurisdiction, RegionAlias
from tests.paths import CIVIL_FULL

XIAOSHAN = "（2009）萧民二初字第33号"

# procuratorates of the courts of the real judgments (six-digit division codes), plus Xinjiang
# and Beijing so that a wrong reading of 新 or 京 would have somewhere to land
EXTRA = (
    ("330100", "浙江省杭州市人民检察院", "city", "330000"),
    ("330109", "杭州市萧山区人民检察院", "county", "330100"),
    ("360000", "江西省人民检察院", "province", None),
    ("360700", "江西省赣州市人民检察院", "city", "360000"),
    ("360704", "赣州市赣县区人民检察院", "county", "360700"),
    ("360400", "江西省九江市人民检察院", "city", "360000"),
    ("360429", "湖口县人民检察院", "county", "360400"),
    ("620000", "甘肃省人民检察院", "province", None),
    ("621000", "甘肃省庆阳市人民检察院", "city", "620000"),
    ("621021", "庆城县人民检察院", "county", "621000"),
    ("340000", "安徽省人民检察院", "province", None),
    ("340100", "安徽省合肥市人民检察院", "city", "340000"),
    ("340111", "合肥市包河区人民检察院", "county", "340100"),
    ("650000", "新疆维吾尔自治区人民检察院", "province", None),
    ("110000", "北京市人民检察院", "province", None),
)


def _tree(store: Store, *, ganxian_alias: bool = True) -> None:
    with store.write() as s:
        install_defaults(s)
        for code, name, level, parent in EXTRA:
            s.add(Jurisdiction(code=code, name=name, level=level, parent_code=parent))
            s.flush()
        if ganxian_alias:  # 赣县 became 赣州市赣县区 in 2017; its court kept writing 赣县 before
            s.add(RegionAlias(alias="赣县", jurisdiction_code="360704"))


@pytest.fixture(scope="module")
def civil_full() -> dict[str, str]:
    """The five real judgments by place (xiaoshan, ganxian, ...)."""
    if not CIVIL_FULL.is_dir():
        pytest.skip(f"real data not available: {CIVIL_FULL} (set JIANDU_REAL_DATA to the folder)")
    return {p.name.split("_")[0]: p.read_text(encoding="utf-8") for p in sorted(CIVIL_FULL.glob("*.txt"))}


@pytest.fixture
def resolver(store: Store) -> Resolver:
    _tree(store)
    with store.read() as s:
        return Resolver(s)


# (document, jurisdiction, court code of the number or of the courts table)
REAL = {
    "xiaoshan": ("330109", None),  # （2009）萧民二初字第33号, 杭州市萧山区人民法院
    "qingcheng": ("621021", None),  # （2014）庆城民初字第833号, 甘肃省庆城县人民法院
    "ganxian": ("360704", None),  # （2015）赣民二初字第87号, 江西省赣县人民法院 (alias 赣县)
    "baohe": ("340111", "皖0111"),  # （2016）皖0111民初3584号
    "hukou": ("360429", "赣0429"),  # （2018）赣0429民初914号
}


@pytest.mark.parametrize("doc", sorted(REAL))
def test_real_judgments_land_where_their_court_is(
    civil_full: dict[str, str], resolver: Resolver, doc: str
) -> None:
    record = parse_document(civil_full[doc])
    assert resolver.for_case(record.case_number, record.court) == REAL[doc]


def test_old_numbers_without_a_court_name_resolve_nowhere(
    civil_full: dict[str, str], resolver: Resolver
) -> None:
    for doc in ("xiaoshan", "qingcheng", "ganxian"):
        number = parse_document(civil_full[doc]).case_number
        assert court_code(number) is None
        assert resolver.for_case(number, None) == (None, None)  # not 浙/赣/甘 from the abbreviation


def test_without_the_alias_ganxian_falls_back_to_its_province_by_name(store: Store) -> None:
    _tree(store, ganxian_alias=False)
    with store.read() as s:
        r = Resolver(s)
    # 江西省赣县 is not the name of any procuratorate here (now 赣县区): the largest unit it starts with
    assert r.for_case("（2015）赣民二初字第87号", "江西省赣县人民法院") == ("360000", None)
    assert r.for_case("（2015）赣民二初字第87号", "赣县人民法院") == (None, None)


@pytest.mark.parametrize(
    ("number", "court", "expected"),
    [
        # 新: 新昌 wrote 新 / 绍新 in old numbers; 新 is Xinjiang only in new ones
        ("（2015）新民初字第5号", "浙江省新昌县人民法院", ("330624", "浙0624")),
        ("（2013）绍新民初字第1187号", "新昌县人民法院", ("330624", "浙0624")),
        ("（2015）新民初字第5号", None, (None, None)),
        ("（2017）新0102民初5号", None, ("650000", "新0102")),  # 650102 walks up to the province
        # 赣: 赣县 in old numbers, the Jiangxi high court in new ones
        ("（2015）赣民二初字第87号", "江西省赣县人民法院", ("360704", None)),
        ("（2015）赣民二初字第87号", None, (None, None)),
        ("（2018）赣民终100号", None, ("360000", "赣")),
        # 京: an old abbreviation says nothing; the name does
        ("（2012）京民初字第1号", "北京市朝阳区人民法院", ("110000", None)),
        ("（2012）京民初字第1号", "浙江省绍兴市越城区人民法院", ("330602", "浙0602")),
        ("（2012）京民初字第1号", None, (None, None)),
        ("（2019）京民终1号", None, ("110000", "京")),
        # courts of the courts table, written with or without the province
        ("（2015）绍越商初字第123号", "绍兴市越城区人民法院", ("330602", "浙0602")),
        ("（2015）绍越商初字第123号", "浙江省绍兴市中级人民法院", ("330600", "浙06")),
        # the new form before 2016 fits neither style: the name decides
        ("（2014）浙0602民初5号", "浙江省绍兴市柯桥区人民法院", ("330603", "浙0603")),
        # a new-style code wins over the name (here its division code, walking up to the city)
        ("（2019）浙0699民初1号", "浙江省嵊州市人民法院", ("330600", "浙0699")),
        # nowhere in the tree
        ("（2014）中民初字第5号", "河南省郑州市中原区人民法院", (None, None)),
        ("（2014）杭铁民初字第5号", "杭州铁路运输法院", (None, None)),
    ],
)
def test_ambiguous_characters(
    resolver: Resolver, number: str, court: str | None, expected: tuple[str | None, str | None]
) -> None:
    assert resolver.for_case(number, court) == expected


def test_court_place() -> None:
    assert court_place("浙江省绍兴市中级人民法院") == "浙江省绍兴市"
    assert court_place("杭州市萧山区人民法院") == "杭州市萧山区"
    assert court_place("浙江省高级人民法院") == "浙江省"
    assert court_place("宁波海事法院") is None and court_place(None) is None


def _clue(n: int, evidence: list[tuple[str, str | None]], region: str = "zhejiang") -> dict[str, Any]:
    return {
        "clue_id": f"o{n:031d}",
        "model_id": "civil.routine_loan_signs",
        "model_version": "1.1.0",
        "subject": {"type": "case", "key": f"case:{evidence[0][0]}", "name": evidence[0][0]},
        "score": 60.0,
        "band": "yellow",
        "explanation": "测试",
        "evidence": [
            {
                "kind": "document",
                "source": "cases",
                "doc_id": f"d{n}{i}",
                "case_number": number,
                "court": court,
            }
            for i, (number, court) in enumerate(evidence)
        ],
        "run_id": "run-1",
        "region": region,
    }


def test_synced_clues_take_the_jurisdiction_of_their_court(store: Store) -> None:
    _tree(store)
    clues = [
        _clue(1, [("（2009）萧民二初字第33号", "杭州市萧山区人民法院")]),
        _clue(2, [("（2015）赣民二初字第87号", None)]),  # no name: the run's region, not Jiangxi
        _clue(3, [("（2015）新民初字第5号", "浙江省新昌县人民法院"), ("（2017）新0102民初5号", None)]),
        _clue(
            4,
            [("（2015）绍越商初字第123号", "浙江省绍兴市越城区人民法院")] * 2
            + [("（2018）赣0429民初914号", None)],
        ),
    ]
    with store.write() as s:
        sync_clues(s, clues)
    with store.read() as s:
        got = {c.clue_id: (c.jurisdiction_code, c.court) for c in s.execute(select(Clue)).scalars()}
    assert got[clues[0]["clue_id"]] == ("330109", None)
    assert got[clues[1]["clue_id"]] == ("330000", None)
    # one case each in 新昌 and Xinjiang: the tie goes to the smaller code, the court is the code read
    assert got[clues[2]["clue_id"]] == ("330624", "新0102")
    assert got[clues[3]["clue_id"]] == ("330602", "浙0602")


def test_exported_clues_name_the_court_of_each_document(tmp_path: Path) -> None:
    engine = open_engine("duckdb", tmp_path / "ws")
    try:
        engine.ensure_tables([table("cases"), derived_table("clues"), derived_table("clue_evidence")])
        engine.append("cases", table("cases").to_arrow([
            {"doc_id": "d1", "case_number": XIAOSHAN, "case_year": 2009, "court": "杭州市萧山区人民法院"},
        ]))  # fmt: skip
        engine.append("clues", derived_table("clues").to_arrow([
            {"clue_id": "c1", "model_id": "m", "model_version": "1.0.0", "subject_type": "case",
             "subject_key": "case:x", "subject_name": "x", "score": 50.0, "band": "yellow",
             "explanation": "", "features": "{}", "evidence_count": 2},
        ]))  # fmt: skip
        engine.append("clue_evidence", derived_table("clue_evidence").to_arrow([
            {"clue_id": "c1", "evidence_idx": 0, "kind": "document", "source": "cases", "doc_id": "d1",
             "case_number": XIAOSHAN, "text": "萧山", "label": "案件"},
            {"clue_id": "c1", "evidence_idx": 1, "kind": "row", "source": "registers", "text": "登记"},
        ]))  # fmt: skip
        (clue,) = load_clues(engine)
        assert [e["court"] for e in clue["evidence"]] == ["杭州市萧山区人民法院", None]
    finally:
        engine.close()
