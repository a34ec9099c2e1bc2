"""The map (/annuaire/carte/) and its points (GeoJSON): the list's filters, public fields only."""

import json

import pytest

from observatoire.network.models import Cooperative, Departement
from observatoire.network.tests.factories import make_cooperative

pytestmark = pytest.mark.django_db

POINTS = "/annuaire/carte/points.geojson"


def features(response) -> dict[str, dict]:
    assert response["Content-Type"].startswith("application/geo+json")
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    return {f["properties"]["name"]: f for f in collection["features"]}


def test_points_follow_the_filters_and_the_search(client):
    lyonnaise = make_cooperative(name="Lyonnaise", commune="Lyon")
    make_cooperative(name="Scic lyonnaise", family=Cooperative.Family.SCIC, commune="Lyon")
    make_cooperative(
        name="Réunionnaise",
        departement=Departement.objects.get(code="974"),
        commune="Saint-Denis",
    )
    found = features(client.get(POINTS))
    assert set(found) == {"Lyonnaise", "Scic lyonnaise", "Réunionnaise"}
    longitude, latitude = found["Réunionnaise"]["geometry"]["coordinates"]
    assert -21.5 < latitude < -20.8 and 55.1 < longitude < 55.9
    assert found["Lyonnaise"]["properties"] == {
        "name": "Lyonnaise",
        "url": lyonnaise.get_absolute_url(),
        "form": "Scop SARL",
        "commune": "Lyon",
    }
    assert set(features(client.get(POINTS, {"forme": "scic"}))) == {"Scic lyonnaise"}
    assert set(features(client.get(POINTS, {"q": "reunionnaise"}))) == {"Réunionnaise"}


def test_points_leave_out_the_unplaced_and_the_archived(client):
    from django.utils import timezone

    placed = make_cooperative(name="Placée")
    make_cooperative(name="Archivée", archived_at=timezone.now())
    Cooperative.objects.filter(pk=placed.pk).update(latitude=None, longitude=None)
    make_cooperative(name="Visible")
    assert set(features(client.get(POINTS))) == {"Visible"}


def test_points_show_no_private_field(client):
    make_cooperative(name="Discrète", siren="", description="Notre présentation")
    feature = next(iter(features(client.get(POINTS)).values()))
    assert set(feature["properties"]) == {"name", "url", "form", "commune"}


def test_the_map_page_links_the_list_with_the_same_filters(client):
    make_cooperative(name="Lyonnaise")
    html = client.get("/annuaire/carte/", {"forme": "scop", "q": "lyon"}).content.decode()
    assert 'href="/annuaire/?forme=scop&amp;q=lyon"' in html
    assert 'data-points="/annuaire/carte/points.geojson?forme=scop&amp;q=lyon"' in html
    assert "leaflet.js" in html and "js/map.js" in html
    assert "tile.openstreetmap" not in html  # no third-party tiles by default
    list_html = client.get("/annuaire/", {"forme": "scop", "page": "1"}).content.decode()
    assert 'href="/annuaire/carte/?forme=scop"' in list_html


def test_an_operator_tile_server_is_allowed_by_the_csp(settings):
    """MAP_TILE_URL's origin joins img-src (settings.py), and nothing else."""
    import importlib
    import os

    from observatoire import settings as site_settings

    os.environ["MAP_TILE_URL"] = "https://{s}.tuiles.example.org/{z}/{x}/{y}.png"
    try:
        reloaded = importlib.reload(site_settings)
        assert "https://*.tuiles.example.org" in reloaded.SECURE_CSP["img-src"]
    finally:
        del os.environ["MAP_TILE_URL"]
        importlib.reload(site_settings)


def test_an_operator_pmtiles_archive_is_allowed_by_the_csp(client, settings):
    """A .pmtiles MAP_TILE_URL: its origin joins connect-src (range requests), blob: joins
    img-src (the tiles drawn from them), and the map page loads the vendored reader."""
    import importlib
    import os

    from observatoire import settings as site_settings

    os.environ["MAP_TILE_URL"] = "https://tuiles.example.org/france.pmtiles"
    try:
        reloaded = importlib.reload(site_settings)
        assert reloaded.MAP_TILES_PMTILES
        assert "https://tuiles.example.org" in reloaded.SECURE_CSP["connect-src"]
        assert "https://tuiles.example.org" not in reloaded.SECURE_CSP["img-src"]
        assert "blob:" in reloaded.SECURE_CSP["img-src"]
    finally:
        del os.environ["MAP_TILE_URL"]
        importlib.reload(site_settings)
    assert "blob:" not in site_settings.SECURE_CSP["img-src"]
    settings.MAP_TILE_URL = "/static/tuiles/france.pmtiles"
    settings.MAP_TILES_PMTILES = True
    html = client.get("/annuaire/carte/", {"forme": "sarl-pmtiles"}).content.decode()
    assert "vendor/pmtiles-4.5.0/pmtiles.js" in html and "data-pmtiles" in html
