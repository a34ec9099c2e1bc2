"""Smaller points of issue 8, point 14: HEAD answers like GET, a signed-in person's pages are
kept by no cache, and no mode of the site serves /media/ without a permission check."""

import importlib

import pytest
from django.urls import Resolver404, clear_url_caches, resolve, reverse

from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db


def test_head_answers_like_get(client_as, client, member):
    practice = make_practice(title="Une pratique pour HEAD")
    public = [
        reverse("pages:home"),
        reverse("practices:list"),
        reverse("practices:list") + "?q=pratique",
        reverse("practices:category_list"),
        practice.get_absolute_url(),
        reverse("accounts:login"),
        reverse("pages:about"),
    ]
    for url in public:
        assert client.head(url).status_code == 200, url
    signed_in = client_as(member)
    for url in [reverse("accounts:profile"), reverse("notifications:list"), *public[:5]]:
        assert signed_in.head(url).status_code == 200, url


def test_a_signed_in_persons_pages_are_private_and_not_stored(client_as, member):
    practice = make_practice(title="Une pratique privée")
    client = client_as(member)
    for url in [
        reverse("accounts:profile"),
        reverse("accounts:my_data"),
        reverse("accounts:my_data_download"),
        reverse("notifications:list"),
        reverse("practices:my_contributions"),
        reverse("practices:list"),
        practice.get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        control = response["Cache-Control"]
        assert "private" in control and "no-store" in control, (url, control)
        assert "public" not in control, (url, control)


def test_visitors_pages_stay_public(client):
    control = client.get(reverse("practices:list"))["Cache-Control"]
    assert "public" in control and "no-store" not in control


def test_media_is_served_in_no_mode(settings):
    """In development too (it served a draft's files to anyone): documents go through views
    that check who may read them."""
    import observatoire.urls

    settings.DEBUG = True
    try:
        clear_url_caches()
        importlib.reload(observatoire.urls)
        with pytest.raises(Resolver404):
            resolve("/media/pratiques/brouillon.pdf")
    finally:
        settings.DEBUG = False
        importlib.reload(observatoire.urls)
        clear_url_caches()
