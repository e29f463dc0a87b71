"""The ``insurance_shop_names`` operator: repair-shop names as claims and judgments write them,
matched to the registered shop (repair_shops).

One shop is written many ways: 绍兴市越城区华丰汽车维修服务有限公司 in the register, 华丰汽修厂 in a
claim, 绍兴华丰汽车维修有限公司 in a judgment. A name is matched in three steps:

1. exact: the registered name itself;
2. normalized: the trade name after normalisation (full-width → half-width, spaces and brackets
   removed, place prefixes such as 浙江省 / 绍兴市 / 越城区 and the place names found in the
   register's addresses removed, legal-form and trade suffixes such as 汽车维修服务有限公司,
   汽修厂, 4S店 removed) equals that of exactly one registered shop (two shops with one trade
   name in different places stay unmatched unless the place written decides it);
3. fuzzy: the Jaro-Winkler similarity of the normalised forms (DuckDB's
   ``jaro_winkler_similarity``, computed in an in-memory DuckDB so the operator reads the same on
   every engine) is at least `FUZZY_MIN` and beats the second-best shop by `FUZZY_MARGIN`.

Anything else keeps a null credit code: the models then count the name as written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from jiandu.engines.base import Engine
from jiandu.engines.duckdb_engine import scratch_connection
from jiandu.models.store import write_rows

__all__ = [
    "FUZZY_MARGIN",
    "FUZZY_MIN",
    "InsuranceClaimShopNames",
    "InsuranceShopNames",
    "ShopMatcher",
    "normalize_shop_name",
]

FUZZY_MIN = 0.9
FUZZY_MARGIN = 0.03

# Legal-form and trade suffixes, longest first; removed repeatedly from the end.
_SUFFIXES = tuple(
    sorted(
        (
            "汽车维修服务有限公司",
            "汽车销售服务有限公司",
            "汽车服务有限公司",
            "汽车维修有限公司",
            "汽车修理有限公司",
            "机动车维修有限公司",
            "汽车维修服务部",
            "汽车维修中心",
            "汽车修理厂",
            "汽车维修厂",
            "汽车维修",
            "汽车服务",
            "汽车修理",
            "有限责任公司",
            "股份有限公司",
            "有限公司",
            "分公司",
            "汽修厂",
            "修理厂",
            "维修厂",
            "维修部",
            "服务部",
            "汽修",
            "4S店",
            "车行",
            "汽车",
            "公司",
        ),
        key=len,
        reverse=True,
    )
)
_PROVINCES = (
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
)
_ADMIN = re.compile(r"^[\u4e00-\u9fff]{2,4}?(?:省|自治区|市|区|县)")
_PLACE_IN_ADDRESS = re.compile(r"([\u4e00-\u9fff]{2,3}?)(?:省|市|区|县)")
_NOISE = re.compile(r"[\s·•()（）\[\]【】「」\"'“”‘’、,，.。\-—_]")


def _width(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def normalize_shop_name(name: str, places: frozenset[str] = frozenset()) -> str:
    """The trade name: width-normalised, noise removed, place prefixes and legal-form suffixes
    stripped (``places``: extra place names, e.g. read from the register's addresses)."""
    text = _NOISE.sub("", _width(name)).upper()
    known = set(_PROVINCES) | set(places)
    changed = True
    while changed and text:
        changed = False
        m = _ADMIN.match(text)
        if m and len(text) > m.end():
            text, changed = text[m.end() :], True
            continue
        for place in sorted(known, key=len, reverse=True):
            if text.startswith(place) and len(text) > len(place):
                text, changed = text[len(place) :], True
                break
    changed = True
    while changed and text:
        changed = False
        for suffix in _SUFFIXES:
            if text.endswith(suffix.upper()) and len(text) > len(suffix):
                text, changed = text[: -len(suffix)], True
                break
    return text


def places_of(addresses: list[str | None]) -> frozenset[str]:
    """Place names (the stem before 省/市/区/县) in a list of addresses."""
    found: set[str] = set()
    for address in addresses:
        for stem in _PLACE_IN_ADDRESS.findall(_width(address or "")):
            found.add(stem)
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class Match:
    credit_code: str | None
    registered_name: str | None
    normalized: str
    similarity: float | None
    method: str  # exact | normalized | fuzzy | none


class ShopMatcher:
    """Matches names as written to the registered shops."""

    def __init__(self, shops: list[dict[str, Any]]) -> None:
        self.places = places_of([s.get("address") for s in shops] + [s.get("district") for s in shops])
        self.by_name = {s["name"]: s for s in shops}
        self.shops = shops
        self.normalized = [normalize_shop_name(s["name"], self.places) for s in shops]
        self.by_normalized: dict[str, list[int]] = {}
        for i, n in enumerate(self.normalized):
            self.by_normalized.setdefault(n, []).append(i)
            trade = shops[i].get("trade_name")
            if trade:
                tn = normalize_shop_name(str(trade), self.places)
                if tn != n:
                    self.by_normalized.setdefault(tn, []).append(i)

    def _place_decides(self, name: str, candidates: list[int]) -> int | None:
        """Of several shops with one trade name, the one whose place the name writes."""
        hits = []
        text = _width(name)
        for i in candidates:
            shop = self.shops[i]
            stems = places_of([shop.get("address"), shop.get("district"), shop["name"]])
            if any(stem in text for stem in stems if stem not in _PROVINCES):
                hits.append(i)
        return hits[0] if len(hits) == 1 else None

    def match_all(self, names: list[str]) -> dict[str, Match]:
        out: dict[str, Match] = {}
        fuzzy_wanted: list[tuple[str, str]] = []
        for name in names:
            n = normalize_shop_name(name, self.places)
            shop = self.by_name.get(name)
            if shop is not None:
                out[name] = Match(shop["credit_code"], shop["name"], n, 1.0, "exact")
                continue
            candidates = sorted(set(self.by_normalized.get(n, [])))
            if len(candidates) > 1:
                decided = self._place_decides(name, candidates)
                candidates = [decided] if decided is not None else candidates
            if len(candidates) == 1:
                s = self.shops[candidates[0]]
                out[name] = Match(s["credit_code"], s["name"], n, 1.0, "normalized")
                continue
            if candidates or not n:
                out[name] = Match(None, None, n, None, "none")
                continue
            fuzzy_wanted.append((name, n))
        out.update(self._fuzzy(fuzzy_wanted))
        return out

    def _fuzzy(self, wanted: list[tuple[str, str]]) -> dict[str, Match]:
        if not wanted:
            return {}
        con = scratch_connection()
        try:
            con.register("w", pa.table({"name": [w[0] for w in wanted], "n": [w[1] for w in wanted]}))
            con.register("r", pa.table({"idx": list(range(len(self.shops))), "n": self.normalized}))
            rows = con.execute(
                """
                WITH pairs AS (
                    SELECT w.name, w.n, r.idx, jaro_winkler_similarity(w.n, r.n) AS sim
                    FROM w JOIN r ON substr(w.n, 1, 1) = substr(r.n, 1, 1)
                       OR substr(w.n, -1, 1) = substr(r.n, -1, 1)
                ),
                ranked AS (
                    SELECT name, n, idx, sim,
                        row_number() OVER (PARTITION BY name ORDER BY sim DESC, idx) AS rn,
                        lead(sim) OVER (PARTITION BY name ORDER BY sim DESC, idx) AS second
                    FROM pairs
                )
                SELECT name, n, idx, sim, coalesce(second, 0.0) AS second FROM ranked WHERE rn = 1
                """
            ).fetchall()
        finally:
            con.close()
        out = {name: Match(None, None, n, None, "none") for name, n in wanted}
        for name, n, idx, sim, second in rows:
            if sim >= FUZZY_MIN and sim - second >= FUZZY_MARGIN:
                s = self.shops[idx]
                out[name] = Match(s["credit_code"], s["name"], n, round(float(sim), 4), "fuzzy")
        return out


_CLAIMS_WRITTEN_SQL = (
    "SELECT name, count(*) AS n FROM ("
    " SELECT repair_shop AS name FROM motor_claims WHERE repair_shop IS NOT NULL"
    " UNION ALL SELECT payee AS name FROM motor_claims"
    " WHERE payee IS NOT NULL AND payee <> coalesce(insured_name, '') AND length(payee) > 4"
    ") AS t GROUP BY name"
)
_JUDGMENTS_WRITTEN_SQL = (
    "SELECT name, count(DISTINCT doc_id) AS n FROM document_mentions"
    " WHERE kind = 'repair_shop' AND name IS NOT NULL GROUP BY name"
)


def _matched_rows(engine: Engine, source: str, written_sql: str) -> list[dict[str, Any]]:
    """One row per name ``written_sql`` gives (columns name, n: its occurrences), matched to the
    registered shops. A name is matched on its own, so the claims' and the judgments' names can
    be matched apart. Unmatched claim names that do not look like a shop are payees who are
    people and are left out."""
    shops = engine.rows(
        "SELECT credit_code, name, trade_name, address, district FROM repair_shops ORDER BY credit_code"
    )
    written = {r["name"]: int(r["n"]) for r in engine.rows(written_sql)}
    matches = ShopMatcher(shops).match_all(sorted(written))
    rows = []
    for name, n in sorted(written.items()):
        m = matches[name]
        if source == "claims" and m.method == "none" and not _looks_like_shop(name):
            continue  # a payee who is a person, not a shop
        rows.append(
            {
                "source": source,
                "name": name,
                "normalized": m.normalized,
                "credit_code": m.credit_code,
                "registered_name": m.registered_name,
                "similarity": m.similarity,
                "method": m.method,
                "occurrences": n,
            }
        )
    return rows


@dataclass(frozen=True)
class InsuranceClaimShopNames:
    """insurance_claim_shop_names: each shop name as written in claims → registered shop."""

    name: str = "insurance_claim_shop_names"
    version: str = "1"
    inputs: tuple[str, ...] = ("motor_claims", "repair_shops")
    optional_inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ("insurance_claim_shop_names",)

    def run(self, engine: Engine) -> int:
        return write_rows(engine, self.name, _matched_rows(engine, "claims", _CLAIMS_WRITTEN_SQL))


@dataclass(frozen=True)
class InsuranceShopNames:
    """insurance_shop_names: each shop name as written in claims (the rows of
    `InsuranceClaimShopNames`) and judgments → registered shop."""

    name: str = "insurance_shop_names"
    version: str = "2"  # 2: the claims' rows copied from insurance_claim_shop_names
    inputs: tuple[str, ...] = ("insurance_claim_shop_names", "repair_shops")
    optional_inputs: tuple[str, ...] = ("document_mentions",)
    outputs: tuple[str, ...] = ("insurance_shop_names",)

    def run(self, engine: Engine) -> int:
        judged = (
            _matched_rows(engine, "judgments", _JUDGMENTS_WRITTEN_SQL)
            if engine.table_exists("document_mentions")
            else []
        )
        written = write_rows(engine, self.name, judged)
        engine.insert_query(self.name, "SELECT * FROM insurance_claim_shop_names")
        return written + engine.count("insurance_claim_shop_names")


def _looks_like_shop(name: str) -> bool:
    return any(word in name for word in ("汽", "修", "车", "公司", "店", "厂"))
