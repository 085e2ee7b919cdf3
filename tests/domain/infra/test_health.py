"""A backend's Dependency: one log line per state change, whatever the number of failures, and counters."""

from __future__ import annotations

import logging

import pytest

from domain.infra.health import Dependency


def test_an_outage_is_logged_once_when_it_starts_and_once_when_it_ends(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    now = [100.0]
    database = Dependency("database", clock=lambda: now[0])

    for _ in range(1000):
        database.failed(ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)"))
    now[0] = 110.5
    for _ in range(10):
        database.succeeded()

    assert [record.getMessage() for record in caplog.records] == [
        "database: up -> down (ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', 5432))",
        "database: down -> up after 10.5 s, 1000 failed operations",
    ]
    assert all(record.exc_info is None for record in caplog.records)
    assert (database.state, database.failures, database.outages) == ("up", 1000, 1)


def test_contention_is_counted_without_a_state_change(caplog: pytest.LogCaptureFixture) -> None:
    database = Dependency("database")

    database.contended()
    database.contended()

    assert database.up
    assert database.contention == 2
    assert caplog.records == []
