"""A minimal valid source declaration to vary in tests."""

from __future__ import annotations

import copy
from typing import Any

import yaml

MINIMAL: dict[str, Any] = {
    "id": "office.execution_cn",
    "agency": "法院",
    "dataset": "执行案件（本院导出）",
    "legal_basis": [{"law": "《中华人民共和国人民检察院组织法》", "article": "第二十一条"}],
    "sensitivity": "sensitive",
    "retention_days": 1825,
    "refresh": "monthly",
    "table": "execution_cases",
    "files": {"format": ["csv", "xlsx"], "names": ["执行案件*.csv", "执行案件*.xlsx"]},
    "columns": {
        "case_number": {"from": ["案号", "执行案号"], "transform": "case_number"},
        "court": {"from": "执行法院"},
        "filing_date": {"from": "立案日期"},
        "applicant_name": {"from": "申请执行人"},
        "applicant_key": {"from": "申请执行人证件号码"},
        "respondent_name": {"from": "被执行人"},
        "respondent_key": {"from": ["证件号码", "被执行人证件号码"]},
        "respondent_kind": {"from": "被执行人类型", "codes": {"0": "person", "1": "organization"}},
        "amount": {"from": "执行标的（万元）", "scale": 10000},
    },
}


def declaration(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(MINIMAL)
    data.update(changes)
    return data


def as_yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
