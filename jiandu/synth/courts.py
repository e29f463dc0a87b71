"""Courts of Shaoxing (浙江省绍兴市) and their case numbers.

New-style numbers (since 2016): （2019）浙0602民初1234号 — year, court code (province
abbreviation + region code digits), case type, sequence. Old style (cases filed before 2016):
（2015）绍越商初字第123号. Sequences run per court, year and case type up to a realistic yearly
volume; numbers reserved for planted cases are drawn across that range and skipped by the
background counter, so planted and honest cases interleave.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .names import NameMaker
from .rng import stream


@dataclass(slots=True)
class Court:
    key: str
    name: str  # as in the heading: 浙江省绍兴市越城区人民法院
    code: str  # 浙0602
    old_abbr: str  # 绍越
    level: str  # basic | intermediate
    district: str | None  # geography key of its area (None: the whole city)
    volume: dict[str, int]  # realistic yearly cases per type code


@dataclass(slots=True)
class Staff:
    """Judicial officers of one court (names made up per seed)."""

    judges: list[str] = field(default_factory=list)
    executors: list[str] = field(default_factory=list)
    jurors: list[str] = field(default_factory=list)
    clerks: list[str] = field(default_factory=list)


def _court(key: str, name: str, code: str, old: str, district: str | None, civil: int) -> Court:
    level = "intermediate" if district is None else "basic"
    vol = {"民初": civil, "执": int(civil * 0.7), "执恢": int(civil * 0.05)}
    if district is None:
        vol = {"民初": civil, "民终": 3600, "执": 800, "执恢": 60}
    return Court(key, name, code, old, level, district, vol)


COURTS: tuple[Court, ...] = (
    _court("shaoxing_ic", "浙江省绍兴市中级人民法院", "浙06", "浙绍", None, 400),
    _court("yuecheng", "浙江省绍兴市越城区人民法院", "浙0602", "绍越", "yuecheng", 12000),
    _court("keqiao", "浙江省绍兴市柯桥区人民法院", "浙0603", "绍柯", "keqiao", 15000),
    _court("shangyu", "浙江省绍兴市上虞区人民法院", "浙0604", "绍虞", "shangyu", 9000),
    _court("xinchang", "浙江省新昌县人民法院", "浙0624", "新", "xinchang", 4500),
    _court("zhuji", "浙江省诸暨市人民法院", "浙0681", "绍诸", "zhuji", 14000),
    _court("shengzhou", "浙江省嵊州市人民法院", "浙0683", "嵊", "shengzhou", 6000),
)
COURT_BY_KEY = {c.key: c for c in COURTS}
BASIC_COURTS = tuple(c for c in COURTS if c.level == "basic")
INTERMEDIATE = COURT_BY_KEY["shaoxing_ic"]
COURT_OF_DISTRICT = {c.district: c for c in BASIC_COURTS}

_OLD_TYPE = {
    "民初": ("民初", "商初", "民二初"),
    "执": ("执民", "执"),
    "执恢": ("执恢",),
    "民终": ("民终", "商终"),
}


def staff_courts(seed: int) -> dict[str, Staff]:
    """Judges, enforcement officers, jurors and clerks of each court."""
    rng = stream(seed, "courts.staff")
    names = NameMaker(rng)
    out: dict[str, Staff] = {}
    for c in COURTS:
        out[c.key] = Staff(
            judges=[names.full(rng.random() < 0.55) for _ in range(14)],
            executors=[names.full(rng.random() < 0.7) for _ in range(6)],
            jurors=[names.full(rng.random() < 0.5) for _ in range(8)],
            clerks=[names.full(rng.random() < 0.3) for _ in range(10)],
        )
    return out


def format_case_number(
    year: int,
    court: Court,
    type_code: str,
    seq: int,
    old_style: bool = False,
    rng: random.Random | None = None,
) -> str:
    if not old_style:
        return f"（{year}）{court.code}{type_code}{seq}号"
    kinds = _OLD_TYPE.get(type_code, (type_code,))
    kind = kinds[0] if rng is None else rng.choice(kinds)
    digits = f"{seq:05d}" if rng is not None and rng.random() < 0.2 else str(seq)
    return f"（{year}）{court.old_abbr}{kind}字第{digits}号"


class CaseNumbers:
    """Allocates unique sequence numbers per (court, year, type code)."""

    def __init__(self, seed: int, expected_per_bucket: dict[tuple[str, int, str], float]) -> None:
        self._rng = stream(seed, "courts.numbers")
        self._expected = expected_per_bucket
        self._reserved: dict[tuple[str, int, str], set[int]] = {}
        self._counter: dict[tuple[str, int, str], int] = {}
        self._gap: dict[tuple[str, int, str], int] = {}

    def _volume(self, court: Court, type_code: str) -> int:
        return court.volume.get(type_code, 1000)

    def reserve(self, court: Court, year: int, type_code: str) -> int:
        """A sequence number for a planted case, anywhere in the year's range."""
        key = (court.key, year, type_code)
        taken = self._reserved.setdefault(key, set())
        hi = max(self._volume(court, type_code), 2 * len(taken) + 10)
        while True:
            n = self._rng.randint(1, hi)
            if n not in taken:
                taken.add(n)
                return n

    def next(self, court: Court, year: int, type_code: str) -> int:
        """The next background sequence number (gaps keep numbers in a realistic range)."""
        key = (court.key, year, type_code)
        gap = self._gap.get(key)
        if gap is None:
            expected = max(self._expected.get(key, 1.0), 1.0)
            gap = max(1, int(self._volume(court, type_code) / expected))
            self._gap[key] = gap
            self._counter[key] = 0
        taken = self._reserved.get(key, ())
        n = self._counter[key]
        while True:
            n += self._rng.randint(1, 2 * gap - 1) if gap > 1 else 1
            if n not in taken:
                break
        self._counter[key] = n
        return n
