"""A cooperative's page: its card and its practices, paginated, as the viewer may see them."""

import pytest

from observatoire.network.tests.factories import make_cooperative
from observatoire.practices.models import Practice
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db


def test_shows_card_and_visible_practices(client, client_as, member):
    cooperative = make_cooperative(name="Scop des Tisserands")
    make_practice(title="Publique", cooperatives=[cooperative])
    make_practice(
        title="Réservée", cooperatives=[cooperative], visibility=Practice.Visibility.MEMBERS
    )
    make_practice(title="Brouillon", cooperatives=[cooperative], status=Practice.Status.DRAFT)
    html = client.get(cooperative.get_absolute_url()).content.decode()
    assert "Scop des Tisserands" in html and "Publique" in html
    assert "Réservée" not in html and "Brouillon" not in html
    html = client_as(member).get(cooperative.get_absolute_url()).content.decode()
    assert "Réservée" in html and "Brouillon" not in html


def test_practices_are_paginated(client, settings):
    settings.PRACTICES_PER_PAGE = 2
    cooperative = make_cooperative()
    for number in range(5):
        make_practice(title=f"Pratique {number}", cooperatives=[cooperative])
    response = client.get(cooperative.get_absolute_url(), {"page": 3})
    assert len(response.context["page"].object_list) == 1
    (last_title,) = [practice.title for practice in response.context["page"].object_list]
    # One address a page, so one cache entry: odd numbers lead to the page they show.
    url = cooperative.get_absolute_url()
    assert client.get(url, {"page": "abc"})["Location"] == url
    assert client.get(url, {"page": "-3"})["Location"] == url
    assert client.get(url, {"page": "02"})["Location"] == f"{url}?page=2"
    assert client.get(url, {"page": "99999"})["Location"] == f"{url}?page=500"  # 1,000 ÷ 2
    last = client.get(url, {"page": 500})  # beyond its own last page: that one
    assert last.status_code == 200 and last_title in last.content.decode()


def test_signed_in_people_share_the_sheet_but_each_has_their_own_buttons(
    client, client_as, member, settings
):
    """The page but its buttons is kept once for signed-in people of a scope: the contact, the
    members-only practices and each person's follow and edit buttons stay theirs, whoever came
    first, and an edit shows at once."""
    from observatoire.accounts.models import Role
    from observatoire.accounts.tests.factories import make_user
    from observatoire.community.models import Follow

    cooperative = make_cooperative(name="Scop Partagée")
    cooperative.contact_email = "contact@partagee.coop"
    cooperative.save()
    make_practice(
        title="Réservée aux membres",
        cooperatives=[cooperative],
        visibility=Practice.Visibility.MEMBERS,
    )
    admin = make_user(role=Role.COOPERATIVE_ADMIN, cooperative=cooperative)
    Follow.objects.create(user=admin, cooperative=cooperative)
    url = cooperative.get_absolute_url()

    page = client_as(admin).get(url).content.decode()  # computes the shared sheet
    assert "contact@partagee.coop" in page and "Réservée aux membres" in page
    assert "Modifier la fiche" in page and "Ne plus suivre" in page
    client.logout()

    page = client_as(member).get(url).content.decode()  # reads it
    assert "contact@partagee.coop" in page and "Réservée aux membres" in page
    assert "Modifier la fiche" not in page and "Ne plus suivre" not in page
    assert "Suivre" in page
    client.logout()

    page = client.get(url).content.decode()  # a visitor: neither the contact nor the practice
    assert "contact@partagee.coop" not in page and "Réservée aux membres" not in page
    assert "réservé aux membres" in page

    cooperative.description = "Nouvelle présentation de la coopérative"
    cooperative.save()
    page = client_as(member).get(url).content.decode()
    assert "Nouvelle présentation de la coopérative" in page


def test_the_identity_names_the_activity_the_place_and_the_register(client):
    from observatoire.network.models import Departement

    cooperative = make_cooperative(
        name="Menuiserie du Rhône",
        naf_code="43.32A",
        departement=Departement.objects.get(code="69"),
        commune="Villeurbanne",
        postcode="69100",
        siren="732829320",
        siret="73282932000074",
    )
    html = client.get(cooperative.get_absolute_url()).content.decode()
    assert "SIRET du siège</dt><dd>73282932000074" in html
    assert "43.32A — Travaux de menuiserie bois et PVC" in html
    assert "69100 Villeurbanne" in html
    assert "Rhône (69)" in html and "Auvergne-Rhône-Alpes" in html
    register = f"https://annuaire-entreprises.data.gouv.fr/entreprise/{cooperative.siren}"
    assert f'<a href="{register}" rel="noopener">{register}</a>' in html


def test_naf_labels_divisions_and_sections():
    from observatoire.network import naf

    assert naf.label("43.32a") == "Travaux de menuiserie bois et PVC"
    assert naf.label("43") == "Travaux de construction spécialisés"
    assert naf.division("43.32A") == "43" and naf.section("43.32A") == "F"
    assert naf.section("01") == "A" and naf.section("99.00Z") == "U"
    assert naf.label("00.00X") == "" and naf.section("") == ""


def test_the_page_is_in_the_directory_and_its_first_address_redirects_there(client):
    cooperative = make_cooperative()
    assert cooperative.get_absolute_url() == f"/annuaire/{cooperative.slug}/"
    response = client.get(f"/cooperatives/{cooperative.slug}/?page=2")
    assert response.status_code == 301
    assert response["Location"] == f"/annuaire/{cooperative.slug}/?page=2"
    assert client.get("/cooperatives/n-existe-pas/", follow=True).status_code == 404


def test_the_page_shows_the_network_flags_and_an_archived_cooperative_says_so(client):
    from django.utils import timezone

    cooperative = make_cooperative(name="Ambassadrice", ambassador=True, seeks_mentoring=True)
    html = client.get(cooperative.get_absolute_url()).content.decode()
    assert "Ambassadrice du réseau" in html and "Cherche un parrainage" in html
    assert "Prête à parrainer" not in html and "a quitté le réseau" not in html
    cooperative.archived_at = timezone.now()
    cooperative.save()
    html = client.get(cooperative.get_absolute_url()).content.decode()
    assert "Cette coopérative a quitté le réseau" in html


def test_a_cooperatives_page_is_not_kept_once_many_cooperatives_changed_at_once(client):
    """An import forgets the directory as a whole, not each of its cooperatives: their pages,
    kept for visitors, are computed again."""
    from observatoire.lib.cache import forget_directory
    from observatoire.network.models import Cooperative

    cooperative = make_cooperative(name="Ancien nom")
    url = cooperative.get_absolute_url()
    assert "Ancien nom" in client.get(url).content.decode()
    Cooperative.objects.filter(pk=cooperative.pk).update(name="Nouveau nom")  # as in bulk
    assert "Ancien nom" in client.get(url).content.decode()  # kept: nothing said it changed
    forget_directory()
    assert "Nouveau nom" in client.get(url).content.decode()


def test_a_signed_in_persons_page_is_read_whole_and_their_buttons_follow_what_they_do(
    client, client_as, member
):
    """Kept whole for members, the page costs a member only their session (and whether they
    follow it, when they follow some cooperative); following or unfollowing shows at once, on
    their page only, and the cooperative's name is escaped in the buttons as in the page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from observatoire.accounts.tests.factories import make_user
    from observatoire.community.models import Follow

    cooperative = make_cooperative(name="Scop <b>Gras</b> & Fils")
    url = cooperative.get_absolute_url()
    other = make_user(email="autre@exemple.coop")
    client_as(other).get(url)  # computes the page shared by members
    client.logout()

    member_client = client_as(member)
    with CaptureQueriesContext(connection) as queries:
        page = member_client.get(url).content.decode()
    # The session with its person, which says they follow no cooperative: nothing else.
    assert len(queries) == 1, [query["sql"] for query in queries]
    assert "Suivre<span" in page and "Ne plus suivre" not in page
    assert "<b>Gras</b>" not in page and "Scop &lt;b&gt;Gras&lt;/b&gt; &amp; Fils" in page
    assert member.full_name in page and other.full_name not in page

    Follow.objects.create(user=member, cooperative=cooperative)
    with CaptureQueriesContext(connection) as queries:
        assert "Ne plus suivre" in member_client.get(url).content.decode()
    assert len(queries) == 2  # the session, then whether they follow this one
    other_cooperative = make_cooperative(name="Scop Voisine")
    assert (
        "Ne plus suivre"
        not in member_client.get(other_cooperative.get_absolute_url()).content.decode()
    )
    client.logout()
    assert "Ne plus suivre" not in client_as(other).get(url).content.decode()
    client.logout()
    visitor = client.get(url).content.decode()  # a link to sign in, the name escaped
    assert "Ne plus suivre" not in visitor and "/connexion/?next=" in visitor
    assert "<b>Gras</b>" not in visitor


def test_a_name_that_would_end_a_comment_cannot_break_the_shared_pages_mark(client, client_as):
    """The buttons' values are kept quoted in the shared page's mark (lib/personal.py): a name
    holding « --> », quotes or a colon comes back whole, escaped, for every member."""
    from observatoire.accounts.tests.factories import make_user
    from observatoire.lib import personal

    name = 'Scop "A" --> <!--personal: x : y'
    cooperative = make_cooperative(name=name)
    url = cooperative.get_absolute_url()
    first, second = make_user(email="un@exemple.coop"), make_user(email="deux@exemple.coop")
    pages = []
    for person in (first, second):  # the second reads the page the first computed
        pages.append(client_as(person).get(url).content.decode())
        client.logout()
    for page in pages:
        assert "Scop &quot;A&quot; --&gt; &lt;!--personal: x : y" in page
        assert "<!--personal" not in page and "Suivre<span" in page
    assert "<!--personal" in personal._personal_mark(personal.PERSONAL_TEMPLATES[1])
