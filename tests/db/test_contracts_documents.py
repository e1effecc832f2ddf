"""合同 (reminders, the lifecycle suggestion) and 文件 (stored by content, versions, access per role, recorded)."""
import datetime as dt
from decimal import Decimal

import pytest

from db.access import decide, request_access
from db.archive_queries import CustomerFilter
from db.contracts import add_contract, ending_soon, update_contract
from db.documents import files_dir, for_customer, read, upload
from db.engine import session_scope
from db.read_log import search
from db.suggestions import load_suggestions
from domain.contracts import ContractError, ContractInput
from domain.documents import DocumentError
from domain.errors import ConflictError, PermissionDenied
from domain.formatting import local_today
from tests.factories import class_value, make_customer, make_team

TODAY = local_today()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def team(db):
    with session_scope() as s:
        manager, rep, other = make_team(s)
        return manager, rep, other, make_customer(s, rep, name="签约客户").id


def _contract(**changes) -> ContractInput:
    return ContractInput(**{**dict(number="HT-2026-001", kind="供货合同", signed_on=TODAY, starts_on=TODAY,
                                   ends_on=TODAY + dt.timedelta(days=365), amount=Decimal("120000")), **changes})


def test_contracts_remind_before_they_end_and_refuse_bad_dates(team):
    manager, rep, other, customer_id = team
    with session_scope() as s:
        add_contract(s, rep, customer_id, _contract(number="HT-1", ends_on=TODAY + dt.timedelta(days=20)))
        add_contract(s, rep, customer_id, _contract(number="HT-2"))
    with pytest.raises(ContractError, match="结束日期不能早于开始日期"):
        with session_scope() as s:
            add_contract(s, rep, customer_id, _contract(number="HT-3", ends_on=TODAY - dt.timedelta(days=1)))
    with pytest.raises(PermissionDenied):
        with session_scope() as s:
            add_contract(s, other, customer_id, _contract(number="HT-4"))
    with session_scope() as s:
        assert [c.number for c, _ in ending_soon(s, rep)] == ["HT-1"]
        assert ending_soon(s, other) == []


def test_a_stale_contract_edit_is_refused(team):
    _, rep, _, customer_id = team
    with session_scope() as s:
        contract = add_contract(s, rep, customer_id, _contract())
        contract_id, version = contract.id, contract.version
    with session_scope() as s:
        update_contract(s, rep, contract_id, _contract(amount=Decimal("150000")), expected_version=version,
                        reason="补充协议")
    with pytest.raises(ConflictError):
        with session_scope() as s:
            update_contract(s, rep, contract_id, _contract(amount=Decimal("90000")), expected_version=version,
                            reason="旧页面")


def test_a_long_term_contract_suggests_the_lifecycle_move(team):
    _, rep, _, customer_id = team
    with session_scope() as s:
        add_contract(s, rep, customer_id, _contract(long_term=True, ends_on=None))
    with session_scope() as s:
        scheme_id = class_value(s, "lifecycle", "long").scheme_id
        found = load_suggestions(s, rep, scheme_id, CustomerFilter(), TODAY)
        assert [(p.customer_id, p.to_name, p.reason) for p in found] == [
            (customer_id, "长期客户", "已签订长期合同（合同与协议）")]


def test_documents_keep_versions_and_follow_the_archives_access(team):
    manager, rep, other, customer_id = team
    with session_scope() as s:
        first = upload(s, rep, customer_id, category="营业执照", name="营业执照.pdf", data=PDF).id
    with session_scope() as s:
        upload(s, rep, customer_id, category="营业执照", name="营业执照（新）.pdf", data=PDF + b"%v2",
               replaces_id=first)
    with session_scope() as s:
        [item] = for_customer(s, customer_id)
        assert (item.current.file_name, [d.file_name for d in item.older]) == ("营业执照（新）.pdf", ["营业执照.pdf"])
        document, data = read(s, manager, item.current.id)  # the supervisor reads
        assert data == PDF + b"%v2"
        current_id = item.current.id
    assert len(list(files_dir().rglob("*"))) >= 2  # outside the rows, one file per content
    with pytest.raises(PermissionDenied):  # another rep may not
        with session_scope() as s:
            read(s, other, current_id)
    with pytest.raises(PermissionDenied):
        with session_scope() as s:
            upload(s, other, customer_id, category="其它", name="x.pdf", data=PDF)
    with session_scope() as s:  # a loan opens the files too, read only
        grant = request_access(s, other, customer_id, "核对营业执照", TODAY)
        decide(s, manager, grant.id, True)
    with session_scope() as s:
        assert read(s, other, current_id)[1] == PDF + b"%v2"
        with pytest.raises(PermissionDenied):
            upload(s, other, customer_id, category="其它", name="y.pdf", data=PDF)
    with session_scope() as s:
        reads = [r for r in search(s, manager, start=TODAY, end=TODAY) if r.what.startswith("查看文件")]
        assert {r.who for r in reads} == {manager.name, other.name}


def test_a_refused_upload_stores_nothing(team):
    _, rep, _, customer_id = team
    before = set(files_dir().rglob("*"))
    with pytest.raises(DocumentError, match="不是允许的文件类型"):
        with session_scope() as s:
            upload(s, rep, customer_id, category="其它", name="合同.pdf", data=b"MZ" + b"\x00" * 500)
    with session_scope() as s:
        assert for_customer(s, customer_id) == []
    assert set(files_dir().rglob("*")) == before
