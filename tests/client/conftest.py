import pytest

import intacct

SENDER = ("RoutableMPP", "sandbox-sender-secret")
PASSWORD = "Demo-Passw0rd!"


@pytest.fixture
def connect():
    """Open a client against a sandbox URL with test-sized backoff; closes everything afterwards."""
    clients = []

    def _connect(url, *, sender=SENDER, **options):
        options.setdefault("backoff_base", 0.001)
        options.setdefault("backoff_max", 0.01)
        options.setdefault("timeout", 5.0)
        client = intacct.IntacctClient(*sender, endpoint=url, **options)
        clients.append(client)
        return client

    yield _connect
    for client in clients:
        client.close()
