"""The interface is French unless the person chose English with the footer's switch."""

import pytest


@pytest.mark.django_db
def test_french_by_default_whatever_the_browser_says(client):
    response = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response.headers["Content-Language"] == "fr"
    assert "Se connecter" in response.content.decode()
    client.cookies["django_language"] = "en"
    assert "Sign in" in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_link_changes_the_interface_never_the_accounts_language(client_as, member):
    """Issue 8, point 14: a cross-site link (GET) changed the language of a person's emails."""
    assert member.language == "fr"
    response = client_as(member).get("/langue/en/?next=/pratiques/")
    assert response.status_code == 302 and response["Location"] == "/pratiques/"
    assert response.cookies["django_language"].value == "en"  # the interface switches
    member.refresh_from_db()
    assert member.language == "fr"  # the emails do not


@pytest.mark.django_db
def test_a_signed_in_person_keeps_the_choice_for_emails_by_post(member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    forged = client.post("/langue/en/?next=/pratiques/")  # from another site: no token
    assert forged.status_code == 403
    member.refresh_from_db()
    assert member.language == "fr"
    client.get("/compte/")  # a page of the site gives the token
    token = client.cookies["csrftoken"].value
    response = client.post("/langue/en/?next=/pratiques/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.language == "en"
    assert client.post("/langue/xx/", {"csrfmiddlewaretoken": token}).status_code == 404
