"""Issue, list and withdraw invitation links from the server's shell.

    python -m onboarding.invite --role finance_reviewer --workspace 3 --hours 48 --base-url https://x.example
    python -m onboarding.invite --list
    python -m onboarding.invite --revoke INVITE_ID

Creating prints the link as the only line on stdout, so scripts can capture it; everything else goes to
stderr. Whoever runs this has the server's files, so it acts as an implementation manager ("Command line").
"""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
from collections.abc import Sequence

from onboarding.access import AccessDenied
from onboarding.identity import Identity, Role
from onboarding.invite import DEFAULT_HOURS, InviteBook, InviteKeyError, UnknownInvite, load_signing_key
from onboarding.paths import SECRETS_FILE, data_dir, db_path
from onboarding.store import InvalidInput, Store

DEFAULT_BASE_URL = "http://localhost:8501"

COMMAND_LINE = Identity(key="cli", name="Command line", role=Role.IMPLEMENTATION_MANAGER, verified=False)


def _secrets() -> dict:
    try:
        with SECRETS_FILE.open("rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m onboarding.invite", description=__doc__.split("\n")[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--role", choices=[r.value for r in Role], help="the role the link gives")
    action.add_argument("--list", action="store_true", help="list every invitation and its state")
    action.add_argument("--revoke", metavar="ID", help="withdraw the invitation with this ID")
    parser.add_argument(
        "--workspace",
        metavar="ID",
        help="the workspace (its number or its reference from a URL); "
        "leave out for an implementation manager on every workspace",
    )
    parser.add_argument(
        "--hours", type=float, default=DEFAULT_HOURS, help=f"validity (default {DEFAULT_HOURS:g})"
    )
    parser.add_argument(
        "--base-url", default=DEFAULT_BASE_URL, help=f"the app's address (default {DEFAULT_BASE_URL})"
    )
    parser.add_argument("--label", default="", help="who the link is for, shown in the audit trail")
    return parser


def _workspace_id(store: Store, raw: str | None) -> int | None:
    if raw is None:
        return None
    text = raw.strip()
    workspace = (
        store.get_workspace(int(text)) if text.isdigit() and len(text) < 19 else store.workspace_by_ref(text)
    )
    if workspace is None:
        raise InvalidInput(
            f"No workspace has the number or reference '{text[:40]}'. Check it with --list or in the app."
        )
    return workspace.id


# Options whose value is an ID or reference: one written before this version may start with "-".
_ID_OPTIONS = ("--workspace", "--revoke")
_OPTIONS = {*_ID_OPTIONS, "--role", "--list", "--hours", "--base-url", "--label", "-h", "--help"}


def _joined_ids(argv: Sequence[str]) -> list[str]:
    """`--workspace -x1` as `--workspace=-x1`, so argparse reads the value and not an option."""
    joined: list[str] = []
    values = iter(argv)
    for arg in values:
        if arg in _ID_OPTIONS:
            value = next(values, None)
            if value is None or value in _OPTIONS:  # no value given: argparse says so
                joined.extend(v for v in (arg, value) if v is not None)
            else:
                joined.append(f"{arg}={value}")
        else:
            joined.append(arg)
    return joined


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(_joined_ids(sys.argv[1:] if argv is None else argv))
    try:
        store = Store(db_path())
        book = InviteBook(store, load_signing_key(data_dir(), os.environ, _secrets()))
        if args.list:
            names = {w.id: w.name for w in store.list_workspaces(include_archived=True)}
            for invite in book.list(COMMAND_LINE):
                where = (
                    "every workspace" if invite.workspace_id is None else names.get(invite.workspace_id, "?")
                )
                print(
                    f"{invite.id}\t{invite.role.value}\t{where}\t{invite.status()}\t"
                    f"until {invite.expires_at:%Y-%m-%d %H:%M} UTC\t{invite.label}"
                )
            return 0
        if args.revoke:
            book.revoke(COMMAND_LINE, args.revoke)
            print(f"Invitation {args.revoke} withdrawn; its link no longer opens anything.", file=sys.stderr)
            return 0
        _, token = book.create(
            COMMAND_LINE, args.role, _workspace_id(store, args.workspace), hours=args.hours, label=args.label
        )
        print(InviteBook.link(token, args.base_url))
        return 0
    except (InvalidInput, InviteKeyError, UnknownInvite, AccessDenied) as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    except OSError as problem:
        print(
            f"error: cannot open the app's files ({type(problem).__name__}: {problem.strerror})",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
