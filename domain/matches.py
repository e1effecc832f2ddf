"""What a user is told about an existing archive that matches what they typed (the form's duplicate
warning, the import preview, the 税号 check) when they may not see that archive: that it exists, what
matched and whom to ask — never its number, name or phone."""
from __future__ import annotations

from collections.abc import Sequence

# One refusal for an id that does not exist and one the user may not see, on every route, so an
# answer never tells which ids exist.
NOT_VISIBLE = "您无权查看这份档案，或档案不存在（只有负责人及其上级可以查看，其他同事请申请借阅）"


def whom_to_ask(supervisor_name: str | None) -> str:
    """The owner's supervisor decides a loan (domain/permissions.can_decide_access)."""
    if supervisor_name:
        return f"如需查看，请联系负责人的上级 {supervisor_name}，或申请借阅"
    return "如需查看，请联系销售经理，或申请借阅"


def hidden_match(matched: Sequence[str], supervisor_name: str | None) -> str:
    """An archive the user may not see matched by ``matched`` (名称 / 电话 / 税号)."""
    same = "、".join(matched) or "名称、电话或税号"
    return f"已有一份{same}相同的档案，不归您负责，您无权查看。{whom_to_ask(supervisor_name)}"


def tax_taken(archive_no: str | None, supervisor_name: str | None = None) -> str:
    """The 税号 is held by another live archive: its number when the user may see it."""
    rule = "一个税号只能有一份在用档案"
    if archive_no:
        return f"该税号已登记在档案 {archive_no}，{rule}（请在那份档案上修改，或先删除重复的档案）"
    return f"该税号已登记在另一份由其他同事负责的档案，{rule}。{whom_to_ask(supervisor_name)}"
