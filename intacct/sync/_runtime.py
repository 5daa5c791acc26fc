"""Interpreter settings that suit a process whose job is syncing: opt-in, never set by a sync itself.

``tuned_for_sync()`` is called by the command line (``python -m intacct.sync``) and the benchmark
around their syncs. ``sync_objects`` never calls it: inside the app (a Streamlit server with other work
in the same interpreter) the process-wide settings below are not a library's to change. The app's sync
is no slower without them (see the benchmark's ``--untuned``).

A sync is a few threads waiting on the network and a few parsing large XML pages. Two CPython defaults
work against that mix:

* Garbage collection thresholds: parsing a page creates tens of thousands of elements at once, so the
  default thresholds set off several full collections per page. They scan every live object and find
  nothing (element trees have no reference cycles), and cost about a third of the sync's CPU.
* The 5 ms thread switch interval: when a request slot frees, the thread that will send the next
  request waits for whichever thread is parsing to hand over the GIL, up to 5 ms each time: 5 % of a
  100 ms round trip, on every request.

Both are process-wide, so they are changed when the first tuned block in the process starts and restored
when the last one ends; nothing is switched off, collections just run less often.

One more, on glibc only, is set once and left: the C allocator's mmap threshold. By default glibc raises
it after the first large block is freed, so from then on every page's reply buffers (a few MB each) are
carved from per-thread heaps, which fragment and are not given back: the process grew by about a
megabyte per page read. Pinning the threshold at glibc's own starting value keeps such buffers in
mappings of their own that go back to the system when freed. It cannot be undone (glibc has no call to
restore the sliding threshold), and nothing needs it undone: it is the allocator's behaviour at start-up.
"""

from __future__ import annotations

import ctypes
import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

GC_THRESHOLDS = (50_000, 20, 100)
SWITCH_INTERVAL_S = 0.001
_M_MMAP_THRESHOLD = -3  # mallopt parameter number, from glibc's malloc.h
MMAP_THRESHOLD_BYTES = 128 * 1024  # glibc's default before it starts sliding

_lock = threading.Lock()
_users = 0
_saved: tuple[tuple[int, int, int], float] | None = None
_allocator_pinned = False


@contextmanager
def tuned_for_sync() -> Iterator[None]:
    """Tune this interpreter for syncing while the block runs (opt-in: the CLI and the benchmark)."""
    global _users, _saved
    with _lock:
        if _users == 0:
            thresholds, interval = gc.get_threshold(), sys.getswitchinterval()
            _saved = (thresholds, interval)
            gc.set_threshold(*(max(a, b) for a, b in zip(thresholds, GC_THRESHOLDS, strict=True)))
            sys.setswitchinterval(min(interval, SWITCH_INTERVAL_S))
            _pin_mmap_threshold()
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0 and _saved is not None:
                gc.set_threshold(*_saved[0])
                sys.setswitchinterval(_saved[1])
                _saved = None


def _pin_mmap_threshold() -> None:
    """Stop glibc sliding its mmap threshold up (see the module docstring); elsewhere do nothing."""
    global _allocator_pinned
    if _allocator_pinned or not sys.platform.startswith("linux"):
        return
    _allocator_pinned = True
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc, or no such call: nothing to pin
        return
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
