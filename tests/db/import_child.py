"""Run by test_interrupted_import: starts a large import and freezes mid-write, to be SIGKILLed."""
import sys
import time

from db.engine import session_scope
from db.imports import ImportOptions, run_import
from domain.permissions import SystemActor


def main(url: str, rows: int) -> None:
    sheet = [["客户名称", "客户类型", "省份", "电话"]]
    sheet += [[f"中断测试客户{i}", "企业", "广东", f"0755-{7000000 + i}"] for i in range(rows)]

    def progress(fraction: float, text: str) -> None:
        if text.startswith("已写入"):  # some rows are written, the transaction is still open
            print("WRITING", flush=True)
            time.sleep(600)

    with session_scope(url) as session:
        run_import(session, SystemActor(), sheet, file_name="中断.xlsx", options=ImportOptions(), progress=progress)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
