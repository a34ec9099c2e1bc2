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
def test_a_signed_in_person_keeps_the_choice_for_emails(client_as, member):
    assert member.language == "fr"
    response = client_as(member).get("/langue/en/?next=/pratiques/")
    assert response.status_code == 302 and response["Location"] == "/pratiques/"
    member.refresh_from_db()
    assert member.language == "en"
    assert client_as(member).get("/langue/xx/").status_code == 404
    member.refresh_from_db()
    assert member.language == "en"
