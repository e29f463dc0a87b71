"""The land exports in the agencies' layouts (brief sources.md §5) and their writer.

Files of one batch (``_1`` … ``_3``, one per pattern):

- 国有建设用地供地结果_N.xlsx (batch 1: a title row above the header and a 制表人 footer) or .csv
  (UTF-8 with BOM): the published field list, 成交价格 in 万元, 面积 in 公顷, 1900-01-01 for an
  empty 实际开工时间, an Excel serial for some 合同签订日期;
- 出让价款分期支付约定_N.csv: 支付期号, 约定支付日期, 约定支付金额(万元);
- 国有土地出让收入缴款_N.csv, a re-sent part (…_重发.csv, duplicates) and corrections (…_更正.csv:
  退库 rows, negative);
- 闲置土地认定及处置清单_N.csv (GB18030);
- 土地违法行政处罚决定台账_N.csv (GB18030) and 行政处罚执行情况_N.csv with acts reported later
  (…_补报.csv).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from jiandu.synth.patterns import Instance

__all__ = ["HEADERS", "TABLES", "write_batch"]

EXCEL_EPOCH = dt.date(1899, 12, 30)

HEADERS: dict[str, tuple[str, ...]] = {
    "contracts": (
        "行政区",
        "电子监管号",
        "项目名称",
        "项目位置",
        "面积(公顷)",
        "土地来源",
        "土地用途",
        "供地方式",
        "土地使用年限",
        "行业分类",
        "土地级别",
        "成交价格(万元)",
        "土地使用权人",
        "统一社会信用代码",
        "约定容积率下限",
        "约定容积率上限",
        "约定交地时间",
        "约定开工时间",
        "约定竣工时间",
        "实际开工时间",
        "实际竣工时间",
        "批准单位",
        "合同签订日期",
    ),
    "instalments": ("电子监管号", "支付期号", "约定支付日期", "约定支付金额(万元)", "备注"),
    "payments": (
        "缴款书号",
        "缴款人名称",
        "缴款人识别号",
        "收入项目",
        "金额(元)",
        "缴款日期",
        "入库日期",
        "执收单位",
        "电子监管号",
    ),
    "findings": (
        "认定书文号",
        "电子监管号",
        "使用权人",
        "认定日期",
        "闲置原因",
        "原因说明",
        "处置方式",
        "处置决定日期",
        "收回决定日期",
    ),
    "penalties": (
        "决定书文号",
        "作出机关",
        "行政区",
        "当事人",
        "证件号码",
        "违法事实",
        "面积(平方米)",
        "地类",
        "处罚内容",
        "罚款金额(元)",
        "决定日期",
        "送达日期",
        "履行期限",
    ),
    "actions": ("决定书文号", "执行情况", "日期", "金额(元)", "受理法院", "非诉执行案号", "裁定结果"),
}
# instance row lists (Instance.rows keys) → the export they go to
TABLES = {
    "contracts": "contracts",
    "instalments": "instalments",
    "payments": "payments",
    "payments_fix": "payments",
    "findings": "findings",
    "penalties": "penalties",
    "actions": "actions",
    "actions_late": "actions",
}


def _csv(path: Path, headers: tuple[str, ...], rows: list[dict[str, Any]], encoding: str) -> int:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(headers), lineterminator="\r\n")
        w.writeheader()
        w.writerows(rows)
    return len(rows)


def _xlsx(path: Path, title: str, headers: tuple[str, ...], rows: list[dict[str, Any]]) -> int:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "供地结果"
    ws.append([title])
    ws.append(list(headers))
    for r in rows:
        ws.append([r.get(h, "") for h in headers])
    ws.append(["制表人：市自然资源和规划局土地利用处"])
    wb.save(path)
    _fix_timestamps(path)
    return len(rows)


_FIXED_STAMP = "2025-01-01T00:00:00Z"
_CORE_DATES = re.compile(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _fix_timestamps(path: Path) -> None:
    """The same seed writes the same bytes: openpyxl stamps the save time into docProps/core.xml
    and into every zip entry, so both are set to one fixed time."""
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = _CORE_DATES.sub(rf"\g<1>{_FIXED_STAMP}\g<2>", data.decode("utf-8")).encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(fixed, data)


def serial(day: dt.date) -> str:
    """An Excel date serial, as some exports leave them."""
    return str((day - EXCEL_EPOCH).days)


def write_batch(
    out: Path,
    batch: int,
    instances: list[Instance],
    background: dict[str, list[dict[str, Any]]],
    dup: Callable[[dict[str, Any]], bool],
) -> dict[str, int]:
    """Write one batch of the exports: the instances' rows and the background's."""
    out.mkdir(parents=True, exist_ok=True)
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in TABLES}
    for inst in instances:
        for k, v in inst.rows.items():
            rows[k].extend(v)
    for k, v in background.items():
        rows[k].extend(v)
    counts: dict[str, int] = {}

    def put(name: str, kind: str, data: list[dict[str, Any]], encoding: str = "utf-8") -> None:
        if data:
            counts[name] = _csv(out / name, HEADERS[kind], data, encoding)

    contracts = sorted(rows["contracts"], key=lambda r: r["电子监管号"])
    if contracts:
        if batch == 1:
            name = f"国有建设用地供地结果_{batch}.xlsx"
            counts[name] = _xlsx(
                out / name, "绍兴市国有建设用地供地结果（2018—2024年）", HEADERS["contracts"], contracts
            )
        else:
            put(f"国有建设用地供地结果_{batch}.csv", "contracts", contracts, "utf-8-sig")
    put(f"出让价款分期支付约定_{batch}.csv", "instalments", rows["instalments"])
    payments = sorted(rows["payments"], key=lambda r: (r["缴款日期"], r["缴款书号"]))
    put(f"国有土地出让收入缴款_{batch}.csv", "payments", payments)
    put(f"国有土地出让收入缴款_{batch}_重发.csv", "payments", [r for r in payments if dup(r)])
    put(f"国有土地出让收入缴款_{batch}_更正.csv", "payments", rows["payments_fix"])
    put(f"闲置土地认定及处置清单_{batch}.csv", "findings", rows["findings"], "gb18030")
    put(f"土地违法行政处罚决定台账_{batch}.csv", "penalties", rows["penalties"], "gb18030")
    put(f"行政处罚执行情况_{batch}.csv", "actions", rows["actions"])
    put(f"行政处罚执行情况_{batch}_补报.csv", "actions", rows["actions_late"])
    return counts
