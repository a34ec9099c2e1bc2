"""Django's PostgreSQL backend, whose health check asks the socket instead of the server.

With ``CONN_HEALTH_CHECKS``, Django checks a kept connection before its first query of each
request by running ``SELECT 1``: one more round trip on every request that reads the database,
which costs about as much as one of the indexed queries of a page. A connection the server has
closed (a restart, ``pg_terminate_backend``, an idle timeout) has told the client so: its
socket is readable although no query is pending (the server's farewell message, then the end
of the stream). That costs one ``poll()`` with no wait, and the connection is then opened again
before the request's first query, as Django does after a failed ``SELECT 1``.

A server that vanished without a word (the machine gone, the network cut) is not seen this
way, nor by ``SELECT 1`` before its own timeout: the query fails and Django opens a new
connection for the next request.
"""

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != TransactionStatus.IDLE:
            return False  # a failed or forgotten transaction, where SELECT 1 would fail too
        poller = select.poll()
        try:
            poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
        except (OSError, ValueError):  # no socket left
            return False
        # Between two requests nothing is owed to this client: anything to read, or a closed
        # stream (POLLHUP, POLLERR, POLLNVAL), is the server leaving.
        return not poller.poll(0)
