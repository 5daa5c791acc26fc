"""A local Sage Intacct XML gateway for development, tests and benchmarks.

It speaks the gateway's protocol (POST XML to ``/ia/xml/xmlgw.phtml``) closely enough that a client cannot
tell it from the real service but for the URL: control, authentication and result levels, sessions,
entities, permissions, readByQuery/readMore and query paging, filters, lookup/inspect, transactions, rate
limiting and injected faults. Data is generated deterministically from a seed.

Run it:   python -m intacct.sandbox --port 8642          (prints "Intacct sandbox listening on <url>")
In tests: with intacct.sandbox.start(vendors=500) as sandbox: ... sandbox.url ...

Demo accounts:
    sender  RoutableMPP / sandbox-sender-secret (and SandboxPartner / sandbox-partner-secret for tests)
    ACME-DEMO   multi-entity (E100, E200, E300); users routable_ws (full), limited_ws (no GLACCOUNT),
                entity_ws (entity E200 only)
    SOLO-DEMO   single entity; user routable_ws
    NOAUTH-DEMO has not authorized RoutableMPP; user routable_ws
    password of every user: Demo-Passw0rd!

Fault SPEC grammar (``--faults SPEC`` or ``start(faults=...)``):
    comma-separated key=value pairs, e.g. "error5xx=0.2,latency_ms=50,session_ttl=30"
    latency_ms=N    extra milliseconds on every reply, on top of --latency-ms
    error5xx=P      share of replies that are HTTP 500, 502 or 503 with a non-XML (HTML) body
    error524=P      share of replies that are HTTP 524 (CDN timeout page, non-XML)
    drop=P          share of requests whose connection is closed without any reply
    malformed=P     share of replies that are HTTP 200 with a truncated XML body
    rate429=P       share of requests answered HTTP 429 GW-0010, however few are in flight
    session_ttl=S   sessions expire S seconds after their last use
    login401=1      bad sign-ins are answered the newer way: HTTP 401, control failure XMLGW_JPP0002
    P is a probability from 0 to 1; error5xx, error524, drop, malformed and rate429 together may not exceed
    1 (one seeded draw per request decides which applies, if any). Faults never touch a request refused
    for sender, sign-in or session reasons. A dict with the same keys works too.
"""

from .faults import FaultSpec
from .handle import SandboxHandle, start
from .traffic import Stats

__all__ = ["FaultSpec", "SandboxHandle", "Stats", "start"]
