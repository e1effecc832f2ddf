"""What the server is started with: .streamlit/config.toml and start.sh's command line.

The running server's answers (an upload without the XSRF token → 403, one over the limit → 413) are
checked in tests/browser/test_attacks.py; uploads are judged by content on the server in
domain/documents.py (tests/unit/test_document_checks.py, tests/db/test_contracts_documents.py,
tests/browser/test_documents_flow.py) and domain/spreadsheet.py + domain/xlsx_guard.py
(tests/unit/test_spreadsheet.py).
"""
from __future__ import annotations

import re
import tomllib

from domain import documents, spreadsheet
from tests.pages.apptest import ROOT

CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
START = (ROOT / "start.sh").read_text(encoding="utf-8")
XLSX_MB_PER_1000_ROWS = 0.18  # measured: a 25-column office workbook (bench/import_workbook.py), 20,000 rows = 3.6 MB


def _started_with(option: str) -> str | None:
    """The value start.sh passes as --server.<option> (or STREAMLIT_SERVER_… env), if it does."""
    env_name = "STREAMLIT_SERVER_" + re.sub(r"([A-Z])", r"_\1", option).upper()
    flag = re.search(rf"--server\.{option}[ =](\S+)", START)
    env = re.search(rf"{env_name}=(\S+)", START)
    return (flag or env).group(1) if (flag or env) else None


def test_xsrf_protection_stays_on():
    """Streamlit's XSRF check (default on) is what refuses a cross-site upload; nothing turns it off."""
    assert CONFIG["server"].get("enableXsrfProtection", True) is True
    assert _started_with("enableXsrfProtection") in (None, "true")
    # Streamlit only allows CORS off together with XSRF off; keep both at their defaults.
    assert CONFIG["server"].get("enableCORS", True) is True and _started_with("enableCORS") in (None, "true")


def test_upload_limit_is_low_and_fits_what_we_accept():
    """server.maxUploadSize bounds what one request can make the server buffer: no more than 50 MB,
    and not less than the largest file the app accepts — a document (KEDANG_MAX_FILE_MB) or an
    import at the row limit (KEDANG_IMPORT_MAX_ROWS as .xlsx)."""
    limit = CONFIG["server"]["maxUploadSize"]
    assert _started_with("maxUploadSize") is None
    largest_import_mb = spreadsheet.MAX_ROWS / 1000 * XLSX_MB_PER_1000_ROWS
    assert max(documents.MAX_MB, largest_import_mb) <= limit <= 50, (limit, documents.MAX_MB, largest_import_mb)


def test_no_traceback_reaches_the_browser():
    assert CONFIG["client"]["showErrorDetails"] == "none"
