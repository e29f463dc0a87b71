"""Organisations: companies with unified social credit codes and legal representatives;
banks, licensed small-loan companies and insurers (branches with a 负责人); repair shops and
appraisers; law firms, lawyers and legal workers.

Bank, lender, insurer and firm names are made up for this project (no real institution is
meant); they follow the naming rules real ones do.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from . import geography as geo
from .ids import credit_code
from .names import NameMaker
from .people import Person, Population
from .rng import stream

_TRADE_NAMES = (
    "越华",
    "鉴源",
    "恒隆",
    "永盛",
    "金鼎",
    "宏达",
    "瑞丰",
    "天成",
    "华兴",
    "鼎盛",
    "汇通",
    "嘉禾",
    "兴业",
    "明珠",
    "卓越",
    "中联",
    "正泰",
    "信达",
    "海天",
    "润达",
    "新光",
    "锦程",
    "达利",
    "佳源",
    "博远",
    "兰亭",
    "稽山",
    "会稽",
    "若耶",
    "东浦",
    "舜禹",
    "剡溪",
    "天姥",
    "浣江",
    "蓝海",
    "众鑫",
    "荣昌",
    "百川",
    "万象",
    "同创",
    "凯旋",
    "晨光",
    "华越",
    "开元",
    "天马",
    "钱江",
    "盛世",
    "诚信",
)
_INDUSTRIES = (
    ("纺织品", 4),
    ("印染", 2),
    ("服饰", 2),
    ("家纺", 2),
    ("化纤", 1.5),
    ("建材", 1.5),
    ("机械制造", 1.5),
    ("五金", 1),
    ("贸易", 3),
    ("电器", 1),
    ("建筑工程", 1.5),
    ("物流", 1),
    ("食品", 1),
    ("包装材料", 1),
    ("装饰工程", 1),
    ("珍珠", 0.5),
    ("袜业", 0.8),
    ("黄酒", 0.5),
)
_FIRM_NAMES = (
    "越光",
    "鉴湖",
    "稽山",
    "兰亭",
    "会稽",
    "卧龙",
    "若耶",
    "古越",
    "东浦",
    "越秀",
    "舜禹",
    "浣纱",
    "剡溪",
    "天姥",
    "大禹",
    "镜水",
    "越州",
    "蕺山",
    "曹娥",
    "诸暨江",
    "五泄",
    "沃洲",
)


@dataclass(slots=True)
class Organization:
    key: str  # unified social credit code
    name: str
    type: str  # company | bank | small_loan | insurer | repair_shop | appraiser | amc | consulting
    industry: str
    district: str
    address: str
    rep_name: str
    rep_key: str | None
    rep_title: str  # 法定代表人 | 负责人
    rep_job: str  # 董事长 | 执行董事 | 总经理 | 行长 | 经理
    established: dt.date
    capital: int  # registered capital, 万元
    financial_licence: bool = False
    kind: str = "organization"


@dataclass(slots=True, frozen=True)
class Agent:
    name: str
    firm: str  # law firm or legal service office; "" for citizens
    kind: str  # lawyer | trainee_lawyer | legal_worker


class Organizations:
    """All organisations and the legal profession of the city."""

    def __init__(self, seed: int, pop: Population, size: int) -> None:
        self._rng = stream(seed, "companies")
        self._names = NameMaker(stream(seed, "companies.names"))
        self._pop = pop
        self._used: set[str] = set()
        self.all: list[Organization] = []
        self.banks: list[Organization] = []
        self.small_loans: list[Organization] = []
        self.insurers: list[Organization] = []
        self.companies: list[Organization] = []
        self.repair_shops: list[Organization] = []
        self.appraisers: list[Organization] = []
        self._fixed()
        while len(self.companies) < size:
            d = self._district()
            self.companies.append(self.new("company", d, rep=pop.pick(self._rng, d.key)))
        self.lawyers: list[Agent] = []
        self.legal_workers: list[Agent] = []
        firms = [f"浙江{n}律师事务所" for n in _FIRM_NAMES]
        firms += ["北京京越（绍兴）律师事务所", "上海汇申（绍兴）律师事务所"]
        for firm in firms:
            for _ in range(self._rng.randint(4, 10)):
                self.lawyers.append(Agent(self._names.full(self._rng.random() < 0.6), firm, "lawyer"))
            if self._rng.random() < 0.5:
                self.lawyers.append(Agent(self._names.full(self._rng.random() < 0.5), firm, "trainee_lawyer"))
        for d in geo.DISTRICTS:
            for street in d.streets[:3]:
                town = street.replace("街道", "")
                office = f"{d.prefix.replace('浙江省', '')}{d.name}{town}法律服务所"
                for _ in range(2):
                    self.legal_workers.append(
                        Agent(self._names.full(self._rng.random() < 0.7), office, "legal_worker")
                    )

    def _district(self) -> geo.District:
        return self._rng.choices(geo.DISTRICTS, weights=[d.weight for d in geo.DISTRICTS])[0]

    def _address(self, d: geo.District) -> str:
        r = self._rng
        return f"{d.prefix}{d.name}{r.choice(d.streets)}{r.choice(geo.ROADS)}{r.randint(1, 999)}号"

    def _unique(self, name: str) -> str | None:
        if name in self._used:
            return None
        self._used.add(name)
        return name

    def new(
        self,
        type_: str,
        d: geo.District,
        rep: Person | None = None,
        name: str | None = None,
        industry: str | None = None,
        branch: bool = False,
        established: dt.date | None = None,
        licence: bool = False,
    ) -> Organization:
        """A new organisation of ``type_`` in district ``d``."""
        r = self._rng
        if industry is None:
            industry = r.choices([i for i, _ in _INDUSTRIES], weights=[w for _, w in _INDUSTRIES])[0]
        while name is None:
            trade = r.choice(_TRADE_NAMES) + (r.choice(_TRADE_NAMES)[0] if r.random() < 0.3 else "")
            place = r.choice(
                (
                    f"绍兴市{d.name}" if d.prefix.endswith("绍兴市") else d.name,
                    "绍兴",
                    "浙江",
                    f"绍兴{trade[:0]}",
                )
            )
            if type_ == "repair_shop":
                cand = f"{place}{trade}汽车维修服务有限公司"
            elif type_ == "appraiser":
                cand = f"{place}{trade}机动车鉴定评估有限公司"
            elif type_ == "consulting":
                cand = f"{place}{trade}投资咨询有限公司"
            else:
                cand = f"{place}{trade}{industry}{r.choice(('有限公司', '有限公司', '股份有限公司'))}"
            name = self._unique(cand)
        if established is None:
            established = dt.date.fromordinal(
                r.randint(dt.date(1998, 1, 1).toordinal(), dt.date(2015, 12, 31).toordinal())
            )
        new_style = established.year >= 2016 or r.random() < 0.3
        entity = "91"
        code = credit_code(r, d.new_code, entity, new_style)
        if rep is None:
            rep_name, rep_key = self._names.full(r.random() < 0.8), None
        else:
            rep_name, rep_key = rep.name, rep.key
        if branch:
            title, job = "负责人", r.choice(("行长", "经理", "总经理"))
        else:
            title = "法定代表人"
            job = r.choice(("董事长", "执行董事", "总经理", "执行董事兼总经理"))
        org = Organization(
            code,
            name,
            type_,
            industry,
            d.key,
            self._address(d),
            rep_name,
            rep_key,
            title,
            job,
            established,
            r.choice((50, 100, 200, 500, 1000, 3000)),
            licence,
        )
        self.all.append(org)
        return org

    def _fixed(self) -> None:
        by = geo.DISTRICT_BY_KEY
        y = by["yuecheng"]
        head = self.new(
            "bank",
            y,
            name=self._unique("绍兴鉴湖农村商业银行股份有限公司"),
            industry="银行",
            licence=True,
        )
        self.banks.append(head)
        for d in geo.DISTRICTS:
            self.banks.append(
                self.new(
                    "bank",
                    d,
                    name=self._unique(
                        f"绍兴鉴湖农村商业银行股份有限公司{d.name[:-1] if len(d.name) > 2 else d.name}支行"
                    ),
                    industry="银行",
                    branch=True,
                    licence=True,
                )
            )
        for nm, dk in (
            ("浙江越州银行股份有限公司绍兴分行", "yuecheng"),
            ("浙江越州银行股份有限公司诸暨支行", "zhuji"),
            ("稽山商业银行股份有限公司柯桥支行", "keqiao"),
            ("稽山商业银行股份有限公司上虞支行", "shangyu"),
        ):
            self.banks.append(
                self.new(
                    "bank",
                    by[dk],
                    name=self._unique(nm),
                    industry="银行",
                    branch=True,
                    licence=True,
                )
            )
        for nm, dk in (
            ("绍兴市越城区稽山小额贷款股份有限公司", "yuecheng"),
            ("绍兴市柯桥区轻纺城小额贷款有限公司", "keqiao"),
            ("绍兴市上虞区舜江小额贷款股份有限公司", "shangyu"),
            ("诸暨市浣江小额贷款股份有限公司", "zhuji"),
            ("嵊州市剡溪小额贷款有限公司", "shengzhou"),
            ("新昌县天姥小额贷款有限公司", "xinchang"),
        ):
            self.small_loans.append(
                self.new("small_loan", by[dk], name=self._unique(nm), industry="小额贷款", licence=True)
            )
        for nm in (
            "越安财产保险股份有限公司绍兴中心支公司",
            "华越财产保险股份有限公司绍兴市分公司",
            "东方鉴湖财产保险股份有限公司绍兴分公司",
            "中鼎财产保险股份有限公司绍兴中心支公司",
        ):
            self.insurers.append(
                self.new(
                    "insurer",
                    y,
                    name=self._unique(nm),
                    industry="财产保险",
                    branch=True,
                    licence=True,
                )
            )
        for _ in range(12):
            d = self._district()
            self.repair_shops.append(self.new("repair_shop", d, industry="汽车维修"))
        for _ in range(4):
            self.appraisers.append(self.new("appraiser", self._district(), industry="鉴定评估"))
        self.amc = self.new(
            "amc",
            y,
            name=self._unique("浙江越兴资产管理有限公司"),
            industry="资产管理",
            licence=True,
        )

    def pick_company(self, rng: random.Random, district: str | None = None) -> Organization:
        for _ in range(4):
            c = self.companies[rng.randrange(len(self.companies))]
            if district is None or c.district == district:
                return c
        return c

    def lawyer(self, rng: random.Random) -> Agent:
        return self.lawyers[rng.randrange(len(self.lawyers))]

    def legal_worker(self, rng: random.Random) -> Agent:
        return self.legal_workers[rng.randrange(len(self.legal_workers))]
