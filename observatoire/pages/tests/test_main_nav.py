"""The main menu, filled from stencils (pages/main_nav.py, lib/personal.py): each person sees
their own name, notifications, links and form token, never another's, on any page."""

import re

import pytest
from django.urls import reverse

from observatoire.accounts.tests.factories import make_user
from observatoire.lib import personal
from observatoire.notifications.models import Notification

ABOUT = "/a-propos/"


def nav_of(client, url: str = ABOUT) -> str:
    html = client.get(url).content.decode()
    return html.split('id="menu-principal"', 1)[1].split("</nav>", 1)[0]


@pytest.mark.django_db
def test_two_people_with_the_same_menu_each_see_their_own_name_count_and_token(client):
    first = make_user(full_name="Amandine Prieur")
    second = make_user(full_name="Bastien Quéré")
    for person, count in ((first, 2), (second, 5)):
        for number in range(count):
            Notification.objects.create(recipient=person, text=f"Avis {number}")
    client.force_login(first)
    menu = nav_of(client)
    assert "Amandine Prieur" in menu and ">2<" in menu
    client.force_login(second)
    menu = nav_of(client)
    assert "Bastien Quéré" in menu and ">5<" in menu
    assert "Amandine" not in menu and ">2<" not in menu
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', menu)
    assert token and "personalslot" not in menu
    # The token is this person's: signing out with it works.
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.force_login(second)
    menu = nav_of(csrf_client)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', menu)
    assert token is not None
    response = csrf_client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token[1]})
    assert response.status_code == 302 and "_auth_user_id" not in csrf_client.session


@pytest.mark.django_db
def test_a_name_is_escaped_and_never_taken_for_a_slot(client):
    """A name holding markup, or what looks like a slot of the stencil, is shown as text."""
    slot_like = str(personal.slot("csrf"))
    person = make_user(full_name=f"<b>Zoé</b> {slot_like}")
    client.force_login(person)
    menu = nav_of(client)
    assert "&lt;b&gt;Zoé&lt;/b&gt;" in menu and "<b>Zoé</b>" not in menu
    assert f"&lt;b&gt;Zoé&lt;/b&gt; {slot_like}" in menu  # left as typed, not replaced
    assert menu.count('name="csrfmiddlewaretoken"') == 1


@pytest.mark.django_db
def test_no_count_no_badge_and_moderation_only_for_moderators(client, member, moderator):
    client.force_login(member)
    menu = nav_of(client)
    assert "badge" not in menu and "Modération" not in menu and "Mes contributions" in menu
    client.force_login(moderator)
    assert "Modération" in nav_of(client)


@pytest.mark.django_db
def test_the_menu_marks_the_page_it_is_on(client, member):
    client.force_login(member)
    menu = nav_of(client, reverse("notifications:list"))
    current = re.findall(r'<a href="([^"]+)"[^>]*aria-current="page"', menu)
    assert current == [reverse("notifications:list")]  # not « Pratiques », also named « list »
    current = re.findall(r'<a href="([^"]+)"[^>]*aria-current="page"', nav_of(client, ABOUT))
    assert current == [ABOUT]


@pytest.mark.django_db
def test_a_visitors_sign_in_link_returns_to_the_page(client):
    menu = nav_of(client, "/a-propos/?x=un+%26+deux")
    assert 'href="/connexion/?next=/a-propos/%3Fx%3Dun%2B%2526%2Bdeux"' in menu
    assert "Se déconnecter" not in menu and "Mes contributions" not in menu


@pytest.mark.django_db
def test_a_stencil_holds_nothing_of_the_first_person_who_made_it(client):
    person = make_user(full_name="Capucine Rivière")
    Notification.objects.create(recipient=person, text="Avis")
    personal._stencils.clear()
    client.force_login(person)
    nav_of(client)
    stencils = "".join("".join(pieces) for pieces in personal._stencils.values())
    assert stencils and "Capucine" not in stencils and "Rivière" not in stencils
    assert ">1<" not in stencils


@pytest.mark.django_db
def test_every_form_of_a_page_carries_one_token_that_works(client, member):
    """One masked token a response (lib/form_token.py): the menu's, the bookmark's and the
    comment form's are the same, and posting with it is accepted."""
    from observatoire.practices.tests.factories import make_practice

    practice = make_practice()
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.force_login(member)
    html = csrf_client.get(practice.get_absolute_url()).content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert len(tokens) >= 3 and len(set(tokens)) == 1
    again = csrf_client.get(practice.get_absolute_url()).content.decode()
    assert re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', again)[0] != tokens[0]
    response = csrf_client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": tokens[0]})
    assert response.status_code == 302 and "_auth_user_id" not in csrf_client.session
