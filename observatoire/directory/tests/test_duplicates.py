"""Possible duplicates listed for permanents, and merging two cooperatives into one."""

import pytest

from observatoire.accounts.models import Role
from observatoire.accounts.tests.factories import make_user
from observatoire.community.models import Adoption, Follow
from observatoire.directory import duplicates
from observatoire.network.models import Cooperative, Departement
from observatoire.network.tests.factories import make_cooperative
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db

LIST = "/annuaire/doublons/"
MERGE = "/annuaire/doublons/fusion/"


def test_names_are_compared_without_their_legal_words_accents_and_punctuation():
    assert duplicates.name_key("SCOP Menuiserie des Pentes, SARL") == "menuiserie pentes"
    assert duplicates.name_key("Menuiserie  des Pentes") == "menuiserie pentes"
    assert duplicates.name_key("Société coopérative Élan") == "elan"


def test_permanents_see_similar_names_of_one_commune_in_their_union_only():
    permanent = make_user(role=Role.PERMANENT)
    one = make_cooperative(name="Scop Menuiserie des Pentes")
    two = make_cooperative(name="Menuiserie des Pentes SARL")
    near = make_cooperative(name="Menuiseries des Pentes")  # a letter apart
    make_cooperative(name="Boulangerie du Plateau")  # same commune, another name
    rennes = Departement.objects.get(code="35")
    make_cooperative(name="Menuiserie des Pentes", departement=rennes, commune="Rennes")
    permanent.organisation = one.union
    permanent.save()
    pairs = duplicates.possible_duplicates(permanent)
    found = [{pair.first.pk, pair.second.pk} for pair in pairs]
    assert found[0] == {one.pk, two.pk}  # identical once cleaned: first
    assert sorted(map(sorted, found)) == sorted(
        map(sorted, [{one.pk, two.pk}, {one.pk, near.pk}, {two.pk, near.pk}])
    )
    # A permanent of another union sees none of them.
    elsewhere = make_user(role=Role.PERMANENT)
    elsewhere.organisation = rennes.union
    elsewhere.save()
    assert duplicates.possible_duplicates(elsewhere) == []


def test_the_page_lists_them_for_staff_and_refuses_others(client):
    one = make_cooperative(name="Scop Menuiserie des Pentes")
    make_cooperative(name="Menuiserie des Pentes")
    permanent = make_user(role=Role.PERMANENT)
    permanent.organisation = one.union
    permanent.save()
    client.force_login(permanent)
    page = client.get(LIST)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Scop Menuiserie des Pentes" in text and "Garder" in text
    client.force_login(make_user(role=Role.MEMBER, cooperative=one))
    assert client.get(LIST).status_code == 403
    client.logout()
    assert client.get(LIST).status_code == 302


def test_merging_keeps_practices_people_adoptions_and_followers_and_archives_the_other(
    client,
):
    keep = make_cooperative(name="Menuiserie des Pentes")
    drop = make_cooperative(name="Scop Menuiserie des Pentes")
    both = make_practice(title="Une pratique des deux", cooperatives=[keep, drop])
    only_drop = make_practice(title="Une pratique du doublon", cooperatives=[drop])
    person = make_user(role=Role.COOPERATIVE_ADMIN, cooperative=drop)
    follower = make_user()
    Follow.objects.create(user=follower, cooperative=drop)
    Adoption.objects.create(practice=only_drop, cooperative=drop, declared_by=person)
    Adoption.objects.create(practice=both, cooperative=drop, declared_by=person)
    Adoption.objects.create(practice=both, cooperative=keep, feedback="La nôtre reste.")
    permanent = make_user(role=Role.PERMANENT)
    permanent.organisation = keep.union
    permanent.save()
    client.force_login(permanent)
    query = {"garder": keep.slug, "retirer": drop.slug}
    confirm = client.get(MERGE, query)
    assert confirm.status_code == 200
    assert "Pratiques déplacées" in confirm.content.decode()
    response = client.post(MERGE, query)
    assert response.status_code == 302 and response["Location"] == keep.get_absolute_url()
    drop.refresh_from_db()
    assert drop.archived_at is not None  # archived, never deleted
    assert set(keep.practices.all()) == {both, only_drop}
    assert not drop.practices.exists()
    person.refresh_from_db()
    assert person.cooperative == keep
    assert Follow.objects.filter(user=follower, cooperative=keep).exists()
    assert set(keep.adoptions.values_list("practice__title", "feedback")) == {
        ("Une pratique des deux", "La nôtre reste."),
        ("Une pratique du doublon", ""),
    }
    assert not Adoption.objects.filter(cooperative=drop).exists()
    # Each says so in its history; the one archived leaves the directory.
    assert keep.versions.filter(author=permanent, changed=["merged_from"]).exists()
    assert drop.versions.filter(author=permanent, changed=["merged_into"]).exists()
    assert drop not in Cooperative.objects.listed()
    # Its practices show on the page of the one kept.
    page = client.get(keep.get_absolute_url()).content.decode()
    assert "Une pratique du doublon" in page and "Une pratique des deux" in page


def test_a_merge_across_unions_or_of_the_same_one_is_refused_in_french(client):
    keep = make_cooperative(name="Menuiserie des Pentes")
    rennes = Departement.objects.get(code="35")
    other = make_cooperative(name="Menuiserie des Pentes", departement=rennes, commune="Rennes")
    permanent = make_user(role=Role.PERMANENT)
    permanent.organisation = keep.union
    permanent.save()
    client.force_login(permanent)
    response = client.post(MERGE, {"garder": keep.slug, "retirer": other.slug})
    assert response.status_code == 403
    response = client.post(MERGE, {"garder": keep.slug, "retirer": keep.slug})
    assert response.status_code == 400
    assert "deux coopératives différentes" in response.content.decode()
    response = client.get(MERGE, {"garder": keep.slug, "retirer": "n-existe-pas"})
    assert response.status_code == 400
    assert Cooperative.objects.listed().filter(pk__in=[keep.pk, other.pk]).count() == 2
