"""Facets of a list, counted on write: what « Thème », « Région »… show beside the results.

An item (a practice, later a cooperative or an annonce) carries tokens « param:value »
(« theme:gouvernance », « region:53 »), one row each in its app's facet table. Two ways count
them, the same on both databases:

- ``FacetCount`` rows, kept up to date whenever an item's tokens or visibility change, give the
  counts of the unfiltered list and of every list filtered on a single value, in one query;
- any other list (several filters, a search) counts its own items with one grouped query:
  one facet row an item, whose ``tokens`` (every token of its item) are expanded and grouped
  (``carried_counts_sql``; a search's, up to a limit: ``counts_up_to``).

Each facet row carries all its item's tokens, so that a list filtered on several values
reads the rows of one and checks the others in them (``Carries``), and counts them there.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import nullcontext

from django.db import connection, connections, transaction
from django.db.models import BooleanField, F, Func, QuerySet, Value

from observatoire.lib.prepared import Prepared
from observatoire.search.fulltext import compiled_sources
from observatoire.search.models import FacetCount

TOTAL = "*"
MATCHES = "\x1fmatches"  # in counts_up_to's answer: the number of items, not a token
SCOPES = ("public", "members")


def token(param: str, value: object) -> str:
    return f"{param}:{value}"


def split_token(text: str) -> tuple[str, str]:
    param, _sep, value = text.partition(":")
    return param, value


def contributions(tokens: Iterable[str], *, public: bool) -> Counter:
    """What one published item adds to the counts: for every list it is in (the unfiltered one,
    and one per token), each of its tokens and the total, in each scope that sees it."""
    tokens = sorted(set(tokens))
    counts: Counter = Counter()
    for scope in SCOPES if public else ("members",):
        for among in ("", *tokens):
            for token_ in (TOTAL, *tokens):
                counts[(scope, among, token_)] += 1
    return counts


def adjust_counts(list_name: str, *, before: Counter, after: Counter) -> None:
    """Apply the change from ``before`` to ``after`` (``contributions()`` of the item, or
    empty when it is not published) with one atomic upsert: two writers never lose a count."""
    delta = Counter(after)
    delta.subtract(before)
    rows = [(list_name, *key, change) for key, change in sorted(delta.items()) if change]
    if not rows:
        return
    table = FacetCount._meta.db_table
    sql = (
        f"INSERT INTO {table} (list_name, scope, among, token, count) VALUES "
        + ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
        + " ON CONFLICT (list_name, scope, among, token)"
        + f" DO UPDATE SET count = {table}.count + excluded.count"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [field for row in rows for field in row])


def rebuild_counts(list_name: str, items: Iterable[tuple[Iterable[str], bool]]) -> None:
    """Count everything again from (tokens, public) of every published item: after a bulk
    load (generatedata) or to mend counts by hand."""
    total: Counter = Counter()
    for tokens, public in items:
        total.update(contributions(tokens, public=public))
    with transaction.atomic():
        FacetCount.objects.filter(list_name=list_name).delete()
        FacetCount.objects.bulk_create(
            [
                FacetCount(list_name=list_name, scope=scope, among=among, token=token, count=n)
                for (scope, among, token), n in total.items()
            ],
            batch_size=2000,
        )


# Read by every list page: compiled once per process (lib/prepared.py).
_stored_counts = Prepared(
    lambda list_name, scope, among: FacetCount.objects.filter(
        list_name=list_name, scope=scope, among=among, count__gt=0
    ).values_list("token", "count"),
    name="stored_counts",
)


def stored_counts(list_name: str, *, scope: str, among: str = "") -> dict[str, int]:
    """The counts of the list filtered on ``among`` (a token, or "" for none), by token."""
    return dict(_stored_counts(list_name, scope, among))


def counts_up_to(
    first: QuerySet, limit: int, *, through_indexes: bool = False
) -> tuple[int, dict[str, int]]:
    """How many items ``first`` holds (facet rows selecting only ``tokens``, one row an item,
    sliced to ``limit`` + 1), and, when they are ``limit`` at most, how many carry each token
    (``carried_counts_sql``); in one query, ``first`` read once.

    A broad search (more than ``limit`` results) shows no counts: its tokens are not grouped
    (at 50,000 practices, 4 of 10 searches; PostgreSQL spent 37 ms grouping what it threw
    away). The matches are read once (``MATERIALIZED``, SQLite ≥ 3.35 and PostgreSQL ≥ 12)
    for both their number and the grouping.

    With ``through_indexes``, PostgreSQL may not read the table from start to end: for
    matches on a vector kept in TOAST, which its planner prices like any other column. Sure
    to stop after ``limit`` rows, it would read the rows in turn, each one's large vector
    fetched and decompressed (« partagés » in one year: 220 ms), where the vector's index
    gives the matching rows at once (26 ms, cold).
    """
    sql, params = first.query.sql_with_params()
    connection_ = connections[first.db]
    query = _counted_sql(sql, connection_.vendor, bound="%s", marker="%s")
    no_scan = through_indexes and connection_.vendor == "postgresql"
    nested = connection_.in_atomic_block
    scope = transaction.atomic(using=first.db) if no_scan else nullcontext()
    with scope, connection_.cursor() as cursor:
        if no_scan:
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(query, [*params, limit, MATCHES])
        counts = dict(cursor.fetchall())
        if no_scan and nested:  # the outer transaction goes on: back to the usual plans
            cursor.execute("SET LOCAL enable_seqscan = DEFAULT")
    return counts.pop(MATCHES), counts


def counted_up_to_sql(limit: int) -> Callable[[str, str], str]:
    """For ``Prepared(…, outer=…)``: ``counts_up_to``'s query over every row the queryset
    selects (``tokens`` alone, one row an item), not a slice of them: the exact number of
    items (under ``MATCHES``) and, only when they are ``limit`` at most, how many carry each
    token. Past the limit the answer holds the number alone."""
    marker = "'" + MATCHES.replace("'", "''") + "'"
    return lambda sql, vendor: _counted_sql(sql, vendor, bound=str(int(limit)), marker=marker)


def _counted_sql(sql: str, vendor: str, *, bound: str, marker: str) -> str:
    """The items ``sql`` selects, read once: how many carry each token while they are
    ``bound`` at most, and their number under ``marker`` (SQL, literals or parameters)."""
    grouped = carried_counts_sql("SELECT tokens FROM counted_items", vendor, bound=bound)
    return (
        f"WITH counted_items AS MATERIALIZED ({sql}) {grouped} "
        f"UNION ALL SELECT {marker}, COUNT(*) FROM counted_items"
    )


def carried_counts_sql(sql: str, vendor: str, *, bound: str | None = None) -> str:
    """How many of the facet rows ``sql`` selects carry each token, as (token, count): their
    ``tokens`` column (``sql`` selects it alone, one row an item) expanded and grouped, instead
    of every row of every item looked up again (PostgreSQL: twice as fast on 5,000 items).
    With ``bound`` (SQL: a literal or a parameter), only while ``sql`` holds no more rows."""
    if vendor == "postgresql":
        carried = "jsonb_array_elements_text(carrying.tokens) AS carried(value)"
    else:
        carried = "json_each(carrying.tokens) AS carried"
    within = f" WHERE (SELECT COUNT(*) FROM ({sql}) AS counted) <= {bound}" if bound else ""
    return f"SELECT carried.value, COUNT(*) FROM ({sql}) AS carrying, {carried}{within} GROUP BY 1"


def by_param(counts: dict[str, int]) -> dict[str, dict[str, int]]:
    """{"theme:a": 3} → {"theme": {"a": 3}}; the total (« * ») is left out."""
    grouped: dict[str, dict[str, int]] = {}
    for text, count in counts.items():
        if text != TOTAL:
            param, value = split_token(text)
            grouped.setdefault(param, {})[value] = count
    return grouped


class Carries(Func):
    """Whether a facet row's item carries one of ``tokens``: read in the row's ``tokens`` (every
    token of the item, the same on each of its rows), which the list's index holds, instead of
    one index lookup a row. PostgreSQL: ``?|`` on the jsonb array; SQLite: the token, quoted
    as JSON writes it, in the array's text (a token holds no quote)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, tokens: list[str]):
        super().__init__(F("tokens"), *(Value(token) for token in tokens))

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = compiled_sources(self, compiler)
        column, values = parts[0], parts[1:]
        if connection.vendor == "postgresql":
            return f"({column} ?| ARRAY[{', '.join(values)}]::text[])", params
        checks = [f"instr({column}, '\"' || {value} || '\"') > 0" for value in values]
        return "(" + " OR ".join(checks) + ")", params
