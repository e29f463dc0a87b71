"""hotels.minor_check_in on the planted hotel county, through the declared sources, on DuckDB
and Spark.

The pattern (jiandu/models/hotels/patterns/minors.py) plants one hotel per rule among honest
background hotels and writes the police exports (register, two overlapping half-year check-in
files in UTF-8 with BOM and GB18030, a correction file, visitors, 两问一报, police reports and the
families' household rows). Every planted hotel is pushed with its band, no other hotel is, and
the near misses stay out: minors with a parent, grandparent or adult brother; a room a man left
that morning; an 18-year-old and a masked number that cannot prove a minor; and the girl of 14
years and one day with a man is yellow, never red. Both engines give the same stays and clues.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from jiandu.engines.base import Engine
from jiandu.models.hotels.patterns import minors
from tests.models.hotels.support import hotel_county, ingest, run_hotels

# sha256 of hotel_minor_stays (hotel, stay, age, sex, rule, companions, 两问一报) and of the clues
# (hotel, band, score) as DuckDB builds them: Spark must build the very same
STAYS_DIGEST = "3bc3960d7e867216b26204a4bd3512849d3cad932666701f6c0d10912a1787cf"


def stays_digest(engine: Engine) -> tuple[int, str]:
    rows = engine.rows(
        "SELECT hotel_code, stay_id, age, sex, rule, band, companions_zh, checked, asked, reported, "
        "CAST(checkout_time AS VARCHAR) AS out, checkout_assumed, guest_masked_id "
        "FROM hotel_minor_stays ORDER BY hotel_code, stay_id"
    )
    text = "\n".join("|".join(str(v) for v in r.values()) for r in rows)
    return len(rows), hashlib.sha256(text.encode()).hexdigest()


def test_exports_look_like_the_police(tmp_path: Path) -> None:
    _, counts = hotel_county(tmp_path)
    assert set(counts) == {
        minors.HOTEL_FILE,
        minors.STAYS_H1,
        minors.STAYS_H2,
        minors.STAYS_FIX,
        minors.VISITS,
        minors.CHECKS,
        minors.REPORTS,
        minors.FAMILIES,
    }
    assert (tmp_path / minors.STAYS_H1).read_bytes().startswith("\ufeffZKLSH,XM,XB".encode())
    second = (tmp_path / minors.STAYS_H2).read_bytes().decode("gb18030")
    assert second.startswith("ZKLSH,XM,XB") and re.search(r",\d{11}\*{4}[\dX]{4},", second)
    assert counts[minors.STAYS_FIX] > 0


def test_planted_hotels_graded(engine: Engine, tmp_path: Path) -> None:
    instances, counts = hotel_county(tmp_path / "registers")
    report = ingest(engine, tmp_path / "registers", tmp_path / "quarantine")
    assert sum(report.quarantined.values()) == 0
    assert report.duplicates["hotel_stays"] > 0  # June is in both half-year files
    clues = run_hotels(engine)
    by_key = {c["subject"]["key"]: c for c in clues}
    positives = {i.subject.key: i.figures["band"] for i in instances if i.positive}
    # every planted hotel with its band, and nothing else (the background is honest)
    assert {k: c["band"] for k, c in by_key.items()} == positives
    assert not {i.subject.key for i in instances if not i.positive} & set(by_key)
    by_id = {i.instance_id.rsplit("-00-", 1)[1]: i.subject.key for i in instances}

    stays = {
        (r["hotel_code"], r["rule"], r["age"], r["sex"], r["id_kind"])
        for r in engine.rows("SELECT hotel_code, rule, age, sex, id_kind FROM hotel_minor_stays")
    }
    girl_14 = by_id["yellow-girl-14"]
    assert (girl_14, "yellow_adult", 14, "女", "ric") in stays  # 14 years and one day: not red
    assert (by_id["red-girl-male"], "red_girl_male", 13, "女", "ric") in stays
    assert (by_id["red-visitor"], "red_girl_male", 12, "女", "ric") in stays
    assert (by_id["yellow-alone"], "yellow_alone", 17, "男", "ric_masked") in stays
    assert (by_id["yellow-alone"], "yellow_alone", 16, "女", "passport") in stays
    guardians = {(r[1], r[2]) for r in stays if r[0] == by_id["nm-guardians"]}
    assert guardians == {("green_guardian", 13), ("green_guardian", 10), ("green_guardian", 12)}
    assert {r[1] for r in stays if r[0] == by_id["nm-no-overlap"]} == {"green_guardian"}
    kin = engine.rows(
        "SELECT age, companions_zh FROM hotel_minor_stays "
        f"WHERE hotel_code = '{by_id['nm-guardians']}' ORDER BY age"
    )
    assert [(r["age"], r["companions_zh"].split("，")[-1]) for r in kin] == [
        (10, "按姓名与可见位比对））"),  # 祖父母（证件号码脱敏，…: her number is masked
        (12, "成年兄弟姐妹）"),
        (13, "父母）"),
    ]
    assert kin[0]["companions_zh"].endswith("祖父母（证件号码脱敏，按姓名与可见位比对））")
    assert "祖父母" not in kin[2]["companions_zh"]
    assert not [r for r in stays if r[0] == by_id["nm-adults"]]
    lone = engine.rows(
        "SELECT companions_zh, checkout_assumed FROM hotel_minor_stays "
        f"WHERE hotel_code = '{by_id['nm-no-overlap']}'"
    )
    assert [r["companions_zh"].count("同住") for r in lone] == [1]  # her mother only
    visited = engine.rows(
        "SELECT visitors, checkout_assumed FROM hotel_minor_stays "
        f"WHERE hotel_code = '{by_id['red-visitor']}'"
    )
    assert visited == [{"visitors": 1, "checkout_assumed": True}]

    # the explanation names no child; evidence keeps the masked ID number only
    names = set()
    for inst in instances:
        for row in inst.rows["plan"][0]["plan"].stays:
            names.add(row["XM"])
    full_ids = {
        row["ZJHM"]
        for inst in instances
        for row in inst.rows["plan"][0]["plan"].stays
        if "*" not in row["ZJHM"]
    }
    for clue in clues:
        assert not [n for n in names if n in clue["explanation"]], clue["explanation"]
        for item in clue["evidence"]:
            assert not [k for k in full_ids if k in item["text"]], item["text"]
            assert not [n for n in names if n in item["text"]], item["text"]
    red = by_key[by_id["red-girl-male"]]
    assert "不满十四周岁女童与非监护人男性同住或被探访1人次" in red["explanation"]
    assert "向公安机关制发检察建议" in red["explanation"]
    assert "未询问监护人联系方式或身份关系1人次" in red["explanation"]
    stays = [e for e in red["evidence"] if e["source"] == "hotel_minor_stays"]
    assert len(stays) == 1 and "两问一报：未询问监护人联系方式或身份关系，未报告" in stays[0]["text"]
    # the hotel's registered address, from which the clue finds its procuratorate
    (address,) = [e for e in red["evidence"] if e["source"] == "hotels"]
    assert address["label"] == "旅馆登记" and address["text"].startswith("地址：")
    incident = by_key[by_id["red-incident"]]
    assert "醉酒或受伤警情1人次" in incident["explanation"]
    assert len([e for e in incident["evidence"] if e["source"] == "hotel_minor_stays"]) == 3

    # the district roll-up for governance
    districts = {r["district"]: r for r in engine.rows("SELECT * FROM hotel_minor_districts")}
    assert sum(r["hotels"] for r in districts.values()) == counts[minors.HOTEL_FILE]
    assert sum(r["hotels_flagged"] for r in districts.values()) == len(positives)
    assert sum(r["red_stays"] for r in districts.values()) == 3
    assert sum(r["girl_male_stays"] for r in districts.values()) == 2

    assert stays_digest(engine) == (20, STAYS_DIGEST)
    # red from 85 and yellow from 60, each up by its violating stays (full at 5)
    scores = {name: by_key[key]["score"] for name, key in by_id.items() if key in by_key}
    assert scores == {
        "red-incident": pytest.approx(94.0),
        "red-girl-male": pytest.approx(88.0),
        "red-visitor": pytest.approx(88.0),
        "yellow-alone": pytest.approx(68.0),
        "yellow-peers": pytest.approx(68.0),
        "yellow-adult": pytest.approx(68.0),
        "yellow-girl-14": pytest.approx(64.0),
    }
