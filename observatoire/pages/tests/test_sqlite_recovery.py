"""After a read-only spell or a full disk, SQLite writes work again at the next request (issue 8,
point 13): a connection that met a database error is closed at the end of that request
(lib/sqlite/base.py) instead of being kept, read-only, for CONN_MAX_AGE."""

import pytest
from django.db import OperationalError
from django.db.utils import ConnectionHandler

from observatoire.lib.env import database_from_url


def test_a_connection_stuck_read_only_is_replaced_at_the_next_request(tmp_path, django_db_blocker):
    settings = database_from_url(f"sqlite:///{tmp_path / 'site.sqlite3'}", str(tmp_path))
    assert settings["ENGINE"] == "observatoire.lib.sqlite" and settings["CONN_HEALTH_CHECKS"]
    connection = ConnectionHandler({"default": settings})["default"]
    with django_db_blocker.unblock():
        run(connection)


def run(connection) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE notes (text TEXT)")
        # What a connection opened while the file was read-only is like: it refuses writes.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = ON")
        with pytest.raises(OperationalError, match="readonly"), connection.cursor() as cursor:
            cursor.execute("INSERT INTO notes VALUES ('perdue')")
        kept = connection.connection
        connection.close_if_unusable_or_obsolete()  # the end of that request
        assert connection.connection is None and kept is not None
        # The next request opens a new connection, which writes.
        connection.close_if_unusable_or_obsolete()
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO notes VALUES ('gardée')")
            cursor.execute("SELECT text FROM notes")
            assert cursor.fetchall() == [("gardée",)]
        # A request without error keeps its connection, as before.
        kept = connection.connection
        connection.close_if_unusable_or_obsolete()
        assert connection.connection is kept
    finally:
        connection.close()
