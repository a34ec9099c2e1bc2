"""Contributing: drafts at any moment, preview as published, submission, « Mes contributions »."""

from html import unescape

import pytest
from django.urls import reverse

from observatoire.network.tests.factories import make_cooperative
from observatoire.practices.models import Category, Practice
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db
SUBMIT = reverse("practices:submit")


def complete_form(**changes) -> dict:
    data = {
        "title": "Un conseil coopératif des jeunes associés",
        "summary": "Les moins de trente ans se réunissent chaque trimestre.",
        "category": Category.objects.get(slug="un-vecu").pk,
        "themes": [],
        "actions": "Nous avons créé un conseil consultatif.",
        "tags_text": "jeunesse, parrainage",
        "links_text": "https://www.les-scop.coop/guide Le guide",
        "visibility": "public",
        "action": "soumettre",
    }
    data.update(changes)
    return data


def test_visitors_are_sent_to_sign_in(client):
    for url in [SUBMIT, reverse("practices:my_contributions")]:
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(
    "role", ["member", "coop_admin", "permanent", "moderator", "administrator"]
)
def test_every_signed_in_role_may_open_the_form(client_as, request, role):
    assert client_as(request.getfixturevalue(role)).get(SUBMIT).status_code == 200


def test_a_draft_needs_only_a_title_and_stays_private(client_as, member, client):
    response = client_as(member).post(
        SUBMIT, {"title": "Idée à creuser", "action": "brouillon", "visibility": "public"}
    )
    practice = Practice.objects.get(title="Idée à creuser")
    assert response.status_code == 302 and practice.slug in response["Location"]
    assert practice.status == Practice.Status.DRAFT and practice.author == member
    assert list(practice.cooperatives.all()) == [member.cooperative]
    client.logout()
    assert client.get(practice.get_absolute_url()).status_code == 404
    assert "Idée à creuser" not in client.get("/pratiques/").content.decode()


def test_submission_with_missing_fields_keeps_everything_typed(client_as, member):
    data = complete_form(summary="", category="", context="Un contexte déjà écrit.")
    response = client_as(member).post(SUBMIT, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Un contexte déjà écrit." in html and "jeunesse, parrainage" in html
    assert "Ce champ est obligatoire." in html
    assert not Practice.objects.exists()


def test_submission_sends_to_review(client_as, member):
    response = client_as(member).post(SUBMIT, complete_form())
    assert response.status_code == 302
    practice = Practice.objects.get()
    assert practice.status == Practice.Status.SUBMITTED and practice.submitted_at
    assert sorted(tag.name for tag in practice.tags.all()) == ["jeunesse", "parrainage"]
    assert practice.links.get().title == "Le guide"
    html = client_as(member).get(reverse("practices:my_contributions")).content.decode()
    assert "Un conseil coopératif des jeunes associés" in html and "soumise" in html
    # Under review, the author can no longer change it.
    assert client_as(member).get(reverse("practices:edit", args=[practice.slug])).status_code == 404


def test_preview_shows_the_practice_as_published(client_as, member):
    client = client_as(member)
    client.post(SUBMIT, complete_form(action="apercu", context="Le contexte."))
    practice = Practice.objects.get()
    assert practice.status == Practice.Status.DRAFT
    html = unescape(client.get(reverse("practices:preview", args=[practice.slug])).content.decode())
    assert "Aperçu" in html and "Le contexte." in html and member.cooperative.name in html


def test_others_cannot_see_or_edit_a_draft(client_as, member, coop_admin):
    draft = make_practice(status=Practice.Status.DRAFT, author=member)
    client = client_as(coop_admin)
    assert client.get(reverse("practices:edit", args=[draft.slug])).status_code == 404
    assert client.get(reverse("practices:preview", args=[draft.slug])).status_code == 404
    assert (
        client.post(reverse("practices:edit", args=[draft.slug]), complete_form()).status_code
        == 404
    )


def test_a_permanent_credits_a_practice_to_a_cooperative(client_as, permanent):
    spotted = make_cooperative(name="Scop repérée")
    client = client_as(permanent)
    client.post(SUBMIT, complete_form(cooperative_siren=spotted.siren))
    assert list(Practice.objects.get().cooperatives.all()) == [spotted]


@pytest.mark.parametrize(
    "siren, message",
    [
        ("123456789", "clé de contrôle"),
        ("732829320", "Aucune coopérative"),
        ("", "SIREN"),
    ],
)
def test_a_permanent_gets_clear_siren_errors(client_as, permanent, siren, message):
    response = client_as(permanent).post(SUBMIT, complete_form(cooperative_siren=siren))
    assert response.status_code == 200 and message in response.content.decode()
    assert not Practice.objects.exists()


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("links_text", "pas-une-adresse Titre", "n&#x27;est pas une adresse web"),
        ("links_text", "javascript:alert(1) x", "n&#x27;est pas une adresse web"),
        ("tags_text", ",".join(f"mot{n}" for n in range(12)), "Pas plus de 8 mots-clés"),
        ("title", "x" * 300, "200 caractères"),
        ("contact_email", "pas-un-courriel", "adresse de courriel valide"),
        ("started_year", "deux-mille", "nombre entier"),
    ],
)
def test_bad_input_is_explained_in_french(client_as, member, field, value, message):
    response = client_as(member).post(SUBMIT, complete_form(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Practice.objects.exists()


def test_editing_a_draft_keeps_its_tags_and_links(client_as, member):
    client = client_as(member)
    client.post(SUBMIT, complete_form(action="brouillon"))
    practice = Practice.objects.get()
    html = client.get(reverse("practices:edit", args=[practice.slug])).content.decode()
    assert "jeunesse, parrainage" in html and "https://www.les-scop.coop/guide Le guide" in html


def test_contribution_pages_are_valid_html(client_as, member):
    from observatoire.pages.tests.test_html_valid import assert_valid

    client = client_as(member)
    empty = client.get(SUBMIT)
    with_errors = client.post(SUBMIT, complete_form(summary="", links_text="x"))
    client.post(SUBMIT, complete_form(action="brouillon"))
    practice = Practice.objects.get()
    assert_valid(
        {
            "formulaire vide": empty,
            "formulaire en erreur": with_errors,
            "brouillon": client.get(reverse("practices:edit", args=[practice.slug])),
            "aperçu": client.get(reverse("practices:preview", args=[practice.slug])),
            "mes contributions": client.get(reverse("practices:my_contributions")),
        }
    )


def test_a_robot_filling_the_honeypot_sends_nothing(client_as, member):
    response = client_as(member).post(SUBMIT, complete_form(site_web="https://spam.example"))
    assert response.status_code == 200
    assert "robot" in response.content.decode()
    assert not Practice.objects.exists()


def test_submissions_are_limited_per_day_and_nothing_typed_is_lost(client_as, member, settings):
    settings.SUBMISSIONS_PER_DAY = 2
    client = client_as(member)
    for number in range(2):
        response = client.post(SUBMIT, complete_form(title=f"Pratique envoyée {number}"))
        assert response.status_code == 302
    response = client.post(SUBMIT, complete_form(title="Une de trop aujourd'hui"))
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Vous avez atteint la limite de 2 envois par jour" in html
    assert "Une de trop aujourd'hui" in html
    assert not Practice.objects.filter(title="Une de trop aujourd'hui").exists()
    # A draft is still possible: the work is kept for tomorrow.
    response = client.post(
        SUBMIT, complete_form(title="Une de trop aujourd'hui", action="brouillon")
    )
    assert response.status_code == 302
    assert Practice.objects.get(title="Une de trop aujourd'hui").status == Practice.Status.DRAFT
