"""Documents attached to an archive: stored outside the database rows, in the documents folder
(``KEDANG_FILES_DIR``, default data/files) under their SHA-256, so a file uploaded twice is kept
once and a row never holds megabytes. The rows (table ``documents``) carry the name, kind, size,
who and when, and the version chain: replacing a file keeps its predecessor.

Reading a file goes through ``get_customer`` (the archive's access rules, loans included) and is
recorded in the reading log (查阅记录).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from db.archive_queries import get_customer
from db.audit import record
from db.engine import ROOT
from db.models_papers import Document
from db.read_log import record_read
from domain import documents as D
from domain import permissions
from domain.errors import NotFound, PermissionDenied


def files_dir() -> Path:
    return Path(os.environ.get("KEDANG_FILES_DIR") or ROOT / "data" / "files")


def stored_path(sha256: str) -> Path:
    return files_dir() / sha256[:2] / sha256


def _store(data: bytes) -> str:
    """Write the bytes once under their hash (atomically: a temporary file renamed into place)."""
    sha256 = hashlib.sha256(data).hexdigest()
    target = stored_path(sha256)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle:
            handle.write(data)
            temporary = Path(handle.name)
        os.replace(temporary, target)
    return sha256


def upload(session: Session, actor: permissions.Actor, customer_id: int, *, category: str, name: str, data: bytes,
           note: str = "", replaces_id: int | None = None) -> Document:
    """Check the file by its content and attach it (as a new version of ``replaces_id`` if given)."""
    customer = get_customer(session, actor, customer_id)
    if not permissions.can_follow_up(actor, customer):
        raise PermissionDenied("您无权为这份档案上传文件（借阅的档案只能查看）")
    if category not in D.CATEGORIES:
        raise D.DocumentError("请选择文件类别")
    checked = D.check_upload(name, data)
    previous = None
    if replaces_id is not None:
        previous = session.get(Document, replaces_id)
        if previous is None or previous.customer_id != customer_id or previous.replaced_by_id is not None:
            raise NotFound("要替换的文件不存在或已被替换，请刷新后重试")
    document = Document(customer_id=customer_id, category=category, file_name=checked.name, kind=checked.kind,
                        size=checked.size, sha256=_store(data), note=note.strip()[:200] or None,
                        replaces_id=replaces_id, uploaded_by_id=actor.id)
    session.add(document)
    session.flush()
    if previous is not None:
        previous.replaced_by_id = document.id
    record(session, actor_id=actor.id, entity="customer", entity_id=customer_id, action="document",
           changes=[{"field": "文件", "label": f"文件·{category}",
                     "old": previous.file_name if previous else None,
                     "new": f"{checked.name}（{D.size_text(checked.size)}）"}])
    return document


@dataclass(frozen=True)
class Versions:
    current: Document
    older: list[Document]


def for_customer(session: Session, customer_id: int) -> list[Versions]:
    """Each document's current version with its predecessors, newest first."""
    rows = list(session.scalars(select(Document).options(joinedload(Document.uploaded_by))
                                .where(Document.customer_id == customer_id).order_by(Document.id.desc())))
    by_id = {d.id: d for d in rows}
    found = []
    for document in rows:
        if document.replaced_by_id is not None:
            continue
        older, step = [], document.replaces_id
        while step is not None and step in by_id:
            older.append(by_id[step])
            step = by_id[step].replaces_id
        found.append(Versions(document, older))
    return found


def read(session: Session, actor: permissions.Actor, document_id: int) -> tuple[Document, bytes]:
    """The file's bytes, for whoever may see the archive; the reading is recorded."""
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound("找不到这个文件")
    get_customer(session, actor, document.customer_id)  # the archive's access rules, loans included
    path = stored_path(document.sha256)
    if not path.exists():
        raise NotFound(f"文件「{document.file_name}」的内容不在文件目录中（请联系管理员从备份恢复）")
    data = path.read_bytes()
    record_read(session, actor, document.customer_id, f"查看文件 #{document.id}")
    return document, data
