"""Names of parties as courts write them: normalised form, masking, surname.

Published judgments mask natural persons in several ways: 张某, 张某某, 李某1 (numbered when
two parties would share a mask), 张3, 王××, 张** and 张XX. A masked name keeps only the
surname, so it says nothing about who the person is; entity resolution links such a mention
only on other evidence (see ``rules.py``). Whether a name is masked is decided by
`jiandu.documents.masked_names` (the one definition the engines' SQL uses too): a masked
organisation (浙江某某科技有限公司) is masked as well, so two of them are never merged by name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from jiandu.documents.masked_names import is_masked_name, looks_like_organization
from jiandu.memory import step_cache

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
_SPACES = re.compile(r"[\s\u3000]+")


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


@step_cache(maxsize=500_000)
def name_info(name: str, kind: str | None = None) -> NameInfo:
    """Normalise a party name and read its masking and surname.

    ``kind`` is ``person`` or ``organization`` when known; organisations are never masked.
    """
    normalized = normalize_name(name)
    is_org = kind == "organization" or (kind is None and looks_like_organization(normalized))
    if not normalized:
        return NameInfo(normalized, False, None)
    masked = is_masked_name(normalized, "organization" if is_org else "person")
    if is_org:
        return NameInfo(normalized, masked, None)
    if not masked:
        return NameInfo(normalized, False, surname_of(normalized))
    match = _MASK_TAIL.match(normalized)
    # 张某 / 欧阳某 / 李某1 / 张3 / 王×× / 张XX: the surname is what precedes the mask; a
    # one-character prefix that starts a compound surname still counts as the surname. A mask in
    # the middle (张某明) or a digit elsewhere: the surname is the first character.
    return NameInfo(normalized, True, match.group("surname") if match else normalized[0])


def surname_of(full_name: str) -> str:
    """Surname of an unmasked Chinese name: a known compound surname, else the first character."""
    if len(full_name) >= 3 and full_name[:2] in COMPOUND_SURNAMES:
        return full_name[:2]
    return full_name[:1]


def is_masked(name: str, kind: str | None = "person") -> bool:
    """True when a person's name is masked (张某, 张某某, 李某1, 张3, 王××)."""
    return name_info(name, kind).masked
