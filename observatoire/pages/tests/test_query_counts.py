"""Every discovery page runs a constant number of queries, however much it shows."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from observatoire.network.tests.factories import make_cooperative
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/pratiques/",
    "/pratiques/?q=gouvernance&theme=gouvernance",
    "/pratiques/categories/",
    "/pratiques/categories/organisation-collective/",
    "/pratiques/themes/gouvernance/",
]


def queries_for(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def add_practices(count: int, cooperative) -> None:
    for number in range(count):
        make_practice(
            title=f"Gouvernance {number}",
            themes=["gouvernance", "parite-egalite"],
            cooperatives=[cooperative, make_cooperative()],
        )


@pytest.mark.parametrize("url", PAGES)
def test_page_queries_do_not_grow(client, settings, url):
    settings.PRACTICES_PER_PAGE = 40
    cooperative = make_cooperative()
    add_practices(2, cooperative)
    few = queries_for(client, url)
    add_practices(15, cooperative)
    assert queries_for(client, url) == few


def test_cooperative_page_queries_do_not_grow(client):
    cooperative = make_cooperative()
    add_practices(2, cooperative)
    few = queries_for(client, cooperative.get_absolute_url())
    add_practices(15, cooperative)
    assert queries_for(client, cooperative.get_absolute_url()) == few


@pytest.mark.parametrize("url", PAGES)
def test_signed_in_pages_queries_do_not_grow(client, member, settings, url):
    settings.PRACTICES_PER_PAGE = 40
    client.force_login(member)
    add_practices(2, member.cooperative)
    few = queries_for(client, url)
    add_practices(15, member.cooperative)
    assert queries_for(client, url) == few
