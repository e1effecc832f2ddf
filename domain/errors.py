"""Errors whose message is Chinese and safe to show to the user as it is."""
from __future__ import annotations


class UserFacingError(Exception):
    """A refused action; ``str(error)`` tells the user what and where, in Chinese."""


class FieldErrors(UserFacingError):
    """Input that cannot be saved; ``errors`` maps a form field to its Chinese message, shown beside it
    (components/forms.py). Each area's error (ContractError, FollowUpError, …) is one of these."""

    def __init__(self, errors: dict[str, str], message: str | None = None):
        super().__init__(message or "；".join(errors.values()))
        self.errors = errors


class PermissionDenied(UserFacingError):
    pass


class NotFound(UserFacingError):
    pass


class ConflictError(UserFacingError):
    """Someone else saved the same record after this user opened it."""


class BusyError(ConflictError):
    """The database refused the transaction because of another at the same moment (SQLite's write lock
    not freed in time; PostgreSQL's serialization failure 40001 or deadlock 40P01). Nothing was saved."""

    def __init__(self, message: str = "数据库正忙：同事在同一时刻修改了相关数据，您的这次操作没有保存，"
                                      "所填内容仍在页面上，请稍后再试一次"):
        super().__init__(message)
