"""Importing a workbook's rows: the dry run (plan) and the write, in one transaction.

``run_import`` is the one path the 导入 page and ``manage.py import-customers``
share. The plan classifies every row as 新建 / 更新 / 不变 / 跳过 / 错误 before
anything is written; ``dry_run=False`` then writes the new and updated
archives with their history (each entry carries the import's id, so the
import can be undone), all in the caller's transaction: an import is
written completely or not at all.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from db.access import log_refusal
from db.archives import reserve_archive_nos
from db.bulk import insert_rows
from db.cadence import refresh_due
from db.classification import apply_classes
from db.derived import contact_columns, customer_columns
from db.duplicates import hidden_ones
from db.import_lookups import ExistingIndex, load_customers, load_lookups
from db.models import AuditEvent, Contact, Customer, CustomerClass, ImportBatch, utcnow
from domain import audit, permissions, review, signoff
from domain.errors import UserFacingError
from domain.formatting import local_today
from domain.import_content import by_content
from domain.import_mapping import auto_mapping, detect_header_row, header_text, target_label, unmapped_columns
from domain.import_rows import Lookups, ParsedRow, RowError, mark_in_file_duplicates, parse_row
from domain.matches import hidden_match
from domain.normalize import normalize_name
from domain.validation import check_archive

NEW, UPDATE, UNCHANGED, SKIP, ERROR = "new", "update", "unchanged", "skip", "error"
STATUS_LABELS = {NEW: "新建", UPDATE: "更新", UNCHANGED: "不变", SKIP: "跳过", ERROR: "错误"}
ON_DUPLICATE = {"skip": "跳过已有档案", "update": "更新已有档案"}

Progress = Callable[[float, str], None]
CHUNK = 5000  # new archives written per executemany
IMPORT_LOCK_KEY = 4_206_021  # PostgreSQL advisory lock held by a writing import


@dataclass
class ImportOptions:
    sheet: str | None = None
    header_row: int | None = None            # as Excel numbers rows; None: detect
    mapping: dict[int, str] | None = None    # column index → target; None: recognise the headers
    defaults: dict[str, Any] = field(default_factory=dict)  # values for blank cells, e.g. {"province": "广东"}
    owner_id: int | None = None              # owner of new archives (managers may choose)
    on_duplicate: str = "skip"               # what to do with rows matching an existing archive
    value_map: dict[str, dict[str, str]] = field(default_factory=dict)  # {field: {office word: choice}}


@dataclass
class PlannedRow:
    parsed: ParsedRow
    status: str
    customer_id: int | None = None
    archive_no: str | None = None
    note: str = ""
    changes: list[audit.Change] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)   # a new archive's complete values
    owner_id: int | None = None
    refused: bool = False  # matched an archive the importer may not edit (logged when the import is written)

    @property
    def row(self) -> int:
        return self.parsed.row


@dataclass
class ImportPlan:
    file_name: str
    sheet: str | None
    header_row: int
    headers: list[Any]
    mapping: dict[int, str]
    rows: list[PlannedRow]
    rows_read: int
    skipped_blank: int
    duplicates: list[dict[str, Any]]
    lookups: Lookups
    import_id: int | None = None
    content_notes: dict[str, str] = field(default_factory=dict)  # header → 根据内容识别为 …
    unmapped: list[str] = field(default_factory=list)  # the columns not imported (listed, never silently dropped)


    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def rejected(self) -> list[RowError]:
        return [e for r in self.rows if r.status == ERROR for e in r.errors]

    def report(self) -> dict[str, Any]:
        """The summary ``manage.py import-customers --json`` prints (a contract for scheduled jobs)."""
        return {
            "rows_read": self.rows_read, "created": self.count(NEW), "updated": self.count(UPDATE),
            "unchanged": self.count(UNCHANGED), "skipped": self.count(SKIP), "skipped_blank": self.skipped_blank,
            "rejected_rows": self.count(ERROR), "rejected": [e.as_dict() for e in self.rejected],
            "duplicates": self.duplicates, "import_id": self.import_id,
            "unmapped_columns": self.unmapped,  # never dropped without a word: the columns not imported
        }


def _named(person: dict[str, Any]) -> str:
    """A contact in the history: 周采购（采购负责人）; the 负责人 by name alone."""
    who = person.get("name") or person.get("mobile") or person.get("phone") or ""
    return who if person["role"] == "负责人" else f"{who}（{person['role']}）"


class NoHeaderFound(UserFacingError):
    pass


def run_import(session: Session, actor: permissions.Actor, rows: Sequence[Sequence[Any]], *, file_name: str,
               options: ImportOptions, dry_run: bool = False, progress: Progress | None = None) -> ImportPlan:
    """Plan the import of ``rows`` (a sheet as read) and, unless ``dry_run``, write it."""
    if not permissions.can_create(actor):
        raise UserFacingError("您无权导入档案")
    if not dry_run:
        _one_import_at_a_time(session)
    plan = _Planner(session, actor, options, progress or (lambda *_: None)).plan(rows, file_name)
    if not dry_run:
        _Writer(session, actor, options, progress or (lambda *_: None)).write(plan)
        for item in plan.rows:
            if item.refused:
                log_refusal(session, actor.id, f"导入「{file_name}」第 {item.row} 行：{item.note}",
                            customer_id=item.customer_id, page="import")
    return plan


def _one_import_at_a_time(session: Session) -> None:
    """Imports that write run one after another, so the second one sees what the first created
    (SQLite's BEGIN IMMEDIATE already serialises writers; PostgreSQL takes a transaction lock)."""
    if session.bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK_KEY})


def find_header(rows: Sequence[Sequence[Any]], header_row: int | None) -> int:
    """Index of the header row: the one the user named, or the first that names several fields."""
    if header_row:
        if not 1 <= header_row <= len(rows):
            raise NoHeaderFound(f"表头行号 {header_row} 超出了工作表的范围（共 {len(rows)} 行）")
        return header_row - 1
    index = detect_header_row(rows)
    if index is None:
        raise NoHeaderFound("找不到表头：前 30 行中没有一行包含至少 3 个可识别的列名（如 客户名称、电话、地址），"
                            "请指定表头所在的行")
    return index


class _Planner:
    def __init__(self, session: Session, actor: permissions.Actor, options: ImportOptions, progress: Progress):
        self.session, self.actor, self.options, self.progress = session, actor, options, progress
        self.today = local_today()

    def plan(self, rows: Sequence[Sequence[Any]], file_name: str) -> ImportPlan:
        header_index = find_header(rows, self.options.header_row)
        headers = list(rows[header_index])
        lookups = self.lookups = load_lookups(self.session)
        mapping, notes = self.options.mapping, {}
        if mapping is None:  # no mapping chosen (the command line without --mapping): headers, then content
            mapping, notes = by_content(rows, header_index, auto_mapping(headers), set(lookups.users))
        if "name" not in mapping.values():
            raise UserFacingError("没有哪一列对应“客户名称”，无法导入。请在列对应表中指定客户名称所在的列")
        parsed: list[ParsedRow] = []
        blank = 0
        total = max(1, len(rows) - header_index - 1)
        for index in range(header_index + 1, len(rows)):
            row = parse_row(index + 1, rows[index], headers, mapping, lookups, self.options.defaults,
                            self.options.value_map)
            if row is None:
                blank += 1
            else:
                parsed.append(row)
            if index % 5000 == 0:
                self.progress(0.4 * (index - header_index) / total, f"已读取 {index - header_index} 行")
        duplicates = mark_in_file_duplicates(parsed)
        self.columns = {target: header_text(headers, i) for i, target in mapping.items()}
        self.users = lookups.users
        planned = self._decide(parsed, duplicates)
        return ImportPlan(file_name=file_name, sheet=self.options.sheet, header_row=header_index + 1,
                          headers=headers, mapping=dict(mapping), rows=planned,
                          rows_read=len(rows) - header_index - 1, skipped_blank=blank, duplicates=duplicates,
                          lookups=lookups, content_notes={header_text(headers, i): n for i, n in notes.items()},
                          unmapped=unmapped_columns(rows, header_index, mapping))

    def _decide(self, parsed: list[ParsedRow], duplicates: list[dict[str, Any]]) -> list[PlannedRow]:
        index = ExistingIndex.load(self.session)
        matches = {row.row: index.matches(row) for row in parsed if not row.errors and row.duplicate_of is None}
        # An archive the importer may not see is told by what matched and whom to ask, never its number.
        self.hidden = hidden_ones(self.session, self.actor, {cid for ids in matches.values() for cid in ids})
        wanted = {next(iter(m)) for m in matches.values() if len(m) == 1}
        self.customers = load_customers(self.session, wanted) if self.options.on_duplicate == "update" else {}
        planned = []
        for row in parsed:
            if row.errors:
                planned.append(PlannedRow(row, ERROR, errors=row.errors))
            elif row.duplicate_of is not None:
                planned.append(PlannedRow(row, ERROR, errors=[RowError(
                    row.row, self.columns.get("name", "客户名称"), str(row.values.get("name") or ""),
                    f"与本文件第 {row.duplicate_of} 行是同一客户（客户名称、电话或税号相同）")]))
            elif not matches[row.row]:
                planned.append(self._plan_new(row))
            else:
                planned.append(self._plan_existing(row, matches[row.row], index))
                shown = sorted(index.archive_no[i] for i in matches[row.row] if i not in self.hidden)
                hidden = len(matches[row.row]) - len(shown)
                duplicates.append({"row": row.row, "archive_nos": shown, **({"not_visible": hidden} if hidden else {})})
        return planned

    def _rule_errors(self, row: ParsedRow, values: dict[str, Any]) -> list[RowError]:
        errors = check_archive(values, today=self.today)
        return [RowError(row.row, self.columns.get(name, target_label(name)),
                         audit.display(values.get(name)) or "", message) for name, message in errors.items()]

    def _plan_new(self, row: ParsedRow) -> PlannedRow:
        values = dict(row.values)  # only what the file gave: the other fields stay empty
        errors = self._rule_errors(row, values)
        if errors:
            return PlannedRow(row, ERROR, errors=errors)
        return PlannedRow(row, NEW, values=values, owner_id=self._owner_for(row))

    def _owner_for(self, row: ParsedRow) -> int | None:
        if not permissions.can_assign_owner(self.actor):
            return self.actor.id
        if row.owner:
            return self.users[row.owner]
        return self.options.owner_id or self.actor.id

    def _plan_existing(self, row: ParsedRow, ids: set[int], index: "ExistingIndex") -> PlannedRow:
        numbers = sorted(index.archive_no[i] for i in ids if i not in self.hidden)
        if len(ids) > 1:
            unseen = [f"另有 {len(ids) - len(numbers)} 份您无权查看"] if len(ids) > len(numbers) else []
            return PlannedRow(row, ERROR, errors=[RowError(
                row.row, self.columns.get("name", "客户名称"), str(row.values.get("name") or ""),
                f"与多份已有档案相符（{'、'.join(numbers + unseen)}），请手工核对后再导入")])
        customer_id = next(iter(ids))
        hidden = (hidden_match(index.matched_by(row, customer_id), self.hidden[customer_id])
                  if customer_id in self.hidden else None)
        item = PlannedRow(row, SKIP, customer_id=customer_id, archive_no=None if hidden else numbers[0])
        if self.options.on_duplicate != "update":
            item.note = f"{hidden}（按设置跳过）" if hidden else f"已有档案 {numbers[0]}，按设置跳过"
            return item
        customer = self.customers[customer_id]
        if not customer.is_active:
            item.note = f"{hidden}（未更新）" if hidden else f"已有档案 {numbers[0]} 已停用，未更新"
        elif not permissions.can_edit(self.actor, customer):
            item.note = f"{hidden}（未更新）" if hidden else f"已有档案 {numbers[0]} 不归您负责，未更新"
            item.refused = True
        else:
            self._plan_update(item, customer)
        return item

    def _plan_update(self, item: PlannedRow, customer: Customer) -> None:
        row = item.parsed
        # The archive keeps its name: a match is by name, phone or tax number, and a spelling
        # variant or another branch's name in a workbook must not rename it. Values the file did
        # not state (defaults, a province read off the address) only fill what the archive lacks.
        given = {k: v for k, v in row.values.items()
                 if k != "name" and (k not in row.filled_in or getattr(customer, k) is None)}
        if normalize_name(row.values.get("name")) != customer.name_key:
            item.note = f"文件中的名称「{row.values.get('name')}」与档案不同，名称未修改"
        if signoff.needs_signoff(self.actor):  # 信用额度, 账期, bank data: only through the archive's sign-off
            given, held = signoff.split_sensitive(customer.field_values(), given)
            if held:
                item.note = "、".join(c["label"] for c in held) + " 的修改需上级审批，未导入，请在档案中修改"
        merged = customer.field_values() | given
        errors = self._rule_errors(row, merged)
        if errors:
            item.status, item.errors = ERROR, errors
            return
        item.values = merged
        item.changes = audit.diff_fields(customer.field_values(), merged)
        contact_names = {c.name for c in customer.contacts}
        for person in row.contacts:
            if person.get("name") and person["name"] not in contact_names:
                item.changes.append({"field": "联系人", "label": "联系人", "old": None, "new": _named(person)})
        current = {c.scheme_id: c.value_id for c in customer.classes}
        for scheme_id, value_id in self.lookups.class_ids(row).items():
            if current.get(scheme_id) != value_id:
                item.changes.append(self.lookups.class_change(scheme_id, current.get(scheme_id), value_id))
        item.status = UPDATE if item.changes else UNCHANGED


class _Writer:
    def __init__(self, session: Session, actor: permissions.Actor, options: ImportOptions, progress: Progress):
        self.session, self.actor, self.options, self.progress = session, actor, options, progress

    def write(self, plan: ImportPlan) -> None:
        self.lookups = plan.lookups
        batch = ImportBatch(actor_id=self.actor.id, file_name=plan.file_name[:200], sheet=plan.sheet,
                            options={"header_row": plan.header_row, "on_duplicate": self.options.on_duplicate,
                                     "owner_id": self.options.owner_id, "defaults": _jsonable(self.options.defaults)})
        self.session.add(batch)
        self.session.flush()
        plan.import_id = batch.id
        self.reason = f"由导入「{plan.file_name}」{{}}（导入 #{batch.id}）"
        self._create([r for r in plan.rows if r.status == NEW], batch.id)
        self._update([r for r in plan.rows if r.status == UPDATE], batch.id)
        # the new archives' contact cadence (updates refresh theirs as classes change)
        refresh_due(self.session, [r.customer_id for r in plan.rows if r.status == NEW])
        summary = plan.report()
        batch.summary = {k: v for k, v in summary.items() if k not in ("rejected", "duplicates")}
        self.progress(1.0, "导入完成")

    def _create(self, items: list[PlannedRow], import_id: int) -> None:
        """Bulk-insert the new archives, a chunk at a time so memory stays flat for large files."""
        year = utcnow().year
        by_region: dict[str | None, list[PlannedRow]] = {}
        for item in items:
            by_region.setdefault(item.values.get("province"), []).append(item)
        for province, group in by_region.items():
            for item, number in zip(group, reserve_archive_nos(self.session, province, year, len(group))):
                item.archive_no = number
        columns = {name for item in items for name, value in item.values.items() if value is not None}
        for start in range(0, len(items), CHUNK):
            chunk = items[start:start + CHUNK]
            self._insert_customers(chunk, columns)
            self._insert_children(chunk, import_id)
            self.progress(0.5 + 0.5 * (start + len(chunk)) / len(items), f"已写入 {start + len(chunk)} 份新档案")

    def _insert_customers(self, chunk: list[PlannedRow], columns: set[str]) -> None:
        """One bulk insert (COPY on PostgreSQL) of only the columns the file filled (RETURNING is slow with
        this many columns); the new ids are then read back by the archive numbers this transaction reserved."""
        table, now = Customer.__table__, utcnow()
        state = review.initial_state(permissions.files_directly(self.actor))
        last_id = self.session.scalar(select(func.max(table.c.id))) or 0
        insert_rows(self.session, table, [{
            **{name: item.values.get(name) for name in columns},
            "archive_no": item.archive_no, "owner_id": item.owner_id, "created_by_id": self.actor.id,
            "is_active": True, "review_state": state, "version": 1, "created_at": now, "updated_at": now,
            **customer_columns(item.values, contacts=len(item.parsed.contacts), products=0),
        } for item in chunk])
        ids = dict(self.session.execute(select(table.c.archive_no, table.c.id).where(table.c.id > last_id)).all())
        for item in chunk:
            item.customer_id = ids[item.archive_no]

    def _insert_children(self, chunk: list[PlannedRow], import_id: int) -> None:
        """The contacts (the 负责人 and any 采购/财务/老板 columns), the classes and one history entry
        per new archive."""
        contacts, classes, events = [], [], []
        for item in chunk:
            changes = audit.diff_fields({}, item.values)
            for person in item.parsed.contacts:
                contacts.append({"customer_id": item.customer_id, "name": person.get("name") or "（未填姓名）",
                                 "role": person["role"], "title": person.get("title"), "mobile": person.get("mobile"),
                                 "phone": person.get("phone"),
                                 **contact_columns(person.get("mobile"), person.get("phone"))})
                changes.append({"field": "联系人", "label": "联系人", "old": None, "new": _named(person)})
            for scheme_id, value_id in self.lookups.class_ids(item.parsed).items():
                classes.append({"customer_id": item.customer_id, "scheme_id": scheme_id, "value_id": value_id})
                changes.append(self.lookups.class_change(scheme_id, None, value_id))
            events.append({"at": utcnow(), "actor_id": self.actor.id, "entity": "customer",
                           "entity_id": item.customer_id, "action": "import_create",
                           "reason": self.reason.format("创建"), "changes": changes, "import_id": import_id})
        for model, payload in ((Contact, contacts), (CustomerClass, classes), (AuditEvent, events)):
            insert_rows(self.session, model.__table__, payload)

    def _update(self, items: list[PlannedRow], import_id: int) -> None:
        if not items:
            return
        customers = load_customers(self.session, {i.customer_id for i in items})
        for item in items:
            customer = customers[item.customer_id]
            for name, value in item.values.items():
                setattr(customer, name, value)
            for person in item.parsed.contacts:
                if person.get("name") and person["name"] not in {c.name for c in customer.contacts}:
                    customer.contacts.append(Contact(name=person["name"], role=person["role"],
                                                     title=person.get("title"), mobile=person.get("mobile"),
                                                     phone=person.get("phone")))
            apply_classes(self.session, customer, self.lookups.class_ids(item.parsed), actor_id=self.actor.id,
                          reason=self.reason.format("更新"))
            customer.updated_at = utcnow()
            self.session.add(AuditEvent(actor_id=self.actor.id, entity="customer", entity_id=customer.id,
                                        action="import_update", reason=self.reason.format("更新"),
                                        changes=item.changes, import_id=import_id))
        self.session.flush()
        refresh_due(self.session, [item.customer_id for item in items])


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: audit.display(v) for k, v in values.items()}
