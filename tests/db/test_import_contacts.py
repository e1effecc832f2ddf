"""Further contacts in an office's workbook (issue 18 item 4): 采购负责人/采购电话, 财务/财务电话 and
老板/老板电话 each become a contact of the archive with that role — on a new archive and, for a
repeat of the customer, added to the existing one — and the history names them."""
from sqlalchemy import select

from db.audit import list_history
from db.engine import session_scope
from db.imports import ImportOptions, run_import
from db.models import Contact, Customer
from domain import roles as R
from tests.factories import make_user

HEADER = ["客户名称", "客户类型", "省份", "负责人", "联系电话", "财务", "财务电话", "老板", "老板电话"]


def run(admin, rows, **options):
    with session_scope() as s:
        return run_import(s, admin, [HEADER, *rows], file_name="客户.xlsx", options=ImportOptions(**options))


def test_each_contact_column_becomes_a_contact_with_its_role(db):
    with session_scope() as s:
        admin = make_user(s, R.ADMIN)
    plan = run(admin, [["鼓楼烟酒店", "商超终端", "江苏", "张店长", "13800138000", "李会计", "025-84561234",
                        "王老板", "13912345678"]])
    assert plan.report()["created"] == 1 and plan.unmapped == []
    with session_scope() as s:
        customer = s.scalars(select(Customer)).one()
        people = {(c.name, c.role, c.mobile, c.phone) for c in s.scalars(select(Contact))}
        assert people == {("张店长", "负责人", None, None), ("李会计", "财务负责人", None, "025-84561234"),
                          ("王老板", "决策人", "13912345678", None)}
        [created] = list_history(s, entity="customer", entity_id=customer.id)
        assert {c["new"] for c in created.changes if c["field"] == "联系人"} == {"张店长", "李会计（财务负责人）",
                                                                              "王老板（决策人）"}

    run(admin, [["鼓楼烟酒店", "商超终端", "江苏", "张店长", None, "赵会计", "025-84569999", "王老板", None]],
        on_duplicate="update")
    with session_scope() as s:
        assert sorted(c.name for c in s.scalars(select(Contact))) == ["张店长", "李会计", "王老板", "赵会计"]
