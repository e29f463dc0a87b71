"""Masked names, surnames and districts."""

import pytest

from jiandu.entities.addresses import district_of, normalize_address
from jiandu.entities.names import is_masked, name_info, normalize_name


@pytest.mark.parametrize(
    ("name", "surname"),
    [("张某", "张"), ("张某某", "张"), ("李某1", "李"), ("李某2", "李"), ("张3", "张"),
     ("王××", "王"), ("倪××", "倪"), ("张**", "张"), ("张XX", "张"), ("欧阳某", "欧阳"),
     ("张某明", "张"), ("刘ＸＸ", "刘"), ("陈某１", "陈")],
)
def test_masked_names(name: str, surname: str) -> None:
    info = name_info(name, "person")
    assert info.masked
    assert info.surname == surname


@pytest.mark.parametrize(
    ("name", "surname"),
    [("张三丰", "张"), ("王芳", "王"), ("欧阳娜娜", "欧阳"), ("司马光", "司马"), ("马", "马"),
     ("阿依古丽·买买提", "阿")],
)
def test_full_names(name: str, surname: str) -> None:
    info = name_info(name, "person")
    assert not info.masked
    assert info.surname == surname


def test_masked_organisations_are_masked_but_their_digits_are_not_masks() -> None:
    # two courts' 绍兴某某贸易有限公司 may be two companies: never merged by name
    assert is_masked("某某公司", "organization")
    assert is_masked("绍兴某某贸易有限公司", None)  # reads as an organisation
    assert name_info("某某公司", "organization").surname is None
    assert not is_masked("绍兴市第3建筑工程有限公司", None)
    assert is_masked("某某", "person")


def test_normalised_names() -> None:
    assert normalize_name(" 李　四 ") == "李四"
    assert normalize_name("北京京越(绍兴)律师事务所") == "北京京越（绍兴）律师事务所"


@pytest.mark.parametrize(
    ("address", "district"),
    [("浙江省绍兴市柯桥区华舍街道1号", "柯桥区"), ("住浙江省新昌县", "新昌县"),
     ("浙江省绍兴市诸暨市暨阳街道", "诸暨市"), ("浙江省诸暨市", "诸暨市"),
     ("安徽省阜阳市颍州区清河路", "颍州区"), ("上海市浦东新区张江镇", "浦东新区"),
     ("浙江省绍兴市", "绍兴市"), (None, None)],
)
def test_districts(address: str | None, district: str | None) -> None:
    assert district_of(address) == district


def test_normalised_address() -> None:
    assert normalize_address("住所地：浙江省 绍兴市。") == "浙江省绍兴市"
    assert normalize_address("住浙江省绍兴市越城区") == "浙江省绍兴市越城区"
    assert normalize_address("  ") is None
