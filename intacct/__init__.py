"""A client for Sage Intacct's XML gateway, and a local sandbox that speaks the same protocol.

client = intacct.IntacctClient(sender_id, sender_password)
session = client.login(company_id, user_id, password, entity_id=None)
for vendor in session.query("VENDOR", ["RECORDNO", "NAME"], where=intacct.F("STATUS") == "active"):
    ...
"""

from . import errors
from ._client import DEFAULT_ENDPOINT, ClientStats, IntacctClient, Page, PageRequest, Session
from ._filters import F, Filter
from .errors import IntacctError

__all__ = [
    "DEFAULT_ENDPOINT",
    "ClientStats",
    "F",
    "Filter",
    "IntacctClient",
    "IntacctError",
    "Page",
    "PageRequest",
    "Session",
    "errors",
]
