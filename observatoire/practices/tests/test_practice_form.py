"""The practice form as a first-time contributor meets it (issue 8, point 17): what is needed to
submit marked from the start, errors counted and linked, the themes grouped by category, a
draft submitted from its preview, and a cooperative found by its name."""

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from observatoire.network.tests.factories import make_cooperative
from observatoire.practices.models import Category, Practice
from observatoire.practices.tests.factories import make_practice
from observatoire.practices.tests.test_attachments import SVG
from observatoire.practices.tests.test_contribute import complete_form

pytestmark = pytest.mark.django_db
SUBMIT = reverse("practices:submit")


def label_of(html: str, field: str) -> str:
    found = re.search(rf'<label for="id_{field}">(.*?)</label>', html, re.S)
    assert found, field
    return unescape(found.group(1))


def tag_of(html: str, field: str) -> str:
    found = re.search(rf'<(?:input|textarea|select)[^>]*\bid="id_{field}"[^>]*>', html)
    assert found, field
    return found.group(0)


def error_summary(html: str) -> str:
    found = re.search(r'<div class="[^"]*error-summary[^"]*".*?</ul>', html, re.S)
    assert found, "no error summary"
    return found.group(0)


# 1. What a submission needs is marked from the first display.


def test_the_fields_needed_to_submit_are_marked_from_the_first_display(client_as, member):
    html = client_as(member).get(SUBMIT).content.decode()
    for field in ("title", "summary", "category", "actions"):
        assert "(obligatoire)" in label_of(html, field), field
        assert re.search(r"\srequired\b", tag_of(html, field)), field
    for field in ("context", "results", "tags_text"):
        assert "(obligatoire)" not in label_of(html, field), field
        assert "required" not in tag_of(html, field), field
    assert "Les champs marqués « (obligatoire) » sont nécessaires pour soumettre" in unescape(html)


def test_a_permanent_sees_the_cooperative_marked_as_needed(client_as, permanent):
    html = client_as(permanent).get(SUBMIT).content.decode()
    assert "(obligatoire)" in label_of(html, "cooperative_siren")


def test_a_draft_still_needs_only_its_title(client_as, member):
    data = {"title": "Juste un titre", "visibility": "public", "action": "brouillon"}
    response = client_as(member).post(SUBMIT, data)
    assert response.status_code == 302
    assert Practice.objects.get().status == Practice.Status.DRAFT


# 2. After a failed submission, a summary counts the errors, links each to its field and
# takes the focus.


def test_a_failed_submission_counts_and_links_every_error(client_as, member):
    response = client_as(member).post(SUBMIT, complete_form(summary="", category=""))
    assert response.status_code == 200
    summary = unescape(error_summary(response.content.decode()))
    assert "2 erreurs à corriger" in summary
    assert 'tabindex="-1"' in summary and "autofocus" in summary
    assert re.search(r'<a href="#id_summary">En bref[^<]*: Ce champ est obligatoire\.</a>', summary)
    assert re.search(
        r'<a href="#id_category">Catégorie[^<]*: Ce champ est obligatoire\.</a>', summary
    )
    assert summary.index("#id_summary") < summary.index("#id_category")  # the page's order


def test_one_error_is_counted_in_the_singular(client_as, member):
    response = client_as(member).post(SUBMIT, complete_form(links_text="pas-une-adresse"))
    summary = unescape(error_summary(response.content.decode()))
    assert "1 erreur à corriger" in summary and '<a href="#id_links_text">' in summary


def test_errors_of_the_whole_form_and_of_the_documents_are_in_the_summary(
    client_as, member, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    data = complete_form(summary="", site_web="https://spam.example")
    data["documents"] = SimpleUploadedFile("logo.svg", SVG, content_type="image/svg+xml")
    response = client_as(member).post(SUBMIT, data)
    summary = unescape(error_summary(response.content.decode()))
    assert "3 erreurs à corriger" in summary and "rempli par un robot" in summary
    assert re.search(r'<a href="#id_documents">[^<]*« logo\.svg »', summary)


def test_a_form_without_errors_has_no_summary(client_as, member):
    assert "error-summary" not in client_as(member).get(SUBMIT).content.decode()


# 3. The preview offers to submit the draft as it was saved.


def draft_of(member, **fields) -> Practice:
    fields.setdefault("title", "Un café des associés")
    return make_practice(
        status=Practice.Status.DRAFT,
        author=member,
        cooperatives=[member.cooperative],
        actions="Un café chaque lundi.",
        **fields,
    )


def test_the_preview_offers_to_submit_and_to_go_back(client_as, member):
    draft = draft_of(member)
    html = client_as(member).get(reverse("practices:preview", args=[draft.slug])).content.decode()
    send = reverse("practices:submit_draft", args=[draft.slug])
    assert re.search(rf'<form method="post" action="{send}"', html)
    assert "Soumettre à la relecture</button>" in html
    assert reverse("practices:edit", args=[draft.slug]) in html


def test_submitting_from_the_preview_sends_the_draft_as_saved(client_as, member):
    draft = draft_of(member, themes=["gouvernance"], summary="Un résumé déjà écrit.")
    draft.tags.create(name="café", slug="cafe")
    client = client_as(member)
    response = client.post(reverse("practices:submit_draft", args=[draft.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("practices:my_contributions")
    draft.refresh_from_db()
    assert draft.status == Practice.Status.SUBMITTED and draft.submitted_at
    assert draft.summary == "Un résumé déjà écrit." and draft.actions == "Un café chaque lundi."
    assert [theme.slug for theme in draft.themes.all()] == ["gouvernance"]
    assert [tag.name for tag in draft.tags.all()] == ["café"]
    assert list(draft.cooperatives.all()) == [member.cooperative]
    assert "Votre pratique est transmise" in unescape(
        client.get(reverse("practices:my_contributions")).content.decode()
    )


def test_an_incomplete_draft_submitted_from_the_preview_shows_the_form_with_its_errors(
    client_as, member
):
    draft = draft_of(member, summary="", context="Un contexte déjà écrit.")
    response = client_as(member).post(reverse("practices:submit_draft", args=[draft.slug]))
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "1 erreur à corriger" in html and '<a href="#id_summary">' in html
    assert "Un contexte déjà écrit." in html and "Un café des associés" in html
    # The corrected form goes back to the draft's own form.
    edit = reverse("practices:edit", args=[draft.slug])
    assert re.search(rf'<form [^>]*action="{edit}"', html)
    draft.refresh_from_db()
    assert draft.status == Practice.Status.DRAFT


def test_submitting_from_the_preview_respects_the_daily_limit(client_as, member, settings):
    settings.SUBMISSIONS_PER_DAY = 0
    draft = draft_of(member, summary="Un résumé.")
    response = client_as(member).post(reverse("practices:submit_draft", args=[draft.slug]))
    assert response.status_code == 200
    assert "Vous avez atteint la limite" in unescape(response.content.decode())
    draft.refresh_from_db()
    assert draft.status == Practice.Status.DRAFT


def test_only_the_author_submits_a_draft_and_only_once(client_as, member, coop_admin):
    draft = draft_of(member, summary="Un résumé.")
    url = reverse("practices:submit_draft", args=[draft.slug])
    assert client_as(coop_admin).post(url).status_code == 404
    assert client_as(member).get(url).status_code == 405
    assert client_as(member).post(url).status_code == 302
    assert client_as(member).post(url).status_code == 404  # under review: no longer editable
    published = make_practice(author=member, cooperatives=[member.cooperative])
    url = reverse("practices:submit_draft", args=[published.slug])
    assert client_as(member).post(url).status_code == 404  # a revision is sent from its form


# 5. The themes grouped by category, the chosen category's first.


def theme_legends(html: str) -> list[str]:
    return [
        unescape(name)
        for name in re.findall(
            r'<fieldset class="choices theme-group"[^>]*>\s*<legend[^>]*>(.*?)</legend>', html
        )
    ]


def test_the_themes_are_grouped_by_category(client_as, member):
    html = client_as(member).get(SUBMIT).content.decode()
    assert theme_legends(html) == [category.name for category in Category.objects.all()]
    group = re.search(
        r'class="choices theme-group"[^>]*>\s*<legend[^>]*>Un vécu</legend>(.*?)</fieldset>',
        html,
        re.S,
    )
    assert group and "Parité et égalité" in unescape(group.group(1))
    assert "Gouvernance" not in group.group(1)


def test_the_chosen_category_comes_first(client_as, member):
    client = client_as(member)
    response = client.post(SUBMIT, complete_form(summary=""))  # category « Un vécu »
    assert theme_legends(response.content.decode())[0] == "Un vécu"
    draft = draft_of(member, category="performance-globale")
    html = client.get(reverse("practices:edit", args=[draft.slug])).content.decode()
    legends = theme_legends(html)
    assert legends[0] == "La performance globale" and len(legends) == Category.objects.count()


# 6. Staff credit a cooperative found by its name; its SIREN still works.


def test_a_permanent_credits_a_cooperative_by_its_name(client_as, permanent):
    spotted = make_cooperative(name="Scop Les Tisserands du Vercors")
    make_cooperative(name="Scop Les Menuisiers")
    response = client_as(permanent).post(
        SUBMIT, complete_form(cooperative_siren="tisserands du vercors")
    )
    assert response.status_code == 302
    assert list(Practice.objects.get().cooperatives.all()) == [spotted]


def test_a_name_as_suggested_with_its_siren_is_understood(client_as, permanent):
    first = make_cooperative(name="Scop Atelier")
    make_cooperative(name="Scop Atelier")
    client_as(permanent).post(
        SUBMIT, complete_form(cooperative_siren=f"Scop Atelier ({first.siren})")
    )
    assert list(Practice.objects.get().cooperatives.all()) == [first]


def test_an_exact_name_wins_over_longer_ones(client_as, permanent):
    exact = make_cooperative(name="Alpha")
    make_cooperative(name="Alpha Conseil")
    client_as(permanent).post(SUBMIT, complete_form(cooperative_siren="alpha"))
    assert list(Practice.objects.get().cooperatives.all()) == [exact]


def test_an_ambiguous_name_lists_the_candidates_and_keeps_what_was_typed(client_as, permanent):
    one = make_cooperative(name="Scop Boulangerie du Centre", commune="Lyon")
    two = make_cooperative(name="Scop Boulangerie du Port", commune="Sète")
    response = client_as(permanent).post(SUBMIT, complete_form(cooperative_siren="boulangerie"))
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Plusieurs coopératives correspondent à « boulangerie »" in html
    assert one.siren in html and two.siren in html and "Sète" in html
    assert 'value="boulangerie"' in html
    assert not Practice.objects.exists()


def test_an_unknown_name_is_explained(client_as, permanent):
    response = client_as(permanent).post(SUBMIT, complete_form(cooperative_siren="Inconnue SA"))
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Aucune coopérative du réseau ne porte ce nom" in html
    assert 'value="Inconnue SA"' in html
    assert not Practice.objects.exists()


def test_a_saved_draft_shows_its_cooperative_by_name(client_as, permanent):
    spotted = make_cooperative(name="Scop Repérée")
    client = client_as(permanent)
    client.post(SUBMIT, complete_form(action="brouillon", cooperative_siren=spotted.siren))
    draft = Practice.objects.get()
    html = unescape(client.get(reverse("practices:edit", args=[draft.slug])).content.decode())
    assert f'value="Scop Repérée ({spotted.siren})"' in html


def options_url() -> str:
    return reverse("practices:cooperative_options")


def test_staff_get_suggestions_of_cooperatives_by_name(client_as, permanent):
    spotted = make_cooperative(name="Scop Les Tisserands", commune="Die")
    make_cooperative(name="Scop Les Menuisiers")
    client = client_as(permanent)
    html = unescape(client.get(options_url(), {"cooperative_siren": "tisser"}).content.decode())
    assert f'<option value="Scop Les Tisserands ({spotted.siren})">' in html and "Die" in html
    assert "Menuisiers" not in html
    assert client.get(options_url(), {"cooperative_siren": "t"}).content.decode().strip() == ""


def test_the_cooperative_field_asks_for_suggestions(client_as, permanent):
    html = client_as(permanent).get(SUBMIT).content.decode()
    field = tag_of(html, "cooperative_siren")
    assert f'hx-get="{options_url()}"' in field and 'list="cooperative-suggestions"' in field
    assert '<datalist id="cooperative-suggestions">' in html


@pytest.mark.parametrize("role", ["member", "coop_admin"])
def test_members_get_no_suggestions_they_credit_their_own_cooperative(client_as, request, role):
    make_cooperative(name="Scop Les Tisserands")
    response = client_as(request.getfixturevalue(role)).get(
        options_url(), {"cooperative_siren": "tis"}
    )
    assert response.status_code == 403


def test_the_staff_form_with_its_errors_is_valid_html(client_as, permanent):
    from observatoire.pages.tests.test_html_valid import assert_valid

    make_cooperative(name="Scop Boulangerie du Centre")
    make_cooperative(name="Scop Boulangerie du Port")
    client = client_as(permanent)
    assert_valid(
        {
            "formulaire de l'équipe": client.get(SUBMIT),
            "nom ambigu": client.post(SUBMIT, complete_form(cooperative_siren="boulangerie")),
        }
    )
