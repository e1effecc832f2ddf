"""Errors whose message is Chinese and safe to show to the user as it is."""
from __future__ import annotations


class UserFacingError(Exception):
    """A refused action; ``str(error)`` tells the user what and where, in Chinese."""


class PermissionDenied(UserFacingError):
    pass


class NotFound(UserFacingError):
    pass


class ConflictError(UserFacingError):
    """Someone else saved the same record after this user opened it."""
