"""Operator commands for the database file itself: `backup`, `restore`, `check`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from assessment import config
from assessment.backups import summary
from assessment.store.backup import backup_file, restore_backup, verify_backup


def register(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    p = command(
        "backup",
        "Write a consistent backup of the database to a new file. Works when the app is not running; "
        "while it runs, back up from the console or with the app's schedule (TANDEM_BACKUP_EVERY).",
    )
    p.add_argument(
        "--out", required=True, metavar="FILE", help="the backup file to create (never overwritten)"
    )
    p.set_defaults(func=cmd_backup)

    p = command(
        "restore",
        "Check a backup (schema version, every table's rows and content) and restore it to --db. "
        "An existing database is never overwritten without --force (and is then kept beside it).",
    )
    p.add_argument("file", metavar="FILE", help="a backup made by `backup` or by the app")
    p.add_argument("--force", action="store_true", help="replace an existing database file")
    p.add_argument("--check-only", action="store_true", help="verify the backup and restore nothing")
    p.set_defaults(func=cmd_restore)

    p = command(
        "check",
        "Read the whole database read-only and say whether it is intact. Changes nothing.",
    )
    p.set_defaults(func=cmd_check)


def _db(args: argparse.Namespace) -> str:
    return args.db or config.db_path([])


def cmd_backup(args: argparse.Namespace) -> int:
    info = backup_file(_db(args), args.out)
    print(f"Backed up {_db(args)} to {info.path} ({summary(info)}).")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    if args.check_only:
        info = verify_backup(args.file)
        print(f"{args.file} is a complete backup ({summary(info)}).")
        return 0
    info = restore_backup(args.file, _db(args), force=args.force)
    print(f"Restored {args.file} to {info.path} and checked it ({summary(info)}).")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from assessment.store.integrity import check_database

    path = _db(args)
    report = check_database(path)
    print(f"{path} is readable in full: {report}.", file=sys.stdout)
    return 0
