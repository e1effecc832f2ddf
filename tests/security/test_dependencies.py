"""pip-audit: none of the pinned requirements (with what they pull in) has a known vulnerability.

pip-audit asks PyPI's JSON API (https://pypi.org/pypi/<name>/<version>/json) for each package's
advisories. Where that service cannot answer (no internet, or a mirror without the per-version
pages), pip-audit reports the packages as "could not be audited" and says "No known
vulnerabilities found" anyway; this test does not count that as clean: it skips, naming what it
could not check. Run once per suite (in the SQLite pass): it does not touch the database.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pages.apptest import ROOT

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def test_requirements_have_no_known_vulnerabilities(tmp_path):
    if os.environ.get("KEDANG_TEST_DB", "sqlite") != "sqlite":
        pytest.skip("pip-audit runs in the SQLite pass only (it does not depend on the database)")
    if not PIP_AUDIT.exists():
        pytest.skip(f"pip-audit is not installed in {PIP_AUDIT.parent} (requirements-test.txt)")
    result = subprocess.run(
        [str(PIP_AUDIT), "-r", str(ROOT / "requirements.txt"), "--format", "json", "--progress-spinner", "off",
         "--cache-dir", str(tmp_path / "cache")],
        capture_output=True, text=True, timeout=900, cwd=ROOT)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"pip-audit failed (exit {result.returncode}):\n{result.stderr[-3000:]}")
    dependencies = report["dependencies"]
    vulnerable = [f"{d['name']} {d['version']}: " + ", ".join(v["id"] + (f" (fixed in {', '.join(v['fix_versions'])})"
                                                                        if v.get("fix_versions") else "")
                                                               for v in d["vulns"])
                  for d in dependencies if d.get("vulns")]
    assert not vulnerable, "known vulnerabilities:\n" + "\n".join(vulnerable)
    skipped = [f"{d['name']}: {d['skip_reason']}" for d in dependencies if d.get("skip_reason")]
    if skipped:
        pytest.skip(f"pip-audit could not check {len(skipped)} of {len(dependencies)} packages (is the vulnerability "
                    f"service reachable?), e.g. {skipped[0]}")
    assert dependencies, "pip-audit listed no packages"
