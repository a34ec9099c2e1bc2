"""Findability (issue 8, point 20): one personal menu on every personal page, one moderation
menu on every moderation page, and feed links on the list, each category and each theme."""

import pytest
from django.urls import reverse

from observatoire.practices.models import Category, Practice, Theme
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db

PERSONAL_PAGES = [
    "notifications:list",
    "practices:my_contributions",
    "community:my_bookmarks",
    "community:my_follows",
    "accounts:profile",
    "accounts:my_data",
]
MODERATION_PAGES = [
    "moderation:queue",
    "moderation:journal",
    "moderation:trash",
    "community:report_list",
    "accounts:access_request_list",
]


def personal_menu(page: str) -> str:
    start = page.index('aria-label="Mon espace"')
    return page[start : page.index("</nav>", start)]


def moderation_menu(page: str) -> str:
    start = page.index('<nav class="subnav" aria-label="Modération"')
    return page[start : page.index("</nav>", start)]


@pytest.mark.parametrize("name", PERSONAL_PAGES)
def test_every_personal_page_has_the_one_personal_menu(client, member, name):
    client.force_login(member)
    page = client.get(reverse(name)).content.decode()
    menu = personal_menu(page)
    for other in PERSONAL_PAGES:
        assert f'href="{reverse(other)}"' in menu, other
    # The page itself is marked as the current one.
    assert f'href="{reverse(name)}" aria-current="page"' in menu


@pytest.mark.parametrize("name", MODERATION_PAGES)
def test_every_moderation_page_has_the_one_moderation_menu(client, moderator, name):
    client.force_login(moderator)
    page = client.get(reverse(name)).content.decode()
    menu = moderation_menu(page)
    for other in MODERATION_PAGES:
        assert f'href="{reverse(other)}"' in menu, other
    assert 'aria-current="page"' in menu
    # And « Modération » is the current entry of the main menu.
    main = page[page.index('id="menu-principal"') :]
    assert f'href="{reverse("moderation:queue")}" aria-current="page"' in main


def test_members_see_no_moderation_links_in_their_menu(client, member):
    client.force_login(member)
    menu = personal_menu(client.get(reverse("accounts:profile")).content.decode())
    assert reverse("community:report_list") not in menu


def test_the_list_links_its_feed_visibly(client):
    page = client.get(reverse("practices:list")).content.decode()
    body = page[page.index("<body") :]
    assert f'href="{reverse("practices:feed")}"' in body


def test_a_category_has_its_own_feed_linked_from_its_page(client):
    category = Category.objects.get(slug="organisation-collective")
    make_practice(title="Dans la catégorie", category=category)
    make_practice(title="Ailleurs", category="un-vecu")
    make_practice(title="Réservée", category=category, visibility=Practice.Visibility.MEMBERS)
    feed_url = reverse("practices:category_feed", args=[category.slug])
    page = client.get(category.get_absolute_url()).content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert page.count(f'href="{feed_url}"') == 2  # in the head and in the page
    feed = client.get(feed_url)
    assert feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert "Dans la catégorie" in body
    assert "Ailleurs" not in body and "Réservée" not in body
    assert category.name in body


def test_a_theme_has_its_own_feed_linked_from_its_page(client):
    theme = Theme.objects.first()
    make_practice(title="Sur ce thème", category=theme.category, themes=[theme])
    make_practice(title="Sans ce thème", category=theme.category)
    feed_url = reverse("practices:theme_feed", args=[theme.slug])
    page = client.get(theme.get_absolute_url()).content.decode()
    assert page.count(f'href="{feed_url}"') == 2
    body = client.get(feed_url).content.decode()
    assert "Sur ce thème" in body and "Sans ce thème" not in body


def test_an_unknown_category_or_theme_feed_is_a_404(client):
    assert client.get(reverse("practices:category_feed", args=["inconnue"])).status_code == 404
    assert client.get(reverse("practices:theme_feed", args=["inconnu"])).status_code == 404
