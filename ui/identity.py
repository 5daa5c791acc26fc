"""Who is acting in this browser session: the identity every change from a page is recorded against.

Until sign-in exists, everyone using the app is the local implementation manager; sign-in replaces
this one function, and every page and audit entry follows.
"""

from __future__ import annotations

from onboarding.identity import LOCAL_IMPLEMENTATION_MANAGER, Identity


def current_identity() -> Identity:
    return LOCAL_IMPLEMENTATION_MANAGER
