"""Facets of a list, counted on write: what « Thème », « Région »… show beside the results.

An item (a practice, later a cooperative or an annonce) carries tokens « param:value »
(« theme:gouvernance », « region:53 »), one row each in its app's facet table. Two ways count
them, the same on both databases:

- ``FacetCount`` rows, kept up to date whenever an item's tokens or visibility change, give the
  counts of the unfiltered list and of every list filtered on a single value, in one query;
  for a list that asks it (``pairs``: the practices), those of every list filtered on one
  value of each of two facets too (« Scop » and « Bretagne »), and so those that a list with
  three ticked facets shows beside each of them;
- any other list (more filters, a search) counts its own items with one grouped query:
  one facet row an item, whose ``tokens`` (every token of its item) are expanded and grouped
  (``carried_counts_sql``; a search's, up to a limit: ``counts_up_to``).

Each facet row carries all its item's tokens, so that a list filtered on several values
reads the rows of one and checks the others in them (``Carries``), and counts them there.
"""

import json
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from itertools import chain, combinations, product

from django.db import connection, connections, transaction
from django.db.models import BooleanField, F, Func, QuerySet, Value

from observatoire.lib import bulk
from observatoire.lib.prepared import Prepared
from observatoire.search.fulltext import compiled_sources
from observatoire.search.models import FacetCount

TOTAL = "*"
MATCHES = "\x1fmatches"  # in counts_up_to's answer: the number of items, not a token
SCOPES = ("public", "members")
# Joins the two tokens of a list filtered on two facets, in ``FacetCount.among`` (no token holds
# a space; a single token holds none either, so the two never meet).
PAIR = " "
# Rows written at most by one statement (SQLite takes 32,766 parameters, five a row).
UPSERT_ROWS = 2000


def token(param: str, value: object) -> str:
    return f"{param}:{value}"


def split_token(text: str) -> tuple[str, str]:
    param, _sep, value = text.partition(":")
    return param, value


def contributions(
    tokens: Iterable[str], *, public: bool, pairs: bool = False, scopes: tuple[str, ...] = SCOPES
) -> Counter:
    """What one published item adds to the counts: for every list it is in (the unfiltered one,
    one per token and, with ``pairs``, one per two tokens of different facets), each of its
    tokens and the total, in each scope that sees it.

    A practice has about ten tokens: 11 lists without pairs, some 45 with them, each counting
    11 values. ``scopes``: those the list is read in (the directory, which every visitor sees
    the same, only in « public »), the others not counted."""
    return Counter(_contribution_keys(tokens, public=public, pairs=pairs, scopes=scopes))


def _contribution_keys(
    tokens: Iterable[str], *, public: bool, pairs: bool, scopes: tuple[str, ...] = SCOPES
):
    """The (scope, among, token) ``contributions`` counts once each: an iterator, so that a
    rebuild counts those of every item at C speed (``Counter.update``)."""
    tokens = sorted(set(tokens))
    lists = ["", *tokens]
    if pairs:
        lists += [PAIR.join(two) for two in combinations(tokens, 2) if _two_facets(*two)]
    seen_in = [scope for scope in (SCOPES if public else ("members",)) if scope in scopes]
    return product(seen_in, lists, (TOTAL, *tokens))


def _two_facets(first: str, second: str) -> bool:
    return split_token(first)[0] != split_token(second)[0]


def among(filters: dict[str, list[str]], *, pairs: bool) -> str | None:
    """The ``among`` under which the counts of the list filtered on ``filters`` (facet → values,
    no query) are stored: "" for none, the token of a single value, with ``pairs`` the two
    tokens of one value of each of two facets; None when they are not stored (two values of
    one facet widen the list; three facets)."""
    if len(filters) > (2 if pairs else 1) or any(len(values) != 1 for values in filters.values()):
        return None
    return PAIR.join(sorted(token(param, values[0]) for param, values in filters.items()))


def adjust_counts(list_name: str, *, before: Counter, after: Counter) -> None:
    """Apply the change from ``before`` to ``after`` (``contributions()`` of the item, or
    empty when it is not published) with one atomic upsert: two writers never lose a count."""
    delta = Counter(after)
    delta.subtract(before)
    rows = [(list_name, *key, change) for key, change in sorted(delta.items()) if change]
    if not rows:
        return
    table = FacetCount._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        # In key order, batch after batch: two writers take the rows in the same order.
        for start in range(0, len(rows), UPSERT_ROWS):
            batch = rows[start : start + UPSERT_ROWS]
            sql = (
                f"INSERT INTO {table} (list_name, scope, among, token, count) VALUES "
                + ", ".join(["(%s, %s, %s, %s, %s)"] * len(batch))
                + " ON CONFLICT (list_name, scope, among, token)"
                + f" DO UPDATE SET count = {table}.count + excluded.count"
            )
            cursor.execute(sql, [field for row in batch for field in row])


def rebuild_counts(
    list_name: str,
    items: Iterable[tuple[Iterable[str], bool]],
    *,
    pairs: bool = False,
    scopes: tuple[str, ...] = SCOPES,
) -> None:
    """Count everything again from (tokens, public) of every published item: after a bulk
    load (generatedata) or to mend counts by hand. The same counts as the sum of every item's
    ``contributions``, which would cost some 500 additions an item with pairs (35 s for 50,000
    practices): instead each scope counts how many items carry each token, each two and (with
    pairs) each three tokens, and every stored count is one of those. ``scopes`` as for
    ``contributions``."""
    numbers: Counter = Counter()  # items, by scope
    ones: dict[str, Counter] = {scope: Counter() for scope in SCOPES}
    twos: dict[str, Counter] = {scope: Counter() for scope in SCOPES}
    threes: dict[str, Counter] = {scope: Counter() for scope in SCOPES}
    for tokens, public in items:
        tokens = sorted(set(tokens))
        for scope in SCOPES if public else ("members",):
            if scope not in scopes:
                continue
            numbers[scope] += 1
            ones[scope].update(tokens)
            twos[scope].update(combinations(tokens, 2))
            if pairs:
                threes[scope].update(combinations(tokens, 3))
    total: Counter = Counter()
    for scope, number in numbers.items():
        total[(scope, "", TOTAL)] = number
        for one, n in ones[scope].items():
            total[(scope, "", one)] = total[(scope, one, TOTAL)] = total[(scope, one, one)] = n
        for (first, second), n in twos[scope].items():
            total[(scope, first, second)] = total[(scope, second, first)] = n
            if pairs and _two_facets(first, second):
                among_ = first + PAIR + second
                for token_ in (TOTAL, first, second):
                    total[(scope, among_, token_)] = n
        for three, n in threes[scope].items():
            for other in three:
                first, second = (token_ for token_ in three if token_ != other)
                if _two_facets(first, second):
                    total[(scope, first + PAIR + second, other)] = n
    with transaction.atomic():
        FacetCount.objects.filter(list_name=list_name).delete()
        _insert_counts(
            (list_name, scope, among, token, n) for (scope, among, token), n in total.items()
        )


def _insert_counts(rows: Iterable[tuple[str, str, str, str, int]]) -> None:
    """Insert count rows in bulk (lib/bulk.py): a million of them (10,000 cooperatives with
    pairs) took 120 s through ``bulk_create``, nearly all of it building a model object and
    compiling its values for each row, for an insert the database does in seconds."""
    bulk.insert(FacetCount, COUNT_COLUMNS, rows)


COUNT_COLUMNS = ("list_name", "scope", "among", "token", "count")


# Read by every list page: compiled once per process (lib/prepared.py).
_stored_counts = Prepared(
    lambda list_name, scope, among: FacetCount.objects.filter(
        list_name=list_name, scope=scope, among=among, count__gt=0
    ).values_list("token", "count"),
    name="stored_counts",
)


def stored_counts(list_name: str, *, scope: str, among: str = "") -> dict[str, int]:
    """The counts of the list filtered on ``among`` (a token, two joined by ``PAIR``, or "" for
    none: see ``among()``), by token."""
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
    for both their number and the grouping. SQLite reads the matches' ``tokens`` and counts
    them here (``carried_counts``): a thousand arrays split and counted in 1.2 ms, where
    ``json_each`` took 2 to 3 (bench data: a search page's counts, 6.4 ms → 5.8, most of it
    reading the rows).

    With ``through_indexes``, PostgreSQL may not read the table from start to end: for
    matches on a vector kept in TOAST, which its planner prices like any other column. Sure
    to stop after ``limit`` rows, it would read the rows in turn, each one's large vector
    fetched and decompressed (« partagés » in one year: 220 ms), where the vector's index
    gives the matching rows at once (26 ms, cold).
    """
    sql, params = first.query.sql_with_params()
    connection_ = connections[first.db]
    if connection_.vendor == "sqlite":
        with connection_.cursor() as cursor:
            cursor.execute(sql, params)
            carried = [text for (text,) in cursor.fetchall()]
        return len(carried), (carried_counts(carried) if len(carried) <= limit else {})
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


def carried_counts(carried: list[str]) -> Counter:
    """How many of the JSON arrays ``carried`` (a facet row's ``tokens`` as SQLite stores them,
    one per item) hold each token. They are split on the separator Python writes (« ", "),
    not decoded: a token holds no quote (slugs and codes). Should a token counted so hold a
    quote or an escape (an array written otherwise), the arrays are decoded instead."""
    counts = Counter(
        chain.from_iterable(text[2:-2].split('", "') for text in carried if text != "[]")
    )
    if any('"' in token or "\\" in token for token in counts):
        counts = Counter(chain.from_iterable(map(json.loads, carried)))
    return counts


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
