"""Django's SQLite backend, whose connection is not kept after a database error.

A connection keeps what it met: opened while the file was read-only (a disk remounted during
an incident, a restore in progress), it stays read-only, and with ``CONN_MAX_AGE`` every write
of that worker failed for a minute after the file was writable again; after a full disk or an
I/O error its memory-mapped ``-shm`` may be gone under it. Here, with ``CONN_HEALTH_CHECKS``,
a connection on which an error occurred is closed at the end of that request and opened again
for the next one (a millisecond, with the settings of lib/env.py): the site recovers at the
next request. Django keeps a connection to an in-memory database open whatever this says.
"""

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        return self.connection is not None and not self.errors_occurred
