"""How the hotel operator reads a guest: age at check-in from 18- and 15-digit ID numbers, masked
numbers (the birth year only proves a minor when even the latest birthday leaves the guest under
18), passports (the exported birth date); room numbers; masks; the per-band evaluation."""

from __future__ import annotations

import datetime as dt

from jiandu.documents.masked_names import is_masked_name
from jiandu.inputs.identifiers import upgrade_15
from jiandu.models.evaluate import TruthInstance
from jiandu.models.hotels.bands import band_figures
from jiandu.models.hotels.operators.minor_stays import age_at, mask_name, person_of, room_key
from jiandu.synth.ids import resident_id

CHECKIN = dt.datetime(2024, 5, 20, 21, 0)


def test_age_from_an_18_digit_number_on_the_check_in_day() -> None:
    born = dt.date(2010, 5, 21)  # 14 the next day
    p = person_of("王芳", "居民身份证", resident_id("330602", born, 12, False), "2", None)
    assert p.kind == "ric" and p.sex == "女" and p.age(CHECKIN) == (13, True)
    assert p.masked_id.startswith("330602") and "20100521" not in p.masked_id
    day_after = person_of(
        "王芳", "居民身份证", resident_id("330602", dt.date(2010, 5, 19), 12, False), "", None
    )
    assert day_after.age(CHECKIN) == (14, True)
    assert age_at(dt.date(2006, 2, 28), dt.date(2024, 2, 28)) == 18


def test_15_digit_number_is_upgraded() -> None:
    old = "330602" + "070601" + "123"  # YYMMDD: 2007 is not a 15-digit birth year
    p = person_of("李某某", "居民身份证", old, None, None)
    assert p.kind == "ric15" and p.key == upgrade_15(old)
    assert p.birth == dt.date(1907, 6, 1) and p.sex == "男"


def test_masked_number_proves_a_minor_only_by_its_year() -> None:
    full = resident_id("330602", dt.date(2007, 3, 9), 40, True)
    masked = full[:11] + "****" + full[-4:]
    p = person_of("张三", "居民身份证", masked, "1", None)
    assert p.kind == "ric_masked" and p.key is None and p.masked_id == masked
    assert p.age(CHECKIN) == (16, True)  # born in 2007: 16 or 17 on 2024-05-20, a minor either way
    year_18 = resident_id("330602", dt.date(2006, 1, 15), 40, True)
    unsure = person_of("张三", "居民身份证", year_18[:11] + "****" + year_18[-4:], "1", None)
    assert unsure.age(CHECKIN) == (17, False)  # 17 or 18: not provably a minor
    # with the exported birth date the age is exact
    dated = person_of("张三", "居民身份证", year_18[:11] + "****" + year_18[-4:], "1", dt.date(2006, 12, 20))
    assert dated.age(CHECKIN) == (17, True)


def test_passport_age_from_the_birth_date() -> None:
    p = person_of("SMITH/ANNA", "护照", "E12345678", "2", dt.date(2008, 1, 2))
    assert p.kind == "passport" and p.age(CHECKIN) == (16, True) and p.sex == "女"
    assert p.masked_id == "E1*****78"
    assert person_of("SMITH/ANNA", "护照", "E12345678", "2", None).age(CHECKIN) == (None, False)


def test_rooms_and_masks() -> None:
    assert room_key("0812") == room_key("812") == room_key("8-12") == "812"
    assert room_key(" A座 ") == "A座"
    assert mask_name("王小芳") == "王某" and is_masked_name(mask_name("王小芳"))


def _t(key: str, positive: bool, strength: str) -> TruthInstance:
    return TruthInstance("hotel_minors", key, key, key, positive, strength, models=("hotels.minor_check_in",))


def _c(key: str, band: str) -> dict[str, object]:
    return {"model_id": "hotels.minor_check_in", "subject": {"key": key}, "band": band}


def test_band_figures() -> None:
    truth = [
        _t("r1", True, "strong"),
        _t("r2", True, "strong"),
        _t("y1", True, "medium"),
        _t("n1", False, "near_miss"),
    ]
    clues = [_c("r1", "red"), _c("r2", "yellow"), _c("y1", "yellow"), _c("x", "yellow")]
    red, yellow, near = band_figures(clues, truth)
    assert (red["found"], red["planted"], red["true_clues"], red["clues"]) == (1, 2, 1, 1)
    assert (yellow["found"], yellow["planted"], yellow["true_clues"], yellow["clues"]) == (1, 1, 1, 3)
    assert near == {"band": "near_miss", "planted": 1, "flagged": 0}
