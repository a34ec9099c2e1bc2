"""Bookmarks (« Mes favoris ») and follows (« Mes abonnements »)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from observatoire.community.models import Bookmark, Follow
from observatoire.notifications.models import DigestPreference
from observatoire.practices.models import Category, Practice, Theme
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db


def test_bookmark_toggles_and_lists(client_as, member, settings):
    settings.PRACTICES_PER_PAGE = 2
    practices = [make_practice(title=f"Favori {n}") for n in range(3)]
    client = client_as(member)
    for practice in practices:
        url = reverse("community:bookmark_toggle", kwargs={"slug": practice.slug})
        assert client.post(url).status_code == 302
    assert Bookmark.objects.filter(user=member).count() == 3
    page = client.get(reverse("community:my_bookmarks")).content.decode()
    assert "Page 1 sur 2" in page and "Favori 2" in page
    html = client.get(practices[0].get_absolute_url()).content.decode()
    assert "Retirer de mes favoris" in html
    client.post(reverse("community:bookmark_toggle", kwargs={"slug": practices[0].slug}))
    assert Bookmark.objects.filter(user=member).count() == 2


def test_bookmarks_page_queries_do_not_grow(client_as, member, django_assert_max_num_queries):
    client = client_as(member)
    Bookmark.objects.create(user=member, practice=make_practice())
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("community:my_bookmarks"))
    for _n in range(10):
        Bookmark.objects.create(user=member, practice=make_practice())
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("community:my_bookmarks"))


def test_visitors_are_sent_to_sign_in(client):
    practice = make_practice()
    response = client.post(reverse("community:bookmark_toggle", kwargs={"slug": practice.slug}))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert client.get(reverse("community:my_follows")).status_code == 302


def test_members_only_practice_cannot_be_bookmarked_by_a_visitor_or_a_draft(client_as, member):
    draft = make_practice(status=Practice.Status.DRAFT)
    url = reverse("community:bookmark_toggle", kwargs={"slug": draft.slug})
    assert client_as(member).post(url).status_code == 404


@pytest.mark.parametrize("kind", ["categorie", "theme", "cooperative", "pratique"])
def test_follow_each_kind_from_its_page_and_unfollow_from_my_follows(client_as, member, kind):
    practice = make_practice()
    target = {
        "categorie": Category.objects.first(),
        "theme": Theme.objects.first(),
        "cooperative": member.cooperative,
        "pratique": practice,
    }[kind]
    client = client_as(member)
    page = client.get(target.get_absolute_url()).content.decode()
    follow_url = reverse("community:follow_toggle", kwargs={"kind": kind, "pk": target.pk})
    assert f'action="{follow_url}"' in page and "Suivre" in page
    response = client.post(follow_url, {"next": target.get_absolute_url()})
    assert response.status_code == 302 and response["Location"] == target.get_absolute_url()
    assert Follow.objects.get(user=member).target == target
    assert "Ne plus suivre" in client.get(target.get_absolute_url()).content.decode()
    mine = client.get(reverse("community:my_follows")).content.decode()
    assert escape(str(target)) in mine
    client.post(follow_url)
    assert not Follow.objects.exists()


def test_follow_refuses_unknown_kinds_and_foreign_redirects(client_as, member):
    client = client_as(member)
    assert client.post("/suivre/inconnu/1/").status_code == 404
    category = Category.objects.first()
    url = reverse("community:follow_toggle", kwargs={"kind": "categorie", "pk": category.pk})
    response = client.post(url, {"next": "https://ailleurs.example/"})
    assert response["Location"] == category.get_absolute_url()


def test_visitors_see_a_sign_in_link_and_no_form(client):
    category = Category.objects.first()
    html = client.get(category.get_absolute_url()).content.decode()
    assert "csrfmiddlewaretoken" not in html and "Suivre" in html


def test_digest_frequency_is_weekly_by_default_and_can_be_changed(client_as, member):
    client = client_as(member)
    html = client.get(reverse("community:my_follows")).content.decode()
    assert re.search(r'value="weekly"[^>]*checked', html)
    assert not re.search(r'value="daily"[^>]*checked', html)
    client.post(reverse("community:my_follows"), {"frequency": "daily"})
    assert DigestPreference.objects.get(user=member).frequency == "daily"
    response = client.post(reverse("community:my_follows"), {"frequency": "hourly"})
    assert "Choisissez une des fréquences." in response.content.decode()
    assert DigestPreference.objects.get(user=member).frequency == "daily"


def test_with_htmx_the_buttons_swap_themselves(client_as, member):
    practice = make_practice()
    client = client_as(member)
    url = reverse("community:bookmark_toggle", kwargs={"slug": practice.slug})
    response = client.post(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Retirer de mes favoris" in html and 'aria-pressed="true"' in html
    assert Bookmark.objects.filter(user=member, practice=practice).exists()
    category = Category.objects.first()
    url = reverse("community:follow_toggle", kwargs={"kind": "categorie", "pk": category.pk})
    response = client.post(
        url, {"next": category.get_absolute_url()}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "Ne plus suivre" in html and f'value="{category.get_absolute_url()}"' in html
    assert Follow.objects.filter(user=member, category=category).exists()
    # No message left for the next page: the button already said it.
    assert "Vous suivez désormais" not in client.get("/").content.decode()
