"""Helpers for sync tests: sessions against a sandbox, and the local and remote views of a table."""

from __future__ import annotations

import sqlite3

import pytest

import intacct
import intacct.sync

PASSWORD = "Demo-Passw0rd!"


@pytest.fixture
def login(sender):
    """Sign in to a sandbox with test-sized back-off; every client is closed after the test."""
    clients: list[intacct.IntacctClient] = []

    def _login(url, user="routable_ws", company="ACME-DEMO", entity=None, **options):
        options.setdefault("backoff_base", 0.001)
        options.setdefault("backoff_max", 0.05)
        options.setdefault("timeout", 10.0)
        client = intacct.IntacctClient(*sender, endpoint=url, **options)
        clients.append(client)
        return client.login(company, user, PASSWORD, entity_id=entity)

    yield _login
    for client in clients:
        client.close()


def local_rows(db_path, object_name: str, *, deleted: bool = False) -> dict[int, tuple]:
    """RECORDNO -> synced field values, for rows present in Intacct (or, with deleted=True, marked gone)."""
    schema = intacct.sync.schema(object_name)
    columns = ", ".join(f'"{f}"' for f in schema.data_fields)
    conn = sqlite3.connect(db_path)
    try:
        rows = conn.execute(
            f'SELECT RECORDNO, {columns} FROM "{schema.table}" WHERE _deleted = ? ORDER BY RECORDNO',
            (1 if deleted else 0,),
        ).fetchall()
    finally:
        conn.close()
    return {row[0]: tuple(row[1:]) for row in rows}


def remote_rows(box, object_name: str, company: str = "ACME-DEMO", entity: str | None = None) -> dict:
    """The same view built from what the sandbox holds (a KeyError means we sync a field it lacks)."""
    schema = intacct.sync.schema(object_name)
    return {
        int(r["RECORDNO"]): tuple(r[f] for f in schema.data_fields)
        for r in box.records(company, object_name, entity)
    }


@pytest.fixture
def tables():
    class Tables:
        local = staticmethod(local_rows)
        remote = staticmethod(remote_rows)

    return Tables
