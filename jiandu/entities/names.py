"""Names of parties as courts write them: normalised form, masking, surname.

Published judgments mask natural persons in several ways: 张某, 张某某, 李某1 (numbered when
two parties would share a mask), 张3, 王××, 张** and 张XX. A masked name keeps only the
surname, so it says nothing about who the person is; entity resolution links such a mention
only on other evidence (see ``rules.py``). Organisations are never masked: an organisation
name containing 某 (某某公司 in a template) is not treated as masked.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Two-character surnames (复姓) common enough to matter; a full name starting with one of them
# has that surname. Single-character surnames are the default.
COMPOUND_SURNAMES = frozenset(
    " ".join([
        "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木",
        "百里 呼延 南宫 西门 独孤 万俟 闻人 澹台 公冶 申屠 太史 钟离 濮阳 单于 赫连 拓跋",
        "第五 公羊 左丘 东郭 梁丘 羊舌 微生 子车 颛孙 壤驷 谷梁 乐正 漆雕 公良 巫马 仲孙",
    ]).split()
)

# Characters that stand for hidden characters of a name.
MASK_CHARS = "某×╳ⅹ*＊○〇Xx"
_MASK_TAIL = re.compile(r"^(?P<surname>[^\d某×╳ⅹ*＊○〇Xx]{1,2}?)(?P<mask>[某×╳ⅹ*＊○〇Xx\d]+)$")
_DIGIT = re.compile(r"\d")
_SPACES = re.compile(r"[\s\u3000]+")
_ORG_HINTS = ("公司", "银行", "分行", "支行", "合作社", "事务所", "中心", "委员会", "厂", "局",
              "集团", "协会", "学校", "医院", "商行", "店", "部", "社", "所", "院", "会")


@dataclass(frozen=True, slots=True)
class NameInfo:
    """What a written name tells: its normalised form, whether it is masked, the surname."""

    normalized: str
    masked: bool
    surname: str | None  # None for organisations


def normalize_name(name: str) -> str:
    """NFKC form without spaces, with full-width brackets (（）) as courts print them.

    NFKC turns full-width letters and digits into ASCII and `×` stays `×`.
    """
    text = unicodedata.normalize("NFKC", name)
    text = _SPACES.sub("", text)
    return text.replace("(", "（").replace(")", "）")


def looks_like_organization(normalized: str) -> bool:
    """A name that reads as an organisation (used when the parser gave no kind)."""
    return len(normalized) > 5 or normalized.endswith(_ORG_HINTS)


@lru_cache(maxsize=500_000)
def name_info(name: str, kind: str | None = None) -> NameInfo:
    """Normalise a party name and read its masking and surname.

    ``kind`` is ``person`` or ``organization`` when known; organisations are never masked.
    """
    normalized = normalize_name(name)
    is_org = kind == "organization" or (kind is None and looks_like_organization(normalized))
    if is_org or not normalized:
        return NameInfo(normalized, False, None)
    match = _MASK_TAIL.match(normalized)
    if match is not None:
        surname = match.group("surname")
        # 张某 / 欧阳某 / 李某1 / 张3 / 王×× / 张XX: the surname is what precedes the mask; a
        # one-character prefix that starts a compound surname still counts as the surname.
        return NameInfo(normalized, True, surname)
    if "某" in normalized or _DIGIT.search(normalized):
        # masks in the middle (张某明) or digits anywhere: masked, surname is the first character
        return NameInfo(normalized, True, normalized[0])
    return NameInfo(normalized, False, surname_of(normalized))


def surname_of(full_name: str) -> str:
    """Surname of an unmasked Chinese name: a known compound surname, else the first character."""
    if len(full_name) >= 3 and full_name[:2] in COMPOUND_SURNAMES:
        return full_name[:2]
    return full_name[:1]


def is_masked(name: str, kind: str | None = "person") -> bool:
    """True when a person's name is masked (张某, 张某某, 李某1, 张3, 王××)."""
    return name_info(name, kind).masked
