from __future__ import annotations

import datetime as dt
import random

from stdnum.cn import ric, uscc

from jiandu.synth.county import County
from jiandu.synth.ids import credit_code, resident_id


def _region_in_use(number: str) -> bool:
    try:
        ric.get_birth_place(number)
    except Exception:
        return False
    return True


def test_resident_id_checksum_birth_and_sex() -> None:
    n = resident_id("330602", dt.date(1988, 5, 17), 12, male=True)
    assert ric.validate(n) == n
    assert ric.get_birth_date(n) == dt.date(1988, 5, 17)
    assert int(n[16]) % 2 == 1
    f = resident_id("330602", dt.date(1990, 1, 2), 12, male=False)
    assert int(f[16]) % 2 == 0 and ric.is_valid(f)


def test_population_ids_valid_and_unique() -> None:
    c = County(5, 4000)
    keys = [p.key for p in c.pop.people]
    assert len(keys) == len(set(keys))
    full = 0
    for p in c.pop.people:
        # hard checks: checksum, birth date, sex digit
        assert ric.calc_check_digit(p.key) == p.key[-1]
        assert ric.get_birth_date(p.key) == p.birth
        assert int(p.key[16]) % 2 == (1 if p.male else 0)
        # region is a hint (stdnum dates region codes); where stdnum knows the code in use for
        # the birth year the whole number must validate
        if _region_in_use(p.key):
            assert ric.is_valid(p.key), p.key
            full += 1
    assert full > len(keys) * 0.3


def test_credit_codes_valid() -> None:
    rng = random.Random(3)
    for new_style in (True, False):
        for _ in range(200):
            code = credit_code(rng, "330602", "91", new_style)
            assert uscc.validate(code) == code
    c = County(5, 4000)
    codes = [o.key for o in c.orgs.all]
    assert len(codes) == len(set(codes))
    assert all(uscc.is_valid(k) for k in codes)
    assert all(uscc.is_valid(o.key) for o in c.orgs.banks + c.orgs.insurers)
