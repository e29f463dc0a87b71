"""Entity resolution on small hand-made stores (DuckDB; clustering is engine-independent Python
after scoring, and test_engines.py checks that both engines give the same tables)."""

from __future__ import annotations

import datetime as dt

import pytest

from jiandu.engines import Engine
from jiandu.entities import ResolutionSettings, record_judgement, resolve
from jiandu.entities.rules import masked_link_allowed

from .helpers import entity_of, load, load_parties, make_id, party, same

ZHANG_ID = make_id("330603", "19800101", "013")
KEQIAO = "浙江省绍兴市柯桥区"
YUECHENG = "浙江省绍兴市越城区"


def _zhang(doc: str, idx: int, name: str = "张某", birth: str = "1980-01-01", sex: str = "男",
           address: str = KEQIAO, **fields: object) -> dict[str, object]:
    return party(doc, idx, name, gender=sex, birth_date=birth, ethnicity="汉族", address=address,
                 **fields)


def test_exact_links_on_id_numbers_and_org_names(duck: Engine) -> None:
    load_parties(duck, [
        party("d1", 0, "张伟", gender="男", id_number=ZHANG_ID),
        party("d2", 1, "张伟", gender="男", id_number=ZHANG_ID, address=KEQIAO + "华舍街道1号"),
        party("d1", 1, "绍兴汇通贸易有限公司", kind="organization"),
        party("d2", 0, "绍兴汇通贸易有限公司 ", kind="organization"),
        party("d3", 0, "绍兴汇通贸易(柯桥)有限公司", kind="organization"),
    ])
    load(duck, "household", [{"household_id": "H1", "person_id": ZHANG_ID, "name": "张伟",
                                "sex": "男", "birth_date": dt.date(1980, 1, 1)}])
    resolve(duck)
    e = entity_of(duck)
    assert same(e, "P:d1:0", "P:d2:1") and same(e, "P:d1:0", f"household:{ZHANG_ID}")
    assert same(e, "P:d1:1", "P:d2:0")
    assert not same(e, "P:d1:1", "P:d3:0")
    person = duck.rows(f"SELECT * FROM entities WHERE entity_id = '{e['P:d1:0']}'")[0]
    assert person["id_key"] == ZHANG_ID and person["id_source"] == "key"
    assert person["mentions"] == 3 and person["documents"] == 2
    links = duck.rows("SELECT method, status, explanation FROM entity_links WHERE method = 'exact_id'")
    assert {r["status"] for r in links} == {"linked"}
    party_entities = duck.rows("SELECT * FROM party_entities ORDER BY doc_id, party_idx")
    assert len(party_entities) == 5


def test_masked_names_never_link_on_the_name_alone(duck: Engine) -> None:
    load_parties(duck, [
        _zhang("d1", 0),
        _zhang("d2", 0, birth="1975-06-01"),  # another 张某: different birth date
        _zhang("d3", 0),  # same birth date, sex and district as d1
        _zhang("d4", 0, name="张某某", sex="女"),  # same birth date, other sex ...
        _zhang("d5", 0, address=YUECHENG, sex="女"),  # ... other district and sex
        party("d6", 0, "张某"),  # nothing but the name
        party("d7", 0, "张某"),
    ])
    resolve(duck)
    e = entity_of(duck)
    assert same(e, "P:d1:0", "P:d3:0")
    assert not same(e, "P:d1:0", "P:d2:0")
    assert not same(e, "P:d1:0", "P:d5:0")
    assert not same(e, "P:d6:0", "P:d7:0")
    assert len({e["P:d2:0"], e["P:d5:0"], e["P:d6:0"], e["P:d7:0"]}) == 4
    link = duck.rows(
        "SELECT * FROM entity_links WHERE mention_a = 'P:d1:0' AND mention_b = 'P:d3:0'"
    )[0]
    assert link["method"] == "probabilistic" and link["applied"]
    assert "出生日期相同" in link["explanation"] and "性别相同" in link["explanation"]


def test_masked_rule_holds_whatever_the_weights(duck: Engine) -> None:
    # With a threshold near zero every scored pair would link; the rule still refuses pairs
    # of masked mentions that agree on surname and birth date only.
    load_parties(duck, [
        party("d1", 0, "李某", birth_date="1990-02-02"),
        party("d2", 0, "李某", birth_date="1990-02-02"),
        party("d3", 0, "李某", birth_date="1990-02-02", gender="女"),
        party("d4", 0, "李某", birth_date="1990-02-02", gender="女"),
    ])
    resolve(duck, ResolutionSettings(link_threshold=0.001, store_threshold=0.0001))
    e = entity_of(duck)
    assert not same(e, "P:d1:0", "P:d2:0")
    assert same(e, "P:d3:0", "P:d4:0")
    statuses = {(r["mention_a"], r["mention_b"]): r["status"] for r in duck.rows(
        "SELECT mention_a, mention_b, status FROM entity_links")}
    assert statuses[("P:d1:0", "P:d2:0")] == "masked_rule"


def test_masked_mention_between_two_people_stays_alone(duck: Engine) -> None:
    # Two different 王 born the same day, same sex and district: a 王某 with those facts
    # could be either, so it joins neither.
    a, b = make_id("330603", "19850505", "011"), make_id("330603", "19850505", "031")
    load_parties(duck, [
        _zhang("d1", 0, name="王芳", birth="1985-05-05", sex="男", id_number=a),
        _zhang("d2", 0, name="王刚", birth="1985-05-05", sex="男", id_number=b),
        _zhang("d3", 0, name="王某", birth="1985-05-05", sex="男"),
    ])
    resolve(duck)
    e = entity_of(duck)
    assert not same(e, "P:d3:0", "P:d1:0") and not same(e, "P:d3:0", "P:d2:0")
    statuses = {r["status"] for r in duck.rows(
        "SELECT status FROM entity_links WHERE mention_b = 'P:d3:0' OR mention_a = 'P:d3:0'")}
    assert statuses == {"ambiguous"}


def test_parties_of_one_document_stay_apart(duck: Engine) -> None:
    load_parties(duck, [_zhang("d1", 0, name="张某1"), _zhang("d1", 1, name="张某2")])
    resolve(duck, ResolutionSettings(link_threshold=0.001, store_threshold=0.0001))
    e = entity_of(duck)
    assert not same(e, "P:d1:0", "P:d1:1")


def test_judgements_override_the_model(duck: Engine) -> None:
    load_parties(duck, [
        _zhang("d1", 0), _zhang("d2", 0, birth="1975-06-01"),  # apart by the model
        _zhang("d3", 0, name="李强", id_number=ZHANG_ID),
        _zhang("d4", 0, name="李强", id_number=ZHANG_ID),
        _zhang("d5", 0, name="李强", id_number=ZHANG_ID),
    ])
    resolve(duck)
    e = entity_of(duck)
    assert not same(e, "P:d1:0", "P:d2:0")
    assert same(e, "P:d3:0", "P:d4:0") and same(e, "P:d4:0", "P:d5:0")
    at = dt.datetime(2024, 5, 1, 9, 0)
    record_judgement(duck, "P:d2:0", "P:d1:0", "same", user="王检察官", reason="同一借款人", at=at)
    record_judgement(duck, "P:d3:0", "P:d5:0", "not_same", user="王检察官", reason="身份证号码误写",
                     at=at)
    resolve(duck)
    e = entity_of(duck)
    assert same(e, "P:d1:0", "P:d2:0")
    assert not same(e, "P:d3:0", "P:d5:0")
    rows = duck.rows("SELECT * FROM entity_links WHERE method = 'judgement' ORDER BY mention_a")
    assert [r["status"] for r in rows] == ["linked", "not_same"]
    assert "王检察官" in rows[0]["explanation"] and "同一借款人" in rows[0]["explanation"]
    # a later judgement on the same pair wins; the earlier one stays in the table
    record_judgement(duck, "P:d1:0", "P:d2:0", "not_same", user="李检察官",
                     at=at + dt.timedelta(hours=1))
    resolve(duck)
    assert not same(entity_of(duck), "P:d1:0", "P:d2:0")
    assert duck.count("entity_judgements") == 3
    with pytest.raises(KeyError):
        record_judgement(duck, "P:d1:0", "P:nope:9", "same", user="x")
    with pytest.raises(ValueError):
        record_judgement(duck, "P:d1:0", "P:d2:0", "maybe", user="x")


def test_entity_ids_are_stable(duck: Engine) -> None:
    rows = [_zhang("d1", 0), _zhang("d2", 0), _zhang("d3", 0, name="李强", id_number=ZHANG_ID),
            _zhang("d4", 0, name="王某", birth="1966-06-06")]
    load_parties(duck, rows)
    resolve(duck)
    first = entity_of(duck)
    resolve(duck)
    assert entity_of(duck) == first
    # an incremental load: a new document with a new mention of the first 张某, whose id sorts
    # before the others, and a new person
    load_parties(duck, [_zhang("d0", 0), _zhang("d9", 0, name="赵某", birth="1970-01-01")])
    resolve(duck)
    after = entity_of(duck)
    assert {m: after[m] for m in first} == first
    assert after["P:d0:0"] == first["P:d1:0"]
    kinds = {r["entity_id"]: r["id_source"] for r in duck.rows("SELECT * FROM entities")}
    assert kinds[first["P:d1:0"]] == "carried" and kinds[first["P:d3:0"]] == "key"


def test_masked_link_rule_function() -> None:
    a = {"masked": True, "surname": "张", "normalized_name": "张某", "birth_date": dt.date(1980, 1, 1),
         "sex": "男", "district": "柯桥区"}
    full = {"masked": False, "surname": "张", "normalized_name": "张伟",
            "birth_date": dt.date(1980, 1, 1), "sex": None, "district": "柯桥区"}
    assert masked_link_allowed(a, full)  # birth date and district
    assert not masked_link_allowed(a, {**full, "district": None})  # birth date only
    assert not masked_link_allowed(a, {**full, "birth_date": None, "sex": "男"})
    assert not masked_link_allowed(a, {**full, "surname": "李", "normalized_name": "李伟"})
    ouyang = {**full, "surname": "欧阳", "normalized_name": "欧阳伟"}
    assert masked_link_allowed({**a, "surname": "欧", "normalized_name": "欧某"}, ouyang)
    assert masked_link_allowed({**full, "district": None}, {**full, "district": None})  # no mask
