"""Command line: ``python -m intacct.sandbox [options]``.

The first line on stdout is exactly ``Intacct sandbox listening on <endpoint-url>``; everything else goes to
stderr. Runs until SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time

from . import __doc__ as package_doc
from .faults import FaultSpec
from .handle import DEFAULT_SESSION_TIMEOUT_S, start


def _fault_grammar() -> str:
    text = package_doc or ""
    marker = text.find("Fault SPEC grammar")
    return text[marker:].strip() if marker >= 0 else ""


def _fault_spec(text: str) -> FaultSpec:
    try:
        return FaultSpec.parse(text)
    except ValueError as problem:
        raise argparse.ArgumentTypeError(str(problem)) from None


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative; use 0 or more")
    return value


def _positive(text: str) -> int:
    value = _non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError("use 1 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m intacct.sandbox",
        description="A local Sage Intacct XML gateway with deterministic demo data.",
        epilog=_fault_grammar(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=_non_negative, default=0, help="port to listen on; 0 picks a free one")
    parser.add_argument("--seed", type=int, default=7, help="seed for all generated data (default 7)")
    parser.add_argument(
        "--accounts", type=_non_negative, default=400, help="GL accounts in ACME-DEMO (default 400)"
    )
    parser.add_argument(
        "--vendors", type=_non_negative, default=2000, help="vendors in ACME-DEMO (default 2000)"
    )
    parser.add_argument(
        "--latency-ms",
        type=_non_negative,
        default=0,
        help="every reply takes at least this long from the request's arrival",
    )
    parser.add_argument(
        "--function-ms",
        type=_non_negative,
        default=0,
        help="server time charged per function a request runs, on top of --latency-ms (default 0)",
    )
    parser.add_argument(
        "--max-concurrent",
        type=_positive,
        default=2,
        help="simultaneous requests per company before HTTP 429 (default 2)",
    )
    parser.add_argument(
        "--faults", type=_fault_spec, default=None, metavar="SPEC", help="faults to inject; grammar below"
    )
    parser.add_argument(
        "--session-timeout-s",
        type=float,
        default=DEFAULT_SESSION_TIMEOUT_S,
        help="idle seconds before a session expires (default 6 hours)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request to stderr")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
    )
    began = time.perf_counter()
    try:
        sandbox = start(
            host=args.host,
            port=args.port,
            seed=args.seed,
            accounts=args.accounts,
            vendors=args.vendors,
            latency_ms=args.latency_ms,
            function_ms=args.function_ms,
            max_concurrent=args.max_concurrent,
            faults=args.faults,
            session_timeout_s=args.session_timeout_s,
        )
    except OSError as problem:
        print(
            f"Cannot listen on {args.host}:{args.port}: {problem.strerror or problem}. "
            "Choose another --port or stop the program using it.",
            file=sys.stderr,
        )
        return 2
    print(f"Intacct sandbox listening on {sandbox.url}", flush=True)
    logging.getLogger("intacct.sandbox").info(
        "ready in %.2f s: %d GL accounts and %d vendors in ACME-DEMO (seed %d); stop with Ctrl+C",
        time.perf_counter() - began,
        args.accounts,
        args.vendors,
        args.seed,
    )
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    while not stop.wait(0.5):
        pass
    sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
