"""Searching practices: the search app's engine over the practice table's index.

The query is read by ``observatoire.search.query`` (typos, synonyms, families); the full text
runs on the stems practices keep in ``search_title``, ``search_head`` and ``search_body``
(indexing.py), through FTS5 on SQLite and stored tsvectors on PostgreSQL (fts.py, migrations).
"""

from django.db.models import QuerySet

from observatoire.practices.fts import FTS_TABLE
from observatoire.search import fulltext
from observatoire.search.query import MAX_QUERY_WORDS, ParsedQuery, parse

__all__ = ["MAX_QUERY_WORDS", "PRACTICE_INDEX", "ParsedQuery", "matching", "parse", "ranked"]

PRACTICE_INDEX = fulltext.FullTextIndex(fts_table=FTS_TABLE)
# Order of the « Pertinence » sort, after ranked(): the shorter title first on ties (it says
# little else), then the stable keys that make pages deterministic.
RELEVANCE_ORDER = ["-relevance", "title_length", "-published_at", "-pk"]


def matching(queryset: QuerySet, query: ParsedQuery, *, match_all: bool = True) -> QuerySet:
    return fulltext.matching(queryset, query, PRACTICE_INDEX, match_all=match_all)


def ranked(queryset: QuerySet, query: ParsedQuery, *, match_all: bool = True) -> QuerySet:
    return fulltext.ranked(queryset, query, PRACTICE_INDEX, match_all=match_all)
