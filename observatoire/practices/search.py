"""French search over practices, the same on SQLite (FTS5) and PostgreSQL (tsvector).

A query becomes groups of alternatives of stems: every group must match (AND), and within a group
any alternative (OR), an alternative being stems that must all be present. Abbreviations of the
movement (editable synonyms) add alternatives both ways: « AG » also finds « assemblée générale »
and the reverse. A word no practice contains is replaced by the closest known word, and the
corrected query is offered (« Vouliez-vous dire … ? »).

Both databases only match the stems computed by observatoire.lib.text, so they match the same
practices; title matches come first, then the database's own relevance score.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connections
from django.db.models import BooleanField, Case, F, FloatField, Func, IntegerField, Value, When

from observatoire.lib.cache import forget_listings
from observatoire.lib.text import STOP_WORDS, edit_distance, fold, stem, words
from observatoire.practices.fts import FTS_TABLE

MAX_QUERY_WORDS = 12
MIN_WORD_LENGTH = 3
SYNONYMS_CACHE_KEY = "search:synonyms:v1"


Alternative = tuple[str, ...]


@dataclass
class ParsedQuery:
    text: str
    groups: list[list[Alternative]] = field(default_factory=list)
    suggestion: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def wanted_stems(self) -> set[str]:
        return {stem_ for group in self.groups for alternative in group for stem_ in alternative}


def synonyms() -> list[tuple[str, tuple[str, ...]]]:
    """(folded abbreviation, stems of its expansion), cached until a synonym is edited."""
    cached = cache.get(SYNONYMS_CACHE_KEY)
    if cached is None:
        from observatoire.practices.models import Synonym

        cached = [
            (fold(term), tuple(stem(word) for word in words(expansion) if word not in STOP_WORDS))
            for term, expansion in Synonym.objects.values_list("term", "expansion")
        ]
        cache.set(SYNONYMS_CACHE_KEY, cached, 3600)
    return cached


def forget_synonyms() -> None:
    cache.delete(SYNONYMS_CACHE_KEY)
    forget_listings()


def remember_words(text: str) -> None:
    """Add a text's words to the vocabulary used for suggestions."""
    from observatoire.practices.models import Word

    seen = {
        word
        for word in words(text)
        if len(word) >= MIN_WORD_LENGTH and not word.isdigit() and len(word) <= 60
    }
    Word.objects.bulk_create(
        [Word(word=word, stem=stem(word), length=len(word)) for word in sorted(seen)],
        ignore_conflicts=True,
        batch_size=500,
    )


def closest_word(word: str) -> str | None:
    """The known word nearest to an unknown one (1 edit for short words, 2 for longer ones)."""
    from observatoire.practices.models import Word

    limit = 1 if len(word) <= 5 else 2
    candidates = Word.objects.filter(
        length__gte=len(word) - limit,
        length__lte=len(word) + limit,
        word__startswith=word[0],
    ).values_list("word", flat=True)
    best: tuple[int, int, str] | None = None
    for candidate in candidates:
        distance = edit_distance(word, candidate, limit)
        if distance <= limit:
            key = (distance, abs(len(candidate) - len(word)), candidate)
            if best is None or key < best:
                best = key
    return best[2] if best else None


def parse(text: str, max_length: int = 200) -> ParsedQuery:
    from observatoire.practices.models import Word

    text = " ".join(text.split())[:max_length]
    query = ParsedQuery(text=text)
    tokens = [w for w in words(text) if w not in STOP_WORDS][:MAX_QUERY_WORDS]
    if not tokens:
        return query
    known_stems = set(
        Word.objects.filter(stem__in={stem(t) for t in tokens})
        .values_list("stem", flat=True)
        .distinct()
    )
    abbreviations = dict(synonyms())
    corrected: list[str] = []
    stems_: list[str] = []
    for token in tokens:
        if token in abbreviations or stem(token) in known_stems or token.isdigit():
            corrected.append(token)
        else:
            replacement = closest_word(token) if len(token) >= 4 else None
            corrected.append(replacement or token)
        stems_.append(stem(corrected[-1]))
    if corrected != tokens:
        query.suggestion = " ".join(corrected)
    query.groups = _group(corrected, stems_, abbreviations)
    return query


def _group(
    tokens: list[str], stems_: list[str], abbreviations: dict[str, tuple[str, ...]]
) -> list[list[Alternative]]:
    """Turn stems into AND-groups, adding the synonyms' alternatives both ways."""
    expansions = {expansion: term for term, expansion in abbreviations.items() if expansion}
    groups: list[list[Alternative]] = []
    position = 0
    while position < len(stems_):
        matched = False
        for expansion, term in expansions.items():
            size = len(expansion)
            if size > 1 and tuple(stems_[position : position + size]) == expansion:
                groups.append([expansion, (stem(term),)])
                position += size
                matched = True
                break
        if matched:
            continue
        token = tokens[position]
        alternatives: list[Alternative] = [(stems_[position],)]
        if token in abbreviations and abbreviations[token]:
            alternatives.append(abbreviations[token])
        elif (stems_[position],) in expansions:
            alternatives.append((stem(expansions[(stems_[position],)]),))
        groups.append(alternatives)
        position += 1
    return groups


def _fts5_expression(groups: list[list[Alternative]], joiner: str) -> str:
    def alternative(alt: Alternative) -> str:
        return "(" + " AND ".join(f'"{s}"' for s in alt) + ")"

    return f" {joiner} ".join(
        "(" + " OR ".join(alternative(alt) for alt in group) + ")" for group in groups
    )


def _tsquery(groups: list[list[Alternative]], joiner: str) -> str:
    def alternative(alt: Alternative) -> str:
        return "(" + " & ".join(alt) + ")"

    return f" {joiner} ".join(
        "(" + " | ".join(alternative(alt) for alt in group) + ")" for group in groups
    )


class SearchSQL(Func):
    """A piece of SQL whose {0}, {1}… are compiled expressions, so that table aliases stay
    right when the queryset is nested (facet counts run it as a subquery).

    ``{vector}`` stands for the PostgreSQL search_vector column of the same table, which the
    ORM does not know (migration practices 0003 adds it): it is found next to search_title.
    """

    def __init__(self, template: str, *expressions, output_field):
        self.sql_template = template
        super().__init__(*expressions, output_field=output_field)

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, expression_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(expression_params)
        vector = parts[0].replace('"search_title"', '"search_vector"')
        return self.sql_template.format(*parts, vector=vector), params


PG_TITLE_VECTOR = "to_tsvector('simple'::regconfig, {0})"
FTS_IDS = f"{{0}} IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH {{1}})"


def _tsqueries(query: ParsedQuery, match_all: bool) -> tuple[Value, Value]:
    return (
        Value(_tsquery(query.groups, "&" if match_all else "|")),
        Value(_tsquery(query.groups, "&")),
    )


def _fts5_expressions(query: ParsedQuery, match_all: bool) -> tuple[str, str]:
    return (
        _fts5_expression(query.groups, "AND" if match_all else "OR"),
        "search_title : (" + _fts5_expression(query.groups, "AND") + ")",
    )


def matching(queryset, query: ParsedQuery, *, match_all: bool = True):
    """The practices of ``queryset`` that match ``query``: every group, or any with
    ``match_all=False``. Cheap to nest: facet counts run it as a subquery."""
    if connections[queryset.db].vendor == "postgresql":
        tsquery, _title = _tsqueries(query, match_all)
        return queryset.filter(
            SearchSQL(
                "{vector} @@ to_tsquery('simple'::regconfig, {1})",
                F("search_title"),
                tsquery,
                output_field=BooleanField(),
            )
        )
    fts_expression, _title_expression = _fts5_expressions(query, match_all)
    return queryset.filter(
        SearchSQL(FTS_IDS, F("pk"), Value(fts_expression), output_field=BooleanField())
    )


def ranked(queryset, query: ParsedQuery, *, match_all: bool = True):
    """``matching()`` annotated for ordering by relevance: ``title_hit`` (1 when the title alone
    matches every word) and ``relevance`` (the database's score, higher is better).

    Only for the page's own query, never nested: on SQLite the score comes from joining the
    FTS5 table, since a per-row subquery would run the full-text query once per practice.
    """
    title = F("search_title")
    if connections[queryset.db].vendor == "postgresql":
        tsquery, title_query = _tsqueries(query, match_all)
        title_matches = SearchSQL(
            f"{PG_TITLE_VECTOR} @@ to_tsquery('simple'::regconfig, {{1}})",
            title,
            title_query,
            output_field=BooleanField(),
        )
        relevance = SearchSQL(
            "ts_rank({vector}, to_tsquery('simple'::regconfig, {1}))",
            title,
            tsquery,
            output_field=FloatField(),
        )
        return matching(queryset, query, match_all=match_all).annotate(
            title_hit=Case(
                When(title_matches, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
            relevance=relevance,
        )
    expression, title_expression = _fts5_expressions(query, match_all)
    title_matches = SearchSQL(
        FTS_IDS, F("pk"), Value(title_expression), output_field=BooleanField()
    )
    return queryset.annotate(
        title_hit=Case(
            When(title_matches, then=Value(1)), default=Value(0), output_field=IntegerField()
        ),
    ).extra(
        tables=[FTS_TABLE],
        where=[f"{FTS_TABLE}.rowid = practices_practice.id", f"{FTS_TABLE} MATCH %s"],
        params=[expression],
        # bm25() is lower for better matches: negated so that higher is better everywhere.
        select={"relevance": f"-bm25({FTS_TABLE}, 10.0, 1.0)"},
    )
