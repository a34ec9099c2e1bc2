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

Scoring reads each candidate row, never the whole corpus: on PostgreSQL a small vector of title
and head (``rank_vector``), never the large vector of the whole text, which only the GIN index
reads for matching; on SQLite the row's own title and head stems (``_InRow``), where one FTS
query per test listed every row of the corpus holding the word.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL

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
    (title A, head B).

    A PostgreSQL table with only a ``vector`` (practices' search rows) names as ``title`` a
    column the ORM knows, which the SQL of its vector is written from; ``matching()`` then
    reads its vector, and nothing else of this index is used."""

    fts_table: str
    title: str = "search_title"
    head: str = "search_head"
    body: str = "search_body"
    vector: str = "search_vector"
    rank_vector: str = "search_rank_vector"


def compiled_sources(expression: Func, compiler) -> tuple[list[str], list]:
    """The SQL of each source expression of ``expression``, and all their parameters: for
    expressions whose SQL is written by hand around their compiled arguments."""
    parts, params = [], []
    for source in expression.get_source_expressions():
        sql, source_params = compiler.compile(source)
        parts.append(sql)
        params.extend(source_params)
    return parts, params


class _Words(Value):
    """A tsquery written into the SQL itself, not sent as a parameter. The site's statements
    are prepared on PostgreSQL (lib/env.py), and after five runs a prepared statement may keep
    one generic plan for every value of its parameters, which cannot know how many practices
    hold the words: « salariés » after two other one-word searches went from 3 ms to 105 ms
    (reading 6,400 practices through both GIN indexes). Written out, each search's words get
    their own plan. A tsquery holds stems (letters and digits) and operators: a quote would be
    doubled all the same, and a percent sign, which the driver reads in SQL, is left out."""

    def as_sql(self, compiler, connection):
        text = str(self.value).replace("'", "''").replace("%", "")
        return f"'{text}'", []


class SearchSQL(Func):
    """A piece of SQL whose {0}, {1}… are compiled expressions, so that table aliases stay
    right when the queryset is nested (facet counts run it as a subquery). ``{vector}`` and
    ``{rank_vector}`` are the PostgreSQL columns of the same table as expression {0}."""

    def __init__(self, template: str, index: FullTextIndex, *expressions, output_field):
        self.sql_template = template
        self.index = index
        super().__init__(*expressions, output_field=output_field)

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = compiled_sources(self, compiler)
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


def _fts5_expression(index: FullTextIndex, where: str, groups, joiner: str) -> str:
    expression = _fts5(groups, "AND" if joiner == "&" else "OR")
    if where == "title":
        expression = f"{index.title} : ({expression})"
    elif where == "head":
        expression = f"{{{index.title} {index.head}}} : ({expression})"
    return expression


def _condition(
    queryset: QuerySet,
    index: FullTextIndex,
    where: str,
    groups,
    joiner="&",
    *,
    found=False,
    in_order=False,
):
    """Rows whose ``where`` (all, title, head: title or head) holds the groups.

    With ``found`` (rows to find, not rows already found to test), a title condition on
    PostgreSQL asks the title's own vector alone, whose index (migration 0019) answers exactly
    and whose statistics count titles. The small vector tells the title by a weight that
    neither its index nor the planner's estimates know, and a weight makes the index's
    answer a candidate to check again in the row: every condition of the bitmap was then
    checked row by row, the whole text's vector read from TOAST for each (« administration
    entreprise » in one union: 69 → 24 ms).

    With ``in_order`` too (rows read in the order of an index until a page is full, each
    tested), the small vector stored in the row is asked first: the title's vector is
    computed only for the rows whose small vector holds the groups in the title (« société »
    through 18,000 rows: 63 ms when it was computed for each)."""
    if _is_postgres(queryset):
        column = "{vector}" if where == "all" else "{rank_vector}"
        weight = ":A" if where == "title" else ""
        if found and where == "title" and in_order:
            return SearchSQL(
                "({rank_vector} @@ to_tsquery('simple'::regconfig, {1}) AND"
                " to_tsvector('simple'::regconfig, {0})"
                " @@ to_tsquery('simple'::regconfig, {2}))",
                index,
                F(index.title),
                _Words(_tsquery(groups, joiner, weight)),
                _Words(_tsquery(groups, joiner)),
                output_field=BooleanField(),
            )
        if found and where == "title":
            return SearchSQL(
                "to_tsvector('simple'::regconfig, {0}) @@ to_tsquery('simple'::regconfig, {1})",
                index,
                F(index.title),
                _Words(_tsquery(groups, joiner)),
                output_field=BooleanField(),
            )
        return SearchSQL(
            f"{column} @@ to_tsquery('simple'::regconfig, {{1}})",
            index,
            F(index.title),
            _Words(_tsquery(groups, joiner, weight)),
            output_field=BooleanField(),
        )
    return _fts5_ids(index, _fts5_expression(index, where, groups, joiner))


def _small_vector_first(index: FullTextIndex, groups, joiner: str):
    """PostgreSQL: the rows holding the groups, tested on the small vector (title and head, in
    the row) before the large one (read from TOAST), which only the rows whose title and head
    do not hold them need. The same rows as the large vector alone: it holds the small one."""
    tsquery = _tsquery(groups, joiner)
    return SearchSQL(
        "({rank_vector} @@ to_tsquery('simple'::regconfig, {1})"
        " OR {vector} @@ to_tsquery('simple'::regconfig, {2}))",
        index,
        F(index.title),
        _Words(tsquery),
        _Words(tsquery),
        output_field=BooleanField(),
    )


class _InRow(Func):
    """SQLite: whether the row's own stem columns (``search_title``, with ``search_head`` for
    "head") hold the groups (every group: any of its alternatives: all of its stems), or the
    phrase (its stems one after the other in the title). Read in the row, as PostgreSQL reads
    its small vector: ranking tests a few hundred candidates, where asking the FTS table
    listed every row of the corpus holding each word (tens of milliseconds for a frequent
    one). The same answers: the columns hold the stems the FTS table indexes, one space
    apart, and a phrase is stems in a row."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, index: FullTextIndex, where: str, groups=(), phrase=()):
        columns = [F(index.title), *([F(index.head)] if where == "head" else [])]
        super().__init__(*columns)
        self.groups, self.phrase = groups, phrase

    def as_sql(self, compiler, connection, **extra_context):
        columns, column_params = compiled_sources(self, compiler)
        assert not column_params  # plain columns: their SQL can be repeated
        padded = [f"(' ' || {column} || ' ')" for column in columns]
        params: list[str] = []

        def holds(text: str) -> str:
            params.extend([f" {text} "] * len(padded))
            return "(" + " OR ".join(f"instr({column}, %s) > 0" for column in padded) + ")"

        if self.phrase:
            return holds(" ".join(self.phrase)), params
        sql = " AND ".join(
            "("
            + " OR ".join(
                "(" + " AND ".join(holds(stem_) for stem_ in alternative) + ")"
                for alternative in group
            )
            + ")"
            for group in self.groups
        )
        return f"({sql})", params


def _score_condition(queryset: QuerySet, index: FullTextIndex, where: str, groups):
    """``_condition()`` for scoring rows already found: on SQLite tested in the row."""
    if _is_postgres(queryset):
        return _condition(queryset, index, where, groups)
    return _InRow(index, where, groups)


def _fts5_ids(index: FullTextIndex, expression: str) -> Q:
    """SQLite: the rows the FTS5 table finds for ``expression``. A lookup, not an expression:
    SQLite then reads ``id IN (…)`` as the set of rows to fetch by key (a few hundred), where
    ``(id IN (…)) = 1`` made it test every row of an index against the set."""
    table = index.fts_table
    return Q(pk__in=RawSQL(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", (expression,)))


def _joined_fts5(
    queryset: QuerySet, index: FullTextIndex, expression: str, column: str | None = None
) -> QuerySet:
    """SQLite: the rows the FTS5 table finds for ``expression``, joined to it on ``column``
    (by default the primary key). SQLite then reads the few rows the full-text table gives,
    by key; with ``id IN (…)`` and no statistics it would rather go through every entry of
    an index on the other conditions (status, visibility), 15 ms where the rows of a title
    search take 5. For a query at the top only: the join names the tables as they are."""
    table, fts = queryset.model._meta.db_table, index.fts_table
    return queryset.extra(
        tables=[fts],
        where=[
            f'"{fts}".rowid = "{table}"."{column or queryset.model._meta.pk.column}"',
            f'"{fts}" MATCH %s',
        ],
        params=[expression],
    )


def joined_matches(
    queryset: QuerySet,
    query: ParsedQuery,
    index: FullTextIndex,
    column: str,
    *,
    match_all: bool = True,
) -> QuerySet:
    """SQLite: the rows of ``queryset`` whose ``column`` holds the id of a row matching
    ``query``, joined to the full-text table so that its matches drive the query: a count
    that stops after its first thousand reads that many, where ``column IN (…)`` listed every
    match first (48,000 for a word of most practices: 9 ms instead of 2.5)."""
    expression = _fts5(query.groups, "AND" if match_all else "OR")
    return _joined_fts5(queryset, index, expression, column)


def _phrase_in_title(queryset: QuerySet, index: FullTextIndex, phrase: list[str]):
    if _is_postgres(queryset):
        return SearchSQL(
            "{rank_vector} @@ to_tsquery('simple'::regconfig, {1})",
            index,
            F(index.title),
            _Words(" <-> ".join(f"{stem_}:A" for stem_ in phrase)),
            output_field=BooleanField(),
        )
    return _InRow(index, "title", phrase=phrase)


def matching(
    queryset: QuerySet, query: ParsedQuery, index: FullTextIndex, *, match_all: bool = True
) -> QuerySet:
    """The rows of ``queryset`` that match every group of ``query``, or any with
    ``match_all=False``. Cheap to nest: facet counts run it as a subquery."""
    return queryset.filter(
        _condition(queryset, index, "all", query.groups, "&" if match_all else "|")
    )


def matched_ids(
    queryset: QuerySet, query: ParsedQuery, index: FullTextIndex, *, match_all: bool = True
):
    """The primary keys of the rows of ``queryset``'s model matching ``query``, as a subquery
    for ``…__in=``: on SQLite read from the FTS table alone, without touching the rows."""
    if _is_postgres(queryset):
        joiner = "&" if match_all else "|"
        return queryset.filter(_small_vector_first(index, query.groups, joiner)).values("pk")
    table = index.fts_table
    return RawSQL(
        f"SELECT rowid FROM {table} WHERE {table} MATCH %s",
        (_fts5(query.groups, "AND" if match_all else "OR"),),
    )


def _points(condition, points: int):
    return Case(When(condition, then=Value(points)), default=Value(0), output_field=IntegerField())


# A row with a group in its title scores at least TITLE_WEIGHT + HEAD_WEIGHT = 4; one without
# scores at most HEAD_WEIGHT a group. Up to this many groups, every row with a word in its
# title therefore comes before every row without: see ``title_first()``.
TITLE_FIRST_GROUPS = 3


def title_first(query: ParsedQuery, *, match_all: bool = True) -> bool:
    """Whether the rows matching every group with one of them in the title come before all
    the others, so that a page among the first of those can be ranked among them alone."""
    return match_all and 0 < len(query.groups) <= TITLE_FIRST_GROUPS


def in_title(queryset: QuerySet, query: ParsedQuery, index: FullTextIndex) -> QuerySet:
    """``matching()`` (every group) narrowed to the rows with at least one group in the
    title: on a frequent word, a few thousand rows instead of nearly all."""
    if _is_postgres(queryset):
        # Found on the small vector's index; the large vector, read from TOAST, only for the
        # rows whose title and head do not hold every group already.
        return queryset.filter(
            _condition(queryset, index, "title", query.groups, "|", found=True)
        ).filter(_small_vector_first(index, query.groups, "&"))
    return queryset.filter(_fts5_ids(index, _title_first_fts5(query, index)))


def all_in_title(queryset: QuerySet, query: ParsedQuery, index: FullTextIndex) -> QuerySet:
    """The rows with every group in the title, annotated with ``relevance`` as ``ranked()``
    orders them. With every group required, they come before all the others, whatever the
    number of groups: they score 4 a group (and 64 more for the phrase), any other row at
    most 4 a group in its title and 1 a group in its head only, so 3 less at least. Among
    them only the phrase makes a difference: a page among the first of them is ranked on
    few rows and no other test."""
    if _is_postgres(queryset):
        rows = queryset.filter(_condition(queryset, index, "title", query.groups, "&", found=True))
    else:
        rows = _joined_fts5(queryset, index, _fts5_expression(index, "title", query.groups, "&"))
    score = Value(0, output_field=IntegerField())
    if len(query.phrase) > 1:
        score += _points(_phrase_in_title(queryset, index, query.phrase), PHRASE_WEIGHT)
    return rows.annotate(relevance=score)


def _title_first_fts5(query: ParsedQuery, index: FullTextIndex) -> str:
    every = _fts5(query.groups, "AND")
    return f"({every}) AND ({_fts5_expression(index, 'title', query.groups, '|')})"


def ranked(
    queryset: QuerySet,
    query: ParsedQuery,
    index: FullTextIndex,
    *,
    match_all: bool = True,
    title_only: bool = False,
) -> QuerySet:
    """``matching()`` annotated with ``relevance`` (higher is better): order by ``-relevance``
    then the caller's tie-breaks (for practices: the shorter title, the newest).

    With ``title_only`` (when ``title_first()``), only the rows with a group in the title are
    ranked: the first pages of the full ranking, for a fraction of the work.

    Every candidate is scored before the sort, so on SQLite the candidates are read from the
    full-text table, each row then fetched by key: with ``id IN (…)`` SQLite went through the
    table in the order of an index of status and visibility, testing every published row
    against the list (tens of milliseconds when the matches are rare)."""
    if _is_postgres(queryset):
        rows = in_title(queryset, query, index) if title_only else None
    else:
        expression = (
            _title_first_fts5(query, index)
            if title_only
            else _fts5(query.groups, "AND" if match_all else "OR")
        )
        rows = _joined_fts5(queryset, index, expression)
    score = Value(0, output_field=IntegerField())
    if len(query.phrase) > 1:
        score += _points(_phrase_in_title(queryset, index, query.phrase), PHRASE_WEIGHT)
    for group in query.groups:
        score += _points(_score_condition(queryset, index, "title", [group]), TITLE_WEIGHT)
        score += _points(_score_condition(queryset, index, "head", [group]), HEAD_WEIGHT)
        if not match_all:
            score += _points(_condition(queryset, index, "all", [group]), MATCHED_WEIGHT)
    if rows is None:
        rows = matching(queryset, query, index, match_all=match_all)
    return rows.annotate(relevance=score)


def one_group(query: ParsedQuery, *, match_all: bool = True) -> bool:
    """Whether ``levels()`` ranks this query: one group (a word, its family, its synonyms)
    and no phrase to reward."""
    return match_all and len(query.groups) == 1 and len(query.phrase) <= 1


def levels(queryset: QuerySet, query: ParsedQuery, index: FullTextIndex) -> list[QuerySet]:
    """For a query of ``one_group()``, the rows of ``ranked()`` in three sets, best first:
    the group in the title (score 4), in the head only (1), in the body only (0). Each,
    ordered by the caller's tie-breaks, is read on an index in that order until the page is
    full: a frequent word costs its first rows, not all of them."""
    group = query.groups
    if _is_postgres(queryset):
        title = _condition(queryset, index, "title", group)
        head = _condition(queryset, index, "head", group)
        anywhere = _condition(queryset, index, "all", group)
        return [
            queryset.filter(_condition(queryset, index, "title", group, found=True, in_order=True)),
            queryset.filter(head).exclude(title),
            queryset.filter(anywhere).exclude(head),
        ]
    title = _fts5_expression(index, "title", group, "&")
    head = _fts5_expression(index, "head", group, "&")
    anywhere = _fts5_expression(index, "all", group, "&")
    return [
        queryset.filter(_fts5_ids(index, title)),
        queryset.filter(_fts5_ids(index, f"({head}) NOT ({title})")),
        queryset.filter(_fts5_ids(index, f"({anywhere}) NOT ({head})")),
    ]


class Levels:
    """Sets of ranked ids one after the other (``levels()``, each a queryset of ids in its
    order), sliced like one list: ``Levels(sets)[40:60]`` reads only what those places need.
    For a Paginator, whose count is given."""

    def __init__(self, sets: list[QuerySet]):
        self.sets = sets

    def __getitem__(self, window: slice) -> list:
        skip, wanted = window.start or 0, window.stop - (window.start or 0)
        found: list = []
        for ids in self.sets:
            if len(found) >= wanted:
                break
            rows = list(ids[skip : skip + wanted - len(found)])
            if rows:
                found += rows
                skip = 0
            elif skip:
                skip -= ids[:skip].count()  # this set ends before the window
        return found


class FullPageOf:
    """Rankings of the same rows tried in turn, sliced like a list: a window is taken from the
    first that fills it, else from the last, which ranks them all. Each is a function building
    a queryset of ids in its order, called only when reached. For
    rankings that are the first rows of the last one, right wherever they give a full page."""

    def __init__(self, rankings: list[Callable[[], QuerySet]]):
        self.rankings = rankings

    def __getitem__(self, window: slice) -> list:
        size = window.stop - (window.start or 0)
        for ranking in self.rankings[:-1]:
            rows = list(ranking()[window])
            if len(rows) == size:
                return rows
        return list(self.rankings[-1]()[window])
