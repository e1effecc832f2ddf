"""A create form's submission is written at most once (table form_submissions).

The form carries a token, made when it was drawn; the unit of work that saves it records the token
first. The same submission arriving again — a double click, or a rerun that stopped the first run
after its commit but before the form was cleared — finds its token taken and writes nothing.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.orm import Session

from db.models import utcnow
from db.models_access import FormSubmission

KEEP = dt.timedelta(days=2)  # a submission older than this cannot arrive again: its page is long gone


def claim(session: Session, token: str) -> bool:
    """Record ``token`` in this unit of work; False when it was recorded before (already saved).

    Two runs of one browser session never run at once, and on PostgreSQL the primary key stops two
    servers from both recording it: the later insert fails and its unit of work rolls back whole."""
    if session.get(FormSubmission, token) is not None:
        return False
    now = utcnow()
    session.execute(delete(FormSubmission).where(FormSubmission.at < now - KEEP))
    session.add(FormSubmission(token=token, at=now))
    session.flush()
    return True
