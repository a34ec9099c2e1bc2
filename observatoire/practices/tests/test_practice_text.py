"""A practice's texts on its page (lib/prose.py): paragraphs, and the steps people write as
lines starting with a dash or a number shown as lists, everything they typed escaped."""

import pytest

from observatoire.lib.prose import paragraphs
from observatoire.practices.models import Practice
from observatoire.practices.tests.factories import make_practice


def test_lines_starting_with_a_dash_a_star_or_a_bullet_are_a_list():
    html = paragraphs(
        "Les étapes :\n- réunir l'équipe\n* voter\n• fêter ça\nEt après, on recommence."
    )
    assert html == (
        "<p>Les étapes :</p>"
        "<ul><li>réunir l&#x27;équipe</li><li>voter</li><li>fêter ça</li></ul>"
        "<p>Et après, on recommence.</p>"
    )


def test_numbered_lines_are_an_ordered_list_starting_at_their_first_number():
    assert paragraphs("1. Choisir\n2) Décider") == "<ol><li>Choisir</li><li>Décider</li></ol>"
    assert paragraphs("3. Reprendre\n4. Finir") == (
        '<ol start="3"><li>Reprendre</li><li>Finir</li></ol>'
    )


def test_a_list_goes_on_across_blank_lines_and_indented_lines_continue_an_item():
    text = "- Un\n  suite du un\n\n- Deux\n\nUn paragraphe.\n1. Autre liste"
    assert paragraphs(text) == (
        "<ul><li>Un<br>suite du un</li><li>Deux</li></ul>"
        "<p>Un paragraphe.</p><ol><li>Autre liste</li></ol>"
    )


def test_other_text_keeps_its_paragraphs_and_line_breaks():
    text = "Premier paragraphe,\nsur deux lignes.\n\n\nSecond - avec un tiret.\r\n2019. Une année."
    assert paragraphs(text) == (
        "<p>Premier paragraphe,<br>sur deux lignes.</p>"
        "<p>Second - avec un tiret.<br>2019. Une année.</p>"
    )
    assert paragraphs("") == "" and paragraphs("  \n ") == ""


@pytest.mark.parametrize(
    "hostile",
    ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "<b>gras</b> & <i>"],
)
def test_everything_typed_is_escaped_in_items_and_paragraphs(hostile):
    html = paragraphs(f"{hostile}\n- {hostile}\n1. {hostile}")
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert html.count("&lt;") == 3 * hostile.count("<")


@pytest.mark.django_db
def test_the_practice_page_shows_the_steps_as_a_list(client):
    practice = make_practice(
        setup_steps="Trois étapes :\n- En parler en AG\n- Voter\n- Tenir le registre",
        actions="1. Un café\n2. Une charte",
    )
    for body in ("stored", "rendered"):
        if body == "rendered":
            Practice.objects.filter(pk=practice.pk).update(body_html="")
        html = client.get(practice.get_absolute_url()).content.decode()
        assert (
            "<ul><li>En parler en AG</li><li>Voter</li><li>Tenir le registre</li></ul>" in html
        ), body
        assert "<ol><li>Un café</li><li>Une charte</li></ol>" in html, body
