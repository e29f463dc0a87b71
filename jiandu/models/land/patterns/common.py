"""What the land patterns share: grantees, transfers and their export rows.

Every land pattern draws from its own random stream (``land:<pattern>:<copy>``), never the
county's shared one, so planting land changes nothing another domain plants. The data end on
`AS_OF` (the latest date in every batch, the models' as-of date).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from jiandu.legal.enforcement import add_months
from jiandu.synth.companies import Organization
from jiandu.synth.geography import DISTRICTS, District
from jiandu.synth.ids import credit_code, resident_id
from jiandu.synth.names import NameMaker

from .exports import serial

AS_OF = dt.date(2024, 12, 31)
_TRADES = "越州鉴湖兰亭会稽稽山古越若耶东浦柯岩曹娥暨阳浣纱剡溪天姥沃洲大佛府山塔山迪荡镜湖书圣"
_KINDS = (
    "置业有限公司",
    "房地产开发有限公司",
    "实业有限公司",
    "科技有限公司",
    "纺织有限公司",
    "智能制造有限公司",
)
_SIDES = ("东至", "南至", "西至")
_USES = (
    ("住宅用地", "商品住房"),
    ("商服用地", "商业综合体"),
    ("工业用地", "厂房建设"),
    ("工业用地", "智能制造基地"),
)


@dataclass(slots=True)
class Transfer:
    """One planted land transfer (电子监管号) and its instalments."""

    supervision_no: str
    district: District
    project: str
    location: str
    area_ha: float
    land_use: str
    price_wan: float
    grantee: Organization
    contract_date: dt.date
    start_due: dt.date
    start_actual: dt.date | None = None
    instalments: list[tuple[int, dt.date, float]] = field(default_factory=list)  # (period, due, 万元)

    def subject(self) -> Organization:
        """The clue's subject: the parcel, keyed by its 电子监管号, named as the model names it."""
        g = self.grantee
        return Organization(
            key=self.supervision_no,
            name=f"{g.name}（{self.project}）",
            type="parcel",
            industry=self.land_use,
            district=self.district.key,
            address=self.location,
            rep_name="",
            rep_key=None,
            rep_title="",
            rep_job="",
            established=self.contract_date,
            capital=0,
        )


class LandMaker:
    """Grantees, transfers, payments and decisions with unique numbers."""

    def __init__(self, rng: random.Random, batch: int, copy: int) -> None:
        self.rng = rng
        self.names = NameMaker(rng)
        self.batch = batch
        self.copy = copy
        self.serial = 0

    def next(self) -> int:
        self.serial += 1
        return self.batch * 100_000 + self.copy * 1_000 + self.serial

    def document_no(self) -> int:
        """A decision's serial number, unique across batches and copies (keys of the ledgers)."""
        return self.next() - 200_000

    def district(self) -> District:
        return self.rng.choices(DISTRICTS, weights=[d.weight for d in DISTRICTS])[0]

    def company(self, district: District) -> Organization:
        n = self.next()
        trade = _TRADES[(n * 2) % len(_TRADES) : (n * 2) % len(_TRADES) + 2]
        given = self.names.full(self.rng.random() < 0.5)[-2:]
        name = f"绍兴{trade}{given}{self.rng.choice(_KINDS)}"
        street = self.rng.choice(district.streets)
        return Organization(
            key=credit_code(self.rng, district.new_code),
            name=name,
            type="company",
            industry="房地产业",
            district=district.key,
            address=f"{district.prefix}{district.name}{street}{self.rng.randint(1, 300)}号",
            rep_name=self.names.full(True),
            rep_key=None,
            rep_title="法定代表人",
            rep_job="执行董事",
            established=dt.date(2010, 1, 1),
            capital=5000,
        )

    def person_key(self, district: District) -> str:
        birth = dt.date(self.rng.randint(1955, 1990), self.rng.randint(1, 12), self.rng.randint(1, 28))
        return resident_id(district.old_code, birth, self.rng.randint(0, 499), self.rng.random() < 0.7)

    def transfer(
        self,
        contract_date: dt.date,
        *,
        price_wan: float | None = None,
        periods: int = 2,
        start_months: int = 12,
        district: District | None = None,
    ) -> Transfer:
        d = district or self.district()
        n = self.next()
        use, project = self.rng.choice(_USES)
        street = self.rng.choice(d.streets)
        price = price_wan if price_wan is not None else float(self.rng.randint(800, 60_000))
        t = Transfer(
            supervision_no=f"{d.new_code}{contract_date.year}B{n:08d}",
            district=d,
            project=f"{street}{project}项目（{n}）",
            location=f"{d.prefix}{d.name}{street}{self.rng.choice(_SIDES)}规划道路{n % 50}号地块",
            area_ha=round(self.rng.uniform(0.6, 12.0), 4),
            land_use=use,
            price_wan=price,
            grantee=self.company(d),
            contract_date=contract_date,
            start_due=add_months(contract_date, start_months),
        )
        # the first half within a month of signing, the rest in equal instalments 3–6 months apart
        first = round(price * 0.5, 2) if periods > 1 else price
        t.instalments.append((1, contract_date + dt.timedelta(days=30), first))
        rest = round(price - first, 2)
        due = contract_date + dt.timedelta(days=30)
        for p in range(2, periods + 1):
            due = add_months(due, self.rng.choice((3, 4, 6)))
            amount = (
                round(rest / (periods - 1), 2)
                if p < periods
                else round(rest - round(rest / (periods - 1), 2) * (periods - 2), 2)
            )
            t.instalments.append((p, due, amount))
        return t

    def payment_no(self) -> str:
        return f"3306{self.next():010d}"


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def contract_row(t: Transfer, *, excel_serial: bool = False, empty_as_1900: bool = False) -> dict[str, Any]:
    signed = serial(t.contract_date) if excel_serial else _date(t.contract_date)
    return {
        "行政区": t.district.name,
        "电子监管号": t.supervision_no,
        "项目名称": t.project,
        "项目位置": t.location,
        "面积(公顷)": f"{t.area_ha:.4f}",
        "土地来源": "新增建设用地",
        "土地用途": t.land_use,
        "供地方式": "挂牌出让",
        "土地使用年限": "70" if t.land_use == "住宅用地" else ("40" if t.land_use == "商服用地" else "50"),
        "行业分类": "房地产业" if t.land_use != "工业用地" else "制造业",
        "土地级别": "二级",
        "成交价格(万元)": f"{t.price_wan:.2f}",
        "土地使用权人": t.grantee.name,
        "统一社会信用代码": t.grantee.key,
        "约定容积率下限": "1.0",
        "约定容积率上限": "2.5",
        "约定交地时间": _date(t.contract_date + dt.timedelta(days=60)),
        "约定开工时间": _date(t.start_due),
        "约定竣工时间": _date(add_months(t.start_due, 36)),
        "实际开工时间": _date(t.start_actual) if t.start_actual else ("1900-01-01" if empty_as_1900 else ""),
        "实际竣工时间": "",
        "批准单位": "绍兴市人民政府",
        "合同签订日期": signed,
    }


def instalment_rows(t: Transfer) -> list[dict[str, Any]]:
    return [
        {
            "电子监管号": t.supervision_no,
            "支付期号": str(p),
            "约定支付日期": _date(due),
            "约定支付金额(万元)": f"{amount:.2f}",
            "备注": "首期" if p == 1 else "",
        }
        for p, due, amount in t.instalments
    ]


def payment_row(
    m: LandMaker,
    t: Transfer,
    amount_yuan: float,
    day: dt.date,
    *,
    item: str = "国有土地使用权出让价款",
    payer: Organization | None = None,
    with_ref: bool = True,
    with_key: bool = True,
) -> dict[str, Any]:
    who = payer or t.grantee
    return {
        "缴款书号": m.payment_no(),
        "缴款人名称": who.name,
        "缴款人识别号": who.key if with_key else "",
        "收入项目": item,
        "金额(元)": f"{amount_yuan:.2f}",
        "缴款日期": _date(day),
        "入库日期": _date(min(AS_OF, day + dt.timedelta(days=m.rng.randint(0, 3)))),
        "执收单位": "国家税务总局绍兴市税务局" if day.year >= 2021 else "绍兴市自然资源和规划局",
        "电子监管号": t.supervision_no if with_ref else "",
    }


def pay_all(
    m: LandMaker, t: Transfer, *, late_days: dict[int, int] | None = None, **kw: Any
) -> list[dict[str, Any]]:
    """Payment rows for every instalment, on its due day or ``late_days`` after it."""
    late = late_days or {}
    return [
        payment_row(m, t, amount * 10_000, due + dt.timedelta(days=late.get(p, 0)), **kw)
        for p, due, amount in t.instalments
    ]
