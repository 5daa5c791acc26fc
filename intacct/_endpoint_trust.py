"""Where the client may send credentials: the endpoint it was given, and Intacct's own servers.

getAPISession answers with the endpoint the session should use from then on, and every later request
carries our sender password to it. So that endpoint is adopted only when it is https on a host under
``intacct.com``, or the very scheme, host and port the client was configured with (the sandbox and a
test gateway answer with their own address). Anything else is refused before a byte goes there.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

INTACCT_DOMAIN = ".intacct.com"
# A plain DNS name or IP literal. Anything looser (user info, backslashes, percent signs, spaces)
# is where URL parsers disagree with each other, and so where a host can be smuggled past a check.
_HOSTNAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")
_IP_LITERAL = re.compile(r"^\[[0-9a-f:.]+\]$")


class UntrustedEndpoint(ValueError):
    """The offered endpoint is not one we send credentials to; str() names its host (never a secret)."""


def _origin(url: str) -> tuple[str, str, int | None]:
    if not isinstance(url, str) or any(c.isspace() or ord(c) < 32 for c in url):
        raise UntrustedEndpoint("the endpoint is not a plain URL")
    authority = re.split(r"[/?#]", url.partition("//")[2], maxsplit=1)[0]
    if any(c in "\\@%" for c in authority) or "\\" in url:
        raise UntrustedEndpoint("the endpoint's host part is not a plain host name")
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    netloc_host = parts.netloc.rsplit(":", 1)[0] if not parts.netloc.endswith("]") else parts.netloc
    if parts.scheme not in ("http", "https") or not host:
        raise UntrustedEndpoint("the endpoint is not an http(s) URL")
    if not (_HOSTNAME.match(host) or _IP_LITERAL.match(netloc_host.lower())):
        raise UntrustedEndpoint("the endpoint's host name is not a plain name")
    try:
        port = parts.port
    except ValueError:
        raise UntrustedEndpoint("the endpoint's port is not a number") from None
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80)


def trusted_session_endpoint(configured: str, offered: str) -> str:
    """``offered`` if credentials may go there, else UntrustedEndpoint saying which host was refused."""
    scheme, host, port = _origin(offered)
    if (scheme, host, port) == _origin(configured):
        return offered
    if scheme == "https" and host.endswith(INTACCT_DOMAIN):
        return offered
    raise UntrustedEndpoint(f"{scheme}://{host}" + (f":{port}" if port not in (80, 443) else ""))
