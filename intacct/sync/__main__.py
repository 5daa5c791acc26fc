"""Command line sync, for large accounts and scheduled runs.

    INTACCT_SENDER_ID=... INTACCT_SENDER_PASSWORD=... INTACCT_USER_PASSWORD=... \\
    python -m intacct.sync --endpoint URL --company ID [--entity ID] --user ID --db PATH [--full]

Passwords come only from the environment, never from arguments (which other users of the machine can
read in the process list). Progress goes to stderr; the last line on stdout is the run's summary.
Exit status: 0 synced, 1 some or all objects failed (or another sync of the same file is running),
2 bad invocation, 130 stopped by a signal.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sqlite3
import sys
import threading
import time
from collections.abc import Sequence

from .. import DEFAULT_ENDPOINT, IntacctClient, errors
from ..storage_faults import describe, storage_fault
from ._engine import sync_objects
from ._lock import SyncAlreadyRunning
from ._progress import DONE, Progress
from ._report import CANCELLED, COMPLETED
from ._runtime import tuned_for_sync
from ._schema import DEFAULT_OBJECTS, SCHEMAS

SENDER_ID_ENV = "INTACCT_SENDER_ID"
SENDER_PASSWORD_ENV = "INTACCT_SENDER_PASSWORD"
USER_PASSWORD_ENV = "INTACCT_USER_PASSWORD"

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_SIGNAL = 0, 1, 2, 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m intacct.sync",
        description="Copy Sage Intacct objects into a local SQLite file, resuming where a previous run "
        "stopped and fetching only changes after the first complete run.",
        epilog=f"Environment: {SENDER_ID_ENV} (our sender ID), {SENDER_PASSWORD_ENV} (our sender "
        f"password), {USER_PASSWORD_ENV} (the Web Services user's password). "
        "Exit status: 0 synced, 1 failed, 2 bad invocation, 130 stopped.",
    )
    parser.add_argument("--endpoint", default=DEFAULT_ENDPOINT, help="XML gateway URL (default: %(default)s)")
    parser.add_argument("--company", required=True, help="Intacct company ID")
    parser.add_argument("--entity", default=None, help="entity ID; omit to sync at the top level")
    parser.add_argument("--user", required=True, help="Web Services user ID")
    parser.add_argument("--db", required=True, help="SQLite file to write (created if missing)")
    parser.add_argument("--full", action="store_true", help="fetch everything again, not just changes")
    parser.add_argument(
        "--objects",
        default=",".join(DEFAULT_OBJECTS),
        help="comma-separated objects to sync, in order (default: %(default)s)",
    )
    parser.add_argument(
        "--concurrency", type=int, default=2, help="requests in flight, the company's allowance (default: 2)"
    )
    parser.add_argument("--verbose", action="store_true", help="log retries and phases to stderr")
    return parser


class _Printer:
    """Progress lines on stderr: at most one a second, plus one when an object ends."""

    def __init__(self, stream=sys.stderr, every_s: float = 1.0) -> None:
        self.stream = stream
        self.every_s = every_s
        self.last = 0.0
        self.ended: set[str] = set()

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        newly_ended = [o for o in progress.objects if o.ended and o.object not in self.ended]
        for item in newly_ended:
            self.ended.add(item.object)
            records = f"{item.done} record" + ("" if item.done == 1 else "s")
            detail = records if item.phase == DONE else (item.error or item.phase)
            print(f"  {item.object}: {item.phase} ({detail})", file=self.stream, flush=True)
        if not progress.finished and now - self.last < self.every_s:
            return
        self.last = now
        total = "?" if progress.total is None else str(progress.total)
        eta = "" if progress.eta_s is None else f", ETA {progress.eta_s:.0f}s"
        active = ", ".join(
            f"{o.object} {o.done}/{o.total if o.total is not None else '?'}"
            for o in progress.objects
            if not o.ended and o.phase != "queued"
        )
        print(
            f"[{progress.elapsed_s:6.1f}s] {progress.fraction * 100:5.1f}% {progress.done}/{total} records, "
            f"{progress.rate:,.0f}/s{eta}" + (f"; {active}" if active else ""),
            file=self.stream,
            flush=True,
        )


def _unusable_text(value: str) -> str | None:
    """Why a value cannot be sent to Intacct, or None: control characters and undecodable bytes."""
    for char in value:
        if "\ud800" <= char <= "\udfff":
            return "bytes that are not valid UTF-8 text"
        if char < " " or char == "\x7f":
            return f"a control character (U+{ord(char):04X})"
    return None


def _bad_input(args: argparse.Namespace, env: dict[str, str]) -> str | None:
    values = [
        (f"--{name}", getattr(args, name))
        for name in ("endpoint", "company", "entity", "user", "db", "objects")
    ]
    values += [
        (name, env.get(name) or "") for name in (SENDER_ID_ENV, SENDER_PASSWORD_ENV, USER_PASSWORD_ENV)
    ]
    for name, value in values:
        problem = _unusable_text(value or "")
        if problem:  # the value itself is never printed: it may be a password
            return f"{name} contains {problem}; type it again without it"
    return None


def main(argv: Sequence[str] | None = None, env: dict[str, str] | None = None) -> int:
    args = _parser().parse_args(argv)
    env = dict(os.environ if env is None else env)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    missing = [name for name in (SENDER_ID_ENV, SENDER_PASSWORD_ENV, USER_PASSWORD_ENV) if not env.get(name)]
    if missing:
        print(
            f"error: set {', '.join(missing)} in the environment (passwords are never taken as arguments)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    problem = _bad_input(args, env)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    objects = [o.strip().upper() for o in args.objects.split(",") if o.strip()]
    unknown = [o for o in objects if o not in SCHEMAS]
    if unknown or not objects:
        print(
            f"error: unknown object(s) {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(SCHEMAS)}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.concurrency < 1:
        print("error: --concurrency must be at least 1", file=sys.stderr)
        return EXIT_USAGE

    cancel = threading.Event()

    def _stop(signum, _frame) -> None:
        if cancel.is_set():
            raise KeyboardInterrupt  # second signal: stop now
        print("stopping after the requests in flight (again to stop at once)", file=sys.stderr, flush=True)
        cancel.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)

    try:
        client = IntacctClient(env[SENDER_ID_ENV], env[SENDER_PASSWORD_ENV], endpoint=args.endpoint)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    with client:
        try:
            session = client.login(args.company, args.user, env[USER_PASSWORD_ENV], entity_id=args.entity)
        except errors.IntacctError as exc:
            print(f"error: could not sign in: {exc}\n{exc.hint}", file=sys.stderr)
            return EXIT_FAILED
        try:
            # This process exists to sync, so it opts in to the interpreter settings that suit one.
            with tuned_for_sync():
                report = sync_objects(
                    session,
                    args.db,
                    objects,
                    concurrency=args.concurrency,
                    incremental=not args.full,
                    progress=_Printer(),
                    cancel=cancel,
                )
        except SyncAlreadyRunning as exc:
            message = str(exc)
            print(f"error: {message[0].lower()}{message[1:]}", file=sys.stderr)
            return EXIT_FAILED
        except (sqlite3.Error, OSError) as exc:
            kind = storage_fault(exc)
            what = describe(kind, f"the database {args.db}") if kind else f"{args.db}: {exc}"
            print(f"error: cannot use the database: {what}", file=sys.stderr)
            return EXIT_FAILED
    for name, problem in report.errors.items():
        print(f"  {name}: {problem}", file=sys.stderr)
    print(report.summary(), flush=True)
    if report.status == COMPLETED:
        return EXIT_OK
    if report.status == CANCELLED:
        return EXIT_SIGNAL
    return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
