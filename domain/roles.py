"""The roles of a sales office and their Chinese names."""
from __future__ import annotations

ADMIN, GM, MANAGER, REP, SERVICE, ARCHIVIST = "admin", "gm", "manager", "rep", "service", "archivist"

ROLE_LABELS: dict[str, str] = {
    ADMIN: "系统管理员",
    GM: "总经理",
    MANAGER: "销售经理",
    REP: "业务员",
    SERVICE: "客服",
    ARCHIVIST: "档案管理员",
}
ALL_ROLES = tuple(ROLE_LABELS)
# Roles that see every archive and look after the whole archive. A manager sees their team's
# customers and the unowned ones (公海); a rep their own; customer service what the admin grants
# (db/visibility.visible_customers). Anyone may borrow an archive (借阅, domain/access.py).
SEE_ALL = (ADMIN, GM, ARCHIVIST)
SUPERVISORS = (ADMIN, GM, MANAGER)
