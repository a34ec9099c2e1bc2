"""Facet counts kept on write: always what counting the published practices again gives."""

import pytest
from django.db.models import Count

from observatoire.network.tests.factories import make_cooperative
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
    # A ticked theme: the themes count the practices each gives, the list not filtered on
    # themes (values of one facet widen the list): « Parité » would give two.
    assert counts(theme="gouvernance") == {"gouvernance": 2, "parite-egalite": 2}
    assert counts(q="gouvernance") == {"gouvernance": 2, "parite-egalite": 1}  # grouped
    assert counts(theme=["gouvernance", "parite-egalite"]) == {
        "gouvernance": 2,
        "parite-egalite": 2,
    }


def six_cooperative_practices(summary: str = "Une pratique écrite pour les tests.") -> None:
    """Practices of Scop, Scic and CAE cooperatives in three régions, one of them carried by a
    Scop and a Scic, one for members only: values of one facet that overlap and others that
    do not."""
    from observatoire.network.models import Departement

    def cooperative(family: str, departement: str):
        return make_cooperative(
            family=family, departement=Departement.objects.get(code=departement)
        )

    rhone_scop, breton_scop = cooperative("scop", "69"), cooperative("scop", "35")
    rhone_scic, breton_scic = cooperative("scic", "69"), cooperative("scic", "35")
    for title, cooperatives, theme in [
        ("Scop du Rhône", [rhone_scop], "gouvernance"),
        ("Scop bretonne", [breton_scop], "gouvernance"),
        ("Scop paritaire", [rhone_scop], "parite-egalite"),
        ("Scic bretonne", [breton_scic], "gouvernance"),
        ("Scic paritaire", [rhone_scic], "parite-egalite"),
        ("Scop et Scic", [rhone_scop, breton_scic], "gouvernance"),
        ("CAE parisienne", [cooperative("cae", "75")], "transition-ecologique"),
    ]:
        make_practice(title=title, summary=summary, cooperatives=cooperatives, themes=[theme])
    make_practice(
        title="Scic réservée",
        summary=summary,
        cooperatives=[breton_scic],
        themes=["gouvernance"],
        visibility=Practice.Visibility.MEMBERS,
    )


def shown_facets(listing) -> dict[str, dict[str, int | None]]:
    return {
        facet.param: {choice.value: choice.count for choice in facet.choices}
        for facet in listing.facets
    }


def ticked(listing) -> dict[str, list[str]]:
    return {
        facet.param: [choice.value for choice in facet.choices if choice.selected]
        for facet in listing.facets
        if facet.has_selection
    }


def assert_each_count_is_what_its_link_gives(client, path: str, address: str) -> None:
    """Every value's count is the number of results its link leads to: at once for a facet
    with nothing ticked (the link narrows the list); for a facet with ticked values, once
    the other ticked values of that facet are unticked by their links in turn (the link adds
    the value: values of one facet widen the list, and count as if chosen alone)."""
    from django.core.cache import cache

    def followed(link: str):
        cache.clear()  # a visitor's page is kept whole, without its context
        response = client.get(path + link)
        assert response.status_code == 200, link
        return response.context["listing"]

    listing = followed(address)
    for facet in listing.facets:
        chosen = [choice.value for choice in facet.choices if choice.selected]
        for choice in facet.choices:
            reached = listing if choice.selected else followed(choice.url)
            for value in chosen:
                if value != choice.value:
                    same = next(f for f in reached.facets if f.param == facet.param)
                    reached = followed(next(c.url for c in same.choices if c.value == value))
            assert reached.page.paginator.count == choice.count, (address, facet.param, choice)


def test_a_ticked_value_keeps_the_other_values_of_its_facet_with_their_counts(client):
    """« Scop ou Scic » is reached by clicking: once « Scop » is ticked, « Scic » and « CAE »
    are still offered, each with the number of practices it gives (not the few Scop practices
    that also name a Scic), while the other facets count the Scop practices alone."""
    six_cooperative_practices()
    listing = client.get("/pratiques/", {"forme": "scop"}).context["listing"]
    assert listing.page.paginator.count == 4
    facets = shown_facets(listing)
    assert facets["forme"] == {"scop": 4, "scic": 3, "cae": 1}
    assert ticked(listing) == {"forme": ["scop"]}
    assert facets["theme"] == {"gouvernance": 3, "parite-egalite": 1}
    assert facets["region"] == {"84": 3, "53": 2}

    forme = next(facet for facet in listing.facets if facet.param == "forme")
    scic = next(choice for choice in forme.choices if choice.value == "scic")
    both = client.get("/pratiques/" + scic.url).context["listing"]
    assert both.page.paginator.count == 6  # Scop or Scic
    assert ticked(both) == {"forme": ["scop", "scic"]}
    assert shown_facets(both)["forme"] == {"scop": 4, "scic": 3, "cae": 1}

    listing = client.get("/pratiques/", {"forme": "scop", "theme": "gouvernance"}).context[
        "listing"
    ]
    assert listing.page.paginator.count == 3
    facets = shown_facets(listing)
    assert facets["forme"] == {"scop": 3, "scic": 2}  # among the « gouvernance » practices
    assert facets["theme"] == {"gouvernance": 3, "parite-egalite": 1}  # among the Scop ones


@pytest.mark.parametrize(
    ("path", "addresses"),
    [
        (
            "/pratiques/",
            [
                "?forme=scop",
                "?forme=scop&forme=scic",
                "?forme=scop&theme=gouvernance",
                "?theme=gouvernance&theme=parite-egalite&region=53",
                "?forme=scic&theme=gouvernance&region=84",
                "?q=partage&forme=scop",
                "?q=partage&forme=scop&forme=scic",
                "?q=partage&theme=gouvernance",
                "?q=partage&forme=scic&theme=gouvernance",
            ],
        ),
        (
            "/pratiques/categories/organisation-collective/",
            ["?forme=scic", "?theme=gouvernance", "?q=partage&forme=scic"],
        ),
    ],
)
def test_every_count_is_what_following_its_link_gives(client, path, addresses):
    """For visitors and members, with and without a search, on the list and on a category's
    page: each value's count is the number of results found by following the links."""
    from observatoire.accounts.tests.factories import make_user

    six_cooperative_practices(summary="Un temps de partage.")
    make_practice(title="Sans partage", themes=["gouvernance"])
    for member in (False, True):
        if member:
            client.force_login(make_user())
        for address in addresses:
            assert_each_count_is_what_its_link_gives(client, path, address)


def test_the_values_of_a_ticked_facet_keep_their_order(client):
    """Ticking a value moves nothing: its facet lists the values in the order of the whole
    list (régions alphabetically, themes in the order staff gave them)."""
    six_cooperative_practices()

    def order(**params) -> dict[str, list[str]]:
        listing = client.get("/pratiques/", params).context["listing"]
        return {facet.param: [c.value for c in facet.choices] for facet in listing.facets}

    whole = order()
    assert whole["region"] == ["84", "53", "11"]
    assert order(region="53")["region"] == whole["region"]
    assert order(region=["11", "84"], theme="gouvernance")["region"] == whole["region"]
    assert order(theme="parite-egalite")["theme"] == whole["theme"]
    assert order(forme="cae")["forme"] == whole["forme"] == ["scop", "scic", "cae"]


def test_a_ticked_value_stays_shown_when_nothing_is_found(client):
    """No CAE practice about governance: the page finds none, and still shows both ticked
    values, each with its count, beside the values that would find some."""
    six_cooperative_practices()
    listing = client.get("/pratiques/", {"forme": "cae", "theme": "gouvernance"}).context["listing"]
    assert listing.page.paginator.count == 0
    assert ticked(listing) == {"forme": ["cae"], "theme": ["gouvernance"]}
    facets = shown_facets(listing)
    assert facets["forme"] == {"scop": 3, "scic": 2, "cae": 0}
    assert facets["theme"] == {"gouvernance": 0, "transition-ecologique": 1}


@pytest.mark.parametrize(
    "params",
    [
        {"forme": "scop"},
        {"forme": ["scop", "scic"]},
        {"forme": "scop", "theme": "gouvernance"},
        {"forme": "scic", "theme": ["gouvernance", "parite-egalite"], "region": "53"},
        {"q": "partage", "forme": "scop"},
        {"q": "partage", "forme": "scic", "theme": "gouvernance"},
    ],
)
def test_each_facet_with_a_ticked_value_costs_one_query(client, monkeypatch, params):
    """Counting a ticked facet's values without its own filter costs one query per such
    facet, whatever the filters and the search; the other facets share the results' counts."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from observatoire.practices import listing

    six_cooperative_practices(summary="Un temps de partage.")

    def queries() -> int:
        """The statements that read rows: on PostgreSQL a search's count also sets the
        planner for its transaction (search/facets.py, ``counts_up_to``), in a savepoint
        under a test: two to four statements more around each count, none reading data."""
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/pratiques/", params).status_code == 200
        settings = ("SAVEPOINT", "RELEASE SAVEPOINT", "SET LOCAL")
        return len([query for query in captured if not query["sql"].startswith(settings)])

    with_ticked_counts = queries()
    monkeypatch.setattr(listing, "_ticked_facet_counts", lambda *args, **kwargs: ({}, []))
    groups = len([param for param in params if param != "q"])
    assert with_ticked_counts == queries() + groups


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


def test_a_ticked_facet_of_a_search_too_broad_without_it_shows_no_numbers(client, monkeypatch):
    """Four matches, one about parity: the search filtered on « Parité » is counted, but
    without that filter it is past the limit: the themes show their values without numbers,
    the ticked one still ticked, and the page says why; the other facets count the result."""
    from observatoire.practices import listing

    monkeypatch.setattr(listing, "COUNT_LIMIT", 2)
    for number in range(3):
        make_practice(title=f"Gouvernance {number}", themes=["gouvernance"])
    make_practice(title="Gouvernance et parité", themes=["gouvernance", "parite-egalite"])
    response = client.get("/pratiques/", {"q": "gouvernance", "theme": "parite-egalite"})
    page = response.context["listing"]
    assert page.page.paginator.count == 1 and page.facets_counted
    assert page.uncounted_facets == ["theme"]
    assert "Trop de résultats pour les compter" in response.content.decode()
    facets = shown_facets(page)
    assert facets["theme"] == {"gouvernance": None, "parite-egalite": None}
    assert ticked(page) == {"theme": ["parite-egalite"]}
    assert facets["categorie"] == {"organisation-collective": 1}


def test_a_large_list_with_several_filters_counts_its_results_but_not_its_facets(
    client, monkeypatch
):
    """Past the limit, a list filtered on three facets (no query) still gives its exact
    number of results and pages, but its facets show their values without numbers, and the
    page says why; within it, every number is shown. (On two facets, its counts are kept.)"""
    from django.core.cache import cache

    from observatoire.practices import listing

    monkeypatch.setattr(listing, "_carrying_counts", listing.carrying_counts_up_to(2))
    for number in range(3):
        make_practice(title=f"Parité {number}", themes=["gouvernance", "parite-egalite"])
    make_practice(title="Gouvernance seule", themes=["gouvernance"])
    both = {"theme": "parite-egalite", "categorie": "organisation-collective", "forme": "scop"}

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
        "gouvernance": 4,  # the ticked facet counts its values without its own filter
        "parite-egalite": 3,
    }


def test_a_list_on_two_facets_reads_its_counts_kept_on_write(client):
    """One value of each of two facets: the list's number and every facet's counts are read
    from the counts kept on write, none counted from the facet rows; and they follow a
    practice that joins the list."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    scic = make_cooperative(family="scic")
    for number in range(3):
        make_practice(title=f"Parité {number}", themes=["parite-egalite"])
    joining = make_practice(title="Parité Scic", themes=["parite-egalite"], cooperatives=[scic])
    make_practice(title="Gouvernance", themes=["gouvernance"])
    both = {"theme": "parite-egalite", "forme": "scop"}

    with CaptureQueriesContext(connection) as captured:
        page = client.get("/pratiques/", both).context["listing"]
    grouped = [q["sql"] for q in captured if "json_each" in q["sql"] or "jsonb_array" in q["sql"]]
    assert grouped == []
    assert page.page.paginator.count == 3
    facets = shown_facets(page)
    assert facets["categorie"] == {"organisation-collective": 3}
    # Ticked facets: each counted without its own filter (one stored list each).
    assert facets["forme"] == {"scop": 3, "scic": 1}
    assert facets["theme"] == {"parite-egalite": 3, "gouvernance": 1}

    joining.cooperatives.set([make_cooperative(family="scop")])
    joining.reindex()
    page = client.get("/pratiques/", both).context["listing"]
    assert page.page.paginator.count == 4
    assert shown_facets(page)["forme"] == {"scop": 4}
    assert shown_facets(page)["categorie"] == {"organisation-collective": 4}


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


def counts_of(practices, param: str) -> dict[str, int]:
    """How many of ``practices`` carry each theme (``param`` « theme ») or name a cooperative
    of each form (« forme »), counted from the practices themselves."""
    lookup, values = {
        "theme": ("themes__slug", ["gouvernance", "parite-egalite"]),
        "forme": ("cooperatives__family", ["scic", "scop"]),
    }[param]
    counted = {value: practices.filter(**{lookup: value}).distinct().count() for value in values}
    return {value: n for value, n in counted.items() if n}


def shown_counts(listing, param: str) -> dict[str, int]:
    facet = next((facet for facet in listing.facets if facet.param == param), None)
    return {c.value: c.count for c in facet.choices if c.count} if facet else {}


def test_filtered_lists_read_from_the_facet_rows_are_what_the_practices_say(client):
    """Lists with filters and no query read their page from the facet rows (dates copied from
    the practices): the same practices, in the same order, as filtering the practices would
    give, for a visitor and for a member, whatever the filters' order of size."""
    from datetime import timedelta

    from django.utils import timezone

    from observatoire.accounts.tests.factories import make_user

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
            # Each value's count, counted in the rows: how many of the results carry it, or,
            # in a facet with a ticked value, how many the list without that facet's filter.
            for param in ("theme", "forme"):
                among = {other: values for other, values in filters.items() if other != param}
                found = Practice.objects.filter(title__in=expected(member, "recentes", **among))
                assert shown_counts(seen["listing"], param) == counts_of(found, param), (
                    member,
                    filters,
                    param,
                )


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

    def expected(member: bool, **filters) -> tuple[int, dict[str, dict[str, int]]]:
        """The results' number, and each facet's counts: among the results, or, for a facet
        with a ticked value, among the results without that facet's filter."""
        published = Practice.objects.published().filter(summary__contains="partage")
        counts = {}
        for param in ("theme", "forme"):
            among = {other: values for other, values in filters.items() if other != param}
            counts[param] = counts_of(seen_by(published, member, **among), param)
        return seen_by(published, member, **filters).count(), counts

    def shown(**filters) -> tuple[int, dict[str, dict[str, int]]]:
        found = client.get("/pratiques/", {"q": "partage", **filters}).context["listing"]
        counts = {param: shown_counts(found, param) for param in ("theme", "forme")}
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


def test_carried_tokens_are_counted_as_written_by_python_or_otherwise():
    """SQLite's search counts split the stored arrays on Python's separator; an array written
    otherwise (compact, or with an escape) is decoded instead, never miscounted."""
    assert facets.carried_counts(['["annee:2024", "theme:a"]', '["theme:a"]', "[]"]) == {
        "annee:2024": 1,
        "theme:a": 2,
    }
    assert facets.carried_counts(['["theme:a","theme:b"]', '["theme:a", "theme:c"]']) == {
        "theme:a": 2,
        "theme:b": 1,
        "theme:c": 1,
    }
    assert facets.carried_counts(['["ville:\\u00e9vry"]', '["ville:évry"]']) == {"ville:évry": 2}
