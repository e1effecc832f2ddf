"""KeDang's command line for admins and scheduled jobs.

    python manage.py migrate
    python manage.py new-migration "add wechat"                  (for developers: after changing a model or field)
    python manage.py create-user --role admin --username boss --name 老板
    python manage.py seed-demo --customers 300
    python manage.py import-customers FILE [FILE ...] [--sheet NAME] [--header-row N] [--mapping FILE.json]
                     [--owner USERNAME] [--on-duplicate skip|update] [--dry-run] [--json]
    python manage.py export-customers OUT.xlsx [--search 文本] [--province 广东] [--type 餐饮终端] ...
    python manage.py pool-sweep [--date YYYY-MM-DD] [--json]     (daily; safe to run again)
    python manage.py backup OUT.zip                               (database + documents; safe while in use)
    python manage.py restore IN.zip [--force]                     (checks the file first)
    python manage.py check [--json]                               (database, schema, last backup, pool sweep)
"""
from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
from pathlib import Path

from db.archive_queries import CustomerFilter
from db.audit import record
from db.backup import backup, restore
from db.engine import database_url, retrying, session_scope
from db.exports import export_customers
from db.health import check as health_check
from db.import_files import FileImport, FileResult, preview_files
from db.imports import ImportOptions, find_header, run_import
from db.migrate import new_migration, one_at_a_time, upgrade
from db.pool import sweep
from db.seed import DEMO_PASSWORD, DEMO_USERS, ensure_reference_data, seed_demo
from db.users import create_user
from domain.errors import UserFacingError
from domain.import_mapping import mapping_from_headers
from domain.import_values import checked
from domain.permissions import SystemActor
from domain.roles import ALL_ROLES, ROLE_LABELS
from domain.spreadsheet import read_workbook

EXIT_UNREADABLE = 2  # import-customers: the file could not be read at all; nothing was written


def cmd_new_migration(args: argparse.Namespace) -> int:
    path = new_migration(args.message)
    print(f"已生成迁移：{path.relative_to(Path(__file__).resolve().parent)}（请打开核对；下次启动或 migrate 时执行）")
    return 0


def cmd_migrate(_args: argparse.Namespace) -> int:
    try:
        with one_at_a_time():
            upgrade()
            with session_scope() as session:
                ensure_reference_data(session)
    except UserFacingError as exc:
        print(f"升级失败：{exc}", file=sys.stderr)
        return 1
    print("数据库已升级到最新版本")
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    upgrade()
    password = os.environ.get("KEDANG_PASSWORD")
    if not password:
        password = getpass.getpass("密码：")
        if password != getpass.getpass("再次输入密码："):
            print("两次输入的密码不一致", file=sys.stderr)
            return 1
    try:
        with session_scope() as session:
            create_user(session, actor_id=None, username=args.username, name=args.name or args.username,
                        role=args.role, password=password)
    except UserFacingError as exc:
        print(f"创建失败：{exc}", file=sys.stderr)
        return 1
    print(f"已创建用户 {args.username}（{ROLE_LABELS[args.role]}）")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    upgrade()
    with session_scope() as session:
        added = seed_demo(session, customers=args.customers)
    print(f"演示数据：新增 {added} 份档案" if added else "演示数据已存在，未重复加载")
    print_demo_accounts()
    return 0


def print_demo_accounts() -> None:
    print("演示账户（密码均为 %s）：" % DEMO_PASSWORD)
    for username, name, role, _ in DEMO_USERS:
        print(f"  {username:<10} {name}（{ROLE_LABELS[role]}）")


def cmd_import_customers(args: argparse.Namespace) -> int:
    """Import one workbook or several, each in its own transaction (a repeat in a later file updates or
    skips, never duplicates, as --on-duplicate says). Exit 0 when every file was read (even with
    rejected rows), 2 when one could not be read at all, 1 for a wrong option. --json prints one
    report for one file, and an array of reports (each with its "file") for several."""
    upgrade()
    try:
        mapping_file = _read_mapping(args.mapping) if args.mapping else {}
        with session_scope() as session:
            owner_id = _user_id(session, args.owner) if args.owner else None
    except (OSError, ValueError) as exc:
        return _fail(args, f"列对应文件 {args.mapping} 无法读取：{exc}", 1)
    except UserFacingError as exc:
        return _fail(args, str(exc), 1)
    results = _import_files(args, mapping_file, owner_id)
    if args.json:
        reports = [report for _, report in results]
        print(json.dumps(reports[0] if len(reports) == 1 else
                         [{"file": name, **report} for name, report in zip(args.file, reports)], ensure_ascii=False))
    for name, (code, report) in zip(args.file, results):
        if code:
            print(f"导入失败（{name}）：{report['error']}", file=sys.stderr)
        elif not args.json:
            _print_import_summary(report, dry_run=args.dry_run, name=name if len(args.file) > 1 else "")
    return max(code for code, _ in results)


def _import_files(args: argparse.Namespace, mapping_file: dict, owner_id: int | None) -> list[tuple[int, dict]]:
    """(exit code, the file's report — or {"error": why} when it could not be read) per file, read and
    imported one after another. A dry run of several files is one preview (db/import_files.py): a later
    file's repeat of an earlier file's customer shows as the update or skip the import will make."""
    if args.dry_run and len(args.file) > 1:
        prepared = [_file_import(args, Path(name), mapping_file, owner_id) for name in args.file]
        readable = [item for item in prepared if isinstance(item, FileImport)]
        with session_scope() as session:
            previews = iter(preview_files(session, SystemActor(), readable).results)
        return [item if isinstance(item, tuple) else _reported(next(previews)) for item in prepared]
    results = []
    for name in args.file:
        item = _file_import(args, Path(name), mapping_file, owner_id)
        if isinstance(item, FileImport):
            try:
                with session_scope() as session:
                    item = _reported(FileResult(item.name, plan=run_import(
                        session, SystemActor(), item.rows, file_name=item.name, options=item.options,
                        dry_run=args.dry_run)))
            except UserFacingError as exc:
                item = _reported(FileResult(item.name, error=str(exc)))
        results.append(item)
    return results


def _reported(result: FileResult) -> tuple[int, dict]:
    return (EXIT_UNREADABLE, {"error": result.error}) if result.error else (0, result.plan.report())


def _file_import(args: argparse.Namespace, path: Path, mapping_file: dict,
                 owner_id: int | None) -> FileImport | tuple[int, dict]:
    """A file read with its options, or (exit code, {"error": why}) when it could not be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return EXIT_UNREADABLE, {"error": f"无法打开文件 {path}：{exc.strerror}"}
    try:
        workbook = read_workbook(data, path.name)
        sheet = args.sheet or workbook.sheet_names[0]
        rows = workbook.rows(sheet)
        options = ImportOptions(sheet=sheet, header_row=args.header_row or mapping_file.get("header_row"),
                                defaults=mapping_file.get("defaults", {}), owner_id=owner_id,
                                on_duplicate=args.on_duplicate, value_map=checked(mapping_file.get("values")))
        if mapping_file.get("columns"):
            try:
                headers = rows[find_header(rows, options.header_row)]
            except UserFacingError:
                if len(args.file) == 1:
                    raise
                headers = []
            options.mapping = mapping_from_headers(headers, mapping_file["columns"])
            if "name" not in options.mapping.values() and len(args.file) > 1:
                # one of several files laid out otherwise than the mapping's: read by its own header and content
                options.mapping, options.header_row = None, args.header_row
    except UserFacingError as exc:
        return EXIT_UNREADABLE, {"error": str(exc)}
    return FileImport(path.name, rows, options)


def _read_mapping(path: str) -> dict:
    """A mapping file: {"columns": {header: target}, "header_row": N, "defaults": {...}} or just {header: target}."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("应为 JSON 对象")
    return data if "columns" in data else {"columns": data}


def _user_id(session, username: str) -> int:
    from db.users import get_user_by_username

    user = get_user_by_username(session, username)
    if user is None or not user.is_active:
        raise UserFacingError(f"找不到在职用户 {username}")
    return user.id


def _fail(args: argparse.Namespace, message: str, code: int, what: str = "导入失败") -> int:
    if getattr(args, "json", False):
        print(json.dumps({"error": message}, ensure_ascii=False))
    print(f"{what}：{message}", file=sys.stderr)
    return code


def _print_import_summary(report: dict, *, dry_run: bool, name: str = "") -> None:
    head = (f"{name}：" if name else "") + (
        "试导入（未写入数据库）" if dry_run else f"导入完成（导入编号 #{report['import_id']}）")
    print(f"{head}：读取 {report['rows_read']} 行，新建 {report['created']}，更新 {report['updated']}，"
          f"不变 {report['unchanged']}，跳过 {report['skipped']}，空行 {report['skipped_blank']}，"
          f"错误 {report['rejected_rows']} 行")
    for error in report["rejected"]:
        print(f"  第 {error['row']} 行「{error['column']}」{error['value']}：{error['reason']}")
    if report["unmapped_columns"]:
        print("未导入的列：" + "、".join(report["unmapped_columns"]))


def cmd_export_customers(args: argparse.Namespace) -> int:
    upgrade()
    try:
        with session_scope() as session:
            owner_id = _user_id(session, args.owner) if args.owner else None
            flt = CustomerFilter(search=args.search or "", province=args.province, customer_type=args.type,
                                 owner_id=owner_id, status=args.status, review_state=args.review_state)
            content, count = export_customers(session, SystemActor(), flt, description="命令行导出")
    except UserFacingError as exc:
        print(f"导出失败：{exc}", file=sys.stderr)
        return 1
    Path(args.out).write_bytes(content)
    print(f"已导出 {count} 份档案到 {args.out}")
    return 0


def cmd_pool_sweep(args: argparse.Namespace) -> int:
    """公海: return untended customers to the pool. Idempotent: a second run the same day returns none."""
    upgrade()
    try:
        day = dt.date.fromisoformat(args.date) if args.date else None
    except ValueError:
        return _fail(args, f"日期格式不对：{args.date}（应为 YYYY-MM-DD）", 1, "公海回收失败")
    result = retrying(lambda session: sweep(session, day))
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"公海回收完成（{result['day']}）：退回公海 {result['returned']} 位客户")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    try:
        summary = backup(database_url(), args.out)
    except UserFacingError as exc:
        print(f"备份失败：{exc}", file=sys.stderr)
        return 1
    print(f"备份完成：{summary.path}（{summary.database}，结构版本 {summary.revision}，"
          f"客户 {summary.rows.get('customers', 0)} 份，文件 {summary.files} 个）")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    try:
        manifest = restore(database_url(), args.file, force=args.force)
    except UserFacingError as exc:
        print(f"恢复失败：{exc}", file=sys.stderr)
        return 1
    upgrade()  # a backup from an older version is brought up to this one
    with session_scope() as session:  # the restored history says when and from what it was restored
        record(session, actor_id=None, entity="system", entity_id=0, action="restore",
               reason=f"从备份 {Path(args.file).name} 恢复（备份于 {manifest['created_at']}）",
               changes=[{"field": "database", "label": "数据库", "old": None,
                         "new": f"恢复到 {manifest['created_at']} 的备份"}])
    print(f"恢复完成：{args.file}（备份于 {manifest['created_at']}，客户 {manifest['rows'].get('customers', 0)} 份）")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    report = health_check(database_url())
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        backup_at = (report.get("last_backup") or {}).get("at", "无")
        print(f"数据库：{report['database']} · 结构版本 {report.get('schema')}（最新 {report.get('schema_head')}）"
              f" · 最近备份 {backup_at} · 公海回收 {report.get('pool_sweep_last') or '未运行'}"
              f" · 附件目录 {report.get('files_dir')}")
        for problem in report["problems"]:
            print(f"  问题：{problem}")
        print("一切正常" if report["ok"] else "需要处理上面的问题")
    return 0 if report["ok"] else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="manage.py", description="客档 KeDang 管理命令")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="创建或升级数据库").set_defaults(func=cmd_migrate)
    p = sub.add_parser("new-migration", help="（开发用）按模型和字段的改动生成迁移文件")
    p.add_argument("message", help="迁移说明，如 \"add wechat\"")
    p.set_defaults(func=cmd_new_migration)
    p = sub.add_parser("create-user", help="新建用户（密码交互输入，或取自环境变量 KEDANG_PASSWORD）")
    p.add_argument("--role", required=True, choices=ALL_ROLES)
    p.add_argument("--username", required=True)
    p.add_argument("--name")
    p.set_defaults(func=cmd_create_user)
    p = sub.add_parser("seed-demo", help="加载演示团队和演示档案（已有档案时不重复加载）")
    p.add_argument("--customers", type=int, default=300)
    p.set_defaults(func=cmd_seed_demo)
    p = sub.add_parser("import-customers", help="从 Excel/CSV 导入客户档案（与导入页面同一套规则）")
    p.add_argument("file", nargs="+", help="一个或多个文件（每个文件各自一次导入，可分别撤销）")
    p.add_argument("--sheet", help="工作表名称（默认第一个）")
    p.add_argument("--header-row", type=int, help="表头所在行号（默认自动识别）")
    p.add_argument("--mapping", help="列对应 JSON 文件（导入页面可下载）")
    p.add_argument("--owner", help="新档案的负责人用户名（默认取表中的业务员列）")
    p.add_argument("--on-duplicate", choices=("skip", "update"), default="skip",
                   help="与已有档案重复时：skip 跳过（默认）或 update 更新")
    p.add_argument("--dry-run", action="store_true", help="只检查、预览，不写入")
    p.add_argument("--json", action="store_true", help="以一个 JSON 对象输出结果")
    p.set_defaults(func=cmd_import_customers)
    p = sub.add_parser("export-customers", help="把客户档案导出为 .xlsx")
    p.add_argument("out")
    p.add_argument("--search")
    p.add_argument("--province")
    p.add_argument("--type", help="客户类型，如 餐饮终端")
    p.add_argument("--owner", help="负责人用户名")
    p.add_argument("--status", choices=("active", "inactive", "all"), default="active")
    p.add_argument("--review-state", choices=("pending", "filed", "returned"))
    p.set_defaults(func=cmd_export_customers)
    p = sub.add_parser("pool-sweep", help="公海回收：把超过规定天数未跟进的客户退回公海（可重复运行）")
    p.add_argument("--date", help="按哪一天计算（默认今天，团队时区）")
    p.add_argument("--json", action="store_true", help="以一个 JSON 对象输出结果")
    p.set_defaults(func=cmd_pool_sweep)
    p = sub.add_parser("backup", help="备份数据库和附件到一个文件（使用中也可以备份）")
    p.add_argument("out")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="从备份文件恢复（先校验文件；目标库已有数据时须加 --force）")
    p.add_argument("file")
    p.add_argument("--force", action="store_true", help="覆盖目标数据库中的现有数据")
    p.set_defaults(func=cmd_restore)
    p = sub.add_parser("check", help="健康检查：数据库、结构版本、最近备份、公海回收、附件目录")
    p.add_argument("--json", action="store_true", help="以一个 JSON 对象输出结果")
    p.set_defaults(func=cmd_check)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
