"""Operator commands: the database file itself (`backup`, `restore`, `check`) and what must
go from it (`find-respondent`, `erase-respondent`, `delete-organisation`, `delete-benchmark-set`,
`archive`, `audit`). Every removal asks for confirmation and is written to the audit record."""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable

import pandas as pd

from assessment import config
from assessment.backups import summary
from assessment.commands import open_store
from assessment.formats import spreadsheet_safe
from assessment.store.backup import backup_file, restore_backup, verify_backup
from assessment.text import terminal_safe


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

    p = command("find-respondent", "Find whom an erasure request is about: by personal link or given name.")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--link", help="the person's personal link (or just its token)")
    group.add_argument("--name", help="the name the person gave when joining (exact, any case)")
    p.set_defaults(func=cmd_find_respondent)

    p = command(
        "erase-respondent",
        "Erase one person: answers, importance ratings, name, role and personal link. Their round's "
        "scores are recomputed; the audit record keeps the pseudonymous id and counts, not the name.",
    )
    p.add_argument(
        "respondent", metavar="RESPONDENT_ID", help="pseudonymous id, e.g. R-7KQ2M (find-respondent)"
    )
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=cmd_erase_respondent)

    p = command(
        "delete-organisation",
        "Delete an organisation with all its rounds, respondents and answers (e.g. a test organisation).",
    )
    p.add_argument("organisation", metavar="ORG_ID")
    p.add_argument("--confirm-name", required=True, metavar="NAME", help="the organisation's exact name")
    p.set_defaults(func=cmd_delete_organisation)

    p = command("delete-benchmark-set", "Delete an imported benchmark set.")
    p.add_argument("set_id", metavar="SET_ID", type=int)
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=cmd_delete_benchmark_set)

    p = command("archive", "Archive an organisation (out of the console list and the benchmarks; kept).")
    p.add_argument("organisation", metavar="ORG_ID")
    p.add_argument("--undo", action="store_true", help="restore it from the archive")
    p.set_defaults(func=cmd_archive)

    p = command("audit", "Print the audit record of erasures, deletions and archiving, newest first.")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_audit)


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


def _confirm(question: str, expected: str) -> bool:
    """Ask on the terminal; without one, refuse (scripts pass --yes)."""
    if not sys.stdin.isatty():
        print(
            f"error: {question} Nothing was done: add --yes to confirm without a terminal.", file=sys.stderr
        )
        return False
    answer = input(f"{question} Type {expected} to confirm: ").strip()
    if answer != expected:
        print("Not confirmed; nothing was done.", file=sys.stderr)
        return False
    return True


def _print_frame(frame) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(list(frame.columns))
    for row in frame.itertuples(index=False):
        writer.writerow(["" if pd.isna(v) else terminal_safe(spreadsheet_safe(str(v))) for v in row])


def cmd_find_respondent(args: argparse.Namespace) -> int:
    token = args.link.rsplit("r=", 1)[-1].split("&", 1)[0].strip() if args.link else None
    store = open_store(args)
    try:
        found = store.operations.find_respondents(token=token, name=args.name)
    finally:
        store.close()
    if found.empty:
        print("No respondent matches; nothing to erase.", file=sys.stderr)
        return 1
    _print_frame(found)
    return 0


def cmd_erase_respondent(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        person = store.respondent(args.respondent)
        if person is None:
            print(
                f"error: there is no respondent {terminal_safe(args.respondent)}; nothing was erased.",
                file=sys.stderr,
            )
            return 2
        if not args.yes and not _confirm(
            f"Erase respondent {person.id} ({person.side}, {terminal_safe(person.role)}) and all their answers?",
            person.id,
        ):
            return 1
        removed = store.operations.erase_respondent(person.id, actor="command line")
    finally:
        store.close()
    print(f"Erased {removed.subject}: {removed.detail}.")
    return 0


def cmd_delete_organisation(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        removed = store.operations.delete_organisation(
            args.organisation, actor="command line", confirm_name=args.confirm_name
        )
    finally:
        store.close()
    print(f"Deleted organisation {removed.subject}: {removed.detail}.")
    return 0


def cmd_delete_benchmark_set(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        found = store.benchmark_sets.benchmark_set(args.set_id)
        if found is None:
            print(
                f"error: there is no imported benchmark set {args.set_id}; nothing was deleted.",
                file=sys.stderr,
            )
            return 2
        if not args.yes and not _confirm(
            f"Delete benchmark set {found.id} '{terminal_safe(found.source)}' ({found.rows} rows)?",
            str(found.id),
        ):
            return 1
        removed = store.operations.delete_benchmark_set(found.id, actor="command line")
    finally:
        store.close()
    print(f"Deleted benchmark set {removed.subject}: {terminal_safe(removed.detail)}.")
    return 0


def cmd_archive(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        store.operations.set_archived(args.organisation, not args.undo, actor="command line")
    finally:
        store.close()
    print(f"{'Restored' if args.undo else 'Archived'} organisation {terminal_safe(args.organisation)}.")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        _print_frame(store.operations.audit_log(args.limit))
    finally:
        store.close()
    return 0
