"""Limits against abuse: at most ``limit`` actions per ``period`` for a key (a person, an
address, a network address), counted in a table (``ActionCount``) rather than in the cache.

``take(key, limit, period)`` counts one more action and says whether it is allowed, in one
statement (an upsert with ``RETURNING``) that both SQLite and PostgreSQL run atomically: of
requests that arrive together, exactly ``limit`` get a place. A window starts with the first
action and lasts ``period``; the count starts again after it. Every attempt counts, allowed or
not, so that a refused one cannot be retried at once.

Keys name what is limited and whose: ``"comment:<person id>"``.
"""

from datetime import timedelta

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from observatoire.accounts.models import ActionCount

_TABLE = ActionCount._meta.db_table


def take(key: str, limit: int, period: timedelta, *, amount: int = 1) -> bool:
    """Count ``amount`` more actions for ``key`` (files sent at once count one each); True
    while at most ``limit`` were taken in the current window of ``period``."""
    return count(key, period, amount=amount) <= limit


def count(key: str, period: timedelta, *, amount: int = 1, using: str = DEFAULT_DB_ALIAS) -> int:
    """Count ``amount`` more actions for ``key`` and return how many its window now holds."""
    connection = connections[using]
    now = timezone.now()
    ops = connection.ops
    sql = counting_sql(ops.quote_name)
    params = counting_params(
        key,
        amount,
        ops.adapt_datetimefield_value(now),
        ops.adapt_datetimefield_value(now - period),
    )
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


def counting_sql(quote_name, placeholder: str = "%s") -> str:
    """The one statement that counts: insert the key's first action, or add to its count (or
    start its window again once ``period`` is over), and say the count. Both databases run it
    whole under the row's lock: simultaneous requests each get their own count."""
    table, key_, count_, started_ = map(quote_name, (_TABLE, "key", "count", "window_started"))
    p = placeholder
    return (
        f"INSERT INTO {table} ({key_}, {count_}, {started_}) VALUES ({p}, {p}, {p}) "
        f"ON CONFLICT ({key_}) DO UPDATE SET "
        f"{count_} = CASE WHEN {table}.{started_} <= {p} THEN {p} ELSE {table}.{count_} + {p} END, "
        f"{started_} = CASE WHEN {table}.{started_} <= {p} "
        f"THEN excluded.{started_} ELSE {table}.{started_} END "
        f"RETURNING {count_}"
    )


def counting_params(key: str, amount: int, started, expired) -> list:
    return [key[:200], amount, started, expired, amount, amount, expired]


def purge(older_than: timedelta = timedelta(days=8)) -> int:
    """Forget windows started before ``older_than`` (longer than any limit's period), with
    ``manage.py purgeuploads`` each day."""
    deleted, _ = ActionCount.objects.filter(window_started__lt=timezone.now() - older_than).delete()
    return deleted
