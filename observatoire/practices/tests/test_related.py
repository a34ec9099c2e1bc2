"""« Pratiques proches », read from the newest practices each theme and category keeps on write
(related.py): the same practices, in the same order, as searching every practice finds, after
each write that may change them; never one the person may not see; and a practice page that
costs a fixed number of queries."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from observatoire.practices.models import Category, Practice, Theme
from observatoire.practices.related import COUNT
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db


def related_titles(practice: Practice, user) -> list[str]:
    practice = (
        Practice.objects.select_related("category").prefetch_related("themes").get(pk=practice.pk)
    )
    return [other.title for other in practice.related_for(user, count=COUNT)]


def searched_titles(practice: Practice, user) -> list[str]:
    practice = Practice.objects.prefetch_related("themes").get(pk=practice.pk)
    found = Practice.objects.discoverable_by(user).related_to(practice, count=COUNT)
    return [other.title for other in found]


def assert_same_as_searched(practices, member) -> None:
    for practice in practices:
        practice.refresh_from_db()
        for user in (AnonymousUser(), member):
            if practice.is_discoverable_by(user):
                assert related_titles(practice, user) == searched_titles(practice, user)


def test_a_newly_published_practice_comes_first_on_its_neighbours_pages(client, member, moderator):
    source = make_practice(title="Source", themes=["gouvernance"])
    others = [make_practice(title=f"Ancienne {n}", themes=["gouvernance"]) for n in range(5)]
    submission = make_practice(
        title="Toute neuve", themes=["gouvernance"], status=Practice.Status.SUBMITTED
    )
    assert "Toute neuve" not in related_titles(source, AnonymousUser())
    submission.take(by=moderator)
    submission.publish(by=moderator)
    assert related_titles(source, AnonymousUser())[0] == "Toute neuve"
    response = client.get(source.get_absolute_url())
    assert [other.title for other in response.context["related"]][0] == "Toute neuve"
    assert_same_as_searched([source, *others, submission], member)


def test_members_only_practices_are_shown_to_members_only(member):
    source = make_practice(title="Source", themes=["gouvernance"])
    make_practice(title="Publique", themes=["gouvernance"])
    make_practice(title="Réservée", themes=["gouvernance"], visibility=Practice.Visibility.MEMBERS)
    assert "Réservée" not in related_titles(source, AnonymousUser())
    assert "Réservée" in related_titles(source, member)


def test_a_practice_leaving_is_replaced_by_the_next_one(member, moderator):
    source = make_practice(title="Source", themes=["gouvernance"])
    neighbours = [make_practice(title=f"Voisine {n}", themes=["gouvernance"]) for n in range(6)]
    first = neighbours[0]
    assert related_titles(source, AnonymousUser())[0] == "Voisine 0"

    first.soft_delete(by=moderator)
    assert "Voisine 0" not in related_titles(source, AnonymousUser())
    assert_same_as_searched([source, *neighbours[1:]], member)

    first.undelete(by=moderator)
    assert related_titles(source, AnonymousUser())[0] == "Voisine 0"

    neighbours[1].visibility = Practice.Visibility.MEMBERS
    neighbours[1].save()
    assert "Voisine 1" not in related_titles(source, AnonymousUser())
    assert "Voisine 1" in related_titles(source, member)

    neighbours[2].themes.set([Theme.objects.get(slug="parite-egalite")])
    neighbours[2].reindex()
    neighbours[3].delete()
    assert_same_as_searched([source, *neighbours[:3], *neighbours[4:]], member)


def test_the_category_completes_what_the_themes_give(member):
    category = Category.objects.get(slug="un-vecu")
    source = make_practice(title="Source", themes=["gouvernance"], category=category)
    make_practice(title="Même thème", themes=["gouvernance"], category="organisation-collective")
    for number in range(10):
        make_practice(title=f"Même catégorie {number}", themes=[], category=category)
    shown = related_titles(source, AnonymousUser())
    assert shown == ["Même thème", "Même catégorie 0", "Même catégorie 1", "Même catégorie 2"]
    assert_same_as_searched(Practice.objects.published(), member)


def test_lists_not_known_yet_give_the_same_practices(member):
    source = make_practice(title="Source", themes=["gouvernance"])
    make_practice(title="Voisine", themes=["gouvernance"])
    Theme.objects.update(newest=None)  # as after a bulk load
    Category.objects.update(newest=None)
    assert related_titles(source, AnonymousUser()) == ["Voisine"]


def test_a_list_naming_a_practice_no_longer_shown_is_not_trusted(member):
    source = make_practice(title="Source", themes=["gouvernance"])
    hidden = make_practice(title="Cachée", themes=["gouvernance"])
    make_practice(title="Visible", themes=["gouvernance"])
    # Changed behind save(): the stored lists still name it.
    Practice.objects.filter(pk=hidden.pk).update(status=Practice.Status.DRAFT)
    assert related_titles(source, AnonymousUser()) == ["Visible"]


def queries_of(client, url: str) -> list[str]:
    client.get(url)  # sessions, reference data and the like read once
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


@pytest.fixture
def no_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def test_the_practice_page_costs_a_fixed_number_of_queries(no_cache, client, client_as, member):
    for number in range(6):
        make_practice(title=f"Voisine {number}", themes=["gouvernance"])
    practice = make_practice(title="Source", themes=["gouvernance", "parite-egalite"])
    # The practice with its stored body and its themes (and whether it has adoptions or
    # comments: it has none), then the related practices.
    assert len(queries_of(client, practice.get_absolute_url())) == 2
    # And the session, read with the person and their unread notifications (the bookmark and
    # the follow come with the practice).
    assert len(queries_of(client_as(member), practice.get_absolute_url())) == 2 + 1
    # A link and a tag written straight to the database drop the stored body: the page renders
    # it, a query each for its cooperatives, tags and links; a comment costs its query.
    practice.links.create(title="Lien", url="https://example.org/")
    practice.tags.create(name="essai", slug="essai")
    practice.comments.create(author=member, body="Une question ?")
    assert len(queries_of(client, practice.get_absolute_url())) == 6 + 1
    # Stored again (as the practice's next save or reindex does), the body costs none.
    practice.refresh_body()
    assert len(queries_of(client, practice.get_absolute_url())) == 3 + 1


def test_loading_the_taxonomy_again_keeps_the_lists(member):
    """``loaddata taxonomy`` on a database in service (as bench/run.sh and deployments do)
    writes the themes and categories without their lists: they are read again at once, so
    practice pages keep reading them instead of searching."""
    from django.core.management import call_command

    practices = [make_practice(title=f"Chargée {n}", themes=["gouvernance"]) for n in range(3)]
    before = {theme.pk: theme.newest for theme in Theme.objects.all()}
    call_command("loaddata", "taxonomy", verbosity=0)
    after = {theme.pk: theme.newest for theme in Theme.objects.all()}
    assert after == before
    assert all(category.newest is not None for category in Category.objects.all())
    governance = Theme.objects.get(slug="gouvernance")
    assert [pk for _key, pk in governance.newest["public"]][:3] == [p.pk for p in practices]
    assert_same_as_searched(practices, member)
