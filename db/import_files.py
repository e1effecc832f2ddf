"""Several files in one import (issue 18 item 5): the combined preview and the repeats across files.

Each file is written in its own transaction by ``db.imports.run_import`` (the page and the command line
call it once per file, in order), so a customer repeated in a later file matches the archive the earlier
file created and is updated or skipped, never created twice. The preview must show that too: it writes
every file but the last inside a savepoint, plans the last one, and rolls the savepoint back — the
preview is what the import will do, and nothing stays written.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from sqlalchemy.orm import Session

from db.imports import NEW, ImportOptions, ImportPlan, run_import
from domain import permissions
from domain.errors import UserFacingError


@dataclass
class FileImport:
    """One file of the import: the name shown (and kept in 导入记录), its rows and its options."""

    name: str
    rows: Sequence[Sequence[Any]]
    options: ImportOptions


@dataclass
class FileResult:
    name: str
    plan: ImportPlan | None = None
    error: str | None = None   # the file could not be imported at all (no header, no 客户名称 column)


@dataclass
class Preview:
    results: list[FileResult]
    repeats: list[dict[str, Any]]   # rows of a later file that are a customer an earlier file creates


def preview_files(session: Session, actor: permissions.Actor, files: Sequence[FileImport]) -> Preview:
    """What importing ``files`` one after another will do, with nothing written. A row of a later
    file that is a customer an earlier file creates is planned against that archive (and listed in
    ``repeats``: {file, row, earlier_file, earlier_row, status})."""
    results: list[FileResult] = []
    outer = session.begin_nested()
    try:
        for number, item in enumerate(files):
            attempt = session.begin_nested()
            try:
                plan = run_import(session, actor, item.rows, file_name=item.name, options=item.options,
                                  dry_run=number == len(files) - 1)
            except UserFacingError as exc:
                attempt.rollback()
                results.append(FileResult(item.name, error=str(exc)))
                continue
            attempt.commit()
            plan.import_id = None
            results.append(FileResult(item.name, plan=plan))
    finally:
        outer.rollback()
    found = _repeats(results)
    _name_earlier_rows(results, found)
    return Preview(results, found)


def _repeats(results: Sequence[FileResult]) -> list[dict[str, Any]]:
    created: dict[int, tuple[str, int]] = {}
    found = []
    for result in results:
        if result.plan is None:
            continue
        for item in result.plan.rows:
            if item.status != NEW and item.customer_id in created:
                earlier_file, earlier_row = created[item.customer_id]
                found.append({"file": result.name, "row": item.row, "earlier_file": earlier_file,
                              "earlier_row": earlier_row, "status": item.status})
        created.update({item.customer_id: (result.name, item.row) for item in result.plan.rows
                        if item.status == NEW and item.customer_id is not None})
    return found


def _name_earlier_rows(results: Sequence[FileResult], found: list[dict[str, Any]]) -> None:
    """The archive an earlier file creates has no number yet (the preview's was rolled back): a match
    with it names that file and row instead, in the row and in the report's duplicates."""
    by_file_row = {(r["file"], r["row"]): r for r in found}
    for result in results:
        if result.plan is None:
            continue
        for item in result.plan.rows:
            repeat = by_file_row.get((result.name, item.row))
            if repeat is not None:
                earlier = f"「{repeat['earlier_file']}」第 {repeat['earlier_row']} 行"
                item.note = item.note.replace(f"已有档案 {item.archive_no}", f"与{earlier}是同一客户")
                item.archive_no = earlier
            elif item.status == NEW:  # a number the rolled-back preview took: the import may give another
                item.archive_no = None
            if item.status == NEW:
                item.customer_id = None
        for entry in result.plan.duplicates:
            repeat = by_file_row.get((result.name, entry.get("row")))
            if repeat is not None and "archive_nos" in entry:
                entry.update(archive_nos=[], earlier_file=repeat["earlier_file"], earlier_row=repeat["earlier_row"])
