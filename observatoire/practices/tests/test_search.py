"""French search: accents, case, stemming, synonyms, typos, highlights, ranking, facets."""

import pytest
from django.urls import reverse

from observatoire.lib.text import fold, stem
from observatoire.practices.models import Practice
from observatoire.practices.search import parse
from observatoire.practices.tests.factories import make_practice
from observatoire.search.models import Synonym

pytestmark = pytest.mark.django_db
LIST = reverse("practices:list")


def search(client, q: str, **params) -> list[str]:
    response = client.get(LIST, {"q": q, **params})
    assert response.status_code == 200
    return [practice.title for practice in response.context["listing"].page.object_list]


@pytest.mark.parametrize(
    "words",
    [
        ("coopérative", "coopératives", "coopératif", "cooperatifs", "COOPÉRATIVE"),
        ("administrateur", "administratrice", "administrateurs"),
        ("évènement", "événement", "evenement", "Evenements"),
        ("associé", "associée", "associés", "associes"),
    ],
)
def test_word_forms_share_a_stem(words):
    assert len({stem(fold(word)) for word in words}) == 1


def test_accents_and_case_do_not_matter(client):
    make_practice(title="Un évènement annuel entre coopératives")
    for q in ["evenement", "ÉVÉNEMENT", "événements", "cooperatives", "COOPERATIF"]:
        assert search(client, q) == ["Un évènement annuel entre coopératives"], q


def test_inflections_match(client):
    make_practice(title="Former les administratrices", summary="Une formation sur mesure.")
    assert search(client, "administrateur") == ["Former les administratrices"]
    assert search(client, "formations") == ["Former les administratrices"]


def test_abbreviation_finds_long_form_and_back(client):
    make_practice(title="Préparer l'assemblée générale en ateliers")
    make_practice(title="Une AG en plein air")
    assert sorted(search(client, "AG")) == [
        "Préparer l'assemblée générale en ateliers",
        "Une AG en plein air",
    ]
    assert sorted(search(client, "assemblee generale")) == [
        "Préparer l'assemblée générale en ateliers",
        "Une AG en plein air",
    ]


def test_synonyms_are_editable_in_the_admin(client, administrator):
    make_practice(title="Le comité technique paritaire annuel")
    assert search(client, "ctpa") == []
    client.force_login(administrator)
    response = client.post(
        reverse("admin:search_synonym_add"),
        {"term": "CTPA", "expansion": "comité technique paritaire annuel"},
    )
    assert response.status_code == 302
    assert Synonym.objects.filter(term="CTPA").exists()
    assert search(client, "ctpa") == ["Le comité technique paritaire annuel"]


def test_typo_is_corrected_and_suggested(client):
    make_practice(title="La gouvernance partagée")
    response = client.get(LIST, {"q": "gouvernence"})
    listing = response.context["listing"]
    assert listing.query.suggestion == "gouvernance"
    assert [p.title for p in listing.page.object_list] == ["La gouvernance partagée"]
    html = response.content.decode()
    assert "Vouliez-vous dire" in html and "q=gouvernance" in html


def test_known_words_get_no_suggestion():
    make_practice(title="La gouvernance partagée")
    assert parse("gouvernance partagee").suggestion == ""


def test_title_matches_rank_above_body_matches(client):
    make_practice(
        title="Un atelier mensuel",
        summary="On y parle de parité et de gouvernance "
        "et encore de gouvernance, gouvernance, gouvernance.",
    )
    make_practice(title="Des cercles", summary="Des cercles.", context="Notre gouvernance.")
    make_practice(title="La gouvernance en cercles", summary="Des cercles.")
    assert search(client, "gouvernance") == [
        "La gouvernance en cercles",
        "Un atelier mensuel",
        "Des cercles",
    ]


def test_exact_title_phrase_comes_first(client):
    make_practice(title="Le conseil des associés", summary="Un conseil pour la formation.")
    make_practice(title="La formation des associés au conseil", summary="Former.")
    make_practice(title="Un conseil de formation", summary="Pour les associés.")
    assert search(client, "conseil de formation")[0] == "Un conseil de formation"
    assert search(client, "formation des associés")[0] == "La formation des associés au conseil"


def test_every_word_found_is_said_only_when_true(client):
    make_practice(title="La semaine de quatre jours", summary="Votée en assemblée.")
    response = client.get(LIST, {"q": "semaine de 4 jours"})
    listing = response.context["listing"]
    assert not listing.matched_some_words_only
    assert [p.title for p in listing.page.object_list] == ["La semaine de quatre jours"]
    assert "Aucune pratique ne contient tous ces mots" not in response.content.decode()


def test_excerpts_highlight_matches(client):
    make_practice(title="Accueil", summary="Chaque nouvel associé reçoit un livret d'accueil.")
    html = client.get(LIST, {"q": "associes"}).content.decode()
    assert "<mark>associé</mark>" in html


def test_search_combines_with_facets(client):
    make_practice(title="Gouvernance A", themes=["gouvernance"])
    make_practice(title="Gouvernance B", themes=["parite-egalite"])
    assert search(client, "gouvernance", theme="parite-egalite") == ["Gouvernance B"]


def test_all_words_are_required_before_falling_back_to_any(client):
    make_practice(title="Parité au conseil d'administration")
    make_practice(title="Parité des salaires")
    assert search(client, "parite salaires") == ["Parité des salaires"]
    response = client.get(LIST, {"q": "salaires conseil"})
    assert response.context["listing"].matched_some_words_only
    assert len(response.context["listing"].page.object_list) == 2


def test_search_never_shows_hidden_practices(client):
    make_practice(title="Gouvernance réservée", visibility=Practice.Visibility.MEMBERS)
    make_practice(title="Gouvernance en brouillon", status=Practice.Status.DRAFT)
    assert search(client, "gouvernance") == []


def test_full_text_triggers_survive_the_migrations():
    """SQLite drops a table's triggers when a migration rebuilds it (see practices/fts.py and
    network/fts.py): the practices' and the directory's."""
    from django.db import connection

    from observatoire.network import fts as directory_fts
    from observatoire.practices.fts import TRIGGER_NAMES

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            expected = {*TRIGGER_NAMES, *directory_fts.TRIGGER_NAMES}
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            expected = {
                "practices_practice_search_vector_trigger",
                f"{directory_fts.TABLE}_search_vector_trigger",
            }
        names = {row[0] for row in cursor.fetchall()}
    assert expected <= names


def test_title_and_head_are_found_on_an_index():
    """Which rows hold a word in their title or head comes from an index, not from reading
    every row: on PostgreSQL a GIN index on the small vector; on SQLite, the rows with every
    word in their title are fetched by key as the FTS5 table gives them, and other conditions
    are ``id IN (SELECT rowid …)``, never ``(id IN (…)) = 1``, which made SQLite test every
    row of an index against the set."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    from observatoire.practices import search as practice_search

    query = practice_search.parse("gouvernance partagée")
    visible = Practice.objects.discoverable_by(AnonymousUser())
    every_word = practice_search.all_in_title(visible, query).values_list("pk", flat=True)
    ranked = practice_search.ranked(visible, query).values_list("pk", flat=True)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            assert ") = 1" not in str(ranked.query)
            # Joined: SQLite may start from the full-text table (it does at 50,000 practices).
            sql = str(every_word.query)
            assert '"practices_practice_fts".rowid = "practices_practice"."id"' in sql
            assert '"practices_practice_fts" MATCH' in sql
        else:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'practices_practice'"
                " AND indexdef LIKE '%gin%search_rank_vector%'"
            )
            assert cursor.fetchall()


def test_postgresql_connections_keep_their_plans_and_start_no_parallel_workers():
    """Settings of the site's PostgreSQL connections (lib/env.py): parameters bound on the
    server, so that plans are kept, and no parallel workers, which cost a search more to start
    than they saved while the site's own workers keep the cores busy."""
    from django.db import connection

    from observatoire.lib.env import database_from_url

    options = database_from_url("postgres://u@127.0.0.1:5432/base", "/tmp")["OPTIONS"]
    assert options["server_side_binding"] is True
    assert "max_parallel_workers_per_gather=0" in options["options"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            assert cursor.fetchone()[0] == "0"


def test_the_words_searched_are_written_into_the_sql_not_sent_as_parameters():
    """Statements are prepared on PostgreSQL; one whose words were parameters would come to
    keep a generic plan, blind to how many practices hold them (search/fulltext.py, _Words).
    Quotes cannot break out of the SQL."""
    from django.db import connection

    from observatoire.practices import search as practice_search
    from observatoire.search.fulltext import _Words

    make_practice(title="Un conseil coopératif", summary="L'assemblée et le conseil.")
    query = parse("conseil coopératif")
    stems = [stem_ for group in query.groups for alternative in group for stem_ in alternative]
    rows = Practice.objects.published()
    for ranked in (
        practice_search.ranked(rows, query),
        practice_search.all_in_title(rows, query),
        practice_search.ranked(rows, query, title_only=True),
    ):
        assert list(ranked.values_list("title", flat=True)) == ["Un conseil coopératif"]
        if connection.vendor == "postgresql":  # SQLite's FTS5 expressions stay parameters
            params = ranked.query.sql_with_params()[1]
            assert not any(stem_ in str(param) for stem_ in stems for param in params)
    assert _Words("d'l'o % x").as_sql(None, connection) == ("'d''l''o  x'", [])
