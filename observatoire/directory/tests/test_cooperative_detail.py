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
    assert client.get(cooperative.get_absolute_url(), {"page": "abc"}).status_code == 200


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
