"""Rows written in bulk with plain ``executemany``, for the few writes of tens of thousands of rows
(an import, a rebuild of an index); PostgreSQL takes inserted rows by ``COPY``.

``bulk_create`` spends most of its time building a model object and compiling its values for
each row, ``bulk_update`` building a CASE of every row for every field (26 s for 10,000
cooperatives where an ``executemany`` takes one or two); the database does the same work either
way, triggers included. Values go through each field's ``get_db_prep_save``, as the ORM sends them.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import batched
from typing import Any

from django.db import connections, router

ROWS = 5000  # rows sent by one executemany: memory bounded, the database takes them in turn


def insert(model, names: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert ``rows`` (values in the order of ``names``, field names) into ``model``'s table.
    No ids come back: for rows nothing reads at once (facet rows, versions)."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in names]
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    prepared = _prepared(fields, rows, connection)
    if connection.vendor == "postgresql":  # COPY: some five times faster than executemany
        # The driver's own cursor: its errors made Django's (an IntegrityError) by hand.
        with (
            connection.wrap_database_errors,
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in prepared:
                copy.write_row(row)
        return
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    _execute(connection, sql, prepared)


def _prepared(fields: list, rows: Iterable[Sequence], connection) -> Iterable[tuple]:
    """Each row's values as the database takes them; a value that is the very object of the
    row before (a cooperative's tokens on each of its facet rows) is prepared once."""
    last: list = [object()] * len(fields)
    done: list = [None] * len(fields)
    for row in rows:
        for index, (field, value) in enumerate(zip(fields, row, strict=True)):
            if value is not last[index]:
                last[index], done[index] = value, field.get_db_prep_save(value, connection)
        yield tuple(done)


def update(model, objects: Iterable, names: Sequence[str]) -> None:
    """Write the fields ``names`` of each object (by its primary key) to ``model``'s table."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in fields),
        quote(meta.pk.column),
    )
    prepared = (
        (
            *(field.get_db_prep_save(getattr(item, field.attname), connection) for field in fields),
            item.pk,
        )
        for item in objects
    )
    _execute(connection, sql, prepared)


def _execute(connection, sql: str, rows: Iterable[tuple]) -> None:
    with connection.cursor() as cursor:
        for batch in batched(rows, ROWS):
            cursor.executemany(sql, batch)


@contextmanager
def roomy_cache(model, megabytes: int = 256) -> Iterator[None]:
    """On SQLite, a page cache of ``megabytes`` for the connection while a bulk write lasts:
    rows inserted in no order of an index (SIREN, slug, name, token) miss SQLite's default 2 MB
    page after page. Nothing on PostgreSQL, whose shared buffers are the server's."""

    def set_size(cursor) -> str:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-1024 * int(megabytes)}")
        return f"PRAGMA cache_size = {int(before)}"

    with _for_a_while(model, "sqlite", set_size):
        yield


@contextmanager
def through_indexes(model) -> Iterator[None]:
    """On PostgreSQL, no sequential scan while it lasts (in a transaction): right after a bulk
    insert the table's statistics are still those of a smaller one, and a delete of some
    thousand rows by an indexed column read the whole table (0.6 s each, 41 s to write again
    the facet rows of 92,000 cooperatives). Nothing on SQLite."""

    def no_scan(cursor) -> str:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return "SET LOCAL enable_seqscan = DEFAULT"

    with _for_a_while(model, "postgresql", no_scan):
        yield


@contextmanager
def _for_a_while(model, vendor: str, change: Callable[[Any], str]) -> Iterator[None]:
    """A setting of ``model``'s connection changed while the block lasts, on ``vendor`` only:
    ``change(cursor)`` makes it and returns the statement that puts it back."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != vendor:
        yield
        return
    with connection.cursor() as cursor:
        restore = change(cursor)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(restore)
