"""Places: the districts of Shaoxing (绍兴市) with their streets and roads, and the home
regions of people who moved there. Used for ID region codes and addresses."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class District:
    key: str  # short ASCII key, also the court key
    name: str  # 越城区
    prefix: str  # what precedes it in an address: 浙江省绍兴市
    old_code: str  # region code of adults' ID numbers
    new_code: str  # region code since the last renaming (for children and companies)
    renamed: int  # year new_code came into use
    streets: tuple[str, ...]
    weight: float  # share of the city's cases


DISTRICTS: tuple[District, ...] = (
    District(
        "yuecheng",
        "越城区",
        "浙江省绍兴市",
        "330602",
        "330602",
        1983,
        (
            "府山街道",
            "北海街道",
            "塔山街道",
            "城南街道",
            "东湖街道",
            "皋埠街道",
            "灵芝街道",
            "鉴湖街道",
            "稽山街道",
            "迪荡街道",
        ),
        0.25,
    ),
    District(
        "keqiao",
        "柯桥区",
        "浙江省绍兴市",
        "330621",
        "330603",
        2013,
        (
            "柯桥街道",
            "华舍街道",
            "钱清街道",
            "福全街道",
            "安昌街道",
            "齐贤街道",
            "杨汛桥街道",
            "柯岩街道",
            "湖塘街道",
        ),
        0.22,
    ),
    District(
        "shangyu",
        "上虞区",
        "浙江省绍兴市",
        "330682",
        "330604",
        2013,
        ("百官街道", "曹娥街道", "崧厦街道", "东关街道", "小越街道", "道墟街道", "章镇镇"),
        0.15,
    ),
    District(
        "zhuji",
        "诸暨市",
        "浙江省",
        "330681",
        "330681",
        1989,
        ("暨阳街道", "浣东街道", "陶朱街道", "大唐街道", "店口镇", "枫桥镇", "次坞镇", "牌头镇"),
        0.20,
    ),
    District(
        "shengzhou",
        "嵊州市",
        "浙江省",
        "330683",
        "330683",
        1995,
        ("剡湖街道", "三江街道", "鹿山街道", "浦口街道", "甘霖镇", "长乐镇", "崇仁镇"),
        0.10,
    ),
    District(
        "xinchang",
        "新昌县",
        "浙江省",
        "330624",
        "330624",
        1983,
        ("南明街道", "七星街道", "羽林街道", "澄潭街道", "儒岙镇", "沃洲镇"),
        0.08,
    ),
)

DISTRICT_BY_KEY = {d.key: d for d in DISTRICTS}

ROADS = (
    "解放北路",
    "解放南路",
    "中兴中路",
    "中兴北路",
    "人民中路",
    "人民西路",
    "胜利东路",
    "胜利西路",
    "延安路",
    "环城西路",
    "环城北路",
    "城南大道",
    "越东路",
    "镜湖路",
    "金柯桥大道",
    "笛扬路",
    "鉴湖路",
    "群贤路",
    "湖西路",
    "百官路",
    "市民大道",
    "江扬路",
    "暨阳路",
    "艮塔路",
    "望云路",
    "浣纱路",
    "剡湖路",
    "北直街",
    "鼓山路",
    "人民路",
    "七星路",
    "江滨路",
    "兴越路",
    "凤林路",
    "世纪街",
    "青藤路",
    "平江路",
    "梅山路",
    "香林路",
    "东街",
    "西街",
)

VILLAGES = (
    "前梅村",
    "后堡村",
    "新河村",
    "东浦村",
    "下方桥村",
    "湖塘村",
    "王坛村",
    "大庙村",
    "山头村",
    "塘湾村",
    "金家村",
    "陈家村",
    "沈家溇村",
    "蒋村",
    "联星村",
    "永和村",
    "枫江村",
    "五联村",
    "长塘村",
    "双江村",
    "姚家埠村",
    "南岸村",
    "上旺村",
    "西施村",
)

COMMUNITIES = (
    "金色家园",
    "阳光花园",
    "镜湖新城",
    "东湖小区",
    "城南花苑",
    "锦绣江南",
    "香林花园",
    "世纪嘉园",
    "暨阳新村",
    "剡湖苑",
    "鉴湖景园",
    "柯桥人家",
    "百官新村",
    "七星小区",
)


@dataclass(frozen=True, slots=True)
class Origin:
    code: str
    place: str  # as in an address: 安徽省太和县


# Home regions of people who moved to Shaoxing for work.
MIGRANT_ORIGINS: tuple[Origin, ...] = (
    Origin("341222", "安徽省太和县"),
    Origin("511025", "四川省资中县"),
    Origin("362132", "江西省于都县"),
    Origin("412726", "河南省郸城县"),
    Origin("522127", "贵州省凤冈县"),
    Origin("431021", "湖南省桂阳县"),
    Origin("330382", "浙江省乐清市"),
    Origin("330781", "浙江省兰溪市"),
    Origin("330106", "浙江省杭州市西湖区"),
)
