"""KeDang's command line for admins: migrate, users, demo data (import/export/backup come later).

    python manage.py migrate
    python manage.py create-user --role admin --username boss --name 老板
    python manage.py seed-demo --customers 300
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys

from db.engine import session_scope
from db.migrate import upgrade
from db.seed import DEMO_PASSWORD, DEMO_USERS, ensure_reference_data, seed_demo
from db.users import create_user
from domain.errors import UserFacingError
from domain.roles import ALL_ROLES, ROLE_LABELS


def cmd_migrate(_args: argparse.Namespace) -> int:
    upgrade()
    with session_scope() as session:
        ensure_reference_data(session)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="manage.py", description="客档 KeDang 管理命令")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="创建或升级数据库").set_defaults(func=cmd_migrate)
    p = sub.add_parser("create-user", help="新建用户（密码交互输入，或取自环境变量 KEDANG_PASSWORD）")
    p.add_argument("--role", required=True, choices=ALL_ROLES)
    p.add_argument("--username", required=True)
    p.add_argument("--name")
    p.set_defaults(func=cmd_create_user)
    p = sub.add_parser("seed-demo", help="加载演示团队和演示档案（已有档案时不重复加载）")
    p.add_argument("--customers", type=int, default=300)
    p.set_defaults(func=cmd_seed_demo)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
