"""Chinese personal names: surnames weighted roughly as in Zhejiang, given names from
character lists by sex."""

from __future__ import annotations

import random

# (surname, weight) — common Zhejiang surnames first.
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 7.0), ("陈", 7.0), ("张", 5.0), ("李", 4.0), ("徐", 3.5), ("吴", 3.5), ("金", 3.0),
    ("周", 3.0), ("沈", 2.8), ("杨", 2.5), ("钱", 2.0), ("俞", 2.0), ("孙", 2.0), ("胡", 2.0),
    ("朱", 2.0), ("何", 1.8), ("马", 1.5), ("黄", 1.8), ("赵", 1.5), ("刘", 2.0), ("丁", 1.0),
    ("宋", 1.0), ("章", 1.2), ("楼", 1.0), ("郦", 0.5), ("宣", 0.5), ("寿", 0.4), ("骆", 0.6),
    ("姚", 1.0), ("蒋", 1.0), ("邵", 1.0), ("袁", 0.8), ("潘", 1.0), ("傅", 1.0), ("裘", 0.5),
    ("屠", 0.4), ("边", 0.4), ("魏", 0.6), ("许", 1.0), ("高", 1.0), ("林", 1.0), ("郑", 1.0),
    ("谢", 0.8), ("董", 0.8), ("冯", 0.7), ("叶", 0.9), ("方", 0.8), ("汪", 0.7), ("范", 0.6),
    ("鲁", 0.5), ("任", 0.5), ("韩", 0.5), ("石", 0.5), ("蔡", 0.6), ("卢", 0.5), ("倪", 0.6),
    ("应", 0.5), ("竺", 0.3), ("商", 0.3), ("单", 0.4), ("吕", 0.6), ("梁", 0.5), ("唐", 0.6),
)

_MALE = (
    "伟", "强", "军", "建", "国", "明", "华", "平", "林", "峰", "杰", "涛", "斌", "勇", "刚", "东",
    "海", "江", "波", "辉", "鹏", "飞", "龙", "文", "良", "荣", "忠", "祥", "根", "水", "土", "富",
    "荣", "兴", "发", "宏", "志", "光", "庆", "永", "立", "德", "春", "松", "坤", "浩", "宇", "超",
    "晨", "磊", "俊", "民", "新", "成", "培", "樟", "炳", "阿", "金", "铭", "锋", "亮", "朝",
)
_FEMALE = (
    "芳", "娟", "敏", "静", "丽", "红", "霞", "燕", "萍", "玲", "英", "华", "梅", "兰", "琴", "珍",
    "凤", "秀", "美", "娣", "仙", "月", "雅", "婷", "慧", "洁", "莉", "颖", "倩", "萍", "菊", "素",
    "云", "彩", "翠", "佳", "琳", "晶", "露", "丹", "雪", "艳", "亚", "春", "金", "小", "利",
)


class NameMaker:
    """Draws names from one random stream."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._surnames = [s for s, _ in SURNAMES]
        acc = 0.0
        self._cum: list[float] = []
        for _, w in SURNAMES:
            acc += w
            self._cum.append(acc)

    def surname(self) -> str:
        return self._rng.choices(self._surnames, cum_weights=self._cum)[0]

    def given(self, male: bool) -> str:
        chars = _MALE if male else _FEMALE
        if self._rng.random() < 0.18:
            return self._rng.choice(chars)
        return self._rng.choice(chars) + self._rng.choice(chars)

    def full(self, male: bool, surname: str | None = None) -> str:
        return (surname or self.surname()) + self.given(male)
