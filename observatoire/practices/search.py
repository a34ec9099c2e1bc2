"""Searching practices: the search app's engine over the practice table's index.

The query is read by ``observatoire.search.query`` (typos, synonyms, families); the full text
runs on the stems practices keep in ``search_title``, ``search_head`` and ``search_body``
(indexing.py), through FTS5 on SQLite and stored tsvectors on PostgreSQL (fts.py, migrations).
"""

from django.db.models import QuerySet

from observatoire.practices.fts import FTS_TABLE
from observatoire.practices.models import Practice
from observatoire.search import fulltext
from observatoire.search.query import MAX_QUERY_WORDS, ParsedQuery, parse

__all__ = [
    "MAX_QUERY_WORDS",
    "FullPageOf",
    "all_in_title",
    "PRACTICE_INDEX",
    "ParsedQuery",
    "joined_to_matches",
    "matched_ids",
    "one_group",
    "ranked_levels",
    "matching",
    "parse",
    "ranked",
    "search_rows",
]

PRACTICE_INDEX = fulltext.FullTextIndex(fts_table=FTS_TABLE)
# PostgreSQL's search rows (models.PracticeSearchRow): their vector, written from ``tokens``.
SEARCH_ROWS_INDEX = fulltext.FullTextIndex(fts_table="", title="tokens", vector="vector")
# Order of the « Pertinence » sort, after ranked(): the shorter title first on ties (it says
# little else), then the stable keys that make pages deterministic.
RELEVANCE_ORDER = ["-relevance", "title_length", "-published_at", "-pk"]


def matching(queryset: QuerySet, query: ParsedQuery, *, match_all: bool = True) -> QuerySet:
    return fulltext.matching(queryset, query, PRACTICE_INDEX, match_all=match_all)


def search_rows(rows: QuerySet, query: ParsedQuery, *, match_all: bool = True) -> QuerySet:
    """PostgreSQL: the ``PracticeSearchRow`` among ``rows`` whose practice matches ``query``."""
    return fulltext.matching(rows, query, SEARCH_ROWS_INDEX, match_all=match_all)


def matched_ids(query: ParsedQuery, *, match_all: bool = True):
    """The ids of the practices matching, published or not: a subquery for ``…__in=``."""
    return fulltext.matched_ids(Practice.objects.all(), query, PRACTICE_INDEX, match_all=match_all)


def joined_to_matches(
    rows: QuerySet, column: str, query: ParsedQuery, *, match_all: bool = True
) -> QuerySet:
    """SQLite: the rows whose ``column`` is a practice matching ``query``, driven by the
    full-text index (see ``fulltext.joined_matches``)."""
    return fulltext.joined_matches(rows, query, PRACTICE_INDEX, column, match_all=match_all)


def ranked(
    queryset: QuerySet,
    query: ParsedQuery,
    *,
    match_all: bool = True,
    title_only: bool = False,
) -> QuerySet:
    return fulltext.ranked(
        queryset, query, PRACTICE_INDEX, match_all=match_all, title_only=title_only
    )


def all_in_title(queryset: QuerySet, query: ParsedQuery) -> QuerySet:
    return fulltext.all_in_title(queryset, query, PRACTICE_INDEX)


title_first = fulltext.title_first
FullPageOf = fulltext.FullPageOf
one_group = fulltext.one_group


def ranked_levels(queryset: QuerySet, query: ParsedQuery) -> fulltext.Levels:
    """The ids of ``ranked()``, in its order, for a query of ``one_group()``: read set by set
    on the relevance indexes (title length, newest), only as far as the page asked for."""
    order = RELEVANCE_ORDER[1:]  # within a set every row has the same relevance
    sets = fulltext.levels(queryset, query, PRACTICE_INDEX)
    return fulltext.Levels([rows.order_by(*order).values_list("pk", flat=True) for rows in sets])
