"""A hand-built county for the execution models, written as the agencies export it.

Every file is in an agency's own layout (Chinese or pinyin headers, code lists, the 失信 JSON of
the court's public list with a masked ID number, one file in GB18030, a refund and a duplicated
row) and is loaded through the declared sources by `jiandu ingest registers`, so the tests cover
the sources and the models together. Each person below is a planted positive or a near miss of
one model; `EXPECTED` names which clue each model must give.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path

from jiandu.engines.base import Engine
from jiandu.ingest.registers import RegisterReport, ingest_registers
from jiandu.synth.ids import credit_code, resident_id

D = dt.date
LENDER = "绍兴恒信小额贷款股份有限公司"
BANK = "中国工商银行股份有限公司绍兴分行"
YUECHENG = "浙江省绍兴市越城区人民法院"
COURT_CODE = "浙0602"
_rng = random.Random(14)


def pid(birth: dt.date, seq: int, male: bool) -> str:
    return resident_id("330602", birth, seq, male)


def masked(key: str) -> str:
    """The public list's form: 11 visible, ****, the last 4."""
    return key[:11] + "****" + key[14:]


def fragment(key: str) -> str:
    """How a change record prints a holder's number: region, stars, the last four."""
    return key[:6] + "********" + key[14:]


def case(n: int, year: int = 2021) -> str:
    return f"（{year}）{COURT_CODE}执{n}号"


# -- people ----------------------------------------------------------------------------------
WANG = pid(D(1975, 3, 4), 11, True)  # banned; flies, G train, five-star hotel, second passport
LI = pid(D(1980, 6, 7), 12, False)  # on the public 失信 list with a masked number; flies
ZHAO = pid(D(1970, 1, 2), 13, True)  # ban lifted before his flight: near miss
QIAN = pid(D(1968, 9, 9), 14, True)  # legal representative of a restricted company; buys a car
SUN = pid(D(1982, 2, 2), 15, False)  # bought a flat the month before her ban: near miss
ZHOU = pid(D(1985, 5, 5), 16, True)  # never restricted; flies often: near miss
WU = pid(D(1972, 7, 7), 17, True)  # 终本 without property inquiry or interview
ZHENG = pid(D(1974, 4, 4), 18, False)  # 终本 two months after filing
FENG = pid(D(1976, 6, 16), 19, True)  # 终本 exactly three months after filing, every step: near miss
CHEN = pid(D(1978, 8, 8), 20, False)  # compliant 终本, then buys a house
JIANG_T = pid(D(1979, 9, 19), 21, True)  # compliant 终本, buys a car, execution resumed: near miss
CHU = pid(D(1966, 6, 6), 22, True)  # debtor: flat to his wife after the judgment
CHU_WIFE = pid(D(1968, 3, 3), 23, False)
WEI = pid(D(1971, 1, 1), 24, True)  # debtor: car to his own company
JIANG = pid(D(1973, 3, 13), 25, True)  # debtor whose wife buys from a stranger: near miss
JIANG_WIFE = pid(D(1975, 5, 15), 26, False)
SHEN = pid(D(1977, 7, 17), 27, True)  # debtor: sells to an unrelated buyer: near miss
BUYER = pid(D(1990, 10, 10), 28, False)
HAN = pid(D(1960, 6, 16), 29, True)  # flat to his son before the duty arose: near miss
HAN_SON = pid(D(1986, 8, 18), 30, True)
YANG = pid(D(1969, 9, 29), 31, True)  # debtor: his shares to his wife
YANG_WIFE = pid(D(1971, 11, 21), 32, False)
STRANGER = pid(D(1965, 5, 25), 33, True)

QIAN_CO = credit_code(_rng, "330602")
WEI_CO = credit_code(_rng, "330602")
YANG_CO = credit_code(_rng, "330602")
CREDITOR_CO = credit_code(_rng, "330602")
LENDER_CO = credit_code(_rng, "330602")  # notarised debts, same-day batches: batch anomaly
BANK_CO = credit_code(_rng, "330602")  # many cases on judgments, spread over the year: near miss
BORROWER = pid(D(1988, 8, 28), 34, True)  # respondent of those cases

NAMES = {
    WANG: "王建国",
    LI: "李秀英",
    ZHAO: "赵强",
    QIAN: "钱伟",
    SUN: "孙丽",
    ZHOU: "周杰",
    WU: "吴刚",
    ZHENG: "郑敏",
    FENG: "冯军",
    CHEN: "陈静",
    JIANG_T: "蒋涛",
    CHU: "褚明",
    CHU_WIFE: "何芳",
    WEI: "卫东",
    JIANG: "蒋华",
    JIANG_WIFE: "唐燕",
    SHEN: "沈阳",
    BUYER: "许婷",
    HAN: "韩冰",
    HAN_SON: "韩磊",
    YANG: "杨帆",
    YANG_WIFE: "秦霞",
    STRANGER: "吕志",
    BORROWER: "施杰",
}

EXPECTED = {
    "execution.ban_violation": {WANG, LI, QIAN},
    "execution.final_closure_compliance": {WU, ZHENG, CHEN},
    "execution.refusal_to_execute": {CHU, WEI, YANG},
    "execution.batch_anomaly": {LENDER_CO},
}
NEAR_MISSES = {
    "execution.ban_violation": {ZHAO, SUN, ZHOU},
    "execution.final_closure_compliance": {FENG, JIANG_T},
    "execution.refusal_to_execute": {JIANG, SHEN, HAN},
    "execution.batch_anomaly": {BANK_CO, CREDITOR_CO},
}


def _csv(path: Path, header: list[str], rows: list[list[object]], encoding: str = "utf-8") -> None:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in row] for row in rows])


def write_exports(folder: Path) -> Path:
    """Write every agency's export for the hand-built county under ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    # 法院: execution cases (synthetic layout: canonical columns), measures (child tables)
    ex_header = [
        "case_number",
        "court",
        "court_code",
        "filing_date",
        "applicant_name",
        "applicant_key",
        "applicant_kind",
        "respondent_name",
        "respondent_key",
        "respondent_kind",
        "cause",
        "basis_case_number",
        "basis_document",
        "amount",
        "status",
        "closing_mode",
        "closing_date",
        "distribution_from_case",
    ]

    def ex(
        n: int, year: int, who: str, filed: dt.date, mode: str | None, closed: dt.date | None
    ) -> list[object]:
        return [
            case(n, year),
            YUECHENG,
            COURT_CODE,
            filed.isoformat(),
            "绍兴某贸易有限公司",
            CREDITOR_CO,
            "organization",
            NAMES[who],
            who,
            "person",
            "买卖合同纠纷",
            f"（{year - 1}）{COURT_CODE}民初{n}号",
            "民事判决书",
            300_000 + n,
            "已结案" if mode else "执行中",
            mode or "",
            closed.isoformat() if closed else "",
            "",
        ]

    def batch(n: int, applicant: str, key: str, filed: dt.date, basis: str) -> list[object]:
        notarised = basis == "公证债权文书"
        return [
            case(n),
            YUECHENG,
            COURT_CODE,
            filed.isoformat(),
            applicant,
            key,
            "organization",
            NAMES[BORROWER],
            BORROWER,
            "person",
            "借款合同纠纷",
            f"（2021）浙绍越证执字第{n}号" if notarised else f"（2020）{COURT_CODE}民初{n}号",
            basis,
            50_000 + n,
            "执行中",
            "",
            "",
            "",
        ]

    zb = "终结本次执行程序"
    _csv(
        folder / "execution_cases.csv",
        ex_header,
        [
            ex(101, 2021, WANG, D(2021, 2, 1), None, None),
            ex(201, 2021, WU, D(2021, 1, 10), zb, D(2021, 6, 10)),
            ex(202, 2021, ZHENG, D(2021, 3, 1), zb, D(2021, 5, 1)),
            ex(203, 2021, FENG, D(2021, 1, 15), zb, D(2021, 4, 15)),
            ex(204, 2020, CHEN, D(2020, 1, 10), zb, D(2020, 6, 10)),
            ex(205, 2020, JIANG_T, D(2020, 1, 10), zb, D(2020, 5, 1)),
            [
                f"（2021）{COURT_CODE}执恢9号",
                YUECHENG,
                COURT_CODE,
                "2021-02-01",
                "绍兴某贸易有限公司",
                CREDITOR_CO,
                "organization",
                NAMES[JIANG_T],
                JIANG_T,
                "person",
                "买卖合同纠纷",
                f"（2019）{COURT_CODE}民初205号",
                "民事判决书",
                300_205,
                "执行中",
                "",
                "",
                "",
            ],
            ex(301, 2021, CHU, D(2021, 2, 1), None, None),
            ex(302, 2021, WEI, D(2021, 2, 1), zb, D(2021, 8, 1)),
            ex(303, 2021, JIANG, D(2021, 2, 1), None, None),
            ex(304, 2021, SHEN, D(2021, 2, 1), None, None),
            ex(305, 2021, HAN, D(2021, 6, 1), None, None),
            ex(306, 2021, YANG, D(2021, 2, 1), None, None),
        ]
        + [
            batch(
                500 + i,
                LENDER,
                LENDER_CO,
                D(2021, 3, 15) if i < 8 else D(2021, 4, 1) + dt.timedelta(days=9 * i),
                "公证债权文书",
            )
            for i in range(24)
        ]
        + [
            batch(600 + i, BANK, BANK_CO, D(2021, 1, 4) + dt.timedelta(days=14 * i), "民事判决书")
            for i in range(25)
        ],
    )
    steps = ("执行通知书", "报告财产令", "网络查控", "限制消费令", "约谈")

    def measures(
        n: int, year: int, who: str, filed: dt.date, closed: dt.date, skip: tuple[str, ...] = ()
    ) -> list[list[object]]:
        out: list[list[object]] = []
        for i, m in enumerate(steps):
            if m in skip:
                continue
            when = filed + dt.timedelta(days=2 + i * 5) if m != "约谈" else closed - dt.timedelta(days=3)
            out.append(
                [
                    case(n, year),
                    who,
                    m,
                    when.strftime("%Y%m%d"),
                    "未发现可供执行财产" if m == "网络查控" else "",
                    "执行局",
                ]
            )
        return out

    _csv(
        folder / "执行措施记录.csv",
        ["案号", "被执行人证件号码", "措施类型", "措施日期", "结果", "实施单位"],
        measures(201, 2021, WU, D(2021, 1, 10), D(2021, 6, 10), skip=("网络查控", "约谈", "限制消费令"))
        + measures(202, 2021, ZHENG, D(2021, 3, 1), D(2021, 5, 1))
        + measures(203, 2021, FENG, D(2021, 1, 15), D(2021, 4, 15))
        + [[case(203), FENG, "纳入失信被执行人名单", "20210301", "", "执行局"]]
        + measures(204, 2020, CHEN, D(2020, 1, 10), D(2020, 6, 10))
        + measures(205, 2020, JIANG_T, D(2020, 1, 10), D(2020, 5, 1))
        + measures(302, 2021, WEI, D(2021, 2, 1), D(2021, 8, 1)),
    )
    # 限高 (synthetic layout) and 失信 (the public list's JSON, a masked ID number)
    _csv(
        folder / "consumption_bans.csv",
        ["name", "key", "kind", "legal_rep_name", "case_number", "court", "issue_date", "lifted_date"],
        [
            [NAMES[WANG], WANG, "person", "", case(101), YUECHENG, "2021-03-01", ""],
            [NAMES[ZHAO], ZHAO, "person", "", case(102), YUECHENG, "2021-01-01", "2021-06-01"],
            [
                "绍兴钱氏贸易有限公司",
                QIAN_CO,
                "organization",
                NAMES[QIAN],
                case(103),
                YUECHENG,
                "2021-09-01",
                "",
            ],
            [NAMES[SUN], SUN, "person", "", case(104), YUECHENG, "2022-01-01", ""],
            [NAMES[WU], WU, "person", "", case(201), YUECHENG, "2021-01-20", ""],
        ],
    )
    shixin = [
        {
            "type": "失信被执行人名单",
            "iname": NAMES[LI],
            "sexy": "女",
            "age": "40",
            "cardNum": masked(LI),
            "caseCode": "(2019)浙0602执888号",
            "courtName": "越城法院",
            "areaName": "浙江",
            "regDate": "20200101",
            "publishDate": "2020年01月05日",
            "gistId": "（2019）浙0602民初888号",
            "gistUnit": YUECHENG,
            "performance": "全部未履行",
            "disruptTypeName": "有履行能力而拒不履行生效法律文书确定义务",
            "duty": "偿还借款……",
            "loc": "shixin.court.gov.cn/detail?id=1",
        }
    ]
    (folder / "shixin_test.json").write_text(json.dumps(shixin, ensure_ascii=False), encoding="utf-8")
    # 出入境: two passports for 王建国
    _csv(
        folder / "出入境证件信息.csv",
        [
            "姓名",
            "性别",
            "出生日期",
            "公民身份号码",
            "证件种类",
            "证件号码",
            "签发日期",
            "有效期至",
            "证件状态",
        ],
        [
            [NAMES[WANG], "1", "19750304", WANG, "414", "E12345678", "2019-04-01", "2029-03-31", "有效"],
            [NAMES[WANG], "1", "19750304", WANG, "414", "e 87654321", "2022-01-05", "2032-01-04", "有效"],
        ],
    )
    # 民航: OTA certificate codes, booking sub-classes, a refund as its own row, a duplicate
    fl_header = [
        "旅客姓名",
        "证件类型",
        "证件号码",
        "航空公司",
        "航班号",
        "舱位",
        "起飞机场",
        "到达机场",
        "航班日期",
        "起飞时间",
        "票号",
        "PNR",
        "登机状态",
        "客票状态",
    ]
    _csv(
        folder / "民航旅客乘机记录.csv",
        fl_header,
        [
            [
                NAMES[WANG],
                "0",
                WANG,
                "CA",
                "CA1501",
                "Y",
                "HGH",
                "PEK",
                "2021-01-10",
                "2021-01-10 08:00:00",
                "999-1",
                "P1",
                "已登机",
                "已使用",
            ],
            [
                NAMES[WANG],
                "0",
                WANG,
                "MU",
                "MU5101",
                "Y",
                "HGH",
                "PEK",
                "2021-05-02",
                "2021-05-02 09:00:00",
                "781-2",
                "P2",
                "已登机",
                "已使用",
            ],
            [
                NAMES[WANG],
                "0",
                WANG,
                "MU",
                "MU5101",
                "Y",
                "HGH",
                "PEK",
                "2021-05-02",
                "2021-05-02 09:00:00",
                "781-2",
                "P2",
                "已登机",
                "已使用",
            ],
            [
                NAMES[WANG],
                "0",
                WANG,
                "CA",
                "CA1502",
                "Y",
                "PEK",
                "HGH",
                "2021-06-01",
                "2021-06-01 18:00:00",
                "999-3",
                "P3",
                "未登机",
                "已出票",
            ],
            [
                NAMES[WANG],
                "0",
                WANG,
                "CA",
                "CA1502",
                "Y",
                "PEK",
                "HGH",
                "2021-06-01",
                "2021-06-01 18:00:00",
                "999-3",
                "P3",
                "未登机",
                "已退票",
            ],
            [
                "WANG/JIANGUO",
                "1",
                "E12345678",
                "HO",
                "HO1234",
                "C",
                "PVG",
                "NRT",
                "2021-07-01",
                "2021-07-01 10:00:00",
                "018-4",
                "P4",
                "已登机",
                "已使用",
            ],
            [
                NAMES[LI],
                "0",
                LI,
                "ZH",
                "ZH9001",
                "Y",
                "HGH",
                "SZX",
                "2020-03-01",
                "2020-03-01 07:30:00",
                "479-5",
                "P5",
                "已登机",
                "已使用",
            ],
            [
                NAMES[ZHAO],
                "0",
                ZHAO,
                "CA",
                "CA1701",
                "Y",
                "HGH",
                "CTU",
                "2021-07-01",
                "2021-07-01 12:00:00",
                "999-6",
                "P6",
                "已登机",
                "已使用",
            ],
            [
                NAMES[ZHOU],
                "0",
                ZHOU,
                "CA",
                "CA1801",
                "F",
                "HGH",
                "PEK",
                "2021-07-01",
                "2021-07-01 12:00:00",
                "999-7",
                "P7",
                "已登机",
                "已使用",
            ],
        ],
    )
    # 铁路 (GB18030): 12306 seat codes
    _csv(
        folder / "铁路旅客乘车记录.csv",
        [
            "乘车人",
            "证件类型",
            "证件号码",
            "车次",
            "乘车日期",
            "发站",
            "到站",
            "开车时间",
            "席别",
            "车厢号",
            "席位号",
            "票价",
            "票状态",
        ],
        [
            [
                NAMES[WANG],
                "1",
                WANG,
                "G7501",
                "2021-08-01",
                "绍兴北",
                "上海虹桥",
                "2021-08-01 09:10",
                "O",
                "05",
                "12F",
                "98.5",
                "已出票",
            ],
            [
                NAMES[WANG],
                "1",
                WANG,
                "D3101",
                "2021-08-05",
                "绍兴北",
                "杭州东",
                "2021-08-05 09:10",
                "O",
                "03",
                "01A",
                "24.5",
                "已出票",
            ],
            [
                NAMES[ZHOU],
                "1",
                ZHOU,
                "G7502",
                "2021-08-01",
                "绍兴北",
                "上海虹桥",
                "2021-08-01 09:10",
                "M",
                "01",
                "02A",
                "158",
                "已出票",
            ],
        ],
        encoding="gb18030",
    )
    # 公安: hotels (with star rating) and check-ins (pinyin columns, GA/T codes)
    _csv(
        folder / "旅馆业场所登记.csv",
        ["LGBM", "LGMC", "LGDZ", "LGDZQH", "LGLX", "XJ"],
        [
            ["3306020001", "绍兴咸亨大酒店", "越城区鲁迅中路", "330602", "酒店", "五星级"],
            ["3306020002", "越城区平安旅社", "越城区解放路", "330602", "旅社", "无"],
        ],
    )
    _csv(
        folder / "旅馆住宿登记.csv",
        ["ZKLSH", "XM", "XB", "ZJLX", "ZJHM", "LGBM", "LGMC", "FH", "RZSJ", "LDSJ", "CJSJ"],
        [
            [
                "S1",
                NAMES[WANG],
                "1",
                "111",
                WANG,
                "3306020001",
                "咸亨大酒店",
                "0812",
                "2021-09-01 20:00:00",
                "2021-09-02 11:00:00",
                "2021-09-01 20:05:00",
            ],
            [
                "S2",
                NAMES[WANG],
                "1",
                "111",
                WANG,
                "3306020002",
                "平安旅社",
                "203",
                "2021-09-10 20:00:00",
                "",
                "2021-09-10 20:05:00",
            ],
        ],
    )
    # 不动产登记
    re_header = [
        "不动产单元号",
        "不动产权证书号",
        "权利人",
        "权利人证件号",
        "义务人",
        "义务人证件号",
        "共有情况",
        "坐落",
        "权利类型",
        "登记类型",
        "登记时间",
        "用途",
        "建筑面积",
        "成交价格",
    ]

    def unit(n: int) -> str:
        return f"330602001001GB00{n:03d}F{n:08d}"

    _csv(
        folder / "不动产登记信息.csv",
        re_header,
        [
            [
                unit(1),
                "浙(2021)绍兴市不动产权第0000001号",
                NAMES[SUN],
                SUN,
                NAMES[STRANGER],
                STRANGER,
                "单独所有",
                "越城区胜利路1号",
                "国有建设用地使用权/房屋所有权",
                "转移登记",
                "2021-12-01",
                "住宅",
                "89.5",
                "1200000",
            ],
            [
                unit(2),
                "浙(2022)绍兴市不动产权第0000002号",
                NAMES[CHEN],
                CHEN,
                "",
                "",
                "单独所有",
                "越城区城南大道2号",
                "国有建设用地使用权/房屋所有权",
                "首次登记",
                "2022-03-01",
                "住宅",
                "120",
                "2100000",
            ],
            [
                unit(3),
                "浙(2021)绍兴市不动产权第0000003号",
                NAMES[CHU_WIFE],
                CHU_WIFE,
                NAMES[CHU],
                CHU,
                "单独所有",
                "越城区中兴路3号",
                "国有建设用地使用权/房屋所有权",
                "转移登记",
                "2021-05-01",
                "住宅",
                "101",
                "",
            ],
            [
                unit(4),
                "浙(2021)绍兴市不动产权第0000004号",
                NAMES[JIANG_WIFE],
                JIANG_WIFE,
                NAMES[STRANGER],
                STRANGER,
                "单独所有",
                "越城区环城西路4号",
                "国有建设用地使用权/房屋所有权",
                "转移登记",
                "2021-06-01",
                "住宅",
                "88",
                "950000",
            ],
            [
                unit(5),
                "浙(2021)绍兴市不动产权第0000005号",
                NAMES[BUYER],
                BUYER,
                NAMES[SHEN],
                SHEN,
                "单独所有",
                "越城区迪荡路5号",
                "国有建设用地使用权/房屋所有权",
                "转移登记",
                "2021-06-01",
                "住宅",
                "92",
                "1300000",
            ],
            [
                unit(6),
                "浙(2021)绍兴市不动产权第0000006号",
                NAMES[HAN_SON],
                HAN_SON,
                NAMES[HAN],
                HAN,
                "单独所有",
                "越城区府山路6号",
                "国有建设用地使用权/房屋所有权",
                "转移登记",
                "2021-03-01",
                "住宅",
                "75",
                "",
            ],
        ],
    )
    # 车管: pinyin columns, codes
    _csv(
        folder / "机动车登记信息.csv",
        [
            "HPHM",
            "HPZL",
            "CLSBDH",
            "CLLX",
            "CLPP",
            "SYR",
            "SFZMMC",
            "SFZMHM",
            "YSYR",
            "YSFZMHM",
            "SYXZ",
            "ZT",
            "YWLX",
            "DJRQ",
            "CCDJRQ",
            "GCJG",
        ],
        [
            [
                "浙D·A1234",
                "02",
                "LSVAA4182E2000001",
                "K33",
                "大众帕萨特",
                NAMES[QIAN],
                "A",
                QIAN,
                "",
                "",
                "A",
                "A",
                "A",
                "20220101",
                "20220101",
                "230000",
            ],
            [
                "浙D·B2345",
                "02",
                "LSVAA4182E2000002",
                "K33",
                "丰田凯美瑞",
                NAMES[JIANG_T],
                "A",
                JIANG_T,
                "",
                "",
                "A",
                "A",
                "A",
                "20210101",
                "20210101",
                "200000",
            ],
            [
                "浙D·C3456",
                "02",
                "LSVAA4182E2000003",
                "K33",
                "宝马530Li",
                "绍兴卫东贸易有限公司",
                "N",
                WEI_CO,
                NAMES[WEI],
                WEI,
                "A",
                "A",
                "B",
                "20211001",
                "20190501",
                "",
            ],
        ],
    )
    # 市场监管: equity change as free text
    _csv(
        folder / "企业变更记录.csv",
        ["企业名称", "统一社会信用代码", "变更事项", "变更前内容", "变更后内容", "变更日期"],
        [
            [
                "绍兴杨帆实业有限公司",
                YANG_CO,
                "股东变更",
                f"{NAMES[YANG]}（{fragment(YANG)}）认缴出资60万元，持股60%；{NAMES[STRANGER]}（{fragment(STRANGER)}）认缴出资40万元，持股40%",
                f"{NAMES[YANG_WIFE]}（{fragment(YANG_WIFE)}）认缴出资60万元，持股60%；{NAMES[STRANGER]}（{fragment(STRANGER)}）认缴出资40万元，持股40%",
                "2021-07-01",
            ],
        ],
    )
    # 户籍 and 企业登记 (synthetic layouts) for the relations
    hh = [
        "household_id",
        "person_id",
        "name",
        "sex",
        "birth_date",
        "ethnicity",
        "relation_to_head",
        "spouse_id",
        "father_id",
        "mother_id",
        "address",
        "region_code",
    ]

    def person(h: str, key: str, rel: str, spouse: str = "", father: str = "") -> list[object]:
        male = int(key[16]) % 2 == 1
        return [
            h,
            key,
            NAMES[key],
            "男" if male else "女",
            f"{key[6:10]}-{key[10:12]}-{key[12:14]}",
            "汉族",
            rel,
            spouse,
            father,
            "",
            f"浙江省绍兴市越城区{h}号",
            "330602",
        ]

    _csv(
        folder / "household.csv",
        hh,
        [
            person("H1", CHU, "户主", CHU_WIFE),
            person("H1", CHU_WIFE, "配偶", CHU),
            person("H2", JIANG, "户主", JIANG_WIFE),
            person("H2", JIANG_WIFE, "配偶", JIANG),
            person("H3", HAN, "户主"),
            person("H3", HAN_SON, "子", father=HAN),
            person("H4", YANG, "户主", YANG_WIFE),
            person("H4", YANG_WIFE, "配偶", YANG),
        ]
        + [
            person(f"H{9 + i}", k, "户主")
            for i, k in enumerate(
                (WANG, LI, ZHAO, QIAN, SUN, ZHOU, WU, ZHENG, FENG, CHEN, JIANG_T, WEI, SHEN, BUYER, STRANGER)
            )
        ],
    )
    co_header = [
        "credit_code",
        "name",
        "type",
        "industry",
        "district",
        "address",
        "legal_rep_name",
        "legal_rep_id",
        "rep_title",
        "established",
        "registered_capital_wan",
        "financial_licence",
    ]
    _csv(
        folder / "companies.csv",
        co_header,
        [
            [
                QIAN_CO,
                "绍兴钱氏贸易有限公司",
                "company",
                "批发业",
                "yuecheng",
                "越城区",
                NAMES[QIAN],
                QIAN,
                "法定代表人",
                "2010-01-01",
                "100",
                "false",
            ],
            [
                WEI_CO,
                "绍兴卫东贸易有限公司",
                "company",
                "批发业",
                "yuecheng",
                "越城区",
                NAMES[WEI],
                WEI,
                "法定代表人",
                "2012-01-01",
                "100",
                "false",
            ],
            [
                YANG_CO,
                "绍兴杨帆实业有限公司",
                "company",
                "制造业",
                "yuecheng",
                "越城区",
                NAMES[YANG],
                YANG,
                "法定代表人",
                "2015-01-01",
                "100",
                "false",
            ],
            [
                CREDITOR_CO,
                "绍兴某贸易有限公司",
                "company",
                "批发业",
                "yuecheng",
                "越城区",
                NAMES[STRANGER],
                STRANGER,
                "法定代表人",
                "2008-01-01",
                "500",
                "false",
            ],
        ],
    )
    return folder


FLIGHT_HEADER = [
    "旅客姓名",
    "证件类型",
    "证件号码",
    "航空公司",
    "航班号",
    "舱位",
    "起飞机场",
    "到达机场",
    "航班日期",
    "起飞时间",
    "票号",
    "PNR",
    "登机状态",
    "客票状态",
]


def write_flights(folder: Path, trips: list[tuple[str, str, str]]) -> None:
    """A 民航 export of economy flights boarded: (name, ID number, ISO date) each."""
    rows: list[list[object]] = [
        [
            name,
            "0",
            key,
            "MU",
            "MU5101",
            "Y",
            "HGH",
            "PEK",
            day,
            f"{day} 09:00:00",
            f"781-{i}",
            f"P{i}",
            "已登机",
            "已使用",
        ]
        for i, (name, key, day) in enumerate(trips)
    ]
    _csv(folder / "民航旅客乘机记录.csv", FLIGHT_HEADER, rows)


def load(engine: Engine, folder: Path, quarantine: Path) -> RegisterReport:
    """Write the exports and load them through the declared sources."""
    write_exports(folder)
    return ingest_registers(engine, quarantine, [folder])
