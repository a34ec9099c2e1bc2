"""Facet counts kept on write: always what counting the published practices again gives."""

import pytest
from django.db.models import Count

from observatoire.practices import facet_rows
from observatoire.practices.models import Practice, PracticeFacet
from observatoire.practices.tests.factories import make_practice
from observatoire.search import facets
from observatoire.search.models import FacetCount

pytestmark = pytest.mark.django_db


def stored() -> dict:
    return {
        (row.scope, row.among, row.token): row.count
        for row in FacetCount.objects.filter(list_name="practices").exclude(count=0)
    }


def recounted() -> dict:
    facet_rows.rebuild_all(Practice)
    return stored()


def test_counts_follow_publication_visibility_and_deletion():
    one = make_practice(title="Une", themes=["gouvernance"])
    make_practice(title="Deux", themes=["gouvernance", "parite-egalite"])
    hidden = make_practice(title="Trois", visibility=Practice.Visibility.MEMBERS)
    draft = make_practice(title="Quatre", status=Practice.Status.DRAFT)
    public = facets.stored_counts("practices", scope="public")
    members = facets.stored_counts("practices", scope="members")
    assert public[facets.TOTAL] == 2 and members[facets.TOTAL] == 3
    assert public["theme:gouvernance"] == 2
    among = facets.stored_counts("practices", scope="public", among="theme:parite-egalite")
    tokens = Practice.objects.get(title="Deux").facet_rows.values_list("token", flat=True)
    assert "theme:gouvernance" in tokens and "theme:parite-egalite" in tokens
    assert among == {facets.TOTAL: 1, **dict.fromkeys(tokens, 1)}
    before = stored()
    assert before == recounted()

    hidden.visibility = Practice.Visibility.PUBLIC
    hidden.save()
    draft.status = Practice.Status.PUBLISHED
    draft.published_at = one.published_at
    draft.save()
    one.delete()
    two = Practice.objects.get(title="Deux")
    two.themes.set([])
    two.reindex()
    after = stored()
    assert after == recounted()
    assert facets.stored_counts("practices", scope="public")[facets.TOTAL] == 3
    assert "theme:gouvernance" not in facets.stored_counts("practices", scope="public")


def test_soft_deletion_leaves_the_counts():
    practice = make_practice(title="Supprimée bientôt")
    assert facets.stored_counts("practices", scope="public")[facets.TOTAL] == 1
    practice.deleted_at = practice.published_at
    practice.save()
    assert facets.TOTAL not in facets.stored_counts("practices", scope="public")
    assert not practice.facet_rows.exists()


def test_lists_show_the_counts_of_their_results(client):
    make_practice(title="Gouvernance une", themes=["gouvernance"])
    make_practice(title="Gouvernance deux", themes=["gouvernance", "parite-egalite"])
    make_practice(title="Parité", themes=["parite-egalite"])

    def counts(**params) -> dict:
        listing = client.get("/pratiques/", params).context["listing"]
        theme = next(facet for facet in listing.facets if facet.param == "theme")
        return {choice.value: choice.count for choice in theme.choices}

    assert counts() == {"gouvernance": 2, "parite-egalite": 2}  # stored counts
    assert counts(theme="gouvernance") == {"gouvernance": 2, "parite-egalite": 1}
    assert counts(q="gouvernance") == {"gouvernance": 2, "parite-egalite": 1}  # grouped
    assert counts(theme=["gouvernance", "parite-egalite"]) == {
        "gouvernance": 2,
        "parite-egalite": 2,
    }


def test_a_broad_list_stops_counting(client, monkeypatch):
    from observatoire.practices import listing

    monkeypatch.setattr(listing, "COUNT_LIMIT", 2)
    for number in range(3):
        make_practice(title=f"Gouvernance {number}", themes=["gouvernance"])
    response = client.get("/pratiques/", {"q": "gouvernance"})
    page = response.context["listing"]
    assert page.count_capped
    assert "Plus de 2 pratiques" in response.content.decode()
    theme = next(facet for facet in page.facets if facet.param == "theme")
    assert [(choice.value, choice.count) for choice in theme.choices] == [("gouvernance", None)]


def test_a_large_list_with_several_filters_counts_its_results_but_not_its_facets(
    client, monkeypatch
):
    """Past the limit, a list filtered on several values (no query) still gives its exact
    number of results and pages, but its facets show their values without numbers, and the
    page says why; within it, every number is shown."""
    from django.core.cache import cache

    from observatoire.practices import listing

    monkeypatch.setattr(listing, "_carrying_counts", listing.carrying_counts_up_to(2))
    for number in range(3):
        make_practice(title=f"Parité {number}", themes=["gouvernance", "parite-egalite"])
    make_practice(title="Gouvernance seule", themes=["gouvernance"])
    both = {"theme": "parite-egalite", "categorie": "organisation-collective"}

    response = client.get("/pratiques/", both)
    page = response.context["listing"]
    assert page.page.paginator.count == 3 and not page.count_capped
    assert not page.facets_counted
    assert "3 pratiques" in response.content.decode()
    assert "Trop de résultats pour les compter" in response.content.decode()
    theme = next(facet for facet in page.facets if facet.param == "theme")
    assert {choice.value: choice.count for choice in theme.choices} == {
        "gouvernance": None,
        "parite-egalite": None,
    }

    monkeypatch.setattr(listing, "_carrying_counts", listing.carrying_counts_up_to(3))
    cache.clear()  # the counts of the first answer are kept until a list changes
    response = client.get("/pratiques/", {**both, "tri": "anciennes"})
    page = response.context["listing"]
    assert page.page.paginator.count == 3 and page.facets_counted
    assert "Trop de résultats" not in response.content.decode()
    theme = next(facet for facet in page.facets if facet.param == "theme")
    assert {choice.value: choice.count for choice in theme.choices} == {
        "gouvernance": 3,
        "parite-egalite": 3,
    }


@pytest.mark.parametrize(
    ("query", "param", "value", "expected"),
    [
        ("", "theme", "a", "?theme=a"),
        ("theme=a", "theme", "a", "?"),
        ("q=%C3%A9t%C3%A9&theme=a&page=3", "theme", "b", "?q=%C3%A9t%C3%A9&theme=a&theme=b"),
        ("theme=a&theme=b&forme=scop", "theme", "a", "?theme=b&forme=scop"),
        ("forme=scop&page=2", "region", "53", "?forme=scop&region=53"),
    ],
)
def test_facet_links_toggle_one_value_and_go_back_to_the_first_page(query, param, value, expected):
    from django.http import QueryDict

    from observatoire.practices.listing import toggled

    assert toggled(QueryDict(query), param, value) == expected


def seen_by(practices, member: bool, **filters):
    """The practices a visitor (or a member) finds with these filters (themes, cooperative
    forms), counted from the practices themselves."""
    if not member:
        practices = practices.filter(visibility=Practice.Visibility.PUBLIC)
    if "theme" in filters:
        practices = practices.filter(themes__slug__in=filters["theme"])
    if "forme" in filters:
        practices = practices.filter(cooperatives__family__in=filters["forme"])
    return practices.distinct()


def test_filtered_lists_read_from_the_facet_rows_are_what_the_practices_say(client):
    """Lists with filters and no query read their page from the facet rows (dates copied from
    the practices): the same practices, in the same order, as filtering the practices would
    give, for a visitor and for a member, whatever the filters' order of size."""
    from datetime import timedelta

    from django.utils import timezone

    from observatoire.accounts.tests.factories import make_user
    from observatoire.network.tests.factories import make_cooperative

    scic = make_cooperative(family="scic")
    scop = make_cooperative(family="scop")
    now = timezone.now()
    themes = ["gouvernance", "parite-egalite"]
    for number in range(14):
        make_practice(
            title=f"Pratique filtrée {number}",
            themes=[themes[number % 2]] if number % 3 else themes,
            cooperatives=[scic if number % 4 == 0 else scop],
            visibility=Practice.Visibility.MEMBERS if number == 5 else Practice.Visibility.PUBLIC,
            published_at=now - timedelta(days=(number * 7) % 5),  # some on the same day
        )
    make_practice(title="Brouillon filtré", themes=themes, status=Practice.Status.DRAFT)
    moved = Practice.objects.get(title="Pratique filtrée 3")
    moved.published_at = now + timedelta(days=1)  # dated again: its rows follow
    moved.save()
    assert set(moved.facet_rows.values_list("published_at", flat=True)) == {moved.published_at}

    def expected(member: bool, sort: str, **filters) -> list[str]:
        practices = seen_by(Practice.objects.published(), member, **filters)
        order = ["-published_at", "-pk"] if sort == "recentes" else ["published_at", "pk"]
        return list(practices.order_by(*order).values_list("title", flat=True))

    seen = {}

    def shown(sort: str, **filters) -> list[str]:
        listing = client.get("/pratiques/", {**filters, "tri": sort}).context["listing"]
        seen["listing"] = listing
        assert listing.page.paginator.count == len(listing.page.object_list)
        return [practice.title for practice in listing.page.object_list]

    cases = [
        {"theme": ["gouvernance"]},
        {"theme": ["gouvernance"], "forme": ["scop"]},
        {"theme": ["parite-egalite"], "forme": ["scic"]},
        {"theme": ["gouvernance", "parite-egalite"], "forme": ["scic"]},
        # No filter with one value: some practices carry two of the values, and come once.
        {"theme": ["gouvernance", "parite-egalite"]},
        {"theme": ["gouvernance", "parite-egalite"], "forme": ["scic", "scop"]},
    ]
    for member in (False, True):
        if member:
            client.force_login(make_user())
        for filters in cases:
            for sort in ("recentes", "anciennes"):
                wanted = expected(member, sort, **filters)
                assert wanted, filters
                assert shown(sort, **filters) == wanted, (member, filters, sort)
            # Each theme's count: how many of the results carry it, counted in the rows.
            counted = {
                choice.value: choice.count
                for facet in seen["listing"].facets
                if facet.param == "theme"
                for choice in facet.choices
                if choice.count
            }
            results = Practice.objects.filter(title__in=expected(member, "recentes", **filters))
            assert counted == {
                theme: n for theme in themes if (n := results.filter(themes__slug=theme).count())
            }, (member, filters)


def test_each_row_carries_all_its_practices_tokens_through_changes():
    practice = make_practice(title="Porteuse", themes=["gouvernance"])

    def carried() -> list[list[str]]:
        return list(practice.facet_rows.order_by("token").values_list("tokens", flat=True))

    tokens = sorted(practice.facet_rows.values_list("token", flat=True))
    assert "theme:gouvernance" in tokens and carried() == [tokens] * len(tokens)
    practice.themes.add(*make_practice(themes=["parite-egalite"]).themes.all())
    practice.reindex()
    tokens = sorted(practice.facet_rows.values_list("token", flat=True))
    assert "theme:parite-egalite" in tokens and carried() == [tokens] * len(tokens)
    facet_rows.rebuild_all(Practice)
    assert carried() == [tokens] * len(tokens)


def test_counts_up_to_a_limit_group_only_when_the_results_are_within_it():
    for title in ("Un", "Deux", "Trois"):
        make_practice(title=title, themes=["gouvernance"])
    make_practice(title="Quatre", themes=["parite-egalite"])
    rows = PracticeFacet.objects.filter(token="theme:gouvernance")
    found, counts = facets.counts_up_to(rows.values("tokens")[:6], 5)
    counted = PracticeFacet.objects.filter(practice_id__in=rows.values("practice_id"))
    expected = dict(counted.values_list("token").annotate(n=Count("*")).values_list("token", "n"))
    assert found == 3 and counts == expected and counts["theme:gouvernance"] == 3
    assert "theme:parite-egalite" not in counts  # only the tokens the items found carry
    found, counts = facets.counts_up_to(rows.values("tokens")[:3], 2)
    assert found == 3 and counts == {}  # past the limit: nothing grouped
    none = PracticeFacet.objects.filter(token="theme:absent").values("tokens")
    assert facets.counts_up_to(none[:6], 5) == (0, {})


@pytest.mark.parametrize("broad_share", [0.0, 1.1], ids=["matches-drive", "filter-drives"])
def test_a_filtered_search_counts_the_same_whichever_side_drives(client, monkeypatch, broad_share):
    """A search with filters counts its results and their facets from the full-text matches
    (filters carried by most practices) or from the narrowest filter's rows (the others): the
    same numbers either way, those of the practices themselves, for visitors and members."""
    from observatoire.accounts.tests.factories import make_user
    from observatoire.network.tests.factories import make_cooperative
    from observatoire.practices import listing

    monkeypatch.setattr(listing, "BROAD_SHARE", broad_share)
    scic, scop = make_cooperative(family="scic"), make_cooperative(family="scop")
    themes = ["gouvernance", "parite-egalite"]
    for number in range(12):
        make_practice(
            title=f"Pratique {number}",
            summary="Un temps de partage." if number % 3 else "Une autre chose.",
            themes=[themes[number % 2]] if number % 4 else themes,
            cooperatives=[scic if number % 5 == 0 else scop],
            visibility=Practice.Visibility.MEMBERS if number == 7 else Practice.Visibility.PUBLIC,
        )
    make_practice(title="Brouillon", summary="Un temps de partage.", status=Practice.Status.DRAFT)

    def expected(member: bool, **filters) -> tuple[int, dict[str, int]]:
        published = Practice.objects.published().filter(summary__contains="partage")
        practices = seen_by(published, member, **filters)
        by_theme = {t: n for t in themes if (n := practices.filter(themes__slug=t).count())}
        return practices.count(), by_theme

    def shown(**filters) -> tuple[int, dict[str, int]]:
        found = client.get("/pratiques/", {"q": "partage", **filters}).context["listing"]
        theme = next(facet for facet in found.facets if facet.param == "theme")
        counts = {choice.value: choice.count for choice in theme.choices if choice.count}
        return found.page.paginator.count, counts

    cases = [
        {},
        {"forme": ["scop"]},
        {"forme": ["scic"]},
        {"theme": ["gouvernance"], "forme": ["scop"]},
        {"theme": ["gouvernance", "parite-egalite"], "forme": ["scic", "scop"]},
    ]
    for member in (False, True):
        if member:
            client.force_login(make_user())
        for filters in cases:
            assert shown(**filters) == expected(member, **filters), (member, filters)
