"""Every kind of history entry the code writes reads in Chinese in the 历史 (never a raw action name)."""
import re
from pathlib import Path

from domain.audit import ACTION_LABELS

ROOT = Path(__file__).resolve().parents[2]


def test_every_action_written_has_a_chinese_label():
    written = set()
    for path in [*ROOT.glob("db/*.py"), ROOT / "manage.py"]:
        written |= set(re.findall(r'\baction=["\']([a-z_]+)["\']', path.read_text(encoding="utf-8")))
        written |= set(re.findall(r'["\']action["\']: ["\']([a-z_]+)["\']', path.read_text(encoding="utf-8")))
    assert "anonymise" in written and "follow_up_correct" in written  # the scan finds the writes
    written -= {"store_true", "store_false"}  # manage.py's argparse options, not history
    assert sorted(written - set(ACTION_LABELS)) == []
