"""Starting a sandbox in-process, and the handle tests use to steer and inspect it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping

from .clock import RecordClock
from .companies import Company, Directory
from .faults import FaultInjector, FaultSpec
from .gateway import Gateway
from .server import GATEWAY_PATH, IDLE_TIMEOUT_S, MAX_CONNECTIONS, Frontend, GatewayServer
from .sessions import ResultSets, SessionStore
from .traffic import Stats, Traffic
from .vendors import LATEST

log = logging.getLogger("intacct.sandbox")

DEFAULT_SESSION_TIMEOUT_S = 6 * 3600.0  # observed real durations run from 2 to 12 hours


class SandboxHandle:
    """A running sandbox. Use as a context manager, or call stop()."""

    def __init__(
        self,
        *,
        server: GatewayServer,
        directory: Directory,
        sessions: SessionStore,
        gateway: Gateway,
        traffic: Traffic,
        faults: FaultInjector,
        session_timeout_s: float,
    ) -> None:
        self._server = server
        self._directory = directory
        self._sessions = sessions
        self._gateway = gateway
        self._traffic = traffic
        self._faults = faults
        self._session_timeout_s = session_timeout_s
        self._clock = RecordClock(not_before=LATEST)
        host, port = server.server_address[:2]
        if host in ("0.0.0.0", ""):
            host = "127.0.0.1"
        self.host = host
        self.port = port
        self.url = f"http://{host}:{port}{GATEWAY_PATH}"
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"intacct-sandbox-{port}",
            daemon=True,
        )
        self._stopped = False
        self._thread.start()

    # -- lifecycle --------------------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop serving and close every connection; safe to call more than once."""
        if self._stopped:
            return
        self._stopped = True
        self._server.shutdown()
        self._server.close_all_connections()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> SandboxHandle:
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"SandboxHandle(url={self.url!r}, stopped={self._stopped})"

    # -- data -----------------------------------------------------------------------------------------------

    def _company(self, company_id: str) -> Company:
        company = self._directory.company(company_id)
        if company is None:
            raise KeyError(f"unknown company {company_id!r}; known: {', '.join(self._directory.companies)}")
        return company

    def create_record(self, company_id: str, object: str, values: Mapping[str, object]) -> str:  # noqa: A002
        """Add a record (WHENCREATED/WHENMODIFIED = now); returns its RECORDNO."""
        return str(self._company(company_id).create_record(object, dict(values), self._clock.tick()))

    def update_record(
        self,
        company_id: str,
        object: str,
        recordno: int | str,
        values: Mapping[str, object],  # noqa: A002
    ) -> None:
        """Change fields of a record; its WHENMODIFIED moves to now, later than any earlier change."""
        self._company(company_id).update_record(object, int(recordno), dict(values), self._clock.tick())

    def delete_record(self, company_id: str, object: str, recordno: int | str) -> None:  # noqa: A002
        self._company(company_id).table(object).delete(int(recordno))

    def records(self, company_id: str, object: str, entity_id: str | None = None) -> list[dict[str, str]]:  # noqa: A002
        """What a user signed in at `entity_id` (None: top level) would see: all fields, by RECORDNO."""
        company = self._company(company_id)
        if entity_id and entity_id not in company.entity_ids:
            raise KeyError(f"company {company.company_id} has no entity {entity_id!r}")
        table = company.table(object)
        return [table.record(recno) for recno in table.visible_recnos(entity_id or "")]

    # -- behaviour ------------------------------------------------------------------------------------------

    def expire_sessions(self) -> None:
        """End every API session now; the next request with one gets 'Invalid session'."""
        self._sessions.expire_all()

    def set_faults(self, spec: str | Mapping[str, object] | FaultSpec | None) -> None:
        """Replace the injected faults (None: none); restarts the seeded draw sequence."""
        parsed = FaultSpec.parse(spec)
        self._faults.replace(parsed)
        self._gateway.login401 = parsed.login401
        self._sessions.timeout_s = (
            parsed.session_ttl if parsed.session_ttl is not None else self._session_timeout_s
        )

    @property
    def faults(self) -> FaultSpec:
        return self._faults.spec

    @property
    def stats(self) -> Stats:
        return self._traffic.snapshot()

    def reset_stats(self) -> None:
        self._traffic.reset()


def start(
    host: str = "127.0.0.1",
    port: int = 0,
    seed: int = 7,
    accounts: int = 400,
    vendors: int = 2000,
    latency_ms: int = 0,
    max_concurrent: int = 2,
    function_ms: int = 0,
    faults: str | Mapping[str, object] | FaultSpec | None = None,
    session_timeout_s: float = DEFAULT_SESSION_TIMEOUT_S,
    max_connections: int = MAX_CONNECTIONS,
    idle_timeout_s: float = IDLE_TIMEOUT_S,
) -> SandboxHandle:
    """Start a sandbox gateway on a background thread and return its handle (port 0: any free port).

    Every reply takes at least ``latency_ms`` plus ``function_ms`` for each function the request ran.
    """
    if latency_ms < 0 or function_ms < 0:
        raise ValueError("latency_ms and function_ms must not be negative")
    if session_timeout_s < 0:
        raise ValueError("session_timeout_s must not be negative")
    spec = FaultSpec.parse(faults)
    directory = Directory(seed=seed, accounts=accounts, vendors=vendors)
    sessions = SessionStore(spec.session_ttl if spec.session_ttl is not None else session_timeout_s)
    gateway = Gateway(directory, sessions, ResultSets())
    gateway.login401 = spec.login401
    traffic = Traffic(max_concurrent)
    injector = FaultInjector(seed, spec)
    server = GatewayServer(
        (host, port),
        Frontend(gateway, traffic, injector, latency_ms, function_ms),
        max_connections=max_connections,
        idle_timeout_s=idle_timeout_s,
    )
    return SandboxHandle(
        server=server,
        directory=directory,
        sessions=sessions,
        gateway=gateway,
        traffic=traffic,
        faults=injector,
        session_timeout_s=session_timeout_s,
    )
