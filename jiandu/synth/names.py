"""Chinese personal names drawn at published frequencies, so that namesakes (one full name,
different people) occur in the synthetic county about as often as in a real one.

Sources of the tables (figures as published in the press releases; the tail is a model):

* **Surnames.** Ministry of Public Security, Public Order Administration Bureau (公安部治安管理局),
  national statistics of household-registered surnames released April 2007: 王 7.25%,
  李 7.19%, 张 6.83%; ten surnames above 20 million bearers (王 李 张 刘 陈 杨 黄 赵 吴 周),
  twelve between 10 and 20 million (徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁) of about 1.28 billion,
  and the 100 most common surnames 84.77% of the population. Shares of ranks 4–10 are the
  figures commonly cited with that ranking (刘 5.38, 陈 4.53, 杨 3.08, 黄 2.23, 赵 2.29,
  周 2.12, 吴 2.05; press figures of a 2006 survey, not checked against an original table).
  Ranks 11–100 follow the 2007 order with shares that fall geometrically inside the published
  brackets (11–22: 1.5% → 0.8%) so that the top 100 sum to 84.77%. The remaining 15.23% is
  spread over `_TAIL_SURNAMES` (rarer surnames, many typical of Shaoxing) with Zipf weights;
  real China has ~6,000 surnames in that tail, so namesakes among rare surnames are, if
  anything, too frequent here.
* **Given names.** The 2007 release also listed the 50 most common full names; the first,
  张伟, had 290,607 bearers (0.023% of 1.28 billion, i.e. 伟 ≈ 0.33% of all people given that
  张 is 6.83%; 王芳 ≈ 0.21% ⇒ 芳 ≈ 0.29%). The given names of that list (伟 芳 秀英 娜 敏 静 丽
  强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英 …) form the head of each sex's distribution,
  with Zipf weights scaled so that the commonest totals the share above (伟 ≈ 0.67% of men,
  芳 ≈ 0.64% of women, counting the same name when composed).
  The rest of each sex (`_TAIL_SHARE`) is composed from character pools with Zipf-weighted
  characters, one character in `_SINGLE_SHARE` of cases (single-character given names are about
  15% in the generations born before 1990).

What this gives (seed-independent expectation, computed by `namesake_probability`): the
probability that two random people of one sex share a full name is printed by
``python -m jiandu.synth.names``; in a county of N people the expected number of namesake
pairs is about N²/2 times it. Draws are deterministic for a given random stream.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence

# --- surnames -------------------------------------------------------------------------------
_TOP3 = (("王", 7.25), ("李", 7.19), ("张", 6.83))
_RANKS_4_10 = (("刘", 5.38), ("陈", 4.53), ("杨", 3.08), ("黄", 2.23), ("赵", 2.29),
               ("吴", 2.05), ("周", 2.12))
_RANKS_11_22 = "徐孙马朱胡郭何高林罗郑梁"
_RANKS_23_100 = (
    "谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹"
    "孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_TOP100_SHARE = 84.77
# Rarer surnames (below the top 100), many of them common around Shaoxing; two compound ones.
_TAIL_SURNAMES = (
    "俞", "章", "傅", "倪", "施", "洪", "楼", "鲁", "葛", "应", "骆", "裘", "郦", "宣", "寿", "屠",
    "边", "竺", "商", "单", "祝", "柴", "虞", "茹", "胥", "丰", "季", "童", "岑", "包",
    "娄", "冀", "尤", "滕", "卓", "蒲", "詹", "乐", "麻", "祁", "舒", "阮", "戚", "闻", "钮",
    "欧阳", "诸葛",
)


def _geometric(first: float, last: float, n: int) -> list[float]:
    ratio = (last / first) ** (1 / (n - 1))
    return [first * ratio**i for i in range(n)]


def _surname_table() -> tuple[tuple[str, float], ...]:
    table = [*_TOP3, *_RANKS_4_10]
    table += list(zip(_RANKS_11_22, _geometric(1.50, 0.80, len(_RANKS_11_22)), strict=True))
    rest = _TOP100_SHARE - sum(w for _, w in table)
    # ranks 23-100: geometric from just under rank 22 with the ratio that fills the top 100
    n = len(_RANKS_23_100)
    first = 0.78
    lo, hi = 0.5, 1.0
    for _ in range(60):  # bisection on the ratio so that the series sums to `rest`
        ratio = (lo + hi) / 2
        if sum(first * ratio**i for i in range(n)) > rest:
            hi = ratio
        else:
            lo = ratio
    table += [(s, first * lo**i) for i, s in enumerate(_RANKS_23_100)]
    top = {s for s, _ in table}
    tail = [s for s in dict.fromkeys(_TAIL_SURNAMES) if s not in top]  # unique, in order
    zipf = [1 / (i + 1) for i in range(len(tail))]
    scale = (100 - _TOP100_SHARE) / sum(zipf)
    table += [(s, z * scale) for s, z in zip(tail, zipf, strict=True)]
    return tuple(table)


SURNAMES: tuple[tuple[str, float], ...] = _surname_table()

# --- given names ----------------------------------------------------------------------------
# Head: given names of the 2007 list of the 50 most common full names, by sex, in list order.
_MALE_HEAD = ("伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "平", "刚", "斌", "辉",
              "鹏", "波", "华", "建华", "建国", "建军", "志强", "俊", "峰", "浩", "宇")
_FEMALE_HEAD = ("芳", "秀英", "娜", "敏", "静", "丽", "艳", "娟", "秀兰", "霞", "桂英", "玲",
                "燕", "红", "萍", "梅", "英", "琴", "丹", "婷", "慧", "玉兰", "秀珍", "凤英", "雪")
_HEAD_TOP_SHARE = {True: 0.0048, False: 0.0030}  # head share of the commonest given name;
# with its share as a composed single character it totals ≈ 0.66% (伟) and 0.6% (芳) of its sex
_SINGLE_SHARE = 0.15

# Tail pools (characters used in given names, roughly from common to rarer).
_MALE_CHARS = (
    "国", "建", "明", "华", "文", "志", "海", "永", "林", "金", "德", "春", "荣", "忠", "祥",
    "兴", "光", "庆", "立", "良", "宏", "新", "成", "东", "江", "峰", "军", "平", "伟", "强",
    "杰", "涛", "斌", "勇", "刚", "波", "辉", "鹏", "飞", "龙", "根", "水", "富", "发", "松",
    "坤", "浩", "宇", "超", "晨", "磊", "俊", "民", "培", "樟", "炳", "铭", "锋", "亮", "朝",
    "军", "晓", "一", "家", "天", "子", "思", "博", "凯", "正", "胜", "学", "仁", "义", "忠",
)
_FEMALE_CHARS = (
    "秀", "美", "丽", "红", "英", "华", "芳", "玉", "燕", "萍", "霞", "梅", "兰", "琴", "珍",
    "凤", "娟", "敏", "静", "玲", "月", "雅", "婷", "慧", "洁", "莉", "颖", "倩", "菊", "素",
    "云", "彩", "翠", "佳", "琳", "晶", "露", "丹", "雪", "艳", "亚", "春", "金", "小", "利",
    "娣", "仙", "晓", "欣", "思", "梦", "雨", "佩", "蓉", "薇", "妍", "悦", "嘉", "爱", "桂",
)
_TAIL_EXPONENT = 0.3  # Zipf exponent of the character pools: flat enough that no composed
# name is commoner than the head names (the real commonest given names are the head)


def _zipf(n: int, exponent: float = 1.0) -> list[float]:
    return [1 / (i + 1) ** exponent for i in range(n)]


class _Given:
    """One sex's given-name distribution: head names, then composed names."""

    def __init__(self, male: bool) -> None:
        head = _MALE_HEAD if male else _FEMALE_HEAD
        zipf = _zipf(len(head))
        scale = _HEAD_TOP_SHARE[male] / zipf[0]
        self.head = head
        self.head_weights = [z * scale for z in zipf]
        self.head_share = sum(self.head_weights)
        chars = tuple(dict.fromkeys(_MALE_CHARS if male else _FEMALE_CHARS))
        self.chars = chars
        self.char_cum = list(itertools.accumulate(_zipf(len(chars), _TAIL_EXPONENT)))
        self.head_cum = list(itertools.accumulate(self.head_weights))

    def draw(self, rng: random.Random) -> str:
        x = rng.random()
        if x < self.head_share:
            return rng.choices(self.head, cum_weights=self.head_cum)[0]
        first = rng.choices(self.chars, cum_weights=self.char_cum)[0]
        if rng.random() < _SINGLE_SHARE:
            return first
        second = first
        while second == first:  # no reduplicated names (国国) in the composed tail
            second = rng.choices(self.chars, cum_weights=self.char_cum)[0]
        return first + second

    def probabilities(self) -> dict[str, float]:
        """Exact probability of each given name (head names may also be composed)."""
        total = self.char_cum[-1]
        p_char = [w / total for w in _zipf(len(self.chars), _TAIL_EXPONENT)]
        tail = 1 - self.head_share
        out: dict[str, float] = {}
        for name, w in zip(self.head, self.head_weights, strict=True):
            out[name] = out.get(name, 0.0) + w
        for c, pc in zip(self.chars, p_char, strict=True):
            out[c] = out.get(c, 0.0) + tail * _SINGLE_SHARE * pc
        for (c1, p1), (c2, p2) in itertools.product(zip(self.chars, p_char, strict=True), repeat=2):
            if c1 != c2:  # the second character is redrawn until it differs from the first
                out[c1 + c2] = out.get(c1 + c2, 0.0) + tail * (1 - _SINGLE_SHARE) * p1 * p2 / (1 - p1)
        return out


_GIVEN = {True: _Given(True), False: _Given(False)}


def namesake_probability(male: bool) -> float:
    """Probability that two people of one sex, drawn independently, have the same full name
    (surname drawn independently of the given name)."""
    total = sum(w for _, w in SURNAMES)
    surname = sum((w / total) ** 2 for _, w in SURNAMES)
    given = sum(p * p for p in _GIVEN[male].probabilities().values())
    return surname * given


class NameMaker:
    """Draws names from one random stream (deterministic for a seeded stream)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._surnames = [s for s, _ in SURNAMES]
        self._cum = list(itertools.accumulate(w for _, w in SURNAMES))

    def surname(self) -> str:
        return self._rng.choices(self._surnames, cum_weights=self._cum)[0]

    def given(self, male: bool) -> str:
        return _GIVEN[male].draw(self._rng)

    def full(self, male: bool, surname: str | None = None) -> str:
        return (surname or self.surname()) + self.given(male)


def _report(sizes: Sequence[int] = (10_000, 50_000, 300_000, 700_000)) -> str:
    lines = []
    for male in (True, False):
        p = namesake_probability(male)
        lines.append(f"{'male' if male else 'female'}: P(two random people share a full name) = "
                     f"{p:.2e}")
    p = (namesake_probability(True) + namesake_probability(False)) / 4  # random pair, any sex
    for n in sizes:
        lines.append(f"county of {n:,}: ~{p * n * (n - 1) / 2:,.0f} namesake pairs expected")
    return "\n".join(lines)


if __name__ == "__main__":
    print(_report())
