"""`python -m assessment users ...`: consultant and administrator accounts from the command line
(`add`, `list`, `disable`, `enable`, `role`, `password`, `assign`). Every change is written to
the audit log with the actor "command line"."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from assessment import accounts
from assessment.commands import open_store
from assessment.store.accounts import ROLES
from assessment.text import terminal_safe


def register(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    p = command("users", "Manage consultant and administrator accounts.")
    sub = p.add_subparsers(dest="users_command", required=True)
    db_help = "database file (default: TANDEM_DB or data/tandem.duckdb)"

    def users_command(name: str, help_text: str) -> argparse.ArgumentParser:
        q = sub.add_parser(name, help=help_text, description=help_text)
        q.add_argument("--db", dest="users_db", help=db_help)
        return q

    q = users_command("add", "Add an account. Signing in with the identity provider needs no password.")
    q.add_argument("email", metavar="EMAIL")
    q.add_argument("--role", choices=ROLES, required=True)
    q.add_argument("--name", help="the person's name, shown in the console")
    q.add_argument(
        "--password-stdin",
        action="store_true",
        help="read a password for local sign-in from stdin (one line; asked twice on a terminal)",
    )
    q.set_defaults(func=cmd_add)

    q = users_command("list", "List the accounts.")
    q.set_defaults(func=cmd_list)

    for name, enabled in (("disable", False), ("enable", True)):
        q = users_command(name, f"{name.title()} an account (a disabled account is signed out at once).")
        q.add_argument("email", metavar="EMAIL")
        q.set_defaults(func=cmd_enable, enabled=enabled)

    q = users_command("role", "Change an account's role.")
    q.add_argument("email", metavar="EMAIL")
    q.add_argument("role", choices=ROLES)
    q.set_defaults(func=cmd_role)

    q = users_command("password", "Set (from stdin) or remove an account's local password.")
    q.add_argument("email", metavar="EMAIL")
    q.add_argument("--remove", action="store_true", help="no local password: provider sign-in only")
    q.set_defaults(func=cmd_password)

    q = users_command(
        "assign",
        "Give a client organisation to an account (e.g. one made before accounts existed, which "
        "only administrators see until then).",
    )
    q.add_argument("organisation", metavar="ORG_ID")
    q.add_argument("email", metavar="EMAIL", help="the new owner; 'nobody' for administrators only")
    q.set_defaults(func=cmd_assign)


def _store(args: argparse.Namespace):  # noqa: ANN202 - a Store
    args.db = args.users_db or args.db
    return open_store(args)


def _read_password() -> str:
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            raise ValueError("the two passwords differ")
        return password
    return sys.stdin.readline().rstrip("\r\n")


def cmd_add(args: argparse.Namespace) -> int:
    password = _read_password() if args.password_stdin else None
    store = _store(args)
    made = accounts.add_account(store, accounts.CLI, args.email, args.role, args.name, password)
    how = "local password or identity provider" if password else "identity provider only"
    print(f"Added {terminal_safe(made.email)} as {made.role} (sign-in: {how}).")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    people = _store(args).accounts.all()
    if not people:
        print("No accounts yet. Add one: python -m assessment users add EMAIL --role admin")
        return 0
    print(f"{'e-mail':40} {'role':10} {'password':8} {'status':24} name")
    for p in people:
        status = "enabled" if p.enabled else f"disabled {p.disabled_at:%Y-%m-%d %H:%M}"
        password = "yes" if p.password_hash else "no"
        print(f"{terminal_safe(p.email):40} {p.role:10} {password:8} {status:24} {terminal_safe(p.name or '')}")
    return 0


def cmd_enable(args: argparse.Namespace) -> int:
    accounts.set_enabled(_store(args), accounts.CLI, args.email, args.enabled)
    print(f"{'Enabled' if args.enabled else 'Disabled'} {terminal_safe(args.email.strip().lower())}.")
    return 0


def cmd_role(args: argparse.Namespace) -> int:
    accounts.set_role(_store(args), accounts.CLI, args.email, args.role)
    print(f"{terminal_safe(args.email.strip().lower())} is now {args.role}.")
    return 0


def cmd_password(args: argparse.Namespace) -> int:
    password = None if args.remove else _read_password()
    accounts.set_password(_store(args), accounts.CLI, args.email, password)
    print("Password removed." if args.remove else "Password set; the account's signed-in sessions have ended.")
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    email = None if args.email.strip().lower() == "nobody" else args.email
    accounts.assign_owner(_store(args), accounts.CLI, args.organisation, email)
    print(f"{terminal_safe(args.organisation)} is now owned by {terminal_safe(email or 'nobody')}.")
    return 0
