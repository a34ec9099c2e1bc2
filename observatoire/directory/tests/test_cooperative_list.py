"""The directory (/annuaire/): search, facets with counts, sorts, « près de », pages, bad input."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone

from observatoire.network import directory_index
from observatoire.network.models import Cooperative, CooperativeFacet, Departement
from observatoire.network.sirene import import_cooperatives
from observatoire.network.tests.factories import make_cooperative
from observatoire.practices.models import Practice
from observatoire.practices.tests.factories import make_practice
from observatoire.search.models import FacetCount

pytestmark = pytest.mark.django_db

URL = "/annuaire/"


def names(response) -> list[str]:
    return [cooperative.name for cooperative in response.context["listing"].page.object_list]


def facet(response, param: str) -> dict[str, int | None]:
    found = next(f for f in response.context["listing"].facets if f.param == param)
    return {choice.value: choice.count for choice in found.choices}


def in_departement(code: str, **fields) -> Cooperative:
    return make_cooperative(departement=Departement.objects.get(code=code), **fields)


def test_names_sort_in_french_order_accents_and_case_aside(client):
    for name in ("Fabrique", "Écume", "abeille", "Dune", "Œuvres communes", "Zèbre"):
        make_cooperative(name=name)
    response = client.get(URL)
    assert response.status_code == 200
    assert names(response) == ["abeille", "Dune", "Écume", "Fabrique", "Œuvres communes", "Zèbre"]


def test_facets_count_the_list_and_a_filter_narrows_it(client):
    make_cooperative(name="Une Scic", family=Cooperative.Family.SCIC)
    make_cooperative(name="Scop un")
    make_cooperative(name="Scop deux", headcount=Cooperative.Headcount.FROM_0_TO_4)
    response = client.get(URL)
    assert facet(response, "forme") == {"scop": 2, "scic": 1}
    assert "3 coopératives" in response.content.decode()

    response = client.get(URL, {"forme": "scop"})
    assert names(response) == ["Scop deux", "Scop un"]
    assert facet(response, "effectif") == {"0-4": 1, "10-19": 2 - 1}
    # The ticked facet keeps every value, each with what its link gives.
    assert facet(response, "forme") == {"scop": 2, "scic": 1}


def test_several_filters_count_among_the_others(client):
    make_cooperative(name="A", family=Cooperative.Family.SCIC)
    make_cooperative(name="B", family=Cooperative.Family.SCIC, founded_year=1987)
    make_cooperative(name="C", founded_year=1985)
    in_departement("29", name="D", family=Cooperative.Family.SCIC)
    response = client.get(URL, {"forme": "scic", "region": "84"})  # Auvergne-Rhône-Alpes
    assert names(response) == ["A", "B"]
    assert facet(response, "decennie") == {"2010": 1, "1980": 1}
    assert facet(response, "forme") == {"scic": 2, "scop": 1}  # in the region, any status
    assert facet(response, "region") == {"84": 2, "53": 1}  # Scic, anywhere


def test_counts_follow_edits_and_archiving(client):
    first = make_cooperative(name="Première")
    make_cooperative(name="Seconde")
    assert facet(client.get(URL), "forme") == {"scop": 2}
    first.family = Cooperative.Family.SCIC
    first.save()
    assert facet(client.get(URL), "forme") == {"scop": 1, "scic": 1}
    first.archived_at = timezone.now()
    first.save()
    response = client.get(URL)
    assert names(response) == ["Seconde"] and facet(response, "forme") == {"scop": 1}
    assert not CooperativeFacet.objects.filter(cooperative=first).exists()
    stored = FacetCount.objects.get(list_name="cooperatives", scope="public", among="", token="*")
    assert stored.count == 1
    # On two facets too (counts kept for each pair of values), and what a rebuild gives.
    first.archived_at = None
    first.save()
    response = client.get(URL, {"forme": "scic", "effectif": first.headcount})
    assert names(response) == ["Première"]
    assert facet(response, "forme") == {"scic": 1, "scop": 1}

    def kept() -> dict:
        rows = FacetCount.objects.filter(list_name="cooperatives").exclude(count=0)
        return {(row.among, row.token): row.count for row in rows}

    before = kept()
    assert ("forme:scic effectif:" + first.headcount, "*") not in before  # tokens in order
    assert before[(f"effectif:{first.headcount} forme:scic", "*")] == 1
    directory_index.rebuild_all(Cooperative)
    assert kept() == before


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Ecume", "L'Écume des jours"),  # without its accent
        ("ECUME", "L'Écume des jours"),
        ("menuiserie", "Bois debout"),  # its activity (NAF 43.32A)
        ("Brest", "Ar Vro"),  # its commune
        ("Finistère", "Ar Vro"),  # its département
        ("Bretagne", "Ar Vro"),  # its region
    ],
)
def test_search_finds_names_activities_and_places(client, query, expected):
    make_cooperative(name="L'Écume des jours", naf_code="58.11Z")
    make_cooperative(name="Bois debout", naf_code="43.32A")
    in_departement("29", name="Ar Vro", commune="Brest", naf_code="62.01Z")
    response = client.get(URL, {"q": query})
    assert names(response) == [expected], query


def test_search_corrects_a_typo_in_a_name(client):
    make_cooperative(name="Menuiserie Ardelaine")
    make_cooperative(name="Autre chose")
    response = client.get(URL, {"q": "ardelaien"})
    assert names(response) == ["Menuiserie Ardelaine"]


def test_a_name_in_the_title_ranks_above_a_mention_in_the_activity(client):
    make_cooperative(name="Atelier Menuiserie Tournesol", naf_code="62.01Z")
    make_cooperative(name="Bois et compagnie", naf_code="43.32A")  # menuiserie: its activity
    assert names(client.get(URL, {"q": "menuiserie"})) == [
        "Atelier Menuiserie Tournesol",
        "Bois et compagnie",
    ]


def test_near_a_commune_sorts_by_distance_within_the_radius(client):
    in_departement("44", name="Nantaise", commune="Nantes")
    in_departement("44", name="Nazairienne", commune="Saint-Nazaire")
    in_departement("35", name="Rennaise", commune="Rennes")
    make_cooperative(name="Lyonnaise", commune="Lyon")
    response = client.get(URL, {"pres": "Nantes"})
    assert names(response) == ["Nantaise", "Nazairienne", "Rennaise", "Lyonnaise"]
    assert response.context["listing"].sort == "distance"
    html = response.content.decode()
    assert "à 0 km" in html and re.search(r"à (5\d|6\d) km", html)  # Saint-Nazaire
    response = client.get(URL, {"pres": "44000", "rayon": "80"})
    assert names(response) == ["Nantaise", "Nazairienne"]
    assert facet(response, "region") == {"52": 2}  # Rennes is 100 km away


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"pres": "Nulle-Part-sur-Mer"}, "Aucune commune ne correspond à « Nulle-Part-sur-Mer »"),
        ({"pres": "Nantes", "rayon": "dix"}, "Le rayon se donne en kilomètres"),
        ({"pres": "Nantes", "rayon": "-5"}, "Le rayon se donne en kilomètres"),
        ({"pres": "Nantes", "rayon": "99999999999999999999"}, "Le rayon se donne en kilomètres"),
    ],
)
def test_bad_places_and_radii_say_so_and_keep_what_was_typed(client, params, message):
    make_cooperative(name="Lyonnaise")
    response = client.get(URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html.replace("&#x27;", "'").replace("&quot;", '"')
    assert f'value="{params["pres"]}"' in html
    assert names(response) == ["Lyonnaise"]  # the list stays, unfiltered by the bad value


def test_unknown_filters_and_long_queries_never_fail(client):
    make_cooperative(name="Lyonnaise")
    response = client.get(URL, {"forme": "sa<script>", "tri": "n'importe", "page": "x"})
    assert response.status_code == 200
    assert "Ces filtres n'existent pas" in response.content.decode()
    assert "script" not in response.context["listing"].sorts[1][2]  # links drop it
    assert "sa<script>" not in response.content.decode()
    assert client.get(URL, {"q": "menuiserie " * 1000}).status_code == 200
    assert client.get(URL, {"pres": "x" * 10000, "rayon": "9" * 500}).status_code == 200


def test_newest_first_and_pages_keep_the_filters(client, monkeypatch):
    from observatoire.directory import listing

    monkeypatch.setattr(listing, "PER_PAGE", 2)
    now = timezone.now()
    for number in range(5):
        make_cooperative(name=f"Coop {number}", added_at=now - timezone.timedelta(days=number))
    make_cooperative(name="Scic à part", family=Cooperative.Family.SCIC)
    response = client.get(URL, {"forme": "scop", "tri": "recentes"})
    assert names(response) == ["Coop 0", "Coop 1"]
    next_url = response.context["listing"].next_url
    assert "forme=scop" in next_url and "tri=recentes" in next_url and "page=2" in next_url
    response = client.get(URL + next_url)
    assert names(response) == ["Coop 2", "Coop 3"]


def test_flags_and_shared_practices_are_facets(client):
    ambassador = make_cooperative(name="Ambassadrice", ambassador=True, offers_mentoring=True)
    both = make_cooperative(name="Les deux", offers_mentoring=True, seeks_mentoring=True)
    sharing = make_cooperative(name="Qui partage")
    response = client.get(URL)
    assert facet(response, "ambassadeur") == {"oui": 1}
    assert facet(response, "parrainage") == {"propose": 2, "cherche": 1}
    assert "pratiques" not in [f.param for f in response.context["listing"].facets]

    practice = make_practice(cooperatives=[sharing])
    assert names(client.get(URL, {"pratiques": "oui"})) == ["Qui partage"]
    practice.status = Practice.Status.DRAFT
    practice.save()
    assert names(client.get(URL, {"pratiques": "oui"})) == []
    # Both values of the one facet a cooperative may hold twice: each cooperative once.
    response = client.get(URL, {"parrainage": ["propose", "cherche"]})
    assert names(response) == ["Ambassadrice", "Les deux"]
    assert response.context["listing"].page.paginator.count == 2
    assert ambassador.pk and both.pk


def test_a_members_only_practice_does_not_make_a_sharing_cooperative(client):
    cooperative = make_cooperative(name="Discrète")
    make_practice(cooperatives=[cooperative], visibility=Practice.Visibility.MEMBERS)
    assert names(client.get(URL, {"pratiques": "oui"})) == []


def test_everything_is_a_link_or_a_plain_form(client):
    """No JavaScript needed: the search is a GET form, filters and sorts are links."""
    make_cooperative(name="Lyonnaise")
    html = client.get(URL, {"forme": "scop"}).content.decode()
    assert 'method="get" action="/annuaire/"' in html
    assert 'href="?#resultats"' in html  # untick « Scop »: back to the whole directory
    assert 'href="?forme=scop&amp;tri=recentes#resultats"' in html


def test_a_name_several_communes_share_asks_which(client):
    in_departement("44", name="Nazairienne", commune="Saint-Nazaire")
    response = client.get(URL, {"pres": "Saint-Nazaire", "rayon": "30"})
    html = response.content.decode()
    assert "Plusieurs communes s&#x27;appellent « Saint-Nazaire »" in html
    assert "Saint-Nazaire (44)" in html and "Saint-Nazaire (66)" in html
    choice = next(url for label, url in response.context["listing"].places if "(44)" in label)
    assert "pres=44184" in choice and "rayon=30" in choice
    response = client.get(URL + choice)
    assert names(response) == ["Nazairienne"] and response.context["listing"].near.radius == 30


def test_departements_and_naf_divisions_are_offered_within_a_region_or_a_section(client):
    """A hundred départements or divisions would bury the other facets: they come once a
    broader value is chosen (or when one of theirs is in the address)."""
    in_departement("44", name="Nantaise", commune="Nantes", naf_code="43.32A")
    in_departement("35", name="Rennaise", commune="Rennes", naf_code="62.01Z")
    offered = [f.param for f in client.get(URL).context["listing"].facets]
    assert "departement" not in offered and "division" not in offered
    response = client.get(URL, {"region": "52"})
    assert facet(response, "departement") == {"44": 1}
    response = client.get(URL, {"section": "F"})
    assert facet(response, "division") == {"43": 1}
    response = client.get(URL, {"departement": "35"})
    assert facet(response, "departement") == {"35": 1, "44": 1}


# After an import of the SIRENE register, which writes the directory's index itself, in bulk.

SIRENE_SAMPLE = Path(__file__).parents[2] / "network" / "tests" / "data" / "sirene_extrait.csv"


def index_state() -> tuple[dict, set, dict]:
    """Every count, facet row and indexed field of the directory, to compare with a rebuild."""
    counts = FacetCount.objects.filter(list_name="cooperatives").exclude(count=0)
    rows = CooperativeFacet.objects.values_list("cooperative", "token", "sort_name", "tokens")
    indexed = {c["pk"]: c for c in Cooperative.objects.values("pk", *directory_index.INDEXED)}
    return (
        {(row.scope, row.among, row.token): row.count for row in counts},
        {(pk, token, name, tuple(tokens)) for pk, token, name, tokens in rows},
        indexed,
    )


@pytest.mark.parametrize("recount_past", [1000, 0])  # counts adjusted, or counted again
def test_imported_cooperatives_are_found_and_counted(client, monkeypatch, recount_past):
    monkeypatch.setattr(directory_index, "RECOUNT_PAST", recount_past)
    make_cooperative(name="Déjà là", siren="500033337")  # the import updates it
    make_cooperative(name="Pas dans le fichier")
    today = datetime.date(2026, 3, 1)
    report = import_cooperatives(SIRENE_SAMPLE.read_bytes(), today=today)
    assert (report.created, report.updated) == (8, 1)

    assert names(client.get(URL, {"q": "canuts"})) == ["MENUISERIE DES CANUTS"]
    assert names(client.get(URL, {"q": "Strasbourg"})) == ["VIGNERONS ASSOCIES D'ALSACE"]
    assert names(client.get(URL, {"q": "briqueterie batisseurs"})) == []  # not the address
    assert names(client.get(URL, {"q": "batisseurs"})) == ["BATISSEURS D'OCCITANIE"]
    assert names(client.get(URL, {"q": "Déjà"})) == []  # its register name now
    response = client.get(URL)
    assert facet(response, "forme") == {"scop": 7, "scic": 2, "cae": 1}
    assert facet(response, "region") == {
        "84": 3,  # Lyon ×2, Grenoble
        "52": 1,
        "53": 1,
        "76": 1,
        "32": 1,
        "75": 1,
        "11": 1,
        "44": 1,
    }
    response = client.get(URL, {"forme": "scop", "region": "84"})
    assert names(response) == ["MENUISERIE DES CANUTS", "Pas dans le fichier"]
    assert facet(response, "effectif") == {"10-19": 2}
    imported = index_state()
    directory_index.rebuild_all(Cooperative)
    assert index_state() == imported

    # Imported again, a cooperative moved and renamed: found under its new name and place.
    text = SIRENE_SAMPLE.read_text(encoding="utf-8").replace(
        "MENUISERIE DES CANUTS", "ATELIER DES MOUETTES"
    )
    text = text.replace("69004,LYON 4EME,69384", "67000,STRASBOURG,67482")
    report = import_cooperatives(text.encode(), today=today)
    assert (report.created, report.updated) == (0, 1)
    assert names(client.get(URL, {"q": "canuts"})) == []
    assert names(client.get(URL, {"q": "mouettes"})) == ["ATELIER DES MOUETTES"]
    assert facet(client.get(URL), "region")["84"] == 2
    updated = index_state()
    directory_index.rebuild_all(Cooperative)
    assert index_state() == updated
