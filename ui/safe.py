"""Turn unexpected failures into a friendly message, and log them without leaking secrets.

A page body runs inside ``friendly_errors()``. Streamlit's own control flow (``st.stop``,
``st.rerun``, page switches) derives from ``BaseException`` and passes straight through.
"""

from __future__ import annotations

import functools
import logging
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st

from intacct.errors import IntacctError
from intacct.storage_faults import BUSY, DAMAGED, FULL, READ_ONLY, storage_fault

log = logging.getLogger("routable.ui")


def describe_for_log(error: BaseException) -> str:
    """A log line that names where the failure happened but carries no free text.

    Exception messages can echo input (a form value, a SQL parameter), so only the
    exception type and the code locations are kept. Intacct errors are the exception:
    their text comes from the server's reply and never contains a password.
    """
    frames = traceback.extract_tb(error.__traceback__)
    where = " <- ".join(f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} {frame.name}"
                        for frame in reversed(frames[-6:]))
    detail = f": {error}" if isinstance(error, IntacctError) else ""
    return f"{type(error).__name__}{detail} at {where or 'unknown location'}"


_STORAGE_MESSAGES = {
    FULL: "The disk that holds the app's data is full, so your last change was not saved. Free some "
    "space on it (or ask whoever runs this app to), then reload the page and do it again.",
    READ_ONLY: "The app's data folder cannot be written right now, so your last change was not saved. "
    "Ask whoever runs this app to check that the data folder is writable, then reload the page.",
    DAMAGED: "The app's progress database is damaged, so your last change was not saved. Ask whoever "
    "runs this app to restore it from a backup; contact Routable support if you need help.",
    BUSY: "The app's progress database was busy, so your last change was not saved. Reload the page "
    "and do it again.",
}


def report_unexpected(error: BaseException) -> str:
    """Log the failure and show the user a calm message with a reference they can quote.

    Nothing here can know whether the failed action wrote anything, so the message never promises
    that it did; a storage fault (a full disk, a read-only folder) is named for what it is.
    """
    reference = uuid.uuid4().hex[:8]
    log.error("unexpected error [ref %s] %s", reference, describe_for_log(error))
    storage = _STORAGE_MESSAGES.get(storage_fault(error) or "")
    if storage is not None:
        st.error(f"{storage} Reference for support: **{reference}**.", icon=":material/warning:")
        return reference
    st.error(
        "Something went wrong on our side while showing this page, so your last action may not have "
        "been saved. Reload the page and check; if it keeps happening, contact Routable support and "
        f"quote reference **{reference}**.",
        icon=":material/warning:",
    )
    return reference


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Run a block of page code; any ordinary exception becomes a message instead of a traceback."""
    try:
        yield
    except Exception as error:  # noqa: BLE001 - the whole point is that nothing escapes to the user
        report_unexpected(error)


def guarded(callback: Callable[..., None]) -> Callable[..., None]:
    """Wrap a widget callback: callbacks run before the page script, outside friendly_errors()."""

    @functools.wraps(callback)
    def run(*args: object, **kwargs: object) -> None:
        try:
            callback(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - same promise as friendly_errors
            report_unexpected(error)

    return run
