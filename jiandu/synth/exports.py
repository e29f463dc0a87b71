"""Column layouts of agency export files that more than one domain's patterns write.

Domains may not import each other, so a layout two of them share is declared here once.
"""

from __future__ import annotations

__all__ = ["PROPERTY_COLUMNS"]

# 不动产登记信息 as the real-estate registry exports it (execution: holders' property; social:
# the flats of people owing a property penalty)
PROPERTY_COLUMNS = (
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
)
