"""Full-text matching and ranking, the same on SQLite (FTS5) and PostgreSQL (tsvector).

Both databases only ever see stems computed in Python (``observatoire.lib.text``), in three
columns: the title, the head (summary, themes, tags) and the body (everything else). They answer
yes/no questions only: does the row match every group, does a group appear in the title, in
the title or head, is the typed phrase in the title. The score is our own sum of those answers,
so a query ranks the same rows in the same order on both databases:

- 64 when the words typed stand in the title in that order (the exact phrase);
- per group, 3 more when it is in the title, 1 more when it is in the title or the head, and,
  when only some words matched, 8 per group found anywhere;
- ties: the caller's order (for practices, the shorter title first, then the newest).

On PostgreSQL the yes/no answers read a small vector of title and head (``rank_vector``), never
the large vector of the whole text, which only the GIN index reads for matching.
"""

from dataclasses import dataclass

from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    F,
    Func,
    IntegerField,
    QuerySet,
    Value,
    When,
)

from observatoire.search.query import Alternative, ParsedQuery

PHRASE_WEIGHT = 64
TITLE_WEIGHT = 3
HEAD_WEIGHT = 1
MATCHED_WEIGHT = 8


@dataclass(frozen=True)
class FullTextIndex:
    """Where a model keeps its stems. On SQLite an FTS5 table with columns named like the
    model's, its rowid the primary key; on PostgreSQL two tsvector columns kept by a trigger
    (the ORM does not know them): ``vector`` (title A, head B, body D) and ``rank_vector``
    (title A, head B)."""

    fts_table: str
    title: str = "search_title"
    head: str = "search_head"
    body: str = "search_body"
    vector: str = "search_vector"
    rank_vector: str = "search_rank_vector"


class SearchSQL(Func):
    """A piece of SQL whose {0}, {1}… are compiled expressions, so that table aliases stay
    right when the queryset is nested (facet counts run it as a subquery). ``{vector}`` and
    ``{rank_vector}`` are the PostgreSQL columns of the same table as expression {0}."""

    def __init__(self, template: str, index: FullTextIndex, *expressions, output_field):
        self.sql_template = template
        self.index = index
        super().__init__(*expressions, output_field=output_field)

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, expression_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(expression_params)
        title = f'"{self.index.title}"'
        return (
            self.sql_template.format(
                *parts,
                vector=parts[0].replace(title, f'"{self.index.vector}"'),
                rank_vector=parts[0].replace(title, f'"{self.index.rank_vector}"'),
            ),
            params,
        )


def _fts5(groups: list[list[Alternative]], joiner: str) -> str:
    def alternative(alt: Alternative) -> str:
        return "(" + " AND ".join(f'"{stem_}"' for stem_ in alt) + ")"

    return f" {joiner} ".join(
        "(" + " OR ".join(alternative(alt) for alt in group) + ")" for group in groups
    )


def _tsquery(groups: list[list[Alternative]], joiner: str, weight: str = "") -> str:
    def alternative(alt: Alternative) -> str:
        return "(" + " & ".join(f"{stem_}{weight}" for stem_ in alt) + ")"

    return f" {joiner} ".join(
        "(" + " | ".join(alternative(alt) for alt in group) + ")" for group in groups
    )


def _is_postgres(queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def _condition(queryset: QuerySet, index: FullTextIndex, where: str, groups, joiner="&"):
    """Rows whose ``where`` (all, title, head: title or head) holds the groups."""
    if _is_postgres(queryset):
        column = "{vector}" if where == "all" else "{rank_vector}"
        weight = ":A" if where == "title" else ""
        return SearchSQL(
            f"{column} @@ to_tsquery('simple'::regconfig, {{1}})",
            index,
            F(index.title),
            Value(_tsquery(groups, joiner, weight)),
            output_field=BooleanField(),
        )
    expression = _fts5(groups, "AND" if joiner == "&" else "OR")
    if where == "title":
        expression = f"{index.title} : ({expression})"
    elif where == "head":
        expression = f"{{{index.title} {index.head}}} : ({expression})"
    return _fts5_ids(index, expression)


def _fts5_ids(index: FullTextIndex, expression: str):
    return SearchSQL(
        f"{{0}} IN (SELECT rowid FROM {index.fts_table} WHERE {index.fts_table} MATCH {{1}})",
        index,
        F("pk"),
        Value(expression),
        output_field=BooleanField(),
    )


def _phrase_in_title(queryset: QuerySet, index: FullTextIndex, phrase: list[str]):
    if _is_postgres(queryset):
        return SearchSQL(
            "{rank_vector} @@ to_tsquery('simple'::regconfig, {1})",
            index,
            F(index.title),
            Value(" <-> ".join(f"{stem_}:A" for stem_ in phrase)),
            output_field=BooleanField(),
        )
    quoted = " ".join(phrase)
    return _fts5_ids(index, f'{index.title} : "{quoted}"')


def matching(
    queryset: QuerySet, query: ParsedQuery, index: FullTextIndex, *, match_all: bool = True
) -> QuerySet:
    """The rows of ``queryset`` that match every group of ``query``, or any with
    ``match_all=False``. Cheap to nest: facet counts run it as a subquery."""
    return queryset.filter(
        _condition(queryset, index, "all", query.groups, "&" if match_all else "|")
    )


def _points(condition, points: int):
    return Case(When(condition, then=Value(points)), default=Value(0), output_field=IntegerField())


def ranked(
    queryset: QuerySet, query: ParsedQuery, index: FullTextIndex, *, match_all: bool = True
) -> QuerySet:
    """``matching()`` annotated with ``relevance`` (higher is better): order by ``-relevance``
    then the caller's tie-breaks (for practices: the shorter title, the newest)."""
    score = Value(0, output_field=IntegerField())
    if len(query.phrase) > 1:
        score += _points(_phrase_in_title(queryset, index, query.phrase), PHRASE_WEIGHT)
    for group in query.groups:
        score += _points(_condition(queryset, index, "title", [group]), TITLE_WEIGHT)
        score += _points(_condition(queryset, index, "head", [group]), HEAD_WEIGHT)
        if not match_all:
            score += _points(_condition(queryset, index, "all", [group]), MATCHED_WEIGHT)
    return matching(queryset, query, index, match_all=match_all).annotate(relevance=score)
