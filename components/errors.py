"""Unexpected errors: the user gets a Chinese message with an error id, never a traceback; the
traceback goes to a rotating log file (``KEDANG_LOG_DIR``, default data/logs) with the id, the
user and the page, so an admin can find it from the id the user reports."""
from __future__ import annotations

import logging
import os
import traceback
import uuid
from logging.handlers import RotatingFileHandler
from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st

from db.engine import ROOT

_logger = logging.getLogger("kedang.errors")


def log_dir() -> Path:
    return Path(os.environ.get("KEDANG_LOG_DIR") or ROOT / "data" / "logs")


def _handler_ready() -> None:
    """One rotating file handler for the process (5 files × 5 MB)."""
    if any(isinstance(h, RotatingFileHandler) for h in _logger.handlers):
        return
    log_dir().mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(log_dir() / "kedang-errors.log", maxBytes=5 * 1024 * 1024, backupCount=5,
                                  encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    _logger.addHandler(handler)
    _logger.setLevel(logging.ERROR)
    _logger.propagate = False


def log_error(exc: BaseException, *, user: str, page: str) -> str:
    """Write the error with a fresh id; returns the id."""
    _handler_ready()
    error_id = uuid.uuid4().hex[:8].upper()
    trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    _logger.error("id=%s user=%s page=%s\n%s", error_id, user, page, trace)
    return error_id


def show_error(exc: BaseException, user) -> None:
    page = urlsplit(st.context.url or "").path.strip("/") or "home"
    who = f"{user.username}#{user.id}" if user is not None else "未登录"
    error_id = log_error(exc, user=who, page=page)
    st.error(f"抱歉，页面出错了，您的操作没有完成（错误编号 {error_id}）。请刷新页面重试；"
             f"如果仍然出错，请把错误编号告诉系统管理员。")
