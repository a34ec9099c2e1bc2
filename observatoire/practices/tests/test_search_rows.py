"""PostgreSQL's narrow search rows (models.PracticeSearchRow): what a search counts from.

Triggers keep one row for each published practice, with its visibility, its facet tokens and
its whole-text vector; a search's count and facet counts read them instead of the practice
rows. They must always say what the practices say, through every change, and the counts must
be those of the results shown.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction

from observatoire.practices import facet_rows, search
from observatoire.practices.models import Practice, PracticeFacet, PracticeSearchRow
from observatoire.practices.tests.factories import make_practice
from observatoire.search import facets

pytestmark = pytest.mark.django_db


def rows() -> dict[int, tuple]:
    return {
        row.practice_id: (
            row.public,
            row.tokens,
            row.search_title,
            row.title_length,
            row.published_at,
        )
        for row in PracticeSearchRow.objects.all()
    }


def expected_rows() -> dict[int, tuple]:
    """One row for each published practice: its year facet row's visibility and tokens, its
    title's stems and their length, its publication date; and its vectors (checked in SQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM practices_practicesearchrow AS row"
            " JOIN practices_practice AS practice ON practice.id = row.practice_id"
            " WHERE row.rank_vector IS DISTINCT FROM practice.search_rank_vector"
            " OR row.vector IS DISTINCT FROM practice.search_vector"
        )
        assert cursor.fetchone()[0] == 0
    years = PracticeFacet.objects.filter(token__startswith="annee:").select_related("practice")
    return {
        row.practice_id: (
            row.public,
            row.tokens,
            row.practice.search_title,
            row.practice.title_length,
            row.practice.published_at,
        )
        for row in years
    }


def found(q: str, scope_public: bool = True) -> set[str]:
    """The titles of the practices whose search rows match ``q``."""
    matches = search.search_rows(PracticeSearchRow.objects.all(), search.parse(q))
    if scope_public:
        matches = matches.filter(public=True)
    ids = matches.values_list("practice_id", flat=True)
    return set(Practice.objects.filter(pk__in=list(ids)).values_list("title", flat=True))


def by_practices(q: str, scope_public: bool = True) -> set[str]:
    user = AnonymousUser() if scope_public else None
    practices = Practice.objects.discoverable_by(user) if user else Practice.objects.published()
    return set(search.matching(practices, search.parse(q)).values_list("title", flat=True))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_search_rows_follow_every_change_of_the_practices():
    one = make_practice(title="Gouvernance partagée", themes=["gouvernance"])
    hidden = make_practice(title="Gouvernance des membres", visibility=Practice.Visibility.MEMBERS)
    draft = make_practice(title="Gouvernance en brouillon", status=Practice.Status.DRAFT)
    assert set(rows()) == {one.pk, hidden.pk} and rows() == expected_rows()
    assert found("gouvernance") == {"Gouvernance partagée"} == by_practices("gouvernance")
    assert found("gouvernance", scope_public=False) == by_practices("gouvernance", False)

    # A new word in the text: the vector follows, without any facet change.
    one.context = "Un conseil coopératif tournant."
    one.save()
    one.reindex()  # as every edit does (forms, moderation, import)
    assert found("tournant") == {"Gouvernance partagée"} == by_practices("tournant")
    # A new title: what ranking reads (title stems, length, small vector) follows.
    one.title = "Une gouvernance partagée et tournante"
    one.save()
    one.reindex()
    assert (
        rows()[one.pk][2:4] == (one.search_title, one.title_length) and "tourn" in rows()[one.pk][2]
    )
    assert rows() == expected_rows()
    # Visibility, themes, publication, deletion.
    hidden.visibility = Practice.Visibility.PUBLIC
    hidden.save()
    assert rows()[hidden.pk][0] is True
    one.themes.add(*make_practice(themes=["parite-egalite"]).themes.all())
    one.reindex()
    assert "theme:parite-egalite" in rows()[one.pk][1]
    draft.status = Practice.Status.PUBLISHED
    draft.published_at = one.published_at
    draft.save()
    assert draft.pk in rows()
    one.deleted_at = one.published_at
    one.save()
    assert one.pk not in rows()
    assert rows() == expected_rows()
    assert found("gouvernance") == by_practices("gouvernance")
    # A rebuild of every facet row (after a bulk load) writes them all again.
    facet_rows.rebuild_all(Practice)
    assert rows() == expected_rows()
    hidden.delete()
    assert hidden.pk not in rows()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_sqlite_keeps_no_search_rows():
    """SQLite counts from its FTS5 table: the table exists for the ORM and stays empty."""
    make_practice(title="Gouvernance partagée")
    assert not PracticeSearchRow.objects.exists()


def test_a_search_counts_its_results_and_their_facets(client):
    """On both databases: the count and each theme's count are those of the results (once a
    theme is ticked, those of the search without the themes' filter), for a visitor and for a
    member, with or without filters."""
    from observatoire.accounts.tests.factories import make_user

    make_practice(title="Gouvernance une", themes=["gouvernance"])
    make_practice(title="Gouvernance deux", themes=["gouvernance", "parite-egalite"])
    make_practice(
        title="Gouvernance cachée",
        themes=["parite-egalite"],
        visibility=Practice.Visibility.MEMBERS,
    )
    make_practice(title="Parité", themes=["parite-egalite"])
    make_practice(title="Gouvernance brouillon", status=Practice.Status.DRAFT)

    def shown(**params) -> tuple[int, dict]:
        listing = client.get("/pratiques/", params).context["listing"]
        theme = next(facet for facet in listing.facets if facet.param == "theme")
        return listing.page.paginator.count, {
            choice.value: choice.count for choice in theme.choices if choice.count
        }

    assert shown(q="gouvernance") == (2, {"gouvernance": 2, "parite-egalite": 1})
    # A ticked theme: the themes count what each gives, the search not filtered on themes.
    assert shown(q="gouvernance", theme="parite-egalite") == (
        1,
        {"gouvernance": 2, "parite-egalite": 1},
    )
    client.force_login(make_user())
    assert shown(q="gouvernance") == (3, {"gouvernance": 2, "parite-egalite": 2})
    assert shown(q="gouvernance", theme=["gouvernance", "parite-egalite"]) == (
        3,
        {"gouvernance": 2, "parite-egalite": 2},
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_counting_through_indexes_leaves_the_connection_as_it_was():
    """The count forbids a sequential scan for its own query only: after it, inside a
    transaction or not, the connection plans as before."""
    make_practice(title="Gouvernance une", themes=["gouvernance"])
    first = PracticeSearchRow.objects.values("tokens")[:3]

    def setting() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            return cursor.fetchone()[0]

    assert facets.counts_up_to(first, 2, through_indexes=True)[0] == 1
    assert setting() == "on"
    with transaction.atomic():
        assert facets.counts_up_to(first, 2, through_indexes=True)[0] == 1
        assert setting() == "on"
