"""Keyed pseudonyms (issue 16 §4): HMAC-SHA-256 over the one normalisation of each identifier,
a compact upper-case form with the key id, key files that are refused when unsafe, rotation."""

from __future__ import annotations

import datetime as dt
import hmac
import json
import os
import random
from pathlib import Path

import pytest

from jiandu.privacy.pseudonyms import (
    KeyFileProblem,
    Pseudonymiser,
    PseudonymKey,
    PseudonymProblem,
    add_key,
    is_pseudonym,
    load_key_file,
    normalise,
    parse_pseudonym,
)
from jiandu.synth.ids import credit_code, resident_id

SECRET = bytes(range(32))
KEY = PseudonymKey("T1", dt.date(2026, 1, 5), SECRET)
ID18 = resident_id("330602", dt.date(1975, 3, 4), 11, True)
ID15 = ID18[:6] + ID18[8:17]  # the first-generation form of the same person (YYMMDD, no check)


@pytest.fixture()
def ps() -> Pseudonymiser:
    return Pseudonymiser(KEY)


def test_the_pseudonym_is_hmac_sha256_of_the_domain_and_normalised_value(ps: Pseudonymiser) -> None:
    expected = hmac.new(SECRET, f"I:{ID18}".encode(), "sha256").hexdigest()[:32].upper()
    assert ps.pseudonym("id_number", ID18) == f"P1:T1:I:{expected}"
    parsed = parse_pseudonym(ps.pseudonym("id_number", ID18))
    assert (parsed.key_id, parsed.domain) == ("T1", "I")
    assert ps.pseudonym("id_number", ID18) == ps.pseudonym("id_number", ID18).upper()  # SQL upper() keeps it


def test_15_and_18_digit_and_written_variants_meet(ps: Pseudonymiser) -> None:
    full_width = ID18.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    variants = [ID18, ID15, f" {ID18[:6]} {ID18[6:14]} {ID18[14:]} ", full_width, ID18.lower()]
    assert len({ps.pseudonym("id_number", v) for v in variants}) == 1
    # as a document number or a person-or-organisation key the same person meets too
    assert ps.pseudonym("document", ID15) == ps.pseudonym("key", ID18) == ps.pseudonym("id_number", ID18)


def test_a_masked_number_is_its_own_domain_and_never_equals_a_full_one(ps: Pseudonymiser) -> None:
    masked = ID18[:11] + "****" + ID18[15:]
    pseudonym = ps.pseudonym("id_number", masked)
    assert parse_pseudonym(pseudonym).domain == "M"
    assert pseudonym != ps.pseudonym("id_number", ID18)
    assert ps.pseudonym("id_number", masked.replace("****", "＊＊＊＊")) == pseudonym  # the same masked form
    # what the masked number still shows is kept for the derived columns
    normalised = normalise("id_number", masked)
    assert normalised.key is not None and normalised.key.birth_year == 1975 and normalised.birth_date is None


def test_phones_names_and_documents(ps: Pseudonymiser) -> None:
    mobile = {
        ps.pseudonym("phone", v)
        for v in ["13812345678", "+86 138 1234 5678", "0086-138-1234-5678", "138-1234-5678"]
    }
    assert len(mobile) == 1 and parse_pseudonym(mobile.pop()).domain == "T"
    assert ps.pseudonym("phone", "(0575)8812 3456") == ps.pseudonym("phone", "057588123456")
    assert (
        ps.pseudonym("name", " 张 三 ") == ps.pseudonym("name", "张三") == ps.pseudonym("name", "张\u3000三")
    )
    assert ps.pseudonym("name", "ＬＩ Ｍｉｎｇ") == ps.pseudonym("name", "LIMing")  # NFKC
    passport = ps.pseudonym("document", "e 1234 5678")
    assert passport == ps.pseudonym("document", "E12345678") and parse_pseudonym(passport).domain == "D"
    # domains are separated: the same characters as a name and as a passport differ
    assert ps.pseudonym("name", "E12345678") != passport


def test_organisation_codes_stay_as_they_are_in_key_columns(ps: Pseudonymiser) -> None:
    code = credit_code(random.Random(1), "330602")
    assert ps.pseudonym("key", code) == code
    with pytest.raises(PseudonymProblem):
        ps.pseudonym("id_number", code)


@pytest.mark.parametrize(
    ("kind", "value"),
    [("id_number", "330602197503041234"), ("id_number", "3.70828E+17"), ("phone", "12345"), ("name", "  ")],
)
def test_values_that_are_no_identifier_are_refused_without_echo(
    ps: Pseudonymiser, kind: str, value: str
) -> None:
    with pytest.raises(PseudonymProblem):
        ps.pseudonym(kind, value)
    with pytest.raises(PseudonymProblem) as caught:
        parse_pseudonym(ID18)
    assert ID18 not in str(caught.value)


def test_collisions_do_not_occur_over_a_county_of_numbers(ps: Pseudonymiser) -> None:
    numbers = {
        resident_id("330602", dt.date(1960, 1, 1) + dt.timedelta(days=d), s, True)
        for d in range(200)
        for s in range(50)
    }
    pseudonyms = {ps.pseudonym("id_number", n) for n in numbers}
    assert len(pseudonyms) == len(numbers) == 10_000
    assert all(is_pseudonym(p) for p in pseudonyms)


def test_key_files_are_refused_when_others_may_read_them(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    key = add_key(path, "K2026A", dt.date(2026, 1, 5))
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert load_key_file(path).current == key
    os.chmod(path, 0o644)
    with pytest.raises(KeyFileProblem, match="readable or writable by others"):
        load_key_file(path)
    os.chmod(path, 0o600)
    link = tmp_path / "link.json"
    link.symlink_to(path)
    with pytest.raises(KeyFileProblem, match="cannot open"):
        load_key_file(link)
    garbled = tmp_path / "garbled.json"
    garbled.write_text('{"keys": [{"id": "x"}]}')
    os.chmod(garbled, 0o600)
    with pytest.raises(KeyFileProblem, match="not a key file"):
        load_key_file(garbled)
    short = tmp_path / "short.json"
    short.write_text(json.dumps({"keys": [{"id": "S", "created": "2026-01-01", "secret": "00ff"}]}))
    os.chmod(short, 0o600)
    with pytest.raises(KeyFileProblem, match="at least 32 bytes"):
        load_key_file(short)


def test_the_secret_never_appears_in_messages_or_reprs(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    key = add_key(path, "K1")
    assert key.secret.hex() not in repr(key) and key.secret.hex() not in repr(load_key_file(path))
    os.chmod(path, 0o666)
    with pytest.raises(KeyFileProblem) as caught:
        load_key_file(path)
    assert key.secret.hex() not in str(caught.value)


def test_rotation_adds_a_key_and_old_pseudonyms_stay_verifiable(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    old = add_key(path, "K2025", dt.date(2025, 1, 1))
    new = add_key(path, "K2026", dt.date(2026, 1, 1))
    ring = load_key_file(path)
    assert ring.current == new and ring.get("K2025") == old
    with pytest.raises(KeyFileProblem, match="already has a key"):
        add_key(path, "K2026")
    a, b = Pseudonymiser(old).pseudonym("id_number", ID18), Pseudonymiser(new).pseudonym("id_number", ID18)
    assert a != b and a.split(":")[1] == "K2025" and b.split(":")[1] == "K2026"
    with pytest.raises(KeyFileProblem, match="no key"):
        ring.get("K2024")
