"""A practice's page: content, cooperative card, related practices, who may see it."""

from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from observatoire.practices.models import Practice, PracticeLink
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db


def test_shows_sections_cooperative_card_and_resources(client):
    practice = make_practice(
        title="Le bilan carbone en AG",
        context="Le contexte de départ.",
        actions="Ce que nous avons fait.",
        results="Moins 20 % d'émissions.",
        setup_duration="Trois mois",
        themes=["transition-ecologique"],
    )
    PracticeLink.objects.create(
        practice=practice, title="Guide de l'ADEME", url="https://www.example.org/guide"
    )
    cooperative = practice.cooperatives.get()
    html = unescape(client.get(practice.get_absolute_url()).content.decode())
    for text in [
        "Le bilan carbone en AG",
        "Le contexte de départ.",
        "Ce que nous avons fait.",
        "Moins 20 % d'émissions.",
        "Trois mois",
        "Guide de l'ADEME",
        cooperative.name,
        "Scop SARL",
        "Transition écologique",
    ]:
        assert text in html, text


def test_related_practices_share_a_theme(client):
    practice = make_practice(title="Source", themes=["gouvernance"])
    make_practice(title="Voisine", themes=["gouvernance"])
    make_practice(title="Lointaine", themes=["parite-egalite"], category="un-vecu")
    response = client.get(practice.get_absolute_url())
    related = [p.title for p in response.context["related"]]
    assert related[0] == "Voisine"
    assert "Source" not in related


def test_members_only_practice_invites_visitors_to_sign_in_without_its_title(client):
    practice = make_practice(title="Un secret bien gardé", visibility=Practice.Visibility.MEMBERS)
    response = client.get(practice.get_absolute_url())
    assert response.status_code == 403
    page = response.content.decode()
    assert "Un secret bien gardé" not in page
    assert f"?next={practice.get_absolute_url()}" in page


@pytest.mark.parametrize(
    "role", ["member", "coop_admin", "permanent", "moderator", "administrator"]
)
def test_members_only_practice_is_shown_to_signed_in_roles(client_as, request, role):
    practice = make_practice(visibility=Practice.Visibility.MEMBERS)
    response = client_as(request.getfixturevalue(role)).get(practice.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("status", [s for s in Practice.Status if s != Practice.Status.PUBLISHED])
def test_unpublished_practice_is_404(client, member, client_as, status):
    practice = make_practice(status=status)
    assert client_as(member).get(practice.get_absolute_url()).status_code == 404


def test_contact_email_only_for_signed_in_people(client, client_as, member):
    practice = make_practice(contact_name="Inès", contact_email="ines@exemple.coop")
    assert "ines@exemple.coop" not in client.get(practice.get_absolute_url()).content.decode()
    html = client_as(member).get(practice.get_absolute_url()).content.decode()
    assert "ines@exemple.coop" in html


def test_query_count_is_constant(client):
    make_practice(themes=["gouvernance"])  # one related practice
    small = make_practice(themes=["gouvernance"])
    PracticeLink.objects.create(practice=small, title="Lien", url="https://example.org/")
    with CaptureQueriesContext(connection) as few:
        client.get(small.get_absolute_url())
    big = make_practice(themes=["gouvernance", "parite-egalite", "transition-ecologique"])
    for number in range(6):
        PracticeLink.objects.create(
            practice=big, title=f"Lien {number}", url=f"https://example.org/{number}"
        )
        make_practice(themes=["gouvernance"])
    with CaptureQueriesContext(connection) as many:
        client.get(big.get_absolute_url())
    # More links, themes and related practices never cost more queries (related practices
    # are read from the lists their themes keep: related.py).
    assert len(many) <= len(few)


@pytest.mark.django_db
def test_the_themes_read_with_the_practice_are_those_of_the_orm_in_order():
    """The practice page reads the themes in its practice's query (views.THEMES_OF_PRACTICE,
    as JSON, on both databases): the same themes, fields and order as the ORM gives."""
    from django.contrib.auth.models import AnonymousUser

    from observatoire.practices.models import Theme
    from observatoire.practices.views import get_practice_for, themes_read_with

    slugs = list(Theme.objects.order_by("-pk").values_list("slug", flat=True)[:5])
    practice = make_practice(title="Cinq thèmes", themes=slugs)
    found = themes_read_with(get_practice_for(AnonymousUser(), practice.slug))
    expected = list(Theme.objects.filter(practices=practice))
    assert len(expected) == 5
    fields = ("pk", "name", "slug", "category_id", "position", "newest")
    assert [[getattr(theme, f) for f in fields] for theme in found] == [
        [getattr(theme, f) for f in fields] for theme in expected
    ]
    bare = make_practice(title="Sans thème", themes=[])
    assert themes_read_with(get_practice_for(AnonymousUser(), bare.slug)) == []
