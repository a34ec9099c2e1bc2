"""The directory as open data: /annuaire/export.csv and /annuaire/export.geojson."""

import csv
import io
import json

import pytest
from django.utils import timezone

from observatoire.directory import exports
from observatoire.network.models import Cooperative
from observatoire.network.tests.factories import make_cooperative

pytestmark = pytest.mark.django_db

CSV_URL = "/annuaire/export.csv"
GEOJSON_URL = "/annuaire/export.geojson"


def read_csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="annuaire-cooperatives.csv"'
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # a spreadsheet in French opens it as UTF-8
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def read_geojson(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json; charset=utf-8"
    return json.loads(b"".join(response.streaming_content))


def test_the_csv_holds_every_page_of_the_filtered_list_with_french_headers(client):
    for number in range(23):  # more than a page of the list (20)
        make_cooperative(name=f"Scic {number:02d}", family=Cooperative.Family.SCIC)
    make_cooperative(name="Une Scop")
    archived = make_cooperative(name="Scic partie", family=Cooperative.Family.SCIC)
    archived.archived_at = timezone.now()
    archived.save()

    rows = read_csv(client.get(CSV_URL, {"forme": "scic"}))
    assert [row["Nom"] for row in rows] == [f"Scic {number:02d}" for number in range(23)]
    first = rows[0]
    assert first["Statut"] == "Scic" and first["Forme de société"] == "SARL"
    assert first["Code NAF"] == "62.01Z"
    assert first["Activité (NAF)"] == "Programmation informatique"
    assert first["Commune"] == "Lyon" and first["Code du département"] == "69"
    assert first["Région"] == "Auvergne-Rhône-Alpes"
    assert first["Effectif"] == "10 à 19 salariés" and first["Année de création"] == "2010"
    assert first["Ambassadrice du réseau"] == "non"
    cooperative = Cooperative.objects.get(name="Scic 00")
    assert first["SIREN"] == cooperative.siren
    assert first["Page dans l'annuaire"].endswith(f"/annuaire/{cooperative.slug}/")
    assert first["Page dans l'annuaire"].startswith("http")


def test_a_search_and_a_place_choose_the_rows(client):
    make_cooperative(name="Bois debout", naf_code="43.32A")
    make_cooperative(name="Autre chose")
    rows = read_csv(client.get(CSV_URL, {"q": "menuiserie"}))
    assert [row["Nom"] for row in rows] == ["Bois debout"]


def test_cells_that_would_run_as_formulas_are_written_as_text(client):
    make_cooperative(
        name='=HYPERLINK("http://exemple.invalid";"cliquez")',
        commune="+33 Lyon",
        website="https://exemple.org/",
    )
    make_cooperative(name="@SOMME(A1:A9)", commune="-Nullepartville")
    rows = read_csv(client.get(CSV_URL))
    by_name = {row["Nom"]: row for row in rows}
    formula = by_name['\'=HYPERLINK("http://exemple.invalid";"cliquez")']
    assert formula["Commune"] == "'+33 Lyon"
    assert formula["Site web"] == "https://exemple.org/"
    assert by_name["'@SOMME(A1:A9)"]["Commune"] == "'-Nullepartville"
    assert exports.spreadsheet_safe("\tcaché") == "'\tcaché"
    assert exports.spreadsheet_safe("Scop =") == "Scop ="


def test_numbers_the_directory_writes_are_not_taken_for_formulas(client):
    cooperative = make_cooperative(name="À l'ouest")
    Cooperative.objects.filter(pk=cooperative.pk).update(latitude=47.2184, longitude=-1.5536)
    rows = read_csv(client.get(CSV_URL))
    assert rows[0]["Longitude"] == "-1.5536" and rows[0]["Latitude"] == "47.2184"


def test_the_geojson_has_a_feature_a_cooperative_with_the_same_fields(client):
    placed = make_cooperative(name="Placée")
    Cooperative.objects.filter(pk=placed.pk).update(latitude=45.764043, longitude=4.835659)
    unplaced = make_cooperative(name="Sans position")
    Cooperative.objects.filter(pk=unplaced.pk).update(latitude=None, longitude=None)
    hostile = make_cooperative(name='</script><img src=x onerror=alert(1)> "guillemets"')

    data = read_geojson(client.get(GEOJSON_URL))
    assert data["type"] == "FeatureCollection"
    features = {feature["properties"]["nom"]: feature for feature in data["features"]}
    assert set(features) == {"Placée", "Sans position", hostile.name}  # written as typed
    assert features["Placée"]["geometry"] == {"type": "Point", "coordinates": [4.83566, 45.76404]}
    assert features["Sans position"]["geometry"] is None
    properties = features["Placée"]["properties"]
    assert list(properties) == [column.key for column in exports.COLUMNS]
    assert properties["statut"] == "Scop" and properties["code_departement"] == "69"
    assert properties["latitude"] == 45.76404


def test_an_unreadable_place_gets_a_french_message_and_no_file(client):
    make_cooperative(name="Quelque part")
    response = client.get(CSV_URL, {"pres": "Nullepartville"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Aucune commune ne correspond à « Nullepartville »" in page
    assert "/annuaire/?pres=Nullepartville" in page
    response = client.get(GEOJSON_URL, {"pres": "69001", "rayon": "loin"})
    assert response.status_code == 400
    assert "Le rayon se donne en kilomètres" in response.content.decode()


def test_the_list_links_to_its_exports_with_its_filters(client):
    make_cooperative(name="Une")
    page = client.get("/annuaire/", {"forme": "scop"}).content.decode()
    assert 'href="/annuaire/export.csv?forme=scop"' in page
    assert 'href="/annuaire/export.geojson?forme=scop"' in page


def test_a_file_is_in_french_whatever_the_language_of_the_page():
    from django.utils import translation

    cooperative = make_cooperative(name="Une")
    with translation.override("en"):
        lines = list(
            exports.csv_lines(
                Cooperative.objects.filter(pk=cooperative.pk).values_list("pk", flat=True)
            )
        )
    rows = list(csv.DictReader(io.StringIO("".join(lines)[1:]), delimiter=";"))
    assert rows[0]["Statut"] == "Scop" and rows[0]["Effectif"] == "10 à 19 salariés"
    assert rows[0]["Précision de la position"] == "centre de la commune"
