"""Two people saving the same record at the same moment (issue 9 §1): one save lands, the other is told
in Chinese what changed and lands when re-applied — 0 lost updates, 0 unexplained errors.

Each pair: both sides read the same version, then save at once (two threads behind a barrier, four pairs
in flight at a time). Archives: one edits 地址, the other 传真. Follow-ups: the rep corrects 跟进情况, the
manager 客户反馈. Classes (分类方案): two admins rename the same class.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import pytest
from sqlalchemy import func, select

from db.archive_queries import get_customer
from db.archives import archive_input_from, update_customer
from db.audit import list_history
from db.engine import session_scope
from db.followups import correct_follow_up, log_follow_up
from db.models import AuditEvent, ClassValue, Customer
from db.models_followups import FollowUp
from db.schemes import ClassEdit, save_class
from domain.errors import ConflictError
from domain.followups import FollowUpInput
from domain.formatting import local_today
from tests.factories import make_customer, make_team, make_user

PAIRS = 100


def race(first: Callable[[], None], second: Callable[[], None]) -> list[object]:
    """Run both saves at the same moment; each outcome is "ok" or the exception it raised."""
    barrier, outcomes = threading.Barrier(2), [None, None]

    def run(index: int, save: Callable[[], None]) -> None:
        barrier.wait()
        try:
            save()
            outcomes[index] = "ok"
        except Exception as exc:  # noqa: BLE001 - every outcome is the finding
            outcomes[index] = exc

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def settle(outcomes: list[object], retry: list[Callable[[], None]]) -> int:
    """Exactly one side wins; the loser got a ConflictError and re-applies on the latest version.
    Returns which side lost."""
    assert sorted(map(type, outcomes), key=str) == sorted([str, type(outcomes[1 - outcomes.index("ok")])], key=str)
    loser = 1 - outcomes.index("ok")
    error = outcomes[loser]
    assert isinstance(error, ConflictError), repr(error)
    assert "保存失败" in str(error) or "数据库正忙" in str(error)
    retry[loser]()
    return loser


def contested(model, row_id: int, first: Callable[[int | None], None],
              second: Callable[[int | None], None]) -> Callable[[], int]:
    """One pair: both sides save from the version of ``row_id`` read now (None: the latest, re-read
    by the save itself, which is what re-applying after a conflict does). Returns the loser."""
    def go() -> int:
        with session_scope() as s:
            opened = s.get(model, row_id).version
        outcomes = race(lambda: first(opened), lambda: second(opened))
        return settle(outcomes, [lambda: first(None), lambda: second(None)])
    return go


def run_pairs(pairs: list[Callable[[], int]], workers: int = 4) -> list[int]:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda pair: pair(), pairs))


def test_archive_edit_pairs_lose_nothing(db):
    with session_scope() as s:
        manager, rep, _ = make_team(s)
        ids = [make_customer(s, rep, address="旧地址").id for _ in range(PAIRS)]

    def edit(cid: int, who, field: str, value: str, version: int | None = None) -> None:
        with session_scope() as s:
            customer = get_customer(s, who, cid)
            data = archive_input_from(customer)
            data.values[field] = value
            update_customer(s, who, cid, data, reason=f"并发修改{field}",
                            expected_version=customer.version if version is None else version)

    losers = run_pairs([contested(Customer, cid, lambda v, cid=cid: edit(cid, rep, "address", f"新地址{cid}", v),
                                  lambda v, cid=cid: edit(cid, manager, "fax", f"0755-6{cid:06d}", v))
                        for cid in ids])
    assert len(losers) == PAIRS
    with session_scope() as s:
        for cid in ids:
            customer = s.get(Customer, cid)
            assert (customer.address, customer.fax) == (f"新地址{cid}", f"0755-6{cid:06d}")  # both edits kept
            edits = [e for e in list_history(s, entity="customer", entity_id=cid) if e.action == "update"]
            assert sorted(c["label"] for e in edits for c in e.changes) == ["传真", "地址"]


def test_follow_up_correction_pairs_lose_nothing(db):
    with session_scope() as s:
        manager, rep, _ = make_team(s)
        ids = []
        for _ in range(PAIRS):
            customer = make_customer(s, rep)
            ids.append(log_follow_up(s, rep, customer.id, FollowUpInput(
                day=local_today(), method="电话跟进", summary="电话沟通新品", feedback="考虑中")).id)

    def correct(fid: int, who, field: str, value: str, version: int | None = None) -> None:
        with session_scope() as s:
            record = s.get(FollowUp, fid)
            values = {"summary": record.summary, "feedback": record.feedback or ""} | {field: value}
            correct_follow_up(s, who, fid, values, reason="补充细节",
                              expected_version=record.version if version is None else version)

    run_pairs([contested(FollowUp, fid,
                         lambda v, fid=fid: correct(fid, rep, "summary", f"电话沟通新品，约{fid}日见面", v),
                         lambda v, fid=fid: correct(fid, manager, "feedback", f"客户要样品{fid}", v))
               for fid in ids])
    with session_scope() as s:
        for fid in ids:
            record = s.get(FollowUp, fid)
            assert (record.summary, record.feedback) == (f"电话沟通新品，约{fid}日见面", f"客户要样品{fid}")
        assert s.scalar(select(func.count()).where(AuditEvent.action == "follow_up_correct")) == 2 * PAIRS


def test_class_rename_pairs_lose_nothing(db):
    with session_scope() as s:
        first, second = make_user(s, "admin"), make_user(s, "admin")
        scheme_id, value_id = s.execute(select(ClassValue.scheme_id, ClassValue.id).limit(1)).one()

    def rename(who, name: str, version: int | None = None) -> None:
        with session_scope() as s:
            value = s.get(ClassValue, value_id)
            save_class(s, who, scheme_id, value_id, ClassEdit(name=name, meaning=value.meaning or "", color=value.color
                                                              or "#888888", needs_reason=value.is_terminal),
                       expected_version=value.version if version is None else version)

    # One class, so the pairs run one after another (each pair still saves at the same moment).
    for i in range(PAIRS):
        loser = contested(ClassValue, value_id, lambda v: rename(first, f"甲{i}", v),
                          lambda v: rename(second, f"乙{i}", v))()
        with session_scope() as s:
            assert s.get(ClassValue, value_id).name == (f"甲{i}" if loser == 0 else f"乙{i}")  # the re-applied one


def test_the_conflict_message_names_who_changed_what(db):
    with session_scope() as s:
        manager, rep, _ = make_team(s)
        customer = make_customer(s, rep)
        fid = log_follow_up(s, rep, customer.id,
                            FollowUpInput(day=local_today(), method="电话跟进", summary="初次电话")).id
    with session_scope() as s:
        correct_follow_up(s, manager, fid, {"summary": "初次电话，客户有兴趣"}, reason="补充", expected_version=1)
    with pytest.raises(ConflictError, match="李经理 更正了 跟进情况") as info:
        with session_scope() as s:
            correct_follow_up(s, rep, fid, {"summary": "初次电话，约下周"}, reason="补充", expected_version=1)
    assert "您填写的内容仍保留在表单中" in str(info.value)
    with session_scope() as s:
        assert s.get(FollowUp, fid).summary == "初次电话，客户有兴趣"


def test_the_archive_conflict_names_only_the_saves_after_the_form_was_opened(db):
    with session_scope() as s:
        manager, rep, _ = make_team(s)
        cid = make_customer(s, rep, address="旧地址").id

    def edit(who, field: str, value: str, version: int | None = None) -> int:
        with session_scope() as s:
            customer = get_customer(s, who, cid)
            data = archive_input_from(customer)
            data.values[field] = value
            return update_customer(s, who, cid, data, reason="改", expected_version=version or customer.version).version

    opened = edit(rep, "fax", "0755-61234567")  # the manager opens the form after this save
    edit(rep, "address", "新地址")
    with pytest.raises(ConflictError) as info:
        edit(manager, "email", "a@b.cn", version=opened)
    assert str(info.value).startswith("保存失败：您打开这份档案后，张伟 修改了 地址。")  # not 传真, seen already
