"""The member's buttons and comment form under a practice, rendered once per language and branch
(lib/stencil.py), give exactly the markup their templates render, whatever the values."""

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from observatoire.community.forms import CommentForm
from observatoire.community.templatetags import community
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db

TOKEN = "aZ09" * 16
AWKWARD = 'Parité <script>alert("x")</script> & « l\'égalité »'


@pytest.fixture(params=["fr", "en"])
def language(request):
    with translation.override(request.param):
        yield request.param


@pytest.mark.parametrize("title", ["Conseil coopératif", AWKWARD])
@pytest.mark.parametrize("state", [False, True])
def test_stencils_render_as_their_templates(language, member, title, state):
    practice = make_practice(title=title)
    request = RequestFactory().get(practice.get_absolute_url() + "?x=<b>&y=\"'")
    request.user = member
    path = request.get_full_path()

    expected = render_to_string(
        "community/bookmark_button.html",
        {"practice": practice, "bookmarked": state, "csrf_token": TOKEN},
    )
    got = community.bookmark_button.render(state, slug=practice.slug, csrf_token=TOKEN)
    assert got == expected

    expected = render_to_string(
        "community/follow_button.html",
        {
            "user": member,
            "request": request,
            "target": practice,
            "kind": "pratique",
            "following": state,
            "csrf_token": TOKEN,
        },
    )
    got = community.signed_in_follow_button.render(
        state, "pratique", pk=practice.pk, name=str(practice), next=path, csrf_token=TOKEN
    )
    assert got == expected
    assert "<script>" not in got

    expected = render_to_string(
        "community/comment_fields.html",
        {
            "form": CommentForm(auto_id="id_comment_%s"),
            "practice": practice,
            "csrf_token": TOKEN,
            "edit_minutes": settings.COMMENT_EDIT_MINUTES,
        },
    )
    assert community.blank_comment_form.render(slug=practice.slug, csrf_token=TOKEN) == expected


def test_the_practice_page_gives_each_member_their_own_token_and_state(client, member):
    practice = make_practice(title="Une pratique")
    client.force_login(member)
    page = client.get(practice.get_absolute_url()).content.decode()
    token = client.cookies["csrftoken"].value
    assert page.count('name="csrfmiddlewaretoken"') >= 3
    toggle = f"/pratiques/{practice.slug}/enregistrer/"
    assert f'action="{toggle}"' in page
    assert f'value="{token}"' not in page  # masked per request, as Django's tag does
    client.post(toggle, {"csrfmiddlewaretoken": token})
    again = client.get(practice.get_absolute_url()).content.decode()
    assert "Retirer de mes favoris" in again and "Retirer de mes favoris" not in page
