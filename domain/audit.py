"""What changed: the field-by-field difference recorded in an archive's 历史."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Callable, Iterable

from domain.fields import FIELDS_BY_NAME

Change = dict[str, str | None]  # {"field", "label", "old", "new"}
_FIELDS = list(FIELDS_BY_NAME.items())
_ORDER = {name: i for i, (name, _) in enumerate(_FIELDS)}  # registry order


def display(value: Any) -> str | None:
    """How a stored value reads in the history and on the card."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    return str(value)


def diff_fields(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """One change per registry field whose displayed value differs, in registry order."""
    if not old:  # a new archive: every filled field, quickly (imports create thousands)
        filled = sorted(_ORDER[name] for name, value in new.items()
                        if name in _ORDER and value is not None and value != "")
        return [{"field": name, "label": field.label, "old": None, "new": display(new[name])}
                for name, field in (_FIELDS[i] for i in filled)]
    changes = []
    for name, field in FIELDS_BY_NAME.items():
        if name not in new:
            continue
        before, after = display(old.get(name)), display(new.get(name))
        if before != after:
            changes.append({"field": name, "label": field.label, "old": before, "new": after})
    return changes


def diff_rows(label: str, old_rows: Iterable[dict], new_rows: Iterable[dict],
              key: Callable[[dict], str], describe: Callable[[dict], str]) -> list[Change]:
    """Changes to a child table (contacts, products…), paired by ``key`` where possible."""
    before = {key(r): describe(r) for r in old_rows}
    after = {key(r): describe(r) for r in new_rows}
    changes: list[Change] = []
    for k in list(before) + [k for k in after if k not in before]:
        old_text, new_text = before.get(k), after.get(k)
        if old_text != new_text:
            changes.append({"field": label, "label": label, "old": old_text, "new": new_text})
    return changes


ACTION_LABELS = {
    "create": "创建档案",
    "update": "修改",
    "approve": "审核通过",
    "return": "退回",
    "resubmit": "重新提交审核",
    "deactivate": "停用",
    "reactivate": "重新启用",
    "export_card": "下载资料卡",
    "import_create": "导入创建",
    "import_update": "导入更新",
    "undo_import": "撤销导入",
    "class_move": "移动分类",
    "export_list": "导出列表",
    "scheme_edit": "修改分类方案",
    "cadence_edit": "修改跟进频率",
    "follow_up": "跟进记录",
    "follow_up_review": "审阅跟进记录",
    "visit_plan": "回访计划",
    "receivable": "应收账款",
    "payment": "登记回款",
    "handover": "离职交接",
    "pool_return": "退回公海",
    "pool_claim": "认领公海客户",
    "pool_release": "释放到公海",
    "pool_rules": "修改公海规则",
    "access_request": "申请借阅",
    "access_approve": "同意借阅",
    "access_refuse": "拒绝借阅",
    "access_return": "归还借阅",
    "access_recall": "提前收回借阅",
    "service_scope": "设置客服查看范围",
    "mask_roles": "设置隐藏敏感信息的角色",
    "signoff_request": "敏感修改待审批",
    "signoff_approve": "同意敏感修改",
    "signoff_refuse": "拒绝敏感修改",
    "complaint": "登记投诉",
    "complaint_step": "处理投诉",
    "discount_request": "申请折价",
    "discount_approve": "批准折价",
    "discount_refuse": "拒绝折价",
    "contract": "登记合同",
    "contract_update": "修改合同",
    "document": "上传文件",
    "market_note": "市场动态",
    "choice_renamed": "选项改名（系统升级）",
    "close_year": "年度封存",
    "export_volume": "导出年度档案",
    "user_create": "新建用户",
    "user_update": "修改用户",
    "password_reset": "重置密码",
    "user_disable": "停用用户",
    "user_enable": "启用用户",
    "follow_up_correct": "更正跟进记录",
    "personal_data_export": "导出个人信息",
    "anonymise": "匿名化联系人",
    "delete": "删除档案",
    "restore_deleted": "恢复已删除档案",
    "restore": "从备份恢复数据库",
}
