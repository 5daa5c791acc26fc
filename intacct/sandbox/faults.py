"""Fault injection: the misbehaviour a client must survive, on demand and reproducibly.

The SPEC grammar (``error5xx=0.2,latency_ms=50,...``) is documented in the package docstring
(``intacct.sandbox``), which ``python -m intacct.sandbox --help`` also prints.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass, fields

_SHARES = ("drop", "error524", "error5xx", "rate429", "malformed")


@dataclass(frozen=True)
class FaultSpec:
    latency_ms: int = 0
    error5xx: float = 0.0
    error524: float = 0.0
    drop: float = 0.0
    malformed: float = 0.0
    rate429: float = 0.0
    session_ttl: float | None = None
    login401: bool = False

    @classmethod
    def parse(cls, spec: str | Mapping[str, object] | FaultSpec | None) -> FaultSpec:
        """Read a SPEC string or dict; raises ValueError with a message saying what is wrong."""
        if spec is None:
            return cls()
        if isinstance(spec, FaultSpec):
            return spec
        if isinstance(spec, str):
            pairs: dict[str, object] = {}
            for item in spec.split(","):
                item = item.strip()
                if not item:
                    continue
                key, sep, value = item.partition("=")
                if not sep:
                    raise ValueError(f"fault {item!r} needs a value, like {item}=0.1")
                pairs[key.strip()] = value.strip()
            spec = pairs
        known = {f.name for f in fields(cls)}
        values: dict[str, object] = {}
        for key, raw in spec.items():
            if key not in known:
                raise ValueError(f"unknown fault {key!r}; known faults: {', '.join(sorted(known))}")
            values[key] = _convert(key, raw)
        total = sum(float(values.get(name, 0.0)) for name in _SHARES)  # type: ignore[arg-type]
        if total > 1.0 + 1e-9:
            raise ValueError(f"the shares of {', '.join(_SHARES)} add up to {total:g}; they may not exceed 1")
        return cls(**values)  # type: ignore[arg-type]

    @property
    def active(self) -> bool:
        return self != FaultSpec()


def _convert(key: str, raw: object) -> object:
    text = str(raw).strip().lower()
    try:
        if key == "login401":
            if isinstance(raw, bool):
                return raw
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError
        if key == "latency_ms":
            value = int(float(text))
            if value < 0:
                raise ValueError
            return value
        if key == "session_ttl":
            value = float(text)
            if value < 0:
                raise ValueError
            return value
        value = float(text)
        if not 0.0 <= value <= 1.0:
            raise ValueError
        return value
    except ValueError:
        expectation = {
            "login401": "1 or 0",
            "latency_ms": "a whole number of milliseconds, 0 or more",
            "session_ttl": "a number of seconds, 0 or more",
        }.get(key, "a probability between 0 and 1")
        raise ValueError(f"fault {key}={raw!r} is not valid: expected {expectation}") from None


@dataclass(frozen=True)
class Decision:
    kind: str  # "", "drop", "error524", "error5xx", "rate429", "malformed"
    status: int = 200
    cut_fraction: float = 0.0


class FaultInjector:
    """Holds the current FaultSpec and makes the seeded draws, one per request."""

    def __init__(self, seed: int, spec: FaultSpec) -> None:
        self._seed = seed
        self._lock = threading.Lock()
        self.spec = spec
        self._rng = random.Random(f"faults:{seed}")

    def replace(self, spec: FaultSpec) -> None:
        with self._lock:
            self.spec = spec
            self._rng = random.Random(f"faults:{self._seed}")  # a new spec restarts the sequence

    def decide(self) -> Decision:
        with self._lock:
            spec = self.spec
            if not any(getattr(spec, name) for name in _SHARES):
                return Decision("")
            draw = self._rng.random()
            extra = self._rng.random()
        threshold = 0.0
        for name in _SHARES:
            threshold += getattr(spec, name)
            if draw < threshold:
                if name == "error5xx":
                    return Decision(name, status=(500, 502, 503)[int(extra * 3) % 3])
                if name == "error524":
                    return Decision(name, status=524)
                if name == "rate429":
                    return Decision(name, status=429)
                if name == "malformed":
                    return Decision(name, cut_fraction=0.1 + 0.8 * extra)
                return Decision(name)
        return Decision("")


_REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


def server_error_page(status: int) -> bytes:
    """An HTML error page, deliberately not well-formed XML (as load balancers send)."""
    reason = _REASONS.get(status, "Server Error")
    return (
        f"<!DOCTYPE html>\n<html><head><title>{status} {reason}</title></head>\n"
        f"<body><h1>{reason}</h1><p>The gateway could not complete the request.<br>"
        f"Try again later.</p><hr></body></html>\n"
    ).encode()


def cdn_timeout_page() -> bytes:
    return (
        b"<!DOCTYPE html>\n<html><head><title>524: A timeout occurred</title></head>\n"
        b'<body><div id="cf-error-details"><h1>A timeout occurred</h1>'
        b"<p>The origin server did not answer in time; it may still be working on the request.<br>"
        b"Error code 524</p></div></body></html>\n"
    )


def truncate(body: bytes, fraction: float) -> bytes:
    """The reply cut part-way, short of its closing tag, so it is never well-formed."""
    cut = max(1, min(int(len(body) * fraction), len(body) - len(b"</response>") - 1))
    return body[:cut]
