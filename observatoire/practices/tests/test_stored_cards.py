"""A list without a query reads its cards stored with the practices (page_body.py), and shows
exactly what it would have rendered; every change to what a card shows shows at once."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from observatoire.network.tests.factories import make_cooperative
from observatoire.practices import page_body
from observatoire.practices.models import Category, Practice, Theme
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db
LIST = reverse("practices:list")


@pytest.fixture(autouse=True)
def no_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def card(practice: Practice) -> str:
    return Practice.objects.values_list("card_html", flat=True).get(pk=practice.pk)


def cards_of(client, url: str = LIST) -> str:
    html = client.get(url).content.decode()
    return html.split('<div class="card-list">', 1)[1].split("\n      </div>", 1)[0]


def some_practices() -> list[Practice]:
    return [
        make_practice(
            title="Un conseil <b>coopératif</b> & ouvert",
            summary="Une synthèse « avec » des <i>signes</i>.",
            visibility=Practice.Visibility.MEMBERS,
            themes=["gouvernance", "parite-egalite"],
            cooperatives=[make_cooperative(name="Scop Alpha"), make_cooperative(name="Scic Bêta")],
        ),
        make_practice(title="Une autre pratique", themes=["gouvernance"]),
    ]


def test_a_list_shows_the_same_cards_stored_or_rendered(client, member):
    some_practices()
    client.force_login(member)
    stored = cards_of(client)
    assert "Un conseil &lt;b&gt;coopératif&lt;/b&gt; &amp; ouvert" in stored
    assert "Scic Bêta" in stored and "Réservée aux membres" in stored
    Practice.objects.update(card_html="")
    assert cards_of(client) == stored


def test_a_list_reads_its_stored_cards_in_one_query(client):
    some_practices()
    make_practice(title="Troisième", themes=["gouvernance"])
    with CaptureQueriesContext(connection) as with_cards:
        client.get(LIST)
    Practice.objects.update(card_html="")
    with CaptureQueriesContext(connection) as without:
        client.get(LIST)
    # The stored cards' query alone, instead of it and the three that render the cards.
    assert len(with_cards) == len(without) - 3


@pytest.mark.parametrize("words", ["semaine", "semaine jours", "quatre", "pratique"])
def test_a_search_shows_the_same_cards_stored_or_rendered(client, words):
    """A search splices its marked title and text into the stored cards: the same page."""
    some_practices()
    make_practice(
        title="La semaine de <quatre> jours & plus",
        summary="Une coopérative & ses <salariés>.",
        results="Des jours plus courts, une semaine plus dense.",
    )
    with CaptureQueriesContext(connection) as with_cards:
        stored = cards_of(client, f"{LIST}?q={words}")
    Practice.objects.update(card_html="")
    with CaptureQueriesContext(connection) as without:
        rendered = cards_of(client, f"{LIST}?q={words}")
    assert stored == rendered
    if words == "semaine":
        assert "La <mark>semaine</mark> de &lt;quatre&gt; jours &amp; plus" in stored
        assert "Des jours plus courts, une <mark>semaine</mark> plus dense." in stored
    assert len(with_cards) == len(without) - 3


def test_every_change_a_card_shows_shows_at_once(
    client, django_capture_on_commit_callbacks, run_tasks
):
    practice = make_practice(
        title="Ancien titre", themes=["gouvernance"], cooperatives=[make_cooperative(name="Avant")]
    )
    practice.title = "Nouveau titre"
    practice.save()
    assert "Nouveau titre" in cards_of(client)
    cooperative = practice.cooperatives.get()
    theme = Theme.objects.get(slug="gouvernance")
    category = Category.objects.get(pk=practice.category_id)
    with django_capture_on_commit_callbacks(execute=True):
        cooperative.name = "Après"
        cooperative.save()
        theme.name = "Gouvernance renommée"
        theme.save()
        category.name = "Catégorie renommée"
        category.save()
    html = cards_of(client)
    assert "Après" in html and "Gouvernance renommée" in html and "Catégorie renommée" in html
    assert "Avant" not in html
    run_tasks()  # the background task stores the card again
    assert "Après" in card(practice) and "Catégorie renommée" in card(practice)
    assert cards_of(client) == html


def test_a_card_stored_from_other_formats_or_for_another_language_is_not_shown(client):
    practice = make_practice(title="Formats")
    prefix = card(practice).split("-->", 1)[0] + "-->"
    Practice.objects.filter(pk=practice.pk).update(card_html="<!--card 0000 /-->PÉRIMÉ")
    assert "PÉRIMÉ" not in cards_of(client) and "Formats" in cards_of(client)
    Practice.objects.filter(pk=practice.pk).update(card_html=prefix + "<p>ENREGISTRÉE</p>")
    assert "ENREGISTRÉE" in cards_of(client)
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        english = cards_of(client)
    assert "ENREGISTRÉE" not in english and "Formats" in english


def test_drafts_keep_no_card_and_renderpractices_stores_the_missing_ones():
    practices = some_practices()
    draft = make_practice(title="Brouillon", status=Practice.Status.DRAFT)
    assert card(draft) == "" and all(card(p).startswith("<!--card ") for p in practices)
    alone = [card(p) for p in practices]
    Practice.objects.update(card_html="")
    call_command("renderpractices", verbosity=0)
    assert [card(p) for p in practices] == alone and card(draft) == ""
    assert page_body.render_all() == 0
