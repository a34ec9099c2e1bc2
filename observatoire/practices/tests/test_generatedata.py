"""The generatedata command: counts, same data for the same seed, valid SIRENs, searchable."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from observatoire.accounts.models import User
from observatoire.lib.identifiers import luhn_is_valid
from observatoire.lib.text import STOP_WORDS, fold, index_text, words
from observatoire.network.models import Cooperative
from observatoire.practices.management.commands.generatedata import EMAIL_DOMAIN, GENERATED_SLUG
from observatoire.practices.models import Category, Practice, Theme
from observatoire.search.models import Word

pytestmark = pytest.mark.django_db
SIZES = {"practices": 30, "cooperatives": 10, "people": 20}


def generate(seed: int = 7, **options) -> None:
    call_command("generatedata", seed=seed, verbosity=0, **SIZES, **options)


def generated_titles() -> list[str]:
    return list(
        Practice.objects.filter(slug__regex=GENERATED_SLUG)
        .order_by("slug")
        .values_list("title", flat=True)
    )


def test_creates_the_requested_rows():
    generate()
    assert Practice.objects.filter(slug__regex=GENERATED_SLUG).count() == 30
    assert Cooperative.objects.filter(slug__regex=GENERATED_SLUG).count() == 10
    assert User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count() == 20
    assert all(
        practice.cooperatives.exists() and practice.themes.exists()
        for practice in Practice.objects.all()
    )


def test_generated_cooperatives_are_placed_on_real_communes_of_their_departement():
    from observatoire.network import geocoding

    call_command("generatedata", seed=3, verbosity=0, practices=5, cooperatives=60, people=5)
    generated = Cooperative.objects.filter(slug__regex=GENERATED_SLUG).select_related("departement")
    for cooperative in generated:
        commune = geocoding.commune(cooperative.commune_code)
        assert commune is not None and commune.name == cooperative.commune, cooperative
        assert commune.departement == cooperative.departement.code
        assert (cooperative.latitude, cooperative.longitude) == (
            commune.latitude,
            commune.longitude,
        )
        assert cooperative.postcode in commune.postcodes
    assert len({c.commune_code for c in generated}) > 30  # spread, not one town a département


def test_same_seed_gives_the_same_data_and_another_seed_other_data():
    generate()
    first = generated_titles()
    generate(clear=True)
    assert generated_titles() == first
    generate(seed=8, clear=True)
    assert generated_titles() != first


def test_clear_deletes_in_batches_and_keeps_what_it_did_not_generate(monkeypatch):
    """A query takes at most 65,535 parameters with server-side binding (PostgreSQL): the
    generated rows are deleted a batch at a time, every batch, and only they."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from observatoire.practices.management.commands import generatedata

    monkeypatch.setattr(generatedata, "DELETE_BATCH", 7)
    kept = User.objects.create_user(email="gardee@example.org", password="x", full_name="Gardée")
    generate()
    with CaptureQueriesContext(connection) as queries:
        generatedata.clear_generated()
    assert not Practice.objects.filter(slug__regex=GENERATED_SLUG).exists()
    assert not Cooperative.objects.filter(slug__regex=GENERATED_SLUG).exists()
    assert not User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").exists()
    assert User.objects.filter(pk=kept.pk).exists()
    deletes = [q["sql"] for q in queries if q["sql"].startswith('DELETE FROM "practices_practice"')]
    assert len(deletes) == 5  # 30 practices, 7 at a time


def test_refuses_to_generate_twice_without_clear():
    generate()
    with pytest.raises(CommandError, match="--clear"):
        generate()


def test_sirens_are_luhn_valid():
    generate()
    sirens = list(Cooperative.objects.values_list("siren", flat=True))
    assert sirens and all(len(siren) == 9 and luhn_is_valid(siren) for siren in sirens)


def test_search_index_is_what_reindex_would_store():
    generate()
    for practice in Practice.objects.order_by("pk")[:5]:
        stored = (practice.search_title, practice.search_head, practice.search_body)
        assert stored == practice.index_texts()
        assert practice.search_title == index_text(practice.title)
        assert practice.sort_title == fold(practice.title)


def test_generated_practices_are_found_by_search(client):
    generate()
    practice = Practice.objects.published().filter(visibility="public").order_by("pk").first()
    word = max((w for w in words(practice.title) if w not in STOP_WORDS), key=len)
    assert Word.objects.filter(word=word).exists()
    response = client.get(reverse("practices:list"), {"q": word})
    assert response.status_code == 200
    paginator = response.context["listing"].page.paginator
    found = paginator.object_list[0 : paginator.count]  # the ids of every result, in order
    assert practice.pk in set(found)


def test_requires_the_reference_fixtures():
    Theme.objects.all().delete()
    Category.objects.all().delete()
    with pytest.raises(CommandError, match="loaddata network taxonomy"):
        generate()
