"""Property tests: random and mutated texts never raise, and every span points at its value."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiandu.documents import parse_document_strict

from . import samples as S
from .conftest import REAL
from .spans import span_problems


def _seeds() -> list[str]:
    seeds = [S.WITHDRAWAL_RULING, S.MEDIATION, S.EXECUTION_RULING, S.SECOND_INSTANCE,
             S.OLD_STYLE_DEFAULT]
    full = REAL / "civil" / "full"
    if full.exists():
        seeds += [p.read_text(encoding="utf-8") for p in sorted(Path(full).glob("*.txt"))]
    crim = REAL / "criminal" / "judge_criminal.jsonl"
    if crim.exists():
        lines = crim.read_text(encoding="utf-8").splitlines()[:40:4]
        seeds += [json.loads(line)["full_text"] for line in lines]
    cail = REAL / "civil" / "cail2019_scm_private_lending.jsonl"
    if cail.exists():
        lines = cail.read_text(encoding="utf-8").splitlines()[:40:4]
        seeds += [json.loads(line)["text"] for line in lines]
    return seeds


SEEDS = _seeds()
PIECES = ["原告", "被告", "被告人", "委托诉讼代理人", "辩护人", "审判员", "书记员", "人民法院",
          "民事判决书", "（2018）赣0429民初914号", "二〇一八年十月二十三日", "伍万元整", "月息2分",
          "。", "，", "\n", "\r\n", " ", "\u3000", "\x00", "×", "（", "）", "：", "律师事务所",
          "案件类型:2。", "法定代表人", "判决如下：", "诉讼请求：", "50万元", "3，000元"]
settings.register_profile("docs", max_examples=200, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("docs")


def _check(text: str) -> None:
    rec = parse_document_strict(text)
    assert span_problems(text, rec) == []
    rec.to_dict()


@given(st.text(max_size=400))
def test_random_text(text: str) -> None:
    _check(text)


@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=5), max_size=60).map("".join))
def test_random_legal_fragments(text: str) -> None:
    _check(text)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["delete", "insert", "truncate", "swap", "garbage"]))
        n = len(text)
        i = draw(st.integers(0, n))
        if op == "delete":
            text = text[:i] + text[i + draw(st.integers(0, 200)) :]
        elif op == "insert":
            text = text[:i] + draw(st.sampled_from(PIECES)) + text[i:]
        elif op == "truncate":
            text = text[:i]
        elif op == "swap" and n > 1:
            j = draw(st.integers(0, n - 1))
            a, b = sorted((min(i, n - 1), j))
            chars = list(text)
            chars[a], chars[b] = chars[b], chars[a]
            text = "".join(chars)
        else:
            text = text[:i] + draw(st.text(max_size=20)) + "\x00" + text[i:]
    return text


@given(mutated())
def test_mutated_documents(text: str) -> None:
    _check(text)


def test_seeds_clean() -> None:
    for text in SEEDS:
        _check(text)
