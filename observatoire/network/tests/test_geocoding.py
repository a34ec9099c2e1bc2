"""Offline geocoding against known positions (town halls or city centres, from the IGN's and the
communes' own published coordinates), overseas included, and the ways addresses write communes."""

import gzip
import json
import math

import pytest

from observatoire.network import geocoding


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lat1, lon1), (lat2, lon2) = (tuple(map(math.radians, p)) for p in (a, b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(h))


@pytest.mark.parametrize(
    ("code", "name", "known"),
    [
        ("75056", "Paris", (48.8566, 2.3522)),
        ("69123", "Lyon", (45.7640, 4.8357)),
        ("44109", "Nantes", (47.2184, -1.5536)),
        ("59350", "Lille", (50.6292, 3.0573)),
        ("67482", "Strasbourg", (48.5734, 7.7521)),
        ("2A004", "Ajaccio", (41.9192, 8.7386)),
        ("35238", "Rennes", (48.1173, -1.6778)),
        ("97120", "Pointe-à-Pitre", (16.2411, -61.5331)),
        ("97209", "Fort-de-France", (14.6161, -61.0588)),
        ("97302", "Cayenne", (4.9224, -52.3135)),
        ("97411", "Saint-Denis", (-20.8821, 55.4504)),
        ("97611", "Mamoudzou", (-12.7806, 45.2279)),
    ],
)
def test_a_commune_is_placed_near_its_known_position(code, name, known):
    commune = geocoding.commune(code)
    assert commune is not None and commune.name == name
    assert distance_km((commune.latitude, commune.longitude), known) < 8, commune


def test_every_inhabited_commune_has_a_position_in_france():
    communes = geocoding._index().by_code.values()
    assert len(communes) > 34_800
    unplaced = [c.code for c in communes if not c.placed]
    assert len(unplaced) <= 4  # four uninhabited Cantal communes without an outline
    overseas = {c.departement for c in communes if c.departement.startswith("97")}
    assert overseas == {"971", "972", "973", "974", "976"}
    for commune in communes:
        if commune.placed and commune.departement < "97":  # metropolitan France and Corsica
            assert 41.3 < commune.latitude < 51.1 and -5.2 < commune.longitude < 9.6, commune


def test_former_and_inner_codes_lead_to_the_current_commune():
    assert geocoding.commune("01340").code == "01015"  # Saint-Bois, merged into Arboys en Bugey
    assert geocoding.commune("75108").code == "75056"  # Paris 8e, as SIRENE writes it
    assert geocoding.commune("13201").code == "13055"  # Marseille 1er
    assert geocoding.commune("69381").code == "69123"  # Lyon 1er
    assert geocoding.commune("99999") is None
    assert geocoding.commune("") is None


@pytest.mark.parametrize(
    ("postcode", "name", "expected"),
    [
        ("44000", "NANTES", "44109"),
        ("44600", "ST NAZAIRE", "44184"),
        ("44600", "Saint-Nazaire", "44184"),
        ("75008", "PARIS 8", "75056"),
        ("69001", "LYON 1ER", "69123"),
        ("13001", "MARSEILLE", "13055"),
        ("97600", "MAMOUDZOU", "97611"),
        ("72000", "LE MANS", "72181"),
        ("35000", "RENNES CEDEX", "35238"),
        ("44 000", "nantes", "44109"),
    ],
)
def test_an_address_postcode_and_name_find_the_commune(postcode, name, expected):
    assert geocoding.find(postcode=postcode, name=name).code == expected


def test_a_name_decides_between_communes_sharing_a_postcode_and_never_guesses():
    shared = list(geocoding._index().by_postcode["01300"])
    assert len(shared) > 1
    chosen = shared[-1]
    assert geocoding.find(postcode="01300", name=chosen.name.upper()) == chosen
    assert geocoding.find(postcode="01300", name="Ville qui n'existe pas") is None
    assert geocoding.find(postcode="00000", name="Nantes") is None
    assert geocoding.find(postcode="", name="") is None


def test_the_code_wins_over_the_postcode():
    assert geocoding.find(code="44109", postcode="75008", name="PARIS").code == "44109"
    # An unknown code falls back on the address.
    assert geocoding.find(code="00000", postcode="44000", name="NANTES").code == "44109"


def test_names_compare_without_accents_case_or_punctuation():
    assert geocoding.normalized("L'Haÿ-les-Roses") == geocoding.normalized("L HAY LES ROSES")
    assert geocoding.normalized("STE GENEVIEVE DES BOIS") == "sainte genevieve des bois"
    assert geocoding.normalized("Paris 15e Arrondissement") == "paris"


def test_the_shipped_file_is_the_one_the_script_writes():
    """The data file is the build script's format (README, « Données géographiques »): one row a
    current commune, ordered, no commune of the collectivités d'outre-mer."""
    rows = json.loads(gzip.decompress(geocoding.DATA.read_bytes()))
    assert all(len(row) == 8 for row in rows)
    assert not [row for row in rows if row[2].startswith(("975", "977", "978", "98"))]


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("Nantes", ["44109"]),
        ("NANTES", ["44109"]),
        ("Le Mans", ["72181"]),
        ("Mans", ["72181"]),
        ("Paris", ["75056"]),
        ("saint nazaire", ["30288", "44184", "66186"]),  # the person chooses
        ("Nulle-Part-sur-Mer", []),
        ("", []),
    ],
)
def test_a_name_alone_finds_the_communes_it_may_mean(name, codes):
    assert [commune.code for commune in geocoding.named(name)] == codes
