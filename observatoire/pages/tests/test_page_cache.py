"""Whole pages cached for anonymous visitors: never stale, never shared with members."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from observatoire.practices.models import Practice
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db


def test_second_visit_is_served_without_queries(client):
    practice = make_practice(title="Une pratique en cache")
    for url in ["/", "/pratiques/", practice.get_absolute_url()]:
        first = client.get(url)
        with CaptureQueriesContext(connection) as queries:
            second = client.get(url)
        assert second.status_code == 200
        assert second.content == first.content
        assert len(queries) == 0, url
        assert "Content-Security-Policy" in second.headers


def test_a_change_shows_at_once(client):
    make_practice(title="Première")
    assert "Seconde" not in client.get("/pratiques/").content.decode()
    make_practice(title="Seconde")
    assert "Seconde" in client.get("/pratiques/").content.decode()


def test_members_never_get_the_visitors_page_nor_the_reverse(client, member):
    make_practice(title="Pour les membres", visibility=Practice.Visibility.MEMBERS)
    assert "Pour les membres" not in client.get("/pratiques/").content.decode()
    client.force_login(member)
    html = client.get("/pratiques/").content.decode()
    assert "Pour les membres" in html and member.full_name in html
    client.logout()
    assert "Pour les membres" not in client.get("/pratiques/").content.decode()


def test_language_is_part_of_the_key(client):
    make_practice()
    assert "Se connecter" in client.get("/").content.decode()
    client.get("/langue/en/", {"next": "/"})
    assert "Sign in" in client.get("/").content.decode()
    client.get("/langue/fr/", {"next": "/"})
    assert "Se connecter" in client.get("/").content.decode()


def test_pages_with_a_form_token_are_not_shared(client):
    first = client.get("/connexion/").content
    client.cookies.clear()
    assert client.get("/connexion/").content != first


@pytest.mark.parametrize(
    "target", ["https://ailleurs.example/", "//ailleurs.example/", "javascript:alert(1)"]
)
def test_language_switch_never_redirects_elsewhere(client, target):
    response = client.get("/langue/en/", {"next": target})
    assert response.status_code == 302 and response["Location"] == "/"


def test_unknown_language_is_404(client):
    assert client.get("/langue/xx/").status_code == 404
