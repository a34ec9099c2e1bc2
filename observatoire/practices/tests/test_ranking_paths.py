"""The fast ways to read a page of search results give the whole ranking's pages.

A search with few results ranks them all at once, read from the full-text index first.
A one-group search is read level by level (title, head, body) on the relevance index; a search
of several groups ranks only its results with every word in the title when the page lies among
them, then (two or three groups) only those with a word in the title. Both must give, page after
page, exactly what ranking every result gives.
"""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.test import override_settings

from observatoire.practices import search
from observatoire.practices.models import Practice
from observatoire.practices.tests.factories import make_practice
from observatoire.search import fulltext

pytestmark = pytest.mark.django_db

WORDS = ["gouvernance", "partagée", "salariés"]
PER_PAGE = 3


@pytest.fixture
def practices(db):
    """Practices with the words in their title, summary or text, in many combinations, some
    with titles of the same length (ties broken by date, then by id)."""
    spots = ["title", "summary", "context", None]
    for number, places in enumerate(itertools.product(spots, repeat=len(WORDS))):
        fields = {
            "title": f"Pratique {number:02d}",
            "summary": "Un résumé.",
            "context": "Un texte.",
        }
        for word, place in zip(WORDS, places, strict=True):
            if place:
                fields[place] += f" {word}"
        make_practice(**fields, themes=["gouvernance"] if number % 2 else [])
    # Same title, same length: only the date and the id order them.
    for _copy in range(3):
        make_practice(title="Gouvernance partagée", summary="Un résumé.")


def whole_ranking(q: str, **filters) -> list[str]:
    query = search.parse(q)
    practices = Practice.objects.discoverable_by(AnonymousUser())
    if "theme" in filters:
        practices = practices.filter(themes__slug=filters["theme"])
    ranked = search.ranked(practices, query).order_by(*search.RELEVANCE_ORDER)
    return list(ranked.values_list("title", flat=True))


def pages(client, q: str, **filters) -> list[str]:
    titles, number = [], 1
    while True:
        params = {"q": q, **filters, **({"page": number} if number > 1 else {})}
        response = client.get("/pratiques/", params)
        assert response.status_code == 200, response
        listing = response.context["listing"]
        titles += [practice.title for practice in listing.page.object_list]
        if not listing.page.has_next():
            return titles
        number += 1


@override_settings(PRACTICES_PER_PAGE=PER_PAGE)
@pytest.mark.parametrize(
    ("q", "filters"),
    [
        ("gouvernance", {}),  # one group: levels
        ("salariés", {"theme": "gouvernance"}),
        ("gouvernance partagée", {}),  # two groups: the title first, then the whole ranking
        ("gouvernance partagée salariés", {}),
        ("partagée salariés", {"theme": "gouvernance"}),
        # Four groups: only those with every word in the title first, then the whole ranking.
        ("pratique gouvernance partagée salariés", {}),
    ],
)
@pytest.mark.parametrize("few", [0, 1000], ids=["walked", "all-ranked"])
def test_every_page_is_the_whole_rankings(client, practices, monkeypatch, q, filters, few):
    """Whether the list ranks every result at once (few results: read from the full-text
    index) or walks the fast ways (many results), each page is the whole ranking's."""
    from observatoire.practices import listing

    monkeypatch.setattr(listing, "FEW_MATCHES", few)
    expected = whole_ranking(q, **filters)
    assert len(expected) > 2 * PER_PAGE  # several pages, across levels
    assert pages(client, q, **filters) == expected


@pytest.mark.parametrize(
    ("q", "phrase_in"),
    [
        ("gouvernance", None),
        ("gouvernance partagée", "gouvernance partagée"),
        ("partagée gouvernance", None),  # the words, never in that order
        ("scop salariés", "scop de salariés"),  # « de » is not indexed: still a phrase
        ("résumé", None),
    ],
)
def test_scores_read_in_the_row_agree_with_the_full_text_index(practices, q, phrase_in):
    """Ranking tests the title and head of each candidate row (on SQLite in the row's stem
    columns, no longer in the FTS table), and finds rows with words in their title (on
    PostgreSQL by the title's own vector too): the same rows as the index's own queries."""
    make_practice(title="Une SCOP de salariés", summary="Gouvernance partagée en SCOP.")
    query = search.parse(q)
    index, rows = search.PRACTICE_INDEX, Practice.objects.all()

    def holding(condition) -> set[str]:
        if isinstance(condition, Q):
            return set(rows.filter(condition).values_list("title", flat=True))
        found = rows.annotate(holds=condition).filter(holds=True)
        return set(found.values_list("title", flat=True))

    for group in query.groups:
        for where in ("title", "head"):
            expected = holding(fulltext._condition(rows, index, where, [group]))
            assert expected or where == "title"  # every word is in a head (« résumé » only)
            assert holding(fulltext._score_condition(rows, index, where, [group])) == expected
            # The rows to find (on PostgreSQL the title's own vector too, migration 0019).
            found = fulltext._condition(rows, index, where, [group], found=True)
            assert holding(found) == expected
    if len(query.phrase) > 1:  # a phrase of one word earns nothing (``ranked()``)
        titles = set(rows.values_list("title", flat=True))
        with_phrase = {title for title in titles if phrase_in and phrase_in in title.lower()}
        assert holding(fulltext._phrase_in_title(rows, index, query.phrase)) == with_phrase
