"""People of the county: names, ID numbers, addresses and households.

Households come in family clusters: an old couple and the households of their grown children,
so the register shows spouses, parents, children and (through shared parents) siblings. The
population is held in memory, sized to the number of documents. The first households are
reserved for planted patterns, so honest background cases never touch a planted subject.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from . import geography as geo
from .ids import resident_id
from .names import NameMaker
from .rng import stream

ETHNICITIES = (
    ("汉族", 0.975),
    ("畲族", 0.008),
    ("回族", 0.006),
    ("土家族", 0.006),
    ("苗族", 0.005),
)


@dataclass(slots=True)
class Person:
    key: str  # 18-digit ID number
    name: str
    male: bool
    birth: dt.date
    ethnicity: str
    district: str  # geography.District.key of the home address
    address: str  # full home address
    household: int
    relation: str  # relation to the household head: 户主 配偶 子 女 父亲 母亲
    father: str | None = None
    mother: str | None = None
    spouse: str | None = None
    kind: str = field(default="person")

    @property
    def sex(self) -> str:
        return "男" if self.male else "女"

    @property
    def short_address(self) -> str:
        """Address down to the district, as many published judgments print it."""
        d = geo.DISTRICT_BY_KEY.get(self.district)
        if d is None or not self.address.startswith(d.prefix + d.name):
            return self.address.split("县")[0] + "县" if "县" in self.address else self.address
        return d.prefix + d.name


class Population:
    """All people, by household. ``reserve_*`` hands out people from the reserved households
    to pattern planners; ``pick`` draws honest background people."""

    def __init__(self, seed: int, size: int, reserved_households: int) -> None:
        self._rng = stream(seed, "people")
        self._names = NameMaker(self._rng)
        self._seq: dict[tuple[str, dt.date, bool], int] = {}
        self.people: list[Person] = []
        self.households: list[list[int]] = []  # person indexes per household, head first
        self.by_key: dict[str, Person] = {}
        self._district_cum: list[float] = []
        acc = 0.0
        for d in geo.DISTRICTS:
            acc += d.weight
            self._district_cum.append(acc)
        while len(self.people) < size or len(self.households) < reserved_households + 10:
            self._family_cluster()
        self.reserved_households = reserved_households
        self._next_reserved = 0
        # background people: adults outside reserved households, by district
        self._adults_by_district: dict[str, list[int]] = {d.key: [] for d in geo.DISTRICTS}
        self._couples: list[tuple[int, int]] = []
        first_free = sum(len(h) for h in self.households[:reserved_households])
        for i in range(first_free, len(self.people)):
            p = self.people[i]
            if p.birth.year <= 2000:
                self._adults_by_district[p.district].append(i)
                if p.spouse is not None and p.male:
                    self._couples.append((i, self._index[p.spouse]))
        self.adults = [i for d in geo.DISTRICTS for i in self._adults_by_district[d.key]]

    # --- building -------------------------------------------------------------------------
    @property
    def _index(self) -> dict[str, int]:
        idx = getattr(self, "_index_cache", None)
        if idx is None:
            idx = {p.key: i for i, p in enumerate(self.people)}
            self._index_cache = idx
        return idx

    def _birth(self, year_lo: int, year_hi: int) -> dt.date:
        start = dt.date(year_lo, 1, 1).toordinal()
        end = dt.date(year_hi, 12, 31).toordinal()
        return dt.date.fromordinal(self._rng.randint(start, end))

    def _id(self, region: str, birth: dt.date, male: bool) -> str:
        k = (region, birth, male)
        n = self._seq.get(k)
        n = self._rng.randint(0, 400) if n is None else (n + 1) % 500
        self._seq[k] = n
        return resident_id(region, birth, n, male)

    def _address(self, district: geo.District) -> str:
        r = self._rng
        street = r.choice(district.streets)
        roll = r.random()
        if roll < 0.4:
            place = f"{r.choice(geo.VILLAGES)}{r.randint(1, 260)}号"
        elif roll < 0.75:
            place = f"{r.choice(geo.ROADS)}{r.randint(1, 888)}号"
        else:
            place = (
                f"{r.choice(geo.COMMUNITIES)}{r.randint(1, 40)}幢{r.randint(1, 3)}单元"
                f"{r.randint(1, 28)}0{r.randint(1, 4)}室"
            )
        return f"{district.prefix}{district.name}{street}{place}"

    def _region(self, district: geo.District, birth: dt.date, migrant: geo.Origin | None) -> str:
        if migrant is not None:
            return migrant.code
        return district.new_code if birth.year >= district.renamed else district.old_code

    def _new_person(
        self,
        name: str,
        male: bool,
        birth: dt.date,
        district: geo.District,
        address: str,
        household: int,
        relation: str,
        migrant: geo.Origin | None,
    ) -> Person:
        eth = "汉族"
        x = self._rng.random()
        for e, w in ETHNICITIES:
            x -= w
            if x < 0:
                eth = e
                break
        key = self._id(self._region(district, birth, migrant), birth, male)
        p = Person(key, name, male, birth, eth, district.key, address, household, relation)
        self.people.append(p)
        self.by_key[key] = p
        self.households[household].append(len(self.people) - 1)
        return p

    def _family_cluster(self) -> None:
        r = self._rng
        district = geo.DISTRICTS[r.choices(range(len(geo.DISTRICTS)), cum_weights=self._district_cum)[0]]
        migrant = r.choice(geo.MIGRANT_ORIGINS) if r.random() < 0.15 else None
        village = self._address(district)
        surname = self._names.surname()
        parents_born = r.randint(1938, 1962)
        father = mother = None
        if r.random() < 0.6:
            hh = len(self.households)
            self.households.append([])
            father = self._new_person(
                self._names.full(True, surname),
                True,
                self._birth(parents_born, parents_born),
                district,
                village,
                hh,
                "户主",
                migrant,
            )
            mother = self._new_person(
                self._names.full(False),
                False,
                self._birth(parents_born - 3, parents_born + 3),
                district,
                village,
                hh,
                "配偶",
                migrant,
            )
            father.spouse, mother.spouse = mother.key, father.key
        for _ in range(r.choice((1, 1, 2, 2, 2, 3))):
            born = min(parents_born + r.randint(22, 32), 2000)
            male = r.random() < 0.55
            hh = len(self.households)
            self.households.append([])
            same_place = r.random() < 0.35
            address = village if same_place and father is not None else self._address(district)
            if male:
                head = self._new_person(
                    self._names.full(True, surname),
                    True,
                    self._birth(born, born),
                    district,
                    address,
                    hh,
                    "户主",
                    migrant,
                )
            else:
                head = self._new_person(
                    self._names.full(False, surname),
                    False,
                    self._birth(born, born),
                    district,
                    address,
                    hh,
                    "户主",
                    migrant,
                )
            if father is not None and mother is not None:
                head.father, head.mother = father.key, mother.key
            if r.random() < 0.8:
                sp_born = born + r.randint(-4, 4)
                spouse = self._new_person(
                    self._names.full(not male),
                    not male,
                    self._birth(sp_born, sp_born),
                    district,
                    address,
                    hh,
                    "配偶",
                    None if r.random() < 0.5 else migrant,
                )
                head.spouse, spouse.spouse = spouse.key, head.key
                kid_surname = surname if male else spouse.name[0]
                dad, mum = (head, spouse) if male else (spouse, head)
                for _ in range(r.choice((0, 1, 1, 2))):
                    kb = min(born + r.randint(23, 34), 2023)
                    kmale = r.random() < 0.52
                    kid = self._new_person(
                        self._names.full(kmale, kid_surname),
                        kmale,
                        self._birth(kb, kb),
                        district,
                        address,
                        hh,
                        "子" if kmale else "女",
                        migrant,
                    )
                    kid.father, kid.mother = dad.key, mum.key

    # --- handing out ----------------------------------------------------------------------
    def reserve_household(self) -> list[Person]:
        """The next reserved household (head first); planners take subjects from these."""
        if self._next_reserved >= self.reserved_households:
            raise RuntimeError("population: reserved households exhausted")
        hh = self.households[self._next_reserved]
        self._next_reserved += 1
        return [self.people[i] for i in hh]

    def reserve_adult(
        self,
        male: bool | None = None,
        with_spouse: bool = False,
        max_birth_year: int = 1995,
        avoid_surnames: AbstractSet[str] = frozenset(),
    ) -> list[Person]:
        """A reserved household whose head fits; returns the household (head first).

        Reserved households come in family clusters (parents, then their children's households),
        so consecutive calls tend to return one clan. ``avoid_surnames`` skips heads of those
        surnames, for planners whose subjects must be strangers to each other."""
        while True:
            hh = self.reserve_household()
            head = hh[0]
            if head.birth.year > max_birth_year or head.name[0] in avoid_surnames:
                continue
            if male is not None and head.male != male:
                continue
            if with_spouse and head.spouse is None:
                continue
            return hh

    def siblings(self, person: Person) -> list[Person]:
        """Heads of the other households of the same family cluster."""
        if person.father is None:
            return []
        return [p for p in self._cluster_children(person.father) if p.key != person.key]

    def people_in_household_of(self, key: str) -> list[Person]:
        p = self.by_key[key]
        return [self.people[i] for i in self.households[p.household]]

    def _cluster_children(self, father_key: str) -> list[Person]:
        father = self.by_key[father_key]
        out = []
        # children of a cluster live in the households right after the parents' household
        h = father.household + 1
        while h < len(self.households) and self.households[h]:
            head = self.people[self.households[h][0]]
            if head.father != father_key:
                break
            out.append(head)
            h += 1
        return out

    def pick(self, rng: random.Random, district: str | None = None) -> Person:
        """An honest adult, preferably living in ``district``."""
        if district is not None and rng.random() < 0.85:
            pool = self._adults_by_district[district]
            if pool:
                return self.people[pool[rng.randrange(len(pool))]]
        return self.people[self.adults[rng.randrange(len(self.adults))]]

    def pick_couple(self, rng: random.Random) -> tuple[Person, Person]:
        a, b = self._couples[rng.randrange(len(self._couples))]
        return self.people[a], self.people[b]
