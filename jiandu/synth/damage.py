"""Damaged inputs that ingest must quarantine: truncated texts, undecodable bytes, binary
junk, empty files, texts that are not court documents, broken JSON lines and records without
a text field."""

from __future__ import annotations

import json
import random

KINDS_FILE = ("truncated", "undecodable", "binary", "empty", "not_judgment")
KINDS_JSONL = ("truncated", "not_judgment", "bad_json", "missing_field")

_NEWS = (
    "{court}召开{year}年度执行工作推进会\n{month}月{day}日，{court}召开执行工作推进会，总结前一阶段"
    "执行攻坚工作成效，分析当前执行工作面临的形势和任务。会议指出，要持续加大对失信被执行人的联合惩戒"
    "力度，切实提升执行到位率。院党组成员、副院长出席会议并讲话。\n"
    "（来源：{court}　通讯员　宣传科）\n",
    "关于{year}年{month}月份诉讼服务中心开放时间的通知\n各位当事人及诉讼参与人：\n因办公场所维修，本院诉讼"
    "服务中心自{year}年{month}月{day}日起调整开放时间为工作日上午8:30至11:30、下午13:30至17:00。"
    "由此带来的不便，敬请谅解。\n特此通知。\n{court}\n",
    "食堂{month}月第{day}周菜谱\n周一：红烧肉、清炒时蔬、番茄蛋汤\n周二：梅干菜扣肉、炒青菜、紫菜汤\n"
    "周三：糖醋排骨、香干芹菜、冬瓜汤\n周四：黄酒鸡、蒜蓉西兰花、豆腐汤\n周五：清蒸鱼、炒三丝、玉米汤\n",
    "绍兴地区{year}年{month}月天气预报汇总\n本月平均气温较常年偏高1.2℃，降水量偏少三成。{day}日前后"
    "受冷空气影响，有一次明显降温降雨过程。\n",
)


def not_judgment_text(rng: random.Random, court: str, year: int) -> str:
    return rng.choice(_NEWS).format(court=court, year=year, month=rng.randint(1, 12), day=rng.randint(1, 28))


def truncate(rng: random.Random, text: str) -> str:
    cut = int(len(text) * rng.uniform(0.2, 0.6))
    return text[:cut]


def undecodable_bytes(rng: random.Random, text: str) -> bytes:
    """Half UTF-8, half GB18030, with stray bytes: no single encoding reads it."""
    half = len(text) // 2
    junk = bytes(rng.randrange(0x80, 0x100) for _ in range(16))
    return text[:half].encode("utf-8") + junk + text[half:].encode("gb18030") + b"\xff\xfe\xff"


def binary_bytes(rng: random.Random) -> bytes:
    head = rng.choice(
        (
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
            b"PK\x03\x04\x14\x00\x06\x00",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00",
        )
    )
    return head + bytes(rng.randrange(256) for _ in range(rng.randint(1500, 6000)))


def bad_json_line(rng: random.Random, uid: str, text: str) -> str:
    line = json.dumps({"id": uid, "text": text}, ensure_ascii=False)
    return line[: int(len(line) * rng.uniform(0.3, 0.8))]


def missing_field_line(uid: str, text: str) -> str:
    """A metadata-only record, as search exports give: a title but no full text."""
    title = text.lstrip().split("\n", 1)[0][:60]
    return json.dumps({"id": uid, "title": title, "fulltext_available": False}, ensure_ascii=False)
