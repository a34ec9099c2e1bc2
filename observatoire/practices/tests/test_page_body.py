"""The practice page's body stored with the practice (page_body.py): the same page as rendered,
kept up to date by every change of what it shows, never shown where it does not belong."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from observatoire.network.models import Cooperative, Organisation
from observatoire.network.tests.factories import make_cooperative
from observatoire.practices import page_body
from observatoire.practices.models import Category, Practice, Tag, Theme
from observatoire.practices.tests.factories import make_practice
from observatoire.practices.tests.test_attachments import attach

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def stored(practice: Practice) -> str:
    return Practice.objects.values_list("body_html", flat=True).get(pk=practice.pk)


def page(client, practice: Practice) -> str:
    """The page, but for its CSRF tokens (masked afresh on every response)."""
    response = client.get(practice.get_absolute_url())
    assert response.status_code == 200
    return re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1…", response.content.decode())


def full_practice(**fields) -> Practice:
    practice = make_practice(
        title="Un conseil <b>coopératif</b> & ouvert",
        visibility=Practice.Visibility.MEMBERS,
        themes=["gouvernance", "parite-egalite"],
        cooperatives=[make_cooperative(name="Scop Alpha"), make_cooperative(name="Scic Bêta")],
        context="Premier paragraphe.\n\nSecond <script>alert(1)</script> paragraphe.",
        actions="Ce qui a été fait.",
        setup_duration="Trois mois",
        results="Des résultats.",
        contact_name="Camille",
        contact_email="camille@example.org",
        started_year=2019,
        **fields,
    )
    practice.tags.create(name="essai", slug="essai")
    practice.links.create(title="Le guide", url="https://example.org/guide")
    attach(practice, name="Statuts.pdf")
    practice.reindex()
    return practice


def test_the_page_is_the_same_whether_its_body_is_stored_or_rendered(client, client_as, member):
    practice = full_practice()
    assert stored(practice).startswith("<!--body ")
    signed_in = client_as(member)
    with_stored = page(signed_in, practice)
    Practice.objects.filter(pk=practice.pk).update(body_html="")
    assert page(signed_in, practice) == with_stored
    # What the body shows, escaped as the template escapes it, the contact's address to members.
    assert "Un conseil &lt;b&gt;coopératif&lt;/b&gt; &amp; ouvert" in with_stored
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in with_stored
    for shown in ("Scop Alpha", "Scic Bêta", "#essai", "Le guide", "Statuts.pdf", "Trois mois"):
        assert shown in with_stored, shown
    assert 'href="mailto:camille@example.org"' in with_stored
    assert "<!--" not in with_stored.split("<body>", 1)[1]  # neither the key nor the mark


def test_a_visitor_gets_the_stored_body_without_the_members_contact(client):
    practice = make_practice(title="Ouverte", contact_name="Camille", contact_email="c@example.org")
    html = page(client, practice)
    Practice.objects.filter(pk=practice.pk).update(body_html="")
    assert page(client, practice) == html
    assert "Camille" in html and "c@example.org" not in html
    assert "Connectez-vous pour voir l'adresse du contact." in html


def test_the_stored_body_spares_the_queries_of_the_body(client):
    practice = full_practice(status=Practice.Status.PUBLISHED)
    practice.visibility = Practice.Visibility.PUBLIC
    practice.save()
    with CaptureQueriesContext(connection) as stored_queries:
        page(client, practice)
    Practice.objects.filter(pk=practice.pk).update(body_html="")
    with CaptureQueriesContext(connection) as rendered_queries:
        page(client, practice)
    # Cooperatives, tags, links and documents: four queries the stored body does without.
    assert len(rendered_queries) - len(stored_queries) == 4


def test_every_change_of_the_practice_shows_at_once(client):
    practice = make_practice(title="Avant")
    page(client, practice)
    practice.title = "Après"
    practice.save()
    assert "Après" in page(client, practice) and "Avant" not in stored(practice)
    practice.themes.set([Theme.objects.get(slug="gouvernance")])
    assert stored(practice) == ""  # dropped until the practice is indexed again
    assert "Gouvernance" in page(client, practice)
    practice.reindex()
    assert "Gouvernance" in stored(practice)
    attach(practice, name="Nouveau.pdf")
    assert stored(practice) == ""
    assert "Nouveau.pdf" in page(client, practice)


def test_a_theme_a_tag_or_a_cooperative_renamed_shows_on_every_page_naming_it(
    client, django_capture_on_commit_callbacks, run_tasks
):
    theme = Theme.objects.get(slug="gouvernance")
    cooperative = make_cooperative(name="Scop Ancienne")
    naming = make_practice(title="Nommée", themes=[theme], cooperatives=[cooperative])
    naming.tags.create(name="vieux", slug="vieux")
    naming.reindex()
    other = make_practice(title="Autre", themes=["parite-egalite"])
    other_body = stored(other)
    with django_capture_on_commit_callbacks(execute=True):
        theme.name = "Gouvernance partagée renommée"
        theme.save()
        Tag.objects.filter(slug="vieux").get().delete()
        cooperative.name = "Scop Nouvelle"
        cooperative.save()
    assert stored(naming) == "" and stored(other) == other_body
    html = page(client, naming)
    assert "Gouvernance partagée renommée" in html and "Scop Nouvelle" in html
    assert "#vieux" not in html
    run_tasks()  # the background task stores them again
    assert "Scop Nouvelle" in stored(naming) and "#vieux" not in stored(naming)


def test_a_union_renamed_shows_on_the_pages_of_its_cooperatives(client, run_tasks):
    practice = make_practice(title="Fédérée")
    cooperative = practice.cooperatives.get()
    union = Organisation.objects.get(pk=cooperative.union_id)
    union.short_name = "URSCOP Renommée"
    union.save()
    assert stored(practice) == ""
    assert "URSCOP Renommée" in page(client, practice)


def test_loading_the_reference_data_again_unchanged_keeps_every_stored_body():
    practices = [make_practice(title=f"Gardée {n}", themes=["gouvernance"]) for n in range(3)]
    before = [stored(practice) for practice in practices]
    call_command("loaddata", "network", "taxonomy", verbosity=0)
    assert [stored(practice) for practice in practices] == before
    assert all(body.startswith("<!--body ") for body in before)


def test_a_category_renamed_drops_the_bodies_of_its_practices_only():
    practice = make_practice(title="Classée", category="organisation-collective")
    elsewhere = Category.objects.exclude(slug="organisation-collective").first()
    other = make_practice(title="Ailleurs", category=elsewhere)
    category = Category.objects.get(slug="organisation-collective")
    category.name = "Organisation renommée"
    category.save()
    assert stored(practice) == "" and stored(other) != ""


def test_a_body_stored_from_other_templates_or_for_another_language_is_not_shown(client):
    practice = make_practice(title="Gabarits")
    prefix = stored(practice).split("-->", 1)[0] + "-->"
    # A body stored by another version of the templates: never shown.
    Practice.objects.filter(pk=practice.pk).update(body_html="<!--body 0000 /-->PÉRIMÉ")
    assert "PÉRIMÉ" not in page(client, practice)
    # The current key: shown in French (the site's language), not in English.
    Practice.objects.filter(pk=practice.pk).update(body_html=prefix + "<p>ENREGISTRÉ</p>")
    assert "ENREGISTRÉ" in page(client, practice)
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        english = page(client, practice)
    assert "ENREGISTRÉ" not in english and "Gabarits" in english


def test_the_contact_mark_cannot_be_written_by_a_contributor(client, client_as, member):
    practice = make_practice(
        title="<!--contact-->",
        summary="<!--contact--> dans le résumé",
        contact_name="Camille",
        contact_email="camille@example.org",
    )
    html = page(client_as(member), practice)
    assert html.count("camille@example.org") == 2  # the mailto link, once
    assert "&lt;!--contact--&gt;" in html


def test_drafts_and_deleted_practices_keep_no_body(member):
    draft = make_practice(title="Brouillon", status=Practice.Status.DRAFT)
    assert stored(draft) == ""
    published = make_practice(title="Publiée")
    published.status = Practice.Status.DRAFT
    published.save()
    assert stored(published) == ""


def test_renderpractices_stores_the_missing_bodies_only(capsys):
    practices = [make_practice(title=f"À rendre {n}") for n in range(3)]
    make_practice(title="Brouillon", status=Practice.Status.DRAFT)
    Practice.objects.filter(pk__in=[p.pk for p in practices[:2]]).update(body_html="")
    call_command("renderpractices")
    assert "2 pratiques rendues (corps de page et carte)." in capsys.readouterr().out
    assert all(stored(p).startswith("<!--body ") for p in practices)
    call_command("renderpractices")
    assert "0 pratiques rendues (corps de page et carte)." in capsys.readouterr().out


def test_a_body_rendered_in_bulk_is_the_one_rendered_alone():
    practice = full_practice()
    alone = stored(practice)
    Practice.objects.filter(pk=practice.pk).update(body_html="")
    assert page_body.render_all() == 1
    assert stored(practice) == alone
    assert Cooperative.objects.filter(practices=practice).count() == 2


def test_a_rename_is_kept_even_if_the_task_cannot_be_queued(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    practice = make_practice(title="Sans travailleur", themes=["gouvernance"])

    class Unavailable:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("file des tâches indisponible")

    monkeypatch.setattr(page_body, "render_bodies", Unavailable())
    theme = Theme.objects.get(slug="gouvernance")
    with django_capture_on_commit_callbacks(execute=True):
        theme.name = "Gouvernance, nom neuf"
        theme.save()
    assert Theme.objects.get(pk=theme.pk).name == "Gouvernance, nom neuf"
    assert stored(practice) == ""
    assert "Gouvernance, nom neuf" in page(client, practice)
