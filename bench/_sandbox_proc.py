"""Start the sandbox as a child process (its own interpreter, so it does not share our GIL)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "Intacct sandbox listening on "


@contextmanager
def sandbox_process(*args: str) -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "intacct.sandbox", "--port", "0", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline().strip()
        if not line.startswith(PREFIX):
            raise RuntimeError(f"sandbox did not start: {line!r}")
        yield line[len(PREFIX) :]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
