"""The practice list: visibility per role, facets, sorting, pagination, query counts."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from observatoire.network.models import Cooperative, Departement
from observatoire.network.tests.factories import make_cooperative
from observatoire.practices.models import Practice
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db
LIST = reverse("practices:list")


def titles(response) -> list[str]:
    return [practice.title for practice in response.context["listing"].page.object_list]


def test_lists_published_practices_only(client):
    make_practice(title="Une pratique publiée")
    make_practice(title="Un brouillon", status=Practice.Status.DRAFT)
    make_practice(title="Une soumission", status=Practice.Status.SUBMITTED)
    response = client.get(LIST)
    assert response.status_code == 200
    assert titles(response) == ["Une pratique publiée"]


def test_members_only_practice_hidden_from_visitors(client):
    make_practice(title="Réservée", visibility=Practice.Visibility.MEMBERS)
    make_practice(title="Ouverte")
    response = client.get(LIST)
    assert titles(response) == ["Ouverte"]
    assert "Réservée" not in response.content.decode()


@pytest.mark.parametrize(
    "role", ["member", "coop_admin", "permanent", "moderator", "administrator"]
)
def test_members_only_practice_listed_for_every_signed_in_role(client_as, request, role):
    make_practice(title="Réservée", visibility=Practice.Visibility.MEMBERS)
    response = client_as(request.getfixturevalue(role)).get(LIST)
    assert "Réservée" in titles(response)


def test_facets_filter_and_count(client):
    bretagne = make_cooperative(
        departement=Departement.objects.get(code="35"), family=Cooperative.Family.SCIC
    )
    lyon = make_cooperative(departement=Departement.objects.get(code="69"))
    make_practice(title="Bretonne", cooperatives=[bretagne], themes=["gouvernance"])
    make_practice(
        title="Lyonnaise", cooperatives=[lyon], themes=["gouvernance"], category="un-vecu"
    )
    make_practice(
        title="Autre lyonnaise", cooperatives=[lyon], themes=["parite-egalite"], category="un-vecu"
    )

    response = client.get(LIST, {"ur": "ur-bretagne"})
    assert titles(response) == ["Bretonne"]

    response = client.get(LIST, {"theme": "gouvernance", "categorie": "un-vecu"})
    assert titles(response) == ["Lyonnaise"]

    response = client.get(LIST, {"forme": "scic"})
    assert titles(response) == ["Bretonne"]

    response = client.get(LIST)
    facets = {
        facet.param: {c.value: c.count for c in facet.choices}
        for facet in response.context["listing"].facets
    }
    assert facets["theme"] == {"gouvernance": 2, "parite-egalite": 1}
    assert facets["ur"] == {"ur-bretagne": 1, "ur-auvergne-rhone-alpes": 2}
    assert facets["categorie"]["un-vecu"] == 2


def test_several_values_of_one_facet_widen_the_list(client):
    make_practice(title="A", themes=["gouvernance"])
    make_practice(title="B", themes=["parite-egalite"])
    make_practice(title="C", themes=["transition-ecologique"])
    response = client.get(LIST, {"theme": ["gouvernance", "parite-egalite"]})
    assert sorted(titles(response)) == ["A", "B"]


def test_filters_stay_in_the_links(client):
    make_practice(title="A", themes=["gouvernance"])
    response = client.get(LIST, {"theme": "gouvernance", "tri": "titre"})
    html = response.content.decode()
    assert "theme=gouvernance" in html and "tri=titre" in html


def test_sort_by_title_follows_french_order(client):
    for title in ["Zèbre", "Écologie au quotidien", "Assemblée vivante", "élection"]:
        make_practice(title=title)
    response = client.get(LIST, {"tri": "titre"})
    assert titles(response) == ["Assemblée vivante", "Écologie au quotidien", "élection", "Zèbre"]


def test_pagination(client, settings):
    settings.PRACTICES_PER_PAGE = 2
    for number in range(5):
        make_practice(title=f"Pratique {number}")
    first = client.get(LIST)
    assert len(titles(first)) == 2
    third = client.get(LIST, {"page": 3})
    assert len(titles(third)) == 1


def count_queries(client, url, params=None) -> int:
    cache.clear()  # measure the uncached page: the worst case
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params", [{}, {"q": "gouvernance"}, {"theme": "gouvernance", "forme": "scop"}]
)
def test_query_count_does_not_grow_with_page_size(client, settings, params):
    settings.PRACTICES_PER_PAGE = 50
    for number in range(3):
        make_practice(title=f"Gouvernance {number}", themes=["gouvernance"])
    few = count_queries(client, LIST, params)
    for number in range(20):
        make_practice(
            title=f"Gouvernance bis {number}",
            themes=["gouvernance"],
            cooperatives=[make_cooperative(), make_cooperative()],
        )
    many = count_queries(client, LIST, params)
    assert few == many


def test_cached_counts_follow_changes(client):
    make_practice(title="Première", themes=["gouvernance"])
    assert client.get(LIST).context["listing"].page.paginator.count == 1
    make_practice(title="Seconde", themes=["gouvernance"])
    assert client.get(LIST).context["listing"].page.paginator.count == 2


def test_htmx_request_gets_only_the_list(client):
    make_practice(title="Gouvernance", themes=["gouvernance"])
    response = client.get(LIST, {"theme": "gouvernance"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="listing"' in html and "Gouvernance" in html


def test_regions_are_in_french_alphabetical_order(client):
    for code in ["75", "59", "2A", "14"]:
        make_practice(
            cooperatives=[make_cooperative(departement=Departement.objects.get(code=code))]
        )
    listing = client.get(LIST).context["listing"]
    regions = next(f for f in listing.facets if f.param == "region")
    assert [c.label for c in regions.choices] == [
        "Corse",
        "Hauts-de-France",
        "Île-de-France",
        "Normandie",
    ]


def test_atom_feed_lists_public_practices_only(client):
    make_practice(title="Ouverte à tous")
    make_practice(title="Entre membres", visibility=Practice.Visibility.MEMBERS)
    response = client.get(reverse("practices:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "Ouverte à tous" in body and "Entre membres" not in body
