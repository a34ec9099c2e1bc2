"""Searching practices: the search app's engine over the practice table's index.

The query is read by ``observatoire.search.query`` (typos, synonyms, families); the full text
runs on the stems practices keep in ``search_title``, ``search_head`` and ``search_body``
(indexing.py), through FTS5 on SQLite and stored tsvectors on PostgreSQL (fts.py, migrations).
"""

from django.db import connections
from django.db.models import QuerySet

from observatoire.practices.fts import FTS_TABLE
from observatoire.practices.models import Practice, PracticeSearchRow
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
    "ranked_rows",
    "matching",
    "parse",
    "ranked",
    "search_rows",
]

PRACTICE_INDEX = fulltext.FullTextIndex(fts_table=FTS_TABLE)
# PostgreSQL's search rows (models.PracticeSearchRow, migrations 0021-0022): the practice's
# vectors and title stems copied by triggers. A search counts and ranks these narrow rows.
SEARCH_ROWS_INDEX = fulltext.FullTextIndex(
    fts_table="", title="search_title", vector="vector", rank_vector="rank_vector"
)
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


def index_of(queryset: QuerySet) -> fulltext.FullTextIndex:
    """Where the stems of ``queryset``'s rows are: practices (FTS5 or their own vectors) or,
    on PostgreSQL, their search rows (``ranked_rows()``)."""
    return SEARCH_ROWS_INDEX if queryset.model is PracticeSearchRow else PRACTICE_INDEX


def ranked_rows(practices: QuerySet, scope: str) -> QuerySet:
    """What a search ranks: on PostgreSQL the search rows of the published practices visible
    in ``scope`` (« public » or « members »: those of ``discoverable_by``, which ``practices``
    are), narrow and all in memory; on SQLite the practices themselves."""
    if connections[practices.db].vendor != "postgresql":
        return practices
    rows = PracticeSearchRow.objects.using(practices.db)
    return rows.filter(public=True) if scope == "public" else rows.all()


def ranked(
    queryset: QuerySet,
    query: ParsedQuery,
    *,
    match_all: bool = True,
    title_only: bool = False,
) -> QuerySet:
    return fulltext.ranked(
        queryset, query, index_of(queryset), match_all=match_all, title_only=title_only
    )


def all_in_title(queryset: QuerySet, query: ParsedQuery) -> QuerySet:
    return fulltext.all_in_title(queryset, query, index_of(queryset))


title_first = fulltext.title_first
FullPageOf = fulltext.FullPageOf
one_group = fulltext.one_group


def ranked_levels(queryset: QuerySet, query: ParsedQuery) -> fulltext.Levels:
    """The ids of ``ranked()``, in its order, for a query of ``one_group()``: read set by set
    on the relevance indexes (title length, newest), only as far as the page asked for."""
    order = RELEVANCE_ORDER[1:]  # within a set every row has the same relevance
    sets = fulltext.levels(queryset, query, index_of(queryset))
    return fulltext.Levels([rows.order_by(*order).values_list("pk", flat=True) for rows in sets])
