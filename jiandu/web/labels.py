"""Chinese names of the codes pages show (statuses, bands, roles, events ...), in one place."""

from __future__ import annotations

from jiandu.models.spec import BAND_ZH as BAND_NAMES_ZH
from jiandu.workflow.authz import ROLE_NAMES_ZH
from jiandu.workflow.jurisdictions import LEVEL_NAMES_ZH
from jiandu.workflow.lifecycle import (
    FALSE_POSITIVE_CAUSE_NAMES_ZH,
    OUTCOME_NAMES_ZH,
    REJECT_REASON_NAMES_ZH,
    STATUS_NAMES_ZH,
)
from jiandu.workflow.stats import FUNNEL_NAMES_ZH

EVENT_NAMES_ZH = {
    "created": "生成线索",
    "rescored": "重新评分",
    "assigned": "分派",
    "status_changed": "状态变更",
    "outcome_recorded": "记录核查结论",
    "changed_judgment": "记录改判",
    "exported": "导出",
    "bulk_loaded": "批量载入",
    "user_added": "新增用户",
    "user_activated": "启用用户",
    "user_deactivated": "停用用户",
    "password_set": "设置密码",
    "token_created": "创建令牌",
    "tokens_revoked": "吊销令牌",
    "login": "登录",
    "logout": "退出登录",
    "login_failed": "登录失败",
    "login_locked": "登录锁定",
    "password_check_failed": "改密码时当前密码错误",
    "jurisdiction_added": "新增辖区",
    "court_mapped": "法院对应",
    "region_mapped": "地区别名",
    "jurisdiction_changed": "辖区变更",
    "personal_data_viewed": "查看个人信息",
    "reidentified": "再识别（假名还原）",
    "model_imported": "导入模型",
    "model_builtin_overridden": "替换内置模型",
    "audit_rekeyed": "审计链改用密钥",
    "anchors_restarted": "重建审计锚点",
    "entity_judged": "主体判定",
    "proposed": "提请审批",
    "approved": "审批通过",
    "returned": "审批退回",
    "withdrawn": "撤回审批申请",
    "deadline_set": "变更期限",
    "not_found": "未再命中",
    "found_again": "重新命中",
}
ENTITY_NAMES_ZH = {
    "clue": "线索",
    "user": "用户",
    "jurisdiction": "辖区",
    "court": "法院",
    "store": "库",
    "region": "地区",
    "model": "模型",
    "entity": "主体",
}
FIELD_NAMES_ZH = {
    "status": "状态",
    "assignee": "承办人",
    "outcome": "结论",
    "reject_reason": "不予立案理由",
    "merged_into": "并入线索",
    "score": "分值",
    "band": "等级",
    "model_version": "模型版本",
    "run_id": "运行",
    "changed_judgment": "改判",
    "jurisdiction_code": "辖区",
    "court": "法院",
    "basis": "依据",
    "role": "角色",
    "display_name": "姓名",
    "active": "启用",
    "name": "名称",
    "level": "级别",
    "parent_code": "上级辖区",
    "code": "代码",
    "label": "用途",
    "address": "访问地址",
    "until": "锁定至",
    "sessions_ended": "结束会话数",
    "revoked": "吊销",
    "version": "版本",
    "clues": "线索数",
    "cases": "案件数",
    "rows": "行数",
    "file_name": "文件名",
    "format": "格式",
    "what": "内容",
    "problem": "问题",
    "judgement": "判定",
    "proposal": "待审批事项",
    "proposed_by": "提请人",
    "due_at": "期限",
    "outcome_cause": "误报原因",
    "feedback": "反馈意见",
    "not_found_run_id": "未再命中的运行",
}


def label(table: dict[str, str], code: object) -> str:
    if code is None or code == "":
        return ""
    return table.get(str(code), str(code))


TABLES: dict[str, dict[str, str]] = {
    "status": {k.value: v for k, v in STATUS_NAMES_ZH.items()},
    "band": BAND_NAMES_ZH,
    "role": {k.value: v for k, v in ROLE_NAMES_ZH.items()},
    "outcome": {k.value: v for k, v in OUTCOME_NAMES_ZH.items()},
    "reject": {k.value: v for k, v in REJECT_REASON_NAMES_ZH.items()},
    "cause": {k.value: v for k, v in FALSE_POSITIVE_CAUSE_NAMES_ZH.items()},
    "event": EVENT_NAMES_ZH,
    "entity": ENTITY_NAMES_ZH,
    "field": FIELD_NAMES_ZH,
    "level": dict(LEVEL_NAMES_ZH),
    "funnel": dict(FUNNEL_NAMES_ZH),
}


def zh(kind: str, code: object) -> str:
    """The Chinese name of ``code`` in table ``kind`` (the code itself when unknown)."""
    return label(TABLES[kind], code)
