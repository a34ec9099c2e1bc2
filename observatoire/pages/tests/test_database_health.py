"""The PostgreSQL connection's health check (lib/postgresql/base.py): no round trip for a live
connection, and a connection the server closed is opened again before a request's first query."""

import time
from unittest import mock

import psycopg
import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def test_a_live_connection_is_usable_without_asking_the_server(db):
    connection.ensure_connection()
    with mock.patch.object(
        connection.connection, "cursor", side_effect=AssertionError("a query was sent")
    ):
        assert connection.is_usable()


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_closed_is_opened_again_before_the_next_query():
    connection.ensure_connection()
    closed_pid = connection.connection.info.backend_pid
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.autocommit = True
        other.execute("SELECT pg_terminate_backend(%s)", [closed_pid])
    finally:
        other.close()
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.01)  # the backend leaves a moment after being told to
    assert not connection.is_usable()

    # As at the start of a request: the kept connection is checked before its first query.
    connection.health_check_enabled = True
    connection.health_check_done = False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != closed_pid


@pytest.mark.django_db(transaction=True)
def test_a_connection_left_in_a_failed_transaction_is_not_usable():
    connection.ensure_connection()
    raw = connection.connection
    raw.execute("BEGIN")
    with pytest.raises(psycopg.errors.DivisionByZero):
        raw.execute("SELECT 1 / 0")
    assert not connection.is_usable()
    connection.close()
