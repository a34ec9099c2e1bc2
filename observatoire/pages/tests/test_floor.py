"""The benchmark's floor renders like every page: base template, session, context processors."""

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory

from observatoire.pages.floor import floor

pytestmark = pytest.mark.django_db


def test_floor_renders_the_header_of_a_signed_in_member(member):
    request = RequestFactory().get("/banc/plancher/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = member
    html = floor(request).content.decode()
    assert member.full_name in html  # the header, from the request's user
    assert "Plancher du banc d'essai" in html
    assert len(html) > 50_000  # about the size of a list page
