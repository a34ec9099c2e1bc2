"""A cooperative placed on the map from its commune, offline; a point placed by hand stays."""

import pytest
from django.core.exceptions import ValidationError

from observatoire.network.models import Cooperative, Departement, LocationPrecision
from observatoire.network.tests.factories import make_cooperative

pytestmark = pytest.mark.django_db


def test_a_new_cooperative_is_placed_at_its_communes_centre():
    cooperative = make_cooperative(commune="VILLEURBANNE")
    cooperative.refresh_from_db()
    assert cooperative.commune_code == "69266"
    assert cooperative.commune == "Villeurbanne"  # the official name
    assert cooperative.postcode == "69100"  # its only one
    assert cooperative.location_precision == LocationPrecision.COMMUNE
    assert 45.7 < cooperative.latitude < 45.8 and 4.85 < cooperative.longitude < 4.92


def test_the_insee_code_wins_and_a_former_code_leads_to_the_commune():
    ain = Departement.objects.get(code="01")
    cooperative = make_cooperative(departement=ain, commune="Saint-Bois", commune_code="01340")
    assert (cooperative.commune_code, cooperative.commune) == ("01015", "Arboys en Bugey")


def test_postcode_and_name_as_an_address_writes_them():
    loire = Departement.objects.get(code="44")
    cooperative = make_cooperative(departement=loire, commune="ST NAZAIRE", postcode="44600")
    assert cooperative.commune_code == "44184" and cooperative.latitude is not None


def test_overseas_cooperatives_are_placed_too():
    reunion = Departement.objects.get(code="974")
    cooperative = make_cooperative(departement=reunion, commune="Saint-Pierre")
    assert cooperative.commune_code == "97416"
    assert -21.5 < cooperative.latitude < -21.2


def test_an_unknown_commune_leaves_it_unplaced_and_saved():
    cooperative = make_cooperative(commune="Commune imaginaire")
    cooperative.refresh_from_db()
    assert cooperative.latitude is None and cooperative.location_precision == ""
    assert cooperative.commune == "Commune imaginaire"  # what was typed is kept


def test_a_point_placed_by_hand_stays_when_it_is_saved_again():
    cooperative = make_cooperative(commune="Lyon")
    cooperative.place_exactly(latitude=45.7485, longitude=4.8467)
    cooperative.description = "Nouvelle présentation"
    cooperative.save()
    cooperative.locate()
    cooperative.refresh_from_db()
    assert cooperative.location_precision == LocationPrecision.EXACT
    assert (cooperative.latitude, cooperative.longitude) == (45.7485, 4.8467)


def test_a_cooperative_whose_commune_changes_moves_to_the_new_one():
    cooperative = make_cooperative(commune="Villeurbanne")
    cooperative = Cooperative.objects.get(pk=cooperative.pk)  # as the admin loads it
    cooperative.commune, cooperative.commune_code, cooperative.postcode = "Lyon", "", ""
    cooperative.save()
    cooperative.refresh_from_db()
    assert cooperative.commune_code == "69123"
    assert cooperative.location_precision == LocationPrecision.COMMUNE
    assert 45.74 < cooperative.latitude < 45.78 and 4.82 < cooperative.longitude < 4.86


def test_a_cooperative_moved_to_an_unknown_commune_leaves_the_map():
    cooperative = Cooperative.objects.get(pk=make_cooperative(commune="Villeurbanne").pk)
    cooperative.commune, cooperative.commune_code, cooperative.postcode = "Imaginaire", "", ""
    cooperative.save()
    cooperative.refresh_from_db()
    assert cooperative.latitude is None and cooperative.location_precision == ""


def test_saving_without_moving_keeps_its_place_and_a_hand_placed_point_stays_on_a_move():
    cooperative = Cooperative.objects.get(pk=make_cooperative(commune="Villeurbanne").pk)
    placed = (cooperative.latitude, cooperative.longitude)
    cooperative.description = "Autre présentation"
    cooperative.save()
    assert (cooperative.latitude, cooperative.longitude) == placed
    cooperative.place_exactly(latitude=45.7485, longitude=4.8467)
    cooperative = Cooperative.objects.get(pk=cooperative.pk)
    cooperative.commune, cooperative.commune_code = "Lyon", ""
    cooperative.save()
    cooperative.refresh_from_db()
    assert cooperative.location_precision == LocationPrecision.EXACT
    assert (cooperative.latitude, cooperative.longitude) == (45.7485, 4.8467)


@pytest.mark.parametrize(
    ("latitude", "longitude"), [(40.4168, -3.7038), (0, 0), (48.8, 12.0), (-12.0, 44.0)]
)
def test_a_point_outside_france_is_refused_in_french(latitude, longitude):
    cooperative = make_cooperative(commune="Lyon")
    with pytest.raises(ValidationError, match="pas en France"):
        cooperative.place_exactly(latitude=latitude, longitude=longitude)
    cooperative.refresh_from_db()
    assert cooperative.location_precision == LocationPrecision.COMMUNE


def test_overseas_points_are_in_france():
    cooperative = make_cooperative(commune="Lyon")
    cooperative.place_exactly(latitude=-12.78, longitude=45.23)  # Mamoudzou
    assert Cooperative.objects.get(pk=cooperative.pk).location_precision == "exact"


def test_a_commune_with_several_postcodes_gets_none_chosen_for_it():
    cooperative = make_cooperative(commune="Lyon")
    assert cooperative.commune_code == "69123" and cooperative.postcode == ""
