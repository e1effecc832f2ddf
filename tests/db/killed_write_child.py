"""Run by test_killed_writes: one real multi-row write that freezes in the middle, to be SIGKILLed.

    python -m tests.db.killed_write_child URL OPERATION ARGS_JSON FREEZE_AT

OPERATION is ``move`` (the board's 批量移动), ``handover`` (离职交接) or ``undo`` (撤销导入). Right after
the FREEZE_AT-th ``UPDATE customers`` of its transaction the child prints ``FROZEN <sum of
customers.version as that open transaction sees it>`` and sleeps: part of the rows are written,
nothing is committed. Every such UPDATE raises one archive's version by one, so the parent knows
exactly how far the write got. ``FINISHED`` means the operation ended before the freeze (a test bug).
"""
import json
import sys
import time

from sqlalchemy import event

from db.classification import move_many
from db.engine import get_engine, session_scope
from db.handover import hand_over
from db.import_records import undo_import
from db.models import User


def freeze_at(url: str, count: int) -> None:
    seen = 0

    @event.listens_for(get_engine(url), "after_cursor_execute")
    def _freeze(_conn, cursor, statement, _parameters, _context, _executemany):
        nonlocal seen
        if statement.lstrip().startswith("UPDATE customers "):
            seen += 1
            if seen == count:
                probe = cursor.connection.cursor()  # the same connection: sees the open transaction's rows
                probe.execute("SELECT sum(version) FROM customers")
                print("FROZEN", probe.fetchone()[0], flush=True)
                time.sleep(600)


def run(url: str, operation: str, args: dict) -> None:
    with session_scope(url) as session:
        actor = session.get(User, args["actor_id"])
        if operation == "move":
            move_many(session, actor, args["scheme_id"], args["to_value_id"],
                      {int(k): v for k, v in args["seen"].items()}, reason=args["reason"])
        elif operation == "handover":
            hand_over(session, actor, args["leaving_id"], {int(k): v for k, v in args["targets"].items()},
                      reason=args["reason"])
        elif operation == "undo":
            undo_import(session, actor, args["import_id"], args["reason"])
        else:
            raise SystemExit(f"unknown operation {operation}")


if __name__ == "__main__":
    url, operation, args, count = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4])
    freeze_at(url, count)
    run(url, operation, args)
    print("FINISHED", flush=True)
